// SVG drawings for the operations dashboard: the state plane (thesis fig.
// 3.5), line charts over time, and mailbox bars.
import { s } from './dom.js';

export const ZONE_COLORS = { I: '#2e7d32', II: '#e0a100', III: '#c62828' };
/** The smallest of 1, 2.5 or 5 × 10^k that is ≥ v (at least `floor`, at most 1). */
export function niceCeiling(v, floor) {
  if (!(v > floor)) return floor;
  if (v >= 1) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  return Math.min(1, [1, 2.5, 5, 10].map((m) => m * e).find((c) => c >= v - 1e-12));
}

const box = (x, y, w, h) => ({ x, y, w, h });
const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const fmt = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');

/**
 * Nodes at (cpu, mem), coloured by zone; G = centroid of the reachable
 * nodes; the arc of radius r̄ around the origin bounds zone I (r_i ≤ r̄).
 */
export function statePlane(cluster) {
  const W = 340, L = 52, T = 14, P = 270;   // view size, left and top margins, plot side
  const nodes = cluster.nodes || [];
  const rbar = typeof cluster.r_bar === 'number' ? cluster.r_bar : 0;
  // Zoom to what is there (an idle devnet sits near the origin), in steps.
  const top = niceCeiling(Math.max(...nodes.flatMap((n) => [n.state?.cpu ?? 0, n.state?.mem ?? 0]), rbar) * 1.15, 0.05);
  const x = (v) => L + Math.min(Math.max(v / top, 0), 1) * P;
  const y = (v) => T + (1 - Math.min(Math.max(v / top, 0), 1)) * P;
  const parts = [s('rect', { x: L, y: T, width: P, height: P, class: 'plot-bg' })];
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = f * top, label = +v.toFixed(4);
    parts.push(s('line', { x1: x(v), y1: T, x2: x(v), y2: T + P, class: 'gridline' }),
      s('line', { x1: L, y1: y(v), x2: L + P, y2: y(v), class: 'gridline' }),
      f * 2 === Math.round(f * 2) ? [s('text', { x: x(v), y: T + P + 16, class: 'tick', 'text-anchor': 'middle' }, label),
        s('text', { x: L - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, label)] : null);
  }
  parts.push(s('text', { x: L + P / 2, y: W - 4, class: 'axis', 'text-anchor': 'middle' }, 'CPU utilisation'),
    s('text', { x: 12, y: T + P / 2, class: 'axis', 'text-anchor': 'middle', transform: `rotate(-90 12 ${T + P / 2})` }, 'Memory utilisation'));

  const spots = nodes.map((n) => {
    const st = n.state || { cpu: 0, mem: 0 };
    return { n, st, px: x(st.cpu), py: y(st.mem) };
  });
  const live = spots.filter(({ n }) => n.reachable && n.state);
  const g = live.length && {
    gx: live.reduce((a, d) => a + d.st.cpu, 0) / live.length,
    gy: live.reduce((a, d) => a + d.st.mem, 0) / live.length,
  };
  // Labels go where they cover no dot and no other label.
  const taken = spots.map(({ px, py }) => box(px - 9, py - 9, 18, 18));
  if (g) taken.push(box(x(g.gx) - 8, y(g.gy) - 8, 16, 16));
  const place = (px, py, text, gap = 11) => {
    const w = text.length * 6.6 + 2;
    const tries = [[gap, 4, 'start', gap, -7], [0, -gap - 2, 'middle', -w / 2, -gap - 13], [-gap, 4, 'end', -gap - w, -7], [0, gap + 11, 'middle', -w / 2, gap]];
    for (let k = 1; k < 8; k++) tries.push([gap, 4 - 13 * k, 'start', gap, -7 - 13 * k]);
    const inside = ([, , , bx, by]) => px + bx >= L && px + bx + w <= L + P + 16 && py + by >= 0;
    const free = ([, , , bx, by]) => inside([0, 0, 0, bx, by]) && !taken.some((b) => overlaps(b, box(px + bx, py + by, w, 13)));
    const [dx, dy, anchor, bx, by] = tries.find(free) || tries[0];
    taken.push(box(px + bx, py + by, w, 13));
    return { x: dx, y: dy, 'text-anchor': anchor };
  };

  if (rbar > 0) {
    const r = Math.min(rbar / top, 1.5) * P;
    const label = `r̄ = ${fmt(rbar, 3)}`;
    const at = place(Math.min(x(0) + r * 0.71, L + P), Math.max(y(0) - r * 0.71, T), label, 4);
    parts.push(s('clipPath', { id: 'plot-clip' }, s('rect', { x: L, y: T, width: P, height: P })),
      s('path', { d: `M ${x(0)} ${y(0) - r} A ${r} ${r} 0 0 1 ${x(0) + r} ${y(0)} L ${x(0)} ${y(0)} Z`, class: 'zone-i', 'clip-path': 'url(#plot-clip)', 'data-testid': 'rbar-arc' },
        s('title', null, `${label}: zone I (safe for writes) inside`)),
      s('g', { transform: `translate(${Math.min(x(0) + r * 0.71, L + P)} ${Math.max(y(0) - r * 0.71, T)})` },
        s('text', { ...at, class: 'tick rbar-label' }, label)));
  }
  if (g) {
    parts.push(s('g', { class: 'centroid', 'data-testid': 'centroid', transform: `translate(${x(g.gx)} ${y(g.gy)})` },
      s('title', null, `Centroid G (${fmt(g.gx)}, ${fmt(g.gy)})`),
      s('path', { d: 'M -7 0 H 7 M 0 -7 V 7' }), s('circle', { r: 3 }),
      s('text', { ...place(x(g.gx), y(g.gy), 'G', 9), class: 'tick centroid-label' }, 'G')));
  }
  for (const { n, st, px, py } of spots) {
    parts.push(s('g', { class: `node${n.reachable ? '' : ' down'}`, 'data-testid': 'plane-node', 'data-name': n.name, 'data-zone': n.zone, transform: `translate(${px} ${py})` },
      s('title', null, `${n.name}: zone ${n.zone}, cpu ${fmt(st.cpu)}, mem ${fmt(st.mem)}, load ${fmt(n.load, 3)}`),
      s('circle', { r: 8, fill: ZONE_COLORS[n.zone] || '#777' }),
      s('text', { ...place(px, py, n.name), class: 'node-label' }, n.name)));
  }
  return s('svg', { viewBox: `0 0 ${W} ${W}`, class: 'chart plane', role: 'img', 'aria-label': `State plane with ${nodes.length} nodes`, 'data-testid': 'state-plane' }, parts);
}

/** A line chart of samples [{t, v}] over the last `spanMs`, with a zero line if it is in range. */
export function lineChart(samples, { label, spanMs = 120_000, min = 0, max = 1, color = '#1f4e79', testid }) {
  const W = 340, H = 130, L = 40, R = 8, T = 10, B = 22;
  const now = samples.length ? samples[samples.length - 1].t : Date.now();
  const vals = samples.map((p) => p.v).filter(Number.isFinite);
  const lo = Math.min(min, ...vals);
  const hi = max === 'auto' ? niceCeiling(Math.max(...vals, 0) * 1.15, 0.05) : Math.max(max, ...vals);
  const span = hi - lo || 1;
  const x = (t) => L + (1 - (now - t) / spanMs) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / span) * (H - T - B);
  const parts = [s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot-bg' })];
  for (const v of [lo, (lo + hi) / 2, hi])
    parts.push(s('line', { x1: L, y1: y(v), x2: W - R, y2: y(v), class: 'gridline' }), s('text', { x: L - 4, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(v, hi < 0.1 ? 3 : 2)));
  if (lo < 0 && hi > 0) parts.push(s('line', { x1: L, y1: y(0), x2: W - R, y2: y(0), class: 'zero' }));
  parts.push(s('text', { x: L, y: H - 6, class: 'tick' }, `−${spanMs / 1000} s`), s('text', { x: W - R, y: H - 6, class: 'tick', 'text-anchor': 'end' }, 'now'));
  const pts = samples.filter((p) => Number.isFinite(p.v) && now - p.t <= spanMs).map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
  if (pts.length) {
    const [lx, ly] = pts[pts.length - 1].split(',');
    parts.push(s('polyline', { points: pts.join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }), s('circle', { cx: lx, cy: ly, r: 3, fill: color }));
  }
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart line', role: 'img', 'aria-label': `${label} over the last ${spanMs / 1000} seconds`, 'data-testid': testid }, parts);
}

/** Horizontal bars of mailbox depth, scaled to the deepest (at least 10). */
export function mailboxBars(mailboxes) {
  const entries = Object.entries(mailboxes || {});
  const W = 340, row = 26, L = 70, R = 90;
  const top = Math.max(10, ...entries.map(([, m]) => m.depth || 0));
  const parts = entries.flatMap(([kind, m], i) => {
    const y = 6 + i * row, w = ((m.depth || 0) / top) * (W - L - R);
    return [s('text', { x: L - 6, y: y + 14, class: 'tick', 'text-anchor': 'end' }, kind),
      s('rect', { x: L, y, width: W - L - R, height: 18, class: 'plot-bg' }),
      s('rect', { x: L, y, width: Math.max(w, 0), height: 18, class: 'bar', 'data-testid': `mailbox-${kind}` }),
      s('text', { x: W - R + 6, y: y + 14, class: 'tick' }, `${m.depth ?? 0} / ${m.capacity ?? '?'}`)];
  });
  return s('svg', { viewBox: `0 0 ${W} ${entries.length * row + 10}`, class: 'chart bars', role: 'img', 'aria-label': `Mailbox depths: ${entries.map(([k, m]) => `${k} ${m.depth}`).join(', ')}`, 'data-testid': 'mailboxes' }, parts);
}
