// The package in workerd, the Workers runtime (npm `workerd`): a worker bundled the way wrangler
// bundles (esbuild, conditions workerd/worker/browser, the .wasm kept as a module) receives the
// sandbox's signed voice deliveries, verifies them and answers with NDJSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { AgentPhone, signWebhook } from 'agentphone-rs';
import { startSandbox, newKey, waitForCallEnd } from '../helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// Installed by scripts/install.sh beside wasm-opt (not a dependency of the package).
const WORKERD = process.env.WORKERD ?? '/opt/wasm-tools/node_modules/workerd/bin/workerd';

let sandbox;
let workerd;
let workerUrl;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  workerd?.kill('SIGKILL');
  await sandbox?.stop();
});

async function bundle() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agentphone-worker-'));
  await build({
    entryPoints: [path.join(here, 'worker.js')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    loader: { '.wasm': 'copy' },
    assetNames: '[name]',
    outdir: dir,
    logLevel: 'error',
  });
  return dir;
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts workerd on `port` with the bundle in `dir`; resolves once it listens. */
async function startWorkerd(dir, port, secret) {
  writeFileSync(path.join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .agent) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const agent :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "agentphone_wasm_bg.wasm", wasm = embed "agentphone_wasm_bg.wasm"),
  ],
  bindings = [ (name = "WEBHOOK_SECRET", text = "${secret}") ],
  compatibilityDate = "2025-09-01",
);
`);
  const child = spawn(WORKERD, ['serve', path.join(dir, 'config.capnp'), '--control-fd', '3'], { stdio: ['ignore', 'inherit', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`workerd exited with ${code}: ${stderr}`)));
    // workerd reports {"event":"listen",...} on the control fd once the socket is open.
    child.stdio[3].on('data', (chunk) => { if (String(chunk).includes('"listen"')) resolve(); });
  });
  return child;
}

test('a worker verifies signed voice deliveries and answers them with NDJSON', async () => {
  const client = new AgentPhone({ apiKey: newKey(), baseUrl: sandbox.url });
  const [dir, port] = await Promise.all([bundle(), freePort()]);
  const agent = await client.agents.create({ name: 'Edge agent', voiceMode: 'webhook' });
  await client.numbers.buy({ agentId: agent.id });
  workerUrl = `http://127.0.0.1:${port}/voice`;
  const { secret } = await client.agents.setWebhook(agent.id, { url: workerUrl });
  workerd = await startWorkerd(dir, port, secret);

  const call = await client.calls.make({ agentId: agent.id, toNumber: '+14155550100' });
  const current = await waitForCallEnd(client, call.id);
  assert.equal(current.transcripts.length, 3);
  assert.equal(current.transcripts[0].response, 'One moment. The wasm worker heard: Hello?');
  // Every delivery reached the worker and was accepted (a bad signature would answer 401).
  // The call_ended delivery may still be on its way when the call reads as ended.
  let deliveries = await client.agents.listWebhookDeliveries(agent.id);
  for (const deadline = Date.now() + 5000; deliveries.some((d) => d.status === 'pending') && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 20));
    deliveries = await client.agents.listWebhookDeliveries(agent.id);
  }
  assert.ok(deliveries.length >= 3, JSON.stringify(deliveries));
  for (const delivery of deliveries) assert.equal(delivery.status, 'success', JSON.stringify(delivery));
});

test('a delivery signed with another secret is refused by the worker', async () => {
  assert.ok(workerUrl, 'the first test starts workerd');
  const body = JSON.stringify({ event: 'agent.message', channel: 'voice', data: { transcript: 'hi' } });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(workerUrl, {
    method: 'POST',
    body,
    headers: { 'x-webhook-signature': signWebhook(body, { secret: 'whsec_forged', timestamp }), 'x-webhook-timestamp': String(timestamp) },
  });
  assert.equal(response.status, 401);
  assert.match(await response.text(), /signature/);
});
