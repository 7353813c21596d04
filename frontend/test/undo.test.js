import { test } from 'node:test';
import assert from 'node:assert/strict';
import { History, inverse } from '../static/js/undo.js';

const snap = { localId: 'a', label: 'opinion', start: 1, end: 5, note: 'n', source: null };

test('inverse of each kind of change', () => {
  assert.equal(inverse({ type: 'create', id: 'a', snapshot: snap }).type, 'delete');
  assert.equal(inverse({ type: 'delete', id: 'a', snapshot: snap }).type, 'create');
  const u = inverse({ type: 'update', id: 'a', before: { label: 'opinion' }, after: { label: 'speculation' } });
  assert.deepEqual([u.before, u.after], [{ label: 'speculation' }, { label: 'opinion' }]);
  assert.throws(() => inverse({ type: 'nope' }));
});

test('undo walks back, redo walks forward, a new change clears redo', () => {
  const h = new History();
  h.record({ type: 'create', entity: 'annotation', id: 'a', snapshot: snap });
  h.record({ type: 'update', entity: 'annotation', id: 'a', before: { label: 'opinion' }, after: { label: 'speculation' } });
  const first = h.undo();
  assert.equal(first.type, 'update');
  assert.deepEqual(first.after, { label: 'opinion' });
  const second = h.undo();
  assert.equal(second.type, 'delete');
  assert.equal(h.undo(), null);
  assert.equal(h.redo().type, 'create');
  assert.ok(h.canRedo);
  h.record({ type: 'delete', entity: 'annotation', id: 'a', snapshot: snap });
  assert.ok(!h.canRedo);
});

test('an edit that changes nothing is not recorded', () => {
  const h = new History();
  h.record({ type: 'update', id: 'a', before: { note: 'x' }, after: { note: 'x' } });
  assert.ok(!h.canUndo);
});

test('re-creating a deleted passage re-points older entries to its new id', () => {
  const h = new History();
  h.record({ type: 'update', entity: 'annotation', id: 'a', before: { note: '' }, after: { note: 'n' } });
  h.record({ type: 'delete', entity: 'annotation', id: 'a', snapshot: snap });
  const undoDelete = h.undo();
  assert.equal(undoDelete.type, 'create');
  h.remap('a', 'tmp-new');
  const undoEdit = h.undo();
  assert.equal(undoEdit.id, 'tmp-new', 'the older edit now names the re-created passage');
  assert.equal(h.redo().id, 'tmp-new');
  const redoDelete = h.redo();
  assert.equal(redoDelete.type, 'delete');
  assert.equal(redoDelete.snapshot.localId, 'tmp-new');
});

test('history is bounded and forgets vanished passages', () => {
  const h = new History(3);
  for (const id of ['a', 'b', 'c', 'd']) h.record({ type: 'create', id, snapshot: { ...snap, localId: id } });
  assert.equal(h.undoStack.length, 3);
  h.drop('c');
  assert.deepEqual(h.undoStack.map((e) => e.id), ['b', 'd']);
});
