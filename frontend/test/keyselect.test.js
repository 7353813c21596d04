import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeySelection, wordSpans, snapToWords } from '../static/js/keyselect.js';
import { paragraphs } from '../static/js/pieces.js';

const text = 'Could somebody have left a live round?\n\n“Hollywoodcide” 🙄 indeed, a super-douche.';
const sel = () => new KeySelection(text, paragraphs(text));
const show = (k, r = k.range) => text.slice(r.start, r.end);

test('wordSpans finds words, not spaces or punctuation', () => {
  const w = wordSpans('Hi, “you” 🙄 there.').map(([a, b]) => 'Hi, “you” 🙄 there.'.slice(a, b));
  assert.deepEqual(w, ['Hi', 'you', 'there']);
});

test('arrows move a one-word cursor', () => {
  const k = sel();
  assert.equal(show(k, k.start()), 'Could');
  assert.equal(show(k, k.move(1)), 'somebody');
  k.move(1);
  assert.equal(show(k), 'have');
  assert.equal(show(k, k.move(-1)), 'somebody');
  assert.equal(show(k, k.move(-1)), 'Could');
  assert.equal(show(k, k.move(-1)), 'Could', 'stops at the first word');
});

test('shift+arrows grow and shrink by words in both directions', () => {
  const k = sel();
  k.start();
  k.move(1); // somebody
  assert.equal(show(k, k.extend(1)), 'somebody have');
  assert.equal(show(k, k.extend(1)), 'somebody have left');
  assert.equal(show(k, k.extend(-1)), 'somebody have');
  assert.equal(show(k, k.extend(-1)), 'somebody');
  assert.equal(show(k, k.extend(-1)), 'Could somebody');
  assert.equal(show(k, k.extend(1)), 'somebody');
});

test('shift+alt+arrows take in punctuation, never half an emoji', () => {
  const k = sel();
  k.setWord(k.wordAt(text.indexOf('round')));
  assert.equal(show(k, k.extendChar(1)), 'round?');
  k.setWord(k.wordAt(text.indexOf('Hollywoodcide')));
  k.extendChar(1);
  k.extendChar(1);
  assert.equal(show(k, k.extendChar(1)), 'Hollywoodcide” 🙄'.slice(0, 'Hollywoodcide” 🙄'.length), 'the emoji is taken whole');
  assert.equal(show(k, k.extendChar(-1)), 'Hollywoodcide” ');
});

test('up and down go by paragraph, shift extends to its edge', () => {
  const k = sel();
  k.start();
  assert.equal(show(k, k.moveParagraph(1)), 'Hollywoodcide');
  assert.equal(show(k, k.moveParagraph(-1)), 'Could');
  assert.equal(show(k, k.extendParagraph(1)), 'Could somebody have left a live round?');
  k.setRange(text.indexOf('super'), text.indexOf('super') + 5);
  assert.equal(show(k, k.extendParagraph(-1)), '“Hollywoodcide” 🙄 indeed, a super');
});

test('snapToWords widens a selection to whole words and leaves word edges alone', () => {
  const text = 'Folks that worked on the set said “no”.';
  const W = wordSpans(text);
  const at = (s) => text.indexOf(s);
  // "lks that wo" → "Folks that worked" (the example).
  let r = snapToWords(W, at('lks'), at('rked'));
  assert.equal(text.slice(r.start, r.end), 'Folks that worked');
  // Already on word edges, or in spaces: unchanged.
  r = snapToWords(W, at('that'), at('that') + 4);
  assert.equal(text.slice(r.start, r.end), 'that');
  r = snapToWords(W, at('that') - 1, at('that') + 5);
  assert.equal(text.slice(r.start, r.end), ' that ');
  // Punctuation around a word stays as selected; a cut inside the quoted word widens.
  r = snapToWords(W, at('“'), at('no') + 1);
  assert.equal(text.slice(r.start, r.end), '“no');
  // One character inside a word becomes the word.
  r = snapToWords(W, at('set') + 1, at('set') + 2);
  assert.equal(text.slice(r.start, r.end), 'set');
});

test('snapToWords leaves a caret a caret: a click inside a word selects nothing', () => {
  // A press and release without moving is a click (it opens what is under it, or only places
  // the caret); widening it to the word would make every click select that word.
  const text = 'Folks that worked on the set said “no”.';
  const W = wordSpans(text);
  for (const at of [text.indexOf('orked'), text.indexOf('set') + 1, text.indexOf('no') + 1, 0, text.length]) {
    assert.deepEqual(snapToWords(W, at, at), { start: at, end: at }, `a caret at ${at}`);
  }
});
