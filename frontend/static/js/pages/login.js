// The sign-in page: posts the form to /api/v1/auth/login and goes back where the visitor came from.

import { api, ApiError } from '../api.js';
import { homeOf } from '../dom.js';
import { safeNext } from '../safenext.js';

const form = document.getElementById('login-form');
const err = document.getElementById('login-error');
const submit = document.getElementById('login-submit');

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  err.hidden = true;
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    err.textContent = 'Enter your email and password.';
    err.hidden = false;
    (email ? form.password : form.email).focus();
    return;
  }
  submit.disabled = true;
  try {
    const res = await api.post('/auth/login', { email, password });
    // Without a next of this site, each role lands on its own page (reviewers the queue,
    // researchers the scores, admins the admin console).
    location.assign(safeNext(new URLSearchParams(location.search).get('next'), homeOf(res?.user?.role)));
  } catch (e) {
    err.textContent = e instanceof ApiError && e.status === 401
      ? 'That email and password do not match an account.'
      : e.message;
    err.hidden = false;
    form.password.select();
    form.password.focus();
  } finally {
    submit.disabled = false;
  }
});
