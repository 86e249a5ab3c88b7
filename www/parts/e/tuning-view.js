// What Part E's fine-tuning shows of a run (tuning-run.js): both copies before and after in one table, each step's
// losses as curves, and what the run shows in words from its own numbers (Part D's runSummary) beside the paper's
// finding. Every number of the table also sits, unrounded, in a data-value.
import { el } from '../../drawing/dom.js';
import { drawCurves } from '../../drawing/line-chart.js';
import { four } from '../../state/numbers.js';
import { runSummary } from '../d/finetune.js';
import { copyLabel } from './tuning-run.js';

const WORDS = { loss: 'L_lm on the held-out text', lower: 'L_lm on the held-out text', text: 'the held-out text' };
const percent = (x) => `${Math.round(x * 100)}%`;

/** Both copies before and after: held-out accuracy and L_task, L_lm on the held-out text. */
export function resultsTable(runs, tested, lines) {
  const cell = (run, when, name, print) => {
    const value = run[when]?.[name];
    return el('td', { 'data-lambda': String(run.lambda), 'data-when': when, 'data-name': name,
      'data-value': value === undefined ? '' : String(value), text: value === undefined ? '—' : print(value) });
  };
  const row = (heading, name, print) => el('tr', {}, el('th', { scope: 'row', text: heading }),
    ...runs.flatMap((run) => [cell(run, 'before', name, print), cell(run, 'after', name, print)]));
  return el('table', { class: 'loss-table gpt-ft-table gpt1-ft-table' },
    el('caption', { text: 'Two fine-tunings of GPT-1, each measured before and after' }),
    el('thead', {},
      el('tr', {}, el('td', {}), ...runs.map((run) => el('th', { scope: 'colgroup', colSpan: 2, text: copyLabel(run.lambda) }))),
      el('tr', {}, el('th', { scope: 'col', text: 'measure' }), ...runs.flatMap(() => [el('th', { scope: 'col', text: 'before' }), el('th', { scope: 'col', text: 'after' })]))),
    el('tbody', {},
      row(`accuracy on the ${tested} held-out examples`, 'accuracy', percent),
      row(`L_task on the ${tested} held-out examples`, 'task', four),
      row(`L_lm on the held-out text (${lines} line${lines === 1 ? '' : 's'})`, 'lm', four)));
}

/** The steps' losses of both copies as curves (`key`: 'task' or 'lm'), and a description of them in words. */
export function drawLosses(plot, runs, key, steps) {
  const name = key === 'task' ? 'L_task' : 'L_lm';
  drawCurves(plot, {
    series: runs.map((run, i) => ({ points: run.losses.map((l) => [l.step, l[key]]), className: i ? 'mixed' : 'plain',
      label: `${name}, ${copyLabel(run.lambda)}` })),
    xMax: steps, xLabel: 'fine-tuning step', yLabel: `${name} (nats)`, height: 220,
  });
  plot.querySelector('desc').textContent = runs.filter((run) => run.losses.length).map((run) => `${copyLabel(run.lambda)}: `
    + `from ${four(run.losses[0][key])} at step 1 to ${four(run.losses.at(-1)[key])} at step ${run.losses.length}`).join('; ');
}

/** What the run shows in words, once both copies are measured after; '' before that. */
export function summaryText(runs, tested) {
  const done = runs.filter((run) => run.after);
  if (done.length < 2) return '';
  return runSummary({ before: runs[0].before.lm, runs: done.map((run) => ({ lambda: run.lambda, ...run.after })) }, tested, WORDS);
}
