// Raw responses: every method's promise also gives the status, headers and request id of its
// answer (`withResponse()`, `withRawResponse()`, `asResponse()`), and answers carry `_requestId`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPhone, NotFoundError } from 'agentphone-rs';
import { newKey, startSandbox } from './helpers.mjs';

// The CLI's sandbox, so that the suite runs on the wasm build too.
let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.stop());

const newClient = (options = {}) => new AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url, ...options });

test('withResponse() gives the typed answer with its status, headers and request id', async () => {
  const client = newClient();
  const { data, response, requestId } = await client.contacts.create({ phoneNumber: '+14155550100', name: 'Ada' }).withResponse();
  assert.equal(data.name, 'Ada');
  assert.equal(response.status, 201); // the API's status for a new contact
  assert.ok(response.headers instanceof Headers);
  assert.match(requestId, /^req_/);
  assert.equal(response.requestId, requestId);
  assert.equal(response.headers.get('X-Request-Id'), requestId);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.equal(data._requestId, requestId);

  const { data: page, rawResponse } = await client.agents.list().withRawResponse();
  assert.equal(rawResponse.status, 200);
  assert.deepEqual(page.data, []);
  assert.equal(page._requestId, rawResponse.requestId);
});

test('every answer carries its request id, outside its value', async () => {
  const client = newClient();
  const agent = await client.agents.create({ name: 'One' });
  const again = await client.agents.get(agent.id);
  assert.match(agent._requestId, /^req_/);
  assert.notEqual(agent._requestId, again._requestId);
  // Not enumerable: JSON, spreading and deep equality see the answer only.
  assert.ok(!Object.keys(again).includes('_requestId'));
  assert.ok(!JSON.stringify(again).includes('_requestId'));
  assert.deepEqual(again, { ...again });
  assert.equal(again.voiceMode, 'webhook'); // camelCase as without raw access
});

test('asResponse() is a fetch Response with the JSON as received', async () => {
  const client = newClient();
  const agent = await client.agents.create({ name: 'Wire' });
  const response = await client.agents.get(agent.id).asResponse();
  assert.ok(response instanceof Response);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('x-request-id'), /^req_/);
  const body = await response.json();
  assert.equal(body.id, agent.id);
  assert.equal(body.voiceMode, 'webhook');
});

test('a promise asked only for withResponse() rejects there, and leaves no unhandled rejection', async () => {
  const client = newClient({ maxRetries: 0 });
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await assert.rejects(client.agents.get('agt_missing').withResponse(), NotFoundError);
    await assert.rejects(client.agents.get('agt_missing').asResponse(), NotFoundError);
    await assert.rejects(client.agents.get('agt_missing'), NotFoundError);
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});

test('the promise behaves as a Promise: then, catch, finally, Promise.all', async () => {
  const client = newClient();
  const [a, b] = await Promise.all([client.agents.create({ name: 'A' }), client.agents.create({ name: 'B' })]);
  assert.deepEqual([a.name, b.name], ['A', 'B']);
  let finished = false;
  const name = await client.agents.get(a.id).then((agent) => agent.name).finally(() => { finished = true; });
  assert.equal(name, 'A');
  assert.ok(finished);
  const caught = await client.agents.get('agt_missing').catch((error) => error);
  assert.ok(caught instanceof NotFoundError);
  assert.ok(client.agents.get(a.id) instanceof Promise);
});

test('calls are sent whether or not they are awaited', async () => {
  const client = newClient();
  client.agents.create({ name: 'Unawaited' }); // fire and forget
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { data } = await client.agents.list();
  assert.deepEqual(data.map((agent) => agent.name), ['Unawaited']);
});
