// Shared by the researcher pages: labels, number formatting, sortable tables and the
// interval chart drawn with the vendored Chart.js (static/vendor/chartjs, global Chart).

import { h } from '../dom.js';

export const LABELS = [
  { key: 'sourced_fact', name: 'Sourced fact', color: '#2f7d5b' },
  { key: 'speculation', name: 'Speculation', color: '#a56a00' },
  { key: 'opinion', name: 'Opinion', color: '#6b4fa0' },
  { key: 'loaded_language', name: 'Loaded language', color: '#b3362d' },
];

export function pct(v) {
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–';
}

export function fixed(v, digits = 3) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

// NO_INTERVAL is what a table says where the service withheld an interval (ci_reason
// "too_few_articles": fewer than 5 scored articles, see the methodology), instead of a
// zero-width "5.7% – 5.7%" that would read as certainty.
export const NO_INTERVAL = 'too few articles for an interval';

export function interval(lo, hi, fmt = pct) {
  if (typeof lo !== 'number' || typeof hi !== 'number') return NO_INTERVAL;
  return `${fmt(lo)} – ${fmt(hi)}`;
}

// rowInterval formats a row's interval for key (a label key, or 'credibility' with fixed()).
export function rowInterval(row, key, fmt = pct) {
  const lo = row[`${key}_ci_low`];
  const hi = row[`${key}_ci_high`];
  if (typeof lo !== 'number' || typeof hi !== 'number') {
    return row.ci_reason === 'too_few_articles' ? `${NO_INTERVAL}: ${row.articles}` : 'no interval';
  }
  return interval(lo, hi, fmt);
}

// LAYERS are the layers a researcher can score: the reviewers' annotations, or the curators'
// consensus of adjudicated articles.
export const LAYERS = [
  { value: '', name: "Reviewers' annotations" },
  { value: 'consensus', name: 'Consensus (adjudicated articles)' },
];

// sortableTable renders rows into a table whose column headers sort it. columns:
// [{key, title, value(row) → sortable, cell(row) → Node|string, numeric}].
export function sortableTable(headRow, body, columns, rows, initial = columns[0].key) {
  let sortKey = initial;
  let dir = 1;
  const render = () => {
    const col = columns.find((c) => c.key === sortKey);
    const sorted = [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    headRow.replaceChildren(...columns.map((c) => {
      const th = h('th', { scope: 'col', class: c.numeric ? 'num' : '' });
      th.setAttribute('aria-sort', c.key === sortKey ? (dir === 1 ? 'ascending' : 'descending') : 'none');
      th.append(h('button', { type: 'button', class: 'sort', dataset: { sort: c.key }, text: c.title,
        onclick: () => { if (sortKey === c.key) dir = -dir; else { sortKey = c.key; dir = c.numeric ? -1 : 1; } render(); } }));
      return th;
    }));
    body.replaceChildren(...sorted.map((r) => h('tr', { dataset: r.outlet_id ? { outletId: String(r.outlet_id) } : {} },
      ...columns.map((c) => h('td', { class: c.numeric ? 'num' : '' }, c.cell(r))))));
  };
  render();
}

// intervalChart draws one label: a dot per outlet at its share and a bar over its interval.
// An outlet without an interval gets no bar, and its name on the axis says why.
export function intervalChart(canvas, label, rows, nameOf) {
  const Chart = globalThis.Chart;
  if (!Chart) throw new Error('the chart library did not load');
  const hasInterval = (r) => typeof r[`${label.key}_ci_low`] === 'number' && typeof r[`${label.key}_ci_high`] === 'number';
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => (hasInterval(r) ? nameOf(r) : `${nameOf(r)} (${NO_INTERVAL})`)),
      datasets: [
        { type: 'bar', label: '95% interval', data: rows.map((r) => (hasInterval(r) ? [r[`${label.key}_ci_low`], r[`${label.key}_ci_high`]] : null)),
          backgroundColor: label.color + '55', borderColor: label.color, borderWidth: 1, barPercentage: 0.35, order: 2 },
        { type: 'line', label: 'Share', data: rows.map((r) => r[`${label.key}_share`]), showLine: false,
          pointRadius: 5, pointBackgroundColor: label.color, borderColor: label.color, order: 1 },
      ],
    },
    options: {
      indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { min: 0, suggestedMax: 0.5, ticks: { callback: (v) => pct(v) } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (ctx) => (ctx.dataset.type === 'bar'
          ? `95% interval ${interval(ctx.raw[0], ctx.raw[1])}` : `Share ${pct(ctx.raw)}`) } },
      },
    },
  });
}

// queryFrom turns a filter form into query parameters (empty fields left out).
export function queryFrom(form) {
  const q = new URLSearchParams();
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') { if (el.checked) q.set(el.name, 'true'); continue; }
    const v = el.value.trim();
    if (v) q.set(el.name, v);
  }
  return q;
}

// The words a file name gives each filter, in the server's order (api/downloadname.go), so a
// JSON download (which the server does not name) is named as the CSV beside it is.
const NAME_WORDS = [['by', 'by'], ['layer', 'layer'], ['outlet_id', 'outlet'], ['from', 'from'], ['to', 'to'], ['label', 'label'], ['user_id', 'reviewer'],
  ['exclude_reviewers', 'excluding'], ['min_articles', 'min-articles'], ['hide_low_sample', 'hide-low-sample'], ['suggestions', 'suggestions'], ['csv', 'csv']];

const fileSafe = (v) => v.replace(/,/g, '+').replace(/[^A-Za-z0-9.+-]/g, '-').slice(0, 40);

// fileName names a download by what, filters, data version and day, as the server does.
export function fileName(slug, params, dataVersion, ext, day) {
  const parts = [`credence-${slug}`];
  for (const [param, word] of NAME_WORDS) if (params.get(param)) parts.push(`${word}-${fileSafe(params.get(param))}`);
  if (dataVersion) parts.push(`data-${fileSafe(dataVersion)}`);
  parts.push(day);
  return `${parts.join('_')}.${ext}`;
}
