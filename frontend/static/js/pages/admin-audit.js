// The audit trail: every change with who, what, when, before and after; filtered by entity,
// action and who made it, and downloadable as CSV or JSON Lines with the same filters.

import { api, allPages } from '../api.js';
import { h } from '../dom.js';
import { replaceRows, emptyRow, when, markLoaded, labelCells } from './admin-common.js';

// Bookkeeping every row carries; a diff of it says nothing to a person.
const HIDDEN = /^(created_at|updated_at|deleted_at|version)$/;

// apiName turns a stored field name into the API's: "ArticleID" → "article_id",
// "SourceURL" → "source_url", "TextSHA256" → "text_sha256"; API names stay as they are.
export function apiName(k) {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

// fieldsOf maps an audit snapshot onto the API's field names, bookkeeping left out.
function fieldsOf(v) {
  const out = new Map();
  if (!v || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v)) {
    const n = apiName(k);
    if (!HIDDEN.test(n)) out.set(n, x);
  }
  return out;
}

// diff lists [field, before, after] for every field a change touched (every field with a
// value for a creation or a removal).
function diff(before, after) {
  const b = fieldsOf(before);
  const a = fieldsOf(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  return keys.filter((k) => JSON.stringify(b.get(k)) !== JSON.stringify(a.get(k)) && (before && after ? true : !empty(b.get(k) ?? a.get(k))))
    .map((k) => [k, b.get(k), a.get(k)]);
}

const empty = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

const brief = (v) => {
  if (v === undefined || v === null || v === '') return '—';
  const s = typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(', ') : JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 119) + '…' : s;
};

export async function initAudit(panel) {
  const entity = document.getElementById('audit-entity');
  const action = document.getElementById('audit-action');
  const actor = document.getElementById('audit-actor');
  const rows = document.getElementById('audit-rows');
  const more = document.getElementById('audit-more');
  const userNames = new Map();
  let cursor = '';

  // The people are read again each time the section is shown, so an account created or
  // renamed in the users section is named and can be filtered on without a reload.
  async function loadUsers() {
    const users = await allPages('/users');
    const chosen = actor.value;
    userNames.clear();
    for (const u of users) userNames.set(u.id, u.name || u.email);
    actor.replaceChildren(h('option', { value: '', text: 'Anyone' }), ...users.map((u) => h('option', { value: u.id, text: `${u.name} (${u.email})` })));
    actor.value = users.some((u) => String(u.id) === chosen) ? chosen : '';
  }

  function filters() {
    const q = new URLSearchParams();
    if (entity.value) q.set('entity', entity.value);
    if (action.value) q.set('action', action.value);
    if (actor.value) q.set('actor_id', actor.value);
    return q;
  }

  function row(e) {
    const fields = diff(e.before, e.after);
    const names = fields.map(([f]) => f);
    let summary = e.before === null ? 'created' : e.after === null ? 'removed' : names.length ? `changed ${names.join(', ')}` : 'no field changed';
    if (e.entity === 'review' && (e.after ?? e.before)?.reviewer_id) {
      const r = (e.after ?? e.before).reviewer_id;
      summary = `${e.action} reviewer ${userNames.get(r) ?? r}`;
    }
    const detail = h('table', { class: 'grid small audit-diff' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Field' }), h('th', { scope: 'col', text: 'Before' }), h('th', { scope: 'col', text: 'After' }))),
      h('tbody', {}, ...fields.map(([f, b, a]) => h('tr', {},
        h('th', { scope: 'row', text: f }), h('td', { class: 'before', text: brief(b) }), h('td', { class: 'after', text: brief(a) })))));
    return h('tr', { dataset: { auditId: e.id, entity: e.entity, action: e.action } },
      h('td', {}, h('time', { datetime: e.at, text: when(e.at) })),
      h('td', { text: e.actor_id === null ? 'system' : (userNames.get(e.actor_id) ?? `user ${e.actor_id}`) }),
      h('td', { text: e.action }),
      h('td', { text: `${e.entity} #${e.entity_id}` }),
      h('td', {}, h('details', {}, h('summary', { text: summary }), detail)));
  }

  async function load(append = false) {
    const q = filters();
    for (const [id, fmt] of [['audit-csv', 'csv'], ['audit-jsonl', 'jsonl']]) {
      const d = new URLSearchParams(q);
      d.set('format', fmt);
      document.getElementById(id).href = `/api/v1/exports/audit?${d}`;
    }
    q.set('limit', '50');
    if (append && cursor) q.set('cursor', cursor);
    const page = await api.get(`/audit?${q}`);
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (append) {
      rows.append(...page.items.map(row));
      labelCells(rows.closest('table'));
    }
    else replaceRows(rows, page.items.length ? page.items.map(row) : [emptyRow(5, 'No changes recorded.')]);
    markLoaded(panel);
  }

  entity.addEventListener('change', () => load());
  action.addEventListener('change', () => load());
  actor.addEventListener('change', () => load());
  more.addEventListener('click', () => load(true));
  document.getElementById('audit-filter').addEventListener('submit', (ev) => ev.preventDefault());
  return { shown: async () => { await loadUsers(); await load(); } };
}
