// The annotation workspace for one article (/articles/{id}).
//
// Data flow: the service's annotations and regions (keyed by a local id that stays the same while
// a creation is in flight) + the outbox's queued changes laid over them = what the page shows.
// Every change goes through the outbox, so it is shown at once, saved at once, retried when a
// save fails, and replayed after a reload. Offsets cross between UTF-16 and code points only
// through OffsetMap (offsets.js).

import { api, me, allPages, refreshCsrf, ApiError } from '../api.js';
import { h, announce, formatDate, wireHeader } from '../dom.js';
import { OffsetMap } from '../offsets.js';
import { TextView } from '../textview.js';
import { KeySelection } from '../keyselect.js';
import { Outbox, applyPending, newLocalId } from '../outbox.js';
import { History } from '../undo.js';
import { LABELS, LABEL_BY_ID, LABEL_BY_KEY, labelName } from '../labels.js';
import { holdTabId, outboxKey, adoptOrphans, articleChannel } from '../sync.js';
import { suggestionKey, visibleSuggestions, nextSuggestion, nearestSuggestion, afterDecision, suggestionSpans, suggestionsOn, setSuggestionsOn } from '../suggestions.js';
import { groupReprints, labelSummary, reprintCaption, totalAnnotations } from '../reprints.js';

const S = {
  user: null,
  articleId: decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? ''),
  article: null,
  text: '',
  map: null,
  view: null,
  compareView: null,
  keys: null,
  annServer: new Map(),
  regServer: new Map(),
  ann: new Map(),
  reg: new Map(),
  outbox: null,
  history: new History(),
  channel: null,
  sel: null, // the selection in the article text, UTF-16 {start, end}
  canWrite: false,
  compareOn: localStorage.getItem('credence.compare') === 'on',
  compareWho: 'all',
  generation: 0,
  outlets: new Map(),
  // Machine suggestions (never annotations until accepted): what the service proposed, the keys
  // rejected here, what is shown now, and the one n/p last moved to.
  sugServer: [],
  sugLoaded: false,
  sugWarning: '',
  sugRejected: new Set(),
  sugOn: suggestionsOn(localStorage),
  sugVisible: [],
  sugByKey: new Map(),
  sugCurrent: null,
  sugRefocus: false,
  // Passages shared with other articles, grouped (reprints.js).
  reprints: [],
};

const el = (id) => document.getElementById(id);
const root = () => el('article-text');

// ---------- boot ----------

async function main() {
  S.user = await me();
  wireHeader(S.user, api);
  S.canWrite = S.user.role === 'reviewer' || S.user.role === 'admin';
  buildPalette();
  buildHelp();

  const tabId = await holdTabId();
  S.outbox = new Outbox({
    storage: localStorage,
    key: outboxKey(S.user.id, tabId),
    send,
    onSettled,
    onState: showSaveState,
  });

  // The article, its annotations and its regions come in one request; the service filters
  // the annotations to the reviewer's own unless the side-by-side view wants everyone's.
  try {
    const who = S.canWrite ? `&user_id=${encodeURIComponent(S.user.id)}` : '';
    S.article = await api.get(`/articles/${encodeURIComponent(S.articleId)}?include=annotations,regions${who}`);
  } catch (e) {
    el('article-title').textContent = 'Article not available';
    el('load-error').textContent = e.status === 404 ? 'There is no article with this id.' : `The article could not be loaded: ${e.message}`;
    el('load-error').hidden = false;
    document.body.dataset.state = 'error';
    return;
  }
  S.text = S.article.text ?? '';
  S.map = new OffsetMap(S.text);
  showArticleHead();
  S.view = new TextView(root(), S.text, { decorate });
  S.keys = null;

  applyLists([S.article.annotations ?? [], S.article.regions ?? []]);
  delete S.article.annotations; // from here on the page keeps them in S.ann and S.reg
  delete S.article.regions;
  recompute();
  wireEvents();
  showReview({ deferCompare: true });
  document.body.dataset.state = 'ready';
  performance.mark('credence-ready');
  requestAnimationFrame(() => setTimeout(() => performance.mark('credence-painted'), 0));
  // The reviewer's own pane comes first; other reviewers' annotations follow for the side-by-side pane.
  if (S.compareOn && !el('compare').hidden) refresh().then(() => showCompare(true));

  S.channel = articleChannel(S.articleId, () => scheduleRefresh(200));
  adoptOrphans(S.user.id, tabId, (ops, idMap) => S.outbox.adopt(ops, idMap));
  S.outbox.kick();
  loadSuggestions();
  loadReprints();
}

// wantsOthers: whether the page shows other reviewers' annotations (after completion, side by side).
function wantsOthers() { return S.compareOn || !S.canWrite; }

// loadLists fetches the article again with its annotations and regions, in one request, and
// keeps the reviewer's review status it carries.
async function loadLists({ others = wantsOthers() } = {}) {
  const who = others ? '' : `&user_id=${encodeURIComponent(S.user.id)}`;
  const art = await api.get(`/articles/${encodeURIComponent(S.articleId)}?include=annotations,regions${who}`);
  if (art.review) S.article.review = art.review;
  return [art.annotations ?? [], art.regions ?? []];
}

async function loadAnnotationsAndRegions() {
  const gen = S.generation;
  const lists = await loadLists();
  if (gen !== S.generation) return false; // a save landed meanwhile: this answer may be stale
  applyLists(lists);
  return true;
}

function applyLists([anns, regs]) {
  S.annServer = new Map(anns.map((a) => { const id = S.outbox.localIdFor(a.id); return [id, { ...a, localId: id }]; }));
  S.regServer = new Map(regs.map((r) => { const id = S.outbox.localIdFor(r.id); return [id, { ...r, localId: id }]; }));
  S.outbox.forget(new Set([...S.annServer.keys(), ...S.regServer.keys()]));
}

let refreshTimer = null;
let lastRefresh = 0;
function scheduleRefresh(ms) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, ms);
}

async function refresh() {
  lastRefresh = Date.now();
  try {
    for (let i = 0; i < 3; i++) if (await loadAnnotationsAndRegions()) break;
    recompute();
    showReview();
  } catch (e) {
    if (e.status === 401) showSaveState({ status: 'signed-out', pending: S.outbox.ops.length, error: e });
  }
}

// ---------- the article ----------

function showArticleHead() {
  const a = S.article;
  document.title = `${a.title || 'Article'} · credence`;
  el('article-title').textContent = a.title || 'Untitled';
  el('article-outlet').textContent = a.outlet_name ?? '';
  el('article-author').textContent = a.author ? `By ${a.author}` : '';
  const t = el('article-date');
  t.textContent = formatDate(a.published_at);
  if (a.published_at) t.setAttribute('datetime', a.published_at);
  const u = el('article-url');
  if (a.url && /^https?:\/\//i.test(a.url)) {
    u.href = a.url;
    u.hidden = false;
  }
}

function isMine(r) { return r.user_id === undefined || r.user_id === null || String(r.user_id) === String(S.user.id); }

function spanOf(r) {
  if (!(Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end <= S.map.lengthCP && r.end > r.start)) return null;
  return { start: S.map.toUTF16(r.start), end: S.map.toUTF16(r.end) };
}

function annSpans(filter) {
  const out = [];
  for (const r of S.ann.values()) {
    if (!filter(r) || r.status === 'orphaned') continue;
    const s = spanOf(r);
    if (!s) continue;
    out.push({ key: 'a' + r.localId, start: s.start, end: s.end, layer: 1, kind: 'ann', rec: r, look: `${r.label}|${r.id ?? ''}|${r.pending ? 1 : 0}|${r.note ?? ''}` });
  }
  return out;
}

function regSpans() {
  const out = [];
  for (const r of S.reg.values()) {
    if (r.status === 'rejected') continue;
    const s = spanOf(r);
    if (!s) continue;
    out.push({ key: 'r' + r.localId, start: s.start, end: s.end, layer: 0, kind: 'region', rec: r, look: `${r.kind}|${r.status}|${r.origin_outlet_name ?? ''}|${r.id ?? ''}` });
  }
  return out;
}

function regionCaption(r) {
  const outlet = r.origin_outlet_name || S.outlets.get(String(r.origin_outlet_id)) || 'unknown outlet';
  const what = r.kind === 'comments' ? 'Readers’ comments' : `Quote · ${outlet}`;
  return r.status === 'proposed' ? `Proposed: ${what}` : what;
}

function decorate(span, piece, k, chain) {
  const r = span.rec;
  const first = piece.start === span.start;
  if (span.kind === 'sug') return decorateSuggestion(span, piece, first);
  if (span.kind === 'reprint') {
    const e = document.createElement('span');
    e.className = `reprint${first ? ' first' : ''}`;
    e.dataset.reprintIndex = String(r.index);
    if (first) e.dataset.caption = reprintCaption(r);
    return e;
  }
  if (span.kind === 'region') {
    const e = document.createElement('span');
    e.className = `region region-${r.kind} region-${r.status}${first ? ' first' : ''}`;
    e.dataset.regionId = String(r.id ?? r.localId);
    e.dataset.regionLocal = r.localId;
    if (first) e.dataset.caption = regionCaption(r);
    return e;
  }
  let inner = 0;
  for (let j = k + 1; j < chain.length; j++) if (chain[j].kind === 'ann') inner++;
  const e = document.createElement('mark');
  e.className = `hl hl-${r.label} lv${Math.min(inner, 3)}${first ? ' first' : ''}${r.pending ? ' pending' : ''}`;
  e.dataset.annotationId = String(r.id ?? r.localId);
  e.dataset.label = r.label;
  e.dataset.localId = r.localId;
  if (first) e.dataset.mark = LABEL_BY_ID[r.label]?.mark ?? '?';
  e.title = labelName(r.label) + (r.user_name && !isMine(r) ? ` (${r.user_name})` : '') + (r.note ? `: ${r.note}` : '');
  return e;
}

function opsHere() { return S.outbox.ops.filter((o) => String(o.articleId) === String(S.articleId)); }

// recompute lays pending changes over the service's state and redraws what changed.
function recompute() {
  const ops = opsHere();
  S.ann = applyPending(S.annServer, ops, 'annotation');
  S.reg = applyPending(S.regServer, ops, 'region');
  // Redrawing a paragraph replaces its text nodes, which would drop a selection made there
  // (say, right after tagging, while that tag's save is answered): keep it.
  const domSel = document.getSelection();
  const keepSel = domSel.rangeCount ? S.view.rangeOffsets(domSel.getRangeAt(0)) : null;
  const regions = regSpans();
  const focusedSug = focusedSuggestionKey();
  S.sugVisible = computeVisibleSuggestions();
  S.sugByKey = new Map(S.sugVisible.map((s) => [suggestionKey(s), s]));
  const sugs = S.sugOn ? suggestionSpans(S.sugVisible, (cp) => S.map.toUTF16(cp)) : [];
  S.view.render([...reprintSpans(), ...regions, ...annSpans(isMine), ...sugs]);
  if (S.compareView) {
    const who = S.compareWho;
    S.compareView.render([...regions, ...annSpans((r) => !isMine(r) && (who === 'all' || String(r.user_id) === who))]);
  }
  if (keepSel) restoreSelection(keepSel);
  syncSuggestionDom(focusedSug);
  renderAnnList();
  renderRegionList();
  renderSuggestions();
  renderCompareChoices();
  updateUndoButtons();
}

function restoreSelection(sel) {
  const cur = document.getSelection();
  if (cur.rangeCount) {
    const off = S.view.rangeOffsets(cur.getRangeAt(0));
    if (off && off.start === sel.start && off.end === sel.end) return;
  }
  S.view.select(sel.start, sel.end);
  S.sel = sel;
}

// ---------- selection ----------

function keys() {
  if (!S.keys) S.keys = new KeySelection(S.text, S.view.paras);
  return S.keys;
}

function onSelectionChange() {
  const sel = document.getSelection();
  if (!sel.rangeCount) return;
  const range = sel.getRangeAt(0);
  const r = root();
  if (!r.contains(range.startContainer) && !r.contains(range.endContainer)) {
    if (!range.collapsed && range.intersectsNode(r)) S.sel = S.view.rangeOffsets(range);
    updateToolbar();
    return;
  }
  S.sel = S.view.rangeOffsets(range);
  updateToolbar();
}

function trimmed(sel) {
  let { start, end } = sel;
  while (start < end && /\s/.test(S.text[start])) start++;
  while (end > start && /\s/.test(S.text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

// selectionCP returns the current selection in code points, with its exact text. It reads the
// DOM selection afresh: a key pressed right after selecting can arrive before selectionchange.
function selectionCP() {
  onSelectionChange();
  const t = S.sel && trimmed(S.sel);
  if (!t) return null;
  const cp = S.map.spanToCodePoints(t.start, t.end);
  const u = S.map.spanToUTF16(cp.start, cp.end);
  return { ...cp, exact: S.text.slice(u.start, u.end) };
}

function selectRange(r, { scroll = true } = {}) {
  if (!r) return;
  S.view.select(r.start, r.end);
  S.sel = { start: r.start, end: r.end };
  updateToolbar();
  if (scroll) {
    const sel = document.getSelection();
    if (sel.rangeCount) {
      const rect = sel.getRangeAt(0).getBoundingClientRect();
      if (rect.top < 80 || rect.bottom > window.innerHeight - 20) {
        window.scrollBy({ top: rect.top - window.innerHeight / 3, behavior: 'instant' });
      }
    }
  }
}

function clearSelection() {
  document.getSelection().removeAllRanges();
  S.sel = null;
  if (S.keys) S.keys.clear();
  updateToolbar();
}

function updateToolbar() {
  const has = !!(S.sel && trimmed(S.sel));
  for (const b of document.querySelectorAll('#palette button, .region-btn')) b.disabled = !has || !S.canWrite;
}

// ---------- changes ----------

function fieldsOfAnnotation(r) {
  const f = { label: r.label, start: r.start, end: r.end };
  if (r.exact) f.exact = r.exact;
  if (r.note) f.note = r.note;
  if (r.source && r.source.text) f.source = r.source.url ? { text: r.source.text, url: r.source.url } : { text: r.source.text };
  return f;
}

function fieldsOfRegion(r) {
  const f = { kind: r.kind, start: r.start, end: r.end };
  if (r.origin_outlet_id !== undefined && r.origin_outlet_id !== null) f.origin_outlet_id = r.origin_outlet_id;
  return f;
}

const CHANGES = {
  annotation: {
    // suggestion: {rule, label, start, end} when the creation accepts a machine suggestion: it is
    // sent to the accept route (so the rule's acceptance is counted), and so is its redo.
    create(fields, { record = true, suggestion = null } = {}) {
      const localId = newLocalId();
      S.outbox.enqueue({ kind: 'create', entity: 'annotation', articleId: S.articleId, target: localId, body: fields, ...(suggestion ? { suggestion } : {}) });
      if (record) S.history.record({ type: 'create', entity: 'annotation', id: localId, snapshot: { ...fields, localId, ...(suggestion ? { suggestion } : {}) } });
      recompute();
      return localId;
    },
    remove(localId, { record = true } = {}) {
      const r = S.ann.get(localId);
      if (!r) return;
      S.outbox.enqueue({ kind: 'delete', entity: 'annotation', articleId: S.articleId, target: localId });
      if (record) S.history.record({ type: 'delete', entity: 'annotation', id: localId, snapshot: { ...fieldsOfAnnotation(r), localId } });
      recompute();
    },
    update(localId, changes, { record = true, before } = {}) {
      const r = S.ann.get(localId);
      if (!r) return;
      const prev = before ?? pick(r, Object.keys(changes));
      S.outbox.enqueue({ kind: 'update', entity: 'annotation', articleId: S.articleId, target: localId, body: changes });
      if (record) S.history.record({ type: 'update', entity: 'annotation', id: localId, before: prev, after: changes });
      recompute();
    },
  },
  region: {
    create(fields, { record = true } = {}) {
      const localId = newLocalId();
      S.outbox.enqueue({ kind: 'create', entity: 'region', articleId: S.articleId, target: localId, body: fields });
      if (record) S.history.record({ type: 'create', entity: 'region', id: localId, snapshot: { ...fields, localId } });
      recompute();
      return localId;
    },
    remove(localId, { record = true } = {}) {
      const r = S.reg.get(localId);
      if (!r) return;
      S.outbox.enqueue({ kind: 'delete', entity: 'region', articleId: S.articleId, target: localId });
      if (record) S.history.record({ type: 'delete', entity: 'region', id: localId, snapshot: { ...fieldsOfRegion(r), localId } });
      recompute();
    },
    update(localId, changes, { record = true, before } = {}) {
      const r = S.reg.get(localId);
      if (!r) return;
      const prev = before ?? pick(r, Object.keys(changes));
      S.outbox.enqueue({ kind: 'update', entity: 'region', articleId: S.articleId, target: localId, body: changes });
      if (record) S.history.record({ type: 'update', entity: 'region', id: localId, before: prev, after: changes });
      recompute();
    },
  },
};

function pick(obj, keys) {
  const out = {};
  for (const k of keys) out[k] = obj[k] ?? null;
  return out;
}

function applyHistory(action) {
  const c = CHANGES[action.entity];
  if (action.type === 'create') {
    const { localId, suggestion, ...fields } = action.snapshot;
    const id = c.create(fields, { record: false, suggestion });
    S.history.remap(action.id, id);
  } else if (action.type === 'delete') {
    c.remove(action.id, { record: false });
  } else {
    c.update(action.id, action.after, { record: false });
  }
}

const DESCRIBE = { create: 'creation', update: 'change', delete: 'deletion' };

function undo() {
  const a = S.history.undo();
  if (!a) { announce('Nothing to undo'); return; }
  applyHistory(a);
  announce(`Undone: ${DESCRIBE[inverseKind(a.type)]} of ${a.entity === 'region' ? 'a region' : 'an annotation'}`);
}

function redo() {
  const a = S.history.redo();
  if (!a) { announce('Nothing to redo'); return; }
  applyHistory(a);
  announce(`Redone: ${DESCRIBE[a.type]} of ${a.entity === 'region' ? 'a region' : 'an annotation'}`);
}

function inverseKind(t) { return t === 'create' ? 'delete' : t === 'delete' ? 'create' : 'update'; }

function updateUndoButtons() {
  el('undo').disabled = !S.history.canUndo;
  el('redo').disabled = !S.history.canRedo;
}

// tag applies a label to the current selection (keys 1–4 or the palette).
function tag(labelId) {
  if (!S.canWrite) return;
  const sel = selectionCP();
  if (!sel) {
    toast('Select a passage first: drag with the mouse, or focus the text and use Shift with the arrow keys.');
    return;
  }
  const fields = { label: labelId, start: sel.start, end: sel.end, exact: sel.exact };
  if (labelId === 'sourced_fact') {
    openSourceDialog(sel.exact, (src) => {
      CHANGES.annotation.create({ ...fields, source: src.source, ...(src.note ? { note: src.note } : {}) });
      afterTag(labelId);
    });
    return;
  }
  CHANGES.annotation.create(fields);
  afterTag(labelId);
}

function afterTag(labelId) {
  announce(`Tagged as ${labelName(labelId)}`);
  if (document.activeElement !== root()) clearSelection();
}

function markRegion(kind) {
  if (!S.canWrite) return;
  const sel = selectionCP();
  if (!sel) {
    toast('Select the passage to mark first.');
    return;
  }
  if (kind === 'comments') {
    CHANGES.region.create({ kind: 'comments', start: sel.start, end: sel.end });
    announce('Marked as readers’ comments');
    return;
  }
  openQuoteDialog(sel.exact, (outlet) => {
    const fields = { kind: 'quote', start: sel.start, end: sel.end };
    if (outlet) fields.origin_outlet_id = outlet.id;
    // Remembered so the pending region shows the outlet's name before the service answers.
    if (outlet) S.outlets.set(String(outlet.id), outlet.name);
    CHANGES.region.create(fields);
    announce(`Marked as a quote from ${outlet ? outlet.name : 'an unknown outlet'}`);
  });
}

// ---------- saving ----------

function articlePath(op) { return `/articles/${encodeURIComponent(op.articleId)}`; }

// acceptSuggestion sends an accepted suggestion: the accept route creates the annotation and
// counts the rule's acceptance. The route does not take Idempotency-Key, so a retry first looks
// for the annotation an earlier attempt may have created (answer lost on the way back). Changes
// made to the passage while the acceptance was queued follow as an edit.
async function acceptSuggestion(op, box) {
  const sg = op.suggestion;
  const id = encodeURIComponent(op.articleId);
  let created = null;
  if (op.attempts > 0 || op.tried) {
    // An annotation of the suggestion's label and span that no other change of ours created.
    const mine = await allPages(`/articles/${id}/annotations?user_id=${encodeURIComponent(S.user.id)}`);
    created = mine.find((a) => a.label === sg.label && a.start === sg.start && a.end === sg.end && box.localIdFor(a.id) === String(a.id)) ?? null;
  }
  if (!created) {
    const body = { label: sg.label, start: sg.start, end: sg.end, rule: sg.rule };
    if (op.body.note) body.note = op.body.note;
    op.tried = true; // persisted: a replay after a reload checks first as well
    box.persist();
    created = await api.post(`/articles/${id}/suggestions/accept`, body, { headers: { 'Idempotency-Key': op.opId } });
  }
  const extra = {};
  if (op.body.label && op.body.label !== created.label) extra.label = op.body.label;
  if (op.body.source && op.body.source.text) extra.source = op.body.source;
  if (op.body.note && op.body.note !== (created.note ?? '')) extra.note = op.body.note;
  if (!Object.keys(extra).length) return created;
  return api.patch(`/annotations/${encodeURIComponent(created.id)}`, { ...extra, version: created.version });
}

async function send(op, box) {
  const attempt = async () => {
    if (op.entity === 'suggestion') {
      if (op.kind !== 'reject') throw Object.assign(new Error(`unknown change ${op.kind}`), { disposition: 'reject' });
      return api.post(`${articlePath(op)}/suggestions/reject`, op.body);
    }
    if (op.kind === 'create' && op.entity === 'annotation' && op.suggestion) return acceptSuggestion(op, box);
    const sid = op.kind === 'create' ? null : box.serverId(op.target);
    if (op.kind !== 'create' && (sid === undefined || sid === null)) {
      throw Object.assign(new Error('its creation was never saved'), { disposition: 'reject' });
    }
    const base = op.entity === 'annotation' ? '/annotations/' : '/regions/';
    const known = (op.entity === 'annotation' ? S.annServer : S.regServer).get(op.target);
    switch (op.kind) {
      case 'create':
        return api.post(`${articlePath(op)}/${op.entity === 'annotation' ? 'annotations' : 'regions'}`, op.body, { headers: { 'Idempotency-Key': op.opId } });
      case 'update': {
        const body = { ...op.body };
        // The service clears a source given as empty strings (null means "leave it").
        if (op.entity === 'annotation' && 'source' in body && !body.source) body.source = { text: '', url: '' };
        // Sent against the version last read; an unknown one (a change adopted from a closed tab)
        // is learnt from the 409 answer.
        if (known?.version !== undefined) body.version = known.version;
        else if (op.entity === 'annotation') body.version = 0;
        try {
          return await api.patch(base + encodeURIComponent(sid), body);
        } catch (e) {
          // Our own other tab changed it first: the latest edit wins, sent against the current version.
          const current = e.body?.current;
          if (e.disposition === 'conflict' && current?.version !== undefined) {
            return api.patch(base + encodeURIComponent(sid), { ...body, version: current.version });
          }
          throw e;
        }
      }
      case 'delete':
        try {
          return await api.del(base + encodeURIComponent(sid));
        } catch (e) {
          if (e.status === 404) return null; // already gone
          throw e;
        }
      default:
        throw Object.assign(new Error(`unknown change ${op.kind}`), { disposition: 'reject' });
    }
  };
  try {
    return await attempt();
  } catch (e) {
    if (e.disposition === 'csrf') {
      await refreshCsrf();
      return attempt();
    }
    throw e;
  }
}

function onSettled(op, result, err) {
  S.generation++;
  if (op.entity === 'suggestion') {
    if (err) {
      S.sugRejected.delete(String(op.target).replace(/^sug:/, ''));
      toast(`A rejected suggestion could not be recorded: ${err.message}`);
    }
    if (S.view) recompute();
    return;
  }
  if (err) {
    toast(`A ${DESCRIBE[op.kind]} could not be saved: ${err.message}`);
    S.history.drop(op.target);
    scheduleRefresh(100);
  } else if (String(op.articleId) === String(S.articleId)) {
    const store = op.entity === 'annotation' ? S.annServer : S.regServer;
    if (op.kind === 'delete') store.delete(op.target);
    else if (result) store.set(op.target, { ...result, localId: op.target });
    S.channel?.notify({ entity: op.entity });
  }
  if (S.view) recompute();
}

function showSaveState(state) {
  const box = el('save-status');
  box.dataset.saveState = state.status;
  const text = {
    saved: 'All changes saved',
    saving: `Saving… (${state.pending})`,
    retrying: `Not saved yet: ${state.error?.message ?? 'the service did not answer'}. Retrying (${state.pending} waiting)`,
    'signed-out': `Signed out: sign in again to save ${state.pending} change${state.pending === 1 ? '' : 's'}`,
  }[state.status];
  el('save-text').textContent = text;
  el('retry-now').hidden = state.status !== 'retrying';
  const again = el('sign-in-again');
  again.hidden = state.status !== 'signed-out';
  again.href = '/login?next=' + encodeURIComponent(location.pathname);
  if (state.error && state.status === 'saved') toast(state.error.message);
}

let toastTimer = null;
function toast(msg) {
  const t = el('toast');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 6000);
}

// ---------- the side panel ----------

function excerpt(s, n = 90) {
  const one = (s ?? '').replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

function textOf(r) {
  if (r.exact) return r.exact;
  const s = spanOf(r);
  return s ? S.text.slice(s.start, s.end) : '';
}

function byTextOrder(a, b) { return a.start - b.start || b.end - a.end; }

function renderAnnList() {
  const list = el('ann-list');
  const mine = [...S.ann.values()].filter(isMine).sort(byTextOrder);
  el('ann-count').textContent = `(${mine.length})`;
  el('ann-empty').hidden = mine.length > 0;
  const frag = document.createDocumentFragment();
  for (const r of mine) {
    frag.append(h('li', { class: `ann-item label-${r.label}` },
      h('button', { type: 'button', class: 'ann-jump', dataset: { localId: r.localId }, 'aria-label': `${labelName(r.label)}: ${excerpt(textOf(r), 60)}. Show in the text` },
        h('span', { class: `badge badge-${r.label}`, 'data-mark': LABEL_BY_ID[r.label]?.mark, text: labelName(r.label) }),
        h('span', { class: 'excerpt', text: excerpt(textOf(r)) }),
        r.note ? h('span', { class: 'note', text: excerpt(r.note, 70) }) : null,
        r.source?.text ? h('span', { class: 'source', text: `Source: ${excerpt(r.source.text, 60)}` }) : null,
        r.pending ? h('span', { class: 'flag', text: 'saving…' }) : null,
        r.status === 'orphaned' ? h('span', { class: 'flag warn', text: 'orphaned: the text changed' }) : null),
      h('button', { type: 'button', class: 'ann-edit link', dataset: { localId: r.localId }, text: 'Edit', 'aria-label': `Edit ${labelName(r.label)} annotation` })));
  }
  list.replaceChildren(frag);
}

function renderRegionList() {
  const list = el('reg-list');
  const regs = [...S.reg.values()].sort(byTextOrder);
  el('reg-count').textContent = `(${regs.length})`;
  el('reg-empty').hidden = regs.length > 0;
  const frag = document.createDocumentFragment();
  for (const r of regs) {
    frag.append(h('li', { class: `reg-item region-${r.kind} status-${r.status}` },
      h('p', { class: 'reg-caption', text: `${regionCaption(r)}${r.status === 'rejected' ? ' (rejected)' : ''}` }),
      h('p', { class: 'excerpt', text: excerpt(textOf(r), 80) }),
      relationLine(r),
      r.reason ? h('details', { class: 'why small' }, h('summary', { text: 'Why it was detected' }), h('p', { class: 'muted', text: r.reason })) : null,
      regionButtons(r)));
  }
  list.replaceChildren(frag);
}

// relationLine says how a detected quote relates to the other articles that carry it.
function relationLine(r) {
  if (r.origin !== 'detected' || !r.relation) return null;
  const outlet = r.origin_outlet_name || S.outlets.get(String(r.origin_outlet_id)) || 'an unknown outlet';
  const text = {
    attributed: `Attributed: the text credits it to ${outlet}.`,
    reprint: `Reprint: carried without credit; ${outlet} published it earlier.`,
    sibling: `Sibling: another article carries it credited to ${outlet}; both copy a common source.`,
  }[r.relation] ?? `Relation: ${r.relation}.`;
  const other = r.other_article_id;
  return h('p', { class: `relation small relation-${r.relation}` }, text,
    other != null ? h('span', {}, ' ', h('a', { href: `/articles/${encodeURIComponent(other)}`, text: `Open article ${other}` })) : null);
}

function regionButtons(r) {
  const row = h('div', { class: 'row' });
  const what = regionCaption(r);
  row.append(h('button', { type: 'button', class: 'link', text: 'Show', 'aria-label': `Show ${what} in the text`, onclick: () => jumpToRegion(r.localId) }));
  if (S.canWrite) {
    if (r.status !== 'accepted') row.append(h('button', { type: 'button', class: 'small-btn', text: 'Accept', dataset: { action: 'accept-region' }, 'aria-label': `Accept: ${what}`, onclick: () => { CHANGES.region.update(r.localId, { status: 'accepted' }); announce('Region accepted. Ctrl+Z undoes it.'); } }));
    if (r.status !== 'rejected') row.append(h('button', { type: 'button', class: 'small-btn', text: 'Reject', dataset: { action: 'reject-region' }, 'aria-label': `Reject: ${what}`, onclick: () => { CHANGES.region.update(r.localId, { status: 'rejected' }); announce('Region rejected. Ctrl+Z undoes it.'); } }));
    if (r.origin === 'manual' || !r.id) row.append(h('button', { type: 'button', class: 'small-btn danger', text: 'Delete', onclick: () => { CHANGES.region.remove(r.localId); announce('Region deleted'); } }));
  }
  return row;
}

function flash(selector) {
  for (const e of root().querySelectorAll(selector)) {
    e.classList.remove('flash');
    void e.offsetWidth;
    e.classList.add('flash');
  }
}

function jumpTo(localId) {
  const r = S.ann.get(localId);
  if (!r) return;
  const s = spanOf(r);
  if (!s || r.status === 'orphaned') {
    openDetails([localId], []);
    return;
  }
  root().focus({ preventScroll: true });
  selectRange(s);
  keys().setRange(s.start, s.end);
  flash(`[data-local-id="${CSS.escape(localId)}"]`);
}

function jumpToRegion(localId) {
  const r = S.reg.get(localId);
  const s = r && spanOf(r);
  if (!s) return;
  root().focus({ preventScroll: true });
  selectRange(s);
  keys().setRange(s.start, s.end);
  flash(`[data-region-local="${CSS.escape(localId)}"]`);
}

// ---------- review and blind comparison ----------

function reviewStatus() { return S.article.review?.status ?? 'todo'; }

function showReview({ deferCompare = false } = {}) {
  const st = reviewStatus();
  const done = st === 'completed';
  el('review-status').textContent = done
    ? `Done${S.article.review?.completed_at ? ` on ${formatDate(S.article.review.completed_at)}` : ''}.`
    : st === 'in_progress' ? 'In progress. Other reviewers’ annotations stay hidden until you mark it done.' : 'Not started. Other reviewers’ annotations stay hidden until you mark it done.';
  el('mark-done').hidden = done || !S.canWrite;
  el('reopen').hidden = !done || !S.canWrite;
  const canCompare = done || !S.canWrite;
  el('compare-toggle').disabled = !canCompare;
  el('compare-hint').hidden = canCompare;
  el('compare-toggle').checked = canCompare && S.compareOn;
  if (deferCompare && canCompare && S.compareOn) {
    // Drawn right after the reviewer's own pane is ready for selection.
    el('compare').hidden = false;
    el('panes').classList.add('side-by-side');
    return;
  }
  showCompare(canCompare && S.compareOn);
}

function showCompare(on) {
  el('compare').hidden = !on;
  el('panes').classList.toggle('side-by-side', on);
  if (on && !S.compareView) {
    S.compareView = new TextView(el('compare-text'), S.text, { decorate });
    recompute();
    performance.mark('credence-compare-drawn');
  } else if (!on && S.compareView) {
    S.compareView = null;
    el('compare-text').replaceChildren();
  }
}

function renderCompareChoices() {
  const sel = el('compare-who');
  const others = new Map();
  for (const r of S.ann.values()) if (!isMine(r)) others.set(String(r.user_id), r.user_name || `Reviewer ${r.user_id}`);
  const want = ['all', ...others.keys()].join('|');
  if (sel.dataset.options === want) return;
  sel.dataset.options = want;
  sel.replaceChildren(h('option', { value: 'all', text: `All other reviewers (${others.size})` }),
    ...[...others].map(([id, name]) => h('option', { value: id, text: name })));
  sel.value = others.has(S.compareWho) ? S.compareWho : 'all';
}

async function waitForSaves(ms) {
  const until = Date.now() + ms;
  while (S.outbox.ops.length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return S.outbox.ops.length === 0;
}

async function markDone() {
  const btn = el('mark-done');
  btn.disabled = true;
  try {
    if (!(await waitForSaves(10000))) {
      toast('Some changes are not saved yet; the article can be marked done once they are.');
      return;
    }
    const res = await api.post(`/articles/${encodeURIComponent(S.articleId)}/complete`);
    S.article.review = { status: 'completed', completed_at: res?.completed_at };
    announce('Marked done. Other reviewers’ annotations can now be shown.');
    await refresh();
    el('compare-toggle').focus();
  } catch (e) {
    toast(`Could not mark the article done: ${e.message}`);
  } finally {
    btn.disabled = false;
  }
}

async function reopen() {
  try {
    await api.del(`/articles/${encodeURIComponent(S.articleId)}/complete`);
    S.article.review = { status: 'in_progress' };
    S.compareOn = false;
    await refresh();
    announce('Reopened');
  } catch (e) {
    toast(`Could not reopen: ${e.message}`);
  }
}

// ---------- machine suggestions ----------
//
// Suggestions are drawn with a dashed outline and a "label?" glyph, never filled like the
// reviewer's highlights, and carry data-suggestion-* attributes only (never data-annotation-id).
// n / p (or Tab from one) move between them, a accepts the focused or nearest one, x rejects it,
// s hides them all (remembered). Accepting goes through the outbox as an annotation creation
// (undone with Ctrl+Z like any other), rejecting through the outbox too, so neither is lost.

async function loadSuggestions() {
  if (!S.canWrite) return;
  try {
    const res = await api.get(`/articles/${encodeURIComponent(S.articleId)}/suggestions`);
    S.sugServer = Array.isArray(res?.items) ? res.items : [];
    S.sugWarning = typeof res?.warning === 'string' ? res.warning : '';
    S.sugLoaded = true;
  } catch (e) {
    S.sugServer = [];
    S.sugLoaded = false;
    S.sugWarning = e.status === 403 || e.status === 404 ? '' : `Suggestions could not be loaded: ${e.message}`;
  }
  el('sug-toggle').hidden = !S.sugLoaded;
  recompute();
}

function pendingRejections() {
  const keys = new Set(S.sugRejected);
  for (const o of S.outbox.ops) {
    if (o.entity === 'suggestion' && String(o.articleId) === String(S.articleId)) keys.add(String(o.target).replace(/^sug:/, ''));
  }
  return keys;
}

function computeVisibleSuggestions() {
  if (!S.sugServer.length) return [];
  return visibleSuggestions(S.sugServer, {
    rejected: pendingRejections(),
    annotations: [...S.ann.values()].filter(isMine),
    textAt: (a, b) => S.text.slice(S.map.toUTF16(a), S.map.toUTF16(b)),
    lengthCP: S.map.lengthCP,
  });
}

function decorateSuggestion(span, piece, first) {
  const s = span.rec;
  const key = suggestionKey(s);
  const e = document.createElement('span');
  e.className = `sug sug-${s.label}${first ? ' first' : ''}${piece.end === span.end ? ' last' : ''}`;
  e.dataset.suggestionRule = s.rule;
  e.dataset.suggestionLabel = s.label;
  e.dataset.suggestionKey = key;
  if (first) {
    // The first piece is what keyboard focus lands on; its description is the shared tooltip.
    e.dataset.mark = `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`;
    e.setAttribute('tabindex', '-1');
    e.setAttribute('role', 'mark');
    e.setAttribute('aria-roledescription', 'suggestion');
    e.setAttribute('aria-describedby', 'sug-tip');
    e.setAttribute('aria-keyshortcuts', 'a x n p');
  }
  return e;
}

function focusedSuggestionKey() {
  const a = document.activeElement;
  return a && a.dataset?.suggestionKey && root().contains(a) ? a.dataset.suggestionKey : null;
}

function sugElement(key) {
  return key ? root().querySelector(`[data-suggestion-key="${CSS.escape(key)}"].first`) : null;
}

// syncSuggestionDom marks the current suggestion (one tab stop, a stronger outline) and gives
// focus back to a suggestion whose element a redraw replaced, or to the next one after a decision.
function syncSuggestionDom(focusedBefore) {
  if (S.sugCurrent && !S.sugByKey.has(S.sugCurrent)) S.sugCurrent = null;
  for (const e of root().querySelectorAll('[data-suggestion-key]')) {
    const cur = e.dataset.suggestionKey === S.sugCurrent;
    e.classList.toggle('current', cur);
    if (e.classList.contains('first')) e.setAttribute('tabindex', cur ? '0' : '-1');
  }
  const lost = !document.activeElement || document.activeElement === document.body || !document.contains(document.activeElement);
  if (S.sugOn && (S.sugRefocus || (focusedBefore && lost))) {
    const target = sugElement(S.sugRefocus ? S.sugCurrent : (S.sugByKey.has(focusedBefore) ? focusedBefore : S.sugCurrent));
    if (target) focusSuggestionEl(target);
    else if (lost || S.sugRefocus) root().focus({ preventScroll: true });
  }
  S.sugRefocus = false;
  if (!S.sugOn || !focusedSuggestionKey()) {
    if (tipFor && !S.sugByKey.has(tipFor)) hideTip();
  }
}

function focusSuggestionEl(e) {
  e.focus({ preventScroll: true });
  const rect = e.getBoundingClientRect();
  if (rect.top < 90 || rect.bottom > window.innerHeight - 40) {
    window.scrollBy({ top: rect.top - window.innerHeight / 3, behavior: 'instant' });
  }
  showTip(e);
}

function cursorCP() {
  onSelectionChange();
  if (!S.sel) return null;
  const t = trimmed(S.sel) ?? S.sel;
  return S.map.spanToCodePoints(t.start, t.end);
}

// moveSuggestion is n (dir 1) and p (dir -1): focus the next or previous suggestion.
function moveSuggestion(dir) {
  if (!suggestionsUsable()) return;
  const list = S.sugVisible;
  if (!list.length) { announce('No suggestions left'); return; }
  // From the focused suggestion; else from the word cursor; else from the last one moved to.
  const focused = focusedSuggestionKey();
  const sel = focused ? null : cursorCP();
  const current = focused ?? (sel ? null : S.sugCurrent);
  const cur = current && S.sugByKey.has(current) ? current : null;
  const s = nextSuggestion(list, { currentKey: cur, offset: sel ? sel.start : null, dir });
  setCurrentSuggestion(s, { focus: true });
}

function setCurrentSuggestion(s, { focus = false } = {}) {
  S.sugCurrent = s ? suggestionKey(s) : null;
  syncSuggestionDom(null);
  if (s && focus) {
    const e = sugElement(S.sugCurrent);
    if (e) focusSuggestionEl(e);
  }
}

function suggestionsUsable() {
  if (!S.canWrite || !S.sugLoaded) return false;
  if (!S.sugOn) { announce('Suggestions are hidden: press s to show them'); return false; }
  return true;
}

// targetSuggestion is the suggestion a and x act on: the focused one; else the one under the
// cursor; else the current one (moved to with n / p); else the nearest in the cursor's paragraph.
function targetSuggestion() {
  const f = focusedSuggestionKey();
  if (f && S.sugByKey.has(f)) return S.sugByKey.get(f);
  const list = S.sugVisible;
  const sel = cursorCP();
  if (sel) {
    const under = list.filter((s) => s.start <= sel.start && s.end >= sel.end);
    if (under.length) return nearestSuggestion(under, sel.start, sel.end);
  }
  if (S.sugCurrent && S.sugByKey.has(S.sugCurrent)) return S.sugByKey.get(S.sugCurrent);
  if (sel) {
    const p = S.view.paras[keys().paraIndex(S.map.toUTF16(sel.start))];
    if (p) {
      const inPara = list.filter((s) => { const u = spanOf(s); return u && u.start < p.end && u.end > p.start; });
      if (inPara.length) return nearestSuggestion(inPara, sel.start, sel.end);
    }
  }
  return null;
}

function decideSuggestion(accept, s = targetSuggestion()) {
  if (!suggestionsUsable()) return;
  if (!s) {
    toast('No suggestion at the cursor: press n to go to the next one.');
    return;
  }
  const key = suggestionKey(s);
  const hadFocus = focusedSuggestionKey() === key;
  const next = afterDecision(S.sugVisible, key);
  S.sugCurrent = next ? suggestionKey(next) : null;
  S.sugRefocus = hadFocus;
  hideTip();
  if (accept) {
    CHANGES.annotation.create({ label: s.label, start: s.start, end: s.end, exact: s.exact }, { suggestion: { rule: s.rule, label: s.label, start: s.start, end: s.end } });
    announce(`Accepted as ${labelName(s.label)}: “${excerpt(s.exact, 60)}”. Ctrl+Z undoes it.${next ? '' : ' No suggestions left.'}`);
  } else {
    S.sugRejected.add(key);
    S.outbox.enqueue({ kind: 'reject', entity: 'suggestion', articleId: S.articleId, target: 'sug:' + key, body: { label: s.label, start: s.start, end: s.end, rule: s.rule } });
    recompute();
    announce(`Suggestion rejected: “${excerpt(s.exact, 60)}”.${next ? '' : ' No suggestions left.'}`);
  }
}

function toggleSuggestions(on = !S.sugOn) {
  if (!S.canWrite) return;
  S.sugOn = on;
  setSuggestionsOn(localStorage, on);
  if (!on) hideTip();
  const hadFocus = !!focusedSuggestionKey();
  recompute();
  if (!on && hadFocus) root().focus({ preventScroll: true });
  announce(on ? `Suggestions shown (${S.sugVisible.length})` : 'Suggestions hidden');
}

function renderSuggestions() {
  const section = el('sug-section');
  const btn = el('sug-toggle');
  btn.setAttribute('aria-pressed', String(S.sugOn));
  btn.classList.toggle('off', !S.sugOn);
  el('sug-toggle-state').textContent = S.sugOn ? 'on' : 'off';
  const warn = el('sug-warning');
  if (warn.dataset.text !== S.sugWarning) {
    // Unobtrusive: one line, the service's full message behind a disclosure.
    warn.dataset.text = S.sugWarning;
    warn.replaceChildren(S.sugWarning ? h('details', {},
      h('summary', { text: S.sugLoaded ? 'Built-in rules only: the external suggestion model failed' : 'Suggestions are unavailable' }),
      h('p', { text: S.sugWarning })) : '');
  }
  warn.hidden = !S.sugWarning;
  section.hidden = !S.canWrite || (!S.sugLoaded && !S.sugWarning);
  section.dataset.state = !S.sugLoaded ? 'unavailable' : S.sugOn ? 'on' : 'off';
  const list = el('sug-list');
  const items = S.sugVisible;
  el('sug-count').textContent = S.sugLoaded ? `(${items.length})` : '';
  el('sug-off').hidden = S.sugOn || !S.sugLoaded;
  el('sug-empty').hidden = !S.sugOn || !S.sugLoaded || items.length > 0;
  list.hidden = !S.sugOn;
  const want = S.sugOn ? items.map(suggestionKey).join('\n') + `|${S.sugCurrent}` : '';
  if (list.dataset.sig === want) return;
  list.dataset.sig = want;
  if (!S.sugOn) { list.replaceChildren(); return; }
  // A decision made with the panel's buttons keeps focus in the panel, on the next suggestion.
  const active = document.activeElement;
  const hadFocus = list.contains(active) ? ['sug-accept', 'sug-reject', 'link'].find((c) => active.classList.contains(c)) ?? 'link' : null;
  const frag = document.createDocumentFragment();
  for (const s of items) {
    const key = suggestionKey(s);
    const name = labelName(s.label);
    frag.append(h('li', { class: `sug-item sug-item-${s.label}${key === S.sugCurrent ? ' current' : ''}`, dataset: { suggestionKey: key } },
      h('span', { class: `sug-badge sug-badge-${s.label}`, 'data-mark': `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`, text: `Suggested: ${name}` }),
      h('span', { class: 'excerpt', text: excerpt(s.exact) }),
      s.reason ? h('span', { class: 'reason muted small', text: s.reason }) : null,
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'link', text: 'Show', 'aria-label': `Show the suggestion “${excerpt(s.exact, 40)}” in the text`, onclick: () => setCurrentSuggestion(s, { focus: true }) }),
        h('button', { type: 'button', class: 'small-btn sug-accept', text: 'Accept', 'aria-label': `Accept as ${name}: “${excerpt(s.exact, 40)}”`, onclick: () => decideSuggestion(true, S.sugByKey.get(key)) }),
        h('button', { type: 'button', class: 'small-btn sug-reject', text: 'Reject', 'aria-label': `Reject the ${name} suggestion “${excerpt(s.exact, 40)}”`, onclick: () => decideSuggestion(false, S.sugByKey.get(key)) }))));
  }
  list.replaceChildren(frag);
  if (hadFocus) {
    const li = (S.sugCurrent && list.querySelector(`li[data-suggestion-key="${CSS.escape(S.sugCurrent)}"]`)) || list.querySelector('li');
    (li?.querySelector(`.${hadFocus}`) ?? el('sug-section').querySelector('h2')).focus?.();
    if (!li) root().focus({ preventScroll: true });
  }
}

// The tooltip: the reason of the suggestion under the pointer or with keyboard focus, the
// description (aria-describedby) of every suggestion's focusable piece. Esc hides it.
let tipFor = null;
let tipTimer = null;

function showTip(e) {
  const key = e?.dataset?.suggestionKey;
  const s = key && S.sugByKey.get(key);
  if (!s) return;
  clearTimeout(tipTimer);
  const tip = el('sug-tip');
  if (tipFor !== key) {
    tip.replaceChildren(
      h('span', { class: `sug-badge sug-badge-${s.label}`, 'data-mark': `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`, text: `Suggested: ${labelName(s.label)}` }),
      h('span', { class: 'tip-reason', text: s.reason || 'No reason given.' }),
      S.canWrite ? h('span', { class: 'tip-keys', text: 'a accept · x reject · n / p next, previous' }) : null);
    tipFor = key;
  }
  tip.hidden = false;
  const first = sugElement(key) ?? e;
  const rects = first.getClientRects();
  const r = rects.length ? rects[0] : first.getBoundingClientRect();
  const width = tip.offsetWidth;
  const left = Math.max(8, Math.min(r.left, document.documentElement.clientWidth - width - 8));
  let top = r.bottom + 8;
  if (top + tip.offsetHeight > window.innerHeight - 8) top = r.top - tip.offsetHeight - 8;
  tip.style.left = `${Math.round(left + window.scrollX)}px`;
  tip.style.top = `${Math.round(top + window.scrollY)}px`;
}

function hideTip() {
  clearTimeout(tipTimer);
  tipFor = null;
  el('sug-tip').hidden = true;
}

function wireSuggestionEvents() {
  const r = root();
  r.addEventListener('mouseover', (ev) => {
    const e = ev.target.closest?.('[data-suggestion-key]');
    if (e) showTip(e);
  });
  r.addEventListener('mouseout', (ev) => {
    const from = ev.target.closest?.('[data-suggestion-key]');
    if (!from) return;
    const to = ev.relatedTarget?.closest?.('[data-suggestion-key], #sug-tip');
    if (to && (to.id === 'sug-tip' || to.dataset.suggestionKey === from.dataset.suggestionKey)) return;
    clearTimeout(tipTimer);
    tipTimer = setTimeout(() => {
      const f = document.activeElement;
      if (f?.dataset?.suggestionKey && r.contains(f)) showTip(f); else hideTip();
    }, 250);
  });
  // The tooltip stays while the pointer is on it (it can be read and its text selected).
  el('sug-tip').addEventListener('mouseenter', () => clearTimeout(tipTimer));
  el('sug-tip').addEventListener('mouseleave', () => { tipTimer = setTimeout(hideTip, 250); });
  r.addEventListener('focusin', (ev) => {
    const e = ev.target.closest?.('[data-suggestion-key]');
    if (!e) return;
    if (S.sugCurrent !== e.dataset.suggestionKey) {
      S.sugCurrent = e.dataset.suggestionKey;
      syncSuggestionDom(null);
      renderSuggestions();
    }
    showTip(e);
  });
  r.addEventListener('focusout', (ev) => {
    if (ev.target.dataset?.suggestionKey && !ev.relatedTarget?.closest?.('#sug-tip')) hideTip();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !el('sug-tip').hidden) hideTip();
  });
  el('sug-toggle').addEventListener('click', () => toggleSuggestions());
}

// ---------- passages shared with other articles ----------

async function loadReprints() {
  let items = [];
  try {
    items = (await api.get(`/articles/${encodeURIComponent(S.articleId)}/reprints`))?.items ?? [];
  } catch {
    items = [];
  }
  S.reprints = groupReprints(items, S.map.lengthCP).map((g, index) => ({ ...g, index }));
  recompute();
  renderReprints();
  // The list gives the other articles' outlets by id: fetch their names once, then show them.
  const missing = new Set();
  for (const g of S.reprints) for (const o of g.others) if (o.outlet_id != null && !S.outlets.has(String(o.outlet_id))) missing.add(String(o.outlet_id));
  await Promise.all([...missing].map(async (id) => {
    try {
      const o = await api.get(`/outlets/${encodeURIComponent(id)}`);
      if (o?.name) S.outlets.set(id, o.name);
    } catch { /* shown without its outlet's name */ }
  }));
  if (missing.size) renderReprints();
}

function reprintSpans() {
  const out = [];
  for (const g of S.reprints) {
    const s = spanOf(g);
    if (s) out.push({ key: `p:${g.index}`, start: s.start, end: s.end, layer: -1, kind: 'reprint', rec: g, look: `${g.others.length}` });
  }
  return out;
}

function outletName(id) { return id == null ? '' : S.outlets.get(String(id)) ?? ''; }

function labelCountNodes(counts) {
  const sum = labelSummary(counts, LABELS.map((l) => l.id));
  if (!sum.length) return [h('span', { class: 'muted small', text: 'not annotated there yet' })];
  return sum.map(({ label, count }) => h('span', { class: `badge badge-${label}`, 'data-mark': LABEL_BY_ID[label]?.mark ?? '?', text: `${count} × ${labelName(label)}` }));
}

// reprintBody is one shared passage: how many other articles carry it, a link to each, and how
// reviewers annotated it there.
function reprintBody(g, { showButton = true } = {}) {
  const total = totalAnnotations(g);
  return [
    h('p', { class: 'excerpt', text: `“${excerpt(textOf(g), 110)}”` }),
    h('p', { class: 'rep-summary', text: `${reprintCaption(g)}${total ? ` · annotated ${total} time${total === 1 ? '' : 's'} there` : ''}` }),
    h('ul', { class: 'rep-others' }, ...g.others.map((o) => {
      const outlet = outletName(o.outlet_id);
      return h('li', { class: 'rep-other' },
        h('a', { href: `/articles/${encodeURIComponent(o.article_id)}`, class: 'rep-link', dataset: { articleId: String(o.article_id) } }, o.title || `Article ${o.article_id}`),
        h('span', { class: 'muted small', text: ` ${outlet ? `· ${outlet} ` : ''}· ${Math.round((o.similarity ?? 0) * 100)}% the same` }),
        h('span', { class: 'rep-labels' }, ...labelCountNodes(o.annotations)));
    })),
    showButton ? h('div', { class: 'row' }, h('button', { type: 'button', class: 'link', text: 'Show in the text', onclick: () => jumpToSpan(g) })) : null,
  ];
}

function renderReprints() {
  const list = el('rep-list');
  el('rep-section').hidden = S.reprints.length === 0;
  el('rep-count').textContent = `(${S.reprints.length})`;
  list.replaceChildren(...S.reprints.map((g) => h('li', { class: 'rep-item', dataset: { reprintIndex: String(g.index) } }, ...reprintBody(g))));
}

function jumpToSpan(r) {
  const s = spanOf(r);
  if (!s) return;
  root().focus({ preventScroll: true });
  selectRange(s);
  keys().setRange(s.start, s.end);
}

// ---------- dialogs ----------

// modal opens a dialog and gives focus back to where it was when the dialog closes.
function modal(dialog, focusEl) {
  const back = document.activeElement;
  const backSel = S.sel && back === root() ? { ...S.sel } : null;
  dialog.showModal();
  if (focusEl) focusEl.focus();
  dialog.addEventListener('close', () => {
    if (back && document.contains(back)) back.focus({ preventScroll: true });
    if (backSel) restoreSelection(backSel);
  }, { once: true });
}

function openSourceDialog(exact, onSave) {
  const d = el('source-dialog');
  const f = el('source-form');
  f.reset();
  el('source-quote').textContent = `“${excerpt(exact, 200)}”`;
  el('source-error').hidden = true;
  const submit = (ev) => {
    ev.preventDefault();
    const text = el('source-text').value.trim();
    const url = el('source-url').value.trim();
    if (!text) {
      el('source-error').textContent = 'Name the source the text gives (a report, a person, an outlet).';
      el('source-error').hidden = false;
      el('source-text').focus();
      return;
    }
    if (url && !/^https?:\/\/\S+$/i.test(url)) {
      el('source-error').textContent = 'The address should start with http:// or https://.';
      el('source-error').hidden = false;
      el('source-url').focus();
      return;
    }
    const note = el('source-note').value.trim();
    d.close();
    onSave({ source: url ? { text, url } : { text }, note });
  };
  f.onsubmit = submit;
  el('source-cancel').onclick = () => d.close();
  modal(d, el('source-text'));
}

function openQuoteDialog(exact, onSave) {
  const d = el('quote-dialog');
  const input = el('outlet-input');
  const listbox = el('outlet-options');
  let chosen = null;
  let options = [];
  let active = -1;
  let seq = 0;
  input.value = '';
  listbox.hidden = true;
  input.setAttribute('aria-expanded', 'false');
  el('quote-quote').textContent = `“${excerpt(exact, 200)}”`;
  el('quote-error').hidden = true;
  const chosenText = () => {
    el('outlet-chosen').textContent = chosen ? `Credited to ${chosen.name}.` : 'No outlet chosen: the quote will be credited to an unknown outlet.';
  };
  chosenText();
  const setActive = (i) => {
    active = i;
    [...listbox.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', listbox.children[i].id);
      listbox.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (o) => {
    chosen = o;
    input.value = o.name;
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    chosenText();
  };
  const search = async () => {
    const q = input.value.trim();
    const mySeq = ++seq;
    chosen = chosen && chosen.name === input.value ? chosen : null;
    chosenText();
    if (!q) { listbox.hidden = true; input.setAttribute('aria-expanded', 'false'); return; }
    let items = [];
    try {
      items = (await api.get(`/outlets?q=${encodeURIComponent(q)}&limit=8`))?.items ?? [];
    } catch (e) {
      el('quote-error').textContent = `Outlets could not be searched: ${e.message}`;
      el('quote-error').hidden = false;
      return;
    }
    if (mySeq !== seq) return;
    options = items;
    listbox.replaceChildren(...items.map((o, k) => {
      const also = [...(o.aliases ?? []), ...(o.domains ?? [])].slice(0, 3).join(', ');
      return h('li', { role: 'option', id: `outlet-opt-${k}`, 'aria-selected': 'false', onmousedown: (ev) => { ev.preventDefault(); choose(o); } },
        h('span', { class: 'opt-name', text: o.name }), also ? h('span', { class: 'opt-also', text: also }) : null);
    }));
    if (items.length === 0) listbox.append(h('li', { class: 'opt-none', text: 'No outlet matches.' }));
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    setActive(items.length ? 0 : -1);
  };
  let timer = null;
  input.oninput = () => { clearTimeout(timer); timer = setTimeout(search, 150); };
  input.onkeydown = (ev) => {
    if (ev.key === 'ArrowDown' && options.length) { ev.preventDefault(); setActive(Math.min(options.length - 1, active + 1)); }
    else if (ev.key === 'ArrowUp' && options.length) { ev.preventDefault(); setActive(Math.max(0, active - 1)); }
    else if (ev.key === 'Enter' && !listbox.hidden && active >= 0) { ev.preventDefault(); choose(options[active]); }
    else if (ev.key === 'Escape' && !listbox.hidden) { ev.preventDefault(); ev.stopPropagation(); listbox.hidden = true; input.setAttribute('aria-expanded', 'false'); }
  };
  el('quote-form').onsubmit = (ev) => {
    ev.preventDefault();
    if (!listbox.hidden && active >= 0 && !chosen) choose(options[active]);
    d.close();
    onSave(chosen);
  };
  el('quote-cancel').onclick = () => d.close();
  modal(d, input);
}

function buildHelp() {
  const body = el('help-body');
  body.replaceChildren(...LABELS.map((l) => h('section', { class: `guide guide-${l.id}` },
    h('h3', {}, h('span', { class: `badge badge-${l.id}`, 'data-mark': l.mark, text: l.name }), ' ', h('kbd', { text: l.key })),
    h('p', { text: l.definition }),
    h('ul', { class: 'examples' }, ...l.examples.map((x) => h('li', { text: x }))),
    h('p', { class: 'muted small', text: l.notes }))));
  el('help-close').onclick = () => el('help-dialog').close();
}

function openHelp() { modal(el('help-dialog'), el('help-close')); }

// openDetails shows every annotation and region under a point, editable when they are the reviewer's.
function openDetails(annIds, regIds, sugKeys = [], repIdx = []) {
  const d = el('details-dialog');
  const body = el('details-body');
  const sessions = new Map(); // localId → {before, timer}
  const items = annIds.map((id) => S.ann.get(id)).filter(Boolean).sort(byTextOrder);
  const regs = regIds.map((id) => S.reg.get(id)).filter(Boolean);
  const sugs = S.sugOn ? [...new Set(sugKeys)].map((k) => S.sugByKey.get(k)).filter(Boolean) : [];
  const reps = [...new Set(repIdx)].map((i) => S.reprints[i]).filter(Boolean);
  el('details-title').textContent = items.length + regs.length + sugs.length + reps.length > 1 ? 'Passages here' : 'Passage';
  const sections = [];
  for (const r of items) sections.push(isMine(r) && S.canWrite ? editableAnnotation(r, sessions, d) : readonlyAnnotation(r));
  for (const s of sugs) {
    const decide = (accept) => { d.close(); decideSuggestion(accept, S.sugByKey.get(suggestionKey(s))); };
    sections.push(h('section', { class: 'detail sug-detail', dataset: { suggestionKey: suggestionKey(s) } },
      h('h3', {}, h('span', { class: `sug-badge sug-badge-${s.label}`, 'data-mark': `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`, text: `Suggested: ${labelName(s.label)}` })),
      h('p', { class: 'quote-preview', text: `“${excerpt(s.exact, 300)}”` }),
      h('p', { class: 'muted small', text: `Why: ${s.reason || 'no reason given'}` }),
      S.canWrite ? h('div', { class: 'row' },
        h('button', { type: 'button', class: 'primary sug-accept', text: `Accept as ${labelName(s.label)}`, onclick: () => decide(true) }),
        h('button', { type: 'button', class: 'sug-reject', text: 'Reject', onclick: () => decide(false) })) : null));
  }
  for (const r of regs) {
    sections.push(h('section', { class: `detail region-detail region-${r.kind}` },
      h('h3', { text: regionCaption(r) }),
      h('p', { class: 'quote-preview', text: `“${excerpt(textOf(r), 200)}”` }),
      relationLine(r),
      r.reason ? h('p', { class: 'muted small', text: `Detected: ${r.reason}` }) : null,
      h('p', { class: 'muted small', text: `Status: ${r.status}` }),
      regionButtons(r)));
  }
  for (const g of reps) {
    sections.push(h('section', { class: 'detail rep-detail' }, h('h3', { text: 'Also published in…' }), ...reprintBody(g, { showButton: false })));
  }
  body.replaceChildren(...sections);
  el('details-close').onclick = () => d.close();
  d.addEventListener('close', () => {
    for (const [id, s] of sessions) {
      clearTimeout(s.timer);
      s.flush?.();
      const now = S.ann.get(id);
      if (now) recordEdit(id, s.before, fieldsForUndo(now));
    }
    updateUndoButtons();
  }, { once: true });
  modal(d, body.querySelector('input, textarea, button') ?? el('details-close'));
}

function readonlyAnnotation(r) {
  return h('section', { class: `detail label-${r.label}` },
    h('h3', {}, h('span', { class: `badge badge-${r.label}`, 'data-mark': LABEL_BY_ID[r.label]?.mark, text: labelName(r.label) }),
      r.user_name && !isMine(r) ? h('span', { class: 'muted', text: ` by ${r.user_name}` }) : null),
    h('p', { class: 'quote-preview', text: `“${excerpt(textOf(r), 300)}”` }),
    r.source?.text ? h('p', { text: `Source: ${r.source.text}` }) : null,
    r.source?.url ? h('p', {}, h('a', { href: /^https?:\/\//i.test(r.source.url) ? r.source.url : '#', rel: 'noopener noreferrer', target: '_blank', text: r.source.url })) : null,
    r.note ? h('p', { class: 'note', text: `Note: ${r.note}` }) : null);
}

function editableAnnotation(r, sessions, dialog) {
  const id = r.localId;
  const uid = id.replace(/[^a-zA-Z0-9_-]/g, '');
  const session = () => {
    if (!sessions.has(id)) sessions.set(id, { before: fieldsForUndo(S.ann.get(id)), timer: null });
    return sessions.get(id);
  };
  const sourceBox = h('div', { class: 'source-fields' });
  const srcText = h('input', { id: `src-${uid}`, value: r.source?.text ?? '', autocomplete: 'off' });
  const srcUrl = h('input', { id: `url-${uid}`, type: 'url', value: r.source?.url ?? '', autocomplete: 'off', placeholder: 'https://' });
  sourceBox.append(
    h('div', { class: 'field' }, h('label', { for: `src-${uid}`, text: 'Source named in the text' }), srcText),
    h('div', { class: 'field' }, h('label', { for: `url-${uid}`, text: 'Address of the source (optional)' }), srcUrl));
  sourceBox.hidden = r.label !== 'sourced_fact';
  const note = h('textarea', { id: `note-${uid}`, rows: '2' });
  note.value = r.note ?? '';
  const saveText = () => {
    const s = session();
    clearTimeout(s.timer);
    s.timer = null;
    s.flush = null;
    const cur = S.ann.get(id);
    if (!cur) return;
    const changes = {};
    if ((cur.note ?? '') !== note.value) changes.note = note.value;
    const t = srcText.value.trim();
    const u = srcUrl.value.trim();
    const src = t ? (u ? { text: t, url: u } : { text: t }) : null;
    if (JSON.stringify(cur.source && cur.source.text ? cur.source : null) !== JSON.stringify(src) && (src || cur.source)) changes.source = src;
    if (Object.keys(changes).length) CHANGES.annotation.update(id, changes, { record: false });
  };
  const later = () => {
    const s = session();
    clearTimeout(s.timer);
    s.flush = saveText;
    s.timer = setTimeout(saveText, 400);
  };
  note.addEventListener('input', later);
  srcText.addEventListener('input', later);
  srcUrl.addEventListener('input', later);

  const radios = h('fieldset', { class: 'label-choice' }, h('legend', { text: 'Label' }),
    ...LABELS.map((l) => {
      const input = h('input', { type: 'radio', name: `label-${uid}`, value: l.id, id: `lab-${uid}-${l.id}` });
      input.checked = l.id === r.label;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        session();
        CHANGES.annotation.update(id, { label: l.id }, { record: false });
        sourceBox.hidden = l.id !== 'sourced_fact';
        if (l.id === 'sourced_fact' && !srcText.value) srcText.focus();
        announce(`Label changed to ${l.name}`);
      });
      return h('label', { for: `lab-${uid}-${l.id}`, class: `radio label-${l.id}` }, input, h('span', { class: `badge badge-${l.id}`, 'data-mark': l.mark, text: l.name }));
    }));

  const del = h('button', { type: 'button', class: 'danger', text: 'Delete annotation' });
  const section = h('section', { class: `detail label-${r.label}`, dataset: { localId: id, forAnnotation: String(r.id ?? id) } },
    h('p', { class: 'quote-preview', text: `“${excerpt(textOf(r), 300)}”` }),
    r.status === 'orphaned' ? h('p', { class: 'warn', text: 'This passage could not be found again after the text was edited.' }) : null,
    radios, sourceBox,
    h('div', { class: 'field' }, h('label', { for: `note-${uid}`, text: 'Note' }), note),
    h('div', { class: 'row end' }, del));
  del.addEventListener('click', () => {
    const s = sessions.get(id);
    if (s) {
      clearTimeout(s.timer);
      s.flush?.();
      const now = S.ann.get(id);
      if (now) recordEdit(id, s.before, fieldsForUndo(now));
      sessions.delete(id);
    }
    CHANGES.annotation.remove(id);
    announce('Annotation deleted');
    section.remove();
    if (!el('details-body').querySelector('section')) dialog.close();
    else el('details-body').querySelector('input, button')?.focus();
  });
  return section;
}

// recordEdit keeps one undo step for everything changed while a passage's editor was open.
function recordEdit(id, before, after) {
  const b = {};
  const a = {};
  for (const k of Object.keys(before)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  if (Object.keys(a).length) S.history.record({ type: 'update', entity: 'annotation', id, before: b, after: a });
}

function fieldsForUndo(r) {
  return { label: r.label, note: r.note ?? '', source: r.source && r.source.text ? r.source : null };
}

// ---------- events ----------

function buildPalette() {
  const p = el('palette');
  for (const l of LABELS) {
    p.append(h('button', {
      type: 'button', class: `label-btn label-${l.id}`, dataset: { label: l.id }, disabled: true,
      'aria-keyshortcuts': l.key, title: `${l.name} (${l.key})`,
      onclick: () => tag(l.id),
    }, h('span', { class: `swatch swatch-${l.id}`, 'aria-hidden': 'true', 'data-mark': l.mark }), l.name, ' ', h('kbd', { text: l.key })));
  }
}

function dialogOpen() { return !!document.querySelector('dialog[open]'); }

function isTyping(t) { return !!(t && t.closest && t.closest('input, textarea, select, [contenteditable="true"]')); }

function underPoint(target, container) {
  const anns = [];
  const regs = [];
  const sugs = [];
  const reps = [];
  for (let n = target; n && n !== container; n = n.parentElement) {
    if (n.dataset?.localId) anns.push(n.dataset.localId);
    if (n.dataset?.regionLocal) regs.push(n.dataset.regionLocal);
    if (n.dataset?.suggestionKey) sugs.push(n.dataset.suggestionKey);
    if (n.dataset?.reprintIndex) reps.push(Number(n.dataset.reprintIndex));
  }
  return { anns, regs, sugs, reps };
}

function wireEvents() {
  const r = root();
  document.addEventListener('selectionchange', onSelectionChange);
  // Keep the text selection when a toolbar button is pressed with the mouse or a finger.
  el('toolbar').addEventListener('pointerdown', (ev) => { if (ev.target.closest('button')) ev.preventDefault(); });

  let pointerFocus = false;
  r.addEventListener('pointerdown', () => { pointerFocus = true; });
  r.addEventListener('focus', () => {
    if (!pointerFocus && !S.sel) {
      // Keyboard focus: put the word cursor on the first word in view.
      const K = keys();
      const top = S.view.paraEls.findIndex((p) => p.getBoundingClientRect().bottom > 60);
      const para = S.view.paras[Math.max(0, top)];
      selectRange(K.setWord(K.wordAt(para.start)), { scroll: false });
    }
    pointerFocus = false;
  });

  r.addEventListener('click', (ev) => {
    const sel = document.getSelection();
    if (sel.rangeCount && !sel.isCollapsed && S.view.rangeOffsets(sel.getRangeAt(0))) return;
    const { anns, regs, sugs, reps } = underPoint(ev.target, r);
    if (anns.length || regs.length || sugs.length || reps.length) openDetails(anns, regs, sugs, reps);
  });
  el('compare-text').addEventListener('click', (ev) => {
    const { anns, regs } = underPoint(ev.target, el('compare-text'));
    if (anns.length || regs.length) openDetails(anns, regs);
  });

  r.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey) return;
    const onSug = ev.target !== r && ev.target.dataset?.suggestionKey ? S.sugByKey.get(ev.target.dataset.suggestionKey) : null;
    if (onSug && ev.key === 'Tab' && !ev.altKey) {
      // Tab and Shift+Tab go from suggestion to suggestion, and on out past the last or first.
      const i = S.sugVisible.indexOf(onSug);
      const to = S.sugVisible[i + (ev.shiftKey ? -1 : 1)];
      if (to) {
        ev.preventDefault();
        setCurrentSuggestion(to, { focus: true });
      }
      return;
    }
    if (onSug && ev.key === 'Enter') {
      ev.preventDefault();
      openDetails([], [], [suggestionKey(onSug)], []);
      return;
    }
    if (onSug && !S.sel && ev.key.startsWith('Arrow')) {
      // The arrow keys leave the suggestion for the word cursor, starting at its first word.
      ev.preventDefault();
      const span = spanOf(onSug);
      r.focus({ preventScroll: true });
      if (span) selectRange(keys().setWord(keys().wordAt(span.start)));
      return;
    }
    const K = keys();
    if (S.sel && (!K.range || K.range.start !== S.sel.start || K.range.end !== S.sel.end)) K.setRange(S.sel.start, S.sel.end);
    let next;
    switch (ev.key) {
      case 'ArrowRight': next = ev.shiftKey ? (ev.altKey ? K.extendChar(1) : K.extend(1)) : K.move(1); break;
      case 'ArrowLeft': next = ev.shiftKey ? (ev.altKey ? K.extendChar(-1) : K.extend(-1)) : K.move(-1); break;
      case 'ArrowDown': next = ev.shiftKey ? K.extendParagraph(1) : K.moveParagraph(1); break;
      case 'ArrowUp': next = ev.shiftKey ? K.extendParagraph(-1) : K.moveParagraph(-1); break;
      case 'Enter': {
        ev.preventDefault();
        onSelectionChange(); // a key pressed right after selecting can arrive before selectionchange
        if (!S.sel) return;
        const anns = [...S.ann.values()].filter((a) => isMine(a) && overlaps(a, S.sel)).map((a) => a.localId);
        const regs = [...S.reg.values()].filter((g) => g.status !== 'rejected' && overlaps(g, S.sel)).map((g) => g.localId);
        const sugs = S.sugOn ? S.sugVisible.filter((s) => overlaps(s, S.sel)).map(suggestionKey) : [];
        const reps = S.reprints.filter((g) => overlaps(g, S.sel)).map((g) => g.index);
        if (anns.length || regs.length || sugs.length || reps.length) openDetails(anns, regs, sugs, reps);
        else announce('No annotation here');
        return;
      }
      case 'Escape': clearSelection(); return;
      default: return;
    }
    ev.preventDefault();
    selectRange(next);
  });

  document.addEventListener('keydown', (ev) => {
    if (dialogOpen()) return;
    const typing = isTyping(ev.target);
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ['z', 'Z', 'y', 'Y'].includes(ev.key)) {
      if (typing) return;
      ev.preventDefault();
      if (ev.key === 'y' || ev.key === 'Y' || ev.shiftKey) redo(); else undo();
      return;
    }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (LABEL_BY_KEY[ev.key]) { ev.preventDefault(); tag(LABEL_BY_KEY[ev.key].id); }
    else if (ev.key === '?') { ev.preventDefault(); openHelp(); }
    else if (ev.key === 'q') { ev.preventDefault(); markRegion('quote'); }
    else if (ev.key === 'c') { ev.preventDefault(); markRegion('comments'); }
    else if (S.canWrite && (ev.key === 'a' || ev.key === 'x')) { ev.preventDefault(); decideSuggestion(ev.key === 'a'); }
    else if (S.canWrite && (ev.key === 'n' || ev.key === 'p')) { ev.preventDefault(); moveSuggestion(ev.key === 'n' ? 1 : -1); }
    else if (S.canWrite && ev.key === 's' && S.sugLoaded) { ev.preventDefault(); toggleSuggestions(); }
  });
  wireSuggestionEvents();
  // The toolbar wraps on narrower screens: the sticky panel starts below it, whatever its height.
  const bar = el('toolbar');
  const setBar = () => document.documentElement.style.setProperty('--toolbar-h', `${bar.offsetHeight}px`);
  setBar();
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(setBar).observe(bar);

  el('undo').addEventListener('click', undo);
  el('redo').addEventListener('click', redo);
  el('help-open').addEventListener('click', openHelp);
  el('mark-quote').addEventListener('click', () => markRegion('quote'));
  el('mark-comments').addEventListener('click', () => markRegion('comments'));
  el('retry-now').addEventListener('click', () => S.outbox.kick());
  el('mark-done').addEventListener('click', markDone);
  el('reopen').addEventListener('click', reopen);
  el('compare-toggle').addEventListener('change', async (ev) => {
    S.compareOn = ev.target.checked;
    localStorage.setItem('credence.compare', S.compareOn ? 'on' : 'off');
    showCompare(S.compareOn);
    if (S.compareOn) await refresh(); // fetch the other reviewers' annotations
  });
  el('compare-who').addEventListener('change', (ev) => { S.compareWho = ev.target.value; recompute(); });
  el('ann-list').addEventListener('click', (ev) => {
    const jump = ev.target.closest('.ann-jump');
    if (jump) { jumpTo(jump.dataset.localId); return; }
    const edit = ev.target.closest('.ann-edit');
    if (edit) openDetails([edit.dataset.localId], []);
  });
  const toggle = el('panel-toggle');
  toggle.addEventListener('click', () => {
    const open = !document.body.classList.contains('panel-open');
    document.body.classList.toggle('panel-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) el('panel').querySelector('h2')?.scrollIntoView({ block: 'nearest' });
  });

  window.addEventListener('online', () => S.outbox.kick());
  const onBack = () => {
    if (document.visibilityState !== 'visible' || Date.now() - lastRefresh < 1500) return;
    S.outbox.kick();
    refresh();
  };
  window.addEventListener('focus', onBack);
  document.addEventListener('visibilitychange', onBack);
  updateToolbar();
}

function overlaps(r, sel) {
  const s = spanOf(r);
  return s && s.start < sel.end && s.end > sel.start;
}

main().catch((e) => {
  if (e instanceof ApiError && e.status === 401) return;
  el('load-error').textContent = `Something went wrong: ${e.message}`;
  el('load-error').hidden = false;
  document.body.dataset.state = 'error';
  throw e;
});
