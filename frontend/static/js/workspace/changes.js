// Changes to annotations and regions: each goes into the outbox (shown at once, saved at once,
// retried, replayed after a reload) and into the undo history, then the page redraws.

import { newLocalId } from '../outbox.js';
import { announce } from '../dom.js';
import { S, el, redraw } from './state.js';
import { toast } from './ui.js';

export const DESCRIBE = { create: 'creation', update: 'change', delete: 'deletion' };

function fieldsOfAnnotation(r) {
  const f = { label: r.label, start: r.start, end: r.end };
  if (r.exact) f.exact = r.exact;
  if (r.note) f.note = r.note;
  if (r.source && r.source.text) f.source = r.source.url ? { text: r.source.text, url: r.source.url } : { text: r.source.text };
  return f;
}

function fieldsOfRegion(r) {
  const f = { kind: r.kind, start: r.start, end: r.end };
  if (r.origin_outlet_id !== undefined && r.origin_outlet_id !== null) f.origin_outlet_id = r.origin_outlet_id;
  return f;
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) out[k] = obj[k] ?? null;
  return out;
}

// changesOf builds create / remove / update for one entity, recorded for undo unless told not to.
function changesOf(entity, current, fieldsOf) {
  return {
    create(fields, { record = true, suggestion = null } = {}) {
      const localId = newLocalId();
      S.outbox.enqueue({ kind: 'create', entity, articleId: S.articleId, target: localId, body: fields, ...(suggestion ? { suggestion } : {}) });
      if (record) S.history.record({ type: 'create', entity, id: localId, snapshot: { ...fields, localId, ...(suggestion ? { suggestion } : {}) } });
      redraw();
      return localId;
    },
    remove(localId, { record = true } = {}) {
      const r = current().get(localId);
      if (!r) return;
      S.outbox.enqueue({ kind: 'delete', entity, articleId: S.articleId, target: localId });
      if (record) S.history.record({ type: 'delete', entity, id: localId, snapshot: { ...fieldsOf(r), localId } });
      redraw();
    },
    update(localId, changes, { record = true, before } = {}) {
      const r = current().get(localId);
      if (!r) return;
      const prev = before ?? pick(r, Object.keys(changes));
      S.outbox.enqueue({ kind: 'update', entity, articleId: S.articleId, target: localId, body: changes });
      if (record) S.history.record({ type: 'update', entity, id: localId, before: prev, after: changes });
      redraw();
    },
  };
}

// CHANGES.annotation.create takes {suggestion: {rule, label, start, end}} when the creation
// accepts a machine suggestion: it is sent to the accept route (so the rule's acceptance is
// counted), and so is its redo.
export const CHANGES = {
  annotation: changesOf('annotation', () => S.ann, fieldsOfAnnotation),
  region: changesOf('region', () => S.reg, fieldsOfRegion),
};

function applyHistory(action) {
  const c = CHANGES[action.entity];
  if (action.type === 'create') {
    const { localId, suggestion, ...fields } = action.snapshot;
    const id = c.create(fields, { record: false, suggestion });
    S.history.remap(action.id, id);
  } else if (action.type === 'delete') {
    c.remove(action.id, { record: false });
  } else {
    c.update(action.id, action.after, { record: false });
  }
}

function inverseKind(t) { return t === 'create' ? 'delete' : t === 'delete' ? 'create' : 'update'; }
const what = (a) => (a.entity === 'region' ? 'a region' : 'an annotation');

// A finished review takes no changes (the service refuses them), so undo and redo would only
// show a change that is then refused: they say what to do instead and keep the history.
const READ_ONLY = 'Your review is marked done, so it cannot be changed: reopen the article to undo or redo.';
function readOnly() {
  if (S.canWrite) return false;
  if (S.isWriter) toast(READ_ONLY);
  return true;
}

export function undo() {
  if (readOnly()) return;
  const a = S.history.undo();
  if (!a) { announce('Nothing to undo'); return; }
  applyHistory(a);
  announce(`Undone: ${DESCRIBE[inverseKind(a.type)]} of ${what(a)}`);
}

export function redo() {
  if (readOnly()) return;
  const a = S.history.redo();
  if (!a) { announce('Nothing to redo'); return; }
  applyHistory(a);
  announce(`Redone: ${DESCRIBE[a.type]} of ${what(a)}`);
}

export function updateUndoButtons() {
  el('undo').disabled = !S.canWrite || !S.history.canUndo;
  el('redo').disabled = !S.canWrite || !S.history.canRedo;
}

/** recordEdit keeps one undo step for everything changed while a passage's editor was open. */
export function recordEdit(id, before, after) {
  const b = {};
  const a = {};
  for (const k of Object.keys(before)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  if (Object.keys(a).length) S.history.record({ type: 'update', entity: 'annotation', id, before: b, after: a });
}

export function fieldsForUndo(r) {
  return { label: r.label, note: r.note ?? '', source: r.source && r.source.text ? r.source : null };
}
