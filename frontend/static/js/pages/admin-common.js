// Helpers shared by the sections of the admin console.

import { h } from '../dom.js';

// list splits a comma-separated field into trimmed, non-empty values.
export function list(value) {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

// replaceRows empties a table body and appends the rows.
export function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

// emptyRow is a one-cell row that says there is nothing to show.
export function emptyRow(cols, text) {
  return h('tr', { class: 'empty' }, h('td', { colspan: cols, class: 'muted', text }));
}

// showError puts an error's message in an element made visible for it.
export function showError(el, err, prefix = '') {
  el.textContent = prefix + (err?.message ?? String(err));
  el.hidden = false;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// plural says "1 article" or "3 articles".
export function plural(n, one, many = one + 's') {
  return `${n} ${n === 1 ? one : many}`;
}

// markLoaded tells tests and assistive technology that a section has its data.
export function markLoaded(panel) {
  panel.dataset.loaded = 'true';
  panel.setAttribute('aria-busy', 'false');
}
