// Protected hosts: list, add, edit the origin servers, switch protection.
// CreateHost, ListHost, UpdateHost and UpdateHostProtectStatus.
import { api, query } from '../api.js';
import { h, table, field, onSubmit } from '../ui.js';

const protocols = [['HTTP', 'HTTP'], ['HTTPS', 'HTTPS']];

function serverFields(s) {
  return [
    field({ name: 'front_protocol', label: 'Client protocol', options: protocols, value: s?.front_protocol || 'HTTP', fields: ['front_protocol'] }),
    field({ name: 'back_protocol', label: 'Origin protocol', options: protocols, value: s?.back_protocol || 'HTTP', fields: ['back_protocol'] }),
    field({ name: 'address', label: 'Origin address', value: s?.address, required: true, fields: ['address', 'server'] }),
    field({ name: 'port', label: 'Origin port', type: 'number', value: s?.port || 80, fields: ['port'], min: 1 }),
  ];
}

function serverOf(v) {
  return { front_protocol: v.front_protocol, back_protocol: v.back_protocol, address: v.address, port: Number(v.port),
    type: v.address.includes(':') ? 'ipv6' : 'ipv4', weight: 1 };
}

/** Renders the protected hosts of ctx.project. */
export async function render(root, ctx) {
  const base = '/v1/' + ctx.project.id + '/waf/';
  const [list, pols] = await Promise.all([api('GET', base + 'instance' + query({ pagesize: 100 })), api('GET', base + 'policy' + query({ pagesize: 100 }))]);
  const policyName = Object.fromEntries((pols.items || []).map(p => [p.id, p.name]));
  const hosts = list.items || [];

  const add = h('form', { 'aria-label': 'Add a protected host' },
    h('div', { class: 'row' },
      field({ name: 'hostname', label: 'Domain name', required: true, placeholder: 'www.example.com', fields: ['hostname'] }),
      field({ name: 'policyid', label: 'Policy', options: [['', 'A new policy'], ...(pols.items || []).map(p => [p.id, p.name])], fields: ['policyid', 'policy'] }),
      serverFields()),
    h('button', { type: 'submit' }, 'Add host'));
  onSubmit(add, async v => {
    const body = { hostname: v.hostname, proxy: false, server: [serverOf(v)] };
    if (v.policyid) body.policyid = v.policyid;
    await api('POST', base + 'instance', body);
    await render(root, ctx);
  });

  const rows = table([
    ['Domain', x => x.hostname],
    ['Origin servers', x => (x.server || []).map(s => s.front_protocol + ' → ' + s.back_protocol.toLowerCase() + '://' + s.address + ':' + s.port).join(', ')],
    ['Policy', x => policyName[x.policyid] || x.policyid],
    ['Protection', x => h('span', { class: x.protect_status === 1 ? 'status-on' : 'status-off' }, x.protect_status === 1 ? 'On' : 'Off')],
    ['Actions', x => hostActions(root, ctx, base, x)],
  ], hosts, 'Protected hosts');
  root.replaceChildren(h('h1', {}, 'Protected hosts'), rows, h('h2', {}, 'Add a protected host'), add);
}

function hostActions(root, ctx, base, x) {
  const toggle = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    toggle.disabled = true;
    try {
      await api('PUT', base + 'instance/' + x.id + '/protect-status', { protect_status: x.protect_status === 1 ? 0 : 1 });
      await render(root, ctx);
    } catch (err) { toggle.after(h('p', { class: 'field-error', role: 'alert' }, err.message)); toggle.disabled = false; }
  } }, x.protect_status === 1 ? 'Suspend protection' : 'Enable protection');
  const edit = h('form', { 'aria-label': 'Origin servers of ' + x.hostname }, serverFields((x.server || [])[0]), h('button', { type: 'submit' }, 'Save servers'));
  onSubmit(edit, async v => {
    await api('PUT', base + 'instance/' + x.id, { server: [serverOf(v)] });
    await render(root, ctx);
  });
  const del = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!confirm('Delete ' + x.hostname + '?')) return;
    await api('DELETE', base + 'instance/' + x.id);
    await render(root, ctx);
  } }, 'Delete');
  return h('div', { class: 'actions' }, toggle, h('details', {}, h('summary', {}, 'Edit servers'), edit), del);
}
