// Calls: place one, filter the list (status, direction, search), and a call's page: its transcript
// streaming turn by turn over server-sent events while it runs, its status, hanging up, and the
// recording once it has ended.

import { h, show, loading, empty, errorBox, field, form, table, link, all, badge, time } from '../ui.js';

const FILTERS = ['status', 'direction', 'search'];

export async function render(main, ctx) {
  if (ctx.id) return callPage(main, ctx);
  show(main, h('h2', {}, 'Calls'), loading('calls'));
  const agents = await all(ctx.client.agents.listAll());
  const filters = h('form', { 'aria-label': 'Filter calls', class: 'filters' },
    field('Status', 'status', { options: [['', 'any'], 'in-progress', 'completed', 'failed'], value: '' }),
    field('Direction', 'direction', { options: [['', 'any'], 'inbound', 'outbound', 'web'], value: '' }),
    field('Search', 'search', { type: 'search', placeholder: 'number or transcript' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Filter')));
  const list = h('div');
  const refresh = async () => {
    const params = Object.fromEntries(FILTERS.map((name) => [name, filters.elements[name].value]).filter(([, value]) => value));
    show(list, loading('calls'));
    try {
      const calls = await all(ctx.client.calls.listAll(params));
      show(list, calls.length
        ? table('Calls', [
          ['Call', (c) => link(`#/calls/${c.id}`, c.id)],
          ['Direction', (c) => c.direction ?? ''],
          ['Status', (c) => badge(c.status ?? '')],
          ['From', (c) => c.fromNumber ?? ''],
          ['To', (c) => c.toNumber ?? ''],
          ['Started', (c) => time(c.startedAt)],
          ['Seconds', (c) => c.durationSeconds ?? ''],
        ], calls)
        : empty(Object.keys(params).length ? 'No calls match these filters.' : 'No calls yet.'));
    } catch (error) {
      show(list, errorBox(error));
    }
  };
  filters.addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
  const place = agents.length
    ? form('Place a call', [
      field('Agent', 'agentId', { options: agents.map((a) => [a.id, a.name]), required: true }),
      field('To', 'toNumber', { type: 'tel', required: true, placeholder: '+14155550123' }),
      field('Greeting', 'initialGreeting', { placeholder: 'optional' }),
    ], 'Place call', (values) => ctx.client.calls.make(values), { onDone: (call) => { location.hash = `#/calls/${call.id}`; } })
    : empty('Create an agent with a number to place calls.', link('#/agents', 'Agents'));
  show(main, h('h2', {}, 'Calls'), h('h3', {}, 'Place a call'), place, h('h3', {}, 'Recent calls'), filters, list);
  await refresh();
}

async function callPage(main, ctx) {
  show(main, h('h2', {}, 'Call'), loading('the call'));
  let call = await ctx.client.calls.get(ctx.id);
  const status = h('span');
  const turns = h('ol', { class: 'transcript', 'aria-live': 'polite', 'aria-label': 'Transcript' });
  const notes = h('div');
  const recording = h('div');
  const hangUp = h('button', { type: 'button', class: 'danger', onclick: async () => {
    try {
      await ctx.client.calls.end(call.id);
      show(status, badge('ending'));
    } catch (error) {
      show(notes, errorBox(error));
    }
  } }, 'End call');
  const setStatus = (value) => {
    show(status, badge(value ?? ''));
    hangUp.hidden = value !== 'in-progress';
  };
  setStatus(call.status);
  show(main, h('h2', {}, 'Call ', h('code', {}, call.id)),
    h('p', {}, call.direction ?? '', ' · ', call.fromNumber ?? '', ' → ', call.toNumber ?? '', ' · status ', status, ' ', hangUp),
    h('p', {}, call.agentId ? link(`#/agents/${call.agentId}`, `agent ${call.agentName ?? call.agentId}`) : ''),
    h('h3', {}, 'Transcript'), turns, notes, h('h3', {}, 'Recording'), recording);
  if (call.status === 'in-progress') show(recording, h('p', { class: 'state' }, 'Available once the call ends.'));
  const addTurn = (turn) => turns.append(h('li', { class: turn.role === 'agent' ? 'agent' : 'caller' },
    h('strong', {}, turn.role === 'agent' ? 'Agent' : 'Caller'), ' ', turn.content ?? turn.transcript ?? ''));
  try {
    // Past turns first, then each as it is spoken, until the call ends (or this view is left).
    for await (const event of ctx.client.calls.streamTranscript(call.id, { signal: ctx.signal })) {
      if (event.event === 'turn') addTurn(event.data ?? {});
      if (event.event === 'ended') break;
    }
  } catch (error) {
    if (ctx.signal.aborted) return;
    show(notes, errorBox(error));
  }
  if (!turns.children.length) show(notes, empty('No turns were spoken.'));
  call = await ctx.client.calls.get(call.id);
  setStatus(call.status);
  if (!call.recordingAvailable) {
    show(recording, empty('No recording (the call was placed without one, or it is not ready).'));
    return;
  }
  try {
    const audio = await ctx.client.calls.getRecording(call.id);
    const url = URL.createObjectURL(new Blob([audio.data], { type: audio.contentType }));
    ctx.signal.addEventListener('abort', () => URL.revokeObjectURL(url));
    show(recording, h('audio', { controls: true, src: url, 'aria-label': 'Call recording' }));
  } catch (error) {
    show(recording, errorBox(error));
  }
}
