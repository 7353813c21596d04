// Suggestion models: per label, every model over time (the built-in one, then each retrained one)
// with what it was trained on and its precision, recall and F1; and retraining from the finished
// reviews as a background job whose progress is polled until it ends.

import { api } from '../api.js';
import { h, announce } from '../dom.js';
import { when, markLoaded, labelCells, plural } from './admin-common.js';

const LABELS = [
  ['sourced_fact', 'Sourced fact'], ['speculation', 'Speculation'], ['opinion', 'Opinion'], ['loaded_language', 'Loaded language'],
];
const STATUS = { builtin: 'built in', active: 'in use', retired: 'was in use', rejected: 'not used: measured worse' };
const fmt = (x) => (typeof x === 'number' ? x.toFixed(3) : '–');

// trainedOn summarises a model's data: the public sets by name, and the project's reviews.
function trainedOn(m) {
  const sets = [...new Set(m.trained_on.map((s) => s.dataset))];
  const own = m.trained_on.find((s) => s.dataset === 'project reviews');
  const pub = sets.filter((s) => s !== 'project reviews').join(', ');
  return own ? `${pub}; ${plural(own.fit, 'finished review')} (${own.test} held back)` : pub;
}

function labelTable(label, title, models) {
  const rows = [];
  for (const m of models) {
    const figs = m.figures.filter((f) => f.label === label);
    if (figs.length === 0) {
      rows.push(h('tr', { dataset: { modelId: m.id } }, h('th', { scope: 'row', text: m.model }), h('td', { text: when(m.created_at) || 'in the binary' }),
        h('td', { text: STATUS[m.status] ?? m.status }), h('td', { colspan: 5, class: 'muted', text: 'no held-back passage of this label to measure on' })));
      continue;
    }
    for (const [i, f] of figs.entries()) {
      const head = i === 0;
      rows.push(h('tr', { dataset: { modelId: m.id, dataset: f.dataset }, class: m.active ? 'active' : '' },
        h('th', { scope: 'row', text: head ? m.model : '' }),
        h('td', { text: head ? (when(m.created_at) || 'in the binary') : '' }),
        h('td', { text: head ? (STATUS[m.status] ?? m.status) : '' }),
        h('td', { text: f.dataset }),
        h('td', { class: 'num', text: fmt(f.precision) }),
        h('td', { class: 'num', text: fmt(f.recall) }),
        h('td', { class: 'num', text: fmt(f.f1) }),
        h('td', { class: 'num', text: f.previous ? fmt(f.previous.f1) : (f.rules ? `rules ${fmt(f.rules.f1)}` : '') })));
    }
  }
  const table = h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['Model', 'Trained', 'Status', 'Measured on', 'Precision', 'Recall', 'F1', 'Compared with'].map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, ...rows));
  labelCells(table);
  return h('section', { class: 'model-label', dataset: { label } }, h('h2', { text: title }), table);
}

export async function initModels(panel) {
  const out = document.getElementById('models-by-label');
  const button = document.getElementById('models-train');
  const progress = document.getElementById('models-progress');
  const status = document.getElementById('models-status');
  const say = (msg) => { status.textContent = msg; announce(msg); };

  async function load() {
    const { items } = await api.get('/suggestions/models');
    out.replaceChildren(
      h('p', { class: 'muted', text: `In use: ${items.find((m) => m.active)?.model ?? 'none'}. Data: ${items.map((m) => `${m.model}: ${trainedOn(m)}`).join(' · ')}` }),
      ...LABELS.map(([label, title]) => labelTable(label, title, items)));
    markLoaded(panel);
  }

  async function follow(job) {
    progress.hidden = false;
    while (job.status === 'queued' || job.status === 'running') {
      progress.value = job.progress;
      status.textContent = `Retraining: ${job.status}, ${Math.round(job.progress * 100)}%`;
      await new Promise((r) => setTimeout(r, 1000));
      job = await api.get(`/suggestions/models/train/${job.id}`);
    }
    progress.hidden = true;
    const outcome = { done: 'The new model is in use', kept: 'The model in use stays', failed: 'Retraining failed' }[job.status] ?? job.status;
    say(`${outcome}: ${job.message ?? ''}`);
    await load();
  }

  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await follow(await api.post('/suggestions/models/train'));
    } catch (err) {
      say(`Retraining could not start: ${err.message}`);
    } finally {
      button.disabled = false;
    }
  });

  await load();
  return { shown: load };
}
