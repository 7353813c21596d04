// Helpers shared by the sections of the admin console.

import { h } from '../dom.js';

// list splits a comma-separated field into trimmed, non-empty values.
export function list(value) {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

// replaceRows empties a table body and appends the rows.
export function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
  const table = tbody.closest('table');
  if (table) labelCells(table);
}

// labelCells gives each body cell the title of its column (data-label), which a narrow
// screen shows before the cell's value where the header row is hidden (admin.css).
export function labelCells(table) {
  const titles = [...(table.tHead?.rows[0]?.cells ?? [])].map((th) => th.textContent.trim());
  if (!titles.length) return;
  for (const tr of table.tBodies[0]?.rows ?? []) {
    let col = 0;
    for (const cell of tr.cells) {
      if (cell.tagName === 'TD' && cell.colSpan === 1 && titles[col]) cell.dataset.label = titles[col];
      col += cell.colSpan;
    }
  }
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

export { plural } from '../plural.js';

// markLoaded tells tests and assistive technology that a section has its data.
export function markLoaded(panel) {
  panel.dataset.loaded = 'true';
  panel.setAttribute('aria-busy', 'false');
}

// clearFieldErrors removes the messages fieldError put beside a form's fields.
export function clearFieldErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) p.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); }
}

// fieldError shows the API's message beside the field it names (the input with id prefix +
// field), tied to it for assistive technology, and focuses it. The forms are novalidate, so
// the service's words replace the browser's bubbles. It answers false when the error names no
// field of the form, for the caller to show the message elsewhere.
export function fieldError(form, prefix, err) {
  const input = err?.field ? form.querySelector(`#${CSS.escape(prefix + err.field)}`) : null;
  if (!input) return false;
  const id = `${input.id}-error`;
  const p = h('p', { id, class: 'field-error error', text: err.message });
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', id);
  input.insertAdjacentElement('afterend', p);
  input.focus();
  return true;
}
