// The client. Its resources and methods are generated from the operation table (generated/resources.js);
// this file holds what they share: settings, calls into the native core, iteration, aborting.

import { native, env, writeFile } from '#backend';
import { toError } from './failure.js';
import { attachResources } from './generated/resources.js';

/** Drops `undefined` (not given) and keeps `null` (sent as null: it clears a field). */
function clean(params) {
  const out = {};
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** A method's `{ timeout (ms), headers }` as the core takes them (`signal` stays here). */
function callOptions({ timeout, headers } = {}) {
  return clean({ timeout: timeout === undefined ? undefined : timeout / 1000, headers });
}

function abortError(signal) {
  const reason = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

/** Rejects when `signal` aborts (the request itself may still complete on the server). */
function withSignal(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

export class Recording {
  constructor(contentType, data) {
    this.contentType = contentType;
    this.data = data;
  }

  /** Writes the recording to `path`. */
  async save(path) {
    await writeFile(path, this.data);
    return path;
  }
}

const NATIVE = Symbol('native');

/** The native client behind an AgentPhone (for the package's own modules). */
export function clientCore(client) {
  return client[NATIVE];
}

export class AgentPhone {
  /**
   * @param {object} [options] `apiKey` (default: AGENTPHONE_API_KEY), `baseUrl` (default:
   *   AGENTPHONE_BASE_URL, then https://api.agentphone.ai), `timeout` (ms per attempt, default
   *   30000), `maxRetries` (default 2), `defaultHeaders`.
   */
  constructor(options = {}) {
    // Everything but `timeout` (ms here, seconds in the core) goes to the core as given, so a
    // misspelt option (`baseURL`) is refused by name rather than ignored.
    const { timeout, ...rest } = options;
    const settings = clean({
      ...rest,
      apiKey: rest.apiKey ?? env.AGENTPHONE_API_KEY,
      baseUrl: rest.baseUrl ?? (env.AGENTPHONE_BASE_URL || undefined),
      timeout: timeout === undefined ? undefined : timeout / 1000,
    });
    let client;
    try {
      client = new native.NativeClient(settings);
    } catch (error) {
      throw toError(error);
    }
    // Not enumerable: the native client never shows up in console.log or util.inspect.
    Object.defineProperty(this, NATIVE, { value: client });
    this.baseUrl = client.baseUrl;
    attachResources(this);
  }

  async _request(operation, params, options = {}) {
    let answer;
    try {
      answer = await withSignal(this[NATIVE].call(operation, clean(params), callOptions(options)), options.signal);
    } catch (error) {
      throw toError(error);
    }
    if (answer && answer.data instanceof Uint8Array && typeof answer.contentType === 'string') {
      return new Recording(answer.contentType, answer.data);
    }
    return answer;
  }

  _iterate(operation, params, options = {}) {
    const client = this[NATIVE];
    return {
      async *[Symbol.asyncIterator]() {
        let stream;
        try {
          stream = client.stream(operation, clean(params), callOptions(options));
        } catch (error) {
          throw toError(error);
        }
        for (;;) {
          let item;
          try {
            item = await withSignal(stream.next(), options.signal);
          } catch (error) {
            throw toError(error);
          }
          if (item === null) return;
          yield item;
        }
      },
    };
  }

  // Node's console.log and util.inspect.
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `AgentPhone { baseUrl: '${this.baseUrl}' }`;
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }
}
