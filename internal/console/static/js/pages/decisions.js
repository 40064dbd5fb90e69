// Decision tester: what every layer decides for an IP address, host, user
// and groups, and which rule decides it (the decision API, a Rampart
// extension: POST /v1/{project_id}/rampart/decisions).
import { api } from '../api.js';
import { h, table, field, onSubmit } from '../ui.js';

/** Renders the decision tester for ctx.project. */
export async function render(root, ctx) {
  const form = h('form', { 'aria-label': 'Decision query' },
    h('div', { class: 'row' },
      field({ name: 'ip', label: 'Client IP address', required: true, placeholder: '192.0.2.7', fields: ['ip'] }),
      field({ name: 'host', label: 'Host (WAF)', placeholder: 'www.example.com', fields: ['host'] }),
      field({ name: 'user', label: 'User name (IAM, Workspace)', fields: ['user'] }),
      field({ name: 'groups', label: 'Groups (comma-separated)', fields: ['groups'] })),
    h('button', { type: 'submit' }, 'Decide'));
  const out = h('div', { 'aria-live': 'polite' });
  onSubmit(form, async v => {
    const groups = v.groups ? v.groups.split(',').map(s => s.trim()).filter(Boolean) : [];
    const checks = [{ layer: 'waf', ip: v.ip, host: v.host }, { layer: 'cfw', ip: v.ip }, { layer: 'vpc', ip: v.ip }];
    if (v.user) checks.push({ layer: 'iam', user: v.user }, { layer: 'workspace', ip: v.ip, user: v.user, groups });
    const res = await api('POST', '/v1/' + ctx.project.id + '/rampart/decisions', { checks });
    const rows = (res.decisions || []).map((d, i) => ({ layer: checks[i].layer, ...d }));
    out.replaceChildren(table([
      ['Layer', r => r.layer.toUpperCase()], ['Decision', r => r.action], ['Rule type', r => r.rule_type],
      ['Rule', r => r.rule_id], ['Policy', r => r.policy_id], ['Match', r => r.match],
    ], rows, 'Decisions'));
  });
  root.replaceChildren(h('h1', {}, 'Decision tester'), form, out);
}
