// The reviewer's queue: articles assigned first, with progress and a "next article" action.

import { api, me } from '../api.js';
import { h, wireHeader } from '../dom.js';

const STATUS_TEXT = { todo: 'To do', in_progress: 'In progress', completed: 'Done' };

async function main() {
  const user = await me();
  wireHeader(user, api);
  const list = document.getElementById('queue-list');
  const err = document.getElementById('queue-error');
  if (user.role === 'curator') {
    // A curator's landing page is the adjudication queue.
    location.replace('/adjudication');
    return;
  }
  if (user.role !== 'reviewer') {
    // The queue is a reviewer's; point admins and researchers to their own pages instead of an error.
    const home = user.role === 'admin'
      ? [['/admin', 'the admin console'], ['/scores', 'the scores']]
      : [['/scores', 'the scores'], ['/downloads', 'the downloads']];
    document.getElementById('progress-text').textContent = `The queue is for reviewers; you are signed in as ${user.role === 'admin' ? 'an admin' : 'a researcher'}.`;
    document.getElementById('queue-empty').hidden = true;
    document.getElementById('next-article').disabled = true;
    list.append(h('li', { class: 'queue-item' }, h('span', { text: 'Go to ' }),
      ...home.flatMap(([href, text], i) => [i ? h('span', { text: ' or ' }) : null, h('a', { href, text })]).filter(Boolean),
      h('span', { text: '.' })));
    return;
  }
  let items = [];
  try {
    items = (await api.get('/queue'))?.items ?? [];
  } catch (e) {
    err.textContent = `The queue could not be loaded: ${e.message}`;
    err.hidden = false;
  }
  const done = items.filter((i) => i.status === 'completed').length;
  const total = items.length;
  document.getElementById('progress-text').textContent = total
    ? `${done} of ${total} done${items.some((i) => i.assigned) ? ` · ${items.filter((i) => i.assigned && i.status !== 'completed').length} assigned to you still open` : ''}`
    : 'No articles in your queue.';
  const bar = document.getElementById('progress');
  bar.setAttribute('aria-valuemax', String(total));
  bar.setAttribute('aria-valuenow', String(done));
  document.getElementById('progress-fill').style.width = total ? `${(100 * done) / total}%` : '0';
  document.getElementById('queue-empty').hidden = total > 0;

  for (const it of items) {
    const href = `/articles/${encodeURIComponent(it.article_id)}`;
    list.append(h('li', { class: `queue-item status-${it.status}` },
      h('a', { href, class: 'queue-title', text: it.title || `Article ${it.article_id}` }),
      h('span', { class: 'queue-outlet', text: it.outlet ?? '' }),
      it.assigned ? h('span', { class: 'tag tag-assigned', text: 'Assigned' }) : null,
      h('span', { class: `tag tag-${it.status}`, text: STATUS_TEXT[it.status] ?? it.status })));
  }

  const next = items.find((i) => i.status !== 'completed');
  const btn = document.getElementById('next-article');
  btn.disabled = !next;
  const go = () => { if (next) location.assign(`/articles/${encodeURIComponent(next.article_id)}`); };
  btn.addEventListener('click', go);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'n' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !(ev.target instanceof HTMLInputElement)) go();
  });
}

main();
