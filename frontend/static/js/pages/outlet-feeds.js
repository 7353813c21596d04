// An outlet's feeds on the admin outlet page: the RSS, Atom or sitemap URLs (one a line),
// saved with PATCH /outlets/{id} {feeds}; "Poll now" (POST /outlets/{id}/poll); and each
// feed's last poll, status, counts and last error (GET /outlets/{id}/feeds).

import { api } from '../api.js';
import { h, announce } from '../dom.js';

function table(items) {
  if (!items.length) return h('p', { class: 'muted', text: 'No feeds yet.' });
  return h('table', { class: 'feeds' },
    h('thead', {}, h('tr', {}, ...['Feed', 'Last poll', 'Status', 'Created', 'Updated', 'Duplicates', 'Errors', 'Last error'].map((t) => h('th', { text: t })))),
    h('tbody', {}, ...items.map((f) => h('tr', { class: `feed-status-${f.status}` },
      h('td', { text: f.url }), h('td', { text: f.last_polled_at ? new Date(f.last_polled_at).toLocaleString() : 'never' }),
      h('td', { text: f.status }), h('td', { text: String(f.created) }), h('td', { text: String(f.updated) }),
      h('td', { text: String(f.skipped_duplicates) }), h('td', { text: String(f.errors) }), h('td', { text: f.last_error || '' })))));
}

// feedList reads the feeds box: one URL a line, blank lines left out.
export function feedList(text) {
  return text.split('\n').map((s) => s.trim()).filter(Boolean);
}

const HINT = 'RSS, Atom or sitemap URLs, one a line. New pages are fetched and imported; an edited page becomes a new revision.';

/**
 * feedsSection is the feeds part of an outlet's editor; refresh() loads what polls found.
 * Saving the feeds changes the outlet (a new version): onSaved gets the outlet as saved, so
 * the editor around it sends that version with its own changes instead of taking its own
 * save of the feeds for someone else's edit. With no outlet (one being created) it is the box
 * alone: its feeds go with the new outlet (POST /outlets {feeds}, read with feedList), and
 * there is nothing yet to poll or list.
 */
export function feedsSection(outlet, onSaved = () => {}) {
  const box = h('textarea', { id: 'outlet-feeds-urls', rows: 3, 'aria-label': 'Feed URLs, one a line' });
  if (!outlet) {
    return h('section', { id: 'outlet-feeds', class: 'outlet-feeds' },
      h('h3', { text: 'Feeds' }), h('p', { class: 'muted small', text: `${HINT} They are saved with the outlet.` }), box);
  }
  const list = h('div', { class: 'feed-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });
  const show = (items) => {
    box.value = items.map((f) => f.url).join('\n');
    list.replaceChildren(table(items));
    list.dataset.state = 'ready';
  };
  const fail = (e) => { msg.textContent = e.message || String(e); msg.className = 'error'; };
  const say = (text) => { msg.textContent = text; msg.className = 'muted'; };
  const refresh = () => api.get(`/outlets/${outlet.id}/feeds`).then((p) => show(p.items)).catch(fail);
  const save = h('button', { type: 'button', class: 'small-btn', text: 'Save feeds', onclick: async () => {
    const feeds = feedList(box.value);
    try {
      const saved = await api.patch(`/outlets/${outlet.id}`, { feeds });
      say('Feeds saved.');
      announce('Feeds saved');
      onSaved(saved);
      await refresh();
    } catch (e) { fail(e); }
  } });
  const poll = h('button', { type: 'button', class: 'small-btn', text: 'Poll now', onclick: async () => {
    say('Polling…');
    try {
      show((await api.post(`/outlets/${outlet.id}/poll`, {})).items);
      say('Polled.');
    } catch (e) { fail(e); }
  } });
  const section = h('section', { id: 'outlet-feeds', class: 'outlet-feeds' },
    h('h3', { text: 'Feeds' }), h('p', { class: 'muted small', text: HINT }),
    box, h('div', { class: 'row' }, save, poll), msg, list);
  refresh();
  return section;
}
