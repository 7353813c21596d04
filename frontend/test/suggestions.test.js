import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suggestionKey, visibleSuggestions, nextSuggestion, nearestSuggestion, afterDecision, suggestionSpans,
  suggestionsOn, setSuggestionsOn, PREF_KEY,
} from '../static/js/suggestions.js';
import { OffsetMap, sliceCodePoints } from '../static/js/offsets.js';
import { paragraphs, splitIntoPieces, spansByParagraph } from '../static/js/pieces.js';

const sug = (label, start, end, rule = 'r.' + label) => ({ label, start, end, rule, exact: null, reason: `because ${rule}` });

test('visibleSuggestions: text order, once each, minus rejected and already annotated', () => {
  const a = sug('speculation', 10, 20);
  const b = sug('opinion', 0, 5);
  const c = sug('loaded_language', 30, 35);
  const d = sug('opinion', 10, 20, 'other.rule');
  const out = visibleSuggestions([a, b, c, { ...a }, d], {
    rejected: new Set([suggestionKey(c)]),
    annotations: [{ label: 'speculation', start: 10, end: 20 }],
  });
  // a is the reviewer's annotation already (same label and span); d has another label, so stays.
  assert.deepEqual(out.map(suggestionKey), [suggestionKey(b), suggestionKey(d)]);
});

test('visibleSuggestions drops malformed, out-of-range and stale suggestions', () => {
  const text = 'Could 🙄 this be it?';
  const map = new OffsetMap(text);
  const textAt = (s, e) => sliceCodePoints(text, s, e, map);
  const good = { ...sug('speculation', 8, 12), exact: 'this' }; // code points: the emoji counts once
  const stale = { ...sug('opinion', 0, 5), exact: 'Would' };
  const out = visibleSuggestions([good, stale, sug('opinion', 5, 5), sug('opinion', -1, 3), sug('opinion', 0, 99), { label: 'opinion', start: 0, end: 3 }, null], {
    textAt, lengthCP: map.lengthCP,
  });
  assert.deepEqual(out, [good]);
});

test('nextSuggestion moves from the current one and wraps around', () => {
  const list = [sug('opinion', 0, 5), sug('speculation', 10, 20), sug('opinion', 30, 40)];
  const k = list.map(suggestionKey);
  assert.equal(nextSuggestion(list, { currentKey: k[0], dir: 1 }), list[1]);
  assert.equal(nextSuggestion(list, { currentKey: k[2], dir: 1 }), list[0], 'wraps forward');
  assert.equal(nextSuggestion(list, { currentKey: k[0], dir: -1 }), list[2], 'wraps back');
  assert.equal(nextSuggestion(list, { currentKey: k[1], dir: -1 }), list[0]);
  assert.equal(nextSuggestion([], { dir: 1 }), null);
});

test('nextSuggestion without a current one starts from the cursor', () => {
  const list = [sug('opinion', 0, 5), sug('speculation', 10, 20), sug('opinion', 30, 40)];
  assert.equal(nextSuggestion(list, { offset: 0, dir: 1 }), list[0], 'a suggestion at the cursor comes first');
  assert.equal(nextSuggestion(list, { offset: 11, dir: 1 }), list[2]);
  assert.equal(nextSuggestion(list, { offset: 41, dir: 1 }), list[0], 'past the last: wraps');
  assert.equal(nextSuggestion(list, { offset: 30, dir: -1 }), list[1]);
  assert.equal(nextSuggestion(list, { offset: 0, dir: -1 }), list[2], 'before the first: wraps');
  assert.equal(nextSuggestion(list, { dir: -1 }), list[2]);
  assert.equal(nextSuggestion(list, { currentKey: 'gone', offset: 11, dir: 1 }), list[2], 'a stale current key falls back to the cursor');
});

test('nearestSuggestion prefers the shortest covering one, then the closest', () => {
  const outer = sug('opinion', 0, 50);
  const inner = sug('loaded_language', 10, 15);
  const far = sug('speculation', 80, 90);
  assert.equal(nearestSuggestion([outer, inner, far], 11, 12), inner);
  assert.equal(nearestSuggestion([outer, inner, far], 20, 21), outer);
  assert.equal(nearestSuggestion([inner, far], 30, 31), inner, '15 before beats 49 after');
  assert.equal(nearestSuggestion([inner, far], 60, 61), far, '19 after beats 45 before');
  assert.equal(nearestSuggestion([inner, sug('opinion', 25, 30)], 20, 20), inner, 'a tie goes to the earlier one');
  assert.equal(nearestSuggestion([], 3), null);
});

test('afterDecision moves to the next, or the previous after the last', () => {
  const list = [sug('opinion', 0, 5), sug('speculation', 10, 20), sug('opinion', 30, 40)];
  const k = list.map(suggestionKey);
  assert.equal(afterDecision(list, k[0]), list[1]);
  assert.equal(afterDecision(list, k[2]), list[1]);
  assert.equal(afterDecision([list[0]], k[0]), null);
});

// Simulates TextView's rendering: each piece's text node wrapped in one element per covering span
// (as decorate does: suggestions get data-suggestion-*, annotations data-annotation-id), and reads
// back what the elements carrying each attribute hold.
function render(text, spans) {
  const byAttr = new Map();
  let whole = '';
  const paras = paragraphs(text);
  const per = spansByParagraph(paras, spans);
  paras.forEach((p, i) => {
    for (const piece of splitIntoPieces(p.start, p.sepEnd, per[i], [p.end])) {
      const t = text.slice(piece.start, piece.end);
      whole += t;
      const seen = new Set();
      for (const s of piece.spans) {
        const attr = s.kind === 'sug' ? `data-suggestion-key=${s.key.slice(2)}` : `data-annotation-id=${s.rec.id}`;
        assert.ok(!seen.has(attr), 'a piece is wrapped once per span');
        seen.add(attr);
        byAttr.set(attr, (byAttr.get(attr) ?? '') + t);
      }
    }
  });
  return { whole, byAttr };
}

test('suggestion pieces merged with annotation pieces keep every highlight exactly its text', () => {
  const text = 'Could this be the end? 🙄 The smug, spendthrift showboat may finally pay.\n\nRumor has it that they knew.';
  const map = new OffsetMap(text);
  const cp = (s) => [...text.slice(0, text.indexOf(s))].length;
  const at = (s) => ({ start: cp(s), end: cp(s) + [...s].length });
  const anns = [
    { id: 1, label: 'opinion', ...at('The smug, spendthrift showboat may finally pay.') },
    { id: 2, label: 'loaded_language', ...at('smug, spendthrift') },
    { id: 3, label: 'speculation', ...at('may finally pay.\n\nRumor') }, // across paragraphs
  ];
  const sugs = [
    { ...sug('speculation', at('Could this be the end?').start, at('Could this be the end?').end), exact: 'Could this be the end?' },
    { ...sug('loaded_language', at('spendthrift showboat').start, at('spendthrift showboat').end), exact: 'spendthrift showboat' }, // crosses annotation 2's end
    { ...sug('speculation', at('Rumor has it').start, at('Rumor has it').end), exact: 'Rumor has it' },
    { ...sug('opinion', at('🙄 The smug').start, at('🙄 The smug').end), exact: '🙄 The smug' }, // crosses annotation 1's start, after an emoji
  ];
  const annSpans = anns.map((a) => ({ key: 'a' + a.id, start: map.toUTF16(a.start), end: map.toUTF16(a.end), layer: 1, kind: 'ann', rec: a }));
  const regSpans = [{ key: 'r1', start: 0, end: map.toUTF16(at('showboat').end), layer: 0, kind: 'region', rec: { id: 'r1' } }];
  const sugSp = suggestionSpans(sugs, (c) => map.toUTF16(c));
  for (const s of sugSp) assert.ok(s.key.startsWith('s:') && s.kind === 'sug', 'suggestion spans have keys and a kind of their own');
  const { whole, byAttr } = render(text, [...regSpans, ...annSpans, ...sugSp]);
  assert.equal(whole, text, 'every character once, in order');
  for (const a of anns) assert.equal(byAttr.get(`data-annotation-id=${a.id}`), sliceCodePoints(text, a.start, a.end, map));
  for (const s of sugs) assert.equal(byAttr.get(`data-suggestion-key=${suggestionKey(s)}`), s.exact);
  // Without the suggestions the annotations read the same: suggestions never change them.
  const bare = render(text, [...regSpans, ...annSpans]);
  for (const a of anns) assert.equal(bare.byAttr.get(`data-annotation-id=${a.id}`), byAttr.get(`data-annotation-id=${a.id}`));
});

test('suggestion spans are the innermost layer', () => {
  const [s] = suggestionSpans([sug('opinion', 2, 4)], (c) => c);
  const pieces = splitIntoPieces(0, 10, [s, { key: 'a1', start: 0, end: 10, layer: 1 }, { key: 'r', start: 0, end: 10, layer: 0 }]);
  const mid = pieces.find((p) => p.start === 2);
  assert.deepEqual(mid.spans.map((x) => x.key), ['r', 'a1', s.key]);
});

test('the on/off choice is remembered, on by default', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  assert.equal(suggestionsOn(storage), true);
  setSuggestionsOn(storage, false);
  assert.equal(store.get(PREF_KEY), 'off');
  assert.equal(suggestionsOn(storage), false);
  setSuggestionsOn(storage, true);
  assert.equal(suggestionsOn(storage), true);
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); } };
  assert.equal(suggestionsOn(broken), true);
  assert.doesNotThrow(() => setSuggestionsOn(broken, false));
});

test('visibleSuggestions hides what the reviewer covered with that label, and what lies in readers\' comments', () => {
  const inside = sug('loaded_language', 12, 16);
  const otherLabel = sug('opinion', 12, 16);
  const crossing = sug('loaded_language', 18, 30);
  const comment = sug('opinion', 60, 70);
  const acrossComments = sug('speculation', 45, 55);
  const out = visibleSuggestions([inside, otherLabel, crossing, comment, acrossComments], {
    annotations: [{ label: 'loaded_language', start: 10, end: 20 }],
    comments: [{ start: 50, end: 90 }],
  });
  // inside: covered by a wider loaded_language annotation; crossing: only partly covered, stays;
  // otherLabel: another label, stays; comment: inside the comments; acrossComments: starts before them.
  assert.deepEqual(out.map(suggestionKey), [suggestionKey(otherLabel), suggestionKey(crossing), suggestionKey(acrossComments)]);
});
