// The elastic pool's part of the Operations page: its bounds and thresholds,
// this round's figures, what it waits for, and its decisions with the
// figures behind each (newest first).
import { h } from './dom.js';

const fmt = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const pct = (x) => (typeof x === 'number' ? `${(x * 100).toFixed(1)} %` : '–');

/** The pool section's content for `pool` (the "pool" object of /api/cluster). */
export function poolPanel(pool) {
  if (!pool || !pool.enabled) {
    return h('p', { class: 'muted', 'data-testid': 'pool-off' },
      'The elastic pool is off. Turn it on with the "elastic" section of the config (docs/operations.md).');
  }
  const figures = h('dl', { class: 'facts', 'data-testid': 'pool-figures' },
    h('dt', null, 'Bounds'), h('dd', null, `${pool.min_nodes}–${pool.max_nodes} nodes`),
    h('dt', null, 'Headroom'), h('dd', { 'data-testid': 'pool-headroom' }, `${fmt(pool.headroom)} (grows below ${fmt(pool.grow_below)})`),
    h('dt', null, 'With one node fewer'), h('dd', null, `${fmt(pool.projected)} (shrinks at or above ${fmt(pool.shrink_above)})`),
    h('dt', null, 'Fullest mailbox'), h('dd', null, `${pct(pool.fill)} (grows at ${pct(pool.grow_fill)})`),
    h('dt', null, 'Waiting for'), h('dd', { 'data-testid': 'pool-waiting' }, pool.waiting_for || '–'));
  const decisions = [...(pool.decisions || [])].reverse();
  const cols = ['When', 'Decision', 'Nodes', 'Headroom', 'One fewer', 'Mailbox', 'Why', 'Outcome'];
  const rows = decisions.map((d) => h('tr', { 'data-testid': 'pool-decision', 'data-action': d.action },
    h('td', { 'data-label': cols[0], class: 'num' }, `${fmt(d.ago_s, 0)} s ago`),
    h('th', { scope: 'row', 'data-label': cols[1] }, d.action === 'shrink' ? `shrink (node ${d.node})` : d.action),
    h('td', { 'data-label': cols[2], class: 'num' }, d.nodes),
    h('td', { 'data-label': cols[3], class: 'num' }, fmt(d.headroom)),
    h('td', { 'data-label': cols[4], class: 'num' }, fmt(d.projected)),
    h('td', { 'data-label': cols[5], class: 'num' }, pct(d.fill)),
    h('td', { 'data-label': cols[6] }, d.reason),
    h('td', { 'data-label': cols[7] }, d.outcome + (d.took_s != null ? ` (${fmt(d.took_s, 1)} s)` : ''))));
  const table = decisions.length
    ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Pool decisions' },
      h('table', { class: 'stack', 'data-testid': 'pool-decisions' },
        h('thead', null, h('tr', null, cols.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', null, rows)))
    : h('p', { class: 'muted', 'data-testid': 'pool-no-decisions' }, 'No decision yet.');
  return h('div', null, figures, table);
}
