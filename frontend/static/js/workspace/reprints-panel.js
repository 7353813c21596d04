// Passages this article shares with other articles ("Also published in…"): loading them, the
// spans drawn in the text, and the panel's list with how reviewers annotated them there.

import { api } from '../api.js';
import { h } from '../dom.js';
import { LABELS, LABEL_BY_ID, labelName } from '../labels.js';
import { groupReprints, labelSummary, reprintCaption, totalAnnotations } from '../reprints.js';
import { S, el, redraw, spanOf, textOf, setReprints, learnOutlet } from './state.js';
import { excerpt, quoted } from './ui.js';
import { showSpan } from './selection.js';

export async function loadReprints() {
  let items = [];
  try {
    items = (await api.get(`/articles/${encodeURIComponent(S.articleId)}/reprints`))?.items ?? [];
  } catch {
    items = [];
  }
  setReprints(groupReprints(items, S.map.lengthCP).map((g, index) => ({ ...g, index })));
  redraw();
  renderReprints();
  document.body.dataset.reprints = 'loaded'; // the passages are drawn (tests wait for the page to settle)
  // The list gives the other articles' outlets by id: fetch their names once, then show them.
  const missing = new Set();
  for (const g of S.reprints) for (const o of g.others) if (o.outlet_id != null && !S.outlets.has(String(o.outlet_id))) missing.add(String(o.outlet_id));
  await Promise.all([...missing].map(async (id) => {
    try {
      const o = await api.get(`/outlets/${encodeURIComponent(id)}`);
      if (o?.name) learnOutlet(id, o.name);
    } catch { /* shown without its outlet's name */ }
  }));
  if (missing.size) renderReprints();
}

/** reprintSpans are the text view's spans for the shared passages (the outermost layer). */
export function reprintSpans() {
  const out = [];
  for (const g of S.reprints) {
    const s = spanOf(g);
    if (s) out.push({ key: `p:${g.index}`, start: s.start, end: s.end, layer: -1, kind: 'reprint', rec: g, look: `${g.others.length}` });
  }
  return out;
}

function outletName(id) { return id == null ? '' : S.outlets.get(String(id)) ?? ''; }

function labelCountNodes(counts) {
  const sum = labelSummary(counts, LABELS.map((l) => l.id));
  if (!sum.length) return [h('span', { class: 'muted small', text: 'not annotated there yet' })];
  return sum.map(({ label, count }) => h('span', { class: `badge badge-${label}`, 'data-mark': LABEL_BY_ID[label]?.mark ?? '?', text: `${count} × ${labelName(label)}` }));
}

/**
 * reprintBody is one shared passage: how many other articles carry it, a link to each, and how
 * reviewers annotated it there.
 */
export function reprintBody(g, { showButton = true } = {}) {
  const total = totalAnnotations(g);
  return [
    h('p', { class: 'excerpt', text: quoted(textOf(g), 110) }),
    h('p', { class: 'rep-summary', text: `${reprintCaption(g)}${total ? ` · annotated ${total} time${total === 1 ? '' : 's'} there` : ''}` }),
    h('ul', { class: 'rep-others' }, ...g.others.map((o) => {
      const outlet = outletName(o.outlet_id);
      return h('li', { class: 'rep-other' },
        h('a', { href: `/articles/${encodeURIComponent(o.article_id)}`, class: 'rep-link', dataset: { articleId: String(o.article_id) } }, o.title || `Article ${o.article_id}`),
        h('span', { class: 'muted small', text: ` ${outlet ? `· ${outlet} ` : ''}· ${Math.round((o.similarity ?? 0) * 100)}% the same` }),
        h('span', { class: 'rep-labels' }, ...labelCountNodes(o.annotations)));
    })),
    showButton ? h('div', { class: 'row' }, h('button', { type: 'button', class: 'link', text: 'Show in the text', onclick: () => showSpan(g) })) : null,
  ];
}

export function renderReprints() {
  const list = el('rep-list');
  el('rep-section').hidden = S.reprints.length === 0;
  el('rep-count').textContent = `(${S.reprints.length})`;
  list.replaceChildren(...S.reprints.map((g) => h('li', { class: 'rep-item', dataset: { reprintIndex: String(g.index) } }, ...reprintBody(g))));
}
