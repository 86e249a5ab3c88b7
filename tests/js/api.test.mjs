// The JavaScript API exactly as a page or a Node program uses it: the generated module from `npm run build`
// (www/pkg), initialised with initSync, called with plain JS values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = new URL('../../www/pkg/', import.meta.url);
const api = await import(new URL('gpt1_playground.js', pkg));
api.initSync({ module: readFileSync(new URL('gpt1_playground_bg.wasm', pkg)) });
const { NgramModel, Sampler, generate, generateMany, encode, loss, combinedLoss, randomSeed } = api;

const LESSON = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';

/** Asserts that `fn` throws a real Error whose message contains every fragment, then that the module works. */
function throwsClearly(fn, ...fragments) {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof Error, `expected an Error, got ${thrown}`);
  assert.notEqual(thrown.constructor.name, 'RuntimeError', 'a trap is not an error message');
  for (const fragment of fragments) assert.ok(thrown.message.includes(fragment), `${thrown.message} ∌ ${fragment}`);
  const model = new NgramModel(LESSON);
  assert.deepEqual(generate(model, { seed: 42 }), ['[START]', 'chai', '[END]'], 'the module keeps working');
  model.free();
}

test('the lesson model: vocabulary, matrix, loss', () => {
  const model = new NgramModel(LESSON);
  assert.deepEqual(model.vocab, ['chai', 'bahut', 'garam', 'hai', 'acha', '[START]', '[END]']);
  assert.equal(model.smoothing, 1);
  const p = model.probabilities();
  assert.ok(p instanceof Float64Array);
  assert.equal(p.length, 49);
  assert.equal(p[0 * 7 + 1], 0.3, 'P(bahut | chai)');
  assert.equal(p[5 * 7 + 0], 0.4, 'P(chai | [START])');
  assert.equal(p[6 * 7 + 6], 1 / 7, '[END] is never followed: uniform after smoothing');
  for (let r = 0; r < 7; r++) {
    const sum = p.subarray(r * 7, r * 7 + 7).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
  }
  assert.deepEqual(Array.from(model.counts().subarray(0, 7)), [0, 2, 0, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(model.row(0)), Array.from(p.subarray(0, 7)));
  assert.ok(Math.abs(model.loss() - 1.2589295571) < 1e-9);
  assert.equal(model.perplexity(), Math.exp(model.loss()));
  model.free();
});

test('generate and generateMany reproduce numpy after np.random.seed', () => {
  const model = new NgramModel(LESSON);
  assert.deepEqual(generate(model, { seed: 42, maxLen: 6 }), ['[START]', 'chai', '[END]']);
  assert.deepEqual(generate(model, { seed: 1, maxLen: 6 }), ['[START]', 'bahut', 'acha', 'chai', 'bahut', 'bahut']);
  assert.deepEqual(generateMany(model, 2, { seed: 42 }), [
    ['[START]', 'chai', '[END]'],
    ['[START]', 'acha', 'acha', 'bahut', 'bahut', 'chai'],
  ]);
  const unseeded = generate(model);
  assert.equal(unseeded[0], '[START]');
  assert.ok(unseeded.length >= 2 && unseeded.length <= 6);
  const seed = randomSeed();
  assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
  assert.deepEqual(generate(model, { seed }), generate(model, { seed }));
  model.free();
});

test('the sampler shows each draw and agrees with generate', () => {
  const model = new NgramModel(LESSON, { smoothing: 2 });
  for (const seed of [0, 7, 42, 2 ** 32 - 1]) {
    const sampler = new Sampler(model, { seed, maxLen: 12 });
    let step;
    while ((step = sampler.step())) {
      assert.ok(step.cdf[step.id] > step.uniform);
      assert.ok(step.id === 0 || step.cdf[step.id - 1] <= step.uniform);
      assert.equal(step.token, model.vocab[step.id]);
    }
    assert.equal(sampler.done, true);
    assert.deepEqual(sampler.tokens, generate(model, { seed, maxLen: 12 }));
    sampler.free();
  }
  model.free();
});

test('encode turns every task into GPT-1 token sequences', () => {
  const model = new NgramModel(LESSON);
  assert.deepEqual(encode(model, 'classification', { text: 'chai bahut garam hai' }), [
    { tokens: ['[START]', 'chai', 'bahut', 'garam', 'hai', '[EXTRACT]'], ids: [5, 0, 1, 2, 3, 7] },
  ]);
  assert.deepEqual(encode(model, 'entailment', { premise: 'chai bahut garam hai', hypothesis: 'chai acha hai' })[0].ids,
    [5, 0, 1, 2, 3, 8, 0, 4, 3, 7]);
  assert.deepEqual(encode(model, 'similarity', { a: 'chai', b: 'hai' }).map((s) => s.tokens.join(' ')),
    ['[START] chai [DELIM] hai [EXTRACT]', '[START] hai [DELIM] chai [EXTRACT]']);
  assert.equal(encode(model, 'multipleChoice', { context: 'chai', answers: ['hai', 'acha', 'garam hai'] }).length, 3);
  model.free();
});

test('losses: the lesson figures', () => {
  assert.equal(loss([0.72, 0.28], 0).toFixed(4), '0.3285');
  assert.equal(loss(new Float64Array([0.72, 0.28]), 0), -Math.log(0.72 + 1e-9));
  assert.equal(combinedLoss(loss([0.72, 0.28], 0), 1.5).toFixed(4), '1.0785');
  assert.equal(combinedLoss(1, 2, 0.25), 1.5);
});

test('every listed bad input throws a clear Error and the module keeps working', () => {
  const model = new NgramModel(LESSON);
  throwsClearly(() => new NgramModel(LESSON, { smoothing: -1 }), 'smoothing', '-1', '≥ 0');
  throwsClearly(() => new NgramModel(LESSON, { smoothing: NaN }), 'smoothing', 'NaN');
  throwsClearly(() => new NgramModel(LESSON, { smoothing: Infinity }), 'smoothing', 'Infinity');
  throwsClearly(() => new NgramModel('   \n\n'), 'no words');
  throwsClearly(() => new NgramModel(42), 'corpus must be a string');
  throwsClearly(() => generate(model, { seed: -1 }), 'seed', '-1', '0 to 4294967295');
  throwsClearly(() => generate(model, { seed: 0.5 }), 'seed', '0.5');
  throwsClearly(() => generate(model, { seed: 2 ** 32 }), 'seed', '4294967296');
  throwsClearly(() => generate(model, { maxLen: 0 }), 'maxLen', '0');
  throwsClearly(() => generate(model, { maxLen: 3.5 }), 'maxLen', '3.5');
  throwsClearly(() => generate(model, { temperature: 0 }), 'temperature', '> 0');
  throwsClearly(() => generate(model, { temperature: NaN }), 'temperature', 'NaN');
  throwsClearly(() => generate(model, { topK: 1.5 }), 'topK');
  throwsClearly(() => generate(model, { seeed: 1 }), 'unknown field "seeed"');
  throwsClearly(() => generate({ fake: true }), 'NgramModel');
  throwsClearly(() => encode(model, 'summarise', { text: 'chai' }), 'task', '"summarise"', 'classification');
  throwsClearly(() => encode(model, 'entailment', { premise: 'chai' }), 'missing field "hypothesis"');
  throwsClearly(() => encode(model, 'classification', { text: 'chai', label: 1 }), 'unknown field "label"');
  throwsClearly(() => encode(model, 'classification', { text: 'chai masala' }), 'unknown word "masala"');
  throwsClearly(() => loss([0.5, 0.5], 2), 'target', '0 to 1');
  throwsClearly(() => loss([0.5, 0.5], 0.5), 'target', '0.5');
  throwsClearly(() => loss([], 0), 'probs', 'non-empty');
  throwsClearly(() => loss([NaN, 1], 0), 'probs', 'NaN');
  throwsClearly(() => loss([-0.2, 1.2], 0), 'probs', '-0.2');
  throwsClearly(() => combinedLoss(NaN, 1), 'taskLoss', 'NaN');
  throwsClearly(() => combinedLoss(1, Infinity), 'lmLoss', 'Infinity');
  throwsClearly(() => combinedLoss(1, -1), 'lmLoss', '-1');
  throwsClearly(() => combinedLoss(1, 1, -0.5), 'lambda', '-0.5');
  throwsClearly(() => model.row(-1), 'prev', '-1');
  model.free();
  throwsClearly(() => generate(model, { seed: 1 }), 'null pointer');
});

test('the TypeScript declarations carry the documented API', () => {
  const dts = readFileSync(new URL('gpt1_playground.d.ts', pkg), 'utf8');
  for (const signature of [
    'constructor(corpus: string, options?: ModelOptions);',
    'readonly vocab: string[];',
    'readonly smoothing: number;',
    'probabilities(): Float64Array;',
    'counts(): Float64Array;',
    'row(context: number | string[]): Float64Array;',
    'loss(text?: string): number;',
    'perplexity(text?: string): number;',
    'export function generate(model: NgramModel, options?: GenerateOptions): string[];',
    'export function generateMany(model: NgramModel, count: number, options?: GenerateOptions): string[][];',
    'export function encode(model: NgramModel, task: TaskName, input: TaskInput): EncodedSequence[];',
    'export function loss(probs: Float64Array | number[], target: number): number;',
    'export function combinedLoss(taskLoss: number, lmLoss: number, lambda?: number): number;',
    'export function initSync(',
    'export default function __wbg_init',
  ]) {
    assert.ok(dts.includes(signature), `missing from the .d.ts: ${signature}`);
  }
});
