// The console's shell: login and logout, the project picker, and the
// router that renders one page per location hash.
import { api } from './api.js';
import { onSubmit, h } from './ui.js';
import * as overview from './pages/overview.js';
import * as hosts from './pages/hosts.js';
import * as policies from './pages/policies.js';
import * as geoip from './pages/geoip.js';
import * as events from './pages/events.js';
import * as secmaster from './pages/secmaster.js';
import * as decisions from './pages/decisions.js';

const pages = { overview, hosts, policies, geoip, events, secmaster, decisions };
const $ = id => document.getElementById(id);
const state = { projects: [], project: null, session: null };

function showLogin() {
  state.session = null;
  $('session').hidden = true;
  $('nav').hidden = true;
  $('page').replaceChildren();
  $('login').hidden = false;
  $('login-domain').focus();
}

async function startSession() {
  const s = await api('GET', '/console/api/session');
  state.session = s.session;
  const ps = await api('GET', '/v3/projects');
  state.projects = ps.projects || [];
  const sel = $('project');
  const saved = sessionStorage.getItem('rampart-project');
  sel.replaceChildren(...state.projects.map(p => h('option', { value: p.id }, p.name + ' (' + p.id.slice(0, 8) + ')')));
  const chosen = state.projects.find(p => p.id === saved) || state.projects[0] || null;
  state.project = chosen;
  if (chosen) sel.value = chosen.id;
  $('who').textContent = s.session.user.name + ' @ ' + s.session.domain.name;
  $('login').hidden = true;
  $('session').hidden = false;
  $('nav').hidden = false;
  await route();
}

async function route() {
  if (!state.session) return;
  const name = (location.hash.replace(/^#\/?/, '').split('?')[0]) || 'overview';
  const page = pages[name] || overview;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === '#/' + name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const root = $('page');
  root.dataset.ready = 'false';
  root.dataset.page = name;
  if (!state.project) {
    root.replaceChildren(h('p', { class: 'notice' }, 'No project is granted to you: ask the account administrator for a grant.'));
    return;
  }
  root.replaceChildren(h('p', { 'aria-live': 'polite' }, 'Loading…'));
  const ctx = { project: state.project, projects: state.projects, session: state.session };
  try {
    await page.render(root, ctx);
  } catch (err) {
    root.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, 'This page could not load: ' + (err.code ? err.code + ': ' : '') + err.message));
  }
  document.title = (document.querySelector('#page h1')?.textContent || 'Rampart') + ' · Rampart console';
  root.dataset.ready = 'true';
}

onSubmit($('login-form'), async v => {
  if (!v.domain) throw { message: 'Enter the account (domain) name.', code: '', fieldHint: 'domain' };
  const body = { auth: { identity: { methods: ['password'], password: { user: { name: v.user, password: v.password, domain: { name: v.domain } } } },
    scope: { domain: { name: v.domain } } } };
  await api('POST', '/console/api/session', body);
  $('login-password').value = '';
  await startSession();
  $('main').focus();
});

$('logout').addEventListener('click', async () => {
  try { await api('DELETE', '/console/api/session'); } catch { /* the session is over either way */ }
  showLogin();
});

$('project').addEventListener('change', ev => {
  state.project = state.projects.find(p => p.id === ev.target.value) || null;
  sessionStorage.setItem('rampart-project', ev.target.value);
  route();
});

window.addEventListener('hashchange', () => { route(); $('main').focus(); });
window.addEventListener('rampart-session-ended', () => { if (state.session) showLogin(); });

startSession().catch(() => showLogin());
