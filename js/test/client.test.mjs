// The Node client: every operation reachable, errors by class, pagination, secrets kept out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import util from 'node:util';
import * as ap from '../index.js';
import { startSandbox, control, newKey, camel } from './helpers.mjs';

const require = createRequire(import.meta.url);
let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.stop());

test('every operation of the table is a method, lists also have listAll', () => {
  const client = new ap.AgentPhone({ apiKey: 'sk_test_surface', baseUrl: sandbox.url });
  const missing = [];
  for (const op of ap.operations()) {
    const names = op.isList ? [camel(op.method), `${camel(op.method)}All`] : [camel(op.method)];
    for (const name of names) if (typeof client[camel(op.resource)]?.[name] !== 'function') missing.push(`${op.resource}.${name}`);
  }
  assert.deepEqual(missing, []);
  // As many as the table has: spec/openapi.json is generated from it, one operationId each.
  const openapi = JSON.parse(readFileSync(new URL('../../spec/openapi.json', import.meta.url), 'utf8'));
  const ids = Object.values(openapi.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId)).filter(Boolean);
  assert.deepEqual(ap.operations().map((op) => op.id).sort(), ids.sort());
});

test('ESM and CommonJS share one module: instanceof holds across them', async () => {
  const cjs = require('../index.js');
  assert.equal(cjs.AgentPhone, ap.AgentPhone);
  const client = new cjs.AgentPhone({ apiKey: 'sk_test_esm', baseUrl: sandbox.url });
  await assert.rejects(client.agents.get('agt_missing'), (e) => e instanceof ap.NotFoundError && e instanceof cjs.APIError && e instanceof Error);
});

const STATUSES = [
  [400, 'BadRequestError'], [401, 'AuthenticationError'], [402, 'PaymentRequiredError'], [403, 'PermissionDeniedError'],
  [404, 'NotFoundError'], [409, 'ConflictError'], [422, 'UnprocessableEntityError'], [429, 'RateLimitError'],
  [500, 'InternalServerError'], [503, 'InternalServerError'],
];

test('each status family has its class, with status, code, requestId and retryAfter', async () => {
  for (const [status, name] of STATUSES) {
    const key = newKey();
    const client = new ap.AgentPhone({ apiKey: key, baseUrl: sandbox.url, maxRetries: 0 });
    await control(sandbox.url, 'POST', '/sandbox/faults', { operation: 'list_agents', status, retry_after: 7 }, key);
    await assert.rejects(client.agents.list(), (e) => {
      assert.equal(e.constructor.name, name);
      assert.ok(e instanceof ap[name] && e instanceof ap.APIError && e instanceof ap.AgentPhoneError);
      assert.equal(e.status, status);
      assert.equal(e.code, 'SANDBOX_FAULT');
      assert.match(e.requestId, /^req_/);
      assert.equal(e.retryAfter, 7);
      return true;
    });
  }
});

test('validation, timeouts, connection errors, and sends that may have gone out', async () => {
  const key = newKey();
  const client = new ap.AgentPhone({ apiKey: key, baseUrl: sandbox.url });
  await assert.rejects(client.calls.make({ agentId: 'a', toNumber: '555' }), (e) => e instanceof ap.ValidationError && e.field === 'toNumber');
  await control(sandbox.url, 'POST', '/sandbox/faults', { operation: 'get_usage', latency_ms: 400, count: 3 }, key);
  await assert.rejects(client.usage.get({ timeout: 100 }), ap.APITimeoutError);
  const offline = new ap.AgentPhone({ apiKey: key, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  await assert.rejects(offline.messages.send({ agentId: 'a', toNumber: '+14155550100', body: 'hi' }), (e) => e instanceof ap.APIConnectionError && e.sent === false && !e.mayHaveActed);
  const agent = await client.agents.create({ name: 'Ava' });
  await client.numbers.buy({ agentId: agent.id });
  await control(sandbox.url, 'POST', '/sandbox/faults', { operation: 'send_message', status: 503 }, key);
  await assert.rejects(client.messages.send({ agentId: agent.id, toNumber: '+14155550100', body: 'once' }), (e) => e instanceof ap.InternalServerError && e.mayHaveActed);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.usage.get({ signal: controller.signal }), { name: 'AbortError' });
});

test('listAll walks every page, lazily', async () => {
  const client = new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  for (let i = 0; i < 7; i++) await client.contacts.create({ name: `C${i}`, phoneNumber: `+1415555${String(i).padStart(4, '0')}` });
  const names = [];
  for await (const contact of client.contacts.listAll({ limit: 3 })) names.push(contact.name);
  assert.deepEqual(names, ['C6', 'C5', 'C4', 'C3', 'C2', 'C1', 'C0']);
  const page = await client.contacts.list({ limit: 2 });
  assert.deepEqual([page.data.length, page.hasMore, page.total], [2, true, 7]);
});

test('models are plain objects with the wire names; null clears, undefined keeps', async () => {
  const client = new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const contact = await client.contacts.create({ name: 'Jo', phoneNumber: '(415) 555-0100', email: 'jo@example.com' });
  assert.equal(contact.phoneNumber, '+14155550100');
  assert.equal((await client.contacts.update(contact.id, { notes: 'vip', email: undefined })).email, 'jo@example.com');
  assert.equal((await client.contacts.update(contact.id, { email: null })).email ?? null, null);
});

// Keys echoed back by a hostile server, under every error kind: hostile.test.mjs.
test('the API key appears in no inspect output or configuration error', () => {
  const key = 'sk_live_supersecretvalue123';
  const client = new ap.AgentPhone({ apiKey: key, baseUrl: 'http://127.0.0.1:9' });
  assert.ok(!util.inspect(client, { showHidden: true, depth: 5 }).includes(key));
  assert.ok(!JSON.stringify(client).includes(key));
  assert.throws(() => new ap.AgentPhone({ apiKey: key, baseUrl: 'http://example.com' }), (e) => e instanceof ap.ConfigurationError && !e.message.includes(key));
});

test('a misspelt option is refused by name, not ignored', () => {
  // `baseURL` silently ignored would send the requests to production.
  assert.throws(() => new ap.AgentPhone({ apiKey: 'sk_test_x', baseURL: sandbox.url }), (e) => e instanceof ap.ConfigurationError && /baseURL/.test(e.message));
  assert.throws(() => new ap.AgentPhone({ apiKey: 'sk_test_x', baseUrl: sandbox.url, timeout: -5 }), (e) => e instanceof ap.ConfigurationError && /timeout/.test(e.message));
});

test('per-call options reach every page of listAll', async () => {
  const key = newKey();
  const client = new ap.AgentPhone({ apiKey: key, baseUrl: sandbox.url, maxRetries: 0 });
  await control(sandbox.url, 'POST', '/sandbox/faults', { operation: 'list_agents', latency_ms: 400, count: 1 }, key);
  const walk = async () => { for await (const agent of client.agents.listAll({}, { timeout: 100 })) void agent; };
  await assert.rejects(walk(), ap.APITimeoutError);
});

test('secret fields stay out of console.log and util.inspect, and still read', async () => {
  const client = new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const webhook = await client.webhooks.set({ url: 'https://example.com/hook' });
  assert.match(webhook.secret, /^whsec_/);
  const shown = util.inspect(webhook);
  assert.ok(!shown.includes(webhook.secret) && shown.includes('[REDACTED]') && shown.includes('example.com'), shown);
  assert.equal(JSON.parse(JSON.stringify(webhook)).secret, webhook.secret, 'serializing is an explicit choice');
});
