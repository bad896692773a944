// Tool schemas for LLM function calling and the dispatcher: both formats, subsets, and valid and
// invalid model arguments for every tool. Runs on the native and the wasm build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ap from 'agentphone-rs';
import { startSandbox, newKey, sample } from './helpers.mjs';

const WORLD_ACTING = ['send_message', 'send_reaction', 'create_call', 'end_call', 'buy_number', 'release_number', 'send_verification', 'register_a2p'];
let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.stop());
const client = () => new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });

test('both formats carry every tool with an object schema', () => {
  const tools = new ap.AgentTools(client());
  const [openai, anthropic] = [tools.openai(), tools.anthropic()];
  assert.equal(openai.length, ap.operations().length + 1);
  openai.forEach((tool, i) => {
    assert.equal(tool.type, 'function');
    assert.equal(tool.function.name, anthropic[i].name);
    assert.deepEqual(tool.function.parameters, anthropic[i].input_schema);
    assert.equal(anthropic[i].input_schema.type, 'object');
  });
});

test('subsets, and unknown resources are refused with the known ones', () => {
  assert.deepEqual(new Set(new ap.AgentTools(client(), { resources: ['messages', 'account'] }).names), new Set(['send_message', 'send_reaction', 'account_overview']));
  assert.ok(!new ap.AgentTools(client(), { readOnly: true }).names.includes('create_agent'));
  const tame = new ap.AgentTools(client(), { excludeWorldActing: true }).names;
  assert.deepEqual(WORLD_ACTING.filter((name) => tame.includes(name)), []);
  assert.throws(() => new ap.AgentTools(client(), { resources: ['mesages'] }), (e) => e instanceof ap.ValidationError && e.field === 'resources');
});

test('every tool answers invalid arguments for the model, and valid ones run', async () => {
  const tools = new ap.AgentTools(client());
  for (const name of tools.names) {
    for (const args of ['[1, 2]', '{not json']) {
      const answer = JSON.parse(await tools.dispatch(name, args));
      assert.ok(answer.error.includes(name), `${name}: ${answer.error}`);
    }
  }
  const agent = JSON.parse(await tools.dispatch('create_agent', '{"name": "Tool agent"}'));
  await tools.dispatch('buy_number', { agent_id: agent.id });
  const sent = JSON.parse(await tools.dispatch('send_message', { agent_id: agent.id, to_number: '+14155550100', body: 'Hi' }));
  assert.ok(sent.id, JSON.stringify(sent));
  const wrong = JSON.parse(await tools.dispatch('create_agent', { name: 5 }));
  assert.equal(wrong.field, 'name');
  const missing = JSON.parse(await tools.dispatch('get_agent', { agent_id: 'agt_missing' }));
  assert.equal(missing.status, 404);
  assert.equal(missing.may_have_acted, false);
  const overview = JSON.parse(await tools.dispatch('account_overview'));
  assert.deepEqual(Object.keys(overview).sort(), ['agents', 'numbers', 'usage', 'webhook']);
});

test('every tool accepts arguments that follow its schema', async () => {
  const client = new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const tools = new ap.AgentTools(client);
  // What a tool needs in place first (`delete_webhook` runs before it); the sink answers 200.
  const preconditions = { test_webhook: () => client.webhooks.set({ url: `${sandbox.url}/sandbox/sink/tools` }) };
  for (const tool of tools.anthropic()) {
    await preconditions[tool.name]?.();
    const args = sample(tool.input_schema);
    const answer = JSON.parse(await tools.dispatch(tool.name, args));
    // Every check passes, the SDK's and the API's: a result, or a 404 for the made-up ids.
    assert.ok(answer.error === undefined || answer.status === 404, `${tool.name} ${JSON.stringify(args)}: ${JSON.stringify(answer)}`);
  }
});
