// SecMaster emergency policies: block or allow an IP address with an
// optional block aging, their delivery status per defense layer, delete
// (CreateBatchPolicy, SearchPolicies, DeletePolicy of the default
// workspace).
import { api, query } from '../api.js';
import { h, table, field, onSubmit } from '../ui.js';

const units = [['seconds', 'Seconds', 1e3], ['minutes', 'Minutes', 60e3], ['hours', 'Hours', 3600e3], ['days', 'Days', 86400e3]];

/** Renders the emergency policies of ctx.project's default workspace. */
export async function render(root, ctx) {
  const ws = (await api('GET', '/v1/' + ctx.project.id + '/workspaces' + query({ limit: 100 }))).workspaces || [];
  if (!ws.length) {
    root.replaceChildren(h('h1', {}, 'Emergency policies'), h('p', { class: 'nodata' }, 'This project has no SecMaster workspace.'));
    return;
  }
  const base = '/v1/' + ctx.project.id + '/workspaces/' + ws[0].id + '/soc/';
  const found = await api('POST', base + 'policys/search', { limit: 100, offset: 0 });
  const policies = (found.data || []).map(d => d.data_object);

  const add = h('form', { 'aria-label': 'Add an emergency policy' },
    h('div', { class: 'row' },
      field({ name: 'block_target', label: 'IP address or range', required: true, placeholder: '192.0.2.7', fields: ['block_target', 'target'] }),
      field({ name: 'policy_category', label: 'Action', options: [['BLOCK', 'Block'], ['ALLOW', 'Allow']], fields: ['policy_category'] }),
      field({ name: 'ageing', label: 'Block aging (empty: never expires)', type: 'number', min: 1, fields: ['block_age', 'block_ageing', 'is_block_ageing', 'aging', 'ageing'] }),
      field({ name: 'unit', label: 'Aging unit', options: units.map(([v, t]) => [v, t]), value: 'minutes' }),
      field({ name: 'description', label: 'Description', fields: ['description'] })),
    h('button', { type: 'submit' }, 'Add policy'));
  onSubmit(add, async v => {
    const amount = Number(v.ageing);
    if (v.ageing && !(amount > 0)) throw { message: 'Block aging must be a positive number (ageing).' };
    const unitMs = units.find(u => u[0] === v.unit)[2];
    const data = {
      region_id: ctx.project.name, block_target: v.block_target, policy_category: v.policy_category,
      description: v.description, labels: '', policy_type: { policy_type: 'Source Ip' },
      block_age: v.ageing ? { is_block_ageing: true, block_ageing: String(Math.round(Date.now() + amount * unitMs)) } : { is_block_ageing: false, block_ageing: null },
      defense_policy_list: [{ defense_connection_id: 'rampart-waf', defense_connection_name: 'WAF', defense_type: 'WAF',
        target_enterprise_id: '0', target_enterprise_name: 'default', target_project_id: ctx.project.id, target_project_name: ctx.project.name,
        defense_connection_region_id: ctx.project.name, defense_connection_region_name: ctx.project.name }],
    };
    await api('POST', base + 'policys' + query({ action_type: 'create' }), { data_object: data });
    await render(root, ctx);
  });

  const list = table([
    ['Target', p => p.block_target],
    ['Action', p => p.policy_category],
    ['Expires', p => p.block_age?.is_block_ageing ? new Date(Number(p.block_age.block_ageing)).toLocaleString() : 'Never'],
    ['Status', p => p.status],
    ['Delivery per layer', p => (p.defense_policy_list || []).map(d => d.defense_type + ': ' + (d.defense_block_status || d.sync_status || '?') +
      (d.defense_failure_description ? ' (' + d.defense_failure_description + ')' : '')).join('; ')],
    ['', p => h('button', { type: 'button', class: 'danger', 'aria-label': 'Delete the policy on ' + p.block_target, onclick: async () => {
      await api('POST', base + 'policys/batch-delete', { batch_ids: [p.id] });
      await render(root, ctx);
    } }, 'Delete')],
  ], policies, 'Emergency policies');
  root.replaceChildren(h('h1', {}, 'Emergency policies'), h('p', {}, 'Workspace: ' + ws[0].name), list, h('h2', {}, 'Add an emergency policy'), add);
}
