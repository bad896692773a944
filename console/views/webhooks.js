// Webhooks: the project's endpoint (its secret hidden until revealed), a test delivery, the
// deliveries with their failures, delivery stats, agents' own endpoints, and a signature checker
// that verifies a pasted delivery here in the page with the SDK's verifier. On a sandbox, its
// built-in receiver (a sink) can stand in for your server.

import { constructEvent } from 'agentphone-rs';
import { h, show, loading, empty, errorBox, field, form, table, all, badge, time } from '../ui.js';

/**
 * This project's receiver in the sandbox: sinks are named, not owned, so the name comes from the
 * key (a hash of it: the key itself never goes into a URL).
 */
async function sinkName(apiKey) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(apiKey));
  return `console-${[...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function render(main, ctx) {
  show(main, h('h2', {}, 'Webhooks'), loading('webhooks'));
  const [hook, agents] = await Promise.all([ctx.client.webhooks.get(), all(ctx.client.agents.listAll())]);
  const checker = signatureChecker(hook);
  const rerender = () => render(main, ctx);
  show(main, h('h2', {}, 'Webhooks'),
    h('section', { 'aria-label': 'Project webhook' }, h('h3', {}, 'Project webhook'), projectHook(ctx, hook, rerender)),
    ctx.sandbox ? h('section', { 'aria-label': 'Sandbox receiver' }, h('h3', {}, 'Received by the sandbox'), await sinkView(ctx, hook, checker, rerender)) : null,
    h('section', { 'aria-label': 'Deliveries' }, h('h3', {}, 'Deliveries (last 24 hours)'), await deliveries(ctx)),
    h('section', { 'aria-label': 'Agent webhooks' }, h('h3', {}, 'Agent webhooks'), agentHooks(ctx, agents)),
    h('section', { 'aria-label': 'Signature checker' }, h('h3', {}, 'Signature checker'), checker.element));
}

function secretView(secret) {
  if (!secret) return '';
  const shown = h('code', {}, '•'.repeat(12));
  const button = h('button', { type: 'button', 'aria-pressed': 'false', onclick: () => {
    const reveal = button.getAttribute('aria-pressed') === 'false';
    button.setAttribute('aria-pressed', String(reveal));
    button.textContent = reveal ? 'Hide' : 'Reveal';
    shown.textContent = reveal ? secret : '•'.repeat(12);
  } }, 'Reveal');
  return h('span', {}, shown, ' ', button);
}

function projectHook(ctx, hook, rerender) {
  const status = h('div', { class: 'form-status' });
  const run = (work) => async () => {
    try {
      show(status, h('p', { role: 'status' }, await work()));
    } catch (error) {
      show(status, errorBox(error));
    }
  };
  const set = form('Set the project webhook', [field('URL', 'url', { type: 'url', value: hook?.url, required: true })], hook ? 'Replace' : 'Set webhook',
    (values) => ctx.client.webhooks.set(values), { onDone: rerender });
  if (!hook) return [empty('No project webhook: events are not delivered anywhere.'), set];
  return [
    h('dl', {}, h('dt', {}, 'URL'), h('dd', {}, hook.url), h('dt', {}, 'Status'), h('dd', {}, badge(hook.status ?? '')),
      h('dt', {}, 'Signing secret'), h('dd', {}, secretView(hook.secret))),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: run(async () => {
        const result = await ctx.client.webhooks.test();
        return `Test delivery: ${result.success === false ? 'failed' : 'sent'}${result.statusCode ? ` (HTTP ${result.statusCode})` : ''}.`;
      }) }, 'Send a test delivery'),
      h('button', { type: 'button', class: 'danger', onclick: run(async () => {
        if (!confirm('Remove the project webhook?')) return 'Kept.';
        await ctx.client.webhooks.delete();
        await rerender();
        return 'Removed.';
      }) }, 'Remove')),
    status, set,
  ];
}

async function sinkView(ctx, hook, checker, rerender) {
  const url = `${ctx.baseUrl}/sandbox/sink/${await sinkName(ctx.apiKey)}`;
  if (hook?.url !== url) {
    const status = h('div');
    const deliver = async () => {
      try {
        await ctx.client.webhooks.set({ url });
        await rerender();
      } catch (error) {
        show(status, errorBox(error));
      }
    };
    return [empty('The sandbox can receive the deliveries itself, to look at and check here.'),
      h('button', { type: 'button', onclick: deliver }, 'Deliver to the sandbox'), status];
  }
  // Sandbox controls are not API operations: plain requests to its /sandbox routes.
  const answer = await fetch(url);
  if (!answer.ok) return errorBox(new Error(`the sandbox answered ${answer.status} for its receiver`));
  const received = (await answer.json()).data ?? [];
  if (!received.length) return empty('Nothing received yet.');
  return table('Received deliveries', [
    ['Event', (d) => d.eventType],
    ['Delivery', (d) => h('code', {}, d.deliveryId)],
    ['', (d) => h('button', { type: 'button', onclick: () => checker.fill(d) }, 'Check signature')],
  ], received.slice().reverse());
}

async function deliveries(ctx) {
  try {
    const [page, stats] = await Promise.all([ctx.client.webhooks.listDeliveries({ hours: 24, limit: 50 }), ctx.client.webhooks.getDeliveryStats()]);
    const items = page.items ?? [];
    const summary = h('p', { class: 'stats' },
      `${stats.total ?? 0} deliveries: ${stats.success ?? 0} delivered, ${stats.failed ?? 0} failed, ${stats.pending ?? 0} pending`,
      stats.successRate != null ? ` (${stats.successRate}% success)` : '');
    if (!items.length) return [summary, empty('No deliveries in the last 24 hours.')];
    return [summary, table('Deliveries', [
      ['Event', (d) => d.eventType ?? ''],
      ['Status', (d) => badge(d.status ?? '')],
      ['HTTP', (d) => d.httpStatus ?? '—'],
      ['Attempts', (d) => d.attemptCount ?? ''],
      ['Last attempt', (d) => time(d.lastAttemptAt)],
      ['Next retry', (d) => time(d.nextRetryAt)],
      ['Answer', (d) => h('code', { class: 'excerpt' }, String(d.errorMessage ?? d.responseBody ?? '').slice(0, 120))],
    ], items)];
  } catch (error) {
    return errorBox(error);
  }
}

function agentHooks(ctx, agents) {
  if (!agents.length) return empty('No agents.');
  const detail = h('div');
  const select = h('select', { id: 'agent-hook', onchange: () => load() }, agents.map((a) => h('option', { value: a.id }, a.name)));
  const load = async () => {
    show(detail, loading('the agent webhook'));
    try {
      const hook = await ctx.client.agents.getWebhook(select.value);
      const set = form('Set the agent webhook', [field('URL', 'url', { type: 'url', value: hook?.url, required: true })], hook ? 'Replace' : 'Set',
        (values) => ctx.client.agents.setWebhook(select.value, values), { onDone: load });
      show(detail, hook ? h('dl', {}, h('dt', {}, 'URL'), h('dd', {}, hook.url), h('dt', {}, 'Signing secret'), h('dd', {}, secretView(hook.secret)))
        : empty('This agent uses the project webhook.'), set);
    } catch (error) {
      show(detail, errorBox(error));
    }
  };
  load();
  return [h('div', { class: 'field' }, h('label', { for: 'agent-hook' }, 'Agent'), select), detail];
}

/** Verifies a pasted delivery (its raw body and signature headers) with the SDK, in the page. */
function signatureChecker(hook) {
  const result = h('div', { 'aria-live': 'polite' });
  const element = form('Check a delivery', [
    field('Raw body', 'payload', { type: 'textarea', rows: 5, required: true }),
    field('X-Webhook-Signature', 'signature', { required: true, placeholder: 'sha256=…' }),
    field('X-Webhook-Timestamp', 'timestamp', { required: true }),
    field('X-Webhook-ID', 'deliveryId'),
    field('Signing secret', 'secret', { type: 'password', value: hook?.secret, required: true }),
  ], 'Verify', async (values) => {
    const headers = { 'x-webhook-signature': values.signature ?? '', 'x-webhook-timestamp': values.timestamp ?? '', 'x-webhook-id': values.deliveryId ?? '' };
    // The sandbox's clock may run ahead of this machine's: the signature is what is checked here.
    return constructEvent(values.payload ?? '', headers, { secret: values.secret ?? '', tolerance: null });
  }, { onDone: (event) => show(result, h('p', { class: 'valid', role: 'status' },
    `Valid signature: ${event.event} (${event.kind})${event.agentId ? ` for ${event.agentId}` : ''}${event.deliveryId ? `, delivery ${event.deliveryId}` : ''}.`)) });
  element.append(result);
  const fill = (delivery) => {
    for (const [name, value] of [['payload', delivery.body], ['signature', delivery.signature], ['timestamp', delivery.timestamp], ['deliveryId', delivery.deliveryId]]) {
      element.querySelector(`[name=${name}]`).value = value ?? '';
    }
    show(result);
    element.querySelector('[name=payload]').focus();
  };
  element.addEventListener('input', () => show(result));
  return { element, fill };
}
