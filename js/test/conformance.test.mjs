// The conformance scenarios of tests/scenarios through the Node client (the format is in
// tests/scenarios/README.md; the Rust and Python runners read the same files).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as ap from '../index.js';
import { startSandbox, control, newKey, ROOT, camel } from './helpers.mjs';

const KINDS = {
  ValidationError: 'validation', BadRequestError: 'bad_request', AuthenticationError: 'authentication',
  PaymentRequiredError: 'insufficient_balance', PermissionDeniedError: 'permission_denied', NotFoundError: 'not_found',
  ConflictError: 'conflict', UnprocessableEntityError: 'unprocessable_entity', RateLimitError: 'rate_limit',
  InternalServerError: 'server', APITimeoutError: 'timeout', APIConnectionError: 'connection', APIResponseValidationError: 'decode',
};
const OPERATIONS = Object.fromEntries(ap.operations().map((op) => [op.id, op]));
const dir = path.join(ROOT, 'tests', 'scenarios');
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).scenarios.map((s) => [`${f.replace('.json', '')}: ${s.name}`, s]));

function substitute(value, vars) {
  if (typeof value === 'string') {
    const whole = /^\$\{([^$}]+)\}$/.exec(value);
    if (whole) return vars[whole[1]];
    return value.replace(/\$\{([^$}]+)\}/g, (_, name) => String(vars[name]));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

const MISSING = Symbol('missing');
// Scenario paths use wire names; the package answers snake_case model fields in camelCase
// (`to_number` is `toNumber`), while free-form data keeps its keys: either is looked up.
function at(value, pathText) {
  if (pathText === '$') return value;
  for (const raw of pathText.replace(/\\\./g, '\0').split('.')) {
    const key = raw.replace(/\0/g, '.');
    if (Array.isArray(value)) value = key in value ? value[Number(key)] : MISSING;
    else if (value && typeof value === 'object' && key in value) value = value[key];
    else if (value && typeof value === 'object' && camel(key) in value) value = value[camel(key)];
    else return MISSING;
    if (value === MISSING) return MISSING;
  }
  return value;
}

function check(answer, pathText, expected) {
  const found = at(answer, pathText);
  let ok;
  const keys = expected && typeof expected === 'object' && !Array.isArray(expected) ? Object.keys(expected) : [];
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const arg = expected[keys[0]];
    if (keys[0] === '$len') ok = (Array.isArray(found) || typeof found === 'string') && found.length === arg;
    else if (keys[0] === '$present') ok = (found !== MISSING && found !== null) === arg;
    else if (keys[0] === '$contains') ok = typeof found === 'string' && found.includes(arg);
    else if (keys[0] === '$gte') ok = typeof found === 'number' && found >= arg;
  } else if (found === MISSING) ok = expected === null;
  else {
    try { assert.deepStrictEqual(found, expected); ok = true; } catch { ok = false; }
  }
  return ok ? null : `\`${pathText}\`: expected ${JSON.stringify(expected)}, found ${found === MISSING ? 'nothing' : JSON.stringify(found)}`;
}

async function call(client, operation, args) {
  const op = OPERATIONS[operation];
  const resource = client[camel(op.resource)];
  const method = camel(op.method);
  // Path parameters are positional, the rest is one params object with camelCase names.
  const params = Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]));
  const positional = PATH_PARAMS[operation].map((name) => { const v = params[camel(name)]; delete params[camel(name)]; return v; });
  const expectsParams = resource[method].length > positional.length + 1;
  const callArgs = expectsParams ? [...positional, params] : positional;
  if (operation.startsWith('stream_')) {
    const events = [];
    for await (const event of resource[method](...callArgs)) events.push(event.event);
    return { events };
  }
  const result = await resource[method](...callArgs);
  if (result instanceof ap.Recording) return { contentType: result.contentType, size: result.data.length, magic: new TextDecoder('latin1').decode(result.data.subarray(0, 4)) };
  return result === undefined ? null : result;
}

// Path parameters per operation, from the table's paths.
const PATH_PARAMS = Object.fromEntries(
  Object.values(JSON.parse(readFileSync(path.join(ROOT, 'spec', 'openapi.json'), 'utf8')).paths)
    .flatMap((item) => Object.values(item).map((op) => [op.operationId, op.parameters.filter((p) => p.in === 'path').map((p) => p.name)])),
);

let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(() => sandbox.stop());

for (const [name, scenario] of scenarios) {
  test(name, async () => {
    const key = newKey();
    const vars = { sandbox: sandbox.url, key };
    const clients = {};
    const clientFor = (k) => (clients[k] ??= new ap.AgentPhone({ apiKey: k, baseUrl: sandbox.url }));
    for (const [index, rawStep] of scenario.steps.entries()) {
      const step = substitute(rawStep, vars);
      const where = `${name} / step ${index + 1} (${step.call ?? step.control})`;
      const deadline = Date.now() + 5000;
      let answer;
      let error;
      for (;;) {
        error = undefined;
        try {
          if (step.call) answer = await call(clientFor(step.api_key ?? key), step.call, step.args ?? {});
          else {
            const [method, target] = step.control.split(' ', 2);
            answer = await control(sandbox.url, method, target, step.body, key);
          }
        } catch (e) {
          error = e;
        }
        const pending = !error && step.until && Object.entries(step.until).some(([p, e]) => check(answer, p, e));
        if (!pending) break;
        assert.ok(Date.now() < deadline, `${where}: until not reached: ${JSON.stringify(answer)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      if (step.error) {
        assert.ok(error, `${where}: expected a ${step.error} error, got ${JSON.stringify(answer)}`);
        assert.ok(error instanceof ap.AgentPhoneError, `${where}: ${error}`);
        assert.equal(KINDS[error.constructor.name], step.error, `${where}: ${error.constructor.name}: ${error.message}`);
        if (step.error_code) assert.equal(error.code, step.error_code, where);
        if (step.error_field) assert.equal(error.field, camel(step.error_field), where);
        if ('may_have_acted' in step) assert.equal(error.mayHaveActed, step.may_have_acted, where);
        continue;
      }
      assert.ifError(error);
      for (const [p, e] of Object.entries(step.expect ?? {})) {
        const problem = check(answer, p, e);
        assert.equal(problem, null, `${where}: ${problem}`);
      }
      for (const [v, p] of Object.entries(step.save ?? {})) {
        const value = at(answer, p);
        assert.notEqual(value, MISSING, `${where}: nothing at ${p}`);
        vars[v] = value;
      }
    }
  });
}

test('the scenarios cover every operation', () => {
  const called = new Set(scenarios.flatMap(([, s]) => s.steps.filter((st) => st.call).map((st) => st.call)));
  assert.deepEqual(Object.keys(OPERATIONS).filter((id) => !called.has(id)), []);
});
