// Geolocation rules of a policy, with a country and Chinese-province
// picker fed by ListGeoipMap (CreateGeoipRule, ListGeoipRule,
// DeleteGeoipRule).
import { api, query } from '../api.js';
import { h, table, field, onSubmit } from '../ui.js';

const actions = [[0, 'Block'], [1, 'Allow'], [2, 'Log only']];

function picker(map) {
  const names = map.locale || {};
  const countries = Object.keys(map.geomap || {}).sort((a, b) => (names[a] || a).localeCompare(names[b] || b));
  const provinces = (map.geomap?.CN || []).slice().sort((a, b) => (names[a] || a).localeCompare(names[b] || b));
  const box = (code, label) => {
    const id = 'geo-' + code;
    return h('div', { 'data-name': (label + ' ' + code).toLowerCase() },
      h('input', { type: 'checkbox', id, name: 'geoip', value: code }), ' ', h('label', { for: id }, label + ' (' + code + ')'));
  };
  const filter = h('input', { type: 'search', 'aria-label': 'Filter locations', placeholder: 'Filter: name or code' });
  const groups = h('div', {},
    h('h3', {}, 'Chinese provinces and regions'), h('div', { class: 'options' }, provinces.map(c => box(c, names[c] || c))),
    h('h3', {}, 'Countries and regions'), h('div', { class: 'options' }, countries.map(c => box(c, names[c] || c))));
  filter.addEventListener('input', () => {
    const f = filter.value.trim().toLowerCase();
    for (const d of groups.querySelectorAll('[data-name]')) d.hidden = f !== '' && !d.dataset.name.includes(f);
  });
  const fs = h('fieldset', { class: 'picker' }, h('legend', {}, 'Locations'), filter, groups, h('p', { class: 'field-error', role: 'alert' }));
  fs.querySelector('input[name=geoip]')?.setAttribute('data-fields', 'geoip location');
  return fs;
}

/** Renders the geolocation rules of a policy of ctx.project. */
export async function render(root, ctx) {
  const base = '/v1/' + ctx.project.id + '/waf/';
  const [pols, map] = await Promise.all([api('GET', base + 'policy' + query({ pagesize: 100 })), api('GET', base + 'tag/geoip/map' + query({ lang: 'en' }))]);
  const policies = pols.items || [];
  if (!policies.length) {
    root.replaceChildren(h('h1', {}, 'Geolocation rules'), h('p', { class: 'nodata' }, 'No policy yet: adding a protected host creates one.'));
    return;
  }
  const chosen = sessionStorage.getItem('rampart-policy');
  const policy = policies.find(p => p.id === chosen) || policies[0];
  const choose = h('form', { class: 'row' }, field({ name: 'policy', label: 'Policy', options: policies.map(p => [p.id, p.name]), value: policy.id }));
  choose.policy.addEventListener('change', () => { sessionStorage.setItem('rampart-policy', choose.policy.value); render(root, ctx); });

  const rules = await api('GET', base + 'policy/' + policy.id + '/geoip' + query({ pagesize: 100 }));
  const names = map.locale || {};
  const list = table([
    ['Name', r => r.name],
    ['Locations', r => r.geoip.split('|').map(c => (names[c] || c) + ' (' + c + ')').join(', ')],
    ['Action', r => (actions.find(a => a[0] === r.white) || [, r.white])[1]],
    ['Status', r => r.status === 1 ? 'On' : 'Off'],
    ['', r => h('button', { type: 'button', class: 'danger', 'aria-label': 'Delete rule ' + r.name, onclick: async () => {
      await api('DELETE', base + 'policy/' + policy.id + '/geoip/' + r.id);
      await render(root, ctx);
    } }, 'Delete')],
  ], rules.items || [], 'Geolocation rules');

  const add = h('form', { 'aria-label': 'Add a geolocation rule' },
    h('div', { class: 'row' },
      field({ name: 'name', label: 'Rule name', required: true, fields: ['name'] }),
      field({ name: 'white', label: 'Action', options: actions, value: 0, fields: ['white', 'action'] })),
    picker(map),
    h('button', { type: 'submit' }, 'Add rule'));
  onSubmit(add, async v => {
    if (!v.geoip.length) throw { message: 'Choose at least one location (geoip).' };
    await api('POST', base + 'policy/' + policy.id + '/geoip', { name: v.name, white: Number(v.white), geoip: v.geoip.join('|') });
    await render(root, ctx);
  });
  root.replaceChildren(h('h1', {}, 'Geolocation rules'), choose, list, h('h2', {}, 'Add a geolocation rule'), add);
}
