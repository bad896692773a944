// Usage: the plan and its counters, daily and monthly activity as charts, and usage by number and
// by agent.

import { h, show, loading, errorBox, field, table, barChart } from '../ui.js';

const SERIES = [['messages', 'Messages'], ['calls', 'Calls'], ['webhooks', 'Webhooks']];

export async function render(main, ctx) {
  show(main, h('h2', {}, 'Usage'), loading('usage'));
  const [usage, daily, monthly, byNumber] = await Promise.all([
    ctx.client.usage.get(), ctx.client.usage.getDaily({ days: 30 }), ctx.client.usage.getMonthly({ months: 6 }), ctx.client.usage.getByNumber(),
  ]);
  const stats = usage.stats ?? {};
  const cards = [
    ['Numbers', `${usage.numbers?.used ?? 0} of ${usage.numbers?.limit ?? '?'}`],
    ['Messages (30 days)', stats.messagesLast30d ?? 0],
    ['SMS segments (30 days)', stats.smsSegmentsLast30d ?? 0],
    ['Calls (30 days)', stats.callsLast30d ?? 0],
    ['Webhook deliveries', `${stats.successfulWebhookDeliveries ?? 0} ok, ${stats.failedWebhookDeliveries ?? 0} failed`],
  ];
  const chart = (title, rows, label) => barChart(title, rows.map(label), SERIES.map(([key, name]) => ({ label: name, class: key, values: rows.map((row) => row[key] ?? 0) })));
  const byAgent = h('div');
  const period = field('Period', 'period', { options: ['week', 'month', 'year'], value: 'month' });
  const loadByAgent = async () => {
    try {
      const answer = await ctx.client.usage.getByAgent({ period: period.querySelector('select').value });
      show(byAgent, table('Usage by agent', [['Agent', (a) => a.agentName ?? a.agentId ?? ''], ['Messages', (a) => a.messages ?? 0], ['Calls', (a) => a.calls ?? 0]], answer.data ?? []));
    } catch (error) {
      show(byAgent, errorBox(error));
    }
  };
  period.querySelector('select').addEventListener('change', loadByAgent);
  show(main, h('h2', {}, 'Usage'),
    h('p', {}, `Plan: ${usage.plan?.name ?? 'none'}`),
    h('ul', { class: 'cards', 'aria-label': 'Counters' }, cards.map(([name, value]) => h('li', {}, h('span', {}, name), h('strong', {}, String(value))))),
    chart('Daily activity, last 30 days', daily.data ?? [], (row) => row.date),
    chart('Monthly activity', monthly.data ?? [], (row) => row.month),
    h('h3', {}, 'By number'),
    table('Usage by number', [['Number', (n) => n.phoneNumber ?? ''], ['Agent', (n) => n.agentName ?? ''], ['Messages', (n) => n.messages ?? 0], ['Calls', (n) => n.calls ?? 0]], byNumber.data ?? []),
    h('h3', {}, 'By agent'), period, byAgent);
  await loadByAgent();
}
