// The admin console: one page with a tab per section (outlets, users, imports, assignments,
// audit trail, suggestion models). Each section loads its data the first time it is shown and
// again on return.

import { api, me } from '../api.js';
import { wireHeader, notForRole } from '../dom.js';
import { showError } from './admin-common.js';
import { initOutlets } from './admin-outlets.js';
import { initUsers } from './admin-users.js';
import { initImports } from './admin-imports.js';
import { initAssignments } from './admin-assignments.js';
import { initAudit } from './admin-audit.js';
import { initModels } from './admin-models.js';

const SECTIONS = { outlets: initOutlets, users: initUsers, imports: initImports, assignments: initAssignments, audit: initAudit, models: initModels };
const started = {};

function tabFromPath() {
  const name = location.pathname.split('/')[2] ?? '';
  return SECTIONS[name] ? name : 'outlets';
}

async function show(name, { push = false, focus = false } = {}) {
  const err = document.getElementById('admin-error');
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
    document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
  }
  document.body.dataset.tab = name;
  if (push) history.pushState({ tab: name }, '', `/admin/${name}`);
  try {
    if (!started[name]) started[name] = SECTIONS[name](document.getElementById(`panel-${name}`));
    const section = await started[name];
    if (section.shown) await section.shown();
  } catch (e) {
    showError(err, e, `The ${name} section could not be loaded: `);
  }
}

async function main() {
  const user = await me();
  wireHeader(user, api);
  if (notForRole(user, ['admin'], 'The admin pages')) return;
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener('click', () => show(tab.dataset.tab, { push: true }));
    // The tab list's keys (WAI-ARIA tabs): arrows move to the next or previous section,
    // Home and End to the first and last.
    tab.addEventListener('keydown', (ev) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (to === undefined) return;
      ev.preventDefault();
      show(tabs[(to + tabs.length) % tabs.length].dataset.tab, { push: true, focus: true });
    });
  }
  window.addEventListener('popstate', () => show(tabFromPath()));
  await show(tabFromPath());
  document.body.dataset.state = 'ready';
}

main();
