'use strict';
// Webhooks: verify deliveries, parse events, answer voice turns. Works with the raw body of
// node:http, Express (`express.raw()`), Fastify, or a web Request (`await request.text()`).

const native = require('./native');
const { toError } = require('./errors');

const SIGNATURE_HEADER = 'x-webhook-signature';
const TIMESTAMP_HEADER = 'x-webhook-timestamp';
const VOICE_JSON = 'application/json';
const VOICE_NDJSON = 'application/x-ndjson';

function toBuffer(payload) {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  throw new TypeError('payload must be the raw body: a Buffer, Uint8Array or string');
}

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
function verifyWebhook(payload, headers, options) {
  call(() => native.verify(...verificationArgs(payload, headers, options)));
}

/** The native verifier's arguments: raw body, the two headers, the secrets, tolerance, clock. */
function verificationArgs(payload, headers, { secret, signature, timestamp, tolerance = 300, now } = {}) {
  return [
    toBuffer(payload),
    signature ?? header(headers, SIGNATURE_HEADER),
    timestamp ?? header(headers, TIMESTAMP_HEADER),
    Array.isArray(secret) ? secret : [secret],
    tolerance === null ? undefined : tolerance,
    now,
  ];
}

/** Verifies a delivery, then parses it: `{ event, channel, agentId, data, raw, isVoiceTurn, ... }`. */
function constructEvent(payload, headers, options) {
  const parsed = call(() => native.constructEvent(...verificationArgs(payload, headers, options)));
  const envelope = parsed.envelope;
  return {
    event: envelope.event,
    channel: envelope.channel ?? null,
    timestamp: envelope.timestamp ?? null,
    agentId: envelope.agentId ?? null,
    conversationState: envelope.conversationState ?? null,
    recentHistory: envelope.recentHistory ?? [],
    test: Boolean(envelope.test),
    kind: parsed.kind,
    data: parsed.data,
    raw: parsed.raw,
    isVoiceTurn: envelope.event === 'agent.message' && envelope.channel === 'voice',
  };
}

/** The `X-Webhook-Signature` for a payload (to test your own endpoint). */
function signWebhook(payload, { secret, timestamp }) {
  return native.sign(secret, timestamp, toBuffer(payload));
}

function reply(value) {
  return typeof value === 'string' ? { text: value } : value;
}

/** One voice reply as a JSON body. */
function voiceReply(text, { hangup, action, digits } = {}) {
  const fields = { text, hangup, action, digits };
  return call(() => native.voiceJson(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))));
}

/** Several replies as one NDJSON body; all but the last are `interim`. */
function voiceNdjson(replies) {
  return call(() => native.voiceNdjson(replies.map(reply)));
}

/** NDJSON lines as replies come (e.g. from an LLM): each line goes out once the next exists. */
async function* voiceLines(replies) {
  let pending;
  for await (const value of replies) {
    if (pending !== undefined) yield call(() => native.voiceJson({ ...reply(pending), interim: true })) + '\n';
    pending = value;
  }
  if (pending !== undefined) yield call(() => native.voiceJson(reply(pending))) + '\n';
}

/** A Node Readable of NDJSON voice lines: `voiceStream(replies).pipe(res)`. */
function voiceStream(replies) {
  const { Readable } = require('node:stream');
  return Readable.from(voiceLines(replies));
}

/** A web ReadableStream of NDJSON voice lines, for `new Response(stream)`. */
function voiceReadableStream(replies) {
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

module.exports = {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  VOICE_JSON,
  VOICE_NDJSON,
  verifyWebhook,
  constructEvent,
  signWebhook,
  voiceReply,
  voiceNdjson,
  voiceStream,
  voiceReadableStream,
};
