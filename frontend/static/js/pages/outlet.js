// The outlet page: /outlets lists the scored outlets; /outlets/{id} shows one outlet's scores,
// its scores per month (chart and table) and its articles.

import { api, me, allPages } from '../api.js';
import { h, wireHeader, notForRole } from '../dom.js';
import { plural } from '../plural.js';
import { LABELS, LAYERS, pct, fixed, rowInterval, sortableTable } from './scorecommon.js';

// The layer scored, from ?layer= (the reviewers' by default, or the curators' consensus).
const layer = new URLSearchParams(location.search).get('layer') === 'consensus' ? 'consensus' : '';
const layerQuery = layer ? `&layer=${layer}` : '';

function fail(e) {
  const err = document.getElementById('error');
  err.textContent = `The outlet could not be loaded: ${e.message}`;
  err.hidden = false;
}

async function list() {
  const res = await api.get(`/scores/outlets?${layerQuery.slice(1)}`);
  const ul = document.getElementById('outlet-list');
  for (const r of res.items ?? []) {
    ul.append(h('li', {}, h('a', { href: `/outlets/${r.outlet_id}${layer ? '?layer=consensus' : ''}`, text: r.outlet || `Outlet ${r.outlet_id}` }),
      h('span', { class: 'muted', text: ` · ${plural(r.articles, 'article')}` })));
  }
  document.getElementById('outlet-list-box').hidden = false;
  document.getElementById('status').textContent = `${res.items?.length ?? 0} scored outlets`;
}

function summary(row) {
  const dl = document.getElementById('outlet-summary');
  const add = (k, v) => dl.append(h('div', {}, h('dt', { text: k }), h('dd', {}, v)));
  add('Articles', String(row.articles));
  add('Reviewers', String(row.reviewers));
  add('Characters scored', row.scored_chars.toLocaleString());
  for (const l of LABELS) add(l.name, `${pct(row[`${l.key}_share`])} (${rowInterval(row, l.key)})`);
  add('Agreement α', fixed(row.agreement_alpha));
  add('Credibility', `${fixed(row.credibility)} (${rowInterval(row, 'credibility', fixed)})`);
  if (row.low_sample) add('Sample', h('span', { class: 'tag tag-low', text: 'low sample' }));
}

function timeChart(months) {
  const Chart = globalThis.Chart;
  if (!Chart) throw new Error('the chart library did not load');
  return new Chart(document.getElementById('time-chart'), {
    type: 'line',
    data: {
      labels: months.map((m) => m.period),
      datasets: LABELS.map((l) => ({ label: l.name, data: months.map((m) => m[`${l.key}_share`]), borderColor: l.color, backgroundColor: l.color, tension: 0 })),
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { min: 0, ticks: { callback: (v) => pct(v) } } } },
  });
}

// timeEmpty says why "Scores over time" has nothing to draw: months come from publication
// dates, so scored articles without one are left out of them.
function timeEmpty(empty, undated, scored) {
  const note = document.getElementById('time-empty');
  document.getElementById('time-box').hidden = empty;
  note.hidden = !(empty || undated > 0);
  if (empty && scored === 0) note.textContent = 'Nothing to show over time: no finished review credits this outlet yet.';
  else if (empty) note.textContent = "Nothing to show over time: this outlet's scored articles have no publication date, and months are counted by publication date.";
  else if (undated > 0) note.textContent = `${undated} of this outlet's articles have no publication date and are left out of the months.`;
}

async function detail(id) {
  const [outlet, scores, months, articles] = await Promise.all([
    api.get(`/outlets/${id}`),
    api.get(`/scores/outlets?outlet_id=${id}${layerQuery}`),
    api.get(`/scores/outlets?outlet_id=${id}&by=month${layerQuery}`),
    allPages(`/scores/articles?outlet_id=${id}${layerQuery}`),
  ]);
  document.getElementById('outlet-title').textContent = outlet.name;
  document.title = `${outlet.name} · credence`;
  document.getElementById('outlet-detail').hidden = false;
  const dl = new URLSearchParams({ outlet_id: id });
  if (layer) dl.set('layer', layer);
  document.getElementById('outlet-downloads').href = `/downloads?${dl}`;
  const row = scores.items?.[0];
  if (row) summary(row);
  else document.getElementById('status').textContent = 'No completed review credits this outlet yet.';
  const m = months.items ?? [];
  const listed = await allPages(`/articles?outlet_id=${id}`);
  timeEmpty(m.length === 0, listed.filter((a) => !a.published_at).length, articles.length);
  if (m.length) timeChart(m);
  sortableTable(document.getElementById('month-head'), document.getElementById('month-body'), [
    { key: 'period', title: 'Month', value: (r) => r.period, cell: (r) => r.period },
    { key: 'articles', title: 'Articles', numeric: true, value: (r) => r.articles, cell: (r) => String(r.articles) },
    ...LABELS.map((l) => ({ key: l.key, title: l.name, numeric: true, value: (r) => r[`${l.key}_share`],
      cell: (r) => `${pct(r[`${l.key}_share`])} (${rowInterval(r, l.key)})` })),
    { key: 'low_sample', title: 'Sample', value: (r) => (r.low_sample ? 0 : 1), cell: (r) => (r.low_sample ? 'low' : 'ok') },
  ], m);
  const titles = new Map();
  for (const a of listed) titles.set(a.id, a.title);
  sortableTable(document.getElementById('article-head'), document.getElementById('article-body'), [
    { key: 'article_id', title: 'Article', value: (r) => r.article_id,
      cell: (r) => h('a', { href: `/articles/${r.article_id}`, text: titles.get(r.article_id) || `Article ${r.article_id}` }) },
    { key: 'credit', title: 'Credited as', value: (r) => (r.publisher_id === r.outlet_id ? 0 : 1), cell: (r) => (r.publisher_id === r.outlet_id ? 'publisher' : 'quoted') },
    { key: 'scored_chars', title: 'Characters', numeric: true, value: (r) => r.scored_chars, cell: (r) => String(r.scored_chars) },
    { key: 'reviewers', title: 'Reviewers', numeric: true, value: (r) => r.reviewers, cell: (r) => String(r.reviewers) },
    ...LABELS.map((l) => ({ key: l.key, title: l.name, numeric: true, value: (r) => r[`${l.key}_share`], cell: (r) => pct(r[`${l.key}_share`]) })),
    { key: 'credibility', title: 'Credibility', numeric: true, value: (r) => r.credibility, cell: (r) => fixed(r.credibility) },
  ], articles);
  if (row) document.getElementById('status').textContent = `${articles.length} article row${articles.length === 1 ? '' : 's'} · ${scores.methodology}`;
}

// layerChoice offers the two layers; choosing one reloads the page with ?layer=.
function layerChoice() {
  const select = h('select', { id: 'layer-choice', onchange: () => {
    const u = new URL(location.href);
    if (select.value) u.searchParams.set('layer', select.value); else u.searchParams.delete('layer');
    location.assign(u);
  } }, ...LAYERS.map((l) => h('option', { value: l.value, text: l.name })));
  select.value = layer;
  document.getElementById('layer-box').replaceChildren(h('label', { for: 'layer-choice', text: 'Layer ' }), select);
}

async function main() {
  const user = await me();
  wireHeader(user, api);
  if (notForRole(user, ['researcher', 'admin'], 'Outlet pages')) return;
  layerChoice();
  const id = location.pathname.split('/')[2];
  try {
    if (id && /^\d+$/.test(id)) await detail(id);
    else await list();
  } catch (e) {
    fail(e);
  }
  document.body.dataset.state = 'ready';
}

main();
