// Operations dashboard (admin): the cluster live from /api/cluster/stream
// (SSE read with fetch, since EventSource cannot send the bearer token),
// polling /api/cluster every second while the stream is down.
import { h, pageHeader } from '../dom.js';
import { api, get, session, describe, ApiError } from '../api.js';
import { statePlane, lineChart, mailboxBars, ZONE_COLORS } from '../charts.js';
import { poolPanel } from '../pool-panel.js';

const SPAN_MS = 120_000;
const RETRY_STREAM_MS = 30_000;
const DRAW_MS = 450;
const fmt = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');

/** Reads `event:`/`data:` blocks from the SSE stream and hands each cluster event's data (JSON text) to onCluster. */
async function readStream(signal, onCluster) {
  const res = await fetch('/api/cluster/stream', {
    headers: { Accept: 'text/event-stream', Authorization: `Bearer ${session.get()?.token || ''}` },
    signal,
  });
  if (!res.ok || !res.body) {
    let msg = `${res.status} ${res.statusText}`;
    try { msg = (await res.json()).error.message; } catch { /* not JSON */ }
    throw new ApiError(res.status, 'stream', msg);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended');
    buf = (buf + value).replace(/\r\n/g, '\n');
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const key = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (key === 'event') event = val;
        else if (key === 'data') data.push(val);
      }
      if (data.length && (event === 'cluster' || event === 'message')) onCluster(data.join('\n'));
    }
  }
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

function stat(label, value, testid, extra) {
  return h('div', { class: 'stat', 'data-testid': testid }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value), extra);
}

// What an operator asked of a node (petrade node, the buttons below), after its repair phase.
const flags = (n) => ['joining', 'cordoned', 'leaving'].filter((f) => n[f]);

function nodeActions(n, act) {
  const path = `/api/cluster/nodes/${encodeURIComponent(n.name)}`;
  const cordon = n.cordoned
    ? h('button', { type: 'button', class: 'small', 'data-testid': 'node-uncordon', onclick: () => act(`Uncordon ${n.name}`, 'POST', `${path}/uncordon`) }, 'Uncordon')
    : h('button', { type: 'button', class: 'small', 'data-testid': 'node-cordon', onclick: () => act(`Cordon ${n.name}`, 'POST', `${path}/cordon`) }, 'Cordon');
  const remove = h('button', {
    type: 'button', class: 'small danger', 'data-testid': 'node-remove',
    onclick: () => {
      if (window.confirm(`Remove ${n.name}? Its tasks in flight finish or move to other nodes first.`)) act(`Remove ${n.name}`, 'DELETE', path);
    },
  }, 'Remove');
  return h('span', { class: 'node-actions' }, cordon, remove);
}

function nodeTable(c, act) {
  const inflight = c.dispatcher?.inflight || {};
  const cols = ['Node', 'Zone', 'Reachable', 'Head', 'Load r', 'CPU', 'Mem', 'Latency', 'In flight', 'Repair', 'Actions'];
  const rows = (c.nodes || []).map((n) => h('tr', { 'data-testid': 'node-row', 'data-name': n.name },
    h('th', { scope: 'row', 'data-label': cols[0] }, n.name),
    h('td', { 'data-label': cols[1] }, h('span', null, h('span', { class: 'zone-dot', style: `background:${ZONE_COLORS[n.zone] || '#777'}` }), ` ${n.zone}`)),
    h('td', { 'data-label': cols[2] }, n.reachable ? 'yes' : h('strong', { class: 'neg' }, 'no')),
    h('td', { 'data-label': cols[3], class: 'num' }, n.head ?? '–'),
    h('td', { 'data-label': cols[4], class: 'num' }, fmt(n.load, 3)),
    h('td', { 'data-label': cols[5], class: 'num' }, fmt(n.state?.cpu)),
    h('td', { 'data-label': cols[6], class: 'num' }, fmt(n.state?.mem)),
    h('td', { 'data-label': cols[7], class: 'num' }, n.raw?.latency_ms != null ? `${fmt(n.raw.latency_ms, 1)} ms` : '–'),
    h('td', { 'data-label': cols[8], class: 'num' }, inflight[n.node] ?? n.raw?.inflight ?? '–'),
    h('td', { 'data-label': cols[9], 'data-testid': 'node-repair' }, [n.repair, ...flags(n)].join(', '), n.restarts ? ` (${n.restarts} restarts)` : ''),
    h('td', { 'data-label': cols[10] }, nodeActions(n, act))));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Nodes' },
    h('table', { class: 'stack', 'data-testid': 'node-table' }, h('thead', null, h('tr', null, cols.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', null, rows)));
}

export default function dashboard({ main, onLeave }) {
  const ctrl = new AbortController();
  onLeave(() => ctrl.abort());
  const history = [];
  const mode = h('span', { class: 'badge', 'data-testid': 'feed-mode', 'aria-live': 'polite' }, 'connecting…');
  const problem = h('p', { class: 'status', 'data-state': 'error', role: 'alert', hidden: true, 'data-testid': 'feed-error' });
  const stats = h('div', { class: 'stats' });
  const plane = h('div', { class: 'plane-box' });
  const lbhChart = h('div');
  const marginChart = h('div');
  const boxes = h('div');
  const table = h('div');
  const pool = h('div');
  const updated = h('p', { class: 'muted', 'data-testid': 'updated' }, 'waiting for the first sample…');
  // Node operations: one at a time; the answer (or refusal) stays on screen.
  const opStatus = h('p', { class: 'status', role: 'status', 'data-testid': 'node-op-status', hidden: true });
  let busy = false;
  const act = async (label, method, path, body) => {
    if (busy) return;
    busy = true;
    opStatus.hidden = false;
    opStatus.dataset.state = 'pending';
    opStatus.textContent = `${label}…`;
    try {
      const r = await api(method, path, { body });
      opStatus.dataset.state = 'ok';
      opStatus.textContent = `${label}: done${r?.name ? ` (${r.name})` : ''}`;
    } catch (err) {
      opStatus.dataset.state = 'error';
      opStatus.textContent = `${label}: ${describe(err)}`;
    } finally {
      busy = false;
    }
  };
  const urlInput = h('input', { id: 'node-url', type: 'url', placeholder: 'http://10.0.0.7:8545', 'aria-label': 'JSON-RPC endpoint of the node to add' });
  const addForm = h('form', {
    class: 'inline-form', 'data-testid': 'node-add-form',
    onsubmit: (e) => {
      e.preventDefault();
      const url = urlInput.value.trim();
      act(url ? `Add ${url}` : 'Add a devnet follower', 'POST', '/api/cluster/nodes', url ? { url } : { devnet: true });
    },
  }, urlInput, ' ', h('button', { type: 'submit', 'data-testid': 'node-add' }, 'Add node'),
  h('span', { class: 'muted' }, ' an empty URL adds a follower of the embedded devnet'));
  const legend = h('ul', { class: 'legend', 'aria-label': 'Zones' },
    [['I', 'safe: writes (r ≤ r̄)'], ['II', 'reads (r̄ < r < r_max)'], ['III', 'recycle: overloaded, lagging or down']].map(([z, t]) =>
      h('li', null, h('span', { class: 'zone-dot', style: `background:${ZONE_COLORS[z]}` }), ` Zone ${z}: ${t}`)));

  const setMode = (m, text) => {
    if (mode.dataset.mode === m && mode.textContent === text) return;
    mode.textContent = text;
    mode.dataset.mode = m;
  };

  const update = (c) => {
    problem.hidden = true;
    const t = c.at_ms || Date.now();
    history.push({ t, lbh: c.lbh, margin: c.margin });
    while (history.length && t - history[0].t > SPAN_MS) history.shift();
    const d = c.dispatcher || {};
    stats.replaceChildren(
      stat('LBH', fmt(c.lbh, 3), 'stat-lbh'), stat('r̄', fmt(c.r_bar, 3), 'stat-rbar'),
      stat('Health margin H', fmt(c.margin, 3), 'stat-margin'), stat('Max head', c.max_head ?? '–', 'stat-head'),
      stat('Strategy', (d.strategy || '–').replace(/_/g, ' '), 'stat-strategy', d.paused ? h('span', { class: 'badge neg' }, 'paused') : null),
      stat('Nodes', `${(c.nodes || []).filter((n) => n.reachable).length} / ${(c.nodes || []).length} up`, 'stat-nodes'));
    plane.replaceChildren(statePlane(c));
    lbhChart.replaceChildren(lineChart(history.map((p) => ({ t: p.t, v: p.lbh })), { label: 'LBH', spanMs: SPAN_MS, max: 'auto', testid: 'lbh-chart' }));
    marginChart.replaceChildren(lineChart(history.map((p) => ({ t: p.t, v: p.margin })), { label: 'Health margin', spanMs: SPAN_MS, max: 0, color: '#6a1b9a', testid: 'margin-chart' }));
    boxes.replaceChildren(mailboxBars(d.mailboxes));
    table.replaceChildren(nodeTable(c, act));
    pool.replaceChildren(poolPanel(c.pool));
    updated.textContent = `updated ${new Date(t).toLocaleTimeString()} · version ${c.version ?? '–'}`;
  };

  // Draw at most every DRAW_MS whatever rate the stream has; only the
  // newest sample is parsed and drawn.
  let pending = null;
  let timer = null;
  let last = 0;
  const draw = () => {
    timer = null;
    last = Date.now();
    const text = pending;
    pending = null;
    if (!ctrl.signal.aborted && text) update(JSON.parse(text));
  };
  const offer = (text) => {
    pending = text;
    if (!timer) timer = setTimeout(draw, Math.max(0, last + DRAW_MS - Date.now()));
  };
  onLeave(() => clearTimeout(timer));

  const fail = (err) => {
    problem.textContent = describe(err);
    problem.hidden = false;
  };

  (async () => {
    while (!ctrl.signal.aborted) {
      try {
        setMode('stream', 'connecting…');
        await readStream(ctrl.signal, (text) => {
          setMode('stream', 'live');
          offer(text);
        });
      } catch (err) {
        if (ctrl.signal.aborted) return;
        console.warn('cluster stream:', describe(err));
      }
      setMode('polling', 'polling every second');
      const until = Date.now() + RETRY_STREAM_MS;
      while (!ctrl.signal.aborted && Date.now() < until) {
        try {
          update(await get('/api/cluster', { signal: ctrl.signal }));
        } catch (err) {
          if (ctrl.signal.aborted) return;
          fail(err);
        }
        await sleep(1000, ctrl.signal);
      }
    }
  })();

  main.append(
    pageHeader('Operations', mode),
    updated,
    problem, stats,
    h('div', { class: 'dash-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'plane-title' },
        h('h2', { class: 'section-title', id: 'plane-title' }, 'State plane'),
        h('p', { class: 'muted' }, 'Each node at its (CPU, memory) utilisation, G their centroid; inside the r̄ arc (mean load) is zone I. The axes zoom to fit.'),
        plane, legend),
      h('section', { class: 'card', 'aria-labelledby': 'trend-title' },
        h('h2', { class: 'section-title', id: 'trend-title' }, 'Balance over the last 2 minutes'),
        h('h3', { class: 'chart-title' }, 'LBH (0 = perfectly balanced)'), lbhChart,
        h('h3', { class: 'chart-title' }, 'Health margin H (≤ 0 pauses dispatch)'), marginChart),
      h('section', { class: 'card', 'aria-labelledby': 'mailbox-title' },
        h('h2', { class: 'section-title', id: 'mailbox-title' }, 'Mailboxes'), boxes)),
    h('section', { class: 'card', 'aria-labelledby': 'nodes-title' }, h('h2', { class: 'section-title', id: 'nodes-title' }, 'Nodes'),
      h('p', { class: 'muted' }, 'A new node takes work once it has caught up; a cordoned one is watched but gets no new task; a removed one first finishes or hands over its tasks. Changes are kept across restarts.'),
      addForm, opStatus, table),
    h('section', { class: 'card', 'aria-labelledby': 'pool-title', 'data-testid': 'pool-section' },
      h('h2', { class: 'section-title', id: 'pool-title' }, 'Elastic pool'),
      h('p', { class: 'muted' }, 'Grows when headroom (mean spare load, 1 − r/r_max) or the fullest mailbox stays past its threshold; removes the most idle node when one node fewer would still have room. One change at a time, then a cool-down.'),
      pool));
}
