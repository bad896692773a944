// Webhooks: verify deliveries, parse events, answer voice turns. Works with the raw body of
// node:http, Express (`express.raw()`), Fastify, or a web Request (`await request.text()`).

import { native, nodeReadable, toBytes } from '#backend';
import { checkDepth } from './depth.js';
import { toError } from './failure.js';

export const SIGNATURE_HEADER = 'x-webhook-signature';
export const TIMESTAMP_HEADER = 'x-webhook-timestamp';
/** The same on every redelivery of one event: what `firstDelivery` goes by. */
export const DELIVERY_ID_HEADER = 'x-webhook-id';
export const VOICE_JSON = 'application/json';
export const VOICE_NDJSON = 'application/x-ndjson';

/** A header from a plain object (any case), a node:http IncomingHttpHeaders, or a web Headers. */
function header(headers, name) {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function call(fn) {
  try {
    return fn();
  } catch (error) {
    throw toError(error);
  }
}

/**
 * Checks a delivery's signature and freshness; throws WebhookVerificationError.
 * `secret` may be a list (the secret changes each time the webhook is set).
 */
export function verifyWebhook(payload, headers, options) {
  call(() => native.verify(...verificationArgs(payload, headers, options)));
}

/** The native verifier's arguments: raw body, the two headers, the secrets, tolerance, clock. */
function verificationArgs(payload, headers, { secret, signature, timestamp, tolerance = native.defaultTolerance(), now } = {}) {
  return [
    toBytes(payload),
    signature ?? header(headers, SIGNATURE_HEADER),
    timestamp ?? header(headers, TIMESTAMP_HEADER),
    Array.isArray(secret) ? secret : [secret],
    tolerance === null ? undefined : tolerance,
    now,
  ];
}

/**
 * Verifies a delivery, then parses it: `{ event, channel, agentId, data, raw, isVoiceTurn,
 * deliveryId, ... }`; `deliveryId` is `options.deliveryId` or the `X-Webhook-ID` header.
 */
export function constructEvent(payload, headers, options) {
  // The core unpacked the envelope (camelCase names, defaults filled in).
  const event = call(() => native.constructEvent(...verificationArgs(payload, headers, options)));
  event.deliveryId = options?.deliveryId ?? header(headers, DELIVERY_ID_HEADER);
  return event;
}

/** A delivery store in this process's memory: the last `capacity` ids, oldest forgotten first. */
export class MemoryDeliveryStore {
  #capacity;
  #seen = new Set();

  constructor(capacity = 10_000) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Records `deliveryId`; true when it was new, false when seen before. */
  claim(deliveryId) {
    if (this.#seen.has(deliveryId)) return false;
    this.#seen.add(deliveryId);
    // A Set iterates in insertion order: the first is the oldest.
    if (this.#seen.size > this.#capacity) this.#seen.delete(this.#seen.values().next().value);
    return true;
  }
}

const processStore = new MemoryDeliveryStore();

/**
 * True the first time `store` (default: one in this process's memory) sees this delivery, false
 * for a redelivery already processed: the API redelivers until it gets a 2xx, so a receiver that
 * acted but answered late sees the event again. `store.claim(id)` may return a Promise (a shared
 * store such as Redis `SET id 1 NX EX 86400` across processes). Without an id every delivery
 * counts as first.
 */
export async function firstDelivery(event, store = processStore) {
  if (event.deliveryId == null) return true;
  return Boolean(await store.claim(event.deliveryId));
}

/** The `X-Webhook-Signature` for a payload (to test your own endpoint). */
export function signWebhook(payload, { secret, timestamp }) {
  return native.sign(secret, timestamp, toBytes(payload));
}

function reply(value, field = 'reply') {
  checkDepth(value, field);
  return typeof value === 'string' ? { text: value } : value;
}

/** One voice reply as a JSON body. */
export function voiceReply(text, { hangup, action, digits } = {}) {
  const fields = { text, hangup, action, digits };
  for (const [name, value] of Object.entries(fields)) checkDepth(value, name);
  return call(() => native.voiceJson(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))));
}

/** Several replies as one NDJSON body; all but the last are `interim`. */
export function voiceNdjson(replies) {
  return call(() => native.voiceNdjson(replies.map((value) => reply(value, 'replies'))));
}

/** NDJSON lines as replies come (e.g. from an LLM): each line goes out once the next exists. */
async function* voiceLines(replies) {
  const lines = new native.VoiceLines();
  for await (const value of replies) {
    const line = call(() => lines.push(reply(value)));
    if (line != null) yield line;
  }
  const last = lines.finish();
  if (last != null) yield last;
}

/** A Node Readable of NDJSON voice lines: `voiceStream(replies).pipe(res)`. */
export function voiceStream(replies) {
  return nodeReadable(voiceLines(replies));
}

/** A web ReadableStream of NDJSON voice lines, for `new Response(stream)`. */
export function voiceReadableStream(replies) {
  const lines = voiceLines(replies);
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await lines.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
  });
}

/** A voice reply as a web `Response` (JSON), for fetch-style handlers (Workers, Deno, Bun). */
export function voiceResponse(text, options) {
  return new Response(voiceReply(text, options), { headers: { 'content-type': VOICE_JSON } });
}

/** Replies as they come, streamed as an NDJSON web `Response`. */
export function voiceStreamResponse(replies) {
  return new Response(voiceReadableStream(replies), { headers: { 'content-type': VOICE_NDJSON } });
}
