// agentphone-rs: the AgentPhone API (telephony for AI agents) for Node, browsers, Deno and edge
// workers, on a Rust core. One module for every runtime: package.json's `#backend` import map
// picks the native addon on Node and the wasm build elsewhere.
import { native } from '#backend';

export { BUILD } from '#backend';

export { AgentPhone, Recording } from './client.js';
export * from './generated/errors.js';
export * from './webhooks.js';
export { AgentTools } from './tools.js';

/** The user agent the client sends. */
export const USER_AGENT = native.userAgent();

/** The operation table: `{ id, resource, method, isList }` per operation. */
export function operations() {
  return native.operations();
}
