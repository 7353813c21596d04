// Machine suggestions in the annotation view, the pure part: which suggestions to show, in what
// order, which one a key acts on, and the spans the text view draws for them.
//
// A suggestion is {label, start, end, exact, reason, rule, cue} with code point offsets (API.md).
// It is never an annotation: its spans carry kind 'sug' and keys starting with 's:', so the
// elements drawn for them carry data-suggestion-* attributes and never data-annotation-id, and
// the pieces of every annotation still read exactly its text (see test/suggestions.test.js).

export const PREF_KEY = 'credence.suggestions';

// suggestionKey identifies a suggestion the way the service records a decision on it.
export function suggestionKey(s) { return `${s.rule}|${s.label}|${s.start}|${s.end}`; }

export function byPosition(a, b) {
  return a.start - b.start || a.end - b.end || (suggestionKey(a) < suggestionKey(b) ? -1 : suggestionKey(a) > suggestionKey(b) ? 1 : 0);
}

// visibleSuggestions returns the suggestions to show, in text order: well-formed, at most once
// each, not rejected here, not already covered by one of the reviewer's annotations of that label
// (an accepted suggestion, or the reviewer got there first, on the same span or a wider one), not
// inside readers' comments (comments: [{start, end}], the comment regions), and whose exact text
// is what the article holds at their offsets (textAt(start, end) in code points; a stale one is
// dropped rather than drawn over the wrong words).
export function visibleSuggestions(items, { rejected = new Set(), annotations = [], comments = [], textAt = null, lengthCP = Infinity } = {}) {
  const within = (s, r) => Number.isInteger(r?.start) && Number.isInteger(r?.end) && r.start <= s.start && r.end >= s.end;
  const covered = (s) => annotations.some((a) => a.label === s.label && within(s, a));
  const inComments = (s) => comments.some((c) => within(s, c));
  const seen = new Set();
  const out = [];
  for (const s of items ?? []) {
    if (!s || !Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end <= s.start || s.end > lengthCP) continue;
    if (typeof s.label !== 'string' || typeof s.rule !== 'string' || !s.rule) continue;
    const key = suggestionKey(s);
    if (seen.has(key) || rejected.has(key) || covered(s) || inComments(s)) continue;
    if (textAt && typeof s.exact === 'string' && textAt(s.start, s.end) !== s.exact) continue;
    seen.add(key);
    out.push(s);
  }
  return out.sort(byPosition);
}

// nextSuggestion picks the suggestion n (dir 1) or p (dir -1) moves to: the one after or before
// the current one, or, with none current, the first that starts at or after the cursor offset
// (the last that starts before it, going back). It wraps around at the ends; null if none.
export function nextSuggestion(list, { currentKey = null, offset = null, dir = 1 } = {}) {
  if (!list.length) return null;
  const i = currentKey === null ? -1 : list.findIndex((s) => suggestionKey(s) === currentKey);
  if (i >= 0) return list[(i + dir + list.length) % list.length];
  if (offset === null || offset === undefined) return dir > 0 ? list[0] : list[list.length - 1];
  if (dir > 0) return list.find((s) => s.start >= offset) ?? list[0];
  for (let k = list.length - 1; k >= 0; k--) if (list[k].start < offset) return list[k];
  return list[list.length - 1];
}

// nearestSuggestion is the suggestion a key acts on when none has focus: the shortest one that
// covers the cursor [start, end), else the one closest to it (the earlier one on a tie).
export function nearestSuggestion(list, start, end = start) {
  let best = null;
  let bestLen = Infinity;
  for (const s of list) {
    if (s.start <= start && s.end >= end && s.end - s.start < bestLen) {
      best = s;
      bestLen = s.end - s.start;
    }
  }
  if (best) return best;
  let bestDist = Infinity;
  for (const s of list) {
    const d = s.end <= start ? start - s.end : s.start >= end ? s.start - end : 0;
    if (d < bestDist) { best = s; bestDist = d; }
  }
  return best;
}

// afterDecision is the suggestion to move to once `key` is accepted or rejected: the next in
// text order, or the previous when it was the last; null when none is left.
export function afterDecision(list, key) {
  const i = list.findIndex((s) => suggestionKey(s) === key);
  if (i < 0) return list[0] ?? null;
  return list[i + 1] ?? list[i - 1] ?? null;
}

// suggestionSpans turns suggestions into text view spans (UTF-16 offsets via toUTF16, the page's
// OffsetMap). They are the innermost layer, so an annotation's or a region's element is never cut
// by a suggestion's nesting, and they have keys of their own.
export function suggestionSpans(list, toUTF16) {
  return list.map((s) => ({
    key: 's:' + suggestionKey(s),
    start: toUTF16(s.start),
    end: toUTF16(s.end),
    layer: 2,
    kind: 'sug',
    rec: s,
    look: `${s.label}|${s.rule}`,
  }));
}

// suggestionsOn reads the reviewer's choice (on unless turned off).
export function suggestionsOn(storage) {
  try { return storage.getItem(PREF_KEY) !== 'off'; } catch { return true; }
}

export function setSuggestionsOn(storage, on) {
  try { storage.setItem(PREF_KEY, on ? 'on' : 'off'); } catch { /* private mode: kept for this page only */ }
}
