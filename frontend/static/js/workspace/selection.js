// The selection in the article text: read from the DOM (mouse, touch) or moved with the keyboard
// word cursor (keyselect.js), always kept in S.sel as UTF-16 offsets into the text.

import { KeySelection } from '../keyselect.js';
import { S, root, setSelection, spanOf } from './state.js';

/** keys is the keyboard word cursor, made on first use. */
export function keys() {
  if (!S.keys) S.keys = new KeySelection(S.text, S.view.paras);
  return S.keys;
}

export function onSelectionChange() {
  const sel = document.getSelection();
  if (!sel.rangeCount) return;
  const range = sel.getRangeAt(0);
  const r = root();
  if (!r.contains(range.startContainer) && !r.contains(range.endContainer)) {
    if (!range.collapsed && range.intersectsNode(r)) setSelection(S.view.rangeOffsets(range));
    updateToolbar();
    return;
  }
  setSelection(S.view.rangeOffsets(range));
  updateToolbar();
}

export function trimmed(sel) {
  let { start, end } = sel;
  while (start < end && /\s/.test(S.text[start])) start++;
  while (end > start && /\s/.test(S.text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

/**
 * selectionCP returns the current selection in code points, with its exact text. It reads the
 * DOM selection afresh: a key pressed right after selecting can arrive before selectionchange.
 */
export function selectionCP() {
  onSelectionChange();
  const t = S.sel && trimmed(S.sel);
  if (!t) return null;
  const cp = S.map.spanToCodePoints(t.start, t.end);
  const u = S.map.spanToUTF16(cp.start, cp.end);
  return { ...cp, exact: S.text.slice(u.start, u.end) };
}

/** cursorCP is the selection (or the collapsed cursor) in code points, or null. */
export function cursorCP() {
  onSelectionChange();
  if (!S.sel) return null;
  const t = trimmed(S.sel) ?? S.sel;
  return S.map.spanToCodePoints(t.start, t.end);
}

export function selectRange(r, { scroll = true } = {}) {
  if (!r) return;
  S.view.select(r.start, r.end);
  setSelection({ start: r.start, end: r.end });
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

/** restoreSelection puts back a selection a redraw dropped (its text nodes were replaced). */
export function restoreSelection(sel) {
  const cur = document.getSelection();
  if (cur.rangeCount) {
    const off = S.view.rangeOffsets(cur.getRangeAt(0));
    if (off && off.start === sel.start && off.end === sel.end) return;
  }
  S.view.select(sel.start, sel.end);
  setSelection(sel);
}

export function clearSelection() {
  document.getSelection().removeAllRanges();
  setSelection(null);
  if (S.keys) S.keys.clear();
  updateToolbar();
}

/** showSpan focuses the text and selects a record's passage (from a list's "Show"). */
export function showSpan(r) {
  const s = spanOf(r);
  if (!s) return false;
  root().focus({ preventScroll: true });
  selectRange(s);
  keys().setRange(s.start, s.end);
  return true;
}

export function updateToolbar() {
  const has = !!(S.sel && trimmed(S.sel));
  for (const b of document.querySelectorAll('#palette button, .region-btn')) b.disabled = !has || !S.canWrite;
}
