// Overview: requests, blocks and attacks over time, attacks by type, top
// attacking IPs, locations, hosts and URLs, from Huawei's WAF dashboard
// operations (ListStatistics, ListRequestTimeline,
// ListOverviewsClassification, ListTopIp, ListTopUrl, ListTopDomains).
import { api, query } from '../api.js';
import { h, noData, table, field } from '../ui.js';

const ranges = [['hour', 'Last hour', 3600e3], ['day', 'Last day', 86400e3], ['week', 'Last week', 7 * 86400e3]];
const statNames = { ACCESS: 'Requests', ATTACK: 'Attacks', WEB_ATTACK: 'Web attacks', PRECISE: 'Precise protection', CC: 'CC attacks', CRAWLER: 'Bots' };
const charts = [];

function chart(canvas, config) {
  if (!window.Chart) return;
  config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
  charts.push(new window.Chart(canvas, config));
}

function panel(title, body) {
  return h('section', { class: 'chart', 'aria-label': title }, h('h2', {}, title), body);
}

function barPanel(title, items, label) {
  if (!items || !items.length) return panel(title, h('p', { class: 'nodata' }, 'No data in this period.'));
  const canvas = h('canvas', { role: 'img', 'aria-label': title + ': ' + items.map(i => i.key + ' ' + i.num).join(', ') });
  const box = h('div', { class: 'canvas-box' }, canvas);
  const el = panel(title, [box, h('details', {}, h('summary', {}, 'Figures'),
    table([[label, i => i.host ? i.host + i.key : i.key], ['Count', i => i.num, 'num']], items))]);
  queueMicrotask(() => chart(canvas, { type: 'bar', data: { labels: items.map(i => i.host ? i.host + i.key : i.key),
    datasets: [{ label: 'Count', data: items.map(i => i.num), backgroundColor: '#0b5cad' }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } } }));
  return el;
}

/** Renders the overview of ctx.project. */
export async function render(root, ctx) {
  while (charts.length) charts.pop().destroy();
  const form = h('form', { class: 'row' }, field({ name: 'range', label: 'Period', options: ranges.map(([v, t]) => [v, t]),
    value: sessionStorage.getItem('rampart-range') || 'day' }));
  const out = h('div', { 'aria-live': 'polite' });
  root.replaceChildren(h('h1', {}, 'Overview'), form, out);
  form.range.addEventListener('change', () => { sessionStorage.setItem('rampart-range', form.range.value); render(root, ctx); });

  const span = ranges.find(r => r[0] === form.range.value)[2];
  const to = Date.now(), from = to - span;
  const base = '/v1/' + ctx.project.id + '/waf/overviews/';
  const q = query({ from, to });
  const qt = query({ from, to, top: 10 });
  const [stats, timeline, classes, topIP, topURL, topHosts] = await Promise.allSettled([
    api('GET', base + 'statistics' + q),
    api('GET', base + 'request/timeline' + q),
    api('GET', base + 'classification' + qt),
    api('GET', base + 'attack/ip' + qt),
    api('GET', base + 'attack/url' + qt),
    api('GET', base + 'attack/top-domains' + qt),
  ]);

  const parts = [];
  if (stats.status === 'fulfilled' && Array.isArray(stats.value)) {
    parts.push(h('div', { class: 'tiles' }, stats.value.map(s => h('div', { class: 'tile' },
      h('div', { class: 'v' }, String(s.num ?? 0)), h('div', { class: 'k' }, statNames[s.key] || s.key)))));
  } else parts.push(noData('request statistics (ListStatistics)', stats.reason));

  const grid = h('div', { class: 'charts' });
  parts.push(grid);
  if (timeline.status === 'fulfilled' && Array.isArray(timeline.value) && timeline.value.length) {
    const series = timeline.value;
    const times = (series[0].timeline || []).map(p => p.time);
    const canvas = h('canvas', { role: 'img', 'aria-label': 'Requests and attacks over time' });
    grid.append(panel('Requests and blocks over time', h('div', { class: 'canvas-box' }, canvas)));
    const colours = ['#0b5cad', '#b3261e', '#c77700', '#1a7f37', '#6f42c1', '#57606a'];
    queueMicrotask(() => chart(canvas, { type: 'line', data: { labels: times.map(t => new Date(t).toLocaleString([], span > 86400e3 ? { month: 'short', day: 'numeric', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' })),
      datasets: series.map((s, i) => ({ label: statNames[s.key] || s.key, data: (s.timeline || []).map(p => p.num), borderColor: colours[i % colours.length], pointRadius: 0 })) } }));
  } else grid.append(panel('Requests and blocks over time', noData('the request timeline (ListRequestTimeline)', timeline.reason)));

  if (classes.status === 'fulfilled') {
    const c = classes.value || {};
    grid.append(barPanel('Attacks by type', c.attack_type?.items, 'Type'));
    grid.append(barPanel('Attacking locations', c.geo?.items, 'Location'));
  } else grid.append(panel('Attacks by type', noData('attack classification (ListOverviewsClassification)', classes.reason)));
  grid.append(topIP.status === 'fulfilled' ? barPanel('Top attacking IP addresses', topIP.value.items, 'IP address')
    : panel('Top attacking IP addresses', noData('top IP addresses (ListTopIp)', topIP.reason)));
  grid.append(topURL.status === 'fulfilled' ? barPanel('Top attacked URLs', topURL.value.items, 'URL')
    : panel('Top attacked URLs', noData('top URLs (ListTopUrl)', topURL.reason)));
  grid.append(topHosts.status === 'fulfilled' ? barPanel('Top attacked hosts', topHosts.value.items, 'Host')
    : panel('Top attacked hosts', noData('top hosts (ListTopDomains)', topHosts.reason)));
  out.replaceChildren(...parts);
}
