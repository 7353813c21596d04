// The outbox: every change a reviewer makes is queued here, persisted, and sent in order.
//
// A change is applied to the page at once and written to the outbox (localStorage) before it is
// sent, so a failed save, a lost connection, a reload or a closed tab loses nothing: the queue is
// replayed when the page comes back. Changes to a passage created while offline wait for its
// creation and then use the id the server gave it. This module has no DOM and no fetch: the page
// supplies `send` and `storage`, which keeps it testable under node --test.

// classifyFailure says what to do with a request that did not succeed.
//   retry    the service or the network failed: keep the change and try again later
//   auth     the session is gone: keep the change, wait for sign-in
//   csrf     the CSRF token is stale: fetch a new one and try again
//   conflict someone changed it first (409 version_conflict)
//   reject   the service refused the change for good (422, 404, 403): drop it and say so
export function classifyFailure(status, code) {
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
  if (status === 401) return 'auth';
  if (status === 403 && code === 'csrf') return 'csrf';
  if (status === 409 && code === 'version_conflict') return 'conflict';
  return 'reject';
}

export function backoffDelay(attempts) {
  return Math.min(30000, 1000 * 2 ** Math.max(0, attempts - 1));
}

let counter = 0;
export function newLocalId(prefix = 'tmp') {
  const rand = globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${rand}`;
}

export class Outbox {
  // storage: {getItem, setItem, removeItem}; key: where this queue lives in it;
  // send(op, outbox): performs one op, resolves with the server's answer, rejects with an error
  //   carrying `disposition` (see classifyFailure); onSettled(op, result, error) after each op;
  // onState(state) whenever the queue's state changes; schedule/cancel are setTimeout/clearTimeout.
  constructor({ storage, key, send, onSettled = () => {}, onState = () => {}, schedule = (fn, ms) => setTimeout(fn, ms), cancel = (t) => clearTimeout(t) }) {
    this.storage = storage;
    this.key = key;
    this.send = send;
    this.onSettled = onSettled;
    this.onState = onState;
    this.schedule = schedule;
    this.cancel = cancel;
    this.ops = [];
    this.idMap = {};
    this.running = false;
    this.blocked = false;
    this.timer = null;
    this.state = { status: 'saved', pending: 0, error: null };
    this.load();
  }

  load() {
    const raw = this.storage.getItem(this.key);
    if (!raw) return;
    try {
      const saved = JSON.parse(raw);
      this.ops = (saved.ops ?? []).map((op) => ({ ...op, inFlight: false }));
      this.idMap = saved.idMap ?? {};
    } catch {
      this.ops = [];
    }
  }

  persist() {
    if (this.ops.length === 0 && Object.keys(this.idMap).length === 0) {
      this.storage.removeItem(this.key);
      return;
    }
    this.storage.setItem(this.key, JSON.stringify({ ops: this.ops.map(({ inFlight, ...op }) => op), idMap: this.idMap }));
  }

  // adopt takes over the ops of another queue (a closed tab's) and appends them to this one.
  adopt(ops, idMap) {
    Object.assign(this.idMap, idMap ?? {});
    for (const op of ops ?? []) this.ops.push({ ...op, inFlight: false });
    this.persist();
    this.setState();
    this.kick();
  }

  // serverId returns the id the service knows a local id by, or undefined while its creation is
  // still queued. Ids that did not start in this browser are already the service's.
  serverId(localId) {
    if (Object.hasOwn(this.idMap, localId)) return this.idMap[localId];
    return String(localId).startsWith('tmp-') ? undefined : localId;
  }

  // localIdFor is the inverse of serverId: the local id a service id is known by.
  localIdFor(serverId) {
    for (const [local, server] of Object.entries(this.idMap)) if (String(server) === String(serverId)) return local;
    return String(serverId);
  }

  enqueue(op) {
    const full = { opId: newLocalId('op'), attempts: 0, ...op, inFlight: false };
    const queued = (kind) => this.ops.find((o) => o.target === op.target && o.entity === op.entity && o.kind === kind && !o.inFlight);
    if (op.kind === 'update') {
      const create = queued('create');
      if (create) {
        create.body = { ...create.body, ...op.body };
        return this.changed();
      }
      const last = [...this.ops].reverse().find((o) => o.target === op.target && o.entity === op.entity);
      if (last && last.kind === 'update' && !last.inFlight) {
        last.body = { ...last.body, ...op.body };
        return this.changed();
      }
    }
    if (op.kind === 'delete') {
      const create = queued('create');
      const mine = (o) => o.target === op.target && o.entity === op.entity && !o.inFlight;
      if (create) {
        this.ops = this.ops.filter((o) => !mine(o));
        return this.changed();
      }
      this.ops = this.ops.filter((o) => !(mine(o) && o.kind === 'update'));
    }
    this.ops.push(full);
    return this.changed();
  }

  changed() {
    this.persist();
    this.setState();
    this.kick();
  }

  setState(extra = {}) {
    const pending = this.ops.length;
    const status = extra.status ??
      (pending === 0 ? 'saved' : this.blocked ? 'signed-out' : this.timer ? 'retrying' : 'saving');
    const error = 'error' in extra ? extra.error : (status === 'saved' ? null : this.state.error);
    this.state = { status, pending, error };
    this.onState(this.state);
  }

  // kick starts sending unless a send is under way; a retry timer already set is cut short.
  kick() {
    this.blocked = false;
    if (this.running || this.ops.length === 0) return;
    if (this.timer) {
      this.cancel(this.timer);
      this.timer = null;
    }
    this.run();
  }

  async run() {
    this.running = true;
    try {
      while (this.ops.length) {
        const op = this.ops[0];
        op.inFlight = true;
        let result;
        try {
          result = await this.send(op, this);
        } catch (err) {
          op.inFlight = false;
          const disposition = err?.disposition ?? 'retry';
          if (disposition === 'retry' || disposition === 'csrf' || disposition === 'conflict') {
            op.attempts += 1;
            this.persist();
            this.timer = this.schedule(() => { this.timer = null; this.kick(); }, backoffDelay(op.attempts));
            this.setState({ status: 'retrying', error: err });
            return;
          }
          if (disposition === 'auth') {
            this.blocked = true;
            this.setState({ status: 'signed-out', error: err });
            return;
          }
          // Rejected for good: drop it, and whatever depended on a creation that never happened.
          this.ops.shift();
          if (op.kind === 'create') this.ops = this.ops.filter((o) => !(o.target === op.target && o.entity === op.entity));
          this.persist();
          this.setState({ error: err });
          this.onSettled(op, null, err);
          continue;
        }
        this.ops.shift();
        if (op.kind === 'create' && result && result.id !== undefined) this.idMap[op.target] = result.id;
        this.persist();
        this.setState({ error: null });
        this.onSettled(op, result, null);
      }
    } finally {
      this.running = false;
    }
  }

  // forget drops id mappings no queued op needs any more, keeping those the page still uses.
  forget(keepLocalIds) {
    const needed = new Set(this.ops.map((o) => o.target));
    for (const k of Object.keys(this.idMap)) if (!needed.has(k) && !keepLocalIds.has(k)) delete this.idMap[k];
    this.persist();
  }
}

// applyPending lays the queued changes over what the service last said, so a refetch never
// hides a change that is still on its way. records: Map localId → record; returns a new Map.
export function applyPending(records, ops, entity) {
  const out = new Map(records);
  for (const op of ops) {
    if (op.entity !== entity) continue;
    if (op.kind === 'create') {
      out.set(op.target, { ...op.body, localId: op.target, pending: true });
    } else if (op.kind === 'update') {
      const r = out.get(op.target);
      if (r) out.set(op.target, { ...r, ...op.body, pending: true });
    } else if (op.kind === 'delete') {
      out.delete(op.target);
    }
  }
  return out;
}
