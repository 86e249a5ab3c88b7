// Part D's training progress as the section draws it: the step and losses read out, the n-gram baselines, the loss
// curves with the baselines as reference lines, and the same in words.
import { $, el } from './dom.js';
import { drawCurves } from './line-chart.js';
import { four } from './numbers.js';

const NAMES = { 2: 'bigram', 3: 'trigram', 4: '4-gram' };

/** "Step n: validation loss x, below the bigram's y." — where training stands, in words. */
export function progressText({ made, history }) {
  const last = history.step.length - 1;
  if (last < 0) return 'Step 0.';
  const val = history.val[last];
  const bigram = made?.baselines.find((b) => b.order === 2)?.loss;
  const compare = bigram === undefined ? '' : val < bigram ? `, below the bigram's ${four(bigram)}` : `; the bigram's is ${four(bigram)}`;
  return `Step ${history.step[last].toLocaleString('en-US')}: validation loss ${four(val)}${compare}.`;
}

/** The step, the last losses and the parameter count. */
export function showReadout({ made, history }) {
  const last = history.step.length - 1;
  const valLoss = $('gpt-val-loss');
  $('gpt-step').textContent = last < 0 ? '0' : String(history.step[last]);
  $('gpt-train-loss').textContent = last < 0 ? '—' : four(history.train[last]);
  valLoss.textContent = last < 0 ? (made ? four(made.val) : '—') : four(history.val[last]);
  valLoss.dataset.value = last < 0 ? (made ? String(made.val) : '') : String(history.val[last]);
  $('gpt-params').textContent = made ? made.parameters.toLocaleString('en-US') : '—';
}

/** The n-gram models' validation losses on the same split, and how the corpus was split. */
export function showBaselines({ made }) {
  $('gpt-baselines').replaceChildren(...(made?.baselines ?? []).map((b) => el('li', { class: `n${b.order}`, 'data-order': b.order },
    el('span', { class: 'swatch', 'aria-hidden': 'true' }),
    `${NAMES[b.order]} (best k = ${b.k}): `, el('span', { class: 'value', 'data-value': String(b.loss), text: four(b.loss) }))));
  const note = $('gpt-split');
  if (!made) {
    note.textContent = '';
    return;
  }
  const dropped = made.droppedCount
    ? ` ${made.droppedCount} held-out line${made.droppedCount === 1 ? ' was' : 's were'} left out of validation because a token in it never occurs in the training lines (e.g. “${made.dropped[0].token}”).`
    : '';
  note.textContent = `Trained on ${made.trainLines.toLocaleString('en-US')} lines, validated on ${made.valLines.toLocaleString('en-US')}; vocabulary ${made.vocab} tokens, context ${made.context}.${dropped}`;
}

let queued = false;
/** The loss curves (in the next frame: a chunk's answer may come before the last one was drawn). */
export function drawChart(session, maxSteps) {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    const { made, history } = session;
    const points = (ys) => history.step.map((s, i) => [s, ys[i]]);
    drawCurves($('gpt-chart'), {
      series: [
        { points: points(history.train), className: 'train', label: 'training (batch)' },
        { points: points(history.val), className: 'val', label: 'validation' },
      ],
      lines: (made?.baselines ?? []).map((b) => ({ y: b.loss, className: `n${b.order}`, label: NAMES[b.order] })),
      xMax: Math.max(maxSteps() ?? 2000, history.step.at(-1) ?? 0),
      xLabel: 'optimisation step',
    });
    $('gpt-chart-desc').textContent = history.step.length
      ? `${progressText(session)} ${(made?.baselines ?? []).map((b) => `${NAMES[b.order]} ${four(b.loss)}`).join(', ')}.`
      : 'No training yet.';
  });
}
