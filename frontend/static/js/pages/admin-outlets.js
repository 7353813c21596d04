// Outlets: search, create, edit (a stale edit shows what changed instead of overwriting it),
// merge with a preview of what moves, and delete when nothing refers to the outlet.

import { api, allPages } from '../api.js';
import { h, announce } from '../dom.js';
import { feedsSection, feedList } from './outlet-feeds.js';
import { list, replaceRows, emptyRow, plural, markLoaded, clearFieldErrors, fieldError } from './admin-common.js';

const FIELDS = [
  ['name', 'Name'], ['homepage', 'Homepage'], ['domains', 'Domains'], ['aliases', 'Aliases'], ['country', 'Country'], ['notes', 'Notes'],
];

const show = (o, f) => (Array.isArray(o?.[f]) ? o[f].join(', ') : (o?.[f] ?? ''));

export async function initOutlets(panel) {
  const rows = document.getElementById('outlet-rows');
  const status = document.getElementById('outlet-status');
  const more = document.getElementById('outlet-more');
  const search = document.getElementById('outlet-search');
  let items = [];
  let cursor = '';

  async function load(append = false) {
    const q = search.value.trim();
    const page = await api.get(`/outlets?limit=100${q ? '&q=' + encodeURIComponent(q) : ''}${append && cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items = append ? items.concat(page.items) : page.items;
    cursor = page.next_cursor;
    more.hidden = !cursor;
    render();
    markLoaded(panel);
  }

  function render() {
    if (!items.length) {
      replaceRows(rows, [emptyRow(6, search.value ? 'No outlet matches.' : 'No outlets yet.')]);
      return;
    }
    replaceRows(rows, items.map((o) => h('tr', { dataset: { outletId: o.id } },
      h('th', { scope: 'row', class: 'outlet-name', text: o.name }),
      h('td', { text: o.aliases.join(', ') }),
      h('td', { text: o.domains.join(', ') }),
      h('td', { text: o.country }),
      h('td', { class: 'num', text: o.article_count }),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'small-btn', 'data-action': 'edit', onclick: () => openEditor(o) }, 'Edit'),
        h('button', { type: 'button', class: 'small-btn', 'data-action': 'merge', onclick: () => openMerge(o) }, 'Merge…'),
        h('button', { type: 'button', class: 'small-btn danger', 'data-action': 'delete', onclick: () => remove(o) }, 'Delete')))));
  }

  let timer;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load().catch(fail), 250); });
  more.addEventListener('click', () => load(true).catch(fail));
  document.getElementById('outlet-new').addEventListener('click', () => openEditor(null));

  // focusRow puts the keyboard back where the person was once the table is drawn again (its
  // buttons are new elements, so the one that opened a dialog is gone): on the outlet's row's
  // button, or the search field when the row went away (deleted, merged).
  function focusRow(id, action) {
    const btn = id === undefined ? null : rows.querySelector(`tr[data-outlet-id="${CSS.escape(String(id))}"] [data-action="${action}"]`);
    (btn ?? search).focus();
  }

  function fail(err) {
    status.textContent = err.message;
    status.className = 'error';
  }
  function say(msg) {
    status.textContent = msg;
    status.className = 'muted';
    announce(msg);
  }

  async function remove(o) {
    if (!confirm(`Delete the outlet “${o.name}”?`)) return;
    try {
      await api.del(`/outlets/${o.id}`);
      say(`Deleted ${o.name}.`);
      await load();
      focusRow(undefined);
    } catch (err) {
      if (err.code === 'in_use') {
        const refs = err.body?.error?.details ?? {};
        fail(new Error(`${o.name} cannot be deleted: ${plural(refs.articles ?? 0, 'article')} and ${plural(refs.regions ?? 0, 'region')} still refer to it. Merge it into another outlet instead.`));
      } else fail(err);
    }
  }

  // The editor. loaded is the outlet as it was read: its version goes with the change, and
  // only the fields changed since are sent, so a conflict shows exactly what collided.
  const dialog = document.getElementById('outlet-dialog');
  const form = document.getElementById('outlet-form');
  const formError = document.getElementById('outlet-form-error');
  const conflict = document.getElementById('outlet-conflict');
  let loaded = null;
  let theirs = null; // the outlet as saved by someone else, after a conflict
  const input = (f) => document.getElementById(`of-${f}`);

  function fill(o) {
    for (const [f] of FIELDS) input(f).value = show(o, f);
  }
  function formValues() {
    const v = {};
    for (const [f] of FIELDS) v[f] = (f === 'domains' || f === 'aliases') ? list(input(f).value) : input(f).value.trim();
    return v;
  }
  function changes() {
    const v = formValues();
    const out = {};
    for (const [f] of FIELDS) if (!loaded || show(v, f) !== show(loaded, f)) out[f] = v[f];
    return out;
  }

  function openEditor(o) {
    loaded = o ? structuredClone(o) : null;
    document.getElementById('outlet-dialog-title').textContent = o ? `Edit ${o.name}` : 'New outlet';
    fill(o);
    formError.hidden = true;
    clearFieldErrors(form);
    conflict.hidden = true;
    dialog.querySelector('#outlet-feeds')?.remove();
    if (o) {
      dialog.append(feedsSection(o, (saved) => {
        // Saving the feeds is this editor's own change, so the fields' save goes with the
        // version it made; but if the saved outlet shows someone else's change to a field
        // too, the old version stays and that save shows the conflict.
        if (loaded?.id === saved.id && FIELDS.every(([f]) => show(saved, f) === show(loaded, f))) loaded = structuredClone(saved);
        load().catch(fail);
      }));
    } else {
      // A new outlet's feeds are part of the form: Save sends them with the outlet.
      form.insertBefore(feedsSection(null), conflict);
    }
    dialog.showModal();
    input('name').focus();
  }

  async function save() {
    formError.hidden = true;
    clearFieldErrors(form);
    const body = changes();
    try {
      let saved;
      if (!loaded) {
        const feeds = feedList(document.getElementById('outlet-feeds-urls')?.value ?? '');
        if (feeds.length) body.feeds = feeds;
        saved = await api.post('/outlets', body);
        say(`Created ${saved.name}.`);
      } else {
        if (!Object.keys(body).length) { dialog.close(); return; }
        saved = await api.patch(`/outlets/${loaded.id}`, { ...body, version: loaded.version });
        say(`Saved ${saved.name}.`);
      }
      dialog.close();
      await load();
      if (loaded) focusRow(saved.id, 'edit');
    } catch (err) {
      if (err.code === 'version_conflict' && err.body?.error?.details?.current) {
        showConflict(err.body.error.details.current, body);
        return;
      }
      if (fieldError(form, 'of-', err)) return;
      // A refused feed is shown beside the feeds box (not one of the of- fields).
      if (err.field === 'feeds' && fieldError(form, 'outlet-feeds-', { field: 'urls', message: err.message })) return;
      formError.textContent = err.message;
      formError.hidden = false;
    }
  }

  function showConflict(current, mine) {
    const rowsEl = document.getElementById('outlet-conflict-rows');
    const diff = FIELDS.filter(([f]) => show(current, f) !== show(loaded, f) || f in mine);
    replaceRows(rowsEl, diff.map(([f, label]) => h('tr', { class: show(current, f) !== show(loaded, f) ? 'changed' : '' },
      h('th', { scope: 'row', text: label }),
      h('td', { text: show(loaded, f) }),
      h('td', { text: show(current, f) }),
      h('td', { text: f in mine ? show(mine, f) : '(unchanged)' }))));
    conflict.hidden = false;
    theirs = current;
    announce('Someone else changed this outlet. Compare before saving.');
  }

  document.getElementById('conflict-theirs').addEventListener('click', () => {
    loaded = structuredClone(theirs);
    fill(loaded);
    conflict.hidden = true;
  });
  document.getElementById('conflict-mine').addEventListener('click', () => {
    const mine = changes();
    loaded = structuredClone(theirs);
    for (const [f] of FIELDS) input(f).value = show(f in mine ? mine : loaded, f);
    conflict.hidden = true;
    save();
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); save(); });
  for (const id of ['outlet-cancel', 'outlet-close']) document.getElementById(id).addEventListener('click', () => dialog.close());

  // Merge: pick the outlet to keep, see what moves, confirm.
  const merge = document.getElementById('merge-dialog');
  const into = document.getElementById('merge-into');
  const preview = document.getElementById('merge-preview');
  const mergeError = document.getElementById('merge-error');
  const confirmBtn = document.getElementById('merge-confirm');
  let from = null;

  async function openMerge(o) {
    from = o;
    document.getElementById('merge-from').textContent = o.name;
    mergeError.hidden = true;
    confirmBtn.disabled = true;
    preview.replaceChildren();
    const all = await allPages('/outlets');
    into.replaceChildren(h('option', { value: '', text: 'Choose…' }),
      ...all.filter((x) => x.id !== o.id).map((x) => h('option', { value: x.id, text: `${x.name} (${plural(x.article_count, 'article')})` })));
    merge.showModal();
    into.focus();
  }

  into.addEventListener('change', async () => {
    confirmBtn.disabled = true;
    preview.replaceChildren();
    if (!into.value) return;
    try {
      const p = await api.get(`/outlets/${from.id}/merge-preview?into_id=${Number(into.value)}`);
      const target = into.selectedOptions[0].textContent;
      preview.replaceChildren(
        h('h3', { text: 'What the merge does' }),
        h('ul', { id: 'merge-moves' },
          h('li', { text: `Moves ${plural(p.moves.articles, 'article')} to ${target}` }),
          ...(p.moves.duplicates ? [h('li', { text: `${plural(p.moves.duplicates, 'article')} ${target} has already: kept once, with every annotation, region and review moved to it` })] : []),
          h('li', { text: `Credits ${plural(p.moves.regions, 'quoted region')} of ${from.name} to ${target}` }),
          h('li', { text: `Kept as aliases: ${p.aliases_kept.join(', ')}` }),
          h('li', { text: p.domains_moved.length ? `Domains moved: ${p.domains_moved.join(', ')}` : 'No domains to move' }),
          h('li', { text: `${from.name} is then removed` })));
      confirmBtn.disabled = false;
    } catch (err) {
      mergeError.textContent = err.message;
      mergeError.hidden = false;
    }
  });
  confirmBtn.addEventListener('click', async () => {
    confirmBtn.disabled = true;
    try {
      const r = await api.post(`/outlets/${from.id}/merge`, { into_id: Number(into.value) });
      merge.close();
      say(`Merged ${from.name} into ${r.outlet.name}: ${plural(r.moved.articles, 'article')} and ${plural(r.moved.regions, 'region')} moved.`);
      await load();
      focusRow(r.outlet.id, 'edit');
    } catch (err) {
      mergeError.textContent = err.message;
      mergeError.hidden = false;
      confirmBtn.disabled = false;
    }
  });
  for (const id of ['merge-cancel', 'merge-close']) document.getElementById(id).addEventListener('click', () => merge.close());

  return { shown: () => load().catch(fail) };
}
