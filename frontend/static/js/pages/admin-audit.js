// The audit trail: every change with who, what, when, before and after; filtered by entity
// and by who made it, and downloadable as CSV or JSON Lines with the same filters.

import { api, allPages } from '../api.js';
import { h } from '../dom.js';
import { replaceRows, emptyRow, when, markLoaded } from './admin-common.js';

// changed lists the top-level fields whose values differ between before and after.
function changed(before, after) {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) && !/^(UpdatedAt|Version|updated_at|version)$/.test(k));
}

const brief = (v) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? '' : (s.length > 120 ? s.slice(0, 119) + '…' : s);
};

export async function initAudit(panel) {
  const entity = document.getElementById('audit-entity');
  const actor = document.getElementById('audit-actor');
  const rows = document.getElementById('audit-rows');
  const more = document.getElementById('audit-more');
  const names = new Map();
  let cursor = '';

  const users = await allPages('/users');
  for (const u of users) names.set(u.id, u.name || u.email);
  actor.append(...users.map((u) => h('option', { value: u.id, text: `${u.name} (${u.email})` })));

  function filters() {
    const q = new URLSearchParams();
    if (entity.value) q.set('entity', entity.value);
    if (actor.value) q.set('actor_id', actor.value);
    return q;
  }

  function row(e) {
    const fields = changed(e.before, e.after);
    let summary = e.before === null ? 'created' : e.after === null ? 'removed' : fields.length ? `changed ${fields.join(', ')}` : 'details';
    if (e.entity === 'review' && (e.after ?? e.before)?.reviewer_id) {
      const r = (e.after ?? e.before).reviewer_id;
      summary = `${e.action} reviewer ${names.get(r) ?? r}`;
    }
    const detail = fields.length
      ? h('table', { class: 'grid small' }, h('tbody', {}, ...fields.map((f) => h('tr', {},
        h('th', { scope: 'row', text: f }), h('td', { class: 'before', text: brief(e.before[f]) }), h('td', { class: 'after', text: brief(e.after[f]) })))))
      : h('pre', { class: 'json', text: JSON.stringify(e.after ?? e.before, null, 2) });
    return h('tr', { dataset: { auditId: e.id, entity: e.entity, action: e.action } },
      h('td', {}, h('time', { datetime: e.at, text: when(e.at) })),
      h('td', { text: e.actor_id === null ? 'system' : (names.get(e.actor_id) ?? `user ${e.actor_id}`) }),
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
    if (append) rows.append(...page.items.map(row));
    else replaceRows(rows, page.items.length ? page.items.map(row) : [emptyRow(5, 'No changes recorded.')]);
    markLoaded(panel);
  }

  entity.addEventListener('change', () => load());
  actor.addEventListener('change', () => load());
  more.addEventListener('click', () => load(true));
  document.getElementById('audit-filter').addEventListener('submit', (ev) => ev.preventDefault());
  return { shown: () => load() };
}
