// Policies: each protection module's switch, the protection mode and the
// basic protection level (ListPolicy and UpdatePolicy).
import { api, query } from '../api.js';
import { h, field, onSubmit } from '../ui.js';

const modules = {
  webattack: 'Basic web protection', common: 'General check', crawler: 'Bot: crawlers', crawler_engine: 'Bot: search engines',
  crawler_scanner: 'Bot: scanners', crawler_script: 'Bot: scripts', crawler_other: 'Bot: other', webshell: 'Webshell detection',
  cc: 'CC attack protection', custom: 'Precise protection', whiteblackip: 'Blacklist and whitelist', geoip: 'Geolocation access control',
  ignore: 'False alarm masking', privacy: 'Data masking', antitamper: 'Web tamper protection', antileakage: 'Information leakage prevention',
  bot_enable: 'Anti-crawler', followed_action: 'Known attack source', ip_reputation: 'IP reputation',
};

/** Renders the policies of ctx.project with their module switches. */
export async function render(root, ctx) {
  const base = '/v1/' + ctx.project.id + '/waf/policy';
  const list = await api('GET', base + query({ pagesize: 100 }));
  const sections = (list.items || []).map(p => {
    const opts = p.options || {};
    const boxes = Object.keys(opts).filter(k => typeof opts[k] === 'boolean').sort().map(k => {
      const id = 'm-' + p.id + '-' + k;
      return h('div', {}, h('input', { type: 'checkbox', id, name: 'options', value: k, checked: opts[k] }), ' ',
        h('label', { for: id }, (modules[k] || k) + ' (' + k + ')'));
    });
    const form = h('form', { 'aria-label': 'Policy ' + p.name },
      h('div', { class: 'row' },
        field({ name: 'mode', label: 'Protective action', options: [['block', 'Block'], ['log', 'Log only']], value: p.action?.category, fields: ['action', 'category'] }),
        field({ name: 'level', label: 'Basic protection level', options: [[1, 'Loose'], [2, 'Medium'], [3, 'Strict']], value: p.level, fields: ['level'] })),
      h('fieldset', { class: 'picker' }, h('legend', {}, 'Modules'), h('div', { class: 'options' }, boxes), h('p', { class: 'field-error', role: 'alert' })),
      h('button', { type: 'submit' }, 'Save policy'),
      h('p', { class: 'notice', hidden: true, 'data-saved': true }, 'Saved.'));
    onSubmit(form, async v => {
      const options = {};
      for (const k of Object.keys(opts).filter(k => typeof opts[k] === 'boolean')) options[k] = v.options.includes(k);
      await api('PATCH', base + '/' + p.id, { options, action: { category: v.mode }, level: Number(v.level) });
      form.querySelector('[data-saved]').hidden = false;
    });
    return h('section', {}, h('h2', {}, p.name), form);
  });
  root.replaceChildren(h('h1', {}, 'Policies'), ...(sections.length ? sections : [h('p', { class: 'nodata' }, 'No policy yet: adding a protected host creates one.')]));
}
