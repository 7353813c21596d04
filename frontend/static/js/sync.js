// Keeping tabs consistent and no change behind: each tab owns an outbox in localStorage under its
// own id (kept across reloads in sessionStorage and held with a Web Lock while the tab lives), a
// tab that starts takes over the outboxes of tabs that are gone, and tabs on the same article tell
// each other over a BroadcastChannel when something was saved.

import { newLocalId } from './outbox.js';

const PREFIX = 'credence.outbox.';

// holdTabId returns this tab's id, holding a lock on it for the tab's lifetime. A duplicated tab
// (which copies sessionStorage) finds the lock taken and picks a new id.
export async function holdTabId() {
  let id = sessionStorage.getItem('credence.tab');
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!id) id = newLocalId('tab');
    if (!navigator.locks) break;
    const got = await lockForever('credence-tab-' + id);
    if (got) break;
    id = null;
  }
  if (!id) id = newLocalId('tab');
  sessionStorage.setItem('credence.tab', id);
  return id;
}

function lockForever(name) {
  return new Promise((resolve) => {
    navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return undefined;
      }
      resolve(true);
      return new Promise(() => {}); // held until the tab goes away
    });
  });
}

export function outboxKey(userId, tabId) { return `${PREFIX}${userId}.${tabId}`; }

// adoptOrphans finds the saved outboxes of this user's tabs that no longer run, and hands
// each one's content to adopt() before removing it.
export async function adoptOrphans(userId, tabId, adopt) {
  // Without locks a live tab cannot be told from a closed one, so only this tab's own outbox
  // (kept across reloads) is replayed.
  if (!navigator.locks) return;
  const mine = `${PREFIX}${userId}.`;
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && k.startsWith(mine) && k !== outboxKey(userId, tabId)) keys.push(k);
  }
  for (const k of keys) {
    const other = k.slice(mine.length);
    // A live tab holds its lock; only a free lock means its outbox is abandoned.
    const free = await new Promise((resolve) => {
      navigator.locks.request('credence-tab-' + other, { ifAvailable: true }, (lock) => { resolve(!!lock); });
    });
    if (!free) continue;
    const raw = localStorage.getItem(k);
    localStorage.removeItem(k);
    if (!raw) continue;
    try {
      const saved = JSON.parse(raw);
      adopt(saved.ops ?? [], saved.idMap ?? {});
    } catch {
      // A corrupt entry holds nothing we could send.
    }
  }
}

// articleChannel connects the tabs showing one article; onChange runs when another tab saved.
export function articleChannel(articleId, onChange) {
  if (typeof BroadcastChannel === 'undefined') return { notify() {} };
  const ch = new BroadcastChannel('credence-article-' + articleId);
  ch.onmessage = (ev) => { if (ev.data?.type === 'changed') onChange(ev.data); };
  return { notify(detail = {}) { ch.postMessage({ type: 'changed', ...detail }); } };
}
