// The workspace's keys: one table of key → action, which the key handlers look up and the `?`
// help renders. Pure data and lookup (no DOM), so the table is tested on its own
// (test/keymap.test.js); events.js binds each action name to what it does.
//
// scope says where the key acts:
//   page        anywhere on the page, except while typing in a field or with a dialog open
//   text        in the article text (the word cursor)
//   suggestion  on a focused suggestion in the text; an action returning false passes the key on
//               to the text scope
// A key is written as chord() names it: modifiers Ctrl (also Cmd), Alt, Shift in that order, then
// KeyboardEvent.key. Shift is left out for a printable character unless Ctrl is held (`?` is
// Shift+/ on most layouts), and a character under Ctrl is lower case.
// write marks what only reviewers may do (others' keys do nothing and stay the browser's).
// show is the help's rendering: {x} is a key cap, the rest plain text; help null hides a row.

import { LABELS } from '../labels.js';

export const KEYMAP = [
  { scope: 'text', keys: ['ArrowLeft', 'ArrowRight', 'Alt+ArrowLeft', 'Alt+ArrowRight'], action: 'moveWord', show: '{←} {→}', help: 'move the word cursor (in the article text)' },
  { scope: 'text', keys: ['Shift+ArrowLeft', 'Shift+ArrowRight'], action: 'extendWord', show: '{Shift}+{←} {→}', help: 'grow or shrink the selection by a word' },
  { scope: 'text', keys: ['Alt+Shift+ArrowLeft', 'Alt+Shift+ArrowRight'], action: 'extendChar', show: '{Shift}+{Alt}+{←} {→}', help: 'by one character (punctuation, quotes)' },
  { scope: 'text', keys: ['ArrowUp', 'ArrowDown', 'Alt+ArrowUp', 'Alt+ArrowDown'], action: 'moveParagraph', show: '{↑} {↓}', help: 'previous or next paragraph; with {Shift}, extend to its edge' },
  { scope: 'text', keys: ['Shift+ArrowUp', 'Shift+ArrowDown', 'Alt+Shift+ArrowUp', 'Alt+Shift+ArrowDown'], action: 'extendParagraph', show: '', help: null },
  { scope: 'page', keys: LABELS.map((l) => l.key), action: 'tag', show: `{${LABELS[0].key}}–{${LABELS[LABELS.length - 1].key}}`, help: 'tag the selection; on a focused suggestion, its passage (the suggested label accepts it, as {a} does)' },
  { scope: 'page', keys: ['q'], action: 'markQuote', show: '{q}', help: 'mark the selection as a quote from another outlet' },
  { scope: 'page', keys: ['c'], action: 'markComments', show: '{c}', help: 'mark the selection as readers\' comments' },
  { scope: 'text', keys: ['Enter'], action: 'openUnderCursor', show: '{Enter}', help: 'open what is under the cursor: annotations, regions to accept or reject, suggestions, passages published elsewhere' },
  { scope: 'page', keys: ['n', 'p'], action: 'moveSuggestion', write: true, show: '{n} / {p}', help: 'next / previous machine suggestion (also {Tab} / {Shift}+{Tab} from one)' },
  { scope: 'suggestion', keys: ['Tab', 'Shift+Tab'], action: 'tabSuggestion', show: '', help: null },
  { scope: 'suggestion', keys: ['Enter'], action: 'openSuggestion', show: '', help: null },
  { scope: 'suggestion', keys: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Shift+ArrowLeft', 'Shift+ArrowRight', 'Shift+ArrowUp', 'Shift+ArrowDown'], action: 'leaveSuggestion', show: '', help: null },
  { scope: 'page', keys: ['a', 'x'], action: 'decideSuggestion', write: true, show: '{a} / {x}', help: 'accept the suggestion (it becomes your annotation) / reject it' },
  { scope: 'page', keys: ['s'], action: 'toggleSuggestions', write: true, show: '{s}', help: 'hide or show suggestions' },
  { scope: 'page', keys: ['Ctrl+z'], action: 'undo', typing: true, show: '{Ctrl}+{Z} / {Ctrl}+{Shift}+{Z}', help: 'undo / redo' },
  { scope: 'page', keys: ['Ctrl+Shift+z', 'Ctrl+y', 'Ctrl+Shift+y'], action: 'redo', typing: true, show: '', help: null },
  { scope: 'page', keys: ['Ctrl+Enter'], action: 'doneNext', write: true, show: '{Ctrl}+{Enter}', help: 'mark the article done and open the next one' },
  { scope: 'page', keys: ['?'], action: 'help', show: '{?}', help: 'these guidelines and keys' },
  { scope: 'text', keys: ['Escape'], action: 'clearSelection', show: '{Esc}', help: 'clear the selection, close a dialog' },
];

/** chord names a keydown the way KEYMAP writes its keys. */
export function chord(ev) {
  const k = ev.key ?? '';
  const single = [...k].length === 1;
  const ctrl = !!(ev.ctrlKey || ev.metaKey);
  const parts = [];
  if (ctrl) parts.push('Ctrl');
  if (ev.altKey) parts.push('Alt');
  if (ev.shiftKey && (!single || ctrl)) parts.push('Shift');
  parts.push(single && ctrl ? k.toLowerCase() : k);
  return parts.join('+');
}

/** binding returns the entry of a scope that the keydown names, or null. */
export function binding(scope, ev, map = KEYMAP) {
  const c = chord(ev);
  return map.find((b) => b.scope === scope && b.keys.includes(c)) ?? null;
}

/** helpRows are the rows the help shows, in table order: [{show, help}] split into key caps. */
export function helpRows(map = KEYMAP) {
  return map.filter((b) => b.help).map((b) => ({ keys: parseShow(b.show), help: parseShow(b.help) }));
}

/** parseShow splits "{Shift}+{←}" into [{kbd: 'Shift'}, '+', {kbd: '←'}]. */
export function parseShow(s) {
  const out = [];
  const re = /\{([^}]+)\}/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    out.push({ kbd: m[1] });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}
