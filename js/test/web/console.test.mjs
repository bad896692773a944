// The browser console (`agentphone console`, the sandbox's /console/) walked in headless Chromium
// as a person would: connect, create an agent, buy and attach a number, send a message and see it
// in the thread, see a reply arrive, place a call and watch its transcript stream in, check a
// webhook delivery's signature, and see usage move. Screenshots of each view go to
// target/console-screens/ (the test's artifacts). Prints the time to the first interactive view
// and the console's own size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox, control, ROOT } from '../helpers.mjs';

const SCREENS = path.join(ROOT, 'target', 'console-screens');
const BUDGET = 60 * 1024;
let sandbox;
let browser;
let page;
const problems = [];

before(async () => {
  mkdirSync(SCREENS, { recursive: true });
  // Real turn timing (not --fast), so that a call's turns arrive one by one.
  sandbox = await startSandbox(['--turn-delay-ms', '500']);
  browser = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'agentphone-console-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A Content-Security-Policy violation is reported on the console as an error. (An error status
  // the SDK answered is logged by the browser as a failed load: those are the walk's own 401 and
  // the 404s of "no webhook set".)
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => dialog.accept());
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

const shot = (name) => page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
const heading = (text) => page.getByRole('heading', { level: 2, name: text }).waitFor();

async function counter(name) {
  await page.goto(`${sandbox.url}/console/#/usage`);
  const card = page.getByRole('list', { name: 'Counters' }).locator('li', { hasText: name }).locator('strong');
  return Number(await card.textContent());
}

test('the console is served with a strict policy, its files within budget', async () => {
  const answer = await fetch(`${sandbox.url}/console/`);
  assert.equal(answer.status, 200);
  const policy = answer.headers.get('content-security-policy');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);
  assert.equal((await fetch(`${sandbox.url}/console/pkg/wasm/agentphone_wasm_bg.wasm`)).headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(`${sandbox.url}/console/missing.js`)).status, 404);
  const files = [];
  const walk = (dir) => readdirSync(dir).forEach((name) => (statSync(path.join(dir, name)).isDirectory() ? walk(path.join(dir, name)) : files.push(path.join(dir, name))));
  walk(path.join(ROOT, 'console'));
  const gzipped = files.filter((f) => /\.(js|css)$/.test(f)).reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  console.log(`console JS and CSS: ${files.length} files, ${gzipped} B gzipped (budget ${BUDGET} B; the wasm build not counted)`);
  assert.ok(gzipped <= BUDGET, `the console's JS and CSS are ${gzipped} B gzipped, over ${BUDGET}`);
});

test('a person walks the console against the sandbox', { timeout: 120_000 }, async () => {
  const started = performance.now();
  await page.goto(`${sandbox.url}/console/`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  console.log(`first view interactive ${Math.round(performance.now() - started)} ms after navigation (loopback, headless Chromium, cold profile)`);

  // A refused key shows the SDK's error; a live key is warned about (the sandbox takes any sk_ key).
  await page.getByLabel('API key').fill('not-a-key');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.locator('.error').filter({ hasText: 'AuthenticationError' }).waitFor();
  await page.getByLabel('API key').fill('sk_live_console_test');
  await page.getByRole('button', { name: 'Connect' }).click();
  await heading('Agents');
  await page.locator('#warning').filter({ hasText: 'live key' }).waitFor();

  await page.getByRole('link', { name: 'Connection' }).click();
  await page.getByRole('button', { name: 'New sandbox project' }).click();
  await heading('Agents');
  assert.ok(await page.locator('#warning').isHidden());
  const key = await page.evaluate(() => JSON.parse(sessionStorage.getItem('agentphone.console')).apiKey);
  assert.match(key, /^sk_test_/);
  assert.ok(!page.url().includes(key), 'the key is not in the URL');
  await page.getByText('No agents yet').waitFor();
  const messagesBefore = await counter('Messages (30 days)');
  await shot('usage-before');

  // Agents: create one; its page opens.
  await page.goto(`${sandbox.url}/console/#/agents`);
  await page.getByLabel('Name').fill('Ava');
  await page.getByRole('button', { name: 'Create agent' }).click();
  await heading('Ava');
  await shot('agent');

  // Numbers: buy one, then attach it to Ava.
  await page.getByRole('link', { name: 'Numbers' }).click();
  await page.getByLabel('Area code').fill('415');
  await page.getByRole('button', { name: 'Buy number' }).click();
  const row = page.getByRole('table', { name: 'Numbers' }).locator('tbody tr').first();
  await row.getByRole('button', { name: 'Attach' }).click();
  await row.getByRole('link', { name: 'Ava' }).waitFor();
  const number = (await row.locator('td').first().textContent()).trim();
  assert.match(number, /^\+1415/);
  await shot('numbers');

  // Webhooks: the sandbox receives them, to check here.
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'Deliver to the sandbox' }).click();
  await page.getByText('Nothing received yet.').waitFor();

  // Conversations: send, see it in the thread, and see the other side's reply arrive.
  await page.getByRole('link', { name: 'Conversations' }).click();
  await page.getByLabel('To').fill('+14155550123');
  await page.getByLabel('Message', { exact: true }).fill('Your table is ready');
  await page.getByRole('button', { name: 'Send' }).click();
  await heading('Conversation with +14155550123');
  const thread = page.getByRole('list', { name: 'Messages' });
  await thread.getByText('Your table is ready').waitFor();
  await control(sandbox.url, 'POST', '/sandbox/inbound/message', { to: number, from: '+14155550123', body: 'On my way!', wait: true });
  await thread.locator('li.in', { hasText: 'On my way!' }).waitFor({ timeout: 10_000 });
  await shot('conversation');

  // A validation error points at its field, before anything is sent.
  await page.getByRole('link', { name: 'Calls' }).click();
  await page.getByLabel('To').fill('+1415');
  await page.getByRole('button', { name: 'Place call' }).click();
  await page.locator('input[name=toNumber][aria-invalid=true]').waitFor();
  await page.locator('.error').filter({ hasText: 'ValidationError' }).waitFor();

  // Calls: place one and watch the transcript stream in while it runs.
  await page.getByLabel('To').fill('+14155550123');
  await page.getByRole('button', { name: 'Place call' }).click();
  const transcript = page.getByRole('list', { name: 'Transcript' });
  await transcript.locator('li').nth(2).waitFor({ timeout: 20_000 });
  const midCall = await page.locator('.badge').filter({ hasText: /in-progress|ending|completed/ }).first().textContent();
  assert.equal(midCall, 'in-progress', 'three turns arrived while the call was still running');
  await shot('call-live');
  await page.locator('audio').waitFor({ timeout: 30_000 });
  assert.ok((await transcript.locator('li').count()) >= 3);
  await shot('call-ended');

  // The call list, filtered.
  await page.getByRole('link', { name: 'Calls' }).click();
  await page.getByLabel('Status').selectOption('completed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('table', { name: 'Calls' }).locator('tbody tr').first().waitFor();
  await shot('calls');
  await page.getByRole('link', { name: 'Conversations' }).click();
  await page.getByRole('table', { name: 'Conversations' }).getByText('On my way!').waitFor();
  await shot('conversations');
  await page.getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('table', { name: 'Agents' }).getByText(number).waitFor();
  await shot('agents');

  // Webhooks: the reply's delivery arrived; its signature checks out in the page.
  await page.getByRole('link', { name: 'Webhooks' }).click();
  const received = page.getByRole('table', { name: 'Received deliveries' });
  await received.getByText('agent.message').first().waitFor();
  await received.locator('tr', { hasText: 'agent.message' }).first().getByRole('button', { name: 'Check signature' }).click();
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('.valid').filter({ hasText: 'Valid signature: agent.message' }).waitFor();
  await page.getByRole('table', { name: 'Deliveries' }).getByText('success').first().waitFor();
  await page.getByRole('button', { name: 'Reveal' }).first().click();
  await page.locator('code', { hasText: /^whsec_/ }).first().waitFor();
  await shot('webhooks');
  // A tampered body fails, with the SDK's error: even a trailing space, which the form once trimmed away.
  const payload = page.getByLabel('Raw body');
  await payload.fill(`${await payload.inputValue()} `);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('.error').first().waitFor();

  // Contacts, and the sandbox controls.
  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByLabel('Name').fill('Jo');
  await page.getByLabel('Phone number').fill('+14155550123');
  await page.getByRole('button', { name: 'Add contact' }).click();
  await page.getByRole('table', { name: 'Contacts' }).getByText('Jo').waitFor();
  await shot('contacts');
  await page.getByRole('link', { name: 'Sandbox' }).click();
  await page.getByLabel('Seconds').fill('60');
  await page.getByRole('button', { name: 'Advance' }).click();
  await page.getByText('The clock now reads').waitFor();
  await shot('sandbox');

  // Usage moved.
  const messagesAfter = await counter('Messages (30 days)');
  assert.ok(messagesAfter >= messagesBefore + 2, `messages ${messagesBefore} -> ${messagesAfter}`);
  await page.getByRole('img', { name: 'Daily activity, last 30 days' }).waitFor();
  await shot('usage');

  // The key never reached the page's HTML.
  assert.ok(!(await page.content()).includes(key));
  assert.deepEqual(problems, []);
});
