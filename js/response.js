// What every method of the client returns: a Promise of the typed answer that can also give the
// status, headers and request id it came with (`withResponse()`), the official SDK's shape of the
// same (`withRawResponse()`), or a fetch `Response` (`asResponse()`).

const encoder = new TextEncoder();

/** A value as Headers takes it: one character per byte, so text beyond Latin-1 goes as its UTF-8 bytes. */
function byteString(value) {
  return /[^\x00-\xff]/.test(value) ? String.fromCharCode(...encoder.encode(value)) : value;
}

/** The status, headers and request id of a successful answer. */
function responseInfo(reply) {
  const headers = new Headers();
  for (const line of reply.headers ? reply.headers.split('\n') : []) {
    const at = line.indexOf(': ');
    headers.append(line.slice(0, at), byteString(line.slice(at + 2)));
  }
  return { status: reply.status, headers, requestId: reply.requestId ?? null };
}

/** A body for `new Response`: statuses that carry none get `null`. */
function body(reply) {
  if ([101, 204, 205, 304].includes(reply.status)) return null;
  const { answer } = reply;
  if (answer && answer.data instanceof Uint8Array && typeof answer.contentType === 'string') return answer.data;
  return JSON.stringify(answer);
}

export class APIPromise extends Promise {
  #reply;
  #parse;
  #parsed;

  // Chained promises (`then`, `catch`) are plain ones.
  static get [Symbol.species]() {
    return Promise;
  }

  /**
   * @param {Promise<object>} reply the native call's `{ answer, status, requestId, headers }`
   * @param {(reply: object) => unknown} parse the typed answer of a reply
   */
  constructor(reply, parse) {
    // Settled at once and never rejected: what awaits it goes through `then` below, so a promise
    // only asked for `withResponse()` leaves no unhandled rejection behind.
    super((resolve) => resolve(undefined));
    this.#reply = reply;
    this.#parse = parse;
  }

  #answer() {
    this.#parsed ??= this.#reply.then(this.#parse);
    return this.#parsed;
  }

  then(onFulfilled, onRejected) {
    return this.#answer().then(onFulfilled, onRejected);
  }

  catch(onRejected) {
    return this.#answer().catch(onRejected);
  }

  finally(onFinally) {
    return this.#answer().finally(onFinally);
  }

  /** The typed answer with `{ status, headers, requestId }`. */
  async withResponse() {
    const reply = await this.#reply;
    const response = responseInfo(reply);
    return { data: this.#parse(reply), response, requestId: response.requestId };
  }

  /** `{ data, rawResponse }`, as the official SDK's `withRawResponse()`. */
  async withRawResponse() {
    const { data, response } = await this.withResponse();
    return { data, rawResponse: response };
  }

  /** The answer as a fetch `Response` (its body the JSON as received, or a recording's bytes). */
  async asResponse() {
    const reply = await this.#reply;
    const { status, headers } = responseInfo(reply);
    return new Response(body(reply), { status, headers });
  }
}
