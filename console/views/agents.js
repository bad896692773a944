// Agents: the list with their numbers, create, and one agent's page to edit (voice mode, prompt,
// voice) or delete it.

import { h, show, loading, empty, errorBox, field, form, table, link, all, badge } from '../ui.js';

export async function render(main, ctx) {
  if (ctx.id) return agentPage(main, ctx);
  show(main, h('h2', {}, 'Agents'), loading('agents'));
  const [agents, numbers] = await Promise.all([all(ctx.client.agents.listAll()), all(ctx.client.numbers.listAll())]);
  const numbersOf = (agent) => numbers.filter((n) => n.agentId === agent.id).map((n) => n.phoneNumber).join(', ');
  const create = form('Create an agent', [
    field('Name', 'name', { required: true }),
    field('Voice mode', 'voiceMode', { options: ['hosted', 'webhook'], value: 'hosted', hint: 'hosted: the prompt runs the call; webhook: your server answers each turn.' }),
    field('System prompt', 'systemPrompt', { type: 'textarea', rows: 3 }),
  ], 'Create agent', (values) => ctx.client.agents.create(values), { onDone: (agent) => { location.hash = `#/agents/${agent.id}`; } });
  show(main, h('h2', {}, 'Agents'),
    agents.length
      ? table('Agents', [
        ['Name', (a) => link(`#/agents/${a.id}`, a.name)],
        ['Voice mode', (a) => badge(a.voiceMode ?? '')],
        ['Numbers', (a) => numbersOf(a) || '—'],
        ['Id', (a) => h('code', {}, a.id)],
      ], agents)
      : empty('No agents yet: create one below.'),
    h('h3', {}, 'New agent'), create);
}

async function agentPage(main, ctx) {
  show(main, h('h2', {}, 'Agent'), loading('the agent'));
  const [agent, numbers, voices] = await Promise.all([
    ctx.client.agents.get(ctx.id),
    all(ctx.client.numbers.listAll()),
    ctx.client.agents.listVoices().then((list) => list.data ?? []).catch(() => []),
  ]);
  const own = numbers.filter((n) => n.agentId === agent.id);
  const voiceOptions = [['', '(default)'], ...voices.map((v) => [v.voiceId ?? v.id ?? v.name, v.name ?? v.voiceId ?? v.id])];
  const status = h('div');
  const edit = form('Edit the agent', [
    field('Name', 'name', { value: agent.name, required: true }),
    field('Voice mode', 'voiceMode', { options: ['hosted', 'webhook'], value: agent.voiceMode }),
    field('System prompt', 'systemPrompt', { type: 'textarea', value: agent.systemPrompt ?? '' }),
    field('Voice', 'voice', { options: voiceOptions, value: agent.voice ?? '' }),
  ], 'Save', (values) => ctx.client.agents.update(agent.id, values), { onDone: () => show(status, h('p', { role: 'status' }, 'Saved.')) });
  const remove = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!confirm(`Delete the agent ${agent.name}? Its numbers stay in the account.`)) return;
    try {
      await ctx.client.agents.delete(agent.id);
      location.hash = '#/agents';
    } catch (error) {
      show(status, errorBox(error));
    }
  } }, 'Delete agent');
  show(main, h('h2', {}, agent.name), h('p', {}, h('code', {}, agent.id),),
    h('h3', {}, 'Numbers'),
    own.length ? h('ul', {}, own.map((n) => h('li', {}, n.phoneNumber, ' ', badge(n.type ?? 'sms')))) : empty('No numbers: ', link('#/numbers', 'buy or attach one')),
    h('h3', {}, 'Settings'), edit, status, h('h3', {}, 'Danger zone'), remove);
}
