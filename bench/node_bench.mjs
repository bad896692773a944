// Node: agentphone-rs vs the official `agentphone` SDK vs bare fetch, against one sandbox.
// Usage: node node_bench.mjs <sandbox-url> <dir with node_modules/agentphone and node_modules/agentphone-rs>
import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, dir] = process.argv.slice(2);
const require = createRequire(path.join(dir, 'index.js'));
const KEY = 'sk_test_bench_node';
const rows = [];

function spawnMs(code, runs = 15) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', code], { cwd: dir });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best;
}

async function medianUs(fn, n) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(n / 2)];
}

async function throughput(fn, total = 1000, concurrency = 20) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < total) await fn();
  }));
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

const fmt = (v, unit) => (Number.isNaN(v) ? '–' : `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}`);
const row = (name, ours, official, bare, unit) => rows.push([name, fmt(ours, unit), fmt(official, unit), fmt(bare, unit), (ours / official).toFixed(2)]);

const baseline = spawnMs('0');
row('require (net of bare startup)', spawnMs("require('agentphone-rs')") - baseline, spawnMs("require('agentphone')") - baseline, NaN, 'ms');

const ours = new (require('agentphone-rs').AgentPhone)({ apiKey: KEY, baseUrl: url });
const officialModule = require('agentphone');
const official = new officialModule.AgentPhoneClient({ token: KEY, baseUrl: url });
const agent = await ours.agents.create({ name: 'Bench' });
const bareGet = async () => (await fetch(`${url}/v1/agents/${agent.id}`, { headers: { authorization: `Bearer ${KEY}` } })).json();
for (const fn of [() => ours.agents.get(agent.id), () => official.agents.getAgent({ agent_id: agent.id }), bareGet]) for (let i = 0; i < 50; i++) await fn();
const n = 500;
row(`sequential agents.get (${n} calls)`, await medianUs(() => ours.agents.get(agent.id), n), await medianUs(() => official.agents.getAgent({ agent_id: agent.id }), n), await medianUs(bareGet, n), 'µs/call');

const bareList = async () => (await fetch(`${url}/v1/agents?limit=20`, { headers: { authorization: `Bearer ${KEY}` } })).json();
const results = [];
for (const fn of [() => ours.agents.list(), () => official.agents.listAgents(), bareList]) {
  await throughput(fn, 100);
  results.push(await throughput(fn));
}
rows.push(['concurrent throughput (1000 lists, 20 at a time)', fmt(results[0], 'req/s'), fmt(results[1], 'req/s'), fmt(results[2], 'req/s'), (results[0] / results[1]).toFixed(2)]);

const { constructEvent, signWebhook } = require('agentphone-rs');
const secret = 'whsec_bench';
const body = Buffer.from(JSON.stringify({ event: 'agent.message', channel: 'sms', agentId: 'agt_1', data: { messageId: 'm', from: '+14155550100', to: '+14155550101', message: 'hi' } }));
const stamp = Math.floor(Date.now() / 1000);
const signature = signWebhook(body, { secret, timestamp: stamp });
const headers = { 'x-webhook-signature': signature, 'x-webhook-timestamp': String(stamp) };
const byHand = () => {
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(`${stamp}.`).update(body).digest('hex'));
  const given = Buffer.from(headers['x-webhook-signature']);
  if (expected.length !== given.length || !timingSafeEqual(expected, given) || Math.abs(Date.now() / 1000 - stamp) > 300) throw new Error('bad');
  return JSON.parse(body.toString());
};
row('webhook verify + parse (official SDK has none: node:crypto by hand)', await medianUs(() => constructEvent(body, headers, { secret }), 5000), await medianUs(byHand, 5000), NaN, 'µs');

console.log('| Node | agentphone-rs | official 1.0.17 | bare fetch | ours/official |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
