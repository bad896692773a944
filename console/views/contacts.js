// The project's address book: list, add, remove.

import { h, show, loading, empty, errorBox, field, form, table, all } from '../ui.js';

export async function render(main, ctx) {
  show(main, h('h2', {}, 'Contacts'), loading('contacts'));
  const contacts = await all(ctx.client.contacts.listAll());
  const status = h('div', { class: 'form-status' });
  const rerender = () => render(main, ctx);
  const remove = (contact) => h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!confirm(`Remove ${contact.name} from the contacts?`)) return;
    try {
      await ctx.client.contacts.delete(contact.id);
      await rerender();
    } catch (error) {
      show(status, errorBox(error));
    }
  } }, 'Remove');
  const add = form('Add a contact', [
    field('Name', 'name', { required: true }),
    field('Phone number', 'phoneNumber', { type: 'tel', required: true, placeholder: '+14155550123' }),
    field('Email', 'email', { type: 'email' }),
    field('Notes', 'notes', { type: 'textarea', rows: 2 }),
  ], 'Add contact', (values) => ctx.client.contacts.create(values), { onDone: rerender });
  show(main, h('h2', {}, 'Contacts'), status,
    contacts.length
      ? table('Contacts', [['Name', (c) => c.name], ['Phone', (c) => c.phoneNumber], ['Email', (c) => c.email ?? ''], ['', remove]], contacts)
      : empty('No contacts yet.'),
    h('h3', {}, 'New contact'), add);
}
