// Phone numbers: buy (area code, type), attach to an agent or detach, and release (confirmed).

import { h, show, loading, empty, errorBox, field, form, table, link, all, badge } from '../ui.js';

export async function render(main, ctx) {
  show(main, h('h2', {}, 'Numbers'), loading('numbers'));
  const [numbers, agents] = await Promise.all([all(ctx.client.numbers.listAll()), all(ctx.client.agents.listAll())]);
  const status = h('div', { class: 'form-status' });
  const rerender = () => render(main, ctx);
  const act = (work) => async () => {
    try {
      await work();
      await rerender();
    } catch (error) {
      show(status, errorBox(error));
    }
  };
  const agentName = (id) => agents.find((a) => a.id === id)?.name;
  const attachCell = (number) => {
    if (number.agentId) {
      return h('span', {}, link(`#/agents/${number.agentId}`, agentName(number.agentId) ?? number.agentId), ' ',
        h('button', { type: 'button', onclick: act(() => ctx.client.agents.detachNumber(number.agentId, number.id)) }, 'Detach'));
    }
    if (!agents.length) return '—';
    const select = h('select', { 'aria-label': `Agent for ${number.phoneNumber}` }, agents.map((a) => h('option', { value: a.id }, a.name)));
    return h('span', {}, select, ' ',
      h('button', { type: 'button', onclick: act(() => ctx.client.agents.attachNumber(select.value, { numberId: number.id })) }, 'Attach'));
  };
  const release = (number) => h('button', { type: 'button', class: 'danger', onclick: act(async () => {
    if (confirm(`Release ${number.phoneNumber}? The number goes back to the carrier and cannot be recovered.`)) await ctx.client.numbers.release(number.id);
  }) }, 'Release');
  const buy = form('Buy a number', [
    field('Area code', 'areaCode', { placeholder: '415' }),
    field('Type', 'type', { options: ['sms', 'imessage'], value: 'sms' }),
    field('Agent', 'agentId', { options: [['', '(none)'], ...agents.map((a) => [a.id, a.name])], value: '' }),
  ], 'Buy number', (values) => ctx.client.numbers.buy(values), { onDone: rerender });
  show(main, h('h2', {}, 'Numbers'), status,
    numbers.length
      ? table('Numbers', [
        ['Number', (n) => n.phoneNumber],
        ['Type', (n) => badge(n.type ?? 'sms')],
        ['Status', (n) => badge(n.status ?? '')],
        ['Agent', attachCell],
        ['', release],
      ], numbers)
      : empty('No numbers yet: buy one below.'),
    h('h3', {}, 'Buy a number'), buy);
}
