import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYMAP, chord, binding, helpRows, parseShow } from '../static/js/workspace/keymap.js';
import { LABELS } from '../static/js/labels.js';

const ev = (key, mods = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

test('chord names modifiers in order and leaves out Shift on a printed character', () => {
  assert.equal(chord(ev('?', { shiftKey: true })), '?');
  assert.equal(chord(ev('ArrowLeft', { shiftKey: true, altKey: true })), 'Alt+Shift+ArrowLeft');
  assert.equal(chord(ev('Z', { ctrlKey: true, shiftKey: true })), 'Ctrl+Shift+z');
  assert.equal(chord(ev('z', { metaKey: true })), 'Ctrl+z');
  assert.equal(chord(ev('Tab', { shiftKey: true })), 'Shift+Tab');
});

test('binding finds each key in its own scope only', () => {
  assert.equal(binding('page', ev('1')).action, 'tag');
  assert.equal(binding('page', ev(LABELS[3].key)).action, 'tag');
  assert.equal(binding('page', ev('Z', { ctrlKey: true, shiftKey: true })).action, 'redo');
  assert.equal(binding('page', ev('y', { ctrlKey: true })).action, 'redo');
  assert.equal(binding('page', ev('z', { ctrlKey: true })).action, 'undo');
  assert.equal(binding('page', ev('1', { altKey: true })), null);
  assert.equal(binding('page', ev('ArrowLeft')), null);
  assert.equal(binding('text', ev('ArrowRight', { shiftKey: true })).action, 'extendWord');
  assert.equal(binding('text', ev('ArrowRight', { shiftKey: true, altKey: true })).action, 'extendChar');
  assert.equal(binding('text', ev('ArrowDown', { shiftKey: true })).action, 'extendParagraph');
  assert.equal(binding('suggestion', ev('Tab', { altKey: true })), null);
  assert.equal(binding('suggestion', ev('Tab', { shiftKey: true })).action, 'tabSuggestion');
});

test('no key is bound twice in one scope', () => {
  const seen = new Map();
  for (const b of KEYMAP) {
    for (const k of b.keys) {
      const id = `${b.scope} ${k}`;
      assert.ok(!seen.has(id), `${id} is bound to ${seen.get(id)} and ${b.action}`);
      seen.set(id, b.action);
    }
  }
});

test('the help renders every shown row with its key caps', () => {
  const rows = helpRows();
  assert.ok(rows.length >= 10);
  const tagRow = rows.find((r) => typeof r.help[0] === 'string' && r.help[0].startsWith('tag the selection'));
  assert.deepEqual(tagRow.keys, [{ kbd: LABELS[0].key }, '–', { kbd: LABELS[LABELS.length - 1].key }]);
  assert.deepEqual(parseShow('{Shift}+{←} {→}'), [{ kbd: 'Shift' }, '+', { kbd: '←' }, ' ', { kbd: '→' }]);
  assert.deepEqual(parseShow('plain'), ['plain']);
});
