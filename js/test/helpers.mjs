// The sandbox for a test file: the `agentphone` binary, started and stopped here.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const ROOT = root;

function binary() {
  if (process.env.AGENTPHONE_SANDBOX_BIN) return process.env.AGENTPHONE_SANDBOX_BIN;
  for (const profile of ['debug', 'release']) {
    const candidate = path.join(root, 'target', profile, 'agentphone');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('build the CLI first: cargo build -p agentphone-cli (or set AGENTPHONE_SANDBOX_BIN)');
}

export async function startSandbox() {
  const child = spawn(binary(), ['sandbox', '--port', '0', '--fast'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

export function newKey() {
  return `sk_test_js_${randomBytes(8).toString('hex')}`;
}

export async function control(url, method, target, body, apiKey) {
  const response = await fetch(url + target, {
    method,
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}
