// The annotation workspace's state: one named, documented record, and the operations that
// change it. Other modules read the fields freely but change them only through the functions
// below (or the few documented ones that own a field), so every way the page's state can move is
// listed here.
//
// Data flow: the service's annotations and regions (keyed by a local id that stays the same
// while a creation is in flight) + the outbox's queued changes laid over them = what the page
// shows (ann, reg). Offsets cross between UTF-16 and code points only through OffsetMap.

import { applyPending } from '../outbox.js';
import { History } from '../undo.js';
import { suggestionKey, suggestionsOn } from '../suggestions.js';

export const S = {
  /** The signed-in user, from /me. */
  user: null,
  /** The article id from the address /articles/{id}. */
  articleId: decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? ''),
  /** The article as the service sent it, without its annotation and region lists; carries `review`. */
  article: null,
  /** The article text (NFC, as stored) and its UTF-16 ⇄ code point map. */
  text: '',
  map: null,
  /** The reviewer's text view and, when shown, the side-by-side view of other reviewers. */
  view: null,
  compareView: null,
  /** The keyboard word cursor (keyselect.js), made on first use. */
  keys: null,
  /** What the service last said, by local id. */
  annServer: new Map(),
  regServer: new Map(),
  /** What the page shows: the service's lists with the outbox's pending changes laid over them. */
  ann: new Map(),
  reg: new Map(),
  /** The persisted queue of changes, undo history and the other tabs' channel. */
  outbox: null,
  history: new History(),
  channel: null,
  /** The selection in the article text, UTF-16 {start, end}, or null. */
  sel: null,
  /** Reviewers and admins annotate; researchers only read. */
  /** isWriter: the role may annotate (reviewer, admin). canWrite: and the review takes changes
   *  now: not marked done (a finished review is read-only until reopened). */
  isWriter: false,
  canWrite: false,
  /** compareChosen: the side-by-side view was turned on on this page, by the reviewer's own
   *  choice: showing the others freezes a finished review, so a remembered setting never does. */
  compareChosen: false,
  /** The side-by-side view of other reviewers: on (remembered), and whose annotations. */
  compareOn: localStorage.getItem('credence.compare') === 'on',
  compareWho: 'all',
  /** Bumped by every settled save, so a list answer that raced a save is known to be stale. */
  generation: 0,
  /** Outlet names by id, learnt from regions and reprints. */
  outlets: new Map(),
  /** Machine suggestions (never annotations until accepted); see setSuggestions. */
  sug: {
    server: [], // what the service proposed
    loaded: false,
    warning: '', // the service's warning (external model failed), or why they could not be loaded
    rejected: new Set(), // keys rejected here whose rejection is not settled
    on: suggestionsOn(localStorage), // shown (the reviewer's remembered choice)
    visible: [], // what is shown now, in text order
    byKey: new Map(),
    current: null, // the key n / p last moved to
    refocus: false, // give focus to `current` after the next redraw
  },
  /** Passages shared with other articles, grouped (reprints.js), each with its index. */
  reprints: [],
};

export const el = (id) => document.getElementById(id);
export const root = () => el('article-text');

// ---------- the redraw hook ----------
// Modules that change what is drawn call redraw(); the page bootstrap installs the renderer.
// (A hook rather than an import keeps the module graph free of cycles.)
let redrawFn = () => {};
export function setRedraw(fn) { redrawFn = fn; }
export function redraw() { if (S.view) redrawFn(); }

// ---------- operations ----------

/** openArticle keeps the article and its text; its lists go through setLists. */
export function openArticle(article, map) {
  S.article = article;
  setReview(article.review);
  S.text = article.text ?? '';
  S.map = map;
  S.keys = null;
}

/** setLists replaces the service's annotations and regions, keyed by local id. */
export function setLists([anns, regs]) {
  S.annServer = new Map(anns.map((a) => { const id = S.outbox.localIdFor(a.id); return [id, { ...a, localId: id }]; }));
  S.regServer = new Map(regs.map((r) => { const id = S.outbox.localIdFor(r.id); return [id, { ...r, localId: id }]; }));
  S.outbox.forget(new Set([...S.annServer.keys(), ...S.regServer.keys()]));
}

/** settled records what the service answered for one saved change (nothing when it failed). */
export function settled(op, result, err) {
  S.generation++;
  if (err || !op || String(op.articleId) !== String(S.articleId) || (op.entity !== 'annotation' && op.entity !== 'region')) return;
  const store = op.entity === 'annotation' ? S.annServer : S.regServer;
  if (op.kind === 'delete') store.delete(op.target);
  else if (result) store.set(op.target, { ...result, localId: op.target });
}

/** opsHere are the outbox's pending changes to this article. */
export function opsHere() { return S.outbox.ops.filter((o) => String(o.articleId) === String(S.articleId)); }

/** layPending recomputes what the page shows from the service's lists and the pending changes. */
export function layPending() {
  const ops = opsHere();
  S.ann = applyPending(S.annServer, ops, 'annotation');
  S.reg = applyPending(S.regServer, ops, 'region');
}

/** setSelection keeps the selection in the article text (UTF-16), or null. */
export function setSelection(sel) { S.sel = sel; }

/** setReview keeps the reviewer's review status of this article; a finished one is read-only. */
export function setReview(review) {
  S.article.review = review;
  S.canWrite = S.isWriter && review?.status !== 'completed';
}

/** reviewLocked: the reviewer finished and has seen the others' work; only an admin can reopen it. */
export function reviewLocked() { return !!S.article.review?.locked; }

/** setCompare turns the side-by-side view on or off (remembered) and picks whose annotations. */
export function setCompare(on, { remember = true } = {}) {
  S.compareOn = on;
  if (remember) localStorage.setItem('credence.compare', on ? 'on' : 'off');
}
export function setCompareWho(who) { S.compareWho = who; }

/** setSuggestions keeps the service's answer for the article's suggestions. */
export function setSuggestions({ items = [], loaded, warning = '' }) {
  S.sug.server = items;
  S.sug.loaded = loaded;
  S.sug.warning = warning;
}

/** showSuggestionsNow keeps the suggestions drawn now (visible, in text order). */
export function showSuggestionsNow(visible) {
  S.sug.visible = visible;
  S.sug.byKey = new Map(visible.map((s) => [suggestionKey(s), s]));
  if (S.sug.current && !S.sug.byKey.has(S.sug.current)) S.sug.current = null;
}

/** setCurrentSuggestionKey is the suggestion n / p moved to; refocus gives it focus after a redraw. */
export function setCurrentSuggestionKey(key, { refocus = false } = {}) {
  S.sug.current = key;
  S.sug.refocus = refocus;
}
export function refocused() { S.sug.refocus = false; }

export function rejectSuggestionHere(key) { S.sug.rejected.add(key); }
export function rejectionSettled(key) { S.sug.rejected.delete(key); }

export function setSuggestionsShown(on) { S.sug.on = on; }

/** setReprints keeps the grouped passages shared with other articles. */
export function setReprints(groups) { S.reprints = groups; }

export function learnOutlet(id, name) { S.outlets.set(String(id), name); }

// ---------- reading helpers ----------

export function isMine(r) { return r.user_id === undefined || r.user_id === null || String(r.user_id) === String(S.user.id); }

/** spanOf turns a record's code point span into UTF-16 offsets, or null when it is malformed. */
export function spanOf(r) {
  if (!(Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end <= S.map.lengthCP && r.end > r.start)) return null;
  return { start: S.map.toUTF16(r.start), end: S.map.toUTF16(r.end) };
}

export function textOf(r) {
  if (r.exact) return r.exact;
  const s = spanOf(r);
  return s ? S.text.slice(s.start, s.end) : '';
}

export function overlaps(r, sel) {
  const s = spanOf(r);
  return s && s.start < sel.end && s.end > sel.start;
}

export function byTextOrder(a, b) { return a.start - b.start || b.end - a.end; }

export function reviewStatus() { return S.article.review?.status ?? 'todo'; }
