// The Node backend: the native addon built for this platform (`scripts/node-build.sh` puts it
// beside the package), and what only Node has. Chosen by package.json's `#backend` import map.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { writeFile } from 'node:fs/promises';

const file = `../agentphone.${process.platform}-${process.arch}.node`;
let addon;
try {
  addon = createRequire(import.meta.url)(file);
} catch (error) {
  throw new Error(`agentphone-rs: no native addon for ${process.platform}-${process.arch} (build it with scripts/node-build.sh): ${error.message}`);
}

/** Which build this is. */
export const BUILD = 'native';
export const native = addon;
export const env = process.env;
/** The addon turns panics into errors; nothing traps. */
export const isTrap = () => false;
export const nodeReadable = (lines) => Readable.from(lines);
export { writeFile };

/** The raw body as the addon takes it (a Buffer, without copying a Uint8Array). */
export function toBytes(payload) {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload instanceof ArrayBuffer) return Buffer.from(payload);
  throw new TypeError('payload must be the raw body: a Buffer, Uint8Array, ArrayBuffer or string');
}
