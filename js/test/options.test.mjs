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
