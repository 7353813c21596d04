// Imports: files (NDJSON, JSON arrays, plain text, HTML) or pasted text, previewed line by line
// before anything is stored, then imported with the upload and the processing shown as they go.

import { api, allPages } from '../api.js';
import { h, announce } from '../dom.js';
import { replaceRows, plural, markLoaded } from './admin-common.js';

const RESULT = { created: 'New', updated: 'Revision', duplicate: 'Duplicate', error: 'Error' };

// upload posts one body with XMLHttpRequest, which reports the upload's progress, and reads the
// service's streamed progress lines as they arrive.
function upload(path, body, contentType, csrf, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1' + path);
    xhr.setRequestHeader('Accept', 'application/x-ndjson');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Content-Type', contentType || 'application/octet-stream');
    let seen = 0;
    let result = null;
    let failure = null;
    const readLines = () => {
      const text = xhr.responseText;
      let nl;
      while ((nl = text.indexOf('\n', seen)) >= 0) {
        const line = text.slice(seen, nl);
        seen = nl + 1;
        if (!line.trim()) continue;
        let msg;
        try { msg = JSON.parse(line); } catch { continue; }
        if (msg.progress) onProgress('process', msg.progress.bytes, msg.progress.total, msg.progress.items);
        if (msg.result) result = msg.result;
        if (msg.error) failure = msg.error;
      }
    };
    xhr.upload.addEventListener('progress', (e) => onProgress('upload', e.loaded, e.lengthComputable ? e.total : -1, 0));
    xhr.addEventListener('progress', readLines);
    xhr.addEventListener('load', () => {
      if (xhr.status !== 200) {
        let e = null;
        try { e = JSON.parse(xhr.responseText).error; } catch { e = null; }
        reject(Object.assign(new Error(e?.message ?? `The service answered ${xhr.status}.`), { code: e?.code, status: xhr.status }));
        return;
      }
      readLines();
      if (failure) reject(Object.assign(new Error(failure.message), { code: failure.code }));
      else if (result) resolve(result);
      else reject(new Error('The import ended without a result.'));
    });
    xhr.addEventListener('error', () => reject(new Error('The service cannot be reached.')));
    xhr.send(body);
  });
}

// details says why a line failed or what it duplicates.
function details(it) {
  if (it.message) return it.message;
  if (it.existing_id) return `same as article ${it.existing_id}`;
  if (it.duplicate_of_line) return `same as line ${it.duplicate_of_line} of this import`;
  return '';
}

// csvCell quotes a value for CSV and, as every CSV of the service does, neutralises a cell a
// spreadsheet would run as a formula (a leading = + - @ tab or carriage return gets a ').
export function csvCell(v) {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export async function initImports(panel) {
  const files = document.getElementById('import-files');
  const format = document.getElementById('import-format');
  const outlet = document.getElementById('import-outlet');
  const url = document.getElementById('import-url');
  const fileTitle = document.getElementById('import-title');
  const pasteBox = document.getElementById('paste-box');
  const pasteTitle = document.getElementById('paste-title');
  const pasteText = document.getElementById('paste-text');
  const urlsBox = document.getElementById('urls-box');
  const urlsText = document.getElementById('import-urls');
  const previewBtn = document.getElementById('import-preview');
  const commitBtn = document.getElementById('import-commit');
  const status = document.getElementById('import-status');
  const table = document.getElementById('import-table');
  const rows = document.getElementById('import-rows');
  const box = document.getElementById('import-progress-box');
  const bar = document.getElementById('import-progress');
  const barLabel = document.getElementById('import-progress-label');

  let names = [];
  const say = (msg, error = false) => {
    status.textContent = msg;
    status.className = error ? 'error' : '';
    announce(msg);
  };

  // sources are what the form holds: the chosen files, or the pasted text.
  function sources() {
    const pasted = urlsBox.open && urlsText.value.trim();
    if (pasted) return [{ name: 'urls', urls: urlsText.value.split('\n').map((l) => l.trim()).filter(Boolean) }];
    return fileSources();
  }

  function fileSources() {
    const pasted = pasteBox.open && pasteText.value.trim();
    if (pasted) return [{ name: 'pasted text', body: pasteText.value, type: 'text/plain; charset=utf-8', format: 'text', title: pasteTitle.value.trim() }];
    // A title typed for the files is for a single text or HTML article (one file).
    const title = files.files.length === 1 ? fileTitle.value.trim() : '';
    return [...files.files].map((f) => ({ name: f.name, body: f, type: f.type, format: format.value, title }));
  }

  function query(src, extra) {
    const q = new URLSearchParams(extra);
    if (src.format) q.set('format', src.format);
    if (src.name !== 'pasted text') q.set('filename', src.name);
    if (outlet.value.trim()) q.set('outlet', outlet.value.trim());
    if (url.value.trim()) q.set('url', url.value.trim());
    if (src.title) q.set('title', src.title);
    return q.toString();
  }

  async function run(preview) {
    const list = sources();
    if (!list.length) { say('Choose a file, paste a text or give article URLs first.', true); return; }
    previewBtn.disabled = true;
    commitBtn.disabled = true;
    const me = await api.get('/me');
    const out = [];
    const total = { created: 0, updated: 0, skipped_duplicates: 0, errors: 0, truncated: false };
    try {
      for (const src of list) {
        if (src.urls) {
          barLabel.textContent = `Fetching ${plural(src.urls.length, 'page')}…`;
          box.hidden = false;
          bar.removeAttribute('value');
          const got = await fetchURLs(src.urls, preview);
          for (const k of ['created', 'updated', 'skipped_duplicates', 'errors']) total[k] += got.total[k];
          out.push(...got.rows);
          continue;
        }
        box.hidden = false;
        bar.value = 0;
        let rep;
        try {
          rep = await upload(`/articles/import${preview ? '/preview' : ''}?${query(src)}`, src.body, src.type, me.csrf_token, (phase, done, all, items) => {
            if (phase === 'upload') {
              barLabel.textContent = `Uploading ${src.name}…`;
              bar.max = all > 0 ? all : 1;
              bar.value = all > 0 ? done : 0;
            } else {
              barLabel.textContent = `${preview ? 'Checking' : 'Importing'} ${src.name}: ${plural(items, 'article')} so far`;
              bar.max = all > 0 ? all : 1;
              bar.value = all > 0 ? done : 0;
            }
          });
        } catch (err) {
          // A file the service refuses whole (one with no article in it: 422 invalid) is that
          // file's error row, and the other files still go; anything else stops the run.
          if (err.code !== 'invalid') throw err;
          total.errors += 1;
          out.push({ file: src.name, line: '', status: 'error', message: err.message });
          continue;
        }
        total.created += rep.created;
        total.updated += rep.updated ?? 0;
        total.skipped_duplicates += rep.skipped_duplicates;
        total.errors += rep.error_count ?? rep.errors.length;
        total.truncated ||= rep.truncated;
        // After the import the report lists what needs a look: the failed lines and the
        // skipped duplicates, in line order.
        const items = preview ? rep.items : [...rep.errors.map((e) => ({ ...e, status: 'error' })),
          ...(rep.duplicates ?? []).map((d) => ({ ...d, status: 'duplicate' }))].sort((a, b) => a.line - b.line);
        for (const it of items) out.push({ file: src.name, ...it });
      }
      render(out);
      const summary = `${plural(total.created, 'new article')}, ${plural(total.skipped_duplicates, 'duplicate')} skipped, ${plural(total.errors, 'line')} with errors`
        + (total.updated ? `, ${plural(total.updated, 'new revision')} of stored articles (edited texts)` : '')
        + (total.truncated ? ` (the table lists the first ${out.length})` : '');
      if (preview) {
        say(`Preview: ${summary}. Nothing is stored yet.`);
        // A preview of nothing but new revisions (edited texts of stored URLs) is an import too.
        commitBtn.disabled = total.created + total.updated === 0;
      } else {
        say(`Imported: ${summary}.`);
      }
    } catch (err) {
      say(err.message, true);
    } finally {
      box.hidden = true;
      previewBtn.disabled = false;
    }
  }

  // fetchURLs has the service fetch and import article pages by URL; each URL is one row: its
  // import's result, or why its page was not read.
  async function fetchURLs(urls, preview) {
    const body = { urls, preview };
    const o = outlet.value.trim();
    if (o) {
      // The field takes what a file's outlet does: an id, a name, an alias or a domain.
      const key = o.toLowerCase();
      const found = names.find((n) => String(n.id) === o || n.name.toLowerCase() === key
        || (n.aliases ?? []).some((a) => a.toLowerCase() === key) || (n.domains ?? []).some((d) => d.toLowerCase() === key));
      if (!found) throw new Error(`No outlet has the id, name, alias or domain “${o}”.`);
      body.outlet_id = found.id;
    }
    const ans = await api.post('/articles/import/urls', body);
    const total = { created: 0, updated: 0, skipped_duplicates: 0, errors: 0 };
    const rows = ans.items.map((it, i) => {
      if (it.error) {
        total.errors += 1;
        return { file: it.url, line: i + 1, status: 'error', url: it.url, message: `${it.error.code}: ${it.error.message}` };
      }
      const r = it.report;
      total.created += r.created;
      total.updated += r.updated ?? 0;
      total.skipped_duplicates += r.skipped_duplicates;
      total.errors += r.errors.length;
      const item = r.items?.[0] ?? {};
      const status = r.errors.length ? 'error' : r.skipped_duplicates ? 'duplicate' : r.updated ? 'updated' : 'created';
      return { ...(r.duplicates?.[0] ?? {}), ...(r.errors[0] ?? {}), ...item, file: it.url, line: i + 1, status, url: it.url };
    });
    return { total, rows };
  }

  function render(items) {
    table.hidden = items.length === 0;
    offerCSV(items);
    replaceRows(rows, items.map((it) => h('tr', { class: `result-${it.status}`, dataset: { status: it.status, line: it.line } },
      h('td', { text: it.file }),
      h('td', { class: 'num', text: it.line }),
      h('td', {}, h('span', { class: `tag tag-${it.status}`, text: RESULT[it.status] ?? it.status })),
      h('td', { text: it.title ?? '' }),
      h('td', { text: it.outlet ?? '' }),
      h('td', { text: details(it) }))));
  }

  // offerCSV links the report's rows as a CSV file, made in the browser from what the table shows.
  let csvURL = '';
  function offerCSV(items) {
    const link = document.getElementById('import-csv');
    if (csvURL) URL.revokeObjectURL(csvURL);
    csvURL = '';
    link.hidden = items.length === 0;
    if (!items.length) return;
    const head = ['file', 'line', 'result', 'title', 'outlet', 'url', 'existing_id', 'details'];
    const lines = [head, ...items.map((it) => [it.file, it.line, it.status, it.title ?? '', it.outlet ?? '', it.url ?? '', it.existing_id ?? '', details(it)])];
    csvURL = URL.createObjectURL(new Blob([lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }));
    link.href = csvURL;
    link.download = `import-report-${new Date().toISOString().slice(0, 10)}.csv`;
  }

  previewBtn.addEventListener('click', () => run(true));
  commitBtn.addEventListener('click', () => run(false));
  // Any change to what would be imported needs a new preview.
  for (const el of [files, format, outlet, url, fileTitle, pasteTitle, pasteText, urlsText]) {
    el.addEventListener('input', () => { commitBtn.disabled = true; });
  }

  // The outlets are read again each time the section is shown, so one created, renamed or
  // merged in the outlets section is offered (and resolved) here without a reload.
  async function loadOutlets() {
    names = await allPages('/outlets');
    document.getElementById('outlet-names').replaceChildren(...names.map((o) => h('option', { value: o.name })));
    markLoaded(panel);
  }
  return { shown: loadOutlets };
}
