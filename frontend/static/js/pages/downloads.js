// The downloads page: a link to every export, filtered by the form, and API token management.

import { api, me } from '../api.js';
import { h, wireHeader, formatDate, announce, notForRole } from '../dom.js';
import { queryFrom } from './scorecommon.js';

const FILES = [
  { name: 'Outlet scores', path: '/api/v1/scores/outlets', formats: ['json', 'csv'], filters: ['from', 'to', 'outlet_id'] },
  { name: 'Outlet scores per month', path: '/api/v1/scores/outlets?by=month', formats: ['json', 'csv'], filters: ['from', 'to', 'outlet_id'] },
  { name: 'Article scores', path: '/api/v1/scores/articles', formats: ['json', 'csv'], filters: ['from', 'to', 'outlet_id'] },
  { name: 'Reviewer agreement', path: '/api/v1/scores/reviewers', formats: ['json', 'csv'], filters: ['from', 'to'] },
  { name: 'Corpus agreement', path: '/api/v1/scores/agreement', formats: ['json'], filters: ['from', 'to'] },
  { name: 'Annotations', path: '/api/v1/exports/annotations', formats: ['jsonl', 'csv', 'jsonld'], filters: ['from', 'to', 'outlet_id', 'label', 'user_id'] },
  { name: 'Data Package (describes the CSV files)', path: '/api/v1/exports/datapackage.json', formats: ['json'], filters: [] },
];

const FORMAT_NAMES = { json: 'JSON', csv: 'CSV', jsonl: 'JSON Lines', jsonld: 'JSON-LD (W3C Web Annotation)' };

function renderLinks(form) {
  const q = queryFrom(form);
  const ul = document.getElementById('download-links');
  ul.replaceChildren(...FILES.map((f) => h('li', { class: 'download' }, h('span', { class: 'download-name', text: f.name }),
    ...f.formats.map((fmt) => {
      const [path, fixedQuery] = f.path.split('?');
      const p = new URLSearchParams(fixedQuery ?? '');
      for (const k of f.filters) if (q.has(k)) p.set(k, q.get(k));
      if (!f.path.endsWith('.json')) p.set('format', fmt);
      const qs = p.toString();
      return h('a', { href: path + (qs ? `?${qs}` : ''), class: 'button-like', dataset: { format: fmt }, download: '', text: FORMAT_NAMES[fmt] });
    }))));
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
