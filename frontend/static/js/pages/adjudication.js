// The curator's pages: /adjudication lists the articles open to curators; /adjudication/{id}
// shows every finished reviewer's work on one article side by side, grouped into units (one
// label, overlapping spans) with how many reviewers marked each, disagreements first, and
// builds the article's consensus layer: accept a reviewer's mark in one key or click, accept
// all of one reviewer's marks of a label, relabel or delete, or add a passage yourself.
//
// Keys: j/k or ↓/↑ move between units, ←/→ between a unit's marks, a or Enter accepts the
// mark in focus; with text selected, 1–4 add it to the consensus; Delete removes the focused
// consensus annotation.

import { api, me } from '../api.js';
import { h, wireHeader, announce, formatDate } from '../dom.js';
import { plural } from '../plural.js';
import { OffsetMap } from '../offsets.js';
import { TextView } from '../textview.js';
import { LABELS, LABEL_BY_ID, LABEL_BY_KEY, labelName } from '../labels.js';

const A = { id: null, article: null, view: null, map: null, text: null, data: null, focus: { unit: 0, mark: 0 }, loads: 0 };

function el(id) { return document.getElementById(id); }

// An adjudicated article's consensus is read-only until the curator reopens the adjudication:
// the controls are disabled and a key or click that would change it says so, instead of
// sending a change the service refuses.
function adjudicated() { return A.data?.status === 'adjudicated'; }

function readOnly() {
  if (!adjudicated()) return false;
  const err = el('error');
  err.textContent = 'This article is adjudicated, so its consensus is read-only: press “Reopen the adjudication” to change it.';
  err.hidden = false;
  return true;
}

function fail(e, what) {
  const err = el('error');
  err.textContent = `${what}: ${e.message}`;
  err.hidden = false;
}

function excerpt(s, n = 80) {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

// ---------- the queue ----------

async function showQueue() {
  el('adj-title').textContent = 'Articles to adjudicate';
  const res = await api.get('/adjudications?limit=1000');
  const items = res.items ?? [];
  el('queue-body').replaceChildren(...(items.length ? items.map((it) => h('tr', { dataset: { articleId: String(it.article_id) } },
    h('th', { scope: 'row' }, h('a', { href: `/adjudication/${it.article_id}`, text: it.title || `Article ${it.article_id}` })),
    h('td', { text: it.outlet }),
    h('td', { class: 'num', text: String(it.finished_reviews) }),
    h('td', { text: it.status === 'adjudicated' ? `Adjudicated ${formatDate(it.adjudicated_at)}` : (it.opened_by_admin ? 'Open (opened early by an admin)' : 'Open') })))
    : [h('tr', {}, h('td', { colspan: '4', class: 'muted', text: 'No article is ready: every assigned reviewer must finish first.' }))]));
  el('queue-box').hidden = false;
  el('status').textContent = `${plural(items.length, 'article')} open to curators`;
}

// ---------- one article ----------

function u16(c) { return A.map.toUTF16(c); }

async function load() {
  A.data = await api.get(`/articles/${A.id}/adjudication`);
  render();
  document.body.dataset.loads = String(++A.loads); // each answer drawn (tests wait for it)
  if (A.data.premerged > 0) announce(`${plural(A.data.premerged, 'unit')} every reviewer agrees on ${A.data.premerged === 1 ? 'was' : 'were'} merged into the consensus`);
}

function render() {
  const d = A.data;
  const done = d.status === 'adjudicated';
  document.body.dataset.adjudication = d.status;
  el('adj-summary').textContent = `${plural(d.reviewers.length, 'finished reviewer')}: ${d.reviewers.map((r) => r.name).join(', ') || 'none'} · ` +
    `${d.units.filter((u) => !u.agreed).length} of ${plural(d.units.length, 'unit')} disputed · ` +
    (done ? `adjudicated ${formatDate(d.adjudicated_at)}` : 'open');
  el('adj-complete').hidden = done;
  el('adj-reopen').hidden = !done;
  renderText();
  renderConsensus();
  renderUnits(el('units-head'), el('units-body'), d.units, 'annotations');
  renderUnits(el('region-units-head'), el('region-units-body'), d.region_units, 'regions');
  focusUnit(A.focus.unit, A.focus.mark, false);
}

function renderText() {
  const spans = [];
  for (const r of A.data.consensus.regions) spans.push({ key: `r${r.id}`, start: u16(r.start), end: u16(r.end), layer: 0, kind: 'region', rec: r });
  for (const a of A.data.consensus.annotations) spans.push({ key: `a${a.id}`, start: u16(a.start), end: u16(a.end), layer: 1, kind: 'ann', rec: a });
  A.view.render(spans);
}

function decorate(span, piece) {
  const r = span.rec;
  const first = piece.start === span.start;
  if (span.kind === 'region') {
    const e = document.createElement('span');
    e.className = `region region-${r.kind}${first ? ' first' : ''}`;
    e.dataset.regionId = String(r.id);
    if (first) e.dataset.caption = r.kind === 'comments' ? 'Readers’ comments' : `Quote · ${r.origin_outlet_name || 'unknown outlet'}`;
    return e;
  }
  const e = document.createElement('mark');
  e.className = `hl hl-${r.label}${first ? ' first' : ''}`;
  e.dataset.annotationId = String(r.id);
  e.dataset.label = r.label;
  if (first) e.dataset.mark = LABEL_BY_ID[r.label]?.mark ?? '?';
  e.title = `${labelName(r.label)} (consensus)`;
  return e;
}

function renderConsensus() {
  const list = el('consensus-list');
  const items = [...A.data.consensus.annotations].sort((a, b) => a.start - b.start || a.end - b.end);
  list.replaceChildren(...(items.length ? items.map((a) => {
    const select = h('select', { 'aria-label': 'Label', onchange: () => relabel(a, select.value), disabled: adjudicated() },
      ...LABELS.map((l) => h('option', { value: l.id, text: l.name })));
    select.value = a.label;
    return h('li', { class: 'consensus-item', tabindex: '0', dataset: { consensusId: String(a.id), label: a.label },
      onkeydown: (ev) => { if (ev.key === 'Delete' || ev.key === 'Backspace') { ev.preventDefault(); remove(a); } } },
    select, h('span', { class: 'excerpt', text: ` “${excerpt(A.text.slice(u16(a.start), u16(a.end)))}” ` }),
    h('button', { type: 'button', class: 'small-btn', 'data-action': 'delete', onclick: () => remove(a), disabled: adjudicated() }, 'Delete'));
  }) : [h('li', { class: 'muted', text: 'Nothing in the consensus yet.' })]));
}

// renderUnits draws one table: a row per unit, a column per finished reviewer with their marks.
function renderUnits(head, body, units, kind) {
  const reviewers = A.data.reviewers;
  head.replaceChildren(h('th', { scope: 'col', text: 'Unit' }), ...reviewers.map((r) => {
    const th = h('th', { scope: 'col' }, h('span', { text: r.name }));
    if (kind === 'annotations') th.append(bulkControl(r));
    return th;
  }), h('th', { scope: 'col', text: 'Consensus' }));
  if (!units.length) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: String(reviewers.length + 2), class: 'muted', text: 'No marks.' })));
    return;
  }
  body.replaceChildren(...units.map((u, i) => {
    const marks = u[kind] ?? [];
    const tr = h('tr', { class: `unit ${u.agreed ? 'agreed' : 'disputed'}${u.in_consensus ? ' in-consensus' : ''}`, tabindex: '-1',
      dataset: { unitIndex: kind === 'annotations' ? String(i) : `r${i}`, kind: u.kind, agreed: String(u.agreed), count: `${u.reviewers}/${u.of}` } },
    h('th', { scope: 'row' }, h('span', { class: `unit-kind tag-${u.kind}`, text: kind === 'annotations' ? labelName(u.kind) : regionUnitName(u) }),
      h('span', { class: 'unit-count', text: ` ${u.reviewers} of ${u.of}` }), h('div', { class: 'excerpt muted', text: `“${excerpt(u.exact)}”` })));
    const owners = u.mark_reviewers ?? [];
    for (const r of reviewers) {
      const mine = marks.filter((m, k) => owners[k] === r.reviewer_id);
      tr.append(h('td', {}, ...(mine.length ? mine.map((m) => h('button', { type: 'button', class: 'mark-accept', 'data-action': 'accept',
        'data-reviewer-id': String(r.reviewer_id), title: adjudicated() ? `${r.name}'s mark (the consensus is read-only once adjudicated)` : `Accept ${r.name}'s mark into the consensus`,
        'aria-disabled': adjudicated() ? 'true' : 'false',
        onclick: () => accept(kind, m),
        onfocus: (ev) => {
          if (kind !== 'annotations') return;
          A.focus = { unit: i, mark: [...ev.target.closest('tr').querySelectorAll('button.mark-accept')].indexOf(ev.target) };
        } },
      `[${m.start}–${m.end}) `, h('span', { class: 'excerpt', text: excerpt(A.text.slice(u16(m.start), u16(m.end)), 40) }))) : [h('span', { class: 'muted', text: '—' })])));
    }
    tr.append(h('td', { text: u.in_consensus ? 'in consensus' : '' }));
    return tr;
  }));
}

// regionUnitName says what a region unit is and, for a quote, whom its marks credit.
function regionUnitName(u) {
  if (u.kind !== 'quote') return 'Comments';
  const names = [...new Set((u.regions ?? []).map((r) => r.origin_outlet_name || 'unknown outlet'))];
  return names.length ? `Quote · ${names.join(' / ')}` : 'Quote';
}

function bulkControl(r) {
  const select = h('select', { 'aria-label': `Label to accept all of ${r.name}'s marks of`, disabled: adjudicated() }, ...LABELS.map((l) => h('option', { value: l.id, text: l.name })));
  return h('div', { class: 'bulk' }, select, h('button', { type: 'button', class: 'small-btn', 'data-action': 'bulk', 'data-reviewer-id': String(r.reviewer_id),
    onclick: () => bulkAccept(r, select.value), disabled: adjudicated() }, 'Accept all'));
}

// ---------- changes ----------

async function change(what, fn) {
  el('error').hidden = true;
  try {
    await fn();
    await load();
    announce(what);
  } catch (e) {
    fail(e, 'The change was not saved');
  }
}

function accept(kind, m) {
  if (readOnly()) return null;
  if (kind === 'regions') {
    const body = { kind: m.kind, start: m.start, end: m.end, layer: 'consensus' };
    if (m.origin_outlet_id) body.origin_outlet_id = m.origin_outlet_id;
    return change(`Accepted the ${m.kind} region into the consensus`, () => api.post(`/articles/${A.id}/regions`, body));
  }
  const body = { label: m.label, start: m.start, end: m.end, layer: 'consensus' };
  if (m.note) body.note = m.note;
  if (m.source) body.source = m.source;
  return change(`Accepted ${labelName(m.label)} “${excerpt(m.exact, 40)}” into the consensus`, () => api.post(`/articles/${A.id}/annotations`, body));
}

function bulkAccept(r, label) {
  if (readOnly()) return null;
  return change(`Accepted all of ${r.name}'s ${labelName(label)} marks`, async () => {
    const res = await api.post(`/articles/${A.id}/adjudication/accept`, { reviewer_id: r.reviewer_id, label });
    el('status').textContent = `${res.created} added to the consensus, ${res.skipped} there already`;
  });
}

function relabel(a, label) {
  if (readOnly()) return null;
  return change(`Relabelled as ${labelName(label)}`, () => api.patch(`/annotations/${a.id}`, { label, version: a.version }));
}

function remove(a) {
  if (readOnly()) return null;
  return change(`Removed ${labelName(a.label)} from the consensus`, () => api.del(`/annotations/${a.id}`));
}

function addSelection(label) {
  const range = window.getSelection()?.rangeCount ? window.getSelection().getRangeAt(0) : null;
  const off = A.view.rangeOffsets(range);
  if (!off) return false;
  if (readOnly()) return true;
  const span = A.map.spanToCodePoints(off.start, off.end);
  change(`Added ${labelName(label)} to the consensus`, () => api.post(`/articles/${A.id}/annotations`, { label, start: span.start, end: span.end, layer: 'consensus' }));
  window.getSelection().removeAllRanges();
  return true;
}

// ---------- keyboard ----------

function unitRows() { return [...el('units-body').querySelectorAll('tr.unit')]; }

function focusUnit(i, m = 0, move = true) {
  const rows = unitRows();
  if (!rows.length) return;
  A.focus.unit = Math.max(0, Math.min(rows.length - 1, i));
  for (const r of rows) r.classList.remove('focused');
  const row = rows[A.focus.unit];
  row.classList.add('focused');
  const buttons = [...row.querySelectorAll('button.mark-accept')];
  A.focus.mark = Math.max(0, Math.min(buttons.length - 1, m));
  if (move) (buttons[A.focus.mark] ?? row).focus();
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t instanceof HTMLSelectElement || t instanceof HTMLInputElement) return;
  if (LABEL_BY_KEY[ev.key] && addSelection(LABEL_BY_KEY[ev.key].id)) { ev.preventDefault(); return; }
  const inUnits = el('units-table').contains(t) || t === document.body;
  if (!inUnits) return;
  switch (ev.key) {
    case 'j': case 'ArrowDown': focusUnit(A.focus.unit + 1); break;
    case 'k': case 'ArrowUp': focusUnit(A.focus.unit - 1); break;
    case 'ArrowRight': focusUnit(A.focus.unit, A.focus.mark + 1); break;
    case 'ArrowLeft': focusUnit(A.focus.unit, A.focus.mark - 1); break;
    case 'a': {
      // The mark in focus, or the focused unit's current mark.
      const b = t.matches?.('button.mark-accept') ? t : unitRows()[A.focus.unit]?.querySelectorAll('button.mark-accept')[A.focus.mark];
      if (b) b.click();
      break;
    }
    default: return;
  }
  ev.preventDefault();
}

async function showArticle(id) {
  A.id = id;
  const article = await api.get(`/articles/${id}`);
  A.article = article;
  A.text = article.text;
  A.map = new OffsetMap(article.text);
  document.title = `Adjudicate: ${article.title} · credence`;
  el('adj-title').textContent = article.title || `Article ${id}`;
  A.view = new TextView(el('adj-text'), article.text, { decorate });
  el('detail').hidden = false;
  el('adj-complete').addEventListener('click', () => change('Marked adjudicated', () => api.post(`/articles/${id}/complete`, { layer: 'consensus' })));
  el('adj-reopen').addEventListener('click', () => change('Reopened the adjudication', () => api.del(`/articles/${id}/complete?layer=consensus`)));
  document.addEventListener('keydown', onKey);
  await load();
  el('status').textContent = `${article.outlet_name ?? ''} · the consensus is saved as you build it`;
}

async function main() {
  const user = await me();
  wireHeader(user, api);
  const id = location.pathname.split('/')[2];
  try {
    if (user.role !== 'curator' && user.role !== 'admin') {
      throw new Error('adjudication is for curators and admins');
    }
    if (id && /^\d+$/.test(id)) await showArticle(id);
    else await showQueue();
  } catch (e) {
    fail(e, e.status === 403 && e.code === 'not_ready' ? 'Not ready for adjudication' : 'The adjudication could not be loaded');
  }
  document.body.dataset.state = 'ready';
}

main();
