// The downloads page: a link to every export, filtered by the form, and API token management.

import { api, me } from '../api.js';
import { h, wireHeader, formatDate, announce, notForRole } from '../dom.js';
import { queryFrom } from './scorecommon.js';

const FILES = [
  { name: 'Outlet scores', slug: 'outlet-scores', path: '/api/v1/scores/outlets', formats: ['json', 'csv'], filters: ['from', 'to', 'outlet_id'] },
  { name: 'Outlet scores per month', slug: 'outlet-scores', path: '/api/v1/scores/outlets?by=month', formats: ['json', 'csv'], filters: ['from', 'to', 'outlet_id'] },
  { name: 'Article scores', slug: 'article-scores', path: '/api/v1/scores/articles', formats: ['json', 'csv'], filters: ['from', 'to', 'outlet_id'] },
  { name: 'Reviewer agreement', slug: 'reviewer-scores', path: '/api/v1/scores/reviewers', formats: ['json', 'csv'], filters: ['from', 'to'] },
  { name: 'Corpus agreement', slug: 'agreement', path: '/api/v1/scores/agreement', formats: ['json'], filters: ['from', 'to'] },
  { name: 'Annotations', slug: 'annotations', path: '/api/v1/exports/annotations', formats: ['jsonl', 'csv', 'jsonld'], filters: ['from', 'to', 'outlet_id', 'label', 'user_id'] },
  { name: 'Data Package (describes the CSV files)', slug: 'datapackage', path: '/api/v1/exports/datapackage.json', formats: ['json'], filters: [] },
  { name: 'Data package for a deposit (one zip: datapackage.json, every CSV and the score inputs)', slug: 'data-package', path: '/api/v1/exports/datapackage.zip', formats: ['zip'], filters: [] },
];

// The words a file name gives each filter, in the server's order (api/downloadname.go), so a
// JSON download (which the server does not name) is named as the CSV beside it is.
const NAME_WORDS = [['by', 'by'], ['outlet_id', 'outlet'], ['from', 'from'], ['to', 'to'], ['label', 'label'], ['user_id', 'reviewer']];

const fileSafe = (v) => v.replace(/,/g, '+').replace(/[^A-Za-z0-9.+-]/g, '-').slice(0, 40);

// fileName names a download by what, filters, data version and day, as the server does.
export function fileName(slug, params, dataVersion, ext, day) {
  const parts = [`credence-${slug}`];
  for (const [param, word] of NAME_WORDS) if (params.get(param)) parts.push(`${word}-${fileSafe(params.get(param))}`);
  if (dataVersion) parts.push(`data-${fileSafe(dataVersion)}`);
  parts.push(day);
  return `${parts.join('_')}.${ext}`;
}

// versions are the methodology and data versions of the scores, for names and the citation.
let versions = { methodology: '', data_version: '' };

const FORMAT_NAMES = { json: 'JSON', csv: 'CSV', jsonl: 'JSON Lines', jsonld: 'JSON-LD (W3C Web Annotation)', zip: 'ZIP' };
const EXTENSIONS = { json: 'json', csv: 'csv', jsonl: 'jsonl', jsonld: 'jsonld', zip: 'zip' };

const today = () => new Date().toISOString().slice(0, 10);

function renderLinks(form) {
  const q = queryFrom(form);
  const ul = document.getElementById('download-links');
  ul.replaceChildren(...FILES.map((f) => h('li', { class: 'download' }, h('span', { class: 'download-name', text: f.name }),
    ...f.formats.map((fmt) => {
      const [path, fixedQuery] = f.path.split('?');
      const p = new URLSearchParams(fixedQuery ?? '');
      for (const k of f.filters) if (q.has(k)) p.set(k, q.get(k));
      if (!/\.(json|zip)$/.test(path)) p.set('format', fmt);
      const qs = p.toString();
      return h('a', { href: path + (qs ? `?${qs}` : ''), class: 'button-like', dataset: { format: fmt },
        download: fileName(f.slug, p, versions.data_version, EXTENSIONS[fmt], today()),
        'aria-label': `${f.name}, ${FORMAT_NAMES[fmt]}`, text: FORMAT_NAMES[fmt] });
    }))));
}

// citation is the suggested citation of what is downloaded now.
export function citation(v, origin, day) {
  return `Credence outlet and article scores and annotations, data version ${v.data_version} (${v.methodology}). ${origin}. Downloaded ${day}.`;
}

function renderCitation() {
  document.getElementById('citation-text').textContent = citation(versions, location.origin, today());
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
  renderCitation();
  const form = document.getElementById('filters');
  form.addEventListener('input', () => renderLinks(form));
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
