// Keyboard selection over an article's text, as pure state (UTF-16 offsets).
//
// The cursor is always a passage, at least one word: ←/→ move it word by word, Shift+←/→ grow
// or shrink the selection by words, Shift+Alt+←/→ by one character (to take in punctuation or a
// closing quote), ↑/↓ jump to the next or previous paragraph, Shift+↑/↓ extend to its edge.
// The page mirrors the state into the DOM selection, so keys 1–4 tag it like a mouse selection.

// wordSpans returns the [start, end) of every word of text, using the platform's word breaker.
export function wordSpans(text) {
  const out = [];
  if (typeof Intl !== 'undefined' && Intl.Segmenter) {
    const seg = new Intl.Segmenter(undefined, { granularity: 'word' });
    for (const s of seg.segment(text)) {
      if (s.isWordLike) out.push([s.index, s.index + s.segment.length]);
    }
    return out;
  }
  const re = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’]*/gu;
  let m;
  while ((m = re.exec(text)) !== null) out.push([m.index, m.index + m[0].length]);
  return out;
}

function firstIndex(n, pred) {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid; else lo = mid + 1;
  }
  return lo;
}

export class KeySelection {
  // paras: [{start, end}] as from pieces.paragraphs.
  constructor(text, paras, words = wordSpans(text)) {
    this.text = text;
    this.paras = paras;
    this.words = words;
    this.anchor = null; // [start, end] the selection always covers
    this.focus = 0;
  }

  get range() {
    if (!this.anchor) return null;
    return { start: Math.min(this.anchor[0], this.focus), end: Math.max(this.anchor[1], this.focus) };
  }

  setWord(i) {
    if (this.words.length === 0) return this.range;
    const w = this.words[Math.max(0, Math.min(this.words.length - 1, i))];
    this.anchor = [w[0], w[1]];
    this.focus = w[1];
    return this.range;
  }

  // setRange starts from an existing selection (a mouse selection, a jump from the side panel).
  setRange(start, end) {
    this.anchor = [start, end];
    this.focus = end;
    return this.range;
  }

  // wordAt: index of the first word ending after pos.
  wordAt(pos) { return firstIndex(this.words.length, (i) => this.words[i][1] > pos); }

  start() { return this.anchor ? this.range : this.setWord(0); }

  move(dir) {
    if (!this.anchor) return this.setWord(0);
    const { start, end } = this.range;
    if (dir > 0) {
      const i = firstIndex(this.words.length, (k) => this.words[k][0] >= end);
      return this.setWord(i < this.words.length ? i : this.words.length - 1);
    }
    const i = firstIndex(this.words.length, (k) => this.words[k][1] > start) - 1;
    return this.setWord(Math.max(0, i));
  }

  extend(dir) {
    if (!this.anchor) return this.setWord(0);
    const [as, ae] = this.anchor;
    const W = this.words;
    if (dir > 0) {
      if (this.focus < as) {
        const i = firstIndex(W.length, (k) => W[k][0] > this.focus);
        this.focus = i < W.length && W[i][0] < as ? W[i][0] : as;
      } else {
        const i = firstIndex(W.length, (k) => W[k][1] > this.focus);
        if (i < W.length) this.focus = W[i][1];
      }
    } else if (this.focus > ae) {
      const i = firstIndex(W.length, (k) => W[k][1] >= this.focus) - 1;
      this.focus = i >= 0 && W[i][1] > ae ? W[i][1] : ae;
    } else {
      const i = firstIndex(W.length, (k) => W[k][0] >= Math.min(this.focus, as)) - 1;
      if (i >= 0) this.focus = W[i][0];
    }
    return this.range;
  }

  extendChar(dir) {
    if (!this.anchor) return this.setWord(0);
    let f = this.focus + (dir > 0 ? 1 : -1);
    f = Math.max(0, Math.min(this.text.length, f));
    // Never stop between the halves of a surrogate pair.
    const c = this.text.charCodeAt(f);
    if (f > 0 && f < this.text.length && c >= 0xdc00 && c <= 0xdfff) f += dir > 0 ? 1 : -1;
    this.focus = f;
    return this.range;
  }

  paraIndex(pos) {
    return Math.max(0, firstIndex(this.paras.length, (k) => this.paras[k].start > pos) - 1);
  }

  moveParagraph(dir) {
    const at = this.anchor ? this.range.start : 0;
    let p = this.anchor ? this.paraIndex(at) + dir : 0;
    for (; p >= 0 && p < this.paras.length; p += dir) {
      const i = this.wordAt(this.paras[p].start);
      if (i < this.words.length && this.words[i][0] < this.paras[p].end) return this.setWord(i);
    }
    return this.range;
  }

  extendParagraph(dir) {
    if (!this.anchor) return this.setWord(0);
    const p = this.paraIndex(dir > 0 ? Math.max(this.focus - 1, 0) : this.focus);
    const para = this.paras[p];
    if (dir > 0) this.focus = this.focus < para.end ? para.end : (this.paras[p + 1]?.end ?? para.end);
    else this.focus = this.focus > para.start ? para.start : (this.paras[p - 1]?.start ?? para.start);
    return this.range;
  }

  clear() { this.anchor = null; }
}

// snapToWords widens a mouse selection [start, end) to whole words (Label Studio's
// granularity="word"): an edge that falls inside a word moves out to that word's edge. Edges on
// a word boundary, in spaces or punctuation stay where they are. An empty selection (a click,
// or a drag back to where it started) stays a caret: widening it would make every click inside
// a word select that word, and a click on a highlight could never open it. words as from
// wordSpans.
export function snapToWords(words, start, end) {
  if (end <= start) return { start, end: start };
  let s = start;
  let e = end;
  const i = firstIndex(words.length, (k) => words[k][1] > s);
  if (i < words.length && words[i][0] < s) s = words[i][0];
  const j = firstIndex(words.length, (k) => words[k][1] >= e);
  if (j < words.length && words[j][0] < e && e < words[j][1]) e = words[j][1];
  return { start: s, end: Math.max(s, e) };
}
