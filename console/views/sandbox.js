// Sandbox controls (only on a sandbox): the other party texting or calling one of your numbers,
// its clock, injected faults, and resetting the project. These are the sandbox's own routes, not
// API operations, so they are plain requests.

import { h, show, errorBox, field, form, all } from '../ui.js';

async function control(ctx, method, path, body, key) {
  const headers = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const answer = await fetch(`${ctx.baseUrl}/sandbox/${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await answer.text();
  const json = text ? JSON.parse(text) : null;
  if (!answer.ok) {
    const detail = Array.isArray(json?.detail) ? json.detail.map((d) => `${(d.loc ?? []).slice(1).join('.')}: ${d.msg}`).join('; ') : json?.detail;
    throw Object.assign(new Error(`the sandbox answered ${answer.status}: ${detail ?? json?.error?.message ?? text}`), { name: 'SandboxError' });
  }
  return json;
}

export async function render(main, ctx) {
  if (!ctx.sandbox) {
    show(main, h('h2', {}, 'Sandbox'), h('p', {}, 'These controls exist only on a sandbox.'));
    return;
  }
  const numbers = (await all(ctx.client.numbers.listAll())).map((n) => n.phoneNumber);
  const key = ctx.apiKey;
  const done = (text) => (answer, element) => show(element.querySelector('.form-status'), h('p', { role: 'status' }, typeof text === 'function' ? text(answer) : text));
  const to = () => field('To (your number)', 'to', numbers.length ? { options: numbers } : { type: 'tel', required: true });
  const clock = await control(ctx, 'GET', 'clock');
  show(main, h('h2', {}, 'Sandbox'),
    h('h3', {}, 'Inbound message'),
    form('Inject an inbound message', [to(), field('From', 'from', { type: 'tel', value: '+14155550123', required: true }), field('Text', 'body', { required: true })],
      'Deliver message', (values) => control(ctx, 'POST', 'inbound/message', { ...values, wait: true }), { onDone: done((a) => `Delivered as ${a.messageId}.`) }),
    h('h3', {}, 'Inbound call'),
    form('Inject an inbound call', [to(), field('From', 'from', { type: 'tel', value: '+14155550123', required: true })],
      'Ring', (values) => control(ctx, 'POST', 'inbound/call', values), { onDone: done((a) => `Ringing: ${a.callId ?? 'call started'}.`) }),
    h('h3', {}, 'Clock'),
    h('p', {}, `The sandbox clock reads ${clock.now}.`),
    form('Advance the clock', [field('Seconds', 'seconds', { type: 'number', value: '3600', required: true })],
      'Advance', (values) => control(ctx, 'POST', 'clock/advance', values), { onDone: done((a) => `The clock now reads ${a.now}.`) }),
    h('h3', {}, 'Faults'),
    form('Add a fault', [
      field('Operation', 'operation', { placeholder: 'send_message (empty: any)' }),
      field('Status', 'status', { type: 'number', value: '503' }),
      field('Count', 'count', { type: 'number', value: '1' }),
    ], 'Add fault', (values) => control(ctx, 'POST', 'faults', values, key), { onDone: done('Added: the next matching requests fail.') }),
    form('Clear faults', [], 'Clear faults', () => control(ctx, 'DELETE', 'faults', null, key), { onDone: done('Cleared.') }),
    h('h3', {}, 'Reset'),
    form('Reset the project', [], 'Reset this project', async () => {
      if (!confirm('Forget every agent, number, message and call of this project?')) return null;
      return control(ctx, 'POST', 'reset', null, key);
    }, { onDone: done('Reset.') }));
}
