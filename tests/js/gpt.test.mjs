// The on-demand module with the tiny transformer, as the page's worker uses it (www/gpt-api.js over the SIMD build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = new URL('../../www/pkg/', import.meta.url);
const api = await import(new URL('../../www/gpt-api.js', import.meta.url));
api.initSync({ module: readFileSync(new URL('gpt1_playground_gpt_bg.wasm', pkg)) });
const { TinyGpt, NgramModel, generate, generateMany } = api;

const LESSON = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';
const SMALL = { dModel: 16, layers: 1, heads: 2, context: 8, batchSize: 4 };

test('the SIMD build trains to the same bits as native code', () => {
  const model = new TinyGpt(LESSON, SMALL);
  // the constants of tests/core/gpt.rs (native) and tests/wasm/gpt.rs (wasm without SIMD)
  const bits = (x) => new BigUint64Array(new Float64Array([x]).buffer)[0];
  assert.equal(bits(model.step(5)), 0x3ffff17270f23882n);
  assert.equal(bits(model.loss('chai acha hai')), 0x3fffa0571b13d678n);
  model.free();
});

test('training lowers the loss and the model memorises the lesson', () => {
  const model = new TinyGpt(LESSON, { dModel: 32, layers: 2, heads: 4, context: 8, batchSize: 8, seed: 7 });
  const before = model.loss();
  for (let i = 0; i < 6; i++) model.step(50);
  assert.ok(model.loss() < before / 2, `${before} → ${model.loss()}`);
  const samples = generateMany(model, 10, { seed: 1 });
  const sentences = new Set(LESSON.split('\n'));
  const remembered = samples.filter((s) => sentences.has(s.slice(1, -1).join(' '))).length;
  assert.ok(remembered >= 8, `${remembered} of 10 samples are corpus sentences`);
  model.free();
});

test('generate and generateMany accept both kinds of model', () => {
  const gpt = new TinyGpt(LESSON, SMALL);
  const ngram = new NgramModel(LESSON);
  assert.deepEqual(generate(ngram, { seed: 42 }), ['[START]', 'chai', '[END]']);
  assert.equal(generate(gpt, { seed: 42 })[0], '[START]');
  assert.deepEqual(generate(gpt, { seed: 3, maxLen: 9 }), generate(gpt, { seed: 3, maxLen: 9 }));
  assert.equal(generateMany(gpt, 4, { seed: 1 }).length, 4);
  assert.throws(() => generate(gpt, { seed: -1 }), /seed must be a whole number/);
  gpt.free();
  ngram.free();
});

test('fine-tuning twice from one pre-trained model: λ = 0.5 keeps the language model better', () => {
  const corpus = readFileSync(new URL('../../www/data/chai-corpus.txt', import.meta.url), 'utf8');
  const labelled = readFileSync(new URL('../../www/data/chai-sentiment.tsv', import.meta.url), 'utf8')
    .trim().split('\n').map((line) => line.split('\t'))
    .map(([text, label]) => ({ task: 'classification', input: { text }, label: label === 'positive' ? 1 : 0 }));
  const base = new TinyGpt(corpus, { dModel: 32, layers: 2, heads: 4, context: 16, batchSize: 16, seed: 5 });
  base.step(300);
  const heldOut = corpus.split('\n').slice(-40).join('\n');
  const results = [0, 0.5].map((lambda) => {
    const model = base.clone();
    model.fineTune(labelled, 2, { lambda, steps: 150, seed: 9 });
    const out = { lambda, accuracy: model.accuracy(labelled), lm: model.loss(heldOut) };
    model.free();
    return out;
  });
  assert.ok(results.every((r) => r.accuracy >= 0.8), JSON.stringify(results));
  assert.ok(results[1].lm < results[0].lm, `λ = 0.5 keeps the LM loss lower: ${JSON.stringify(results)}`);
  base.free();
});

const fixture = (name) => new URL(`../fixtures/${name}`, import.meta.url);

test('GPT-1 architecture: logits and attention match the numpy reference within 1e-5', () => {
  for (const name of ['gpt1_tiny', 'gpt1_head', 'gpt1_pre']) {
    const reference = JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8'));
    const model = TinyGpt.fromSafetensors(readFileSync(fixture(`${name}.safetensors`)));
    const { d, layers, heads, context, rows, norm } = reference.config;
    assert.deepEqual(
      { ...model.shape, vocab: undefined, classes: undefined },
      { norm, dModel: d, layers, heads, context, rows, vocab: undefined, classes: undefined },
    );
    const logits = model.logits(reference.ids);
    assert.ok(logits instanceof Float32Array && logits.length === reference.ids.length * rows);
    const worst = (ours, theirs) => ours.reduce((w, x, i) => Math.max(w, Math.abs(x - theirs[i])), 0);
    assert.ok(worst(logits, reference.logits) <= 1e-5, `${name} logits`);
    const t = reference.ids.length;
    for (let layer = 0; layer < layers; layer++) {
      for (let head = 0; head < heads; head++) {
        const at = (layer * heads + head) * t * t;
        const ours = model.attention(new Uint32Array(reference.ids), layer, head);
        assert.ok(worst(ours, reference.attention.slice(at, at + t * t)) <= 1e-5, `${name} attention ${layer}.${head}`);
      }
    }
    model.free();
  }
});

test('toSafetensors and fromSafetensors: a trained model comes back the same, in openai-gpt names', () => {
  const model = new TinyGpt(LESSON, SMALL);
  model.step(20);
  const bytes = model.toSafetensors();
  assert.ok(bytes instanceof Uint8Array);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  assert.deepEqual(header['tokens_embed.weight'].shape, [model.vocab.length, 16]);
  assert.deepEqual(header['h.0.attn.c_attn.weight'].shape, [16, 48]);
  assert.equal(header.__metadata__.architecture, 'post');
  assert.deepEqual(JSON.parse(header.__metadata__.vocabulary), model.vocab);
  assert.ok(!('ln_f.weight' in header), 'post-LN: no final LayerNorm');
  const back = TinyGpt.fromSafetensors(bytes);
  assert.equal(back.loss('chai bahut acha hai'), model.loss('chai bahut acha hai'));
  assert.deepEqual(back.attention('chai bahut', 0, 1), model.attention('chai bahut', 0, 1));
  assert.deepEqual(back.generate({ seed: 4 }), model.generate({ seed: 4 }));
  assert.throws(() => back.step(1), /holds no corpus/);
  // a bad file is a clear Error, and the module keeps working
  assert.throws(() => TinyGpt.fromSafetensors(bytes.subarray(0, bytes.length - 1)), /weights file: tensor "[^"]+": data_offsets .* reach past the end/);
  assert.throws(() => TinyGpt.fromSafetensors('model.safetensors'), /bytes must be a Uint8Array or an ArrayBuffer/);
  assert.ok(TinyGpt.fromSafetensors(bytes.slice().buffer).hasVocabulary);
  model.free();
  back.free();
});
