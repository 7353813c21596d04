import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetMap, sliceCodePoints } from '../static/js/offsets.js';

// The readers' comments of seed 001 carry an emoji and curly quotes before tagged passages.
const text = 'Comment 3: “Hollywoodcide” 🙄 — what a super-douche.\n\nThe FBI report stated it.';

test('ASCII text maps one to one', () => {
  const m = new OffsetMap('plain text');
  for (let i = 0; i <= 10; i++) {
    assert.equal(m.toCodePoint(i), i);
    assert.equal(m.toUTF16(i), i);
  }
});

test('an emoji before the passage shifts UTF-16 by one, code points by none', () => {
  const m = new OffsetMap(text);
  const passage = 'super-douche';
  const start16 = text.indexOf(passage);
  const { start, end } = m.spanToCodePoints(start16, start16 + passage.length);
  assert.equal(start, start16 - 1, 'one emoji before the passage counts once');
  assert.equal(end - start, passage.length);
  assert.equal([...text].slice(start, end).join(''), passage);
  assert.equal(sliceCodePoints(text, start, end), passage);
  assert.deepEqual(m.spanToUTF16(start, end), { start: start16, end: start16 + passage.length });
});

test('curly quotes are single code units and single code points', () => {
  const m = new OffsetMap(text);
  const q = text.indexOf('“');
  assert.equal(m.toCodePoint(q), q);
  assert.equal(m.toCodePoint(q + 1), q + 1);
  const quoted = '“Hollywoodcide”';
  const s = text.indexOf(quoted);
  const span = m.spanToCodePoints(s, s + quoted.length);
  assert.equal(sliceCodePoints(text, span.start, span.end), quoted);
});

test('the emoji itself is one code point wide', () => {
  const m = new OffsetMap(text);
  const e16 = text.indexOf('🙄');
  const span = m.spanToCodePoints(e16, e16 + 2);
  assert.equal(span.end - span.start, 1);
  assert.equal(sliceCodePoints(text, span.start, span.end), '🙄');
});

test('an offset inside a surrogate pair snaps to the whole character', () => {
  const m = new OffsetMap(text);
  const e16 = text.indexOf('🙄');
  assert.equal(m.toCodePoint(e16 + 1), m.toCodePoint(e16));
  assert.equal(m.toCodePoint(e16 + 1, 'forward'), m.toCodePoint(e16) + 1);
  // A selection that starts in the middle of the emoji still covers all of it.
  const span = m.spanToCodePoints(e16 + 1, e16 + 2);
  assert.equal(sliceCodePoints(text, span.start, span.end), '🙄');
});

test('round trip at every character boundary, several astral characters', () => {
  const t = 'a😀b𝒳c🙄🙄d\n\ne';
  const m = new OffsetMap(t);
  assert.equal(m.lengthCP, [...t].length);
  let u16 = 0;
  for (const [cp, ch] of [...t].entries()) {
    assert.equal(m.toCodePoint(u16), cp);
    assert.equal(m.toUTF16(cp), u16);
    u16 += ch.length;
  }
  assert.equal(m.toCodePoint(t.length), m.lengthCP);
  assert.equal(m.toUTF16(m.lengthCP), t.length);
});

test('out-of-range offsets are errors, not silent clamps', () => {
  const m = new OffsetMap('ab🙄');
  assert.throws(() => m.toCodePoint(5), RangeError);
  assert.throws(() => m.toCodePoint(-1), RangeError);
  assert.throws(() => m.toUTF16(4), RangeError);
  assert.throws(() => m.toUTF16(1.5), RangeError);
});

test('a lone surrogate counts as one code point', () => {
  const t = 'a\ud83db';
  const m = new OffsetMap(t);
  assert.equal(m.lengthCP, 3);
  assert.equal(m.toCodePoint(2), 2);
});
