// The README's webhook receivers, run as written under the real frameworks: Express, Hono, and the
// Next.js route handler built by `next build` and served by `next start`. A signed message is
// accepted, a forged one refused, and a caller's turn answered with streamed NDJSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** The README's block tagged `js <name>`. */
function block(name) {
  const code = new RegExp('```js ' + name + '\\n([\\s\\S]*?)```').exec(readme);
  assert.ok(code, `the README shows a ${name} block`);
  return code[1];
}

async function load(framework) {
  const file = path.join(dir, `${framework}.mjs`);
  writeFileSync(file, block(framework));
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

test('Next.js route handler, built and served by Next', { timeout: 120_000 }, async () => {
  // A Next app as a user lays it out: its own folder (beside the package, not inside it), this
  // package installed in its node_modules as npm installs it (the package.json's files), and Next
  // and React linked from the package's devDependencies, which Turbopack follows once its root
  // spans both folders.
  const app = mkdtempSync(path.join(js, '..', '.receiver-next-'));
  after(() => rmSync(app, { recursive: true, force: true }));
  const installed = path.join(app, 'node_modules', 'agentphone-rs');
  const manifest = JSON.parse(readFileSync(path.join(js, 'package.json'), 'utf8'));
  const addons = readdirSync(js).filter((name) => name.endsWith('.node'));
  for (const file of [...manifest.files, ...addons, 'package.json']) {
    cpSync(path.join(js, file), path.join(installed, file), { recursive: true });
  }
  for (const name of ['next', 'react', 'react-dom']) {
    symlinkSync(path.join(js, 'node_modules', name), path.join(app, 'node_modules', name));
  }
  mkdirSync(path.join(app, 'app', 'agentphone'), { recursive: true });
  writeFileSync(path.join(app, 'app', 'agentphone', 'route.js'), block('nextjs'));
  writeFileSync(path.join(app, 'user.config.mjs'), block('nextjs-config'));
  writeFileSync(path.join(app, 'next.config.mjs'), `import config from './user.config.mjs';
export default { ...config, turbopack: { root: ${JSON.stringify(path.dirname(js))} } };
`);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const next = path.join(js, 'node_modules', '.bin', 'next');
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  execFileSync(next, ['build'], { cwd: app, env, stdio: 'pipe' });

  const server = spawn(next, ['start', '--hostname', '127.0.0.1', '--port', '0'], { cwd: app, env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const origin = await new Promise((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        const url = /http:\/\/[\w.]+:(\d+)/.exec(out);
        if (url && /Ready/.test(out)) resolve(`http://127.0.0.1:${url[1]}`);
      });
      server.once('exit', (code) => reject(new Error(`next start exited (${code}): ${out}`)));
    });
    await expectations(async (body, headers) => {
      const answer = await fetch(`${origin}/agentphone`, { method: 'POST', body, headers });
      return { status: answer.status, contentType: answer.headers.get('content-type') ?? '', text: await answer.text() };
    });
  } finally {
    server.kill();
  }
});
