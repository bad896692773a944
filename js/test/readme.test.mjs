// The README's quickstarts (ESM and CommonJS) run as written against a sandbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, newKey } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(path.join(here, '..', 'README.md'), 'utf8');
let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.stop());

function run(code, extension, args = []) {
  // A fresh project with this package installed (linked) under its name, as a user would have it.
  const dir = mkdtempSync(path.join(tmpdir(), 'agentphone-readme-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.join(here, '..'), path.join(dir, 'node_modules', 'agentphone-rs'), 'dir');
  const file = path.join(dir, `quickstart.${extension}`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, [...args, file], {
    // NODE_TEST_CONTEXT would make a child `node --test` report to this runner instead of printing.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, AGENTPHONE_BASE_URL: sandbox.url, AGENTPHONE_API_KEY: newKey() },
    encoding: 'utf8',
  });
}

test('the ESM and CommonJS quickstarts run as written', () => {
  const esm = /```js\n([\s\S]*?)```/.exec(readme)[1];
  const cjs = /```cjs\n([\s\S]*?)```/.exec(readme)[1];
  const esmOut = run(esm, 'mjs').trim().split('\n');
  assert.match(esmOut[0], /^msg_\w+ sms \+14155550100$/);
  assert.equal(esmOut.at(-1), '404 Agent not found');
  assert.equal(run(cjs, 'cjs').trim(), 'sandbox 0');
});

test("the testing example runs under node:test with the package's sandbox", () => {
  const example = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code.includes("from 'node:test'"));
  assert.ok(example, 'the README shows a node:test example');
  assert.match(run(example, 'test.mjs', ['--test', '--test-reporter=tap']), /^# pass 1$/m);
});

test('the browser and Workers examples are the pages and workers the web tests run', () => {
  const blocks = [...readme.matchAll(/```(?:js|html)\n([\s\S]*?)```/g)].map((m) => m[1]);
  const normalize = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean).join('\n');
  const page = normalize(readFileSync(path.join(here, 'web', 'page.html'), 'utf8'));
  const worker = normalize(readFileSync(path.join(here, 'web', 'worker.js'), 'utf8'));
  const browserBlock = blocks.find((b) => b.includes('importmap'));
  const workerBlock = blocks.find((b) => b.includes('voiceStreamResponse'));
  assert.ok(page.includes(normalize(browserBlock)), 'README browser example differs from test/web/page.html');
  assert.ok(worker.includes(normalize(workerBlock)), 'README worker example differs from test/web/worker.js');
});

test("every block marked `js client` runs with a client in scope", async () => {
  const blocks = [...readme.matchAll(/```js client\n([\s\S]*?)```/g)].map((match) => match[1]);
  assert.ok(blocks.length >= 2, 'the README shows per-call options and raw responses');
  const { AgentPhone } = await import('agentphone-rs');
  const client = new AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const AsyncFunction = (async () => {}).constructor;
  for (const code of blocks) await new AsyncFunction('client', code)(client);
});
