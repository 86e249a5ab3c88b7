// What the training lab says about its curves, as plain data (no DOM, tested in Node): where validation first
// crosses each n-gram line, the best validation step (for early stopping), whether the model is overfitting, the one
// status sentence the lab shows, and how fast to ask for steps at a chosen speed.
import { four, grouped } from '../../state/numbers.js';

export const NAMES = { 2: 'bigram', 3: 'trigram', 4: '4-gram' };

/**
 * For each n-gram line, the first recorded point where the validation loss is below it: `[{ order, loss, step,
 * val }]`, in the baselines' order, leaving out a line never crossed. `history` is `{ step, train, val }` (arrays).
 */
export function crossings(history, baselines) {
  const out = [];
  for (const b of baselines) {
    const i = history.val.findIndex((v) => v < b.loss);
    if (i >= 0) out.push({ order: b.order, loss: b.loss, step: history.step[i], val: history.val[i] });
  }
  return out;
}

/** The recorded point with the lowest validation loss (the earliest among equals): `{ index, step, val }` or null. */
export function best(history) {
  let index = -1;
  history.val.forEach((v, i) => { if (Number.isFinite(v) && (index < 0 || v < history.val[index])) index = i; });
  return index < 0 ? null : { index, step: history.step[index], val: history.val[index] };
}

/** The mean of `values[from..to)` (the batch loss is noisy: a few points are averaged). */
const mean = (values, from, to) => {
  const part = values.slice(Math.max(0, from), to);
  return part.reduce((a, b) => a + b, 0) / part.length;
};

/** How far validation may rise above its best before the lab calls it overfitting: 0.02 nats or 1 %. */
export const RISE = (bestVal) => Math.max(0.02, 0.01 * bestVal);

/** Recorded points in a row that must all sit clearly above the best before the lab says "overfitting". */
export const SUSTAINED = 5;

/**
 * True when the validation loss has stayed clearly above its best (the last SUSTAINED points all above it by
 * RISE) while the training loss kept falling (its mean since the best below its mean over as many points up to
 * the best): the model is memorising its training lines. One batch's training loss is noisy, and so is a single
 * validation point: a test on the last few points alone named overfitting at random steps and took it back.
 */
export function overfitting(history) {
  const b = best(history);
  const last = history.val.length - 1;
  if (!b || last - b.index < SUSTAINED) return false;
  const rose = history.val.slice(last - SUSTAINED + 1).every((v) => v - b.val > RISE(b.val));
  const { before, since } = trainingAround(history, b.index);
  return rose && since < before;
}

/**
 * The training loss around the point `at`: its mean over the points since, and over as many points up to and
 * including it (fewer near the start).
 */
function trainingAround(history, at) {
  const last = history.train.length - 1;
  const count = last - at;
  return { since: mean(history.train, at + 1, last + 1), before: mean(history.train, at + 1 - count, at + 1) };
}

/**
 * The lab's one status sentence, from its phase and the last recorded point (the same point the readout shows):
 * phase is empty | creating | training | paused | done.
 */
export function statusText(phase, history, baselines = []) {
  if (phase === 'creating') return 'Loading the transformer and counting the n-gram models…';
  const last = history.step.length - 1;
  if (last < 0) return phase === 'empty' ? '' : 'Step 0.';
  const val = history.val[last];
  const bigram = baselines.find((b) => b.order === 2)?.loss;
  const compare = bigram === undefined ? '' : val < bigram ? `, below the bigram's ${four(bigram)}` : `; the bigram's is ${four(bigram)}`;
  const where = `step ${grouped(history.step[last])}: validation loss ${four(val)}${compare}.`;
  const b = best(history);
  // (the training loss need only not rise with it: it may fall a lot, or hardly at all, so its numbers are given)
  const around = b && trainingAround(history, b.index);
  const fit = overfitting(history)
    ? ` Overfitting: validation has risen since its best, ${four(b.val)} at step ${grouped(b.step)}, while the training loss did not rise with it (its mean ${four(around.before)} before that step, ${four(around.since)} since).`
    : '';
  const lead = { training: 'Training, at ', paused: 'Paused at ', done: 'Finished at ' }[phase] ?? 'At ';
  return `${lead}${where}${fit}`;
}

/**
 * How to pace training at `perSecond` steps a second: ask for `chunk` steps at a time, and ask for the next chunk
 * no earlier than `due(startedAt, stepsSinceStart)` (a time in ms). Full speed asks for `fullChunk` at once.
 */
export function pace(perSecond, fullChunk = 25) {
  if (!(perSecond > 0)) return { chunk: fullChunk, due: (startedAt) => startedAt };
  // about ten requests a second at most: a few steps a request when fast, one at a time in slow motion
  const chunk = Math.max(1, Math.min(fullChunk, Math.round(perSecond / 10)));
  return { chunk, due: (startedAt, steps) => startedAt + (1000 * steps) / perSecond };
}
