// The package in Deno (npm `deno`, installed by scripts/install.sh): a Deno app that imports it
// gets the wasm build, creates an agent, sends a message, pages through a list, catches a typed
// error, verifies a signed web Request and answers with a web Response.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSandbox, newKey, control } from '../helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DENO = process.env.DENO ?? '/opt/wasm-tools/node_modules/.bin/deno';

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox?.stop();
});

/// A Deno project with the package in its node_modules, as `deno install` would leave it.
function denoApp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agentphone-deno-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.resolve(here, '../..'), path.join(dir, 'node_modules', 'agentphone-rs'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies: { 'agentphone-rs': '*' } }));
  writeFileSync(path.join(dir, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual' }));
  return dir;
}

test('a Deno app uses the wasm build against the sandbox', async () => {
  const key = newKey();
  const dir = denoApp();
  const { stdout } = await promisify(execFile)(DENO, ['run', '--quiet', '--allow-read', '--allow-env', '--allow-net=127.0.0.1', path.join(here, 'deno-app.mjs'), key, sandbox.url], { cwd: dir, timeout: 60_000 });
  const result = JSON.parse(stdout.trim().split('\n').pop());
  assert.equal(result.build, 'wasm');
  assert.match(result.agentId, /^agt_/);
  assert.match(result.number, /^\+1415/);
  assert.ok(result.sent);
  assert.deepEqual([...result.names].sort(), ['Deno agent', 'Second', 'Third']);
  assert.deepEqual(result.caught, { notFound: true, apiError: true, status: 404, name: 'NotFoundError' });
  assert.equal(result.voiceTurn, true);
  assert.equal(result.reply.contentType, 'application/x-ndjson');
  assert.deepEqual(result.reply.lines, [{ text: 'We open at nine.', interim: true }, { text: 'Anything else?' }]);
  const stats = await control(sandbox.url, 'GET', '/sandbox/stats', undefined, key);
  assert.equal(stats.project.counts.messages, 1, JSON.stringify(stats.project));
});
