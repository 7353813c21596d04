// A thin client for the credence HTTP API (see shared/API.md): JSON in and out, the CSRF header
// on every change, and the error envelope turned into an ApiError with the service's code.

import { classifyFailure } from './outbox.js';

export class ApiError extends Error {
  constructor(status, body) {
    const e = body?.error ?? {};
    super(e.message || (status === 0 ? 'The service cannot be reached.' : `The service answered ${status}.`));
    this.status = status;
    this.code = e.code ?? (status === 0 ? 'network' : 'http_' + status);
    this.field = e.field;
    this.body = body;
    this.disposition = classifyFailure(status, this.code);
  }
}

let csrfToken = '';

export function setCsrfToken(t) { csrfToken = t ?? ''; }

export async function request(method, path, body, { headers = {} } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (method !== 'GET' && method !== 'HEAD') init.headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, init);
  } catch {
    throw new ApiError(0, null);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  get: (p) => request('GET', p),
  post: (p, b, o) => request('POST', p, b ?? {}, o),
  patch: (p, b) => request('PATCH', p, b),
  del: (p) => request('DELETE', p),
};

// me returns the signed-in user and remembers the CSRF token; with redirect it sends a visitor
// who is not signed in to the sign-in page and comes back here afterwards.
export async function me({ redirect = true } = {}) {
  try {
    const m = await api.get('/me');
    setCsrfToken(m.csrf_token);
    const user = m.user ?? { id: m.id, email: m.email, name: m.name, role: m.role };
    return { ...user, id: user.id ?? m.id, role: user.role ?? m.role, name: user.name ?? m.name };
  } catch (err) {
    if (redirect && err.status === 401) {
      location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
      return new Promise(() => {});
    }
    throw err;
  }
}

// refreshCsrf fetches a new CSRF token after the service refused a stale one.
export async function refreshCsrf() {
  const m = await api.get('/me');
  setCsrfToken(m.csrf_token);
}

// allPages follows next_cursor to the end of a paginated list.
export async function allPages(path, limit = 1000) {
  const items = [];
  let cursor = '';
  const sep = path.includes('?') ? '&' : '?';
  for (let guard = 0; guard < 1000; guard++) {
    const page = await api.get(`${path}${sep}limit=${limit}${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items.push(...(page?.items ?? []));
    if (!page?.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}
