// What Part D's fine-tuning says about its own run: computed from the run's numbers, never claiming that the
// language-model term helped where the run says it did not; and the paper's finding beside it, as Table 5 has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSummary, PAPER_FINDING } from '../../www/parts/d/finetune.js';

const run = (lambda, accuracy, lm) => ({ lambda, accuracy, lm, trainAccuracy: 1, lmLoss: [] });

test('a run where λ = 0.5 did worse on the task (52% against 87% of 23) says so, and claims no improvement', () => {
  const text = runSummary({ before: 1.2, runs: [run(0, 20 / 23, 2.3), run(0.5, 12 / 23, 1.7)] }, 23);
  assert.match(text, /^On the 23 held-out examples, the task alone \(λ = 0\) got 20 right and λ = 0\.5 got 12: in this run the language-model term cost the task 8 examples \(one example is 4 percentage points\)\./);
  assert.match(text, /changed the language model's validation loss by \+1\.100; with λ = 0\.5 by \+0\.500\. The language-model term kept more/);
  assert.doesNotMatch(text, /helped the task|improves/);
  assert.ok(text.endsWith(PAPER_FINDING));
});

test('a run where it helped, and one where it made no difference, each say what happened', () => {
  assert.match(runSummary({ before: 1, runs: [run(0, 0.5, 2), run(0.5, 0.75, 1.5)] }, 4), /helped the task, by 1 example \(one example is 25 percentage points\)/);
  const same = runSummary({ before: 1, runs: [run(0, 0.8, 1.2), run(0.25, 0.8, 1.4)] }, 10);
  assert.match(same, /in this run the language-model term made no difference to the task/);
  assert.match(same, /with λ = 0\.25 by \+0\.400\. Here the language-model term did not keep the validation loss lower/);
});

test("the paper's finding: larger data sets helped, smaller ones not; 74.7 with the term, 75.0 without", () => {
  assert.match(PAPER_FINDING, /Table 5/);
  assert.match(PAPER_FINDING, /helped on its larger data sets \(QQP, MNLI, QNLI\) and not on the smaller ones/);
  assert.match(PAPER_FINDING, /74\.7 with it and 75\.0 without/);
});
