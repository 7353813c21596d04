// Passages an article shares with other articles (GET /articles/{id}/reprints), the pure part.
//
// The service lists one item per (passage, other article), in code points of this article, so
// the same paragraphs carried by three other articles come as three items whose spans overlap.
// groupReprints merges overlapping items into passages, each with the other articles that carry
// it (once each) and how reviewers annotated it there.

// groupReprints returns [{start, end, others: [{article_id, outlet_id, title, similarity,
// other_start, other_end, annotations}]}] in text order; items that overlap (or touch) form one
// passage spanning all of them.
export function groupReprints(items, lengthCP = Infinity) {
  const ok = (items ?? []).filter((p) => p && Number.isInteger(p.start) && Number.isInteger(p.end) &&
    p.start >= 0 && p.end > p.start && p.end <= lengthCP && p.article_id !== undefined && p.article_id !== null);
  ok.sort((a, b) => a.start - b.start || b.end - a.end);
  const groups = [];
  for (const p of ok) {
    const g = groups[groups.length - 1];
    if (g && p.start <= g.end) {
      g.end = Math.max(g.end, p.end);
      g.items.push(p);
    } else {
      groups.push({ start: p.start, end: p.end, items: [p] });
    }
  }
  return groups.map((g) => ({ start: g.start, end: g.end, others: othersOf(g.items) }));
}

// othersOf keeps one entry per other article: its widest shared span, and per label the largest
// count any of its items reports (the items cover the same annotations, so counts are not added).
function othersOf(items) {
  const by = new Map();
  for (const p of items) {
    const id = String(p.article_id);
    const cur = by.get(id);
    const counts = normalCounts(p.annotations);
    if (!cur) {
      by.set(id, { article_id: p.article_id, outlet_id: p.outlet_id, title: p.title ?? '', similarity: p.similarity ?? 0,
        other_start: p.other_start, other_end: p.other_end, annotations: counts });
      continue;
    }
    cur.similarity = Math.max(cur.similarity, p.similarity ?? 0);
    if (Number.isInteger(p.other_start) && (!Number.isInteger(cur.other_start) || p.other_start < cur.other_start)) cur.other_start = p.other_start;
    if (Number.isInteger(p.other_end) && (!Number.isInteger(cur.other_end) || p.other_end > cur.other_end)) cur.other_end = p.other_end;
    for (const [label, n] of Object.entries(counts)) cur.annotations[label] = Math.max(cur.annotations[label] ?? 0, n);
  }
  return [...by.values()].sort((a, b) => Number(a.article_id) - Number(b.article_id) || String(a.article_id).localeCompare(String(b.article_id)));
}

function normalCounts(c) {
  const out = {};
  for (const [label, n] of Object.entries(c ?? {})) if (Number.isInteger(n) && n > 0) out[label] = n;
  return out;
}

// labelSummary lists the label counts in the given label order (labels not in it last, by name).
export function labelSummary(counts, order = []) {
  const rank = (l) => { const i = order.indexOf(l); return i < 0 ? order.length : i; };
  return Object.entries(normalCounts(counts))
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => rank(a.label) - rank(b.label) || a.label.localeCompare(b.label));
}

// totalAnnotations adds up a passage's annotations across the other articles.
export function totalAnnotations(group) {
  let n = 0;
  for (const o of group.others) for (const c of Object.values(o.annotations)) n += c;
  return n;
}

// reprintCaption is the short marker text shown where the passage starts.
export function reprintCaption(group) {
  const n = group.others.length;
  return `Also in ${n} other article${n === 1 ? '' : 's'}`;
}
