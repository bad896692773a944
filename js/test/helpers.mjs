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

export async function startSandbox(args = ['--fast']) {
  const child = spawn(binary(), ['sandbox', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
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

/** `send_message` as `sendMessage`. */
export const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** The call once it is no longer in progress; fails after `ms`. */
export async function waitForCallEnd(client, callId, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const call = await client.calls.get(callId);
    if (call.status !== 'in-progress') return call;
    if (Date.now() > deadline) throw new Error(`call ${callId} still in progress after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A value `schema` accepts, as a model following it would write (the first of any alternatives). */
export function sample(schema) {
  if (schema.type === 'object') {
    const required = [...(schema.required ?? []), ...(schema.oneOf?.[0].required ?? []), ...(schema.anyOf?.[0].required ?? [])];
    return Object.fromEntries(required.map((name) => [name, sample(schema.properties[name])]));
  }
  if (schema.anyOf) return sample(schema.anyOf[0]);
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return false;
  if (schema.type === 'array') return Array(schema.minItems ?? 1).fill(sample(schema.items ?? { type: 'string' }));
  if (schema.format === 'uri') return 'https://example.com/hook';
  if (/phone number/i.test(schema.description ?? '')) return '+14155550100';
  if (/email address/i.test(schema.description ?? '')) return `tools+${randomBytes(4).toString('hex')}@example.com`;
  return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}
