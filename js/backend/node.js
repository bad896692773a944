// The Node backend: the native addon for this platform when one is installed, and the wasm build
// otherwise (slower per call, but it runs wherever Node does). `AGENTPHONE_BUILD=native` or `=wasm`
// forces one; `BUILD` says which is in use. Chosen by package.json's `#backend` import map.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { writeFile as writeFileNode } from 'node:fs/promises';

const forced = process.env.AGENTPHONE_BUILD || undefined;
if (forced !== undefined && forced !== 'native' && forced !== 'wasm') {
  throw new Error(`agentphone-rs: AGENTPHONE_BUILD must be "native" or "wasm", not ${JSON.stringify(forced)}`);
}

/** The napi-rs name of this platform: `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, ... */
function platform() {
  const { platform: os, arch } = process;
  if (os === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (os === 'win32') return `win32-${arch}-msvc`;
  return `${os}-${arch}`;
}

function isMusl() {
  try {
    return readFileSync('/usr/bin/ldd', 'latin1').includes('musl');
  } catch {
    // No ldd (a minimal image): glibc reports its version, musl does not.
    return !process.report?.getReport().header.glibcVersionRuntime;
  }
}

/** The addon: a contributor's build beside the package, else this platform's package. */
function loadAddon(name) {
  const require = createRequire(import.meta.url);
  const tried = [];
  for (const candidate of [`../agentphone-rs.${name}.node`, `agentphone-rs-${name}`]) {
    try {
      return { addon: require(candidate) };
    } catch (error) {
      tried.push(`${candidate}: ${error.message.split('\n')[0]}`);
    }
  }
  return { tried };
}

/** The raw body as the addon takes it (a Buffer, without copying a Uint8Array). */
function bufferOf(payload) {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload instanceof ArrayBuffer) return Buffer.from(payload);
  throw new TypeError('payload must be the raw body: a Buffer, Uint8Array, ArrayBuffer or string');
}

/**
 * The wasm build, loaded synchronously: the package has no top-level await on Node, so that
 * CommonJS code can `require()` it (Node loads ES modules synchronously unless they await).
 */
function loadWasm(require, tried) {
  let glue;
  try {
    glue = require('../wasm/agentphone_wasm.js');
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    // Only a source checkout lacks it: the published package always carries the wasm build.
    const why = tried ? `no native addon loads (${tried.join('; ')}) and ` : '';
    throw new Error(`agentphone-rs: ${why}the wasm build is missing from ${new URL('../wasm/', import.meta.url).pathname} (in a source checkout, run scripts/wasm-build.sh)`);
  }
  const { initSync } = glue;
  initSync({ module: readFileSync(new URL('../wasm/agentphone_wasm_bg.wasm', import.meta.url)) });
  return require('./wasm.js');
}

function choose() {
  let tried;
  if (forced !== 'wasm') {
    const name = platform();
    const loaded = loadAddon(name);
    const { addon } = loaded;
    tried = loaded.tried;
    if (addon) {
      // The addon turns panics into errors; nothing traps.
      return { BUILD: 'native', native: addon, env: process.env, isTrap: () => false, nodeReadable: (lines) => Readable.from(lines), toBytes: bufferOf, writeFile: writeFileNode };
    }
    if (forced === 'native') {
      throw new Error(`agentphone-rs: AGENTPHONE_BUILD=native, but no native addon for ${name} loads (install the optional dependency agentphone-rs-${name}):\n  ${tried.join('\n  ')}`);
    }
  }
  return loadWasm(createRequire(import.meta.url), tried);
}

const backend = choose();

/** Which build this is: `'native'` (the addon) or `'wasm'`. */
export const { BUILD, native, env, isTrap, nodeReadable, toBytes, writeFile } = backend;
