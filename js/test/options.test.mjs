// Per-call options: `maxRetries` and `timeout` over the client's, for one call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APITimeoutError, ConfigurationError, InternalServerError, ValidationError } from 'agentphone-rs';
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
