// A hostile server: HTML where JSON was promised, broken and huge bodies, wrong types, unknown
// enum values, a body that trickles, redirects to another origin, and every error shape. Each ends
// in a typed error of the package or a tolerant parse, never a crash, a hang or a leaked key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import util from 'node:util';
import * as ap from 'agentphone-rs';

const KEY = 'sk_test_hostile_secret_123';
// What a key looks like once its public prefix is gone: any of it in an error is a leak.
const SECRET_PART = KEY.slice('sk_test_'.length);
const TIMEOUT_MS = 1000;
// The trickle sends one byte a second; a client that waited for the whole body would take this long.
const TRICKLE_SECONDS = 20;
const HUGE = 10 * 1024 * 1024;
const HTML_502 = `<html><head><title>{auth} 502 Bad Gateway</title></head><body>${'<p>upstream went away</p>'.repeat(400)}</body></html>`;

function send(req, res, status, body, contentType = 'application/json', headers = {}) {
  // Hostile everywhere: the caller's Authorization goes back in a header the SDK reads.
  res.writeHead(status, { 'content-type': contentType, 'x-request-id': req.headers.authorization ?? '', ...headers });
  res.end(body);
}

/** A fixed answer; `{auth}` in it becomes the caller's Authorization. */
const reply = (template, status, contentType) => (req, res) =>
  send(req, res, status, template.replace('{auth}', req.headers.authorization ?? ''), contentType);

/** Headers at once, then a byte a second: only a timeout on the whole answer stops this. */
function trickle(req, res) {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': TRICKLE_SECONDS });
  const timer = setInterval(() => res.write(' '), 1000);
  res.on('close', () => clearInterval(timer));
}

/** Echoes the key so that it straddles the 200th character, where decode excerpts are cut. */
function keyAtTheExcerptCut(req, res) {
  const auth = req.headers.authorization ?? '';
  const head = '{"id": 5, "pad": "';
  send(req, res, 200, `${head}${'x'.repeat(200 - head.length - auth.length + 1)}${auth}"}`);
}

const ROUTES = {
  '/v1/agents/html-502': reply(HTML_502, 502, 'text/html'),
  '/v1/agents/truncated': reply('{"id": "agt_1", "name": "{auth}', 200),
  '/v1/agents/empty': reply('', 200),
  '/v1/agents/null': reply('null', 200),
  '/v1/agents/wrong-id': reply('{"id": 5, "name": []}', 200),
  '/v1/agents/wrong-name': reply('{"id": "agt_1", "name": []}', 200),
  '/v1/agents/junk-10mb': reply('x'.repeat(HUGE), 200),
  '/v1/agents/agent-10mb': reply(JSON.stringify({ id: 'agt_big', name: 'x'.repeat(HUGE) }), 200),
  '/v1/agents/detail': reply('{"detail": "Agent not found"}', 404),
  '/v1/agents/fastapi': reply('{"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]}', 422),
  '/v1/agents/envelope': reply('{"error": {"code": "INSUFFICIENT_BALANCE", "message": "Balance below $3", "type": "billing"}}', 402),
  '/v1/agents/trickle': trickle,
  '/v1/agents/key-at-cut': keyAtTheExcerptCut,
  '/v1/calls/teleporting': reply('{"id": "call_1", "status": "teleporting", "direction": "sideways"}', 200),
  '/v1/webhooks': reply('null', 200),
};

async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

let hostile;
let elsewhere;
// What reached the other origin: it would happily answer, so only the client can keep the key home.
const seenElsewhere = [];

before(async () => {
  elsewhere = await listen((req, res) => {
    seenElsewhere.push(req.headers);
    send(req, res, 200, '{"id": "agt_stolen"}');
  });
  hostile = await listen((req, res) => {
    const path = req.url.split('?')[0];
    const redirect = /^\/v1\/agents\/redirect-(\d+)$/.exec(path);
    if (redirect) return send(req, res, Number(redirect[1]), '', 'text/plain', { location: `${elsewhere.url}/v1/agents/agt_1` });
    (ROUTES[path] ?? reply('no such route', 599))(req, res);
  });
});

after(() => {
  // The trickle may still hold a socket open; without this the test process would wait for it.
  for (const { server } of [hostile, elsewhere]) {
    server.closeAllConnections();
    server.close();
  }
});

const client = () => new ap.AgentPhone({ apiKey: KEY, baseUrl: hostile.url, timeout: TIMEOUT_MS, maxRetries: 0 });
const getAgent = (id) => (c) => c.agents.get(id);
const textsOf = (error) => [error.message, error.stack, util.inspect(error, { depth: 5, showHidden: true }), JSON.stringify(error)];

/** The error `action` ends in: exactly `Class`, one of ours, and without the key anywhere. */
async function failure(action, Class) {
  const error = await action(client()).then(
    (value) => assert.fail(`expected ${Class.name}, got ${util.inspect(value).slice(0, 200)}`),
    (e) => e,
  );
  assert.equal(error.constructor, Class, `${error.name}: ${error.message}`);
  assert.ok(error instanceof ap.AgentPhoneError && error instanceof Error);
  for (const text of textsOf(error)) assert.ok(!text.includes(KEY), text.slice(0, 300));
  return error;
}

// [case, route, class, attributes the error must carry, text its message must contain]
const TYPED_ERRORS = [
  ['HTML 502 page', 'html-502', ap.InternalServerError, { status: 502 }, 'Bad Gateway'],
  ['truncated JSON', 'truncated', ap.APIResponseValidationError, { status: 200 }, 'agt_1'],
  // An empty body reads as {} (so all-optional models survive it); an agent needs an id.
  ['empty 200', 'empty', ap.APIResponseValidationError, { status: 200, excerpt: '' }, 'missing field `id`'],
  ['null 200', 'null', ap.APIResponseValidationError, { status: 200, excerpt: 'null' }, 'null'],
  // A wrong type is an error that names the field, not a model with garbage in it.
  ['wrong type for id', 'wrong-id', ap.APIResponseValidationError, { status: 200 }, 'at `id`'],
  ['wrong type for name', 'wrong-name', ap.APIResponseValidationError, { status: 200 }, 'at `name`'],
  ['10 MB of junk', 'junk-10mb', ap.APIResponseValidationError, { status: 200 }, 'expected value'],
  ['error shape {detail: string}', 'detail', ap.NotFoundError, { status: 404, code: null, apiMessage: 'Agent not found' }, 'Agent not found'],
  [
    'error shape {detail: [{loc, msg, type}]}',
    'fastapi',
    ap.UnprocessableEntityError,
    { status: 422, apiMessage: 'field required', details: [{ field: 'name', message: 'field required', type: 'value_error.missing' }] },
    'name: field required',
  ],
  [
    'error shape {error: {code, message, type}}',
    'envelope',
    ap.PaymentRequiredError,
    { status: 402, code: 'INSUFFICIENT_BALANCE', apiMessage: 'Balance below $3', errorType: 'billing' },
    'INSUFFICIENT_BALANCE',
  ],
];

for (const [name, route, Class, attributes, text] of TYPED_ERRORS) {
  test(`${name} ends in ${Class.name}`, async () => {
    const error = await failure(getAgent(route), Class);
    assert.deepEqual(Object.fromEntries(Object.keys(attributes).map((key) => [key, error[key]])), attributes);
    assert.ok(error.message.includes(text), error.message.slice(0, 300));
    assert.equal(error.operation, 'get_agent');
    assert.equal(error.mayHaveActed, false);
  });
}

test('an HTML page is summarised in the message, not dumped', async () => {
  const error = await failure(getAgent('html-502'), ap.InternalServerError);
  // The message is for a log line: the reason and the page's start, not 10 KB of markup.
  assert.ok(error.message.length < 400 && !error.message.includes('</html>'), error.message);
  // The whole page stays on `body` for whoever wants it, with the echoed key scrubbed.
  assert.ok(error.body.endsWith('</html>') && error.body.includes('[REDACTED]'));
  assert.equal(error.requestId, 'Bearer [REDACTED]');
});

test('a decode error shows a short, scrubbed excerpt', async () => {
  const error = await failure(getAgent('truncated'), ap.APIResponseValidationError);
  assert.equal(error.excerpt, '{"id": "agt_1", "name": "Bearer [REDACTED]');
  const huge = await failure(getAgent('junk-10mb'), ap.APIResponseValidationError);
  assert.ok(huge.excerpt.length <= 201 && huge.message.length < 1000, huge.message.slice(0, 300));
});

// The excerpt is cut from the scrubbed body, so a key echoed across the cut cannot survive in part.
test('a key straddling the excerpt cut does not leak', async () => {
  const error = await failure(getAgent('key-at-cut'), ap.APIResponseValidationError);
  for (const text of [...textsOf(error), error.excerpt]) assert.ok(!text.includes(SECRET_PART.slice(0, -1)), text.slice(-80));
});

const TOLERATED = [
  // Ten megabytes of valid JSON is just a large answer: it parses, in well under the timeout.
  ['a 10 MB agent parses', getAgent('agent-10mb'), (agent) => agent.id === 'agt_big' && agent.name.length === HUGE],
  // Enums are open: a status this SDK has never heard of comes through as sent.
  ['an unknown enum value is kept', (c) => c.calls.get('teleporting'), (call) => call.status === 'teleporting' && call.direction === 'sideways'],
  // "No webhook" is answered with null: null, not an error.
  ['a null webhook is null', (c) => c.webhooks.get(), (answer) => answer === null],
];

for (const [name, action, holds] of TOLERATED) {
  test(name, async () => assert.ok(holds(await action(client()))));
}

test('a trickling body times out in bounded time', async () => {
  const started = performance.now();
  const error = await failure(getAgent('trickle'), ap.APITimeoutError);
  const elapsed = performance.now() - started;
  // The timeout covers the body, not only the headers: it fires near TIMEOUT_MS, long before the trickle ends.
  assert.ok(elapsed >= TIMEOUT_MS * 0.8 && elapsed < TIMEOUT_MS + 2000, `${elapsed} ms`);
  assert.equal(error.sent, true);
  assert.equal(error.operation, 'get_agent');
});

// The native client does not follow; fetch (the wasm build) follows by itself but drops the
// Authorization header across origins, and the client then refuses the foreign answer.
const FETCH_FOLLOWS = ap.BUILD === 'wasm';

for (const status of [302, 307]) {
  test(`a ${status} to another origin is not followed and the key stays home`, async () => {
    seenElsewhere.length = 0;
    if (FETCH_FOLLOWS) {
      const error = await failure(getAgent(`redirect-${status}`), ap.APIConnectionError);
      assert.match(error.message, /redirected to another origin/);
    } else {
      const error = await failure(getAgent(`redirect-${status}`), ap.APIError);
      assert.equal(error.status, status);
      assert.match(error.message, /Redirect not followed/);
      assert.deepEqual(seenElsewhere, []);
    }
    // The invariant: the key never reaches a host nobody configured.
    assert.ok(!seenElsewhere.some((headers) => 'authorization' in headers));
  });
}
