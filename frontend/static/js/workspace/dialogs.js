// The workspace's dialogs: the source of a sourced fact, the outlet of a quote, the guidelines
// and keys (`?`, rendered from the key map), and "Passages here" with every annotation, region,
// suggestion and shared passage under a point, editable when they are the reviewer's.

import { api } from '../api.js';
import { h, announce } from '../dom.js';
import { LABELS, LABEL_BY_ID, labelName } from '../labels.js';
import { suggestionKey } from '../suggestions.js';
import { S, el, root, isMine, textOf, byTextOrder } from './state.js';
import { CHANGES, recordEdit, fieldsForUndo, updateUndoButtons } from './changes.js';
import { excerpt, quoted, toast } from './ui.js';
import { restoreSelection } from './selection.js';
import { regionCaption } from './decorate.js';
import { relationLine, regionButtons } from './panel.js';
import { decideSuggestion } from './suggestions-panel.js';
import { reprintBody } from './reprints-panel.js';
import { helpRows } from './keymap.js';

/** modal opens a dialog and gives focus (and the text selection) back when it closes. */
export function modal(dialog, focusEl) {
  const back = document.activeElement;
  const backSel = S.sel && back === root() ? { ...S.sel } : null;
  dialog.showModal();
  if (focusEl) focusEl.focus();
  dialog.addEventListener('close', () => {
    if (back && document.contains(back)) back.focus({ preventScroll: true });
    if (backSel) restoreSelection(backSel);
  }, { once: true });
}

export function openSourceDialog(exact, onSave) {
  const d = el('source-dialog');
  const f = el('source-form');
  f.reset();
  el('source-quote').textContent = quoted(exact, 200);
  el('source-error').hidden = true;
  const fail = (msg, field) => {
    el('source-error').textContent = msg;
    el('source-error').hidden = false;
    el(field).focus();
  };
  f.onsubmit = (ev) => {
    ev.preventDefault();
    const text = el('source-text').value.trim();
    const url = el('source-url').value.trim();
    if (!text) return fail('Name the source the text gives (a report, a person, an outlet).', 'source-text');
    if (url && !/^https?:\/\/\S+$/i.test(url)) return fail('The address should start with http:// or https://.', 'source-url');
    const note = el('source-note').value.trim();
    d.close();
    onSave({ source: url ? { text, url } : { text }, note });
  };
  el('source-cancel').onclick = () => d.close();
  modal(d, el('source-text'));
}

// outletCombo is the quote dialog's outlet search: a combobox over /outlets?q=, with the arrow
// keys, Enter and Escape; chosen() is the picked outlet or null. onChange(chosen, highlighted)
// hears of both the picked outlet and the highlighted option (which a save with the list open
// picks).
function outletCombo(input, listbox, onChange) {
  let chosen = null;
  let options = [];
  let active = -1;
  let seq = 0;
  const highlighted = () => (!listbox.hidden && active >= 0 ? options[active] ?? null : null);
  const setOpen = (open) => { listbox.hidden = !open; input.setAttribute('aria-expanded', String(open)); onChange(chosen, highlighted()); };
  const setActive = (i) => {
    active = i;
    onChange(chosen, highlighted());
    [...listbox.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', listbox.children[i].id);
      listbox.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (o) => {
    chosen = o;
    input.value = o.name;
    setOpen(false);
  };
  const search = async () => {
    const q = input.value.trim();
    const mySeq = ++seq;
    chosen = chosen && chosen.name === input.value ? chosen : null;
    onChange(chosen, highlighted());
    if (!q) { setOpen(false); return; }
    let items = [];
    try {
      items = (await api.get(`/outlets?q=${encodeURIComponent(q)}&limit=8`))?.items ?? [];
    } catch (e) {
      el('quote-error').textContent = `Outlets could not be searched: ${e.message}`;
      el('quote-error').hidden = false;
      return;
    }
    if (mySeq !== seq) return;
    options = items;
    listbox.replaceChildren(...items.map((o, k) => {
      const also = [...(o.aliases ?? []), ...(o.domains ?? [])].slice(0, 3).join(', ');
      return h('li', { role: 'option', id: `outlet-opt-${k}`, 'aria-selected': 'false', onmousedown: (ev) => { ev.preventDefault(); choose(o); } },
        h('span', { class: 'opt-name', text: o.name }), also ? h('span', { class: 'opt-also', text: also }) : null);
    }));
    if (items.length === 0) listbox.append(h('li', { class: 'opt-none', text: 'No outlet matches.' }));
    setOpen(true);
    setActive(items.length ? 0 : -1);
  };
  input.value = '';
  setOpen(false);
  let timer = null;
  input.oninput = () => { clearTimeout(timer); timer = setTimeout(search, 150); };
  // An Enter that picks an option only picks; the next Enter saves. A keyboard's keydown
  // preventDefault suppresses the keypress that would submit the form, but a keypress can
  // still follow (the DevTools protocol sends one as its own char event, and so may input
  // tools), so the keypress of the Enter that picked is swallowed too.
  let picked = false;
  input.onkeydown = (ev) => {
    picked = false;
    if (ev.key === 'ArrowDown' && options.length) { ev.preventDefault(); setActive(Math.min(options.length - 1, active + 1)); }
    else if (ev.key === 'ArrowUp' && options.length) { ev.preventDefault(); setActive(Math.max(0, active - 1)); }
    else if (ev.key === 'Enter' && !listbox.hidden && active >= 0) { ev.preventDefault(); picked = true; choose(options[active]); }
    else if (ev.key === 'Escape' && !listbox.hidden) { ev.preventDefault(); ev.stopPropagation(); setOpen(false); }
  };
  input.onkeypress = (ev) => {
    if (ev.key === 'Enter' && picked) ev.preventDefault();
    picked = false;
  };
  return {
    chosen: () => chosen,
    // The highlighted option counts as chosen when the form is submitted with the list open.
    settle: () => { if (!listbox.hidden && active >= 0 && !chosen) choose(options[active]); return chosen; },
  };
}

export function openQuoteDialog(exact, onSave) {
  const d = el('quote-dialog');
  const input = el('outlet-input');
  el('quote-quote').textContent = quoted(exact, 200);
  el('quote-error').hidden = true;
  // Says what a save credits now: the picked outlet, else the highlighted option, else no one.
  const chosenText = (chosen, highlighted) => {
    el('outlet-chosen').textContent = chosen ? `Credited to ${chosen.name}.`
      : highlighted ? `Credited to ${highlighted.name} (highlighted) when you save.`
        : 'No outlet chosen: the quote will be credited to an unknown outlet.';
  };
  chosenText(null, null);
  const combo = outletCombo(input, el('outlet-options'), chosenText);
  // One save an opening: a second submit before the dialog is gone (a double Enter, a double
  // click on Save) would store the quote twice.
  let saved = false;
  el('quote-form').onsubmit = (ev) => {
    ev.preventDefault();
    if (saved || !d.open) return;
    saved = true;
    const chosen = combo.settle();
    d.close();
    onSave(chosen);
  };
  el('quote-cancel').onclick = () => d.close();
  modal(d, input);
}

function showParts(parts) {
  return parts.map((p) => (typeof p === 'string' ? p : h('kbd', { text: p.kbd })));
}

/** buildHelp fills the guidelines dialog: each label's guideline, then the key map. */
export function buildHelp() {
  el('help-body').replaceChildren(...LABELS.map((l) => h('section', { class: `guide guide-${l.id}` },
    h('h3', {}, h('span', { class: `badge badge-${l.id}`, 'data-mark': l.mark, text: l.name }), ' ', h('kbd', { text: l.key })),
    h('p', { text: l.definition }),
    h('ul', { class: 'examples' }, ...l.examples.map((x) => h('li', { text: x }))),
    h('p', { class: 'muted small', text: l.notes }))));
  el('key-help').replaceChildren(...helpRows().flatMap((r) => [h('dt', {}, ...showParts(r.keys)), h('dd', {}, ...showParts(r.help))]));
  el('help-close').onclick = () => el('help-dialog').close();
}

export function openHelp() { modal(el('help-dialog'), el('help-close')); }

function suggestionDetail(s, d) {
  const decide = (accept) => { d.close(); decideSuggestion(accept, S.sug.byKey.get(suggestionKey(s))); };
  return h('section', { class: 'detail sug-detail', dataset: { suggestionKey: suggestionKey(s) } },
    h('h3', {}, h('span', { class: `sug-badge sug-badge-${s.label}`, 'data-mark': `${LABEL_BY_ID[s.label]?.mark ?? '?'}?`, text: `Suggested: ${labelName(s.label)}` })),
    h('p', { class: 'quote-preview', text: quoted(s.exact, 300) }),
    h('p', { class: 'muted small', text: `Why: ${s.reason || 'no reason given'}` }),
    S.canWrite ? h('div', { class: 'row' },
      h('button', { type: 'button', class: 'primary sug-accept', text: `Accept as ${labelName(s.label)}`, onclick: () => decide(true) }),
      h('button', { type: 'button', class: 'sug-reject', text: 'Reject', onclick: () => decide(false) })) : null);
}

function regionDetail(r) {
  return h('section', { class: `detail region-detail region-${r.kind}` },
    h('h3', { text: regionCaption(r) }),
    h('p', { class: 'quote-preview', text: quoted(textOf(r), 200) }),
    relationLine(r),
    r.reason ? h('p', { class: 'muted small', text: `Detected: ${r.reason}` }) : null,
    h('p', { class: 'muted small', text: `Status: ${r.status}` }),
    regionButtons(r));
}

/** openDetails shows every annotation, region, suggestion and shared passage under a point. */
export function openDetails(annIds, regIds, sugKeys = [], repIdx = []) {
  const d = el('details-dialog');
  const body = el('details-body');
  const sessions = new Map(); // localId → {before, timer}
  const items = annIds.map((id) => S.ann.get(id)).filter(Boolean).sort(byTextOrder);
  const regs = regIds.map((id) => S.reg.get(id)).filter(Boolean);
  const sugs = S.sug.on ? [...new Set(sugKeys)].map((k) => S.sug.byKey.get(k)).filter(Boolean) : [];
  const reps = [...new Set(repIdx)].map((i) => S.reprints[i]).filter(Boolean);
  el('details-title').textContent = items.length + regs.length + sugs.length + reps.length > 1 ? 'Passages here' : 'Passage';
  const sections = [];
  for (const r of items) sections.push(isMine(r) && S.canWrite ? editableAnnotation(r, sessions, d) : readonlyAnnotation(r));
  for (const s of sugs) sections.push(suggestionDetail(s, d));
  for (const r of regs) sections.push(regionDetail(r));
  for (const g of reps) sections.push(h('section', { class: 'detail rep-detail' }, h('h3', { text: 'Also published in…' }), ...reprintBody(g, { showButton: false })));
  body.replaceChildren(...sections);
  el('details-close').onclick = () => d.close();
  // A note or source typed without a pause is saved after one (400 ms); leaving the page
  // meanwhile (reload, closing the tab) saves it at once into the outbox, which survives that.
  const onHide = () => { for (const s of sessions.values()) { clearTimeout(s.timer); s.flush?.(); } };
  window.addEventListener('pagehide', onHide);
  d.addEventListener('close', () => {
    window.removeEventListener('pagehide', onHide);
    for (const [id, s] of sessions) {
      clearTimeout(s.timer);
      s.flush?.();
      const now = S.ann.get(id);
      if (now) recordEdit(id, s.before, fieldsForUndo(now));
    }
    updateUndoButtons();
  }, { once: true });
  // The first control, but in a label choice its checked radio: the arrow keys then move on
  // from the annotation's own label (focus on the first radio made them start from Sourced fact).
  const first = body.querySelector('input, textarea, button');
  const checked = first?.type === 'radio' ? body.querySelector(`input[name="${first.name}"]:checked`) : null;
  modal(d, checked ?? first ?? el('details-close'));
}

function readonlyAnnotation(r) {
  return h('section', { class: `detail label-${r.label}` },
    h('h3', {}, h('span', { class: `badge badge-${r.label}`, 'data-mark': LABEL_BY_ID[r.label]?.mark, text: labelName(r.label) }),
      r.user_name && !isMine(r) ? h('span', { class: 'muted', text: ` by ${r.user_name}` }) : null),
    h('p', { class: 'quote-preview', text: quoted(textOf(r), 300) }),
    r.source?.text ? h('p', { text: `Source: ${r.source.text}` }) : null,
    r.source?.url ? h('p', {}, h('a', { href: /^https?:\/\//i.test(r.source.url) ? r.source.url : '#', rel: 'noopener noreferrer', target: '_blank', text: r.source.url })) : null,
    r.note ? h('p', { class: 'note', text: `Note: ${r.note}` }) : null);
}

// editableAnnotation is the reviewer's own annotation in the details dialog: label, source and
// note save as they change (text after a pause); the whole visit is one undo step (recordEdit).
function editableAnnotation(r, sessions, dialog) {
  const id = r.localId;
  const uid = id.replace(/[^a-zA-Z0-9_-]/g, '');
  const session = () => {
    if (!sessions.has(id)) sessions.set(id, { before: fieldsForUndo(S.ann.get(id)), timer: null });
    return sessions.get(id);
  };
  const sourceBox = h('div', { class: 'source-fields' });
  const srcText = h('input', { id: `src-${uid}`, value: r.source?.text ?? '', autocomplete: 'off' });
  const srcUrl = h('input', { id: `url-${uid}`, type: 'url', value: r.source?.url ?? '', autocomplete: 'off', placeholder: 'https://' });
  sourceBox.append(
    h('div', { class: 'field' }, h('label', { for: `src-${uid}`, text: 'Source named in the text' }), srcText),
    h('div', { class: 'field' }, h('label', { for: `url-${uid}`, text: 'Address of the source (optional)' }), srcUrl));
  sourceBox.hidden = r.label !== 'sourced_fact';
  // A sourced fact names its source (as tagging one asks first): chosen here without one, the
  // label waits for the source and goes with it; closed without one, nothing changes.
  let pendingLabel = null;
  const needSource = h('p', { class: 'muted small', text: 'Name the source the text gives to make this a sourced fact.' });
  needSource.hidden = true;
  sourceBox.append(needSource);
  const note = h('textarea', { id: `note-${uid}`, rows: '2' });
  note.value = r.note ?? '';
  const saveText = () => {
    const s = session();
    clearTimeout(s.timer);
    s.timer = null;
    s.flush = null;
    const cur = S.ann.get(id);
    if (!cur) return;
    const changes = {};
    if ((cur.note ?? '') !== note.value) changes.note = note.value;
    const t = srcText.value.trim();
    if (pendingLabel && t) {
      changes.label = pendingLabel;
      pendingLabel = null;
      needSource.hidden = true;
    }
    const u = srcUrl.value.trim();
    const src = t ? (u ? { text: t, url: u } : { text: t }) : null;
    if (JSON.stringify(cur.source && cur.source.text ? cur.source : null) !== JSON.stringify(src) && (src || cur.source)) changes.source = src;
    if (Object.keys(changes).length) CHANGES.annotation.update(id, changes, { record: false });
  };
  const later = () => {
    const s = session();
    clearTimeout(s.timer);
    s.flush = saveText;
    s.timer = setTimeout(saveText, 400);
  };
  note.addEventListener('input', later);
  srcText.addEventListener('input', later);
  srcUrl.addEventListener('input', later);

  const radios = h('fieldset', { class: 'label-choice' }, h('legend', { text: 'Label' }),
    ...LABELS.map((l) => {
      const input = h('input', { type: 'radio', name: `label-${uid}`, value: l.id, id: `lab-${uid}-${l.id}` });
      input.checked = l.id === r.label;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        session();
        sourceBox.hidden = l.id !== 'sourced_fact';
        if (l.id === 'sourced_fact' && !srcText.value.trim()) {
          pendingLabel = l.id;
          needSource.hidden = false;
          srcText.focus();
          announce('Name the source to make this a sourced fact');
          return;
        }
        pendingLabel = null;
        needSource.hidden = true;
        CHANGES.annotation.update(id, { label: l.id }, { record: false });
        announce(`Label changed to ${l.name}`);
      });
      return h('label', { for: `lab-${uid}-${l.id}`, class: `radio label-${l.id}` }, input, h('span', { class: `badge badge-${l.id}`, 'data-mark': l.mark, text: l.name }));
    }));

  dialog.addEventListener('close', () => {
    const s = sessions.get(id);
    if (s?.flush) { clearTimeout(s.timer); s.flush(); } // a source typed just before closing
    if (pendingLabel && S.ann.get(id)) toast(`Still ${labelName(S.ann.get(id).label)}: a sourced fact needs the source the text gives.`);
  }, { once: true });
  const del = h('button', { type: 'button', class: 'danger', text: 'Delete annotation' });
  const section = h('section', { class: `detail label-${r.label}`, dataset: { localId: id, forAnnotation: String(r.id ?? id) } },
    h('p', { class: 'quote-preview', text: quoted(textOf(r), 300) }),
    r.status === 'orphaned' ? h('p', { class: 'warn', text: 'This passage could not be found again after the text was edited.' }) : null,
    radios, sourceBox,
    h('div', { class: 'field' }, h('label', { for: `note-${uid}`, text: 'Note' }), note),
    h('div', { class: 'row end' }, del));
  del.addEventListener('click', () => {
    const s = sessions.get(id);
    if (s) {
      clearTimeout(s.timer);
      s.flush?.();
      const now = S.ann.get(id);
      if (now) recordEdit(id, s.before, fieldsForUndo(now));
      sessions.delete(id);
    }
    CHANGES.annotation.remove(id);
    announce('Annotation deleted. Ctrl+Z undoes it.');
    section.remove();
    if (!el('details-body').querySelector('section')) dialog.close();
    else el('details-body').querySelector('input:checked, input, button')?.focus();
  });
  return section;
}
