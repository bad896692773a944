// The engines Node users scale out with: several worker_threads at once (the addon loaded in
// each) and a cluster of forked workers. Every call succeeds and the process exits promptly after
// its last call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, newKey } from './helpers.mjs';

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url));
let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.stop());

/** Runs a module (written to a file: cluster forks its own script) in a child Node; resolves
 * with its exit code, output and run time. */
function run(source) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'agentphone-scale-')), 'main.mjs');
  writeFileSync(file, source);
  const started = Date.now();
  const conditions = process.execArgv.filter((arg) => arg.startsWith('--conditions'));
  const child = spawn(process.execPath, [...conditions, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, ms: Date.now() - started })));
}

test('worker_threads: four at once, each with its own client', async () => {
  const key = newKey();
  const { code, out, ms } = await run(`
    import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
    const work = \`
      import { parentPort, workerData } from 'node:worker_threads';
      const ap = await import(${JSON.stringify(INDEX)});
      const client = new ap.AgentPhone({ apiKey: workerData.key, baseUrl: workerData.url });
      const agent = await client.agents.create({ name: 'worker ' + workerData.n });
      const seen = [];
      for await (const a of client.agents.listAll()) seen.push(a.id);
      parentPort.postMessage(seen.includes(agent.id));
    \`;
    const results = await Promise.all([0, 1, 2, 3].map((n) => new Promise((resolve, reject) => {
      const worker = new Worker(work, { eval: true, workerData: { key: ${JSON.stringify(key)}, url: ${JSON.stringify(sandbox.url)}, n } });
      worker.once('message', resolve);
      worker.once('error', reject);
    })));
    console.log(JSON.stringify(results));
  `);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out), [true, true, true, true]);
  assert.ok(ms < 10_000, `took ${ms} ms`);
});

test('cluster: forked workers make calls and the primary exits promptly', async () => {
  const key = newKey();
  const { code, out, ms } = await run(`
    import cluster from 'node:cluster';
    if (cluster.isPrimary) {
      let done = 0, ok = 0;
      for (let i = 0; i < 2; i++) cluster.fork();
      cluster.on('message', (worker, message) => { ok += message === true ? 1 : 0; });
      cluster.on('exit', (worker, code) => { done += 1; if (code !== 0) process.exitCode = 1; if (done === 2) console.log(ok); });
    } else {
      const ap = await import(${JSON.stringify(INDEX)});
      const client = new ap.AgentPhone({ apiKey: ${JSON.stringify(key)}, baseUrl: ${JSON.stringify(sandbox.url)} });
      const agent = await client.agents.create({ name: 'cluster worker' });
      process.send((await client.agents.get(agent.id)).id === agent.id);
      cluster.worker.disconnect();
    }
  `);
  assert.equal(code, 0);
  assert.equal(out.trim(), '2');
  assert.ok(ms < 10_000, `took ${ms} ms`);
});
