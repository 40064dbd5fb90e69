// Protection events: filter by time, host, client IP, action and attack
// type; the detail of one event; export of the listed events to CSV
// (ListEvent and ShowEvent).
import { api, query } from '../api.js';
import { h, table, field, onSubmit, showError, when } from '../ui.js';

const recents = [['today', 'Today'], ['yesterday', 'Yesterday'], ['3days', 'Last 3 days'], ['1week', 'Last week'], ['1month', 'Last month']];
const actionNames = ['block', 'pass', 'log', 'captcha', 'js_challenge'];
const attackNames = ['xss', 'sqli', 'cmdi', 'lfi', 'rfi', 'webshell', 'vuln', 'robot', 'cc', 'custom_custom', 'custom_geoip',
  'custom_whiteblackip', 'custom_idc_ip', 'followed_action', 'illegal', 'antitamper', 'anticrawler', 'antileakage'];
const columns = ['time', 'host', 'url', 'sip', 'region', 'attack', 'rule', 'action', 'status', 'payload_location', 'payload', 'id'];

function csv(items) {
  const cell = v => {
    let s = v === undefined || v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // not a formula in a spreadsheet
    return /[",\n\r]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
  };
  return [columns.join(','), ...items.map(e => columns.map(c => cell(c === 'time' ? new Date(e.time).toISOString() : e[c])).join(','))].join('\r\n') + '\r\n';
}

/** Renders the events of ctx.project. */
export async function render(root, ctx) {
  const base = '/v1/' + ctx.project.id + '/waf/';
  const hosts = (await api('GET', base + 'instance' + query({ pagesize: 100 }))).items || [];
  const filters = JSON.parse(sessionStorage.getItem('rampart-events') || '{"recent":"today"}');
  const form = h('form', { 'aria-label': 'Event filters' },
    h('div', { class: 'row' },
      field({ name: 'recent', label: 'Period', options: recents, value: filters.recent, fields: ['recent'] }),
      field({ name: 'from', label: 'Or from (local time)', type: 'datetime-local', value: filters.from, fields: ['from'] }),
      field({ name: 'to', label: 'to', type: 'datetime-local', value: filters.to, fields: ['to'] }),
      field({ name: 'hosts', label: 'Host', options: [['', 'All hosts'], ...hosts.map(x => [x.id, x.hostname])], value: filters.hosts, fields: ['hosts'] }),
      field({ name: 'sip', label: 'Client IP', value: filters.sip, fields: ['sip', 'sips'] }),
      field({ name: 'actions', label: 'Action', options: [['', 'Any'], ...actionNames.map(a => [a, a])], value: filters.actions, fields: ['actions'] }),
      field({ name: 'attacks', label: 'Attack type', options: [['', 'Any'], ...attackNames.map(a => [a, a])], value: filters.attacks, fields: ['attacks'] })),
    h('button', { type: 'submit' }, 'Show events'));
  const out = h('div', {});
  const detail = h('div', { 'aria-live': 'polite' });
  root.replaceChildren(h('h1', {}, 'Events'), form, out, detail);

  const load = async v => {
    const range = {};
    if (v.from || v.to) {
      if (!v.from || !v.to) throw { message: v.from ? 'Give the end of the period (to) too.' : 'Give the start of the period (from) too.' };
      range.from = new Date(v.from).getTime();
      range.to = new Date(v.to).getTime();
    } else range.recent = v.recent;
    const res = await api('GET', base + 'event' + query({ ...range, hosts: v.hosts, sip: v.sip, actions: v.actions, attacks: v.attacks, pagesize: 100 }));
    sessionStorage.setItem('rampart-events', JSON.stringify(v));
    const items = res.items || [];
    const exportBtn = h('button', { type: 'button', class: 'secondary', onclick: () => {
      const url = URL.createObjectURL(new Blob([csv(items)], { type: 'text/csv' }));
      const a = h('a', { href: url, download: 'rampart-events.csv' });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } }, 'Export CSV');
    out.replaceChildren(h('p', {}, (res.total ?? items.length) + ' events', ' ', items.length ? exportBtn : null),
      table([
        ['Time', e => when(e.time)],
        ['Host', e => e.host],
        ['URL', e => e.url],
        ['Client IP', e => e.sip],
        ['Location', e => e.region],
        ['Attack', e => e.attack],
        ['Action', e => e.action],
        ['', e => h('button', { type: 'button', class: 'secondary', 'aria-label': 'Detail of event ' + e.id, onclick: () => showDetail(base, e.id, detail) }, 'Detail')],
      ], items, 'Events'));
  };
  onSubmit(form, load);
  try {
    await load(filters);
  } catch (err) {
    showError(form, err);
  }
}

async function showDetail(base, id, box) {
  const e = await api('GET', base + 'event/' + id);
  const rows = Object.entries(e).filter(([, v]) => v !== '' && v !== null && typeof v !== 'object');
  box.replaceChildren(h('h2', { tabindex: '-1' }, 'Event ' + id),
    table([['Field', r => r[0]], ['Value', r => r[0] === 'time' ? when(r[1]) : String(r[1])]], rows, 'Event detail'),
    e.headers ? h('details', {}, h('summary', {}, 'Request headers'), h('pre', {}, JSON.stringify(e.headers, null, 2))) : null);
  box.querySelector('h2').focus();
}
