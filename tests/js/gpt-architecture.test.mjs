// Part D's architecture picture and weights-file helpers, as plain data (the drawing and the controls are checked
// in the browser by tests/e2e/gpt.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const { architectureSteps, architectureLayout, sizeRows } = await import('../../www/parts/d/architecture.js');
const { GPT1 } = await import('../../www/kinds/gpt1/shape.js');
const { weightsFileName, weightsFileProblem, MAX_WEIGHTS_BYTES } = await import('../../www/parts/d/weights-file.js');

const SHAPE = { norm: 'post', dModel: 32, layers: 2, heads: 4, context: 16, rows: 27 };

test("a block is drawn as GPT-1 arranges it: attention, add, LayerNorm, MLP, add, LayerNorm", () => {
  const kinds = (norm) => architectureSteps(norm, SHAPE).map((s) => s.kind);
  assert.deepEqual(kinds('post'), ['attention', 'add', 'norm', 'mlp', 'add', 'norm']);
  assert.deepEqual(kinds('pre'), ['norm', 'attention', 'add', 'norm', 'mlp', 'add']);
  const labels = architectureSteps('post', SHAPE).map((s) => s.label);
  assert.equal(labels[0], 'masked self-attention on x: 4 heads of 8');
  assert.equal(labels[1], '+ x, the block\'s input, added back');
  assert.equal(labels[3], 'MLP on n: 128 units, GELU');
  // GPT-2's block names its halfway state m
  assert.deepEqual(architectureSteps('pre', SHAPE).filter((s) => s.kind === 'add').map((s) => s.label),
    ['+ x, added back → m', '+ m, added back → the block\'s output']);
});

test('post-LN has no final LayerNorm; both outputs read h, the logits through the tied embedding', () => {
  const post = architectureLayout(SHAPE);
  const pre = architectureLayout({ ...SHAPE, norm: 'pre' });
  assert.equal(post.repeat, '2 ×');
  assert.ok(!post.steps.some((s) => s.label === 'final LayerNorm'));
  assert.equal(pre.steps.filter((s) => s.label === 'final LayerNorm').length, 1);
  const [output, classifier] = post.steps.slice(-2);
  assert.deepEqual([output.kind, output.tied, classifier.kind], ['output', true, 'classifier']);
  assert.deepEqual(classifier.label, ['softmax(h·W_y)', 'at [EXTRACT]'], 'two lines: the half-width box holds each whole');
  assert.match(post.steps[0].label, /27 × 32/);
  // before the vocabulary is counted, its size is V, never 0
  assert.match(architectureLayout({ ...SHAPE, rows: null }).steps[0].label, /Wₑ \(V × 32\)/);
  assert.equal(sizeRows({ ...SHAPE, rows: null })[4][1], '—');
});

test("this model's sizes beside GPT-1's 768 / 12 / 12 / 512", () => {
  assert.deepEqual(sizeRows(SHAPE), [
    ['width d', '32', '768'],
    ['blocks', '2', '12'],
    ['attention heads', '4', '12'],
    ['context (tokens)', '16', '512'],
    ['embedding rows', '27', '40,478'],
    ['LayerNorm', 'post', 'post'],
  ]);
  assert.equal(GPT1.rows, 40478);
});

test('weights file names and size checks', () => {
  assert.equal(weightsFileName(SHAPE), 'tiny-gpt-post-d32-2x4-ctx16.safetensors');
  assert.equal(weightsFileProblem({ name: 'a.safetensors', size: 1000 }), null);
  assert.match(weightsFileProblem({ name: 'a.safetensors', size: 0 }), /is empty/);
  assert.match(weightsFileProblem({ name: 'big', size: MAX_WEIGHTS_BYTES + 1 }), /above the limit of 600 MB/);
  assert.equal(weightsFileProblem({ name: 'gpt1', size: 479_000_000 }), null, "GPT-1's own weights fit");
});
