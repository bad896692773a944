// The console's shell: the connection (base URL and key, kept in sessionStorage for this tab
// only, never in a URL, the page or a log), the views' router, and sandbox detection. Every API
// call goes through the SDK's client on the wasm build.

import { AgentPhone, BUILD } from 'agentphone-rs';
import { h, show, errorBox, field, form } from './ui.js';
import * as agents from './views/agents.js';
import * as numbers from './views/numbers.js';
import * as calls from './views/calls.js';
import * as conversations from './views/conversations.js';
import * as contacts from './views/contacts.js';
import * as webhooks from './views/webhooks.js';
import * as usage from './views/usage.js';
import * as sandbox from './views/sandbox.js';

const STORE = 'agentphone.console';
const VIEWS = { agents, numbers, calls, conversations, contacts, webhooks, usage, sandbox };
const main = document.getElementById('view');
let ctx = null;
let current = null;

function saved() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE)) ?? {};
  } catch {
    return {};
  }
}

/** Whether `baseUrl` is a sandbox (it answers its clock control). */
async function isSandbox(baseUrl) {
  try {
    const answer = await fetch(`${baseUrl}/sandbox/clock`);
    return answer.ok && typeof (await answer.json()).now === 'string';
  } catch {
    return false;
  }
}

async function connect({ baseUrl, apiKey }) {
  const warning = document.getElementById('warning');
  warning.hidden = !apiKey.startsWith('sk_live_');
  show(warning, 'This is a live key: actions here send real messages, place real calls and spend money.');
  const client = new AgentPhone({ apiKey, baseUrl, maxRetries: 1 });
  await client.usage.get(); // the key works, or this throws the SDK's error
  sessionStorage.setItem(STORE, JSON.stringify({ baseUrl, apiKey }));
  ctx = { client, baseUrl, apiKey, sandbox: await isSandbox(baseUrl) };
  document.getElementById('nav').hidden = false;
  document.getElementById('sandbox-link').hidden = !ctx.sandbox;
  show(document.getElementById('connection'), `Connected to ${baseUrl}${ctx.sandbox ? ' (sandbox)' : ''} · SDK build: ${BUILD}`);
}

function disconnect() {
  sessionStorage.removeItem(STORE);
  ctx = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('warning').hidden = true;
  show(document.getElementById('connection'), 'Not connected');
}

function connectView() {
  const { baseUrl = location.origin, apiKey = '' } = saved();
  const connectForm = form('Connect', [
    field('API base URL', 'baseUrl', { type: 'url', value: baseUrl, required: true, hint: 'This sandbox by default; any AgentPhone API that allows this page (CORS).' }),
    field('API key', 'apiKey', { type: 'password', value: apiKey, required: true, hint: 'Kept in this tab only (sessionStorage).' }),
  ], 'Connect', async (values) => {
    await connect({ baseUrl: values.baseUrl ?? location.origin, apiKey: values.apiKey ?? '' });
    location.hash = '#/agents';
  });
  const problem = h('div');
  const newProject = h('button', { type: 'button', onclick: async () => {
    const base = connectForm.querySelector('[name=baseUrl]').value || location.origin;
    try {
      const answer = await fetch(`${base}/sandbox/keys`, { method: 'POST' });
      if (!answer.ok) throw new Error(`${base} answered ${answer.status}: it is not a sandbox`);
      await connect({ baseUrl: base, apiKey: (await answer.json()).apiKey });
      location.hash = '#/agents';
    } catch (error) {
      show(problem, errorBox(error));
    }
  } }, 'New sandbox project');
  const parts = [h('h2', {}, 'Connection'), connectForm];
  if (location.protocol.startsWith('http')) parts.push(h('p', {}, 'On a sandbox, every key is its own project: ', newProject), problem);
  if (ctx) parts.push(h('p', {}, h('button', { type: 'button', onclick: () => { disconnect(); route(); } }, 'Disconnect')));
  return parts;
}

/** Renders the view the hash names; a view may return a cleanup (closing its streams). */
async function route() {
  current?.abort();
  current = new AbortController();
  const [name, id] = location.hash.replace(/^#\/?/, '').split('/');
  for (const link of document.querySelectorAll('nav a')) link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${name}`);
  if (!ctx || name === 'connect' || !VIEWS[name]) {
    show(main, connectView());
    return;
  }
  const signal = current.signal;
  try {
    await VIEWS[name].render(main, { ...ctx, signal, id: id && decodeURIComponent(id) });
  } catch (error) {
    if (!signal.aborted) show(main, errorBox(error));
  }
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · AgentPhone console`;
}

window.addEventListener('hashchange', route);
const previous = saved();
if (previous.apiKey) {
  try {
    await connect(previous);
  } catch (error) {
    show(main, errorBox(error));
  }
} else {
  show(document.getElementById('connection'), 'Not connected');
}
if (!location.hash) history.replaceState(null, '', ctx ? '#/agents' : '#/connect');
await route();
document.body.dataset.ready = 'true';
