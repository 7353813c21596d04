// Assignments: give articles to reviewers (by hand, or to every active reviewer, N per article,
// balanced), take them back, follow progress per reviewer and per article, and reopen a
// finished review.

import { api, allPages } from '../api.js';
import { h, announce } from '../dom.js';
import { replaceRows, emptyRow, plural, markLoaded, labelCells } from './admin-common.js';

const STATUS = { todo: 'to do', in_progress: 'in progress', completed: 'done' };

export async function initAssignments(panel) {
  const outletSel = document.getElementById('assign-outlet');
  const articleList = document.getElementById('assign-articles');
  const reviewerList = document.getElementById('assign-reviewers');
  const per = document.getElementById('assign-per');
  const status = document.getElementById('assign-status');
  const reviewerRows = document.getElementById('progress-reviewer-rows');
  const articleRows = document.getElementById('progress-article-rows');
  const more = document.getElementById('progress-more');
  let cursor = '';

  const say = (msg, error = false) => {
    status.textContent = msg;
    status.className = error ? 'error' : '';
    announce(msg);
  };
  const checked = (ul) => [...ul.querySelectorAll('input:checked')].map((i) => Number(i.value));

  // The list is read again each time the section is shown: the articles ticked stay ticked
  // (those still listed), as the reviewers do, so going to another section and back keeps
  // the selection.
  async function loadArticles() {
    const q = outletSel.value ? `&outlet_id=${outletSel.value}` : '';
    const page = await api.get(`/articles?limit=1000${q}`);
    const ticked = new Set(checked(articleList));
    articleList.replaceChildren(...page.items.map((a) => h('li', {},
      h('label', { class: 'check' }, h('input', { type: 'checkbox', value: a.id, checked: ticked.has(Number(a.id)), 'data-article-id': a.id }),
        h('span', { text: `${a.title} · ${a.outlet_name} (#${a.id})` })))));
    if (!page.items.length) articleList.append(h('li', { class: 'muted', text: 'No articles.' }));
    filterArticles();
  }

  // countTicked says how many articles are ticked, and how many of them the search hides:
  // Assign and Unassign take those too.
  const count = document.getElementById('assign-count');
  function countTicked() {
    const ticked = [...articleList.querySelectorAll('input:checked')];
    const hidden = ticked.filter((i) => i.closest('li').hidden).length;
    count.textContent = `${plural(ticked.length, 'article')} selected${hidden ? ` (${hidden} not shown by the search)` : ''}`;
  }
  articleList.addEventListener('change', countTicked);

  // filterArticles shows the articles whose title, outlet or id holds every word searched
  // for; ticked articles stay ticked while hidden.
  const search = document.getElementById('assign-search');
  function filterArticles() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const li of articleList.querySelectorAll('li')) {
      if (!li.querySelector('input')) continue;
      const text = li.textContent.toLowerCase();
      li.hidden = !words.every((w) => text.includes(w));
    }
    countTicked();
  }
  search.addEventListener('input', filterArticles);

  async function loadProgress(append = false) {
    const p = await api.get(`/assignments/progress?limit=200${append && cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    cursor = p.next_cursor;
    more.hidden = !cursor;
    const ticked = new Set(checked(reviewerList));
    reviewerList.replaceChildren(...p.reviewers.filter((r) => !r.disabled).map((r) => h('li', {},
      h('label', { class: 'check' }, h('input', { type: 'checkbox', value: r.reviewer_id, checked: ticked.has(r.reviewer_id), 'data-reviewer-id': r.reviewer_id }),
        h('span', { text: `${r.name} (${r.email}) · ${r.assigned - r.completed} open` })))));
    replaceRows(reviewerRows, p.reviewers.length ? p.reviewers.map((r) => h('tr', { dataset: { reviewerId: r.reviewer_id } },
      h('th', { scope: 'row', text: r.disabled ? `${r.name} (disabled)` : r.name }),
      h('td', { class: 'num', text: r.assigned }),
      h('td', { class: 'num', text: r.completed }),
      h('td', { class: 'num', text: r.in_progress }),
      h('td', { class: 'num', text: r.todo }),
      h('td', {}, h('progress', { max: Math.max(r.assigned, 1), value: r.completed, 'aria-label': `${r.name}: ${r.completed} of ${r.assigned} done` }))))
      : [emptyRow(6, 'No reviewers yet.')]);
    const rows = p.articles.map((a) => h('tr', { dataset: { articleId: a.article_id } },
      h('th', { scope: 'row' }, h('a', { href: `/articles/${a.article_id}`, text: a.title })),
      h('td', { text: a.outlet }),
      h('td', {}, h('ul', { class: 'reviewer-states' }, ...a.reviewers.map((r) => h('li', { dataset: { reviewerId: r.reviewer_id, status: r.status } },
        h('span', { text: `${r.name}: ${STATUS[r.status] ?? r.status}${r.assigned ? '' : ' (not assigned)'}` }),
        r.status === 'completed'
          ? h('button', { type: 'button', class: 'small-btn', 'data-action': 'reopen', onclick: () => reopen(a, r) }, 'Reopen')
          : null))))));
    if (append) {
      articleRows.append(...rows);
      labelCells(articleRows.closest('table'));
    } else replaceRows(articleRows, rows.length ? rows : [emptyRow(3, 'Nothing assigned yet.')]);
  }

  async function reopen(a, r) {
    try {
      await api.post(`/articles/${a.article_id}/reopen`, { reviewer_id: r.reviewer_id });
      say(`Reopened “${a.title}” for ${r.name}; it heads their queue again.`);
      await loadProgress();
    } catch (err) {
      say(err.message, true);
    }
  }

  document.getElementById('assign-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const articles = checked(articleList);
    if (!articles.length) { say('Tick the articles to assign.', true); return; }
    const body = { article_ids: articles, per_article: Number(per.value) || 1 };
    if (!document.getElementById('assign-suggestions').checked) body.suggestions = false;
    const reviewers = checked(reviewerList);
    if (reviewers.length) body.reviewer_ids = reviewers;
    try {
      const r = await api.post('/assignments', body);
      // items are (article, reviewer) pairs: those not created were assigned before.
      const before = r.items.length - r.created;
      say(`Assigned: ${plural(r.created, 'new assignment')}${before ? `; ${plural(before, 'was', 'were')} assigned already` : ''}.`);
      await loadProgress();
    } catch (err) {
      say(err.message, true);
    }
  });
  document.getElementById('assign-remove').addEventListener('click', async () => {
    const articles = checked(articleList);
    if (!articles.length) { say('Tick the articles to unassign.', true); return; }
    const body = { article_ids: articles };
    const reviewers = checked(reviewerList);
    if (reviewers.length) body.reviewer_ids = reviewers;
    try {
      const r = await api.post('/assignments/remove', body);
      say(`Unassigned ${plural(r.items.length, 'assignment')}.`);
      await loadProgress();
    } catch (err) {
      say(err.message, true);
    }
  });
  document.getElementById('assign-all-articles').addEventListener('click', () => {
    for (const i of articleList.querySelectorAll('li:not([hidden]) input')) i.checked = true;
    countTicked();
  });
  outletSel.addEventListener('change', () => loadArticles().catch((e) => say(e.message, true)));
  more.addEventListener('click', () => loadProgress(true).catch((e) => say(e.message, true)));

  // The outlet filter is read again each time the section is shown, so an outlet created,
  // renamed or merged away in the outlets section shows here as it is now, without a reload.
  async function loadOutlets() {
    const outlets = await allPages('/outlets');
    const chosen = outletSel.value;
    outletSel.replaceChildren(h('option', { value: '', text: 'All outlets' }), ...outlets.map((o) => h('option', { value: o.id, text: o.name })));
    outletSel.value = outlets.some((o) => String(o.id) === chosen) ? chosen : '';
  }

  return {
    shown: async () => {
      await loadOutlets();
      await Promise.all([loadArticles(), loadProgress()]);
      markLoaded(panel);
    },
  };
}
