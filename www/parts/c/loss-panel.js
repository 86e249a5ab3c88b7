// Part C's output, GPT-1's fine-tuning loss: L = L_task + λ·L_lm, with the numbers filled in and −ln p drawn.
// Loaded when Part C first comes into sight (parts/lesson.js); its controls (loss-controls.js) are bound to the
// store from the first load on.
import { svg, messageOf } from '../../drawing/dom.js';
import { newest } from '../../engine/engine.js';
import { parseLambda, parseLmLoss, parseProbability, four, short } from '../../state/numbers.js';

// the plot's frame: p from 0 to 1 across, loss from 0 to Y_MAX up
const W = 320;
const H = 200;
const PAD = 34;
const Y_MAX = 5;
const x = (p) => PAD + p * (W - 2 * PAD);
const y = (l) => H - PAD - (Math.min(l, Y_MAX) / Y_MAX) * (H - 2 * PAD);

function drawAxes(plot) {
  let curve = '';
  for (let i = 0; i <= 200; i++) {
    const p = Math.max(i / 200, Math.exp(-Y_MAX)); // −ln p leaves the frame below p = e^−5
    curve += `${i ? 'L' : 'M'}${x(p).toFixed(1)},${y(-Math.log(p)).toFixed(1)}`;
  }
  plot.append(
    svg('path', { d: `M${x(0)},${y(0)}H${x(1)}M${x(0)},${y(0)}V${y(Y_MAX)}`, class: 'axis' }),
    svg('path', { d: curve, class: 'curve' }),
    ...[0, 0.5, 1].map((p) => svg('text', { x: x(p), y: H - PAD + 16, 'text-anchor': 'middle' }, String(p))),
    ...[0, 1, 2, 3, 4, 5].map((l) => svg('text', { x: PAD - 6, y: y(l) + 4, 'text-anchor': 'end' }, String(l))),
    svg('text', { x: W / 2, y: H - 4, 'text-anchor': 'middle' }, 'p given to the true label'),
    svg('text', { x: x(0.62), y: y(3.6), class: 'curve-label' }, '−ln p'),
  );
}

/** Draws Part C's output now and after every edit to `fields` (its controls', loss-controls.js) or the model. */
export function createLossPanel(ui, store, engine, fields) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const plot = $('loss-plot');
  drawAxes(plot);
  const point = svg('circle', { r: 6, class: 'point' });
  const guide = svg('path', { class: 'guide' });
  plot.append(guide, point);
  const ask = newest();

  function render() {
    const { state } = store;
    const p = parseProbability(state.pPositive);
    const lambda = parseLambda(state.lambda);
    const typed = parseLmLoss(state.lmLoss);
    const fromModel = state.lmSource === 'model';
    setError('p-positive', p.error);
    setError('lambda', lambda.error);
    setError('lm-loss', fromModel ? '' : typed.error);
    $('p-value').textContent = p.error ? state.pPositive : short(p.value, 2);
    const lm = fromModel ? store.model?.loss() : typed.value;
    $('lm-model-value').textContent = store.model ? four(store.model.loss()) : '—';
    if (p.error || lambda.error || lm === undefined || !Number.isFinite(lm)) return;
    // the classifier's probability for the true label: P(positive), or 1 − P(positive)
    const truth = state.label === 'positive' ? 0 : 1;
    const probs = [p.value, 1 - p.value];
    ask(engine.request('page', 'losses', { probs, truth, lm, lambda: lambda.value }))
      .then(({ task, total }) => draw({ state, probs, truth, lm, lambda: lambda.value, task, total }),
        (error) => setError('lambda', messageOf(error)));
  }

  /** The two losses with their numbers filled in, and the point on −ln p. */
  function draw({ state, probs, truth, lm, lambda, task, total }) {
    $('task-loss').textContent = four(task);
    $('combined-loss').textContent = four(total);
    $('task-equation').textContent = `L_task = −ln P(${state.label}) = −ln ${short(probs[truth], 4)} = ${four(task)}`;
    $('combined-equation').textContent = `L = L_task + λ·L_lm = ${four(task)} + ${short(lambda, 4)} × ${short(lm, 4)} `
      + `= ${four(total)}`;
    point.setAttribute('cx', x(probs[truth]));
    point.setAttribute('cy', y(task));
    guide.setAttribute('d', `M${x(probs[truth])},${y(0)}V${y(task)}H${x(0)}`);
    $('loss-plot-desc').textContent = `The point is at p = ${short(probs[truth], 4)}, loss ${four(task)}.`;
  }

  const keys = new Set(['model', ...fields]);
  store.subscribe((changed) => { if ([...changed].some((k) => keys.has(k))) render(); });
  render();
}
