// The side panel's lists of the reviewer's annotations and of the article's regions, with the
// buttons that accept, reject or delete a region, and jumping from a list item to its passage.

import { h, announce } from '../dom.js';
import { LABEL_BY_ID, labelName } from '../labels.js';
import { S, el, isMine, spanOf, textOf, byTextOrder } from './state.js';
import { CHANGES } from './changes.js';
import { excerpt, flash } from './ui.js';
import { regionCaption } from './decorate.js';
import { showSpan } from './selection.js';
import { placeButton } from './orphans.js';

function annItem(r) {
  return h('li', { class: `ann-item label-${r.label}` },
    h('button', { type: 'button', class: 'ann-jump', dataset: { localId: r.localId }, 'aria-label': `${labelName(r.label)}: ${excerpt(textOf(r), 60)}. Show in the text` },
      h('span', { class: `badge badge-${r.label}`, 'data-mark': LABEL_BY_ID[r.label]?.mark, text: labelName(r.label) }),
      h('span', { class: 'excerpt', text: excerpt(textOf(r)) }),
      r.note ? h('span', { class: 'note', text: excerpt(r.note, 70) }) : null,
      r.source?.text ? h('span', { class: 'source', text: `Source: ${excerpt(r.source.text, 60)}` }) : null,
      r.pending ? h('span', { class: 'flag', text: 'saving…' }) : null,
      r.status === 'orphaned' ? h('span', { class: 'flag warn', text: 'orphaned: the text changed' }) : null),
    h('button', { type: 'button', class: 'ann-edit link', dataset: { localId: r.localId }, text: 'Edit', 'aria-label': `Edit ${labelName(r.label)} annotation` }),
    placeButton(r));
}

export function renderAnnList() {
  const mine = [...S.ann.values()].filter(isMine).sort(byTextOrder);
  el('ann-count').textContent = `(${mine.length})`;
  el('ann-empty').hidden = mine.length > 0;
  el('ann-list').replaceChildren(...mine.map(annItem));
}

export function renderRegionList() {
  const regs = [...S.reg.values()].sort(byTextOrder);
  el('reg-count').textContent = `(${regs.length})`;
  el('reg-empty').hidden = regs.length > 0;
  el('reg-list').replaceChildren(...regs.map((r) => h('li', { class: `reg-item region-${r.kind} status-${r.status}` },
    h('p', { class: 'reg-caption', text: `${regionCaption(r)}${r.status === 'rejected' ? ' (rejected)' : ''}` }),
    h('p', { class: 'excerpt', text: excerpt(textOf(r), 80) }),
    relationLine(r),
    r.reason ? h('details', { class: 'why small' }, h('summary', { text: 'Why it was detected' }), h('p', { class: 'muted', text: r.reason })) : null,
    regionButtons(r))));
}

/** relationLine says how a detected quote relates to the other articles that carry it. */
export function relationLine(r) {
  if (r.origin !== 'detected' || !r.relation) return null;
  const outlet = r.origin_outlet_name || S.outlets.get(String(r.origin_outlet_id)) || 'an unknown outlet';
  const text = {
    attributed: `Attributed: the text credits it to ${outlet}.`,
    reprint: `Reprint: carried without credit; ${outlet} published it earlier.`,
    sibling: `Sibling: another article carries it credited to ${outlet}; both copy a common source.`,
  }[r.relation] ?? `Relation: ${r.relation}.`;
  const other = r.other_article_id;
  return h('p', { class: `relation small relation-${r.relation}` }, text,
    other != null ? h('span', {}, ' ', h('a', { href: `/articles/${encodeURIComponent(other)}`, text: `Open article ${other}` })) : null);
}

export function regionButtons(r) {
  const row = h('div', { class: 'row' });
  const what = regionCaption(r);
  row.append(h('button', { type: 'button', class: 'link', text: 'Show', 'aria-label': `Show ${what} in the text`, onclick: () => jumpToRegion(r.localId) }));
  if (S.canWrite) {
    if (r.status !== 'accepted') row.append(h('button', { type: 'button', class: 'small-btn', text: 'Accept', dataset: { action: 'accept-region' }, 'aria-label': `Accept: ${what}`, onclick: () => { CHANGES.region.update(r.localId, { status: 'accepted' }); announce('Region accepted. Ctrl+Z undoes it.'); } }));
    if (r.status !== 'rejected') row.append(h('button', { type: 'button', class: 'small-btn', text: 'Reject', dataset: { action: 'reject-region' }, 'aria-label': `Reject: ${what}`, onclick: () => { CHANGES.region.update(r.localId, { status: 'rejected' }); announce('Region rejected. Ctrl+Z undoes it.'); } }));
    if (r.origin === 'manual' || !r.id) row.append(h('button', { type: 'button', class: 'small-btn danger', text: 'Delete', onclick: () => { CHANGES.region.remove(r.localId); announce('Region deleted'); } }));
  }
  return row;
}

/** jumpTo selects an annotation's passage; false when it has none to show (orphaned). */
export function jumpTo(localId) {
  const r = S.ann.get(localId);
  if (!r) return true;
  if (!spanOf(r) || r.status === 'orphaned') return false;
  showSpan(r);
  flash(`[data-local-id="${CSS.escape(localId)}"]`);
  return true;
}

function jumpToRegion(localId) {
  const r = S.reg.get(localId);
  if (!r || !showSpan(r)) return;
  flash(`[data-region-local="${CSS.escape(localId)}"]`);
}
