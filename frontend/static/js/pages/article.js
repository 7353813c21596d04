// The annotation workspace for one article (/articles/{id}): the page bootstrap. The parts live
// in ../workspace/: state.js (the state and the operations that change it), render.js,
// selection.js, changes.js (outbox + undo), saving.js, tagging.js, panel.js, review.js,
// suggestions-panel.js, reprints-panel.js, dialogs.js, keymap.js (every key) and events.js.

import { api, me, ApiError } from '../api.js';
import { formatDate, wireHeader, h, HOME } from '../dom.js';
import { OffsetMap } from '../offsets.js';
import { TextView } from '../textview.js';
import { Outbox } from '../outbox.js';
import { holdTabId, outboxKey, adoptOrphans, articleChannel } from '../sync.js';
import { S, el, root, setRedraw, openArticle, setLists } from '../workspace/state.js';
import { showSaveState } from '../workspace/ui.js';
import { recompute } from '../workspace/render.js';
import { decorate } from '../workspace/decorate.js';
import { send, onSettled } from '../workspace/saving.js';
import { buildHelp } from '../workspace/dialogs.js';
import { buildPalette, wireEvents } from '../workspace/events.js';
import { refresh, scheduleRefresh, showReview, showCompare } from '../workspace/review.js';
import { loadSuggestions } from '../workspace/suggestions-panel.js';
import { loadReprints } from '../workspace/reprints-panel.js';

function showArticleHead() {
  const a = S.article;
  document.title = `${a.title || 'Article'} · credence`;
  el('article-title').textContent = a.title || 'Untitled';
  el('article-outlet').textContent = a.outlet_name ?? '';
  el('article-author').textContent = a.author ? `By ${a.author}` : '';
  const t = el('article-date');
  t.textContent = formatDate(a.published_at);
  if (a.published_at) t.setAttribute('datetime', a.published_at);
  const u = el('article-url');
  if (a.url && /^https?:\/\//i.test(a.url)) {
    u.href = a.url;
    u.hidden = false;
  }
}

// loadFailed says why the article is not shown and where to go instead. The tagging tools and
// the review panel go: with no article they would mark done, or tag, nothing.
function loadFailed(e) {
  el('article-title').textContent = 'Article not available';
  const [href, name] = HOME[S.user?.role] ?? HOME.reviewer;
  el('load-error').replaceChildren(e.status === 404 ? 'There is no article with this id.' : `The article could not be loaded: ${e.message}${/[.!?]$/.test(e.message ?? '') ? '' : '.'}`,
    ' ', h('a', { href, text: `Go to ${name}` }));
  el('load-error').hidden = false;
  document.querySelector('.toolbar-wrap').hidden = true;
  el('panel').hidden = true;
  document.body.dataset.state = 'error';
}

async function main() {
  S.user = await me();
  wireHeader(S.user, api);
  S.isWriter = S.user.role === 'reviewer' || S.user.role === 'admin';
  S.canWrite = S.isWriter;
  setRedraw(recompute);
  buildPalette();
  buildHelp();

  const tabId = await holdTabId();
  S.outbox = new Outbox({ storage: localStorage, key: outboxKey(S.user.id, tabId), send, onSettled, onState: showSaveState });

  // The article, its annotations and its regions come in one request; the service filters
  // the annotations to the reviewer's own unless the side-by-side view wants everyone's.
  let article;
  try {
    const who = S.isWriter ? `&user_id=${encodeURIComponent(S.user.id)}` : '';
    article = await api.get(`/articles/${encodeURIComponent(S.articleId)}?include=annotations,regions${who}`);
  } catch (e) {
    loadFailed(e);
    return;
  }
  const lists = [article.annotations ?? [], article.regions ?? []];
  delete article.annotations; // from here on the page keeps them in S.ann and S.reg
  delete article.regions;
  openArticle(article, new OffsetMap(article.text ?? ''));
  showArticleHead();
  S.view = new TextView(root(), S.text, { decorate });

  setLists(lists);
  recompute();
  wireEvents();
  showReview({ deferCompare: true });
  document.body.dataset.state = 'ready';
  performance.mark('credence-ready');
  requestAnimationFrame(() => setTimeout(() => performance.mark('credence-painted'), 0));
  // The reviewer's own pane comes first; other reviewers' annotations follow for the side-by-side pane.
  if (S.compareOn && !el('compare').hidden) refresh().then(() => showCompare(true));

  S.channel = articleChannel(S.articleId, () => scheduleRefresh(200));
  adoptOrphans(S.user.id, tabId, (ops, idMap) => S.outbox.adopt(ops, idMap));
  S.outbox.kick();
  loadSuggestions();
  loadReprints();
}

main().catch((e) => {
  if (e instanceof ApiError && e.status === 401) return;
  el('load-error').textContent = `Something went wrong: ${e.message}`;
  el('load-error').hidden = false;
  document.body.dataset.state = 'error';
  throw e;
});
