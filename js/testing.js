// agentphone-rs/testing: the AgentPhone sandbox inside your tests, a stateful emulator of the API
// started in this process on a free loopback port (the same server as `agentphone sandbox`), with
// helpers to drive it. It runs in the native addon; on the wasm build it says so.
//
//   const sandbox = await startSandbox();      // node:test `before`, vitest/jest `beforeAll`
//   const client = sandbox.client();
//   await sandbox.close();                     // `after` / `afterAll` (or `await using`)

import { BUILD, native } from '#backend';
import { AgentPhone } from './client.js';

/** A sandbox control request was refused (e.g. `to` is not a number of any project). */
export class SandboxError extends Error {
  constructor(status, body, refusal) {
    super(`the sandbox answered ${status}: ${refusal}`);
    this.name = 'SandboxError';
    this.status = status;
    this.body = body;
  }
}

/** `{ a: 1, camelCase: 2, skipped: undefined }` as the sandbox's snake_case JSON. */
function snakeCase(options) {
  const out = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value !== undefined) out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return out;
}

/** One isolated project of a sandbox: its API key, clients and project-scoped controls. */
export class Project {
  #sandbox;

  constructor(sandbox, apiKey) {
    // The sandbox is its own first project.
    this.#sandbox = sandbox ?? this;
    /** This project's API key. */
    this.apiKey = apiKey;
  }

  /** A client of this project (options as for `new AgentPhone`, without `apiKey` and `baseUrl`). */
  client(options = {}) {
    return new AgentPhone({ ...options, apiKey: this.apiKey, baseUrl: this.#sandbox.baseUrl });
  }

  /** Makes this project's next `count` requests (to `operation`, or any) fail, wait or drop. */
  async addFault({ operation, status, count = 1, retryAfter, retryAfterFormat = 'seconds', latencyMs, drop = false, acted = true } = {}) {
    const fault = snakeCase({ operation, status, count, retryAfter, retryAfterFormat, latencyMs, drop, acted });
    await this.#sandbox.control('POST', '/sandbox/faults', this.apiKey, fault);
  }

  /** Forgets this project's faults; answers how many of their hits were never taken. */
  async clearFaults() {
    return (await this.#sandbox.control('DELETE', '/sandbox/faults', this.apiKey)).unused;
  }

  /** Sets this project's balance in cents (a number costs 300, a message 1, a call 10). */
  async setBalance(cents) {
    await this.#sandbox.control('POST', '/sandbox/balance', this.apiKey, { cents });
  }

  /** What the sandbox did, with this project's requests by operation and what it holds (`project`). */
  stats() {
    return this.#sandbox.control('GET', '/sandbox/stats', this.apiKey);
  }

  /** Forgets everything this project holds. */
  async reset() {
    await this.#sandbox.control('POST', '/sandbox/reset', this.apiKey);
  }
}

/** A sandbox running in this process until `close()`. It is a project too (its first one). */
export class Sandbox extends Project {
  #native;

  constructor(handle, apiKey) {
    super(null, apiKey);
    this.#native = handle;
    /** `http://127.0.0.1:<port>`: the base URL for clients. */
    this.baseUrl = handle.url;
  }

  /** A new, empty project with its own API key. */
  async project() {
    return new Project(this, await this.#newKey());
  }

  /**
   * Someone texts `to` (a number of any project); the agent's webhook gets a signed `agent.message`
   * (`agent.contact_shared` with `sharedContact`, a card such as `{ name, phoneNumbers }`).
   */
  injectMessage({ to, from, body = '', channel, mediaUrls, sharedContact, wait = false }) {
    return this.control('POST', '/sandbox/inbound/message', undefined, snakeCase({ to, from, body, channel, mediaUrls, sharedContact, wait }));
  }

  /** Someone calls `to`; `script` is what the caller says, turn by turn. */
  injectCall({ to, from, script }) {
    return this.control('POST', '/sandbox/inbound/call', undefined, snakeCase({ to, from, script }));
  }

  /** The sandbox's clock (ISO 8601). */
  async now() {
    return (await this.control('GET', '/sandbox/clock')).now;
  }

  /** Moves the sandbox's clock forward; answers the new time. */
  async advanceClock(seconds) {
    return (await this.control('POST', '/sandbox/clock/advance', undefined, { seconds })).now;
  }

  /** A webhook endpoint inside the sandbox that records what it receives (see `sink`). */
  sinkUrl(name) {
    return `${this.baseUrl}/sandbox/sink/${encodeURIComponent(name)}`;
  }

  /** What the sink `name` received: each delivery's headers, body and parsed event. */
  async sink(name) {
    return (await this.control('GET', `/sandbox/sink/${encodeURIComponent(name)}`)).data;
  }

  /** Forgets every project and resets the clock. */
  async resetAll() {
    await this.control('POST', '/sandbox/reset');
  }

  /** Stops the server; clients of it fail to connect from then on. Idempotent. */
  async close() {
    await this.#native.close();
  }

  async [Symbol.asyncDispose]() {
    await this.close();
  }

  /** One request to the sandbox, in-process; a refusal throws `SandboxError`. */
  async control(method, path, apiKey, body) {
    const { status, body: answer, refusal } = await this.#native.request(method, path, apiKey, body);
    if (status >= 400) throw new SandboxError(status, answer, refusal);
    return answer;
  }

  async #newKey() {
    return (await this.control('POST', '/sandbox/keys')).apiKey;
  }

  /** @internal */
  static async start(handle) {
    const sandbox = new Sandbox(handle, undefined);
    sandbox.apiKey = await sandbox.#newKey();
    return sandbox;
  }
}

/**
 * Starts a sandbox on a free loopback port. Options: `fast` (test timing, the default here),
 * `turnDelayMs`, `balanceCents`, `numberLimit`, `messageCapacity`, `callCapacity`, `rateLimits`.
 */
export async function startSandbox({ fast = true, turnDelayMs, balanceCents, numberLimit, messageCapacity, callCapacity, rateLimits } = {}) {
  if (BUILD !== 'native') {
    throw new Error(
      'agentphone-rs/testing: startSandbox() runs the sandbox in the native addon, and this process uses the wasm build ' +
        '(AGENTPHONE_BUILD=wasm, or no addon for this platform). Run a sandbox with the agentphone CLI and point baseUrl at it.',
    );
  }
  const options = { fast, turnDelayMs, balanceCents, numberLimit, messageCapacity, callCapacity, rateLimits };
  const handle = await native.NativeSandbox.start(snakeCase(options));
  return Sandbox.start(handle);
}
