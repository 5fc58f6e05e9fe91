// Gateway management (admin): live request and error rates per route, route
// groups switched off and on, and request limits per route, per client and
// by default, from /api/admin/gateway, refreshed every two seconds.
import { h, pageHeader, field, status, setStatus } from '../dom.js';
import { api, get, describe } from '../api.js';

const REFRESH_MS = 2000;
const fmt = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const limitText = (l) => (!l ? '–' : l.rate > 0 ? `${fmt(l.rate, 1)}/s, burst ${fmt(l.burst, 0)}` : 'none');

function table(label, testid, cols, rows) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label },
    h('table', { class: 'stack', 'data-testid': testid },
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', null, rows)));
}

export default function gateway({ main, onLeave }) {
  const ctrl = new AbortController();
  onLeave(() => ctrl.abort());
  const note = status('gateway-op');
  const problem = status('gateway-load');
  const groups = h('div');
  const routes = h('div');
  const clients = h('div');
  const defaults = h('p', { 'data-testid': 'default-limit' });

  const change = async (label, path, body) => {
    setStatus(note, 'pending', `${label}…`);
    try {
      await api('POST', path, { body });
      setStatus(note, 'ok', `${label}: done`);
      refresh();
    } catch (err) {
      setStatus(note, 'error', `${label}: ${describe(err)}`);
    }
  };

  const fill = (g) => {
    defaults.textContent = `Default limit per client: ${limitText(g.default_limit)}`;
    groups.replaceChildren(table('Route groups', 'group-table', ['Group', 'State', ''],
      Object.entries(g.groups || {}).map(([name, x]) => h('tr', { 'data-testid': 'group-row', 'data-group': name },
        h('th', { scope: 'row', 'data-label': 'Group' }, name),
        h('td', { 'data-label': 'State' }, x.on ? 'on' : h('strong', { class: 'neg' }, 'off (503)')),
        h('td', { 'data-label': '' }, x.switchable
          ? h('button', { type: 'button', class: `small${x.on ? ' danger' : ''}`, 'data-testid': 'group-toggle',
            onclick: () => change(`Switch ${name} ${x.on ? 'off' : 'on'}`, `/api/admin/gateway/groups/${encodeURIComponent(name)}`, { on: !x.on }) },
          x.on ? 'Switch off' : 'Switch on')
          : h('span', { class: 'muted' }, 'always on'))))));
    const active = (g.routes || []).filter((r) => r.requests > 0 || r.limit);
    routes.replaceChildren(active.length
      ? table('Routes', 'route-table', ['Route', 'Group', 'Requests/s', 'Errors/s', 'Error rate', 'Total', 'Refused', 'Limit'],
        active.map((r) => h('tr', { 'data-testid': 'route-row', 'data-route': r.route },
          h('th', { scope: 'row', 'data-label': 'Route' }, r.route),
          h('td', { 'data-label': 'Group' }, r.group),
          h('td', { 'data-label': 'Requests/s', class: 'num' }, fmt(r.requests_per_s)),
          h('td', { 'data-label': 'Errors/s', class: 'num' }, fmt(r.errors_per_s)),
          h('td', { 'data-label': 'Error rate', class: 'num' }, `${fmt(100 * r.error_rate, 1)} %`),
          h('td', { 'data-label': 'Total', class: 'num' }, r.requests),
          h('td', { 'data-label': 'Refused', class: 'num' }, r.refused),
          h('td', { 'data-label': 'Limit' }, limitText(r.limit)))))
      : h('p', { class: 'muted' }, 'No requests yet.'));
    const limited = Object.entries(g.client_limits || {});
    clients.replaceChildren(limited.length
      ? h('ul', { 'data-testid': 'client-limits' }, limited.map(([client, l]) => h('li', null, `${client}: ${limitText(l)} `,
        h('button', { type: 'button', class: 'small', onclick: () => change(`Remove the limit of ${client}`, '/api/admin/gateway/limits', { client, remove: true }) }, 'Remove'))))
      : h('p', { class: 'muted' }, 'No client has a limit of its own.'));
    routeList.replaceChildren(...(g.routes || []).map((r) => h('option', { value: r.route })));
  };

  const refresh = async () => {
    try {
      fill(await get('/api/admin/gateway', { signal: ctrl.signal }));
      setStatus(problem, '', '');
    } catch (err) {
      if (!ctrl.signal.aborted) setStatus(problem, 'error', describe(err));
    }
  };

  const routeList = h('datalist', { id: 'gateway-routes' });
  const target = h('input', { type: 'text', list: 'gateway-routes', placeholder: 'GET /api/projects, or a client address, or empty' });
  const rate = h('input', { type: 'number', min: '0', step: 'any', value: '10', inputmode: 'decimal' });
  const burst = h('input', { type: 'number', min: '1', step: 'any', value: '20', inputmode: 'decimal' });
  const body = (extra) => {
    const t = target.value.trim();
    const who = !t ? {} : /^[A-Z]+ \//.test(t) ? { route: t } : { client: t };
    return { ...who, ...extra };
  };
  const limitForm = h('form', {
    class: 'inline-form', 'data-testid': 'limit-form',
    onsubmit: (e) => {
      e.preventDefault();
      change(`Limit ${target.value.trim() || 'the default'}`, '/api/admin/gateway/limits', body({ rate: Number(rate.value), burst: Number(burst.value) }));
    },
  }, field('limit-target', 'Route or client', target, 'Empty: the default for every client.'),
  field('limit-rate', 'Requests per second (0 = none)', rate), field('limit-burst', 'Burst', burst),
  h('button', { type: 'submit', 'data-testid': 'limit-set' }, 'Set limit'),
  h('button', { type: 'button', class: 'small', 'data-testid': 'limit-remove', onclick: () => change(`Remove the limit of ${target.value.trim()}`, '/api/admin/gateway/limits', body({ remove: true })) }, 'Remove'), routeList);

  (async () => {
    while (!ctrl.signal.aborted) {
      await refresh();
      await new Promise((resolve) => {
        const t = setTimeout(resolve, REFRESH_MS);
        ctrl.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
    }
  })();

  main.append(
    pageHeader('Gateway'), problem, note,
    h('section', { class: 'card', 'aria-labelledby': 'groups-title' },
      h('h2', { class: 'section-title', id: 'groups-title' }, 'Route groups'),
      h('p', { class: 'muted' }, 'A group that is off answers 503 with a clear message until it is switched on again. Changes take effect at once and last until a restart.'),
      groups),
    h('section', { class: 'card', 'aria-labelledby': 'limits-title' },
      h('h2', { class: 'section-title', id: 'limits-title' }, 'Request limits'), defaults, limitForm, clients),
    h('section', { class: 'card', 'aria-labelledby': 'routes-title' },
      h('h2', { class: 'section-title', id: 'routes-title' }, 'Routes, last 10 seconds'), routes));
}
