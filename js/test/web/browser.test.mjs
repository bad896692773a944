// The package in headless Chromium (Debian's, driven by playwright-core): a page served from one
// loopback origin uses the wasm build against the sandbox on another (which answers CORS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox, newKey } from '../helpers.mjs';
import { serveStatic } from './static.mjs';

let sandbox;
let site;
let browser;

before(async () => {
  sandbox = await startSandbox();
  site = await serveStatic();
  browser = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'agentphone-chromium-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // A closed network: no background traffic, no GPU, no sandboxing (tests run as root).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  site?.close();
  await sandbox?.stop();
});

test('a page on another origin creates an agent, sends a message, pages a list and catches a typed error', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const key = newKey();
  await page.goto(`${site.url}/page.html?key=${key}&api=${encodeURIComponent(sandbox.url)}`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20_000 });
  const result = await page.evaluate(() => window.result);
  assert.deepEqual(problems, []);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.build, 'wasm');
  assert.match(result.agentId, /^agt_/);
  assert.match(result.number, /^\+1415/);
  assert.ok(result.sent);
  assert.deepEqual([...result.names].sort(), ['Browser agent', 'Second', 'Third']);
  assert.deepEqual(result.caught, { notFound: true, apiError: true, status: 404, name: 'NotFoundError' });
  // The sandbox saw what the page did, under the page's key.
  const stats = await (await fetch(`${sandbox.url}/sandbox/stats`, { headers: { authorization: `Bearer ${key}` } })).json();
  assert.equal(stats.messages_sent, 1, JSON.stringify(stats));
});
