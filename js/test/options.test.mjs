// Per-call options: `maxRetries` and `timeout` over the client's, for one call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { AgentPhone, APITimeoutError, ConfigurationError, InternalServerError, ValidationError } from 'agentphone-rs';
import { startSandbox } from 'agentphone-rs/testing';

let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.close());

test('maxRetries per call overrides the client', async () => {
  const project = await sandbox.project();
  const client = project.client(); // 2 retries by default
  await project.addFault({ operation: 'list_agents', status: 503 });
  await assert.rejects(client.agents.list({}, { maxRetries: 0 }), InternalServerError);
  await project.addFault({ operation: 'list_agents', status: 503 });
  assert.deepEqual((await client.agents.list()).data, []);
  const stubborn = project.client({ maxRetries: 0 });
  await project.addFault({ operation: 'list_agents', status: 503 });
  assert.deepEqual((await stubborn.agents.list({}, { maxRetries: 1 })).data, []);
  await project.addFault({ operation: 'list_agents', status: 503 });
  const all = [];
  for await (const agent of stubborn.agents.listAll({}, { maxRetries: 1 })) all.push(agent);
  assert.deepEqual(all, []);
  assert.equal((await project.stats()).project.requests.list_agents, 7);
  await assert.rejects(client.agents.list({}, { maxRetries: -1 }), (error) => error instanceof ValidationError && /from 0 to 100, got -1/.test(error.message));
  await assert.rejects(client.agents.list({}, { maxRetrys: 1 }), (error) => error instanceof ConfigurationError && /maxRetrys/.test(error.message));
});

test('timeout per call', async () => {
  const project = await sandbox.project();
  await project.addFault({ operation: 'list_agents', latencyMs: 2_000 });
  await assert.rejects(project.client().agents.list({}, { timeout: 200 }), APITimeoutError);
});

test('a proxy carries every request; bad network settings are refused by name', async () => {
  const seen = [];
  // A forward proxy for plain http: requests come with absolute URLs.
  const proxy = http.createServer(async (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([key]) => !['host', 'connection', 'proxy-connection'].includes(key)));
    const answer = await fetch(req.url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const project = await sandbox.project();
    const client = project.client({ proxy: `http://127.0.0.1:${proxy.address().port}` });
    const agent = await client.agents.create({ name: 'Through the proxy' });
    assert.equal((await client.agents.get(agent.id)).name, 'Through the proxy');
    assert.deepEqual(seen.map((line) => line.split(' ')[0]), ['POST', 'GET']);
  } finally {
    proxy.close();
  }
  assert.throws(() => new AgentPhone({ apiKey: 'sk_test_x', proxy: 'socks9://user:hunter2@proxy.example' }),
    (error) => error instanceof ConfigurationError && /proxy: expected an http/.test(error.message) && !error.message.includes('hunter2'));
  assert.throws(() => new AgentPhone({ apiKey: 'sk_test_x', caCertificates: '/nonexistent/ca.pem' }),
    (error) => error instanceof ConfigurationError && /ca_certificates: neither PEM text nor a readable file/.test(error.message));
  const script = "import('agentphone-rs').then((m) => { try { new m.AgentPhone({ apiKey: 'sk_test_x', proxy: 'http://127.0.0.1:9' }) } catch (e) { console.log(e.name, e.message) } })";
  const wasm = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, AGENTPHONE_BUILD: 'wasm' } });
  assert.match(wasm.stdout, /^ConfigurationError .*not available on the wasm build/);
});

test('a logger gets a record per attempt; debug adds the bodies without secrets', async () => {
  const project = await sandbox.project();
  const seen = [];
  const logger = { info: (message, fields) => seen.push(['info', message, fields]), debug: (message, fields) => seen.push(['debug', message, fields]) };
  const client = project.client({ logger });
  await project.addFault({ operation: 'list_agents', status: 503 });
  await client.agents.list();
  await new Promise((resolve) => setImmediate(resolve)); // records arrive through Node's event loop
  assert.deepEqual(seen.map(([level, , fields]) => [level, fields.status, fields.attempt]), [['info', 503, 1], ['info', 200, 2]]);
  assert.match(seen[1][1], /^GET \/v1\/agents -> 200 \(list_agents, attempt 2, [\d.]+ ms, request req_\w+\)$/);
  assert.match(seen[1][2].requestId, /^req_/);
  assert.equal(seen[1][2].responseBody, null);

  seen.length = 0;
  const debug = project.client({ logger, logLevel: 'debug' });
  const hook = await debug.webhooks.set({ url: 'https://example.com/hook' });
  await new Promise((resolve) => setImmediate(resolve));
  const [[level, message]] = seen;
  assert.equal(level, 'debug');
  assert.ok(message.includes('[REDACTED]') && !message.includes(hook.secret) && !message.includes(project.apiKey), message);

  const throwing = project.client({ logger: { info() { throw new Error('broken logger'); } } });
  assert.deepEqual((await throwing.agents.list()).data, []);
  // An async logger that rejects: an unhandled rejection would end this process (node --test fails).
  const rejecting = project.client({ logger: { async info() { throw new Error('broken async logger'); } } });
  assert.deepEqual((await rejecting.agents.list()).data, []);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.throws(() => project.client({ logger, logLevel: 'verbose' }), (error) => error instanceof ConfigurationError && /expected info or debug/.test(error.message));
  const script = "import('agentphone-rs').then((m) => { try { new m.AgentPhone({ apiKey: 'sk_test_x', logger: console }) } catch (e) { console.log(e.name, e.message) } })";
  const wasm = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, AGENTPHONE_BUILD: 'wasm' } });
  assert.match(wasm.stdout, /^ConfigurationError logger and logLevel need the native build/);
});

test('AGENTPHONE_LOG logs to stderr, leaving stdout to the program; unset, nothing is logged', () => {
  const script = `import { AgentPhone } from 'agentphone-rs';
    await new AgentPhone({ apiKey: process.argv[1], baseUrl: process.argv[2] }).agents.list();`;
  const run = (extra) => spawnSync(process.execPath, ['--input-type=module', '-e', script, sandbox.apiKey, sandbox.baseUrl], { encoding: 'utf8', env: { ...process.env, AGENTPHONE_LOG: '', ...extra } });
  const quiet = run({});
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stdout + quiet.stderr, '');
  const logged = run({ AGENTPHONE_LOG: 'info' });
  assert.match(logged.stderr, /^GET \/v1\/agents -> 200 \(list_agents, attempt 1, [\d.]+ ms, request req_\w+\)$/m);
  assert.equal(logged.stdout, '');
});
