// The wasm backend for browsers, Deno, and any runtime without a better condition: fetches and
// instantiates the module next to this file (bundlers such as Vite and esbuild follow the
// `new URL(..., import.meta.url)` pattern). On Node (`--conditions=agentphone-wasm`) it reads the file.
import init from '../wasm/agentphone_wasm.js';

const url = new URL('../wasm/agentphone_wasm_bg.wasm', import.meta.url);
const readFileSync = url.protocol === 'file:' ? globalThis.process?.getBuiltinModule?.('node:fs')?.readFileSync : undefined;
await init({ module_or_path: readFileSync ? readFileSync(url) : url });

export * from './wasm.js';
