// The mouse in the article text. The page makes the mouse's selections itself instead of leaving
// them to the browser, because the browser's own get in the way on highlighted text: a press
// inside (or where it still believes) a selection starts a drag of that text instead of a new
// selection, and a click on a highlight would open a dialog between the two clicks of a double
// click. So:
// - a press, drag, double click (a word) or triple click (a paragraph) selects text wherever it
//   starts, on a highlight or a suggestion too; Shift+click extends the selection;
// - a drag snaps to whole words as it goes (Label Studio's granularity="word"); with Alt held it
//   keeps to the character;
// - a plain click on a highlight opens what is there, once it is clear that the click is not
//   the first of a double click, so the dialog never steals a selection gesture.
// Touch and pen are left to the browser (its long press and handles).

import { S, root, setSelection } from './state.js';
import { keys, updateToolbar } from './selection.js';
import { snapToWords } from '../keyselect.js';
import { openDetails } from './dialogs.js';
import { hideTip, holdTip } from './suggestions-panel.js';

// How long a click waits for a second one before it opens the passage's details: longer than
// the double-click interval of common desktops (400–500 ms), short enough to feel immediate.
export const CLICK_WAIT_MS = 500;

// How far the pointer must move from the press before it is a drag. A press and a release
// closer than that are a click even if the text moved under the pointer meanwhile (focusing a
// suggestion on the press redraws its outline, which can shift the text by a fraction of a
// pixel and put the release at the next offset).
const DRAG_PX = 4;

/** underPoint lists what is drawn at a node: annotations, regions, suggestions, reprints. */
export function underPoint(target, container) {
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

function hasTextSelection() {
  const sel = document.getSelection();
  return !!(sel.rangeCount && !sel.isCollapsed && S.view.rangeOffsets(sel.getRangeAt(0)));
}

// offsetAt is the text offset (UTF-16) under a screen point, or null off the text.
function offsetAt(x, y) {
  const c = document.caretPositionFromPoint ? document.caretPositionFromPoint(x, y) : null;
  if (c) return root().contains(c.offsetNode) ? S.view.offsetOf(c.offsetNode, c.offset) : null;
  const r = document.caretRangeFromPoint?.(x, y);
  return r && root().contains(r.startContainer) ? S.view.offsetOf(r.startContainer, r.startOffset) : null;
}

function wordAround(offset) {
  const W = keys().words;
  const i = keys().wordAt(offset);
  const w = W[i];
  return w && w[0] <= offset ? { start: w[0], end: w[1] } : { start: offset, end: offset };
}

function paragraphAround(offset) {
  const p = S.view.paras[keys().paraIndex(offset)];
  return p ? { start: p.start, end: p.end } : { start: offset, end: offset };
}

// show draws [start, end) as the selection (a caret when empty) and keeps it.
function show(start, end) {
  if (end > start) {
    S.view.select(start, end);
    setSelection({ start, end });
  } else {
    const p = S.view.point(start);
    document.getSelection().collapse(p.node, p.offset);
    setSelection(null);
  }
  updateToolbar();
}

/** wirePointer: selection gestures in the article text and clicks that open details. */
export function wirePointer() {
  const r = root();
  let pending = null; // the timer of a click waiting to open details
  let mouse = false; // the last press came from a mouse (not touch or pen)
  let drag = null; // {anchor: {start, end}, unit: 'char' | 'word' | 'para'} while the button is down
  const cancel = () => { clearTimeout(pending); pending = null; };

  const extendTo = (ev) => {
    if (drag.unit === 'char' && !drag.moved) {
      if (Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < DRAG_PX && !ev.shiftKey) return;
      drag.moved = true;
    }
    const at = offsetAt(ev.clientX, ev.clientY);
    if (at === null) return;
    const a = drag.anchor;
    let start = Math.min(a.start, at);
    let end = Math.max(a.end, at);
    if (drag.unit === 'para') {
      start = Math.min(start, paragraphAround(at).start);
      end = Math.max(end, paragraphAround(Math.max(at - 1, 0)).end);
    } else if (drag.unit === 'word' || !ev.altKey) {
      ({ start, end } = snapToWords(keys().words, start, end));
    }
    show(start, end);
  };

  r.addEventListener('pointerdown', (ev) => { mouse = ev.pointerType === 'mouse'; cancel(); });
  r.addEventListener('mousedown', (ev) => {
    cancel();
    if (!mouse || ev.button !== 0) return;
    const at = offsetAt(ev.clientX, ev.clientY);
    if (at === null) return;
    ev.preventDefault(); // no native selection or text drag
    // Focus as a press would have: the suggestion pressed on (it becomes the current one), else the text.
    const focusable = ev.target.closest?.('[tabindex]');
    (focusable && r.contains(focusable) ? focusable : r).focus({ preventScroll: true });
    hideTip();
    holdTip(true);
    if (ev.detail === 2) drag = { anchor: wordAround(at), unit: 'word' };
    else if (ev.detail >= 3) drag = { anchor: paragraphAround(at), unit: 'para' };
    else if (ev.shiftKey && S.sel) drag = { anchor: at >= S.sel.start ? { start: S.sel.start, end: S.sel.start } : { start: S.sel.end, end: S.sel.end }, unit: 'char' };
    else drag = { anchor: { start: at, end: at }, unit: 'char' };
    Object.assign(drag, { x: ev.clientX, y: ev.clientY, moved: false });
    if (ev.detail >= 2 || ev.shiftKey) extendTo(ev);
    else show(at, at);
  });
  document.addEventListener('mousemove', (ev) => {
    if (!drag) return;
    if (!(ev.buttons & 1)) { drag = null; holdTip(false); return; }
    extendTo(ev);
  });
  document.addEventListener('mouseup', (ev) => {
    if (!drag || ev.button !== 0) return;
    extendTo(ev);
    drag = null;
    holdTip(false);
  });
  r.addEventListener('click', (ev) => {
    cancel();
    // A second or third click (word, paragraph), a click that ended a drag, or one with a
    // modifier (extending a selection) is a selection gesture: nothing opens.
    if (ev.detail > 1 || ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey || hasTextSelection()) return;
    const under = underPoint(ev.target, r);
    if (!(under.anns.length || under.regs.length || under.sugs.length || under.reps.length)) return;
    pending = setTimeout(() => {
      pending = null;
      if (drag || hasTextSelection() || document.querySelector('dialog[open]')) return;
      openDetails(under.anns, under.regs, under.sugs, under.reps);
    }, CLICK_WAIT_MS);
  });
  // A key pressed meanwhile (say 1–4 after a click) is the reviewer's next act.
  r.addEventListener('keydown', cancel);
  r.addEventListener('dragstart', (ev) => ev.preventDefault());
}
