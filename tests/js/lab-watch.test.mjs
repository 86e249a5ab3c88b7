// What the training lab says about its curves: crossings, the best step, overfitting, the status line, the pace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossings, best, overfitting, statusText, pace } from '../../www/parts/d/lab-watch.js';
import { grouped } from '../../www/state/numbers.js';

const BASELINES = [{ order: 2, loss: 2.0 }, { order: 3, loss: 1.8 }, { order: 4, loss: 1.9 }];
const history = (points) => ({ step: points.map((p) => p[0]), train: points.map((p) => p[1]), val: points.map((p) => p[2]) });

test('the first point below each n-gram line, in the lines\' order; a line never crossed is left out', () => {
  const h = history([[25, 3, 3.1], [50, 2.2, 1.95], [75, 2, 1.85], [100, 1.9, 1.95], [125, 1.7, 1.79]]);
  assert.deepEqual(crossings(h, BASELINES), [
    { order: 2, loss: 2.0, step: 50, val: 1.95 },
    { order: 3, loss: 1.8, step: 125, val: 1.79 },
    { order: 4, loss: 1.9, step: 75, val: 1.85 },
  ]);
  assert.deepEqual(crossings(history([[25, 3, 3.1]]), BASELINES), []);
});

test('best step: the lowest validation loss, the earliest of equals', () => {
  assert.equal(best(history([])), null);
  assert.deepEqual(best(history([[25, 3, 2], [50, 2, 1.5], [75, 1, 1.5], [100, 1, 1.7]])), { index: 1, step: 50, val: 1.5 });
});

test('overfitting: validation clearly above its best for five points while training falls; not on noise, not while both rise', () => {
  const rising = history([[25, 3, 2.5], [50, 2.5, 2.0], [75, 2.2, 1.9], [100, 2.0, 1.95], [125, 1.8, 2.0], [150, 1.6, 2.1],
    [175, 1.5, 2.15], [200, 1.4, 2.2]]);
  assert.equal(overfitting(rising), true);
  // four points above the best are not yet enough
  assert.equal(overfitting({ step: rising.step.slice(0, 7), train: rising.train.slice(0, 7), val: rising.val.slice(0, 7) }), false);
  // one point back near the best among the last five: a flicker, not a verdict
  const flicker = history([[25, 3, 2.5], [50, 2.5, 1.9], [75, 2.2, 1.95], [100, 2.0, 1.95], [125, 1.8, 1.91],
    [150, 1.6, 1.96], [175, 1.5, 1.97]]);
  assert.equal(overfitting(flicker), false);
  // a wobble within 0.02 nats of the best is not a rise
  const noise = history([[25, 3, 2.5], [50, 2.5, 1.9], [75, 2.2, 1.91], [100, 2.0, 1.915], [125, 1.8, 1.91],
    [150, 1.7, 1.915], [175, 1.6, 1.91]]);
  assert.equal(overfitting(noise), false);
  // validation up, training up too: a bad step size, not memorising
  const diverging = history([[25, 2, 2.0], [50, 1.9, 1.9], [75, 2.5, 2.3], [100, 2.8, 2.5], [125, 3, 2.8],
    [150, 3.1, 2.9], [175, 3.2, 3.0]]);
  assert.equal(overfitting(diverging), false);
  // still improving
  assert.equal(overfitting(history([[25, 3, 3], [50, 2, 2], [75, 1.5, 1.6]])), false);
});

test('the status sentence reads the last point, groups its digits, and names overfitting', () => {
  assert.equal(statusText('empty', history([])), '');
  assert.equal(statusText('creating', history([])), 'Loading the transformer and counting the n-gram models…');
  const h = history([[14750, 1.5, 1.9]]);
  assert.equal(statusText('training', h, BASELINES), 'Training, at step 14,750: validation loss 1.9000, below the bigram\'s 2.0000.');
  assert.equal(statusText('paused', history([[25, 3, 2.5]]), BASELINES), 'Paused at step 25: validation loss 2.5000; the bigram\'s is 2.0000.');
  const over = history([[25, 3, 2.5], [50, 2.5, 2.0], [75, 2.2, 1.9], [100, 2.0, 1.95], [125, 1.8, 2.0], [150, 1.6, 2.1],
    [175, 1.5, 2.15], [200, 1.4, 2.2]]);
  // the training loss's means before and since the best, not a claim that it "keeps falling" (it may be flat)
  assert.match(statusText('done', over, BASELINES), /^Finished at step 200: .* Overfitting: validation has risen since its best, 1\.9000 at step 75, while the training loss did not rise with it \(its mean 2\.5667 before that step, 1\.6600 since\)\.$/);
  const flat = history([[25, 3, 2.5], [50, 1.2, 2.0], [75, 1.2, 1.9], [100, 1.2, 1.95], [125, 1.2, 2.0], [150, 1.2, 2.1],
    [175, 1.2, 2.15], [200, 1.19, 2.2]]);
  assert.match(statusText('done', flat, BASELINES), /did not rise with it \(its mean 1\.8000 before that step, 1\.1980 since\)\.$/);
  assert.doesNotMatch(statusText('done', flat, BASELINES), /keeps falling/);
  assert.equal(grouped(1234567), '1,234,567');
});

test('pace: full speed asks for whole chunks at once; slow motion one step at a time, spaced in time', () => {
  const full = pace(0);
  assert.equal(full.chunk, 25);
  assert.equal(full.due(1000, 500), 1000);
  const slow = pace(2);
  assert.equal(slow.chunk, 1);
  assert.equal(slow.due(1000, 3), 2500, 'the 3rd step after the start is due 1.5 s later');
  assert.equal(pace(100).chunk, 10);
  assert.equal(pace(20).chunk, 2);
  assert.equal(pace(5).chunk, 1);
});
