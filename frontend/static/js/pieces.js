// Pure layout of an article's text: paragraphs, and the cutting of overlapping spans into pieces.
//
// All offsets here are UTF-16 (the renderer's coordinates); offsets.js converts at the API edge.

// paragraphs splits text at runs of two or more newlines. Each paragraph covers
// [start, end) of visible text followed by [end, sepEnd) of separator, so the paragraphs tile the
// text exactly and every character keeps a home in the DOM (the separators are rendered hidden).
export function paragraphs(text) {
  const out = [];
  const re = /\n{2,}/g;
  let start = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    out.push({ start, end: m.index, sepEnd: m.index + m[0].length });
    start = m.index + m[0].length;
  }
  if (start < text.length || out.length === 0) {
    out.push({ start, end: text.length, sepEnd: text.length });
  }
  return out;
}

// layerOf orders spans from outermost to innermost element: regions wrap annotations.
function layerOf(span) { return span.layer ?? 0; }

// compareNesting puts the span that should be the outer element first: lower layer, then earlier
// start, then longer, then key, so a span keeps the same place in every piece it is cut into.
export function compareNesting(a, b) {
  return layerOf(a) - layerOf(b) || a.start - b.start || b.end - a.end ||
    (String(a.key) < String(b.key) ? -1 : String(a.key) > String(b.key) ? 1 : 0);
}

// splitIntoPieces cuts [from, to) at every span boundary and every extra cut, and returns the
// consecutive pieces that tile it, each with the spans covering it ordered outer to inner.
// Spans are {key, start, end, layer?, ...}; empty spans and the parts outside [from, to) are ignored.
export function splitIntoPieces(from, to, spans, cuts = []) {
  const bounds = new Set([from, to]);
  const live = [];
  for (const s of spans) {
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (end <= start) continue;
    live.push(s);
    bounds.add(start);
    bounds.add(end);
  }
  for (const c of cuts) if (c > from && c < to) bounds.add(c);
  const points = [...bounds].sort((a, b) => a - b);

  // Sweep: spans sorted by start enter the active set, leave when their end is reached.
  live.sort((a, b) => a.start - b.start);
  const pieces = [];
  let next = 0;
  let active = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    active = active.filter((s) => s.end > a);
    let added = false;
    while (next < live.length && Math.max(live[next].start, from) <= a) {
      if (live[next].end > a) { active.push(live[next]); added = true; }
      next++;
    }
    if (added) active.sort(compareNesting);
    pieces.push({ start: a, end: b, spans: active.slice() });
  }
  return pieces;
}

// signature is a cheap fingerprint of what a paragraph shows, so only paragraphs whose spans
// changed are rendered again.
export function signature(spans) {
  let s = '';
  for (const x of spans) s += `${x.key}:${x.start}-${x.end}:${x.look ?? ''};`;
  return s;
}

// spansByParagraph assigns each span to every paragraph (by index) whose full range
// [start, sepEnd) it touches.
export function spansByParagraph(paras, spans) {
  const out = paras.map(() => []);
  const starts = paras.map((p) => p.start);
  for (const s of spans) {
    if (s.end <= s.start) continue;
    let i = lastAtOrBelow(starts, s.start);
    for (; i < paras.length && paras[i].start < s.end; i++) {
      if (paras[i].sepEnd > s.start || paras[i].start === paras[i].sepEnd) out[i].push(s);
    }
  }
  return out;
}

// lastAtOrBelow returns the index of the last entry of the sorted array `a` that is <= x (0 if none).
export function lastAtOrBelow(a, x) {
  let lo = 0;
  let hi = a.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return best;
}
