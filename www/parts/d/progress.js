// Part D's training progress as the section draws it: the step and losses read out, the n-gram baselines, the loss
// curves with the baselines as reference lines (and where validation first crossed each), the best step so far,
// and the same in words. The status line, the readout and the chart's description all read the same last point.
import { $, el } from '../../drawing/dom.js';
import { drawCurves } from '../../drawing/line-chart.js';
import { four, grouped } from '../../state/numbers.js';
import { NAMES, best, crossings, overfitting, statusText } from './lab-watch.js';

/** Where training stands, in words: the lab's one status sentence (lab-watch.js). */
export const progressText = ({ phase, made, history }) => statusText(phase, history, made?.baselines);

/** The best validation step so far, with the offer to return to it once validation is above it. */
export function showBest({ history }) {
  const b = best(history);
  const last = history.step.at(-1);
  const box = $('gpt-best-box');
  box.hidden = !b || b.step === last;
  if (box.hidden) return;
  $('gpt-best').textContent = `${overfitting(history) ? 'Overfitting. ' : ''}The lowest validation loss so far is ${four(b.val)}, at step ${grouped(b.step)}; returning there is early stopping.`;
  $('gpt-rewind').textContent = `Return to step ${grouped(b.step)}`;
}

/** The step, the last losses and the parameter count. */
export function showReadout({ made, history }) {
  const last = history.step.length - 1;
  const valLoss = $('gpt-val-loss');
  $('gpt-step').textContent = last < 0 ? '0' : grouped(history.step[last]);
  $('gpt-train-loss').textContent = last < 0 ? '—' : four(history.train[last]);
  valLoss.textContent = last < 0 ? (made ? four(made.val) : '—') : four(history.val[last]);
  valLoss.dataset.value = last < 0 ? (made ? String(made.val) : '') : String(history.val[last]);
  $('gpt-params').textContent = made ? made.parameters.toLocaleString('en-US') : '—';
}

/** The n-gram models' validation losses on the same split, and how the corpus was split. */
export function showBaselines({ made }) {
  $('gpt-baselines').replaceChildren(...(made?.baselines ?? []).map((b) => el('li', { class: `n${b.order}`, 'data-order': b.order },
    el('span', { class: 'swatch', 'aria-hidden': 'true' }),
    `${NAMES[b.order]} (best k = ${b.k}): `, el('span', { class: 'value', 'data-value': String(b.loss), text: four(b.loss) }),
    el('span', { class: 'crossed' }))));
  const note = $('gpt-split');
  if (!made) {
    note.textContent = '';
    return;
  }
  const dropped = made.droppedCount
    ? ` ${made.droppedCount} held-out line${made.droppedCount === 1 ? ' was' : 's were'} left out of validation because a token in it never occurs in the training lines (e.g. “${made.dropped[0].token}”).`
    : '';
  note.textContent = `Trained on ${made.trainLines.toLocaleString('en-US')} lines, validated on ${made.valLines.toLocaleString('en-US')}; vocabulary ${grouped(made.vocab)} tokens, context ${made.context}.${dropped}`;
}

/**
 * Beside each n-gram line's loss, in words, the step where validation first went below it (the chart's ring says
 * the same, but only to a pointer that hovers).
 */
function showCrossings(history, crossed) {
  for (const item of $('gpt-baselines').children) {
    const at = crossed.find((c) => c.order === Number(item.dataset.order));
    item.querySelector('.crossed').textContent = !history.step.length ? ''
      : at ? `; validation first below it at step ${grouped(at.step)}` : '; validation not below it yet';
  }
}

let queued = false;
/** The loss curves (in the next frame: a chunk's answer may come before the last one was drawn). */
export function drawChart(session, maxSteps) {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    const { made, history } = session;
    const points = (part, ys) => part.step.map((s, i) => [s, ys[i]]);
    const crossed = crossings(history, made?.baselines ?? []);
    const undone = history.undone ?? [];
    drawCurves($('gpt-chart'), {
      series: [
        { points: points(history, history.train), className: 'train', label: 'training (batch)' },
        { points: points(history, history.val), className: 'val', label: 'validation' },
        // what early stopping undid: greyed, one key for them all
        ...undone.flatMap((part, i) => [
          { points: points(part, part.train), className: 'undone train', key: false },
          { points: points(part, part.val), className: 'undone val', label: 'undone by early stopping', key: i === 0 },
        ]),
      ],
      lines: (made?.baselines ?? []).map((b) => ({ y: b.loss, className: `n${b.order}`, label: NAMES[b.order] })),
      marks: crossed.map((c) => ({ x: c.step, y: c.loss, className: `n${c.order}`,
        label: `validation first below the ${NAMES[c.order]} at step ${grouped(c.step)}` })),
      xMax: Math.max(maxSteps() ?? 2000, history.step.at(-1) ?? 0),
      xLabel: 'optimisation step',
    });
    showCrossings(history, crossed);
    const marks = crossed.map((c) => `below the ${NAMES[c.order]} from step ${grouped(c.step)}`).join(', ');
    const greyed = undone.map((part) => `steps ${grouped(part.step[0])} to ${grouped(part.step.at(-1))}`).join(' and ');
    $('gpt-chart-desc').textContent = history.step.length
      ? `${progressText(session)} ${(made?.baselines ?? []).map((b) => `${NAMES[b.order]} ${four(b.loss)}`).join(', ')}.${marks ? ` Validation: ${marks}.` : ''}${
        greyed ? ` In grey, the curves of ${greyed}, undone by early stopping.` : ''}`
      : 'No training yet.';
  });
}
