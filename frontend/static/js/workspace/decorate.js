// The elements the text view wraps around each piece of a span: annotations (<mark>, filled),
// regions (quote and comments, outlined), reprints (a rule in the margin) and machine
// suggestions (dashed, data-suggestion-* only, never data-annotation-id).

import { LABEL_BY_ID, labelName } from '../labels.js';
import { suggestionKey } from '../suggestions.js';
import { reprintCaption } from '../reprints.js';
import { S, isMine } from './state.js';

export function regionCaption(r) {
  const outlet = r.origin_outlet_name || S.outlets.get(String(r.origin_outlet_id)) || 'unknown outlet';
  const what = r.kind === 'comments' ? 'Readers’ comments' : `Quote · ${outlet}`;
  return r.status === 'proposed' ? `Proposed: ${what}` : what;
}

export function decorate(span, piece, k, chain) {
  const r = span.rec;
  const first = piece.start === span.start;
  if (span.kind === 'sug') return decorateSuggestion(span, piece, first);
  if (span.kind === 'reprint') {
    const e = document.createElement('span');
    e.className = `reprint${first ? ' first' : ''}`;
    e.dataset.reprintIndex = String(r.index);
    if (first) e.dataset.caption = reprintCaption(r);
    return e;
  }
  if (span.kind === 'region') {
    const e = document.createElement('span');
    e.className = `region region-${r.kind} region-${r.status}${first ? ' first' : ''}`;
    e.dataset.regionId = String(r.id ?? r.localId);
    e.dataset.regionLocal = r.localId;
    if (first) e.dataset.caption = regionCaption(r);
    return e;
  }
  let inner = 0;
  for (let j = k + 1; j < chain.length; j++) if (chain[j].kind === 'ann') inner++;
  const e = document.createElement('mark');
  e.className = `hl hl-${r.label} lv${Math.min(inner, 3)}${first ? ' first' : ''}${r.pending ? ' pending' : ''}`;
  e.dataset.annotationId = String(r.id ?? r.localId);
  e.dataset.label = r.label;
  e.dataset.localId = r.localId;
  if (first) e.dataset.mark = LABEL_BY_ID[r.label]?.mark ?? '?';
  e.title = labelName(r.label) + (r.user_name && !isMine(r) ? ` (${r.user_name})` : '') + (r.note ? `: ${r.note}` : '');
  return e;
}

function decorateSuggestion(span, piece, first) {
  const s = span.rec;
  const key = suggestionKey(s);
  const e = document.createElement('span');
  e.className = `sug sug-${s.label}${first ? ' first' : ''}${piece.end === span.end ? ' last' : ''}`;
  e.dataset.suggestionRule = s.rule;
  e.dataset.suggestionLabel = s.label;
  e.dataset.suggestionKey = key;
  if (first) {
    // The first piece is what keyboard focus lands on; its description is the shared tooltip.
    e.dataset.mark = `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`;
    e.setAttribute('tabindex', '-1');
    e.setAttribute('role', 'mark');
    e.setAttribute('aria-roledescription', 'suggestion');
    e.setAttribute('aria-describedby', 'sug-tip');
    e.setAttribute('aria-keyshortcuts', 'a x n p');
  }
  return e;
}
