import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paragraphs, splitIntoPieces, spansByParagraph, lastAtOrBelow, signature } from '../static/js/pieces.js';

test('paragraphs tile the text, separators kept apart', () => {
  const text = 'Title\n\nFirst line\nsecond line\n\n\nLast';
  const ps = paragraphs(text);
  assert.deepEqual(ps.map((p) => text.slice(p.start, p.end)), ['Title', 'First line\nsecond line', 'Last']);
  assert.deepEqual(ps.map((p) => text.slice(p.end, p.sepEnd)), ['\n\n', '\n\n\n', '']);
  assert.equal(ps.map((p) => text.slice(p.start, p.sepEnd)).join(''), text);
});

test('empty text still has one paragraph', () => {
  assert.deepEqual(paragraphs(''), [{ start: 0, end: 0, sepEnd: 0 }]);
});

function textOf(text, pieces, key) {
  return pieces.filter((p) => p.spans.some((s) => s.key === key)).map((p) => text.slice(p.start, p.end)).join('');
}

test('overlapping spans split into pieces that keep each span whole', () => {
  const text = 'the narcissistic, nasty, violent jerk';
  const opinion = { key: 'a', start: 4, end: 37 };
  const loaded = { key: 'b', start: 18, end: 23 }; // "nasty", nested
  const cross = { key: 'c', start: 0, end: 10 }; // crosses opinion's start
  const pieces = splitIntoPieces(0, text.length, [opinion, loaded, cross]);
  assert.equal(pieces.map((p) => text.slice(p.start, p.end)).join(''), text, 'pieces tile the range');
  for (const s of [opinion, loaded, cross]) assert.equal(textOf(text, pieces, s.key), text.slice(s.start, s.end));
  const nasty = pieces.find((p) => text.slice(p.start, p.end) === 'nasty');
  assert.deepEqual(nasty.spans.map((s) => s.key), ['a', 'b'], 'outer span first');
  const the = pieces.find((p) => p.start === 0);
  assert.deepEqual(the.spans.map((s) => s.key), ['c']);
  const overlap = pieces.find((p) => p.start === 4);
  assert.deepEqual(overlap.spans.map((s) => s.key), ['c', 'a'], 'earlier start is outer');
});

test('identical spans are ordered by key, layers put regions outside', () => {
  const spans = [
    { key: 'z', start: 2, end: 5 },
    { key: 'y', start: 2, end: 5 },
    { key: 'r', start: 3, end: 4, layer: -1 },
  ];
  const pieces = splitIntoPieces(0, 6, spans);
  const mid = pieces.find((p) => p.start === 3);
  assert.deepEqual(mid.spans.map((s) => s.key), ['r', 'y', 'z']);
});

test('spans are clipped to the range and extra cuts are honoured', () => {
  const pieces = splitIntoPieces(10, 20, [{ key: 'x', start: 5, end: 15 }, { key: 'e', start: 12, end: 12 }], [13, 25]);
  assert.deepEqual(pieces.map((p) => [p.start, p.end, p.spans.map((s) => s.key).join()]), [
    [10, 13, 'x'], [13, 15, 'x'], [15, 20, ''],
  ]);
});

test('spansByParagraph finds every paragraph a span touches', () => {
  const text = 'one\n\ntwo\n\nthree';
  const ps = paragraphs(text);
  const across = { key: 'a', start: 1, end: 7 };
  const inSep = { key: 'b', start: 3, end: 5 };
  const last = { key: 'c', start: 10, end: 15 };
  const by = spansByParagraph(ps, [across, inSep, last]);
  assert.deepEqual(by.map((l) => l.map((s) => s.key).join()), ['a,b', 'a', 'c']);
});

test('lastAtOrBelow and signature', () => {
  assert.equal(lastAtOrBelow([0, 5, 10], 7), 1);
  assert.equal(lastAtOrBelow([0, 5, 10], 10), 2);
  assert.equal(lastAtOrBelow([0, 5, 10], 0), 0);
  assert.notEqual(signature([{ key: 'a', start: 1, end: 2, look: 'opinion' }]), signature([{ key: 'a', start: 1, end: 2, look: 'speculation' }]));
});

test('many spans stay fast and exact', () => {
  const n = 5000;
  const spans = [];
  for (let i = 0; i < n; i++) spans.push({ key: `k${i}`, start: (i * 37) % 100000, end: ((i * 37) % 100000) + 1 + (i % 200) });
  const t0 = performance.now();
  const pieces = splitIntoPieces(0, 100300, spans);
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `took ${ms} ms`);
  const covered = new Map();
  for (const p of pieces) for (const s of p.spans) covered.set(s.key, (covered.get(s.key) ?? 0) + p.end - p.start);
  for (const s of spans) assert.equal(covered.get(s.key), s.end - s.start);
});
