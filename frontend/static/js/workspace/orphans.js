// Orphaned annotations: after an edited re-import the service could not find their passage
// again, so they keep their old text (`exact`) and are never scored. The reviewer places one
// again by selecting the passage in the new text and pressing "Place at selection" (a PATCH
// with the new start and end, which makes it anchored), or deletes it from its details.

import { h, announce } from '../dom.js';
import { labelName } from '../labels.js';
import { S } from './state.js';
import { CHANGES } from './changes.js';
import { selectionCP } from './selection.js';

/** placeButton is the "Place at selection" button of an orphaned annotation, or null. */
export function placeButton(r) {
  if (r.status !== 'orphaned' || !S.canWrite) return null;
  return h('button', {
    type: 'button', class: 'small-btn ann-place', dataset: { localId: r.localId }, text: 'Place at selection',
    'aria-label': `Place the orphaned ${labelName(r.label)} annotation at the selected passage`,
    onclick: () => placeAtSelection(r.localId),
  });
}

/** placeAtSelection moves an orphaned annotation to the current selection. */
export function placeAtSelection(localId) {
  const sel = selectionCP();
  if (!sel) {
    announce('Select the passage in the text first, then press "Place at selection".');
    return false;
  }
  CHANGES.annotation.update(localId, { start: sel.start, end: sel.end, exact: sel.exact });
  announce('Annotation placed. Ctrl+Z undoes it.');
  return true;
}
