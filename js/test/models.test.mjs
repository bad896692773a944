// Answers as typed as the table: every field a model has is listed in the d.ts, and fields the
// SDK does not know come under `extra` (objects whose shape the API leaves open keep theirs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { AgentPhone, constructEvent, signWebhook } from 'agentphone-rs';

/** A server that answers every request with `body`. */
async function answering(body) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
    res.end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

test('fields the SDK does not know come under extra, at every level', async () => {
  const server = await answering({
    id: 'agt_1',
    name: 'Ava',
    futureField: 1,
    numbers: [{ id: 'num_1', phoneNumber: '+14155550100', brandNew: true }],
  });
  try {
    const client = new AgentPhone({ apiKey: 'sk_test_extra', baseUrl: server.url, maxRetries: 0 });
    const agent = await client.agents.get('agt_1');
    assert.equal(agent.name, 'Ava');
    assert.deepEqual(agent.extra, { futureField: 1 });
    assert.ok(!('futureField' in agent));
    assert.deepEqual(agent.numbers[0], { id: 'num_1', phoneNumber: '+14155550100', extra: { brandNew: true } });
  } finally {
    server.close();
  }
});

test('header values that are not UTF-8 reach withResponse() byte for byte, as fetch reads them', async () => {
  const server = http.createServer((req, res) => {
    // 0xE9 alone is not UTF-8: read as UTF-8 it became U+FFFD, which Headers refuses.
    res.setHeader('x-note', Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('latin1'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'agt_1' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new AgentPhone({ apiKey: 'sk_test_extra', baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 });
    const { response } = await client.agents.get('agt_1').withResponse();
    assert.equal(response.headers.get('x-note'), 'caf\u00e9');
  } finally {
    server.close();
  }
});

test('an object whose shape the API leaves open keeps its fields', async () => {
  const server = await answering({ brand: { name: 'Acme' }, campaign: { status: 'pending' } });
  try {
    const client = new AgentPhone({ apiKey: 'sk_test_extra', baseUrl: server.url, maxRetries: 0 });
    const registration = await client.registration.get();
    assert.deepEqual(registration, { brand: { name: 'Acme' }, campaign: { status: 'pending' } });
  } finally {
    server.close();
  }
});

test("a webhook event's data keeps unknown fields under extra, and raw keeps the delivery", () => {
  const body = JSON.stringify({
    event: 'agent.message',
    channel: 'sms',
    timestamp: '2026-01-01T00:00:00Z',
    agentId: 'agt_1',
    data: { conversationId: 'conv_1', from: '+14155550100', message: 'hi', mood: 'calm' },
  });
  const signature = signWebhook(body, { secret: 'whsec_x', timestamp: 1_700_000_000 });
  const headers = { 'x-webhook-signature': signature, 'x-webhook-timestamp': '1700000000' };
  const event = constructEvent(body, headers, { secret: 'whsec_x', now: 1_700_000_000 });
  assert.equal(event.data.message, 'hi');
  assert.deepEqual(event.data.extra, { mood: 'calm' });
  assert.equal(event.raw.data.mood, 'calm');
});
