// The client. Its resources and methods are generated from the operation table (generated/resources.js);
// this file holds what they share: settings, calls into the native core, iteration, aborting.

import { BUILD, native, env, writeFile } from '#backend';
import { toError } from './failure.js';
import { APIPromise } from './response.js';
import { checkDepth } from './depth.js';
import { RENAMES, SECRETS } from './generated/secrets.js';
import { ConfigurationError } from './generated/errors.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Keeps secret fields (spec/models.toml marks them) out of `console.log` and `util.inspect`:
 * each object holding one gets a non-enumerable inspect hook that shows `[REDACTED]`. The field
 * itself still reads the value, and JSON.stringify (an explicit choice) still writes it.
 */
/** Renames the snake_case keys of the objects at `renames` (wire paths, deepest first) to camelCase. */
function camelKeys(answer, renames) {
  for (const [path, names] of renames ?? []) renameAt(answer, path, names);
  return answer;
}

function renameAt(value, path, names) {
  if (value === null || typeof value !== 'object') return;
  const [step, ...rest] = path;
  if (step === '*') {
    if (Array.isArray(value)) for (const item of value) renameAt(item, rest, names);
    return;
  }
  if (step !== undefined) return renameAt(value[step], rest, names);
  const renamed = new Map(names);
  const entries = Object.entries(value);
  if (!entries.some(([key]) => renamed.has(key))) return;
  // Rebuilt in place, in the same order: the object may be referenced from its parent.
  for (const [key] of entries) delete value[key];
  for (const [key, field] of entries) value[renamed.get(key) ?? key] = field;
}

function hideSecrets(answer, paths) {
  for (const path of paths ?? []) hideAt(answer, path);
  return answer;
}

function hideAt(value, path) {
  if (value === null || typeof value !== 'object') return;
  const [step, ...rest] = path;
  if (step === '*') {
    if (Array.isArray(value)) for (const item of value) hideAt(item, rest);
    return;
  }
  if (rest.length > 0) return hideAt(value[step], rest);
  if (!(step in value)) return;
  const hidden = new Set([...(value[INSPECT]?.hidden ?? []), step]);
  const inspect = function (depth, options, inspectFn) {
    const shown = Object.fromEntries(Object.entries(this).map(([k, v]) => [k, hidden.has(k) ? '[REDACTED]' : v]));
    return inspectFn ? inspectFn(shown, options) : shown;
  };
  inspect.hidden = hidden;
  Object.defineProperty(value, INSPECT, { value: inspect, enumerable: false, configurable: true });
}
import { attachResources } from './generated/resources.js';

/** Drops `undefined` (not given) and keeps `null` (sent as null: it clears a field). */
function clean(params) {
  const out = {};
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined) continue;
    checkDepth(value, key, 1);
    out[key] = value;
  }
  return out;
}

/** A method's `{ timeout (ms), headers }` as the core takes them (`signal` stays here). */
// Every option but `signal` goes to the core, which refuses one it does not know by name.
function callOptions({ signal, timeout, ...rest } = {}) {
  return clean({ ...rest, timeout: timeout == null ? undefined : timeout / 1000 });
}

/** `request_id` as `requestId`. */
const camelKey = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/**
 * The core's request records to a console-compatible logger: `debug` records (with bodies) to
 * `logger.debug`, the others to `logger.info`. A logger that throws never fails the call.
 */
/** Where `AGENTPHONE_LOG` writes: stderr, one message per record (bodies included at debug), so
 * that a program's own output on stdout stays clean. */
const STDERR_LOGGER = { info: (message) => console.error(message), debug: (message) => console.error(message) };

function logSink(logger) {
  return (json) => {
    const fields = Object.fromEntries(Object.entries(JSON.parse(json)).map(([key, value]) => [camelKey(key), value]));
    const write = (fields.level === 'debug' ? logger.debug : logger.info) ?? logger.log;
    try {
      const written = write?.call(logger, fields.message, fields);
      // An async logger's rejection would otherwise be unhandled, which ends a Node process.
      if (typeof written?.then === 'function') written.then(undefined, () => {});
    } catch {
      // Logging is best effort.
    }
  };
}

function abortError(signal) {
  const reason = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

/**
 * Runs `start(token)` (a native call) so that `signal` cancels it in the core: an aborted call's
 * request stops and nothing more is sent, retries included. A signal aborted already sends nothing.
 */
async function cancellable(signal, start) {
  if (!signal) return start(undefined);
  if (signal.aborted) throw abortError(signal);
  const token = native.newCancelToken();
  const onAbort = () => native.cancel(token);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await start(token);
  } catch (error) {
    throw signal.aborted ? abortError(signal) : error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    native.releaseCancel(token);
  }
}

export class Recording {
  constructor(contentType, data) {
    this.contentType = contentType;
    this.data = data;
  }

  /** Writes the recording to `path`. */
  async save(path) {
    await writeFile(path, this.data);
    return path;
  }
}

/** A native reply's answer as the client gives it; objects carry their request id as `_requestId`. */
function typed(operation, { answer, requestId }) {
  if (answer && answer.data instanceof Uint8Array && typeof answer.contentType === 'string') {
    return new Recording(answer.contentType, answer.data);
  }
  const data = hideSecrets(camelKeys(answer, RENAMES[operation]), SECRETS[operation]);
  // Not enumerable: it is no part of the answer's value (JSON, equality, spreading).
  if (data !== null && typeof data === 'object') Object.defineProperty(data, '_requestId', { value: requestId ?? null });
  return data;
}

const NATIVE = Symbol('native');

/** The native client behind an AgentPhone (for the package's own modules). */
export function clientCore(client) {
  return client[NATIVE];
}

export class AgentPhone {
  /**
   * @param {object} [options] `apiKey` (default: AGENTPHONE_API_KEY), `baseUrl` (default:
   *   AGENTPHONE_BASE_URL, then https://api.agentphone.ai), `timeout` (ms a call may take in all, default
   *   30000), `maxRetries` (default 2), `defaultHeaders`, `proxy` and `caCertificates` (PEM text or
   *   a file path; native builds only).
   */
  constructor(options = {}) {
    // Everything but `timeout` (ms here, seconds in the core) goes to the core as given, so a
    // misspelt option (`baseURL`) is refused by name rather than ignored.
    const { timeout, logger, ...rest } = options;
    // A logger given logs at `info` unless `logLevel` says otherwise; AGENTPHONE_LOG logs to stderr.
    if (BUILD === 'wasm' && (logger || rest.logLevel)) {
      throw new ConfigurationError('logger and logLevel need the native build: the wasm build logs nothing (a browser\'s network panel shows each request)');
    }
    const logLevel = BUILD === 'wasm' ? undefined : (rest.logLevel ?? (logger ? 'info' : env.AGENTPHONE_LOG?.trim() || undefined));
    const settings = clean({
      ...rest,
      logLevel,
      apiKey: rest.anonymous ? undefined : (rest.apiKey ?? env.AGENTPHONE_API_KEY),
      baseUrl: rest.baseUrl ?? (env.AGENTPHONE_BASE_URL || undefined),
      timeout: timeout == null ? undefined : timeout / 1000,
    });
    let client;
    try {
      client = new native.NativeClient(settings, logLevel ? logSink(logger ?? STDERR_LOGGER) : undefined);
    } catch (error) {
      throw toError(error);
    }
    // Not enumerable: the native client never shows up in console.log or util.inspect.
    Object.defineProperty(this, NATIVE, { value: client });
    this.baseUrl = client.baseUrl;
    attachResources(this);
  }

  /**
   * A client without an API key, for the sign-up flow: `client.signup.start({ humanEmail })`
   * emails the human a code, `client.signup.verify(...)` answers the new account's `api_key`,
   * which makes the real client. Any other call throws ConfigurationError.
   * @param {object} [options] `baseUrl`, `timeout`, `maxRetries`, `defaultHeaders`.
   */
  static forSignUp(options = {}) {
    return new AgentPhone({ ...options, apiKey: undefined, anonymous: true });
  }

  _request(operation, params, options = {}) {
    const reply = (async () => {
      try {
        const args = clean(params);
        return await cancellable(options.signal, (token) => this[NATIVE].call(operation, args, callOptions(options), token));
      } catch (error) {
        throw error?.name === 'AbortError' ? error : toError(error);
      }
    })();
    return new APIPromise(reply, (got) => typed(operation, got));
  }

  _iterate(operation, params, options = {}) {
    const client = this[NATIVE];
    // A page keeps its items under one field: an item's secrets are at the paths below `field.*`.
    const itemPaths = (SECRETS[operation] ?? []).filter((path) => path[1] === '*').map((path) => path.slice(2));
    const itemRenames = (RENAMES[operation] ?? []).filter(([path]) => path[1] === '*').map(([path, names]) => [path.slice(2), names]);
    return {
      async *[Symbol.asyncIterator]() {
        if (options.signal?.aborted) throw abortError(options.signal);
        let stream;
        try {
          stream = client.stream(operation, clean(params), callOptions(options));
        } catch (error) {
          throw toError(error);
        }
        try {
          for (;;) {
            let item;
            try {
              item = await cancellable(options.signal, (token) => stream.next(token));
            } catch (error) {
              throw error?.name === 'AbortError' ? error : toError(error);
            }
            if (item === null) return;
            yield hideSecrets(camelKeys(item, itemRenames), itemPaths);
          }
        } finally {
          // An abort, a `break` or an error: the stream and its connection go now.
          stream.close();
        }
      },
    };
  }

  // Node's console.log and util.inspect.
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `AgentPhone { baseUrl: '${this.baseUrl}' }`;
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }
}
