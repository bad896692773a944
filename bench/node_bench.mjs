// Node: agentphone-rs vs the official `agentphone` SDK vs bare fetch, against one sandbox.
// Usage: node node_bench.mjs <sandbox-url> <dir with node_modules/agentphone and node_modules/agentphone-rs> <metrics.json> [--quick]
// Prints a Markdown table and writes the figures the targets are judged on to <metrics.json>.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, dir, metricsFile] = process.argv.slice(2);
const QUICK = process.argv.includes('--quick');
const SCALE = QUICK ? 5 : 1;
const require = createRequire(path.join(dir, 'index.js'));
const KEY = 'sk_test_bench_node';
const rows = [];
const metrics = {};
const here = path.dirname(new URL(import.meta.url).pathname);
const child = (args, options = {}) => JSON.parse(execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', ...options }));

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
const row = (name, ours, official, bare, unit, metric) => {
  if (metric) Object.assign(metrics, { [`${metric}_ours`]: ours, [`${metric}_official`]: official, [`${metric}_bare`]: bare });
  rows.push([name, fmt(ours, unit), fmt(official, unit), fmt(bare, unit), (ours / official).toFixed(2)]);
};

const baseline = spawnMs('0');
row('require (net of bare startup)', spawnMs("require('agentphone-rs')") - baseline, spawnMs("require('agentphone')") - baseline, NaN, 'ms');

const ours = new (require('agentphone-rs').AgentPhone)({ apiKey: KEY, baseUrl: url });
const officialModule = require('agentphone');
const official = new officialModule.AgentPhoneClient({ token: KEY, baseUrl: url });
const agent = await ours.agents.create({ name: 'Bench' });
const bareGet = async () => (await fetch(`${url}/v1/agents/${agent.id}`, { headers: { authorization: `Bearer ${KEY}` } })).json();
for (const fn of [() => ours.agents.get(agent.id), () => official.agents.getAgent({ agent_id: agent.id }), bareGet]) for (let i = 0; i < 50; i++) await fn();
const n = 2000 / SCALE;
row(`sequential agents.get (${n} calls)`, await medianUs(() => ours.agents.get(agent.id), n), await medianUs(() => official.agents.getAgent({ agent_id: agent.id }), n), await medianUs(bareGet, n), 'µs/call', 'get');
const wasmGet = child([path.join(here, 'wasm_bench.mjs'), 'get', dir, url, String(n)]).us;
metrics.wasm_get = wasmGet;
rows.push([`sequential agents.get on the wasm build (${n} calls)`, fmt(wasmGet, 'µs/call'), metrics.get_official === undefined ? '–' : fmt(metrics.get_official, 'µs/call'), fmt(metrics.get_bare, 'µs/call'), (wasmGet / metrics.get_official).toFixed(2)]);
let coldest = Infinity;
for (let i = 0; i < (QUICK ? 5 : 15); i++) coldest = Math.min(coldest, child([path.join(here, 'wasm_bench.mjs'), 'instantiate', dir]).ms);
metrics.wasm_instantiate_node = coldest;
rows.push(['wasm build: compile + instantiate in a fresh process (fastest of 15)', fmt(coldest, 'ms'), '–', '–', '–']);

const bareList = async () => (await fetch(`${url}/v1/agents?limit=20`, { headers: { authorization: `Bearer ${KEY}` } })).json();
const results = [];
for (const fn of [() => ours.agents.list(), () => official.agents.listAgents(), bareList]) {
  await throughput(fn, 100);
  results.push(await throughput(fn));
}
rows.push(['concurrent throughput (1000 lists, 20 at a time)', fmt(results[0], 'req/s'), fmt(results[1], 'req/s'), fmt(results[2], 'req/s'), (results[0] / results[1]).toFixed(2)]);
Object.assign(metrics, { concurrent_rps_ours: results[0], concurrent_rps_official: results[1] });

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
row('webhook verify + parse (official SDK has none: node:crypto by hand)', await medianUs(() => constructEvent(body, headers, { secret }), 5000 / SCALE), await medianUs(byHand, 5000 / SCALE), NaN, 'µs', 'webhook');

// Resident memory after import + one client + 1,000 calls, and its growth over many more (a
// least-squares slope over ten marks), each SDK in a process of its own.
const memoryScript = `
const [url, key, which, total] = process.argv.slice(1);
const rssKb = () => process.memoryUsage().rss / 1024;
const mod = require(which === 'ours' ? 'agentphone-rs' : 'agentphone');
const client = which === 'ours' ? new mod.AgentPhone({ apiKey: key, baseUrl: url }) : new mod.AgentPhoneClient({ token: key, baseUrl: url });
(async () => {
  const agent = which === 'ours' ? await client.agents.create({ name: 'Mem' }) : await client.agents.createAgent({ name: 'Mem' });
  const marks = [];
  for (let i = 1; i <= Number(total); i++) {
    if (which === 'ours') await client.agents.get(agent.id); else await client.agents.getAgent({ agent_id: agent.id });
    if (i === 1000 || (i > 1000 && i % (Number(total) / 10) === 0)) marks.push([i, rssKb()]);
  }
  console.log(JSON.stringify(marks));
})();`;
const total = QUICK ? 1000 : 100000;
const memory = {};
for (const which of ['ours', 'official']) {
  const marks = child(['-e', memoryScript, url, KEY, which, String(total)]);
  const later = marks.length > 1 ? marks.slice(1) : marks;
  const meanX = later.reduce((s, [x]) => s + x, 0) / later.length;
  const meanY = later.reduce((s, [, y]) => s + y, 0) / later.length;
  const variance = later.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  const slope = variance ? later.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0) / variance : 0;
  memory[which] = { after: marks[0][1], slope: slope * 10000 };
}
Object.assign(metrics, { rss_ours: memory.ours.after, rss_official: memory.official.after });
rows.push(['resident memory after require + client + 1,000 calls', fmt(memory.ours.after / 1024, 'MiB'), fmt(memory.official.after / 1024, 'MiB'), '–', (memory.ours.after / memory.official.after).toFixed(2)]);
if (!QUICK) {
  Object.assign(metrics, { rss_slope_ours: memory.ours.slope, rss_slope_official: memory.official.slope });
  rows.push([`memory growth over ${total.toLocaleString('en-US')} calls (slope)`, `${memory.ours.slope.toFixed(1)} KiB / 10k calls`, `${memory.official.slope.toFixed(1)} KiB / 10k calls`, '–', '–']);
}

console.log('| Node | agentphone-rs | official 1.0.17 | bare fetch | ours/official |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
writeFileSync(metricsFile, JSON.stringify(metrics));
