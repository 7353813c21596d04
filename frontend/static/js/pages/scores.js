// The outlet scores page: a sortable table with intervals and sample sizes, and a chart per
// label with a dot per outlet and its interval bar.

import { api, me } from '../api.js';
import { h, wireHeader, announce, notForRole } from '../dom.js';
import { plural } from '../plural.js';
import { LABELS, pct, fixed, rowInterval, sortableTable, intervalChart, queryFrom, fileName } from './scorecommon.js';

const charts = [];

function columns() {
  const cols = [
    { key: 'outlet', title: 'Outlet', value: (r) => r.outlet.toLowerCase(), cell: (r) => h('a', { href: `/outlets/${encodeURIComponent(r.outlet_id)}`, text: r.outlet || `Outlet ${r.outlet_id}` }) },
    { key: 'articles', title: 'Articles', numeric: true, value: (r) => r.articles, cell: (r) => String(r.articles) },
    { key: 'reviewers', title: 'Reviewers', numeric: true, value: (r) => r.reviewers, cell: (r) => String(r.reviewers) },
    { key: 'scored_chars', title: 'Characters', numeric: true, value: (r) => r.scored_chars, cell: (r) => r.scored_chars.toLocaleString() },
  ];
  for (const l of LABELS) {
    cols.push({ key: `${l.key}_share`, title: l.name, numeric: true, value: (r) => r[`${l.key}_share`],
      cell: (r) => h('span', {}, pct(r[`${l.key}_share`]), h('span', { class: r.ci_reason ? 'ci no-ci' : 'ci', text: ` (${rowInterval(r, l.key)})` })) });
  }
  cols.push(
    { key: 'agreement_alpha', title: 'Agreement α', numeric: true, value: (r) => r.agreement_alpha, cell: (r) => fixed(r.agreement_alpha) },
    { key: 'credibility', title: 'Credibility', numeric: true, value: (r) => r.credibility,
      cell: (r) => h('span', {}, fixed(r.credibility), h('span', { class: r.ci_reason ? 'ci no-ci' : 'ci', text: ` (${rowInterval(r, 'credibility', fixed)})` })) },
    { key: 'low_sample', title: 'Sample', value: (r) => (r.low_sample ? 0 : 1),
      cell: (r) => (r.low_sample ? h('span', { class: 'tag tag-low', title: 'fewer articles than the minimum: do not trust these figures', text: 'low sample' }) : h('span', { class: 'muted', text: 'ok' })) },
  );
  return cols;
}

function drawCharts(rows) {
  while (charts.length) charts.pop().destroy();
  const box = document.getElementById('charts');
  box.replaceChildren();
  const sorted = [...rows].sort((a, b) => a.outlet.localeCompare(b.outlet));
  for (const l of LABELS) {
    const canvas = h('canvas', { role: 'img', 'aria-label': `${l.name}: share per outlet with 95% intervals` });
    const holder = h('div', { class: 'chart-box' }, canvas);
    holder.style.height = `${Math.max(140, 60 + 28 * sorted.length)}px`;
    box.append(h('figure', { class: 'chart', dataset: { label: l.key } }, h('figcaption', { text: l.name }), holder));
    charts.push(intervalChart(canvas, l, sorted, (r) => r.outlet || `Outlet ${r.outlet_id}`));
  }
}

// showEmpty says why nothing is shown instead of bare headers and four empty charts.
function showEmpty(empty, q) {
  const box = document.getElementById('empty');
  document.getElementById('table-box').hidden = empty;
  document.getElementById('charts-box').hidden = empty;
  box.hidden = !empty;
  if (!empty) return;
  const filtered = [...q.keys()].some((k) => k !== 'min_articles');
  box.textContent = filtered
    ? 'No outlet matches these filters: no finished review credits an outlet within them. Widen the dates, exclude fewer reviewers or show low-sample outlets.'
    : 'No outlet has scores yet: scores appear once a reviewer marks an article done.';
}

// DOWNLOADS_KEEPS are the filters the downloads page has, carried to it by the link below.
const DOWNLOADS_KEEPS = ['from', 'to', 'layer', 'exclude_reviewers'];

// offerDownloads links the table as shown (the same query, so the same figures) as CSV and
// JSON, and the downloads page with the filters it shares with this one.
function offerDownloads(q, dataVersion) {
  const day = new Date().toISOString().slice(0, 10);
  for (const fmt of ['csv', 'json']) {
    const p = new URLSearchParams(q);
    p.set('format', fmt);
    const a = document.getElementById(`dl-scores-${fmt}`);
    a.href = `/api/v1/scores/outlets?${p}`;
    a.download = fileName('outlet-scores', p, dataVersion, fmt, day);
  }
  const keep = new URLSearchParams();
  for (const k of DOWNLOADS_KEEPS) if (q.has(k)) keep.set(k, q.get(k));
  document.getElementById('dl-all').href = `/downloads${keep.size ? `?${keep}` : ''}`;
  document.getElementById('table-downloads').hidden = false;
}

async function load(form) {
  const status = document.getElementById('status');
  const err = document.getElementById('error');
  err.hidden = true;
  for (const el of form.elements) { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); }
  document.body.dataset.state = 'loading';
  const q = queryFrom(form);
  try {
    const res = await api.get(`/scores/outlets?${q}`);
    const rows = res.items ?? [];
    sortableTable(document.getElementById('outlet-head'), document.getElementById('outlet-body'), columns(), rows);
    drawCharts(rows);
    showEmpty(rows.length === 0, q);
    offerDownloads(q, res.data_version);
    const excl = res.excluded_reviewers?.length ? ` · excluding reviewers ${res.excluded_reviewers.join(', ')}` : '';
    const layer = res.filters?.layer === 'consensus' ? ' · consensus layer (adjudicated articles only)' : '';
    const arm = res.filters?.suggestions ? ` · reviews ${res.filters.suggestions === 'hidden' ? 'without' : 'with'} machine suggestions` : '';
    const noCI = rows.filter((r) => r.ci_reason).length;
    const small = noCI ? ` · ${noCI} with too few articles for an interval` : '';
    status.textContent = `${plural(rows.length, 'outlet')}${layer}${arm}${small} · ${res.methodology}${excl}`;
    announce(`${plural(rows.length, 'outlet')} loaded`);
  } catch (e) {
    err.textContent = `The scores could not be loaded: ${e.message}`;
    err.hidden = false;
    status.textContent = '';
    // The last table was for other filters: it and its downloads go, rather than stand under
    // filters they do not match; the field the service named is marked.
    for (const id of ['table-box', 'charts-box', 'table-downloads']) document.getElementById(id).hidden = true;
    const field = e.field && form.elements[e.field];
    if (field) { field.setAttribute('aria-invalid', 'true'); field.setAttribute('aria-describedby', 'error'); field.focus(); }
  }
  document.body.dataset.state = 'ready';
}

async function main() {
  const user = await me();
  wireHeader(user, api);
  if (notForRole(user, ['researcher', 'admin'], 'The scores')) return;
  const form = document.getElementById('filters');
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(form); });
  await load(form);
}

main();
