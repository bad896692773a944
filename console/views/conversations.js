// Conversations: the list, and one conversation as a thread of messages and their reactions that
// keeps itself current, with a reply box and its metadata.

import { h, show, loading, empty, errorBox, field, form, table, link, all, badge, time } from '../ui.js';

const POLL_MS = 2_000;

export async function render(main, ctx) {
  if (ctx.id) return thread(main, ctx);
  show(main, h('h2', {}, 'Conversations'), loading('conversations'));
  const [conversations, agents] = await Promise.all([all(ctx.client.conversations.listAll()), all(ctx.client.agents.listAll())]);
  const start = agents.length
    ? form('New message', [
      field('From agent', 'agentId', { options: agents.map((a) => [a.id, a.name]), required: true }),
      field('To', 'toNumber', { type: 'tel', required: true, placeholder: '+14155550123' }),
      field('Message', 'body', { type: 'textarea', rows: 2, required: true }),
    ], 'Send', (values) => ctx.client.messages.send(values), { onDone: (sent) => { location.hash = `#/conversations/${sent.conversationId}`; } })
    : empty('Create an agent with a number to send messages.', link('#/agents', 'Agents'));
  show(main, h('h2', {}, 'Conversations'), h('h3', {}, 'New message'), start, h('h3', {}, 'Threads'),
    conversations.length
      ? table('Conversations', [
        ['With', (c) => link(`#/conversations/${c.id}`, c.participant ?? c.id)],
        ['Number', (c) => c.phoneNumber ?? ''],
        ['Channel', (c) => badge(c.channel ?? '')],
        ['Messages', (c) => c.messageCount ?? ''],
        ['Last', (c) => c.lastMessagePreview ?? ''],
        ['When', (c) => time(c.lastMessageAt)],
      ], conversations)
      : empty('No conversations yet: they begin with the first message sent or received.', link('#/numbers', 'Numbers')));
}

async function thread(main, ctx) {
  show(main, h('h2', {}, 'Conversation'), loading('the conversation'));
  const conversation = await ctx.client.conversations.get(ctx.id);
  const messages = h('ol', { class: 'thread', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const problems = h('div');
  const seen = new Map();
  const bubble = (message) => h('li', { class: message.direction === 'outbound' ? 'out' : 'in', dataset: { id: message.id } },
    h('p', {}, message.body ?? ''),
    (message.mediaUrls ?? []).map((url) => h('a', { href: url, rel: 'noreferrer noopener', target: '_blank' }, 'attachment')),
    h('small', {}, `${message.direction ?? ''} · ${message.status ?? ''} · ${time(message.receivedAt ?? message.createdAt)}`),
    (message.reactions ?? []).length ? h('p', { class: 'reactions' }, message.reactions.map((r) => badge(r.reaction ?? r.type ?? String(r), 'reaction'))) : null);
  const refresh = async () => {
    const all_ = await all(ctx.client.conversations.getMessagesAll(conversation.id), 200);
    // Oldest first, as a thread reads; a message already shown is redrawn (its status and reactions change).
    for (const message of all_.reverse()) {
      const drawn = bubble(message);
      if (seen.has(message.id)) seen.get(message.id).replaceWith(drawn);
      else messages.append(drawn);
      seen.set(message.id, drawn);
    }
    if (!seen.size) show(messages, h('li', { class: 'state empty' }, 'No messages yet.'));
    else messages.querySelector('li.state')?.remove();
  };
  const reply = form('Reply', [field('Message', 'body', { type: 'textarea', rows: 2, required: true })], 'Send',
    (values) => ctx.client.messages.send({ agentId: conversation.agentId, toNumber: conversation.participant, body: values.body ?? '' }),
    { onDone: async (_, element) => { element.reset(); await refresh(); } });
  const metadata = form('Metadata', [
    field('Metadata (JSON)', 'metadata', { type: 'textarea', rows: 3, value: JSON.stringify(conversation.metadata ?? {}, null, 2) }),
  ], 'Save metadata', (values) => {
    let parsed;
    try {
      parsed = JSON.parse(values.metadata ?? '{}');
    } catch (error) {
      throw Object.assign(new Error(`metadata is not JSON: ${error.message}`), { name: 'SyntaxError' });
    }
    return ctx.client.conversations.update(conversation.id, { metadata: parsed });
  });
  show(main, h('h2', {}, 'Conversation with ', conversation.participant ?? ''),
    h('p', {}, badge(conversation.channel ?? ''), ' on ', conversation.phoneNumber ?? '', ' · ',
      conversation.agentId ? link(`#/agents/${conversation.agentId}`, 'agent') : ''),
    messages, problems, reply, h('h3', {}, 'Metadata'), metadata);
  await refresh();
  // New messages (a reply from the other side) appear without reloading: the list is read again,
  // each read after the last one ended (never two at once), until the view is left; after a
  // failure the next read waits twice as long, up to a minute.
  let wait = POLL_MS;
  const poll = async () => {
    if (ctx.signal.aborted) return;
    try {
      await refresh();
      show(problems);
      wait = POLL_MS;
    } catch (error) {
      if (ctx.signal.aborted) return;
      show(problems, errorBox(error));
      wait = Math.min(wait * 2, 60_000);
    }
    timer = setTimeout(poll, wait);
  };
  let timer = setTimeout(poll, wait);
  ctx.signal.addEventListener('abort', () => clearTimeout(timer));
}
