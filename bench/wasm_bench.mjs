// The wasm build in Node, run by node_bench.mjs in processes of its own (a process loads one
// build). `instantiate`: milliseconds to compile and instantiate the module from its bytes in this
// fresh process (the cold start a worker pays). `get <url> <n>`: agents.get median µs/call.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [mode, dir, url, n] = process.argv.slice(2);
const pkg = path.dirname(createRequire(path.join(dir, 'index.js')).resolve('agentphone-rs/package.json'));
if (mode === 'instantiate') {
  const bytes = readFileSync(path.join(pkg, 'wasm', 'agentphone_wasm_bg.wasm'));
  const glue = await import(path.join(pkg, 'wasm', 'agentphone_wasm.js'));
  const started = process.hrtime.bigint();
  glue.initSync({ module: bytes });
  console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6 }));
} else {
  process.env.AGENTPHONE_BUILD = 'wasm';
  const { AgentPhone, BUILD } = await import(path.join(pkg, 'index.js'));
  if (BUILD !== 'wasm') throw new Error(`expected the wasm build, got ${BUILD}`);
  const client = new AgentPhone({ apiKey: 'sk_test_bench_wasm', baseUrl: url });
  const agent = await client.agents.create({ name: 'Bench' });
  for (let i = 0; i < 50; i++) await client.agents.get(agent.id);
  const samples = [];
  for (let i = 0; i < Number(n); i++) {
    const started = process.hrtime.bigint();
    await client.agents.get(agent.id);
    samples.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({ us: samples[Math.floor(samples.length / 2)] }));
}
