// What the wasm backends share once the module is instantiated (web.js and workerd.js do that,
// each the way its runtime allows). The glue exports the same functions as the Node addon.
import * as glue from '../wasm/agentphone_wasm.js';

/** Which build this is. */
export const BUILD = 'wasm';
export const native = glue;
// Edge runtimes pass secrets explicitly (a Worker's `env`); Deno and Bun have `process.env`.
export const env = globalThis.process?.env ?? {};

/** A panic in the wasm module aborts it: the runtime throws a RuntimeError. */
export const isTrap = (error) => error instanceof WebAssembly.RuntimeError;

const encoder = new TextEncoder();

/** The raw body as the wasm module takes it. */
export function toBytes(payload) {
  if (typeof payload === 'string') return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  throw new TypeError('payload must be the raw body: a Uint8Array, ArrayBuffer or string');
}

// Node-only helpers work wherever Node's modules exist (the wasm build on Node, Deno, Bun) and
// say what to use instead elsewhere.
const builtin = (name) => globalThis.process?.getBuiltinModule?.(name);

export function nodeReadable(lines) {
  const stream = builtin('node:stream');
  if (!stream) throw new TypeError('voiceStream() makes a Node Readable; on this runtime use voiceReadableStream() or voiceStreamResponse()');
  return stream.Readable.from(lines);
}

export async function writeFile(path, data) {
  const fs = builtin('node:fs/promises');
  if (!fs) throw new TypeError('Recording.save() needs a file system; use recording.data (a Uint8Array) instead');
  return fs.writeFile(path, data);
}
