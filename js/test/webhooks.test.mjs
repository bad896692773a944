// A webhook receiver on node:http getting real signed deliveries from the sandbox, and
// answering the voice loop with NDJSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as ap from '../index.js';
import { startSandbox, control, newKey, waitForCallEnd } from './helpers.mjs';

let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.stop());

function receiver() {
  // `statuses`: what to answer, first to last, before the default 200.
  const state = { secrets: [], events: [], rejected: [], statuses: [] };
  state.server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    let event;
    try {
      event = ap.constructEvent(Buffer.concat(chunks), req.headers, { secret: state.secrets });
    } catch (error) {
      state.rejected.push(error);
      res.writeHead(401).end();
      return;
    }
    state.events.push(event);
    if (event.isVoiceTurn) {
      const said = event.data.transcript ?? '';
      res.writeHead(200, { 'content-type': ap.VOICE_NDJSON });
      ap.voiceStream(['One moment.', { text: `You said ${said}`, hangup: /bye/i.test(said) }]).pipe(res);
      return;
    }
    res.writeHead(state.statuses.shift() ?? 200).end();
  });
  state.listen = () => new Promise((r) => state.server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${state.server.address().port}/hook`)));
  state.wait = async (count) => {
    const deadline = Date.now() + 5000;
    while (state.events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(state.events.length >= count, `${state.events.length} events, rejected: ${state.rejected}`);
    return state.events;
  };
  return state;
}

test('a real signed delivery is verified, and a wrong secret is rejected', async () => {
  const client = new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const hook = receiver();
  const url = await hook.listen();
  const agent = await client.agents.create({ name: 'Ava' });
  const number = await client.numbers.buy({ agentId: agent.id });
  const old = await client.webhooks.set({ url });
  const current = await client.webhooks.set({ url });
  hook.secrets = [current.secret, old.secret];
  await control(sandbox.url, 'POST', '/sandbox/inbound/message', { to: number.phoneNumber, from: '+14155550100', body: 'Hi there', wait: true });
  const [event] = await hook.wait(1);
  assert.equal(event.event, 'agent.message');
  assert.equal(event.kind, 'message');
  assert.equal(event.data.message, 'Hi there');
  assert.equal(event.data.from, '+14155550100');
  assert.equal(event.agentId, agent.id);
  hook.secrets = ['whsec_wrong'];
  await client.webhooks.test();
  assert.ok(hook.rejected[0] instanceof ap.WebhookVerificationError);
  hook.server.close();
});

test('a redelivery carries the same id and is processed once', async () => {
  const client = new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const hook = receiver();
  const url = await hook.listen();
  const agent = await client.agents.create({ name: 'Ava' });
  const number = await client.numbers.buy({ agentId: agent.id });
  hook.secrets = [(await client.webhooks.set({ url })).secret];
  hook.statuses = [503];
  await control(sandbox.url, 'POST', '/sandbox/inbound/message', { to: number.phoneNumber, from: '+14155550100', body: 'once', wait: true });
  const [first, again] = await hook.wait(2);
  assert.match(first.deliveryId, /^dlv_/);
  assert.equal(again.deliveryId, first.deliveryId);
  const store = new ap.MemoryDeliveryStore();
  assert.deepEqual([await ap.firstDelivery(first, store), await ap.firstDelivery(again, store)], [true, false]);
  assert.deepEqual([await ap.firstDelivery(first), await ap.firstDelivery(again)], [true, false]);
  const shared = { ids: new Set(), async claim(id) { const fresh = !this.ids.has(id); this.ids.add(id); return fresh; } };
  assert.deepEqual([await ap.firstDelivery(first, shared), await ap.firstDelivery(again, shared)], [true, false]);
  assert.equal(await ap.firstDelivery({ ...first, deliveryId: undefined }, store), true);
  const small = new ap.MemoryDeliveryStore(2);
  assert.deepEqual(['a', 'b', 'a', 'c', 'a', 'c'].map((id) => small.claim(id)), [true, true, false, true, true, false]);
  hook.server.close();
});

test('the voice loop answered in NDJSON from node:http', async () => {
  const client = new ap.AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const hook = receiver();
  const url = await hook.listen();
  const agent = await client.agents.create({ name: 'Ava' });
  await client.numbers.buy({ agentId: agent.id });
  hook.secrets = [(await client.agents.setWebhook(agent.id, { url })).secret];
  const call = await client.calls.make({ agentId: agent.id, toNumber: '+14155550100' });
  const current = await waitForCallEnd(client, call.id);
  assert.equal(current.transcripts[0].response, 'One moment. You said Hello?');
  assert.equal(current.transcripts.length, 3);
  const events = [];
  for await (const event of client.calls.streamTranscript(call.id)) events.push(event.event);
  assert.deepEqual([events[0], events.at(-1)], ['connected', 'ended']);
  const ended = (await hook.wait(4)).find((e) => e.event === 'agent.call_ended');
  assert.equal(ended.data.disconnectionReason, 'agent_hangup');
  hook.server.close();
});

test('verification rules and voice helpers', async () => {
  const body = '{"event":"agent.message","data":{"from":"+1"}}';
  const signature = ap.signWebhook(body, { secret: 'whsec_a', timestamp: 1700000000 });
  const headers = { 'X-Webhook-Signature': signature, 'x-webhook-timestamp': '1700000000' };
  ap.verifyWebhook(body, headers, { secret: 'whsec_a', now: 1700000100 });
  ap.verifyWebhook(Buffer.from(body), new Headers(headers), { secret: ['whsec_b', 'whsec_a'], now: 1700000100 });
  assert.throws(() => ap.verifyWebhook(body, headers, { secret: 'whsec_b', now: 1700000000 }), /invalid webhook signature/);
  assert.throws(() => ap.verifyWebhook(body, headers, { secret: 'whsec_a', now: 1700000301 }), ap.WebhookVerificationError);
  assert.throws(() => ap.verifyWebhook(body, { 'x-webhook-signature': signature }, { secret: 'whsec_a' }), /X-Webhook-Timestamp/);
  assert.deepEqual(JSON.parse(ap.voiceReply('Hello')), { text: 'Hello' });
  assert.deepEqual(ap.voiceNdjson(['a', { text: 'b', hangup: true }]).trim().split('\n').map((l) => JSON.parse(l)), [{ text: 'a', interim: true }, { text: 'b', hangup: true }]);
  const response = new Response(ap.voiceReadableStream(['Checking', 'Found it']));
  const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, [{ text: 'Checking', interim: true }, { text: 'Found it' }]);
});
