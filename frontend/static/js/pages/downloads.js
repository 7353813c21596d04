// The downloads page: a link to every export, filtered by the form, and API token management.

import { api, me } from '../api.js';
import { h, wireHeader, formatDate, announce, notForRole } from '../dom.js';
import { queryFrom, fileName } from './scorecommon.js';

// Each file takes the filters its route reads: the scores the layer (reviewers' or the
// curators' consensus) and the reviewers left out, the annotations the layer, label and
// reviewer. The reviewers' agreement compares reviewers, so it has no consensus layer.
const SCORE_FILTERS = ['from', 'to', 'outlet_id', 'layer', 'exclude_reviewers'];
const FILES = [
  { name: 'Outlet scores', slug: 'outlet-scores', path: '/api/v1/scores/outlets', formats: ['json', 'csv'], filters: SCORE_FILTERS },
  { name: 'Outlet scores per month', slug: 'outlet-scores', path: '/api/v1/scores/outlets?by=month', formats: ['json', 'csv'], filters: SCORE_FILTERS },
  { name: 'Article scores', slug: 'article-scores', path: '/api/v1/scores/articles', formats: ['json', 'csv'], filters: SCORE_FILTERS },
  { name: 'Reviewer agreement', slug: 'reviewer-scores', path: '/api/v1/scores/reviewers', formats: ['json', 'csv'], filters: ['from', 'to', 'exclude_reviewers'] },
  { name: 'Corpus agreement', slug: 'agreement', path: '/api/v1/scores/agreement', formats: ['json'], filters: ['from', 'to', 'layer', 'exclude_reviewers'] },
  { name: 'Annotations', slug: 'annotations', path: '/api/v1/exports/annotations', formats: ['jsonl', 'csv', 'jsonld'], filters: ['from', 'to', 'outlet_id', 'label', 'user_id', 'layer'] },
  { name: 'Data Package (describes the CSV files)', slug: 'datapackage', path: '/api/v1/exports/datapackage.json', formats: ['json'], filters: [] },
  { name: 'Data package for a deposit (one zip: datapackage.json, every CSV and the score inputs)', slug: 'data-package', path: '/api/v1/exports/datapackage.zip', formats: ['zip'], filters: [] },
];

// versions are the methodology and data versions of the scores, for names and the citation.
let versions = { methodology: '', data_version: '' };

const FORMAT_NAMES = { json: 'JSON', csv: 'CSV', jsonl: 'JSON Lines', jsonld: 'JSON-LD (W3C Web Annotation)', zip: 'ZIP' };
const EXTENSIONS = { json: 'json', csv: 'csv', jsonl: 'jsonl', jsonld: 'jsonld', zip: 'zip' };

const today = () => new Date().toISOString().slice(0, 10);

// filterProblem says what the service would refuse in the filters (the words of its own
// errors), with the field's name, or null: a link with such a filter would save the error's
// JSON under a .csv name instead of the data.
export function filterProblem(q) {
  const ids = /^\d+(,\d+)*$/;
  for (const [name, one] of [['outlet_id', false], ['exclude_reviewers', false], ['user_id', true]]) {
    const v = (q.get(name) ?? '').replace(/\s+/g, '');
    if (!v) continue;
    if (!(one ? /^\d+$/ : ids).test(v) || v.split(',').some((x) => Number(x) < 1)) {
      return { field: name, message: one ? `${name} must be one positive integer id, not “${q.get(name)}”` : `${name} must be comma-separated positive integer ids, not “${q.get(name)}”` };
    }
  }
  if (q.get('from') && q.get('to') && q.get('to') < q.get('from')) return { field: 'to', message: 'to must be after from' };
  return null;
}

function showProblem(form, problem) {
  const box = document.getElementById('filter-error');
  for (const el of form.elements) {
    if (!el.name) continue;
    if (problem?.field === el.name) { el.setAttribute('aria-invalid', 'true'); el.setAttribute('aria-describedby', 'filter-error'); } else { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); }
  }
  box.hidden = !problem;
  box.textContent = problem ? `These filters cannot be downloaded: ${problem.message}.` : '';
}

function renderLinks(form) {
  const q = queryFrom(form);
  const problem = filterProblem(q);
  showProblem(form, problem);
  const ul = document.getElementById('download-links');
  ul.replaceChildren(...FILES.map((f) => h('li', { class: 'download' }, h('span', { class: 'download-name', text: f.name }),
    ...f.formats.map((fmt) => {
      const [path, fixedQuery] = f.path.split('?');
      const p = new URLSearchParams(fixedQuery ?? '');
      for (const k of f.filters) if (q.has(k)) p.set(k, q.get(k));
      if (!/\.(json|zip)$/.test(path)) p.set('format', fmt);
      const qs = p.toString();
      // A file whose filters the service would refuse has no link until they are put right.
      const refused = problem && f.filters.includes(problem.field);
      return h('a', { href: refused ? null : path + (qs ? `?${qs}` : ''), class: refused ? 'button-like disabled' : 'button-like', dataset: { format: fmt },
        'aria-disabled': refused ? 'true' : null,
        download: fileName(f.slug, p, versions.data_version, EXTENSIONS[fmt], today()),
        'aria-label': `${f.name}, ${FORMAT_NAMES[fmt]}`, text: FORMAT_NAMES[fmt] });
    }))));
}

// citation is the suggested citation of what is downloaded now.
export function citation(v, origin, day, layer = '') {
  const which = layer === 'consensus' ? ", curators' consensus layer of adjudicated articles" : '';
  return `Credence outlet and article scores and annotations${which}, data version ${v.data_version} (${v.methodology}). ${origin}. Downloaded ${day}.`;
}

function renderCitation(form) {
  document.getElementById('citation-text').textContent = citation(versions, location.origin, today(), form.elements.layer.value);
}

// prefill takes the filters from the page's own query (/downloads?layer=consensus&outlet_id=3),
// so the scores and outlet pages can link to the downloads of what they show.
function prefill(form) {
  const q = new URLSearchParams(location.search);
  for (const el of form.elements) {
    if (!el.name || !q.has(el.name)) continue;
    if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === q.get(el.name))) continue;
    el.value = q.get(el.name);
  }
}

async function loadTokens() {
  const tbody = document.getElementById('token-list');
  const res = await api.get('/tokens');
  tbody.replaceChildren(...(res.items ?? []).map((t) => h('tr', { dataset: { tokenId: String(t.id) } },
    h('td', { text: t.name }), h('td', { text: formatDate(t.created_at) }),
    h('td', {}, h('button', { type: 'button', class: 'danger small-btn', text: 'Revoke', onclick: () => revoke(t) })))));
}

function showError(e) {
  const err = document.getElementById('error');
  err.textContent = e.message;
  err.hidden = false;
}

async function revoke(t) {
  if (!confirm(`Revoke the token “${t.name}”? Scripts using it stop working.`)) return;
  try {
    await api.del(`/tokens/${t.id}`);
    announce(`Token ${t.name} revoked`);
    await loadTokens();
  } catch (e) { showError(e); }
}

async function main() {
  const user = await me();
  wireHeader(user, api);
  if (notForRole(user, ['researcher', 'admin'], 'Downloads')) return;
  try {
    const a = await api.get('/scores/agreement');
    versions = { methodology: a.methodology, data_version: a.data_version };
  } catch (e) { showError(e); }
  const form = document.getElementById('filters');
  prefill(form);
  renderCitation(form);
  const changed = () => { renderLinks(form); renderCitation(form); };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  renderLinks(form);
  document.getElementById('token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = document.getElementById('token-name');
    try {
      const t = await api.post('/tokens', { name: name.value.trim() });
      document.getElementById('new-token-value').textContent = t.token;
      document.getElementById('new-token').hidden = false;
      name.value = '';
      await loadTokens();
    } catch (e) { showError(e); }
  });
  try { await loadTokens(); } catch (e) { showError(e); }
  document.body.dataset.state = 'ready';
}

main();
