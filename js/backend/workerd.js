// The wasm backend for Cloudflare Workers (workerd) and other worker runtimes: they forbid
// compiling wasm from bytes at run time, so the module is imported and compiled at deploy time.
import { initSync } from '../wasm/agentphone_wasm.js';
import module from '../wasm/agentphone_wasm_bg.wasm';

initSync({ module });

export * from './wasm.js';
