// Part E's experiments at GPT-1's full size in the SIMD build, as the page's worker runs them, on the random
// weights numpy's reference ran on (bench/gpt1_weights.mjs): token log-probabilities within 1e-4 of numpy
// (tests/fixtures/gpt1_full.json), and the fine-tuner of the top block: its steps, evaluation, gradients by name,
// the model it gives, the budget and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gpt1Chunks, gpt1Header, ROWS } from '../../bench/gpt1_weights.mjs';

const api = await import(new URL('../../www/gpt-api.js', import.meta.url));
api.initSync({ module: readFileSync(new URL('../../www/pkg/gpt1_playground_gpt_bg.wasm', import.meta.url)) });
const { TinyGpt } = api;
const reference = JSON.parse(readFileSync(new URL('../fixtures/gpt1_full.json', import.meta.url), 'utf8'));

const loader = TinyGpt.loadSafetensors(gpt1Header());
for (const chunk of gpt1Chunks(reference.config.seed)) loader.write(chunk);
const gpt = loader.finish();

const [START, DELIMITER, CLASSIFY] = [ROWS, ROWS + 1, ROWS + 2];
/** Eight examples of 12 ids in Part B's form, half with a delimiter; labels alternate. */
const examples = Array.from({ length: 8 }, (_, r) => {
  const words = Array.from({ length: 10 }, (_, i) => (r * 7919 + i * 104729 + 5) % ROWS);
  if (r % 2) words[4] = DELIMITER;
  return { ids: new Uint32Array([START, ...words, CLASSIFY]), label: r % 2 };
});

test('token log-probabilities match numpy within 1e-4 on prompts of 1 to 128 tokens', () => {
  assert.equal(reference.scored.at(-1).ids.length, 128);
  for (const { ids, log_probs: numpy } of reference.scored) {
    const ours = gpt.tokenLogProbs(new Uint32Array(ids));
    assert.ok(ours instanceof Float32Array);
    assert.equal(ours.length, ids.length - 1);
    ours.forEach((x, t) => assert.ok(Math.abs(x - numpy[t]) <= 1e-4, `${ids.length} tokens, position ${t}: ${x} vs ${numpy[t]}`));
  }
  assert.throws(() => gpt.tokenLogProbs([START]), /token ids from 0 to 40477/);
});

test('the fine-tuner trains the top block: losses, evaluation, gradients by name, and a model to save', () => {
  const tuner = gpt.fineTuner({ classes: 2, trainBlocks: 1, lambda: 0.5, learningRate: 1e-4, seed: 5, warmup: 1 });
  assert.equal(tuner.trainBlocks, 1);
  assert.equal(tuner.trainable, 7087872 + 2 * 768 + 2);
  const before = tuner.evaluate(examples);
  assert.ok(before.lm > 5 && before.task > 0.3, JSON.stringify(before));
  assert.ok(Math.abs(before.total - (before.task + 0.5 * before.lm)) < 1e-9);
  assert.equal(before.probabilities.length, 16);
  const first = tuner.step(examples);
  assert.deepEqual([first.task, first.lm, first.total], [before.task, before.lm, before.total], 'a step reports the losses before it');
  let last = first;
  for (let i = 0; i < 3; i++) last = tuner.step(examples);
  assert.equal(tuner.steps, 4);
  assert.ok(last.total < first.total, `the loss falls: ${first.total} → ${last.total}`);
  // every trainable tensor, in Hugging Face's names
  const grads = tuner.gradients(examples);
  const names = Object.keys(grads);
  assert.equal(names.length, 14);
  assert.deepEqual([names[0], names.at(-2), names.at(-1)], ['h.11.attn.c_attn.weight', 'classifier.weight', 'classifier.bias']);
  assert.equal(grads['h.11.mlp.c_fc.weight'].length, 768 * 3072);
  assert.equal(grads['classifier.weight'].length, 2 * 768);
  // the tuned model: the special rows after the vocabulary, the head, the frozen blocks as they were
  const tuned = tuner.model();
  assert.deepEqual([tuned.shape.rows, tuned.shape.vocab, tuned.shape.classes], [ROWS + 3, ROWS, 2]);
  const ids = reference.scored[2].ids;
  const [mine, released] = [tuned.tokenLogProbs(ids), gpt.tokenLogProbs(ids)];
  assert.ok(mine.every(Number.isFinite) && mine.some((x, t) => x !== released[t]), 'the top block moved');
  assert.equal(tuned.tokenLogProbs([START, 5, CLASSIFY])[1], -Infinity, '_classify_ is never predicted');
  tuned.free();
  // the module holds the model, the tuner and a second copy of the weights, within the budget
  assert.ok(TinyGpt.memoryBytes() < 1.5e9, `${TinyGpt.memoryBytes()} bytes`);
  tuner.free();
});

test('all twelve blocks would pass the memory budget: refused with the sizes; bad examples are errors', () => {
  assert.throws(() => gpt.fineTuner({ classes: 2, trainBlocks: 12 }),
    /fine-tuning the top 12 blocks needs 1361 MB .* beside the model's own 467 MB: \d+ MB, above the module's budget of 1500 MB \(train at most \d+ blocks\)/);
  const tuner = gpt.fineTuner({ classes: 3 });
  assert.throws(() => tuner.step([{ ids: [START, 5, 6], label: 0 }]), /has no _classify_ \(40480\)/);
  assert.throws(() => tuner.step([{ ids: [START, 40481, CLASSIFY], label: 0 }]), /token ids from 0 to 40480/);
  assert.throws(() => tuner.step([{ ids: [START, CLASSIFY], label: 3 }]), /label must be a class from 0 to 2/);
  assert.throws(() => tuner.evaluate([]), /at least one labelled example/);
  assert.equal(tuner.steps, 0);
  assert.ok(Number.isFinite(tuner.step([{ ids: [START, 5, CLASSIFY], label: 2 }]).total));
  tuner.free();
});
