// agentphone-rs/testing: the sandbox in-process, its controls and isolated projects; the package's
// `agentphone` command; and the loader's choice of build (AGENTPHONE_BUILD).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { constructEvent, AgentPhone, InternalServerError, PaymentRequiredError, APIConnectionError, BadRequestError, ConfigurationError, ConflictError, RateLimitError } from 'agentphone-rs';
import { startSandbox, SandboxError } from 'agentphone-rs/testing';

const bin = fileURLToPath(new URL('../bin/agentphone.js', import.meta.url));
let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(() => sandbox.close());

test('projects are isolated and inbound messages reach the conversation', async () => {
  const project = await sandbox.project();
  const client = project.client();
  const agent = await client.agents.create({ name: 'Ava' });
  const number = await client.numbers.buy({ areaCode: '415', agentId: agent.id });
  const injected = await sandbox.injectMessage({ to: number.phoneNumber, from: '+14155550100', body: 'is my table ready?' });
  const messages = [];
  for await (const message of client.conversations.getMessagesAll(injected.conversationId)) messages.push(message.body);
  assert.deepEqual(messages, ['is my table ready?']);
  assert.deepEqual((await (await sandbox.project()).client().agents.list()).data, []);
  assert.equal((await project.stats()).project.counts.agents, 1);
});

test('faults hit one project; balance, clock and reset', async () => {
  const project = await sandbox.project();
  await project.addFault({ operation: 'list_agents', status: 500, count: 3 });
  await assert.rejects(project.client({ maxRetries: 0 }).agents.list(), InternalServerError);
  assert.deepEqual((await sandbox.client({ maxRetries: 0 }).agents.list()).data, []);
  assert.equal(await project.clearFaults(), 2);
  await project.setBalance(100);
  await assert.rejects(project.client().numbers.buy({ areaCode: '415' }), PaymentRequiredError);
  await project.client().agents.create({ name: 'Ava' });
  await project.reset();
  assert.deepEqual((await project.client().agents.list()).data, []);
  const before = await sandbox.now();
  assert.ok((await sandbox.advanceClock(3600)) > before);
});

test('refused controls throw SandboxError naming why', async () => {
  await assert.rejects(sandbox.injectCall({ to: '+12125550999', from: '+14155550100' }), (error) => {
    assert.ok(error instanceof SandboxError);
    assert.equal(error.status, 404);
    assert.match(error.message, /Phone number not found/);
    return true;
  });
  await assert.rejects(sandbox.addFault({ operation: 'agents.list' }), /answered \d{3}: operation: "agents.list" is no operation/);
  await assert.rejects(startSandbox({ balanceCents: 'lots' }), /`balance_cents`/);
});

test('a closed sandbox refuses connections', async () => {
  const own = await startSandbox();
  const client = own.client({ maxRetries: 0 });
  await client.agents.list();
  await own.close();
  await assert.rejects(client.agents.list(), APIConnectionError);
  await assert.rejects(own.now(), /closed/);
});

test('the sign-up flow needs no key', async () => {
  const signup = AgentPhone.forSignUp({ baseUrl: sandbox.baseUrl });
  const started = await signup.signup.start({ humanEmail: 'owner@example.net', agentName: 'Ava' });
  await assert.rejects(signup.signup.verify({ verificationId: started.verificationId, otpCode: '000000' }), BadRequestError);
  const account = await signup.signup.verify({ verificationId: started.verificationId, otpCode: '123456' });
  assert.match(account.apiKey, /^sk_test_/);
  assert.doesNotMatch(inspect(account), new RegExp(account.apiKey));
  const client = new AgentPhone({ apiKey: account.apiKey, baseUrl: sandbox.baseUrl });
  assert.equal((await client.agents.get(account.agentId)).name, 'Ava');
  await assert.rejects(signup.agents.list(), (error) => error instanceof ConfigurationError && /list_agents needs an API key/.test(error.message));
  await assert.rejects(signup.signup.start({ humanEmail: 'owner@example.net' }), ConflictError);
});

test("sign-ups meet the API's per-minute limit, which rateLimits: false lifts", async () => {
  const limited = await startSandbox();
  const unlimited = await startSandbox({ rateLimits: false });
  try {
    const signup = AgentPhone.forSignUp({ baseUrl: limited.baseUrl, maxRetries: 0 });
    for (let n = 0; n < 10; n += 1) await signup.signup.start({ humanEmail: `h${n}@example.org` });
    const refused = (error) => error instanceof RateLimitError && error.retryAfter > 0 && error.retryAfter <= 60;
    await assert.rejects(signup.signup.start({ humanEmail: 'late@example.org' }), refused);
    await limited.advanceClock(60);
    await signup.signup.start({ humanEmail: 'late@example.org' });
    const open = AgentPhone.forSignUp({ baseUrl: unlimited.baseUrl, maxRetries: 0 });
    for (let n = 0; n < 12; n += 1) await open.signup.start({ humanEmail: `u${n}@example.org` });
  } finally {
    await limited.close();
    await unlimited.close();
  }
});

test('a shared contact card arrives as a typed event', async () => {
  const project = await sandbox.project();
  const client = project.client();
  const agent = await client.agents.create({ name: 'Ava' });
  const number = await client.numbers.buy({ agentId: agent.id });
  const sink = `cards-${agent.id}`;
  const hook = await client.webhooks.set({ url: sandbox.sinkUrl(sink) });
  await sandbox.injectMessage({ to: number.phoneNumber, from: '+14155550100', sharedContact: { name: 'Jo', phoneNumbers: ['+14155550101'] }, wait: true });
  const [received] = await sandbox.sink(sink);
  const headers = { 'x-webhook-signature': received.signature, 'x-webhook-timestamp': received.timestamp, 'x-webhook-id': received.deliveryId };
  const event = constructEvent(received.body, headers, { secret: hook.secret });
  assert.equal(event.kind, 'contact_shared');
  if (event.kind !== 'contact_shared') return;
  assert.deepEqual(event.data.sharedContact.phoneNumbers, ['+14155550101']);
  assert.equal(event.data.from, '+14155550100');
  assert.equal(event.deliveryId, received.deliveryId);
});

test('the agentphone command runs from the package', () => {
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^agentphone \d+\.\d+\.\d+/);
  const listed = spawnSync(process.execPath, [bin, 'agents', 'list', '--json', '--base-url', sandbox.baseUrl, '--api-key', sandbox.apiKey], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /"data": \[\]/);
  const usage = spawnSync(process.execPath, [bin, 'agents', 'nonsense'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
});

test('AGENTPHONE_BUILD forces the wasm build, which says the sandbox and the command need the addon', () => {
  const env = { ...process.env, AGENTPHONE_BUILD: 'wasm' };
  const script = "import('agentphone-rs').then(async (m) => { console.log(m.BUILD); await import('agentphone-rs/testing').then((t) => t.startSandbox()); })";
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: fileURLToPath(new URL('..', import.meta.url)) });
  assert.equal(run.stdout.trim(), 'wasm');
  assert.match(run.stderr, /startSandbox\(\) runs the sandbox in the native addon/);
  const command = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env });
  assert.equal(command.status, 1);
  assert.match(command.stderr, /runs in the native addon/);
  const wrong = spawnSync(process.execPath, ['--input-type=module', '-e', "import('agentphone-rs')"], { encoding: 'utf8', env: { ...env, AGENTPHONE_BUILD: 'fast' } });
  assert.match(wrong.stderr, /AGENTPHONE_BUILD must be "native" or "wasm", not "fast"/);
  assert.ok(AgentPhone);
});
