// Users: create accounts, change roles, disable (sessions and tokens stop at once) and reset
// passwords.

import { api, allPages } from '../api.js';
import { h, announce } from '../dom.js';
import { replaceRows, markLoaded, clearFieldErrors, fieldError } from './admin-common.js';

const ROLES = ['reviewer', 'researcher', 'curator', 'admin'];

export async function initUsers(panel) {
  const rows = document.getElementById('user-rows');
  const status = document.getElementById('user-form-status');
  const say = (msg, error = false) => {
    status.textContent = msg;
    status.className = error ? 'error' : 'muted';
    announce(msg);
  };

  async function load() {
    const users = await allPages('/users');
    replaceRows(rows, users.map(row));
    markLoaded(panel);
  }

  async function change(u, patch, done) {
    try {
      const after = await api.patch(`/users/${u.id}`, patch);
      say(done(after));
      await load();
    } catch (err) {
      say(`${u.email}: ${err.message}`, true);
      await load();
    }
  }

  function row(u) {
    const role = h('select', { 'aria-label': `Role of ${u.email}`, 'data-action': 'role' },
      ...ROLES.map((r) => h('option', { value: r, text: r, selected: r === u.role })));
    role.addEventListener('change', () => change(u, { role: role.value }, (a) => `${a.email} is now ${a.role}.`));
    const pw = h('input', { type: 'password', minlength: 8, autocomplete: 'new-password', 'aria-label': `New password for ${u.email}` });
    const reset = h('form', { class: 'reset', hidden: true },
      pw, h('button', { type: 'submit', class: 'small-btn primary' }, 'Set password'));
    reset.addEventListener('submit', (ev) => {
      ev.preventDefault();
      change(u, { password: pw.value }, (a) => `${a.email}'s password was reset; their sessions ended.`);
    });
    return h('tr', { dataset: { userId: u.id }, class: u.disabled ? 'disabled' : '' },
      h('th', { scope: 'row', text: u.name }),
      h('td', { text: u.email }),
      h('td', {}, role),
      h('td', { text: u.disabled ? 'Disabled' : 'Active' }),
      h('td', { class: 'actions' },
        h('button', {
          type: 'button', class: 'small-btn', 'data-action': 'toggle',
          onclick: () => change(u, { disabled: !u.disabled }, (a) => `${a.email} is ${a.disabled ? 'disabled: signed out everywhere' : 'enabled'}.`),
        }, u.disabled ? 'Enable' : 'Disable'),
        h('button', { type: 'button', class: 'small-btn', 'data-action': 'reset', onclick: () => { reset.hidden = !reset.hidden; if (!reset.hidden) pw.focus(); } }, 'Reset password'),
        reset));
  }

  document.getElementById('user-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (id) => document.getElementById(id).value;
    clearFieldErrors(ev.target);
    say('');
    try {
      const u = await api.post('/users', { email: v('user-email').trim(), name: v('user-name').trim(), role: v('user-role'), password: v('user-password') });
      ev.target.reset();
      say(`Created ${u.role} ${u.email}.`);
      await load();
    } catch (err) {
      if (!fieldError(ev.target, 'user-', err)) say(err.message, true);
    }
  });

  return { shown: load };
}
