// The console's building blocks: elements, the loading / empty / error states every view shows,
// forms whose errors point at their fields, tables, and small SVG charts. No framework: views
// build elements and replace them.

import { APIError, ValidationError } from 'agentphone-rs';

/** An element: `h('button', { onclick, class: 'primary' }, 'Save')`. Text children are text, never HTML. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `element` shows. */
export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const loading = (what) => h('p', { class: 'state loading', role: 'status' }, `Loading ${what}…`);
export const empty = (text, ...actions) => h('div', { class: 'state empty' }, h('p', {}, text), ...actions);

/** An error as the SDK raised it: its class, status, message and request id. */
export function errorBox(error) {
  const rows = [['Error', error?.name ?? 'Error']];
  if (error instanceof APIError) {
    rows.push(['Status', String(error.status)], ['Message', error.apiMessage || error.message]);
    if (error.code) rows.push(['Code', error.code]);
    for (const detail of error.details ?? []) rows.push([detail.field ?? 'Detail', detail.message]);
    rows.push(['Request id', error.requestId ?? '(none)']);
  } else if (error instanceof ValidationError) {
    rows.push(['Field', error.field], ['Problem', error.problem]);
  } else {
    rows.push(['Message', error?.message ?? String(error)]);
  }
  if (error?.mayHaveActed) rows.push(['Note', 'The request may have taken effect: check before repeating it.']);
  return h('div', { class: 'error', role: 'alert' }, h('dl', {}, rows.map(([term, text]) => [h('dt', {}, term), h('dd', {}, text)])));
}

/** A labelled control. `options` for a select: `[value, label]` pairs or values. */
export function field(label, name, { type = 'text', value, options, required, placeholder, hint, rows } = {}) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  let control;
  if (options) {
    control = h('select', { id, name, required }, options.map((option) => {
      const [optionValue, optionLabel] = Array.isArray(option) ? option : [option, option];
      return h('option', { value: optionValue, selected: optionValue === value }, optionLabel);
    }));
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, required, placeholder, rows: rows ?? 4 }, value ?? '');
  } else {
    control = h('input', { id, name, type, required, placeholder, autocomplete: 'off' });
    // A property, not an attribute: a key in a password field stays out of the page's HTML.
    control.value = value ?? '';
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint && h('small', {}, hint), h('span', { class: 'field-error', 'aria-live': 'polite' }));
}

/**
 * A form whose submit runs `action(values)`: the button is disabled while it runs, an error from
 * the SDK shows under the form, and a validation error (the SDK's, or the server's 422 details)
 * marks the field it names.
 */
export function form(label, fields, submitText, action, { onDone } = {}) {
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary' }, submitText);
  const element = h('form', { 'aria-label': label, novalidate: true }, fields, h('div', { class: 'actions' }, button), status);
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(element);
    show(status);
    button.disabled = true;
    try {
      const result = await action(values(element));
      onDone?.(result, element);
    } catch (error) {
      markFields(element, error);
      show(status, errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

/**
 * The form's values by name; empty fields are left out, numbers and checkboxes typed. One-line
 * fields are trimmed; text areas are kept byte for byte (a webhook body is signed as it is).
 */
export function values(element) {
  const out = {};
  for (const control of element.querySelectorAll('input, select, textarea')) {
    if (!control.name) continue;
    if (control.type === 'checkbox') out[control.name] = control.checked;
    else if (control.value.trim() === '') continue;
    else if (control.type === 'number') out[control.name] = Number(control.value);
    else out[control.name] = control.tagName === 'TEXTAREA' ? control.value : control.value.trim();
  }
  return out;
}

function clearFieldErrors(element) {
  for (const control of element.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  for (const message of element.querySelectorAll('.field-error')) message.textContent = '';
}

/** Field names as the SDK reports them (`to_number`, `cta.display_text`, `buttons[1]`) to a control's camelCase name. */
function controlFor(element, name) {
  const base = String(name).split(/[.[]/)[0];
  const camel = base.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  return element.querySelector(`[name="${CSS.escape(camel)}"]`) ?? element.querySelector(`[name="${CSS.escape(base)}"]`);
}

function markFields(element, error) {
  const problems = error instanceof ValidationError
    ? error.field.split(' | ').map((name) => [name, error.problem])
    : error instanceof APIError ? (error.details ?? []).filter((d) => d.field).map((d) => [d.field, d.message]) : [];
  let first;
  for (const [name, problem] of problems) {
    const control = controlFor(element, name);
    if (!control) continue;
    control.setAttribute('aria-invalid', 'true');
    control.parentElement.querySelector('.field-error').textContent = problem;
    first ??= control;
  }
  first?.focus();
}

/** A table of `rows`; each column is `[heading, (row) => cell]`. */
export function table(label, columns, rows) {
  return h('table', { 'aria-label': label },
    h('thead', {}, h('tr', {}, columns.map(([heading]) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

export const link = (href, text) => h('a', { href }, text);
export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
export const badge = (text, kind = text) => h('span', { class: `badge ${String(kind).replace(/[^a-z-]/gi, '')}` }, text);

/** Every item of an auto-paginated list (`for await` over the SDK's `listAll`), up to `max`. */
export async function all(iterable, max = 500) {
  const items = [];
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= max) break;
  }
  return items;
}

/** A bar chart of `series` (`{ label, values, class }`) over `labels`, as SVG. */
export function barChart(title, labels, series) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = (tag, attributes = {}, ...children) => {
    const element = document.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    append(element, children);
    return element;
  };
  const width = 640, height = 180, pad = 24;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (width - pad * 2) / Math.max(1, labels.length);
  const bar = Math.max(1, slot / series.length - 1);
  const bars = labels.flatMap((label, i) => series.map((s, j) => {
    const value = s.values[i] ?? 0;
    const barHeight = ((height - pad * 2) * value) / max;
    return svg('rect', { x: pad + i * slot + j * bar, y: height - pad - barHeight, width: bar, height: barHeight, class: s.class },
      svg('title', {}, `${label} ${s.label}: ${value}`));
  }));
  const axis = [
    svg('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: 'axis' }),
    svg('text', { x: pad, y: height - 6, class: 'tick' }, labels[0] ?? ''),
    svg('text', { x: width - pad, y: height - 6, class: 'tick end' }, labels.at(-1) ?? ''),
    svg('text', { x: pad, y: 14, class: 'tick' }, `max ${max}`),
  ];
  const legend = h('p', { class: 'legend' }, series.map((s) => h('span', { class: `key ${s.class}` }, s.label)));
  return h('figure', { class: 'chart' },
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title }, bars, axis),
    h('figcaption', {}, title), legend);
}
