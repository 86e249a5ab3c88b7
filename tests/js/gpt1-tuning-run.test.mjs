// Part E's fine-tuning run without the page (parts/e/tuning-run.js): the requests it sends GPT-1's worker, with a
// stand-in session that answers as the worker would and records every request; the two copies one after the other,
// the progress, Pause holding the next request, Stop dropping the copy; and the run's summary in Part E's words
// (tuning-view.js over Part D's runSummary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TuningRun, copyLabel } from '../../www/parts/e/tuning-run.js';
import { summaryText } from '../../www/parts/e/tuning-view.js';

const DATA = { labels: ['good', 'bad'], train: [{ text: 'a', label: 0, line: 1 }], test: [{ text: 'b', label: 1, line: 2 }],
  heldOut: ['plain'], lambda: 0.5, steps: 3, rate: 1e-3, blocks: 1, seed: 7 };

/** A stand-in for GPT-1's worker: records each request; each step's task loss falls by 0.1 from 1. */
function standIn() {
  const sent = [];
  let step = 0;
  const answers = {
    tuneStart: () => { step = 0; return { trainable: 1000, memory: 7e8, before: { task: 1, accuracy: 0.5, lm: 4 } }; },
    tuneStep: () => { step += 1; return { step, task: 1 - step / 10, lm: 4 + step / 100, total: 0 }; },
    tuneEnd: () => ({ task: 0.6, accuracy: 1, lm: 4.2 }),
    tuneStop: () => true,
  };
  return { sent, request: async (type, payload) => { sent.push([type, payload]); return answers[type](); } };
}

test('a run fine-tunes λ = 0, then the student\'s λ, each measured before and after, one request a step', async () => {
  const session = standIn();
  const heard = [];
  const run = new TuningRun(session, DATA, (news) => heard.push(news));
  assert.equal(await run.run(), true);
  const types = session.sent.map(([type]) => type);
  assert.deepEqual(types, ['tuneStart', 'tuneStep', 'tuneStep', 'tuneStep', 'tuneEnd', 'tuneStart', 'tuneStep', 'tuneStep', 'tuneStep', 'tuneEnd']);
  assert.deepEqual(session.sent.filter(([t]) => t === 'tuneStart').map(([, p]) => p.lambda), [0, 0.5]);
  assert.deepEqual(session.sent[0][1], { labels: DATA.labels, train: DATA.train, test: DATA.test, heldOut: DATA.heldOut,
    lambda: 0, blocks: 1, rate: 1e-3, seed: 7, warmup: 1 });
  assert.deepEqual(run.runs.map((r) => [r.lambda, r.losses.map((l) => l.step), r.after.lm]), [[0, [1, 2, 3], 4.2], [0.5, [1, 2, 3], 4.2]]);
  assert.deepEqual(heard.filter((n) => n.done).map((n) => `${n.done}/${n.total}`), ['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
  assert.ok(heard.some((n) => n.status === 'Copy 2 of 2 (λ = 0.5): step 3 of 3, L_task 0.7000 and L_lm 4.0300 on its batch. 1,000 weights train; the worker\'s module holds 700 MB.'));
  assert.equal(copyLabel(0), 'λ = 0 (task only)');
});

test('Pause holds the next request until Go on; Stop sends no step more, drops the copy, and the run says it ended', async () => {
  const session = standIn();
  let run;
  let paused = false;
  run = new TuningRun(session, DATA, (news) => {
    if (news.done === 1 && !paused) { paused = true; run.pause(); }
  });
  const finished = run.run();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(run.paused, true);
  assert.deepEqual(session.sent.map(([t]) => t), ['tuneStart', 'tuneStep'], 'no request while paused');
  run.resume();
  assert.equal(await finished, true);
  assert.equal(session.sent.length, 10);

  const stopping = standIn();
  const stopped = new TuningRun(stopping, DATA, (news) => { if (news.done === 2) stopped.stop(); });
  assert.equal(await stopped.run(), false);
  assert.deepEqual(stopping.sent.map(([t]) => t), ['tuneStart', 'tuneStep', 'tuneStep', 'tuneStop']);
  assert.equal(stopped.runs.length, 1);
  assert.equal(stopped.runs[0].after, undefined, 'the stopped copy has no after');
});

test('the summary, once both copies are measured, names L_lm on the held-out text and never says the term helped where it did not', () => {
  const copy = (lambda, accuracy, lm) => ({ lambda, before: { task: 1, accuracy: 0.5, lm: 4 }, losses: [], after: { task: 0.5, accuracy, lm } });
  assert.equal(summaryText([copy(0, 0.5, 4.3)], 4), '', 'one copy: nothing to compare yet');
  const worse = summaryText([copy(0, 0.75, 4.1), copy(0.5, 0.5, 4.2)], 4);
  assert.match(worse, /^On the 4 held-out examples, the task alone \(λ = 0\) got 3 right and λ = 0\.5 got 2: /);
  assert.match(worse, /Fine-tuning for the task alone changed L_lm on the held-out text by \+0\.100; with λ = 0\.5 by \+0\.200\./);
  assert.match(worse, /Here the language-model term did not keep L_lm on the held-out text lower: it trains on the task's own sequences, which can differ from the held-out text\./);
  assert.doesNotMatch(worse, /kept more of what pre-training learnt/);
  assert.match(summaryText([copy(0, 0.5, 4.3), copy(0.5, 0.5, 4.1)], 4), /The language-model term kept more of what pre-training learnt\./);
});
