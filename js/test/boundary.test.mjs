// The native boundary under abuse: an aborted signal sends nothing, an abort stops the native call
// (its connection closes, no retry follows, the process exits at once), and arguments a converter
// could not survive (cycles, depth bombs) are refused by name. Runs on the addon and on wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ap from '../index.js';

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url));

/** A loopback server that answers with `respond(req, res, n)` and counts requests and closes. */
async function countingServer(respond) {
  const seen = { requests: 0, closed: 0 };
  const server = http.createServer((req, res) => {
    seen.requests += 1;
    req.socket.once('close', () => { seen.closed += 1; });
    respond(req, res, seen.requests);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, seen, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `body` (a module's text, with `ap` and `url` defined) in a child Node; resolves with its exit time in ms. */
function child(body, url) {
  const source = `import * as ap from ${JSON.stringify(INDEX)};\nconst url = ${JSON.stringify(url)};\n${body}`;
  const started = Date.now();
  const conditions = process.execArgv.filter((arg) => arg.startsWith('--conditions'));
  const proc = spawn(process.execPath, [...conditions, '--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (chunk) => { out += chunk; });
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, ms: Date.now() - started, out })));
}

test('a signal aborted already sends nothing, for calls and list walks', async () => {
  const server = await countingServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"m"}'));
  const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: server.url });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.messages.send({ agentId: 'agt_1', toNumber: '+14155550100', body: 'hi' }, { signal: controller.signal }), { name: 'AbortError' });
  await assert.rejects(async () => { for await (const _ of client.agents.listAll({}, { signal: controller.signal })); }, { name: 'AbortError' });
  await sleep(200);
  assert.equal(server.seen.requests, 0);
  await server.close();
});

test('an abort stops the call in the core: the connection closes and no retry follows', async () => {
  // A 429 asking for a 1 s wait: the abort lands during the wait, so a retry would be the second request.
  const server = await countingServer((req, res) => res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"detail":"slow"}'));
  const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: server.url });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const started = Date.now();
  await assert.rejects(client.messages.send({ agentId: 'agt_1', toNumber: '+14155550100', body: 'hi' }, { signal: controller.signal }), { name: 'AbortError' });
  assert.ok(Date.now() - started < 800, `rejected after ${Date.now() - started} ms`);
  await sleep(1500);
  assert.equal(server.seen.requests, 1, 'nothing was sent after the abort');
  await server.close();
});

test('after an abort mid-call the process exits at once', async () => {
  // The answer would take 6 s; the child aborts at 0.3 s and must not wait for it.
  const server = await countingServer((req, res) => { setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 6000); });
  const { code, ms } = await child(`
    const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: url, maxRetries: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await client.usage.get({ signal: controller.signal }).catch((e) => { if (e.name !== 'AbortError') throw e; });
  `, server.url);
  assert.equal(code, 0);
  assert.ok(ms < 3000, `the process took ${ms} ms to exit`);
  await sleep(100);
  assert.equal(server.seen.closed, 1, 'the aborted request closed its connection');
  await server.close();
});

test('an aborted transcript stream lets the process exit while heartbeats still arrive', async () => {
  const server = await countingServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: connected\ndata: {"callId":"c"}\n\n');
    const beat = setInterval(() => res.write(': heartbeat\n\n'), 100);
    req.socket.once('close', () => clearInterval(beat));
  });
  const { code, ms, out } = await child(`
    const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: url });
    const controller = new AbortController();
    try {
      for await (const event of client.calls.streamTranscript('call_1', { signal: controller.signal })) {
        console.log(event.event);
        setTimeout(() => controller.abort(), 200);
      }
    } catch (e) { if (e.name !== 'AbortError') throw e; console.log('aborted'); }
  `, server.url);
  assert.equal(code, 0);
  assert.deepEqual(out.trim().split('\n'), ['connected', 'aborted']);
  assert.ok(ms < 3000, `the process took ${ms} ms to exit`);
  await sleep(100);
  assert.equal(server.seen.closed, 1, 'the stream closed its connection');
  await server.close();
});

test('cyclic and deeply nested arguments are refused, naming the argument', async () => {
  const server = await countingServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: server.url });
  const cyclic = {};
  cyclic.self = cyclic;
  let deep = {};
  for (let i = 0; i < 200_000; i++) deep = { deep };
  for (const metadata of [cyclic, deep]) {
    await assert.rejects(client.conversations.update('conv_1', { metadata }), (e) => e instanceof ap.ValidationError && e.field === 'metadata');
  }
  assert.throws(() => ap.voiceNdjson([{ text: 'hi' }, cyclic]), (e) => e instanceof ap.ValidationError && e.field === 'replies');
  await assert.rejects(new ap.AgentTools(client).dispatch('list_agents', deep), (e) => e instanceof ap.ValidationError && e.field === 'arguments');
  assert.equal(server.seen.requests, 0);
  await server.close();
});

test('timeout bounds the whole call, Retry-After waits and trickled bodies included', async () => {
  const limited = await countingServer((req, res) => res.writeHead(429, { 'retry-after': '5', 'content-type': 'application/json' }).end('{"detail":"slow"}'));
  const trickle = await countingServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    const drip = setInterval(() => res.write(' '), 200);
    req.socket.once('close', () => clearInterval(drip));
  });
  for (const [server, expected] of [[limited, ap.RateLimitError], [trickle, ap.APITimeoutError]]) {
    const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: server.url, timeout: 1000 });
    const started = Date.now();
    await assert.rejects(client.agents.get('agt_1'), expected);
    const elapsed = Date.now() - started;
    assert.ok(elapsed <= 1100, `took ${elapsed} ms against a 1000 ms timeout`);
  }
  await limited.close();
  await trickle.close();
});

test('timeouts past what a timer can hold (2^31 ms) are taken as they are, never a trap', async () => {
  const server = await countingServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"agt_1","name":"Ava"}'));
  const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: server.url, timeout: 2 ** 31 + 1000 });
  assert.equal((await client.agents.get('agt_1')).id, 'agt_1');
  assert.equal((await client.agents.get('agt_1', {}, { timeout: 2 ** 40 })).id, 'agt_1');
  assert.equal(ap.signWebhook('{}', { secret: 'whsec_x', timestamp: 1 }).slice(0, 7), 'sha256=', 'the module is alive');
  await server.close();
});

test('mistakes in arguments and settings name the field as JavaScript users write it', async () => {
  const client = new ap.AgentPhone({ apiKey: 'sk_test_boundary', baseUrl: 'http://127.0.0.1:9' });
  await assert.rejects(client.calls.list({ status: 'complete' }), (e) => e instanceof ap.ValidationError && e.field === 'status' && /completed/.test(e.message));
  await assert.rejects(client.agents.create({ name: 'Ava', voiceMode: 'telepathy' }), (e) => e instanceof ap.ValidationError && e.field === 'voiceMode');
  assert.throws(() => new ap.AgentPhone({ apiKey: 'sk_test_boundary', maxRetries: -1 }), (e) => e instanceof ap.ValidationError && e.field === 'maxRetries');
  assert.throws(() => ap.verifyWebhook('{}', { 'x-webhook-signature': 'sha256=00', 'x-webhook-timestamp': '1' }, { secret: '' }), ap.ConfigurationError);
});
