// Machine suggestions in the workspace: loading them, which are drawn, moving between them,
// accepting and rejecting, the panel's list and the tooltip.
//
// Suggestions are drawn with a dashed outline and a "label?" glyph, never filled like the
// reviewer's highlights, and carry data-suggestion-* attributes only (never data-annotation-id).
// n / p (or Tab from one) move between them, a accepts the focused or nearest one, x rejects it,
// 1–4 on a focused one tag its passage (tagging.js: its own label accepts it),
// s hides them all (remembered). Accepting goes through the outbox as an annotation creation
// (undone with Ctrl+Z like any other), rejecting through the outbox too, so neither is lost.

import { api } from '../api.js';
import { h, announce } from '../dom.js';
import { LABEL_BY_ID, labelName } from '../labels.js';
import { suggestionKey, visibleSuggestions, nextSuggestion, nearestSuggestion, afterDecision, setSuggestionsOn } from '../suggestions.js';
import {
  S, el, root, redraw, isMine, spanOf, setSuggestions, setCurrentSuggestionKey, refocused,
  rejectSuggestionHere, setSuggestionsShown,
} from './state.js';
import { CHANGES } from './changes.js';
import { toast, excerpt } from './ui.js';
import { keys, cursorCP } from './selection.js';

export async function loadSuggestions() {
  // data-suggestions on the body tells when they have arrived (tests wait for the page to settle).
  if (!S.canWrite) { document.body.dataset.suggestions = 'none'; return; }
  try {
    const res = await api.get(`/articles/${encodeURIComponent(S.articleId)}/suggestions`);
    // hidden: this reviewer's assignment is in the study arm shown no machine suggestions, so
    // there is nothing to show or toggle.
    setSuggestions({ items: Array.isArray(res?.items) ? res.items : [], loaded: res?.hidden !== true, warning: typeof res?.warning === 'string' ? res.warning : '' });
  } catch (e) {
    setSuggestions({ items: [], loaded: false, warning: e.status === 403 || e.status === 404 ? '' : `Suggestions could not be loaded: ${e.message}` });
  }
  el('sug-toggle').hidden = !S.sug.loaded;
  redraw();
  document.body.dataset.suggestions = S.sug.loaded ? 'loaded' : 'none';
}

function pendingRejections() {
  const keys = new Set(S.sug.rejected);
  for (const o of S.outbox.ops) {
    if (o.entity === 'suggestion' && String(o.articleId) === String(S.articleId)) keys.add(String(o.target).replace(/^sug:/, ''));
  }
  return keys;
}

/** computeVisibleSuggestions is what to draw: not rejected, not covered by the reviewer's own annotation, not in comments. */
export function computeVisibleSuggestions() {
  if (!S.sug.server.length) return [];
  return visibleSuggestions(S.sug.server, {
    rejected: pendingRejections(),
    annotations: [...S.ann.values()].filter(isMine),
    // Comments the reviewer marked or accepted; a proposed comments region is still a guess.
    comments: [...S.reg.values()].filter((r) => r.kind === 'comments' && r.status === 'accepted'),
    textAt: (a, b) => S.text.slice(S.map.toUTF16(a), S.map.toUTF16(b)),
    lengthCP: S.map.lengthCP,
  });
}

export function focusedSuggestionKey() {
  const a = document.activeElement;
  return a && a.dataset?.suggestionKey && root().contains(a) ? a.dataset.suggestionKey : null;
}

function sugElement(key) {
  return key ? root().querySelector(`[data-suggestion-key="${CSS.escape(key)}"].first`) : null;
}

/**
 * syncSuggestionDom marks the current suggestion (one tab stop, a stronger outline) and gives
 * focus back to a suggestion whose element a redraw replaced, or to the next one after a decision.
 */
export function syncSuggestionDom(focusedBefore) {
  const G = S.sug;
  for (const e of root().querySelectorAll('[data-suggestion-key]')) {
    const cur = e.dataset.suggestionKey === G.current;
    e.classList.toggle('current', cur);
    if (e.classList.contains('first')) e.setAttribute('tabindex', cur ? '0' : '-1');
  }
  const lost = !document.activeElement || document.activeElement === document.body || !document.contains(document.activeElement);
  if (G.on && (G.refocus || (focusedBefore && lost))) {
    const target = sugElement(G.refocus ? G.current : (G.byKey.has(focusedBefore) ? focusedBefore : G.current));
    if (target) focusSuggestionEl(target);
    else if (lost || G.refocus) root().focus({ preventScroll: true });
  }
  refocused();
  if (!G.on || !focusedSuggestionKey()) {
    if (tipFor && !G.byKey.has(tipFor)) hideTip();
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

/** moveSuggestion is n (dir 1) and p (dir -1): focus the next or previous suggestion. */
export function moveSuggestion(dir) {
  if (!suggestionsUsable()) return;
  const list = S.sug.visible;
  if (!list.length) { announce('No suggestions left'); return; }
  // From the focused suggestion; else from the word cursor; else from the last one moved to.
  const focused = focusedSuggestionKey();
  const sel = focused ? null : cursorCP();
  const current = focused ?? (sel ? null : S.sug.current);
  const cur = current && S.sug.byKey.has(current) ? current : null;
  const s = nextSuggestion(list, { currentKey: cur, offset: sel ? sel.start : null, dir });
  setCurrentSuggestion(s, { focus: true });
}

export function setCurrentSuggestion(s, { focus = false } = {}) {
  setCurrentSuggestionKey(s ? suggestionKey(s) : null);
  syncSuggestionDom(null);
  if (s && focus) {
    const e = sugElement(S.sug.current);
    if (e) focusSuggestionEl(e);
  }
}

function suggestionsUsable() {
  if (!S.canWrite || !S.sug.loaded) return false;
  if (!S.sug.on) { announce('Suggestions are hidden: press s to show them'); return false; }
  return true;
}

/**
 * labelKeySuggestion is the suggestion a label key (1–4) acts on instead of the selection: the
 * focused one, when nothing is selected or the selection is still the one there was when it got
 * focus (the word cursor left behind by n / p); a selection made since (a drag that began on the
 * suggestion) is what the key tags. Call after selectionCP (which reads the DOM selection).
 */
export function labelKeySuggestion(sel) {
  const key = focusedSuggestionKey();
  const s = S.sug.on && key ? S.sug.byKey.get(key) : null;
  if (!s || !sel) return s ?? null;
  const was = S.sug.focusSel?.key === key ? S.sug.focusSel.sel : null;
  return was && S.sel && was.start === S.sel.start && was.end === S.sel.end ? s : null;
}

// targetSuggestion is the suggestion a and x act on: the focused one; else the one under the
// cursor; else the current one (moved to with n / p); else the nearest in the cursor's paragraph.
function targetSuggestion() {
  const G = S.sug;
  const f = focusedSuggestionKey();
  if (f && G.byKey.has(f)) return G.byKey.get(f);
  const list = G.visible;
  const sel = cursorCP();
  if (sel) {
    const under = list.filter((s) => s.start <= sel.start && s.end >= sel.end);
    if (under.length) return nearestSuggestion(under, sel.start, sel.end);
  }
  if (G.current && G.byKey.has(G.current)) return G.byKey.get(G.current);
  if (sel) {
    const p = S.view.paras[keys().paraIndex(S.map.toUTF16(sel.start))];
    if (p) {
      const inPara = list.filter((s) => { const u = spanOf(s); return u && u.start < p.end && u.end > p.start; });
      if (inPara.length) return nearestSuggestion(inPara, sel.start, sel.end);
    }
  }
  return null;
}

/** decideSuggestion is a (accept) and x (reject), on the target suggestion or the one given. */
export function decideSuggestion(accept, s = targetSuggestion()) {
  if (!suggestionsUsable()) return;
  if (!s) {
    toast('No suggestion at the cursor: press n to go to the next one.');
    return;
  }
  const key = suggestionKey(s);
  const hadFocus = focusedSuggestionKey() === key;
  const next = afterDecision(S.sug.visible, key);
  setCurrentSuggestionKey(next ? suggestionKey(next) : null, { refocus: hadFocus });
  hideTip();
  if (accept) {
    CHANGES.annotation.create({ label: s.label, start: s.start, end: s.end, exact: s.exact }, { suggestion: { rule: s.rule, label: s.label, start: s.start, end: s.end } });
    announce(`Accepted as ${labelName(s.label)}: “${excerpt(s.exact, 60)}”. Ctrl+Z undoes it.${next ? '' : ' No suggestions left.'}`);
  } else {
    rejectSuggestionHere(key);
    S.outbox.enqueue({ kind: 'reject', entity: 'suggestion', articleId: S.articleId, target: 'sug:' + key, body: { label: s.label, start: s.start, end: s.end, rule: s.rule } });
    redraw();
    announce(`Suggestion rejected: “${excerpt(s.exact, 60)}”.${next ? '' : ' No suggestions left.'}`);
  }
}

/** toggleSuggestions is s: hide or show every suggestion (remembered). */
export function toggleSuggestions(on = !S.sug.on) {
  if (!S.canWrite) return;
  setSuggestionsShown(on);
  setSuggestionsOn(localStorage, on);
  if (!on) hideTip();
  const hadFocus = !!focusedSuggestionKey();
  redraw();
  if (!on && hadFocus) root().focus({ preventScroll: true });
  announce(on ? `Suggestions shown (${S.sug.visible.length})` : 'Suggestions hidden');
}

function renderWarning() {
  const G = S.sug;
  const warn = el('sug-warning');
  if (warn.dataset.text !== G.warning) {
    // Unobtrusive: one line, the service's full message behind a disclosure.
    warn.dataset.text = G.warning;
    warn.replaceChildren(G.warning ? h('details', {},
      h('summary', { text: G.loaded ? 'Built-in rules only: the external suggestion model failed' : 'Suggestions are unavailable' }),
      h('p', { text: G.warning })) : '');
  }
  warn.hidden = !G.warning;
}

// suggestionItem is one row of the panel's list. Only the tab stop row's buttons are in the tab
// order (tabindex 0; the others -1), so the list costs three Tab presses however long it is; the
// arrow keys move between rows.
function suggestionItem(s, stop) {
  const key = suggestionKey(s);
  const name = labelName(s.label);
  const tabindex = stop ? '0' : '-1';
  return h('li', { class: `sug-item sug-item-${s.label}${key === S.sug.current ? ' current' : ''}`, dataset: { suggestionKey: key } },
    h('span', { class: `sug-badge sug-badge-${s.label}`, 'data-mark': `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`, text: `Suggested: ${name}` }),
    h('span', { class: 'excerpt', text: excerpt(s.exact) }),
    s.reason ? h('span', { class: 'reason muted small', text: s.reason }) : null,
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'link', tabindex, text: 'Show', 'aria-label': `Show the suggestion “${excerpt(s.exact, 40)}” in the text`, onclick: () => setCurrentSuggestion(s, { focus: true }) }),
      h('button', { type: 'button', class: 'small-btn sug-accept', tabindex, text: 'Accept', 'aria-label': `Accept as ${name}: “${excerpt(s.exact, 40)}”`, onclick: () => decideSuggestion(true, S.sug.byKey.get(key)) }),
      h('button', { type: 'button', class: 'small-btn sug-reject', tabindex, text: 'Reject', 'aria-label': `Reject the ${name} suggestion “${excerpt(s.exact, 40)}”`, onclick: () => decideSuggestion(false, S.sug.byKey.get(key)) })));
}

/** renderSuggestions draws the panel's section: the toggle's state, the warning, the list. */
export function renderSuggestions() {
  const G = S.sug;
  const section = el('sug-section');
  const btn = el('sug-toggle');
  btn.setAttribute('aria-pressed', String(G.on));
  btn.classList.toggle('off', !G.on);
  el('sug-toggle-state').textContent = G.on ? 'on' : 'off';
  renderWarning();
  section.hidden = !S.canWrite || (!G.loaded && !G.warning);
  section.dataset.state = !G.loaded ? 'unavailable' : G.on ? 'on' : 'off';
  const list = el('sug-list');
  const items = G.visible;
  el('sug-count').textContent = G.loaded ? `(${items.length})` : '';
  el('sug-off').hidden = G.on || !G.loaded;
  el('sug-empty').hidden = !G.on || !G.loaded || items.length > 0;
  list.hidden = !G.on;
  const want = G.on ? items.map(suggestionKey).join('\n') + `|${G.current}` : '';
  if (list.dataset.sig === want) return;
  list.dataset.sig = want;
  if (!G.on) { list.replaceChildren(); return; }
  // A decision made with the panel's buttons keeps focus in the panel, on the next suggestion.
  const active = document.activeElement;
  const hadFocus = list.contains(active) ? ['sug-accept', 'sug-reject', 'link'].find((c) => active.classList.contains(c)) ?? 'link' : null;
  const stop = G.byKey.has(G.current) ? G.current : suggestionKey(items[0] ?? {});
  list.replaceChildren(...items.map((s) => suggestionItem(s, suggestionKey(s) === stop)));
  if (hadFocus) {
    const li = (G.current && list.querySelector(`li[data-suggestion-key="${CSS.escape(G.current)}"]`)) || list.querySelector('li');
    (li?.querySelector(`.${hadFocus}`) ?? el('sug-section').querySelector('h2')).focus?.();
    if (!li) root().focus({ preventScroll: true });
  }
}

// The tooltip: the reason of the suggestion under the pointer or with keyboard focus, the
// description (aria-describedby) of every suggestion's focusable piece. Esc hides it.
let tipFor = null;
let tipTimer = null;
let tipHeld = false;

/** holdTip keeps the tooltip away while a mouse button is down in the text (a drag's path). */
export function holdTip(on) { tipHeld = on; }

function showTip(e) {
  if (tipHeld) return;
  const key = e?.dataset?.suggestionKey;
  const s = key && S.sug.byKey.get(key);
  if (!s) return;
  clearTimeout(tipTimer);
  const tip = el('sug-tip');
  if (tipFor !== key) {
    tip.replaceChildren(
      h('span', { class: `sug-badge sug-badge-${s.label}`, 'data-mark': `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`, text: `Suggested: ${labelName(s.label)}` }),
      h('span', { class: 'tip-reason', text: s.reason || 'No reason given.' }),
      S.canWrite ? h('span', { class: 'tip-keys', text: 'a accept · x reject · 1–4 tag as that label · n / p next, previous' }) : null);
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

export function hideTip() {
  clearTimeout(tipTimer);
  tipFor = null;
  el('sug-tip').hidden = true;
}

/** wireSuggestionEvents: the tooltip on hover and focus, the current suggestion on focus, the toggle. */
export function wireSuggestionEvents() {
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
    // The selection there was when the suggestion got focus: one made after (a drag that began
    // on it) is what a label key tags; the same one (the word cursor left behind by n / p) is not.
    if (S.sug.focusSel?.key !== e.dataset.suggestionKey) S.sug.focusSel = { key: e.dataset.suggestionKey, sel: S.sel ? { ...S.sel } : null };
    if (S.sug.current !== e.dataset.suggestionKey) {
      setCurrentSuggestionKey(e.dataset.suggestionKey);
      syncSuggestionDom(null);
      renderSuggestions();
    }
    showTip(e);
  });
  r.addEventListener('focusout', (ev) => {
    if (ev.target.dataset?.suggestionKey && !ev.relatedTarget?.closest?.('#sug-tip')) {
      hideTip();
      S.sug.focusSel = null;
    }
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !el('sug-tip').hidden) hideTip();
  });
  el('sug-toggle').addEventListener('click', () => toggleSuggestions());
  el('sug-list').addEventListener('keydown', onListKey);
}

// onListKey: ↑ / ↓ (Home / End) move from row to row of the panel's list, keeping the column.
function onListKey(ev) {
  const moves = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
  if (!(ev.key in moves) || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
  const li = ev.target.closest?.('li[data-suggestion-key]');
  if (!li) return;
  const items = S.sug.visible;
  const i = items.findIndex((s) => suggestionKey(s) === li.dataset.suggestionKey);
  const d = moves[ev.key];
  const to = items[Number.isFinite(d) ? i + d : d < 0 ? 0 : items.length - 1];
  ev.preventDefault();
  if (!to || to === items[i]) return;
  setCurrentSuggestion(to);
  renderSuggestions(); // redraws the rows and keeps focus on the same button of the new current one
}
