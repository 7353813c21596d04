// The one place where the browser's UTF-16 positions meet the API's offsets.
//
// The API counts Unicode code points into an article's text (API.md, "Text offsets"); the DOM,
// JavaScript strings and Selection/Range all count UTF-16 code units. An emoji such as 🙄 is one
// code point but two code units, so every offset crossing the boundary between the page and the
// API goes through an OffsetMap built once per article text. Nothing else in the frontend converts.

function isHigh(c) { return c >= 0xd800 && c <= 0xdbff; }
function isLow(c) { return c >= 0xdc00 && c <= 0xdfff; }

// Number of entries in the sorted array `a` that are < x.
function countBelow(a, x) {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export class OffsetMap {
  constructor(text) {
    const pairs = [];
    for (let i = 0; i + 1 < text.length; i++) {
      if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
        pairs.push(i);
        i++;
      }
    }
    // pairAt16[k]: UTF-16 index where the k-th astral character starts.
    this.pairAt16 = Int32Array.from(pairs);
    // pairAtCP[k]: code point index of the same character.
    this.pairAtCP = Int32Array.from(pairs, (u, k) => u - k);
    this.length16 = text.length;
    this.lengthCP = text.length - pairs.length;
  }

  // toCodePoint converts a UTF-16 offset into a code point offset. An offset that falls between
  // the two halves of a surrogate pair is snapped to the character's start ("backward", the
  // default) or its end ("forward"), so a selection never splits an emoji.
  toCodePoint(u16, snap = 'backward') {
    if (!Number.isInteger(u16) || u16 < 0 || u16 > this.length16) {
      throw new RangeError(`UTF-16 offset ${u16} is outside 0..${this.length16}`);
    }
    const k = countBelow(this.pairAt16, u16);
    if (k > 0 && this.pairAt16[k - 1] + 1 === u16) {
      const startCP = this.pairAt16[k - 1] - (k - 1);
      return snap === 'forward' ? startCP + 1 : startCP;
    }
    return u16 - k;
  }

  // toUTF16 converts a code point offset into a UTF-16 offset.
  toUTF16(cp) {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.lengthCP) {
      throw new RangeError(`code point offset ${cp} is outside 0..${this.lengthCP}`);
    }
    return cp + countBelow(this.pairAtCP, cp);
  }

  // spanToCodePoints converts a UTF-16 [start, end) into code points, widening it to whole
  // characters if either end splits a surrogate pair.
  spanToCodePoints(start16, end16) {
    return { start: this.toCodePoint(start16, 'backward'), end: this.toCodePoint(end16, 'forward') };
  }

  spanToUTF16(startCP, endCP) {
    return { start: this.toUTF16(startCP), end: this.toUTF16(endCP) };
  }
}

// sliceCodePoints returns text[start:end] with start and end counted in code points.
export function sliceCodePoints(text, start, end, map = new OffsetMap(text)) {
  return text.slice(map.toUTF16(start), map.toUTF16(end));
}
