// Small DOM helpers. User text (titles, article text, notes, outlet names) only ever reaches the
// page through textContent or attributes set with setAttribute, never parsed as HTML, so text that
// looks like markup stays text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function $(sel, root = document) { return root.querySelector(sel); }

// announce speaks a short message to screen readers through the page's polite live region.
export function announce(msg) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = msg; }, 30);
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(d);
}

// signOutButton wires the header's sign-out control.
export function wireHeader(user, api) {
  const who = document.getElementById('who');
  if (who && user) who.textContent = `${user.name || user.email} · ${user.role}`;
  // Each role's own pages, beside the ones the page's header already lists.
  const nav = document.querySelector('header nav[aria-label="Main"]');
  const links = {
    admin: [['/admin', 'Admin'], ['/scores', 'Scores'], ['/downloads', 'Downloads'], ['/adjudication', 'Adjudication']],
    researcher: [['/scores', 'Scores'], ['/downloads', 'Downloads']],
    curator: [['/adjudication', 'Adjudication']],
  }[user?.role] ?? [];
  if (nav) {
    for (const [href, text] of links) {
      if (nav.querySelector(`a[href="${href}"]`)) continue;
      nav.append(' ', h('a', { href, text }));
    }
  }
  const out = document.getElementById('sign-out');
  if (out) {
    out.hidden = !user;
    out.addEventListener('click', async () => {
      try { await api.post('/auth/logout'); } finally { location.assign('/login'); }
    });
  }
}

// HOME is each role's own page: where signing in lands and where a page that is not for the
// role points instead. Curators land on the queue until they have a page of their own.
export const HOME = {
  reviewer: ['/queue', 'your queue'],
  curator: ['/queue', 'the queue'],
  researcher: ['/scores', 'the scores'],
  admin: ['/admin', 'the admin console'],
};

export function homeOf(role) { return (HOME[role] ?? HOME.reviewer)[0]; }

const ROLE_NAME = { reviewer: 'a reviewer', curator: 'a curator', researcher: 'a researcher', admin: 'an admin' };
const ROLES_NAME = { reviewer: 'reviewers', curator: 'curators', researcher: 'researchers', admin: 'admins' };

/**
 * notForRole replaces the page's main content, for a user whose role may not use the page, with
 * a plain statement and a link to their own page, instead of a page whose every request answers
 * 403. It returns true when it did (the page should stop there).
 */
export function notForRole(user, roles, what) {
  if (!user || roles.includes(user.role)) return false;
  const [href, name] = HOME[user.role] ?? HOME.reviewer;
  const main = document.querySelector('main') ?? document.body;
  main.replaceChildren(h('section', { class: 'not-for-role', 'aria-labelledby': 'not-for-role-title' },
    h('h1', { id: 'not-for-role-title', text: `${what} are not for your role` }),
    h('p', { text: `You are signed in as ${ROLE_NAME[user.role] ?? user.role}; ${what.toLowerCase()} are for ${roles.map((r) => ROLES_NAME[r] ?? r).join(' and ')}.` }),
    h('p', {}, h('a', { href, class: 'button-like', text: `Go to ${name}` }))));
  document.title = `Not for your role · credence`;
  document.body.dataset.state = 'not-for-role';
  return true;
}
