// Loss curves in inline SVG for the tiny GPT: lines of (step, loss) points, and horizontal reference lines (the
// n-gram models' validation loss) each labelled with its name and value at the right edge.
import { svg } from './dom.js';
import { short } from './numbers.js';

const LEFT = 46;
const TOP = 12;
const BOTTOM = 40;

/** A round axis top and tick step for losses up to `max`. */
function scale(max) {
  const top = Math.max(0.5, max);
  const step = top <= 1 ? 0.25 : top <= 3 ? 0.5 : top <= 6 ? 1 : Math.ceil(top / 6);
  return { top: Math.ceil(top / step) * step, step };
}

/** A round number of steps to tick the x axis at. */
function xStep(max) {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? power * 10;
}

/**
 * Draws into `plot`: series = [{ points: [[x, y], …], className, label }], lines = [{ y, className, label }],
 * xMax (at least), xLabel, yLabel. The <title>/<desc> children are kept; everything else is replaced.
 */
export function drawCurves(plot, { series, lines = [], xMax = 1, xLabel = 'step', yLabel = 'loss (nats)', height = 260 }) {
  const W = Math.round(Math.max(300, Math.min(720, plot.parentElement?.clientWidth || 600)));
  const narrow = W < 480;
  const RIGHT = narrow ? 12 : 150; // room for the reference lines' labels
  const keyCount = series.length + (narrow ? lines.length : 0);
  const perRow = narrow ? 2 : 3;
  const H = height + 18 * Math.ceil(keyCount / perRow) + 6;
  plot.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const right = Math.max(xMax, ...xs, 1);
  const ys = [...series.flatMap((s) => s.points.map((p) => p[1])), ...lines.map((l) => l.y)].filter(Number.isFinite);
  const { top, step } = scale(ys.length ? Math.max(...ys) : 1);
  const x = (v) => LEFT + (v / right) * (W - LEFT - RIGHT);
  const y = (v) => height - BOTTOM - (Math.min(v, top) / top) * (height - TOP - BOTTOM);
  const parts = [];

  for (let v = 0; v <= top + 1e-9; v += step) {
    parts.push(svg('path', { d: `M${LEFT},${y(v)}H${W - RIGHT}`, class: v === 0 ? 'axis' : 'gridline' }),
      svg('text', { x: LEFT - 6, y: y(v) + 4, 'text-anchor': 'end' }, short(v, 2)));
  }
  const tick = xStep(right);
  for (let v = 0; v <= right + 1e-9; v += tick) {
    parts.push(svg('text', { x: x(v), y: height - BOTTOM + 16, 'text-anchor': 'middle' }, v.toLocaleString('en-US')));
  }
  parts.push(
    svg('text', { x: (LEFT + W - RIGHT) / 2, y: height - 6, 'text-anchor': 'middle' }, xLabel),
    svg('text', { x: 12, y: (TOP + height - BOTTOM) / 2, 'text-anchor': 'middle',
      transform: `rotate(-90 12 ${(TOP + height - BOTTOM) / 2})` }, yLabel),
  );

  // the reference lines, labelled at the right edge (or in the key below on a phone); labels never overlap
  let lastLabel = -Infinity;
  [...lines].sort((a, b) => y(a.y) - y(b.y)).forEach((line) => {
    parts.push(svg('path', { d: `M${LEFT},${y(line.y).toFixed(1)}H${W - RIGHT}`, class: `ref ${line.className}` },
      svg('title', {}, `${line.label}: ${line.y.toFixed(3)}`)));
    if (!narrow) {
      const ly = Math.max(y(line.y) + 4, lastLabel + 14);
      lastLabel = ly;
      parts.push(svg('text', { x: W - RIGHT + 6, y: ly, class: `ref-label ${line.className}` }, `${line.label} ${line.y.toFixed(3)}`));
    }
  });

  for (const s of series) {
    const d = s.points.filter((p) => Number.isFinite(p[1]))
      .map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    if (d) parts.push(svg('path', { d, class: `curve series ${s.className}` }));
  }

  // the key under the plot: what each colour is
  const keys = [...series.map((s) => [`curve key ${s.className}`, s.label]), ...(narrow ? lines.map((l) => [`ref key ${l.className}`, `${l.label} ${l.y.toFixed(3)}`]) : [])];
  keys.forEach(([cls, text], i) => {
    const kx = (narrow ? 8 : LEFT) + (i % perRow) * ((W - (narrow ? 8 : LEFT)) / perRow);
    const ky = height + 4 + Math.floor(i / perRow) * 18;
    parts.push(svg('path', { d: `M${kx},${ky}h20`, class: cls }), svg('text', { x: kx + 26, y: ky + 4, class: 'key' }, text));
  });

  const keep = [plot.querySelector('title'), plot.querySelector('desc')].filter(Boolean);
  plot.replaceChildren(...keep, ...parts);
}
