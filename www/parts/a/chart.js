// The evaluation's line chart: loss against order, one colour per smoothing k, training dashed and validation solid,
// the best point ringed, in the frame every chart of the page has (line-chart.js).
import { svg } from '../../drawing/dom.js';
import { short } from '../../state/numbers.js';
import { frame, replacePlot } from '../../drawing/line-chart.js';

/** The chart's look: adopted (lookups' `adopt`) by the panel that draws it, where it is shown. */
export const CHART_CSS = `
.eval-figure { margin: 0.8rem 0 0; max-width: 48rem; }
.eval-figure svg { width: 100%; height: auto; overflow: hidden; }
.eval-figure text { fill: var(--muted); font-size: 12px; font-family: system-ui, sans-serif; }
.eval-figure .axis { stroke: var(--muted); fill: none; }
.eval-figure .gridline { stroke: var(--line); stroke-dasharray: 2 3; fill: none; }
.eval-figure .line { fill: none; stroke-width: 2.5; }
.eval-figure .line.training { stroke-width: 1.6; stroke-dasharray: 5 4; }
.eval-figure .line.key { stroke: var(--fg); }
.eval-figure .dot.training { stroke: none; }
.eval-figure .dot.validation { stroke: var(--panel); stroke-width: 1.5; }
.eval-figure .current { stroke: var(--muted); stroke-dasharray: 1 3; stroke-width: 1.5; }
.eval-figure .current-label { font-size: 10px; }
.eval-figure .best-ring { fill: none; stroke: var(--fg); stroke-width: 2.5; }
.eval-figure .best-label { fill: var(--fg); font-weight: 700; font-size: 12px; }
.eval-figure .k0 { stroke: var(--k0); fill: var(--k0); }
.eval-figure .k1 { stroke: var(--k1); fill: var(--k1); }
.eval-figure .k2 { stroke: var(--k2); fill: var(--k2); }
.eval-figure .k3 { stroke: var(--k3); fill: var(--k3); }
.eval-figure path.line { fill: none; }
html.presentation .eval-figure text { font-size: 13px; }
`;

const LEFT = 46;
const TOP = 14;
const BOTTOM = 44;
const NARROW = 480; // below this many pixels the legend goes under the plot

/**
 * Draws `grid` into the <svg> `plot`: grid = { orders, ks, train[o][k], val[o][k] | null, best: {o, k} | null,
 * current: order | null }, with indices into orders and ks, `shownWidth` pixels wide. Returns nothing; the SVG's
 * children are replaced.
 */
export function drawLossChart(plot, grid, shownWidth = plot.parentElement?.clientWidth) {
  const { orders, ks, train, val, best, current } = grid;
  // drawn at the size it is shown, so its text stays readable on a phone (the caller may know that width: reading
  // it here forces a layout of the whole page)
  const W = Math.round(Math.max(300, Math.min(640, shownWidth || 560)));
  const narrow = W < NARROW;
  const RIGHT = narrow ? 14 : 128; // room for the legend
  const PLOT_H = 300;
  const H = narrow ? PLOT_H + 70 : PLOT_H;
  plot.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const values = [...train.flat(), ...(val ? val.flat() : [])].filter(Number.isFinite);
  const x = (i) => LEFT + (orders.length === 1 ? 0 : (i / (orders.length - 1)) * (W - LEFT - RIGHT));
  // axes, horizontal grid lines and their labels
  const { y, parts } = frame({ left: LEFT, right: W - RIGHT, top: TOP, bottom: PLOT_H - BOTTOM,
    max: values.length ? Math.max(...values) : 1, xLabel: 'order n (tokens seen: n − 1)', yLabel: 'mean loss (nats)',
    height: PLOT_H });
  orders.forEach((order, i) => {
    parts.push(svg('text', { x: x(i), y: PLOT_H - BOTTOM + 16, 'text-anchor': 'middle' }, String(order)));
  });
  if (current !== null && current !== undefined) {
    parts.push(svg('path', { d: `M${x(current)},${TOP}V${PLOT_H - BOTTOM}`, class: 'current' }),
      svg('text', { x: x(current) + 4, y: TOP + 10, class: 'current-label' }, 'model above'));
  }

  /** One polyline through the finite points (a missing order breaks it) and a dot per point. */
  function series(rows, kIndex, kind) {
    let d = '';
    let pen = 'M';
    rows.forEach((row, i) => {
      const v = row[kIndex];
      if (!Number.isFinite(v)) { pen = 'M'; return; }
      d += `${pen}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = 'L';
    });
    const k = short(ks[kIndex], 4);
    parts.push(svg('path', { d, class: `line ${kind} k${kIndex}` }));
    rows.forEach((row, i) => {
      const v = row[kIndex];
      if (!Number.isFinite(v)) return;
      parts.push(svg('circle', {
        cx: x(i), cy: y(v), r: kind === 'validation' ? 4 : 2.5, class: `dot ${kind} k${kIndex}`,
        'data-order': orders[i], 'data-k': ks[kIndex], 'data-loss': v,
      }, svg('title', {}, `order ${orders[i]}, k = ${k}: ${kind} loss ${v.toFixed(4)}`)));
    });
  }
  ks.forEach((_, j) => {
    series(train, j, 'training');
    if (val) series(val, j, 'validation');
  });

  if (best) {
    const cx = x(best.o);
    const cy = y(val[best.o][best.k]);
    parts.push(svg('circle', { cx, cy, r: 9, class: 'best-ring' }),
      svg('text', { x: cx, y: cy - 13, 'text-anchor': 'middle', class: 'best-label' }, 'best'));
  }

  // the legend: one colour per k, then what dashed and solid mean (beside the plot, or under it when narrow)
  const entries = [
    ...ks.map((k, j) => [`line validation k${j}`, `k = ${short(k, 4)}`]),
    ['line validation key', 'validation'], ['line training key', 'training'],
  ];
  entries.forEach(([cls, text], i) => {
    const gap = !narrow && i >= ks.length ? 10 : 0;
    const lx = narrow ? 16 + (i % 3) * ((W - 16) / 3) : W - RIGHT + 18;
    const ly = narrow ? PLOT_H + 8 + Math.floor(i / 3) * 22 : TOP + 10 + i * 20 + gap;
    parts.push(svg('path', { d: `M${lx},${ly}h22`, class: cls }), svg('text', { x: lx + 28, y: ly + 4 }, text));
  });
  replacePlot(plot, parts);
}
