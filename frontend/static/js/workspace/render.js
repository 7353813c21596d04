// Drawing the workspace from its state: the text views' spans and the side panel's lists.

import { suggestionSpans } from '../suggestions.js';
import { S, layPending, isMine, spanOf, showSuggestionsNow } from './state.js';
import { restoreSelection } from './selection.js';
import { updateUndoButtons } from './changes.js';
import { renderAnnList, renderRegionList } from './panel.js';
import { computeVisibleSuggestions, focusedSuggestionKey, syncSuggestionDom, renderSuggestions } from './suggestions-panel.js';
import { reprintSpans } from './reprints-panel.js';
import { renderCompareChoices } from './review.js';

function annSpans(filter) {
  const out = [];
  for (const r of S.ann.values()) {
    if (!filter(r) || r.status === 'orphaned') continue;
    const s = spanOf(r);
    if (!s) continue;
    out.push({ key: 'a' + r.localId, start: s.start, end: s.end, layer: 1, kind: 'ann', rec: r, look: `${r.label}|${r.id ?? ''}|${r.pending ? 1 : 0}|${r.note ?? ''}` });
  }
  return out;
}

function regSpans() {
  const out = [];
  for (const r of S.reg.values()) {
    if (r.status === 'rejected') continue;
    const s = spanOf(r);
    if (!s) continue;
    out.push({ key: 'r' + r.localId, start: s.start, end: s.end, layer: 0, kind: 'region', rec: r, look: `${r.kind}|${r.status}|${r.origin_outlet_name ?? ''}|${r.id ?? ''}` });
  }
  return out;
}

/** recompute lays pending changes over the service's state and redraws what changed. */
export function recompute() {
  layPending();
  // Redrawing a paragraph replaces its text nodes, which would drop a selection made there
  // (say, right after tagging, while that tag's save is answered): keep it.
  const domSel = document.getSelection();
  const keepSel = domSel.rangeCount ? S.view.rangeOffsets(domSel.getRangeAt(0)) : null;
  const regions = regSpans();
  const focusedSug = focusedSuggestionKey();
  showSuggestionsNow(computeVisibleSuggestions());
  const sugs = S.sug.on && S.canWrite ? suggestionSpans(S.sug.visible, (cp) => S.map.toUTF16(cp)) : [];
  S.view.render([...reprintSpans(), ...regions, ...annSpans(isMine), ...sugs]);
  if (S.compareView) {
    const who = S.compareWho;
    S.compareView.render([...regions, ...annSpans((r) => !isMine(r) && (who === 'all' || String(r.user_id) === who))]);
  }
  if (keepSel) restoreSelection(keepSel);
  syncSuggestionDom(focusedSug);
  renderAnnList();
  renderRegionList();
  renderSuggestions();
  renderCompareChoices();
  updateUndoButtons();
}
