#!/usr/bin/env node
// The `agentphone` command (`npx agentphone-rs ...`): every operation, `sandbox`, `demo`,
// `calls watch` and `mcp`, run by the native addon's copy of the Rust command line.
import { BUILD, native } from '#backend';

if (BUILD !== 'native') {
  console.error('agentphone: the command runs in the native addon, and this platform has none (the package runs on its wasm build here).');
  process.exit(1);
}
process.exitCode = native.cliMain(['agentphone', ...process.argv.slice(2)]);
