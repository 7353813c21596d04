// Wiring the workspace's events: pointer and keyboard in the text (keys from keymap.js), the
// toolbar and panel buttons, and coming back to the tab.

import { announce, h } from '../dom.js';
import { LABELS, LABEL_BY_KEY } from '../labels.js';
import { suggestionKey } from '../suggestions.js';
import { S, el, root, redraw, isMine, spanOf, overlaps, setCompareWho, reviewStatus } from './state.js';
import { undo, redo } from './changes.js';
import { keys, onSelectionChange, selectRange, clearSelection, updateToolbar } from './selection.js';
import { tag, markRegion } from './tagging.js';
import { openDetails, openHelp } from './dialogs.js';
import { jumpTo } from './panel.js';
import { decideSuggestion, moveSuggestion, toggleSuggestions, setCurrentSuggestion, wireSuggestionEvents } from './suggestions-panel.js';
import { refresh, sinceRefresh, markDone, doneNext, reopen, toggleCompare } from './review.js';
import { binding } from './keymap.js';
import { wirePointer, underPoint } from './pointer.js';

export function buildPalette() {
  const p = el('palette');
  for (const l of LABELS) {
    p.append(h('button', {
      type: 'button', class: `label-btn label-${l.id}`, dataset: { label: l.id }, disabled: true,
      'aria-keyshortcuts': l.key, title: `${l.name} (${l.key})`,
      onclick: () => tag(l.id),
    }, h('span', { class: `swatch swatch-${l.id}`, 'aria-hidden': 'true', 'data-mark': l.mark }), h('span', { class: 'long', text: l.name }), ' ', h('kbd', { text: l.key })));
  }
}

function dialogOpen() { return !!document.querySelector('dialog[open]'); }

function isTyping(t) { return !!(t && t.closest && t.closest('input, textarea, select, [contenteditable="true"]')); }

// The word cursor, brought to the selection first (the mouse may have moved it).
function cursor() {
  const K = keys();
  if (S.sel && (!K.range || K.range.start !== S.sel.start || K.range.end !== S.sel.end)) K.setRange(S.sel.start, S.sel.end);
  return K;
}

const dirOf = (ev) => (ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : -1);

function openUnderCursor() {
  onSelectionChange(); // a key pressed right after selecting can arrive before selectionchange
  if (!S.sel) return;
  const anns = [...S.ann.values()].filter((a) => isMine(a) && overlaps(a, S.sel)).map((a) => a.localId);
  const regs = [...S.reg.values()].filter((g) => g.status !== 'rejected' && overlaps(g, S.sel)).map((g) => g.localId);
  const sugs = S.sug.on ? S.sug.visible.filter((s) => overlaps(s, S.sel)).map(suggestionKey) : [];
  const reps = S.reprints.filter((g) => overlaps(g, S.sel)).map((g) => g.index);
  if (anns.length || regs.length || sugs.length || reps.length) openDetails(anns, regs, sugs, reps);
  else announce('No annotation here');
}

// ACTIONS does what each key map action names. A handler returning false did not take the key
// (it is not prevented, and a suggestion's key passes on to the text); 'native' took it and
// leaves the browser's default action too.
const ACTIONS = {
  moveWord: (ev) => selectRange(cursor().move(dirOf(ev))),
  extendWord: (ev) => selectRange(cursor().extend(dirOf(ev))),
  extendChar: (ev) => selectRange(cursor().extendChar(dirOf(ev))),
  moveParagraph: (ev) => selectRange(cursor().moveParagraph(dirOf(ev))),
  extendParagraph: (ev) => selectRange(cursor().extendParagraph(dirOf(ev))),
  openUnderCursor,
  clearSelection: () => { clearSelection(); return 'native'; },
  tag: (ev) => tag(LABEL_BY_KEY[ev.key].id),
  markQuote: () => markRegion('quote'),
  markComments: () => markRegion('comments'),
  moveSuggestion: (ev) => moveSuggestion(ev.key === 'n' ? 1 : -1),
  decideSuggestion: (ev) => decideSuggestion(ev.key === 'a'),
  toggleSuggestions: () => (S.sug.loaded ? toggleSuggestions() : false),
  undo: () => undo(),
  redo: () => redo(),
  help: () => openHelp(),
  doneNext: () => (reviewStatus() === 'completed' ? false : doneNext()),
  // On a focused suggestion: Tab and Shift+Tab go from suggestion to suggestion, and on out past
  // the last or first (the key is then left to the browser).
  tabSuggestion: (ev, s) => {
    const to = S.sug.visible[S.sug.visible.indexOf(s) + (ev.shiftKey ? -1 : 1)];
    if (!to) return 'native';
    setCurrentSuggestion(to, { focus: true });
    return true;
  },
  openSuggestion: (ev, s) => openDetails([], [], [suggestionKey(s)], []),
  // The arrow keys leave the suggestion for the word cursor, starting at its first word.
  leaveSuggestion: (ev, s) => {
    if (S.sel) return false;
    const span = spanOf(s);
    root().focus({ preventScroll: true });
    if (span) selectRange(keys().setWord(keys().wordAt(span.start)));
    return true;
  },
};

function onTextKey(ev) {
  const r = root();
  if (ev.ctrlKey || ev.metaKey) return;
  const onSug = ev.target !== r && ev.target.dataset?.suggestionKey ? S.sug.byKey.get(ev.target.dataset.suggestionKey) : null;
  if (onSug) {
    const b = binding('suggestion', ev);
    const done = b ? ACTIONS[b.action](ev, onSug) : false;
    if (done === 'native') return;
    if (done !== false) { ev.preventDefault(); return; }
  }
  const b = binding('text', ev);
  if (!b) return;
  if (ACTIONS[b.action](ev) !== 'native') ev.preventDefault();
}

// A text field where Ctrl+Z undoes the typing (a radio or a button is not one).
function isTextField(t) {
  return !!(t && t.closest && t.closest('textarea, select, [contenteditable="true"], input:not([type="radio"]):not([type="checkbox"]):not([type="button"]):not([type="submit"])'));
}

function onPageKey(ev) {
  const b = binding('page', ev);
  if (dialogOpen()) {
    // Undo and redo reach through a dialog (say right after "Delete annotation" in it): the
    // dialog closes first, so what it changed is one undo step (its close handler records it),
    // then the step is undone. In a text field they stay the field's own.
    const d = document.querySelector('dialog[open]');
    if (b && (b.action === 'undo' || b.action === 'redo') && !isTextField(ev.target)) {
      ev.preventDefault();
      d.addEventListener('close', () => ACTIONS[b.action](ev), { once: true });
      d.close();
    }
    return;
  }
  if (!b || isTyping(ev.target)) return;
  if (b.write && !S.canWrite) return;
  if (ACTIONS[b.action](ev) === false) return;
  ev.preventDefault();
}

function wireText() {
  const r = root();
  document.addEventListener('selectionchange', onSelectionChange);
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
  wirePointer();
  el('compare-text').addEventListener('click', (ev) => {
    const { anns, regs } = underPoint(ev.target, el('compare-text'));
    if (anns.length || regs.length) openDetails(anns, regs);
  });
  r.addEventListener('keydown', onTextKey);
  document.addEventListener('keydown', onPageKey);
  wireSuggestionEvents();
}

function wireToolbar() {
  const bar = el('toolbar');
  // Keep the text selection when a toolbar button is pressed with the mouse or a finger.
  bar.addEventListener('pointerdown', (ev) => { if (ev.target.closest('button')) ev.preventDefault(); });
  // The toolbar wraps on narrower screens: the sticky panel starts below it, whatever its height.
  const setBar = () => document.documentElement.style.setProperty('--toolbar-h', `${bar.offsetHeight}px`);
  setBar();
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(setBar).observe(bar);
  el('undo').addEventListener('click', undo);
  el('redo').addEventListener('click', redo);
  el('help-open').addEventListener('click', openHelp);
  el('mark-quote').addEventListener('click', () => markRegion('quote'));
  el('mark-comments').addEventListener('click', () => markRegion('comments'));
  el('retry-now').addEventListener('click', () => S.outbox.kick());
  const toggle = el('panel-toggle');
  toggle.addEventListener('click', () => {
    const open = !document.body.classList.contains('panel-open');
    document.body.classList.toggle('panel-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) el('panel').querySelector('h2')?.scrollIntoView({ block: 'nearest' });
  });
}

function wirePanel() {
  el('mark-done').addEventListener('click', markDone);
  el('done-next').addEventListener('click', doneNext);
  el('reopen').addEventListener('click', reopen);
  el('compare-toggle').addEventListener('change', (ev) => toggleCompare(ev.target.checked));
  el('compare-who').addEventListener('change', (ev) => { setCompareWho(ev.target.value); redraw(); });
  el('ann-list').addEventListener('click', (ev) => {
    const jump = ev.target.closest('.ann-jump');
    if (jump) {
      if (!jumpTo(jump.dataset.localId)) openDetails([jump.dataset.localId], []);
      return;
    }
    const edit = ev.target.closest('.ann-edit');
    if (edit) openDetails([edit.dataset.localId], []);
  });
}

/** wireEvents connects every handler, once the text is drawn. */
export function wireEvents() {
  wireText();
  wireToolbar();
  wirePanel();
  window.addEventListener('online', () => S.outbox.kick());
  const onBack = () => {
    if (document.visibilityState !== 'visible' || sinceRefresh() < 1500) return;
    S.outbox.kick();
    refresh();
  };
  window.addEventListener('focus', onBack);
  document.addEventListener('visibilitychange', onBack);
  updateToolbar();
}
