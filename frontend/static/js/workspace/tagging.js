// Tagging the selection with a label (keys 1–4, the palette) and marking it as a region
// (q quote, c readers' comments).

import { announce } from '../dom.js';
import { labelName } from '../labels.js';
import { S, root, learnOutlet } from './state.js';
import { CHANGES } from './changes.js';
import { toast } from './ui.js';
import { selectionCP, clearSelection } from './selection.js';
import { openSourceDialog, openQuoteDialog } from './dialogs.js';
import { regionCaption } from './decorate.js';

/** tag applies a label to the current selection; a sourced fact asks for its source first. */
export function tag(labelId) {
  if (!S.canWrite) return;
  const sel = selectionCP();
  if (!sel) {
    toast('Select a passage first: drag with the mouse, or focus the text and use Shift with the arrow keys.');
    return;
  }
  const fields = { label: labelId, start: sel.start, end: sel.end, exact: sel.exact };
  if (labelId === 'sourced_fact') {
    openSourceDialog(sel.exact, (src) => {
      CHANGES.annotation.create({ ...fields, source: src.source, ...(src.note ? { note: src.note } : {}) });
      afterTag(labelId);
    });
    return;
  }
  CHANGES.annotation.create(fields);
  afterTag(labelId);
}

function afterTag(labelId) {
  announce(`Tagged as ${labelName(labelId)}`);
  if (document.activeElement !== root()) clearSelection();
}

// proposalUnder is a region of this kind the service proposed over the selected passage
// (detected from an attribution cue or a reprint), still waiting for the reviewer's decision:
// one the selection covers at least half of. A narrower selection inside a long proposal is a
// region of its own (a quote within a reprinted passage).
function proposalUnder(kind, sel) {
  return [...S.reg.values()].find((r) => {
    if (r.kind !== kind || r.status !== 'proposed') return false;
    const overlap = Math.min(r.end, sel.end) - Math.max(r.start, sel.start);
    return overlap > 0 && 2 * overlap >= r.end - r.start;
  }) ?? null;
}

/**
 * markRegion marks the selection as a quote from another outlet or as readers' comments. Over a
 * passage the service already proposed such a region for, it accepts the proposal (its span and
 * origin) instead of making a second region, and says so.
 */
export function markRegion(kind) {
  if (!S.canWrite) return;
  const sel = selectionCP();
  if (!sel) {
    toast('Select the passage to mark first.');
    return;
  }
  const proposal = proposalUnder(kind, sel);
  if (proposal) {
    CHANGES.region.update(proposal.localId, { status: 'accepted' });
    const msg = `This passage already had a proposed region: accepted it (${regionCaption({ ...proposal, status: 'accepted' })}) instead of adding a second one. Ctrl+Z undoes it.`;
    toast(msg);
    announce(msg);
    return;
  }
  if (kind === 'comments') {
    CHANGES.region.create({ kind: 'comments', start: sel.start, end: sel.end });
    announce('Marked as readers’ comments');
    return;
  }
  openQuoteDialog(sel.exact, (outlet) => {
    const fields = { kind: 'quote', start: sel.start, end: sel.end };
    if (outlet) fields.origin_outlet_id = outlet.id;
    // Remembered so the pending region shows the outlet's name before the service answers.
    if (outlet) learnOutlet(outlet.id, outlet.name);
    CHANGES.region.create(fields);
    announce(`Marked as a quote from ${outlet ? outlet.name : 'an unknown outlet'}`);
  });
}
