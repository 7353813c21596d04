// Small pieces of the workspace's user interface that many parts use: the toast, the save
// status line, excerpts and the flash that points at a passage.

import { S, el, root } from './state.js';

let toastTimer = null;

/** toast shows a message for a few seconds (role=alert). */
export function toast(msg) {
  const t = el('toast');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 6000);
}

/** excerpt is s on one line, cut to n characters. */
export function excerpt(s, n = 90) {
  const one = (s ?? '').replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

const OPENING = /^[“"‘'«„‚]/;
const CLOSING = /[”"’'»]$/;

/**
 * quoted is an excerpt of a passage in quotation marks, without doubling the marks a passage
 * that is itself a quotation starts or ends with.
 */
export function quoted(s, n = 90) {
  const e = excerpt(s, n);
  return `${OPENING.test(e) ? '' : '“'}${e}${CLOSING.test(e) ? '' : '”'}`;
}

/** showSaveState is the outbox's state in #save-status (see frontend/README.md). */
export function showSaveState(state) {
  const box = el('save-status');
  box.dataset.saveState = state.status;
  const text = {
    saved: 'All changes saved',
    saving: `Saving… (${state.pending})`,
    // The error's message is a sentence of its own: its full stop gives way to the one here.
    retrying: `Not saved yet: ${(state.error?.message ?? 'the service did not answer').replace(/[.\s]+$/, '')}. Retrying (${state.pending} waiting)`,
    'signed-out': `Signed out: sign in again to save ${state.pending} change${state.pending === 1 ? '' : 's'}`,
  }[state.status];
  el('save-text').textContent = text;
  el('retry-now').hidden = state.status !== 'retrying';
  const again = el('sign-in-again');
  again.hidden = state.status !== 'signed-out';
  again.href = '/login?next=' + encodeURIComponent(location.pathname);
  if (state.error && state.status === 'saved') toast(state.error.message);
}

export function signedOut(error) {
  showSaveState({ status: 'signed-out', pending: S.outbox.ops.length, error });
}

/** flash draws attention to the elements of one passage. */
export function flash(selector) {
  for (const e of root().querySelectorAll(selector)) {
    e.classList.remove('flash');
    void e.offsetWidth;
    e.classList.add('flash');
  }
}
