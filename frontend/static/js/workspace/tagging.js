// Tagging the selection with a label (keys 1–4, the palette) and marking it as a region
// (q quote, c readers' comments).

import { announce } from '../dom.js';
import { labelName } from '../labels.js';
import { suggestionKey } from '../suggestions.js';
import { S, root, learnOutlet, setCurrentSuggestionKey } from './state.js';
import { CHANGES } from './changes.js';
import { toast, excerpt } from './ui.js';
import { selectionCP, clearSelection } from './selection.js';
import { openSourceDialog, openQuoteDialog } from './dialogs.js';
import { regionCaption } from './decorate.js';
import { decideSuggestion, labelKeySuggestion } from './suggestions-panel.js';

/**
 * tag applies a label to the current selection; a sourced fact asks for its source first.
 * On a focused suggestion (reached with n / p or Tab) without a selection of its own, the key is
 * about that suggestion's passage (tagSuggestion, labelKeySuggestion).
 */
export function tag(labelId) {
  if (!S.canWrite) return;
  const sel = selectionCP();
  const s = labelKeySuggestion(sel);
  if (s) {
    tagSuggestion(labelId, s);
    return;
  }
  if (!sel) {
    toast('Select a passage first: drag with the mouse, or focus the text and use Shift with the arrow keys.');
    return;
  }
  tagPassage(labelId, { start: sel.start, end: sel.end, exact: sel.exact });
}

/**
 * tagSuggestion is a label key on a focused suggestion. Its own label accepts it, as a does (the
 * annotation is marked as from the suggestion) and focus goes on to the next suggestion. Another
 * label tags the same passage with that label as the reviewer's own annotation (a sourced fact
 * asking for its source first), as a selection of it would be; the suggestion, of another label,
 * stays open and focused, to accept (a) or reject (x) as well.
 */
function tagSuggestion(labelId, s) {
  if (labelId === s.label) {
    decideSuggestion(true, s);
    return;
  }
  const key = suggestionKey(s);
  tagPassage(labelId, { start: s.start, end: s.end, exact: s.exact }, () => {
    setCurrentSuggestionKey(key, { refocus: true }); // the redraw replaces its element
    return `Tagged as ${labelName(labelId)}: “${excerpt(s.exact, 60)}”. The ${labelName(s.label)} suggestion there is still open: a accepts it, x rejects it.`;
  });
}

// tagPassage creates the annotation of a label on a passage; before, if given, runs just
// before the creation and returns what to announce.
function tagPassage(labelId, span, before = null) {
  const fields = { label: labelId, ...span };
  const create = (extra) => {
    const msg = before?.();
    CHANGES.annotation.create({ ...fields, ...extra });
    if (msg) announce(msg); else afterTag(labelId);
  };
  if (labelId === 'sourced_fact') {
    openSourceDialog(span.exact, (src) => create({ source: src.source, ...(src.note ? { note: src.note } : {}) }));
    return;
  }
  create({});
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
