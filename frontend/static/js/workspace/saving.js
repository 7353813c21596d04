// Sending the outbox's changes to the service, and what the page does when each one settles.

import { api, allPages, refreshCsrf } from '../api.js';
import { S, redraw, settled, rejectionSettled, reviewStatus, setReview } from './state.js';
import { DESCRIBE } from './changes.js';
import { toast } from './ui.js';
import { scheduleRefresh, showReview } from './review.js';

function articlePath(op) { return `/articles/${encodeURIComponent(op.articleId)}`; }

// acceptSuggestion sends an accepted suggestion: the accept route creates the annotation and
// counts the rule's acceptance. The route does not take Idempotency-Key, so a retry first looks
// for the annotation an earlier attempt may have created (answer lost on the way back). Changes
// made to the passage while the acceptance was queued follow as an edit.
async function acceptSuggestion(op, box) {
  const sg = op.suggestion;
  const id = encodeURIComponent(op.articleId);
  let created = null;
  if (op.attempts > 0 || op.tried) {
    // An annotation of the suggestion's label and span that no other change of ours created.
    const mine = await allPages(`/articles/${id}/annotations?user_id=${encodeURIComponent(S.user.id)}`);
    created = mine.find((a) => a.label === sg.label && a.start === sg.start && a.end === sg.end && box.localIdFor(a.id) === String(a.id)) ?? null;
  }
  if (!created) {
    const body = { label: sg.label, start: sg.start, end: sg.end, rule: sg.rule };
    if (typeof sg.model === 'string' && sg.model) body.model = sg.model; // recorded as the annotation's suggestion_model
    if (op.body.note) body.note = op.body.note;
    op.tried = true; // persisted: a replay after a reload checks first as well
    box.persist();
    created = await api.post(`/articles/${id}/suggestions/accept`, body, { headers: { 'Idempotency-Key': op.opId } });
  }
  const extra = {};
  if (op.body.label && op.body.label !== created.label) extra.label = op.body.label;
  if (op.body.source && op.body.source.text) extra.source = op.body.source;
  if (op.body.note && op.body.note !== (created.note ?? '')) extra.note = op.body.note;
  if (!Object.keys(extra).length) return created;
  return api.patch(`/annotations/${encodeURIComponent(created.id)}`, { ...extra, version: created.version });
}

async function sendUpdate(op, base, sid, known) {
  const body = { ...op.body };
  // The service clears a source given as empty strings (null means "leave it").
  if (op.entity === 'annotation' && 'source' in body && !body.source) body.source = { text: '', url: '' };
  // Sent against the version last read; an unknown one (a change adopted from a closed tab)
  // is learnt from the 409 answer.
  if (known?.version !== undefined) body.version = known.version;
  else if (op.entity === 'annotation') body.version = 0;
  try {
    return await api.patch(base + encodeURIComponent(sid), body);
  } catch (e) {
    // Our own other tab changed it first: the latest edit wins, sent against the current version.
    const current = e.body?.current;
    if (e.disposition === 'conflict' && current?.version !== undefined) {
      return api.patch(base + encodeURIComponent(sid), { ...body, version: current.version });
    }
    throw e;
  }
}

async function attempt(op, box) {
  if (op.entity === 'suggestion') {
    if (op.kind !== 'reject') throw Object.assign(new Error(`unknown change ${op.kind}`), { disposition: 'reject' });
    return api.post(`${articlePath(op)}/suggestions/reject`, op.body);
  }
  if (op.kind === 'create' && op.entity === 'annotation' && op.suggestion) return acceptSuggestion(op, box);
  const sid = op.kind === 'create' ? null : box.serverId(op.target);
  if (op.kind !== 'create' && (sid === undefined || sid === null)) {
    throw Object.assign(new Error('its creation was never saved'), { disposition: 'reject' });
  }
  const base = op.entity === 'annotation' ? '/annotations/' : '/regions/';
  const known = (op.entity === 'annotation' ? S.annServer : S.regServer).get(op.target);
  switch (op.kind) {
    case 'create':
      return api.post(`${articlePath(op)}/${op.entity === 'annotation' ? 'annotations' : 'regions'}`, op.body, { headers: { 'Idempotency-Key': op.opId } });
    case 'update':
      return sendUpdate(op, base, sid, known);
    case 'delete':
      return api.del(base + encodeURIComponent(sid)).catch((e) => {
        if (e.status === 404) return null; // already gone
        throw e;
      });
    default:
      throw Object.assign(new Error(`unknown change ${op.kind}`), { disposition: 'reject' });
  }
}

/** send is the outbox's sender: one change to the service, once more after a CSRF refresh. */
export async function send(op, box) {
  try {
    return await attempt(op, box);
  } catch (e) {
    if (e.disposition === 'csrf') {
      await refreshCsrf();
      return attempt(op, box);
    }
    throw e;
  }
}

/** onSettled is the outbox's report that a change was saved (result) or given up on (err). */
export function onSettled(op, result, err) {
  settled(op, result, err);
  if (op.entity === 'suggestion') {
    if (err) {
      rejectionSettled(String(op.target).replace(/^sug:/, ''));
      toast(`A rejected suggestion could not be recorded: ${err.message}`);
    }
    redraw();
    return;
  }
  if (err) {
    toast(`A ${DESCRIBE[op.kind]} could not be saved: ${err.message}`);
    S.history.drop(op.target);
    scheduleRefresh(100);
  } else if (String(op.articleId) === String(S.articleId)) {
    S.channel?.notify({ entity: op.entity });
    // The service counts the review as started with its first saved change; say so at once
    // rather than "Not started" beside the reviewer's annotations until the next refresh.
    if (reviewStatus() === 'todo' && S.article.review) {
      setReview({ ...S.article.review, status: 'in_progress' });
      showReview();
    }
  }
  redraw();
}
