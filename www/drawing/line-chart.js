// Line charts in inline SVG (no library), written once: the frame every chart of the page has — a round y scale with
// grid lines and labels, the axis titles, a key — and loss curves over steps (Part D's training and fine-tuning).
// The evaluation's chart (chart.js) draws its lines over orders in the same frame.
import { svg } from './dom.js';
import { short } from '../state/numbers.js';

/** A round upper bound for the y axis and its tick step. */
export function scale(max) {
  const top = Math.max(0.5, max);
  const step = top <= 1 ? 0.25 : top <= 3 ? 0.5 : top <= 6 ? 1 : Math.ceil(top / 6);
  return { top: Math.ceil(top / step) * step, step };
}

/**
 * The frame's parts for a plot from x = left to right and y = top to bottom (SVG units) showing 0 to `max` upward:
 * horizontal grid lines with their labels, and the titles of both axes. Returns { y(value), parts }.
 */
export function frame({ left, right, top, bottom, max, xLabel, yLabel, height }) {
  const { top: highest, step } = scale(max);
  const y = (v) => bottom - (Math.min(v, highest) / highest) * (bottom - top);
  const parts = [];
  for (let v = 0; v <= highest + 1e-9; v += step) {
    parts.push(svg('path', { d: `M${left},${y(v)}H${right}`, class: v === 0 ? 'axis' : 'gridline' }),
      svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end' }, short(v, 2)));
  }
  const middle = (top + bottom) / 2;
  parts.push(
    svg('text', { x: (left + right) / 2, y: height - 6, 'text-anchor': 'middle' }, xLabel),
    svg('text', { x: 12, y: middle, 'text-anchor': 'middle', transform: `rotate(-90 12 ${middle})` }, yLabel),
  );
  return { y, parts };
}

/** Replaces what `plot` shows with `parts`, keeping its <title> and <desc> (its accessible name and description). */
export function replacePlot(plot, parts) {
  const keep = [plot.querySelector('title'), plot.querySelector('desc')].filter(Boolean);
  plot.replaceChildren(...keep, ...parts);
}

/** A round number of steps to tick the x axis at. */
function xStep(max) {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? power * 10;
}

const LEFT = 46;
const TOP = 12;
const BOTTOM = 40;

/** The reference lines, labelled at the right edge (unless `narrow`: then in the key); labels never overlap. */
function referenceLines(lines, { y, right, narrow }) {
  const parts = [];
  let lastLabel = -Infinity;
  [...lines].sort((a, b) => y(a.y) - y(b.y)).forEach((line) => {
    parts.push(svg('path', { d: `M${LEFT},${y(line.y).toFixed(1)}H${right}`, class: `ref ${line.className}` },
      svg('title', {}, `${line.label}: ${line.y.toFixed(3)}`)));
    if (narrow) return;
    const ly = Math.max(y(line.y) + 4, lastLabel + 14);
    lastLabel = ly;
    parts.push(svg('text', { x: right + 6, y: ly, class: `ref-label ${line.className}` }, `${line.label} ${line.y.toFixed(3)}`));
  });
  return parts;
}

/**
 * Draws loss curves into `plot`: series = [{ points: [[x, y], …], className, label, key (false: not in the key) }],
 * lines = [{ y, className,
 * label }] (reference losses), marks = [{ x, y, className, label }] (a ring at a point, a dotted line down to the
 * axis), xMax (at least), xLabel, yLabel, height.
 */
export function drawCurves(plot, { series, lines = [], marks = [], xMax = 1, xLabel = 'step', yLabel = 'loss (nats)', height = 260 }) {
  const W = Math.round(Math.max(300, Math.min(720, plot.parentElement?.clientWidth || 600)));
  const narrow = W < 480;
  const right = W - (narrow ? 12 : 150); // room for the reference lines' labels
  const keyed = series.filter((s) => s.key !== false);
  const keyCount = keyed.length + (narrow ? lines.length : 0);
  const perRow = narrow ? 2 : 3;
  plot.setAttribute('viewBox', `0 0 ${W} ${height + 18 * Math.ceil(keyCount / perRow) + 6}`);
  const xEnd = Math.max(xMax, ...series.flatMap((s) => s.points.map((p) => p[0])), 1);
  const ys = [...series.flatMap((s) => s.points.map((p) => p[1])), ...lines.map((l) => l.y)].filter(Number.isFinite);
  const { y, parts } = frame({ left: LEFT, right, top: TOP, bottom: height - BOTTOM, max: ys.length ? Math.max(...ys) : 1,
    xLabel, yLabel, height });
  const x = (v) => LEFT + (v / xEnd) * (right - LEFT);
  const tick = xStep(xEnd);
  for (let v = 0; v <= xEnd + 1e-9; v += tick) {
    // a label near the right edge ends there instead of being cut in half
    const last = x(v) > W - 24;
    parts.push(svg('text', { x: last ? Math.min(x(v) + 10, W - 2) : x(v), y: height - BOTTOM + 16,
      'text-anchor': last ? 'end' : 'middle' }, v.toLocaleString('en-US')));
  }
  parts.push(...referenceLines(lines, { y, right, narrow }));
  for (const s of series) {
    const d = s.points.filter((p) => Number.isFinite(p[1]))
      .map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    if (d) parts.push(svg('path', { d, class: `curve series ${s.className}` }));
  }
  for (const m of marks) {
    const at = [x(m.x).toFixed(1), y(m.y).toFixed(1)];
    parts.push(svg('path', { d: `M${at[0]},${at[1]}V${height - BOTTOM}`, class: `mark-drop ${m.className}` }),
      svg('circle', { cx: at[0], cy: at[1], r: 5, class: `mark ${m.className}` }, svg('title', {}, m.label)));
  }
  // the key under the plot: what each colour is
  const keys = [...keyed.map((s) => [`curve key ${s.className}`, s.label]),
    ...(narrow ? lines.map((l) => [`ref key ${l.className}`, `${l.label} ${l.y.toFixed(3)}`]) : [])];
  const start = narrow ? 8 : LEFT;
  keys.forEach(([cls, text], i) => {
    const kx = start + (i % perRow) * ((W - start) / perRow);
    const ky = height + 4 + Math.floor(i / perRow) * 18;
    parts.push(svg('path', { d: `M${kx},${ky}h20`, class: cls }), svg('text', { x: kx + 26, y: ky + 4, class: 'key' }, text));
  });
  replacePlot(plot, parts);
}
