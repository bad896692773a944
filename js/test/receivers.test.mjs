// The README's webhook receivers, run as written: Express and Hono under the real frameworks, the
// Next.js route handler with a web Request. A signed message is accepted, a forged one refused, and
// a caller's turn answered with streamed NDJSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signWebhook } from 'agentphone-rs';

const SECRET = 'whsec_receivers_test';
const js = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(path.join(js, 'README.md'), 'utf8');
// Inside the package, so that `agentphone-rs` resolves to it and the frameworks to its devDependencies.
const dir = mkdtempSync(path.join(js, '.receiver-'));

before(() => { process.env.AGENTPHONE_WEBHOOK_SECRET = SECRET; });
after(() => rmSync(dir, { recursive: true, force: true }));

async function load(framework) {
  const code = new RegExp('```js ' + framework + '\\n([\\s\\S]*?)```').exec(readme);
  assert.ok(code, `the README shows a ${framework} receiver`);
  const file = path.join(dir, `${framework}.mjs`);
  writeFileSync(file, code[1]);
  return import(pathToFileURL(file).href);
}

function delivery(data, channel, secret = SECRET) {
  const body = JSON.stringify({ event: 'agent.message', channel, timestamp: '2026-12-01T00:00:00Z', agentId: 'agt_1', data });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = { 'x-webhook-signature': signWebhook(body, { secret, timestamp }), 'x-webhook-timestamp': String(timestamp), 'content-type': 'application/json' };
  return { body, headers };
}

/** `post(body, headers)` answers `{ status, contentType, text }`. */
async function expectations(post) {
  const quiet = console.log;
  console.log = () => {};
  try {
    const message = delivery({ messageId: 'msg_1', from: '+14155550100', message: 'Hi' }, 'sms');
    assert.equal((await post(message.body, message.headers)).status, 204);
    const forged = delivery({ messageId: 'msg_1', message: 'Hi' }, 'sms', 'whsec_someone_else');
    assert.equal((await post(forged.body, forged.headers)).status, 400);
    const turn = delivery({ callId: 'call_1', transcript: 'Where is my order?' }, 'voice');
    const answer = await post(turn.body, turn.headers);
    assert.equal(answer.status, 200);
    assert.match(answer.contentType, /^application\/x-ndjson/);
    const lines = answer.text.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => line.text), ['One moment.', 'You said: Where is my order?']);
    assert.equal(lines[0].interim, true);
    assert.equal(lines[1].interim, undefined);
  } finally {
    console.log = quiet;
  }
}

test('Express', async () => {
  const { app } = await load('express');
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await expectations(async (body, headers) => {
      const answer = await fetch(`http://127.0.0.1:${server.address().port}/agentphone`, { method: 'POST', body, headers });
      return { status: answer.status, contentType: answer.headers.get('content-type') ?? '', text: await answer.text() };
    });
  } finally {
    server.close();
  }
});

test('Hono', async () => {
  const { app } = await load('hono');
  await expectations(async (body, headers) => {
    const answer = await app.request('/agentphone', { method: 'POST', body, headers });
    return { status: answer.status, contentType: answer.headers.get('content-type') ?? '', text: await answer.text() };
  });
});

test('Next.js route handler', async () => {
  const { POST } = await load('nextjs');
  await expectations(async (body, headers) => {
    const answer = await POST(new Request('http://localhost/agentphone', { method: 'POST', body, headers }));
    return { status: answer.status, contentType: answer.headers.get('content-type') ?? '', text: await answer.text() };
  });
});
