// Undo and redo of a reviewer's changes, as data: each entry says what happened, and its inverse
// says how to take it back (a creation is undone by a deletion, a deletion by re-creating the same
// passage with the same label, note and source, an edit by restoring the previous values).
// Re-creating gives the passage a new id, so entries that named the old one are re-pointed.

export function inverse(entry) {
  switch (entry.type) {
    case 'create': return { ...entry, type: 'delete' };
    case 'delete': return { ...entry, type: 'create' };
    case 'update': return { ...entry, before: entry.after, after: entry.before };
    default: throw new Error(`unknown history entry ${entry.type}`);
  }
}

export class History {
  constructor(limit = 200) {
    this.limit = limit;
    this.undoStack = [];
    this.redoStack = [];
  }

  record(entry) {
    if (entry.type === 'update' && sameValues(entry.before, entry.after)) return;
    this.undoStack.push(entry);
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack = [];
  }

  get canUndo() { return this.undoStack.length > 0; }
  get canRedo() { return this.redoStack.length > 0; }

  // undo returns the action that takes back the last change, or null.
  undo() {
    const e = this.undoStack.pop();
    if (!e) return null;
    this.redoStack.push(e);
    return inverse(e);
  }

  // redo returns the action that does the last undone change again, or null.
  redo() {
    const e = this.redoStack.pop();
    if (!e) return null;
    this.undoStack.push(e);
    return e;
  }

  // remap re-points every entry from a passage's old id to the id it was re-created under.
  remap(oldId, newId) {
    for (const e of [...this.undoStack, ...this.redoStack]) {
      if (e.id === oldId) e.id = newId;
      if (e.snapshot && e.snapshot.localId === oldId) e.snapshot = { ...e.snapshot, localId: newId };
    }
  }

  // drop forgets entries about a passage that vanished elsewhere (another tab, another device).
  drop(id) {
    this.undoStack = this.undoStack.filter((e) => e.id !== id);
    this.redoStack = this.redoStack.filter((e) => e.id !== id);
  }
}

function sameValues(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
