import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, applyPending, classifyFailure, backoffDelay } from '../static/js/outbox.js';

class MemoryStorage {
  constructor() { this.m = new Map(); }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}

function fail(disposition, message = disposition) {
  const e = new Error(message);
  e.disposition = disposition;
  return e;
}

// fakeServer answers ops in order; `script` can make a given call fail.
function harness({ script = [] } = {}) {
  const storage = new MemoryStorage();
  const calls = [];
  const timers = [];
  let nextId = 100;
  const settled = [];
  const states = [];
  const send = async (op, box) => {
    const n = calls.length;
    calls.push({ kind: op.kind, target: op.target, serverId: box.serverId(op.target), body: { ...op.body } });
    const s = script[n];
    if (s) throw fail(s);
    if (op.kind === 'create') return { id: nextId++, ...op.body };
    return { id: box.serverId(op.target), ...op.body };
  };
  const make = () => new Outbox({
    storage, key: 'ob', send,
    onSettled: (op, r, e) => settled.push({ op: op.kind, ok: !e, r }),
    onState: (s) => states.push(s.status),
    schedule: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    cancel: () => {},
  });
  return { storage, calls, timers, settled, states, make };
}

const tick = () => new Promise((r) => setImmediate(r));

test('classifyFailure', () => {
  assert.equal(classifyFailure(0), 'retry');
  assert.equal(classifyFailure(503), 'retry');
  assert.equal(classifyFailure(429), 'retry');
  assert.equal(classifyFailure(401), 'auth');
  assert.equal(classifyFailure(403, 'csrf'), 'csrf');
  assert.equal(classifyFailure(403, 'forbidden'), 'reject');
  assert.equal(classifyFailure(409, 'version_conflict'), 'conflict');
  assert.equal(classifyFailure(422, 'quote_mismatch'), 'reject');
  assert.deepEqual([1, 2, 3, 10].map(backoffDelay), [1000, 2000, 4000, 30000]);
});

test('ops are sent in order and a later edit uses the id the creation got', async () => {
  const h = harness();
  const box = h.make();
  box.enqueue({ kind: 'create', entity: 'annotation', target: 'tmp-a', body: { label: 'opinion', start: 1, end: 4 } });
  box.enqueue({ kind: 'update', entity: 'annotation', target: 'tmp-a', body: { note: 'x' } });
  await tick();
  assert.equal(h.calls.length, 2);
  assert.equal(h.calls[0].kind, 'create');
  assert.equal(h.calls[1].kind, 'update');
  assert.equal(h.calls[1].serverId, 100);
  assert.equal(box.serverId('tmp-a'), 100);
  assert.equal(box.localIdFor(100), 'tmp-a');
  assert.equal(box.state.status, 'saved');
});

test('queued edits fold into a queued creation; a deletion cancels both', () => {
  const h = harness();
  const box = h.make();
  box.running = true; // hold sending so the queue can be inspected
  box.enqueue({ kind: 'create', entity: 'annotation', target: 'tmp-a', body: { label: 'opinion', start: 1, end: 4 } });
  box.enqueue({ kind: 'update', entity: 'annotation', target: 'tmp-a', body: { note: 'first' } });
  box.enqueue({ kind: 'update', entity: 'annotation', target: 'tmp-a', body: { note: 'second', label: 'speculation' } });
  assert.equal(box.ops.length, 1);
  assert.deepEqual(box.ops[0].body, { label: 'speculation', start: 1, end: 4, note: 'second' });
  box.enqueue({ kind: 'delete', entity: 'annotation', target: 'tmp-a' });
  assert.equal(box.ops.length, 0);
  assert.equal(h.storage.getItem('ob'), null);
});

test('consecutive edits of a saved annotation are merged, a deletion drops them', () => {
  const h = harness();
  const box = h.make();
  box.running = true;
  box.enqueue({ kind: 'update', entity: 'annotation', target: '7', body: { note: 'a' } });
  box.enqueue({ kind: 'update', entity: 'annotation', target: '7', body: { label: 'opinion' } });
  assert.equal(box.ops.length, 1);
  assert.deepEqual(box.ops[0].body, { note: 'a', label: 'opinion' });
  box.enqueue({ kind: 'update', entity: 'region', target: '7', body: { status: 'accepted' } });
  assert.equal(box.ops.length, 2, 'another entity with the same id is separate');
  box.enqueue({ kind: 'delete', entity: 'annotation', target: '7' });
  assert.deepEqual(box.ops.map((o) => `${o.entity}:${o.kind}`), ['region:update', 'annotation:delete']);
});

test('a failed save is kept, persisted, retried with backoff, and survives a reload', async () => {
  const h = harness({ script: ['retry', 'retry'] });
  const box = h.make();
  box.enqueue({ kind: 'create', entity: 'annotation', target: 'tmp-a', body: { label: 'opinion', start: 1, end: 4, note: 'typed' } });
  await tick();
  assert.equal(box.state.status, 'retrying');
  assert.equal(h.timers.length, 1);
  assert.equal(h.timers[0].ms, 1000);
  const saved = JSON.parse(h.storage.getItem('ob'));
  assert.equal(saved.ops.length, 1);
  assert.equal(saved.ops[0].body.note, 'typed');

  // The page is reloaded: a new outbox over the same storage picks the op up again.
  const again = h.make();
  assert.equal(again.ops.length, 1);
  again.kick();
  await tick();
  assert.equal(h.timers.length, 2, 'second failure schedules another retry');
  assert.equal(h.timers[1].ms, 2000);
  h.timers[1].fn();
  await tick();
  assert.equal(again.ops.length, 0);
  assert.equal(again.state.status, 'saved');
  assert.equal(h.calls.filter((c) => c.kind === 'create').length, 3);
  assert.equal(again.serverId('tmp-a'), 100);
});

test('a rejected creation is dropped with what depended on it, and reported', async () => {
  const h = harness({ script: ['reject'] });
  const box = h.make();
  box.running = true;
  box.enqueue({ kind: 'create', entity: 'annotation', target: 'tmp-a', body: { label: 'bogus', start: 1, end: 4 } });
  box.ops[0].inFlight = true; // pretend it is on its way so the next edit is not folded in
  box.enqueue({ kind: 'update', entity: 'annotation', target: 'tmp-a', body: { note: 'n' } });
  box.enqueue({ kind: 'create', entity: 'annotation', target: 'tmp-b', body: { label: 'opinion', start: 5, end: 6 } });
  box.ops[0].inFlight = false;
  box.running = false;
  box.kick();
  await tick();
  assert.deepEqual(h.calls.map((c) => `${c.kind}:${c.target}`), ['create:tmp-a', 'create:tmp-b']);
  assert.deepEqual(h.settled.map((s) => s.ok), [false, true]);
  assert.equal(box.state.status, 'saved');
});

test('an expired session holds the queue until kicked after sign-in', async () => {
  const h = harness({ script: ['auth'] });
  const box = h.make();
  box.enqueue({ kind: 'delete', entity: 'annotation', target: '9' });
  await tick();
  assert.equal(box.state.status, 'signed-out');
  assert.equal(h.timers.length, 0);
  assert.equal(box.ops.length, 1);
  box.kick();
  await tick();
  assert.equal(box.ops.length, 0);
  assert.equal(box.state.status, 'saved');
});

test('adopting a closed tab\'s queue sends its ops', async () => {
  const h = harness();
  const box = h.make();
  box.adopt([{ opId: 'x', kind: 'create', entity: 'region', target: 'tmp-r', body: { kind: 'comments', start: 0, end: 3 }, attempts: 2 }], {});
  await tick();
  assert.equal(h.calls.length, 1);
  assert.equal(box.serverId('tmp-r'), 100);
  box.forget(new Set());
  assert.equal(box.serverId('tmp-r'), undefined);
});

test('applyPending lays queued changes over the service\'s records', () => {
  const records = new Map([
    ['1', { localId: '1', id: 1, label: 'opinion', note: '' }],
    ['2', { localId: '2', id: 2, label: 'speculation', note: '' }],
  ]);
  const ops = [
    { kind: 'update', entity: 'annotation', target: '1', body: { note: 'mine' } },
    { kind: 'delete', entity: 'annotation', target: '2' },
    { kind: 'create', entity: 'annotation', target: 'tmp-c', body: { label: 'loaded_language', start: 3, end: 5 } },
    { kind: 'create', entity: 'region', target: 'tmp-r', body: { kind: 'quote' } },
  ];
  const out = applyPending(records, ops, 'annotation');
  assert.deepEqual([...out.keys()], ['1', 'tmp-c']);
  assert.equal(out.get('1').note, 'mine');
  assert.equal(out.get('1').pending, true);
  assert.equal(out.get('tmp-c').label, 'loaded_language');
  assert.equal(records.get('1').note, '', 'input untouched');
});
