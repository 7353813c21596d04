// The reviewer's review of the article: its status, marking it done and reopening it, the
// side-by-side view of other reviewers' annotations (blind review: only once done), and
// fetching the article's lists again when something may have changed.

import { api } from '../api.js';
import { h, announce, formatDate } from '../dom.js';
import { plural } from '../plural.js';
import { TextView } from '../textview.js';
import {
  S, el, redraw, isMine, setLists, setReview, setCompare, reviewStatus, reviewLocked,
} from './state.js';
import { toast, signedOut } from './ui.js';
import { decorate } from './decorate.js';

/**
 * wantsOthers: whether the page asks for other reviewers' annotations. A researcher always may.
 * A reviewer only once done, and only by choosing to on this page, or when their review is
 * locked already: being shown the others freezes a finished review (independent review).
 */
function wantsOthers() {
  if (!S.isWriter) return true;
  return reviewStatus() === 'completed' && S.compareOn && (S.compareChosen || reviewLocked());
}

/**
 * loadLists fetches the article again with its annotations and regions, in one request, and
 * keeps the reviewer's review status it carries.
 */
async function loadLists({ others = wantsOthers() } = {}) {
  const who = others ? '' : `&user_id=${encodeURIComponent(S.user.id)}`;
  const art = await api.get(`/articles/${encodeURIComponent(S.articleId)}?include=annotations,regions${who}`);
  if (art.review) setReview(art.review);
  return [art.annotations ?? [], art.regions ?? []];
}

async function loadAnnotationsAndRegions() {
  const gen = S.generation;
  const lists = await loadLists();
  if (gen !== S.generation) return false; // a save landed meanwhile: this answer may be stale
  setLists(lists);
  return true;
}

let refreshTimer = null;
let lastRefresh = 0;

export function scheduleRefresh(ms) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, ms);
}

/** sinceRefresh is how long ago the lists were last fetched, in milliseconds. */
export function sinceRefresh() { return Date.now() - lastRefresh; }

export async function refresh() {
  lastRefresh = Date.now();
  try {
    for (let i = 0; i < 3; i++) if (await loadAnnotationsAndRegions()) break;
    redraw();
    showReview();
  } catch (e) {
    if (e.status === 401) signedOut(e);
  }
}

export function showReview({ deferCompare = false } = {}) {
  const st = reviewStatus();
  const done = st === 'completed';
  const locked = done && reviewLocked();
  const when = S.article.review?.completed_at ? ` on ${formatDate(S.article.review.completed_at)}` : '';
  el('review-status').textContent = locked
    ? `Done${when}. Your review is locked: you have seen the other reviewers’ annotations, so your own stay as they were when you finished. Only an admin can reopen it.`
    : done
      ? `Done${when}. Your annotations are read-only; reopen the article to change them. Showing the other reviewers’ annotations locks your review for good.`
      : st === 'in_progress' ? 'In progress. Other reviewers’ annotations stay hidden until you mark it done.' : 'Not started. Other reviewers’ annotations stay hidden until you mark it done.';
  el('review-status').classList.toggle('locked', locked);
  document.body.classList.toggle('review-readonly', S.isWriter && done);
  el('mark-done').hidden = done || !S.isWriter;
  el('done-next').hidden = done || !S.isWriter;
  el('reopen').hidden = !done || !S.isWriter || locked;
  const canCompare = done || !S.isWriter;
  const showing = canCompare && S.compareOn && (!S.isWriter || S.compareChosen || locked);
  el('compare-toggle').disabled = !canCompare;
  el('compare-hint').hidden = canCompare;
  el('compare-toggle').checked = showing;
  if (deferCompare && showing) {
    // Drawn right after the reviewer's own pane is ready for selection.
    el('compare').hidden = false;
    el('panes').classList.add('side-by-side');
    return;
  }
  showCompare(showing);
}

export function showCompare(on) {
  el('compare').hidden = !on;
  el('panes').classList.toggle('side-by-side', on);
  if (on && !S.compareView) {
    S.compareView = new TextView(el('compare-text'), S.text, { decorate });
    redraw();
    performance.mark('credence-compare-drawn');
  } else if (!on && S.compareView) {
    S.compareView = null;
    el('compare-text').replaceChildren();
  }
}

/** toggleCompare is the side-by-side checkbox: fetch the other reviewers' annotations when on. */
export async function toggleCompare(on) {
  S.compareChosen = on;
  setCompare(on);
  showCompare(on);
  if (on) await refresh();
}

export function renderCompareChoices() {
  const sel = el('compare-who');
  const others = new Map();
  for (const r of S.ann.values()) if (!isMine(r)) others.set(String(r.user_id), r.user_name || `Reviewer ${r.user_id}`);
  const want = ['all', ...others.keys()].join('|');
  if (sel.dataset.options === want) return;
  sel.dataset.options = want;
  sel.replaceChildren(h('option', { value: 'all', text: `All other reviewers (${others.size})` }),
    ...[...others].map(([id, name]) => h('option', { value: id, text: name })));
  sel.value = others.has(S.compareWho) ? S.compareWho : 'all';
}

async function waitForSaves(ms) {
  const until = Date.now() + ms;
  while (S.outbox.ops.length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return S.outbox.ops.length === 0;
}

// note says, beside the review buttons, what marking done is waiting for or why it did not.
function note(text) {
  const p = el('review-note');
  p.textContent = text;
  p.hidden = !text;
}


// complete marks the article done once every change is saved, saying at once what it waits for;
// true when the service has it. Offline it does not wait: it says why, and the changes stay
// queued and retried.
async function complete() {
  const waiting = S.outbox.ops.length;
  const offline = !navigator.onLine || el('save-status').dataset.saveState === 'retrying';
  if (waiting && offline) {
    note(`Not marked done: ${plural(waiting, 'change is', 'changes are')} not saved yet because the service cannot be reached. They are retried; mark it done once “All changes saved” shows.`);
    return false;
  }
  if (waiting) note(`Saving ${plural(waiting, 'change', 'changes')} first…`);
  if (!(await waitForSaves(10000))) {
    note(`Not marked done: ${plural(S.outbox.ops.length, 'change is', 'changes are')} not saved yet. Mark it done once “All changes saved” shows.`);
    return false;
  }
  note('Marking done…');
  try {
    const res = await api.post(`/articles/${encodeURIComponent(S.articleId)}/complete`);
    setReview({ status: 'completed', completed_at: res?.completed_at, locked: !!res?.locked });
    note('');
    return true;
  } catch (e) {
    note(`Not marked done: ${e.message}`);
    return false;
  }
}

// busy disables both done buttons while one of them works.
async function busy(fn) {
  const btns = [el('mark-done'), el('done-next')];
  for (const b of btns) b.disabled = true;
  try {
    return await fn();
  } finally {
    for (const b of btns) b.disabled = false;
  }
}

export function markDone() {
  return busy(async () => {
    if (!(await complete())) return;
    announce('Marked done. Other reviewers’ annotations can now be shown.');
    await refresh();
    el('compare-toggle').focus();
  });
}

/**
 * doneNext is "Done — next article" (one action, also Ctrl+Enter): mark done, then open the next
 * article of the reviewer's queue, or the queue when none is left.
 */
export function doneNext() {
  return busy(async () => {
    if (!(await complete())) return;
    let next = null;
    try {
      const items = (await api.get('/queue'))?.items ?? [];
      next = items.find((i) => i.status !== 'completed' && String(i.article_id) !== String(S.articleId)) ?? null;
    } catch { /* the queue page says what is left */ }
    announce(next ? 'Marked done. Opening the next article.' : 'Marked done. Nothing left in your queue.');
    location.assign(next ? `/articles/${encodeURIComponent(next.article_id)}` : '/queue');
  });
}

export async function reopen() {
  try {
    await api.del(`/articles/${encodeURIComponent(S.articleId)}/complete`);
    setReview({ status: 'in_progress', locked: false, reopened_after_viewing: !!S.article.review?.reopened_after_viewing });
    setCompare(false, { remember: false });
    await refresh();
    announce('Reopened');
  } catch (e) {
    if (e.code === 'review_locked') {
      setReview({ ...S.article.review, locked: true });
      showReview();
    }
    toast(`Could not reopen: ${e.message}`);
  }
}
