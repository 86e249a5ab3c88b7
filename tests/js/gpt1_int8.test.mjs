// GPT-1 at full size in the compact int8 form, in the SIMD build as the page's worker runs it: random weights made
// from numpy's seed (bench/gpt1_weights.mjs) streamed through TinyGpt.loadSafetensors with form 'int8', so they are
// quantized as they arrive: peak wasm memory at most 200 MB, numpy's logits of the same form within 1e-4
// (tests/fixtures/gpt1_int8.json) and the native kernels' bits, the KV cache, the form's file (written a slice at a
// time, still under 200 MB), and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gpt1Chunks, gpt1Header, ROWS } from '../../bench/gpt1_weights.mjs';

const pkg = new URL('../../www/pkg/', import.meta.url);
const api = await import(new URL('../../www/gpt-api.js', import.meta.url));
api.initSync({ module: readFileSync(new URL('gpt1_playground_gpt_bg.wasm', pkg)) });
const { TinyGpt } = api;
const reference = JSON.parse(readFileSync(new URL('../fixtures/gpt1_int8.json', import.meta.url), 'utf8'));

/** The bits of Σ logit (float64, in order) after the second prompt, as tests/core/gpt1_full/int8.rs pins them
 * natively: the SIMD128 kernels must give the portable ones' bits. */
const LAST_LOGIT_SUM = new Float64Array(new BigUint64Array([0xc07130565c5e0000n]).buffer)[0];

/** The random GPT-1, streamed in uneven chunks into the int8 form, in a module that has held nothing before. */
function load() {
  const header = gpt1Header();
  const loader = TinyGpt.loadSafetensors(header, { fileBytes: header.length + 4 * 116534784, form: 'int8' });
  for (const chunk of gpt1Chunks(reference.config.seed, (1 << 22) + 4)) {
    loader.write(chunk.subarray(0, 7));
    loader.write(chunk.subarray(7));
  }
  return loader.finish();
}

const gpt = load();
const peak = TinyGpt.memoryBytes();

test('streaming into the int8 form needs at most 200 MB of wasm memory', () => {
  assert.equal(gpt.form, 'int8');
  assert.deepEqual([gpt.shape.dModel, gpt.shape.layers, gpt.shape.rows], [768, 12, ROWS]);
  assert.equal(gpt.parameters, 116534784);
  // the module's whole linear memory, which only grows: everything it ever held at once
  assert.ok(peak <= 200e6, `${peak} bytes`);
});

test('logits match numpy\'s int8 form within 1e-4, and the native kernels\' bits', () => {
  for (const prompt of reference.prompts.filter((p) => p.ids.length <= 24)) {
    const t = prompt.ids.length;
    const logits = gpt.logits(new Uint32Array(prompt.ids));
    let worst = 0;
    prompt.logits.forEach((row, i) => {
      reference.checked_rows.forEach((r, j) => {
        worst = Math.max(worst, Math.abs(logits[i * ROWS + r] - row[j]));
      });
    });
    assert.ok(worst <= 1e-4, `prompt of ${t}: ${worst}`);
    const state = gpt.finalState(new Uint32Array(prompt.ids));
    prompt.final_state.forEach((x, c) => assert.ok(Math.abs(state[c] - x) <= 1e-4));
  }
  const second = reference.prompts[1].ids;
  const last = gpt.logits(new Uint32Array(second)).subarray((second.length - 1) * ROWS);
  let sum = 0;
  for (const x of last) sum += x;
  assert.equal(sum, LAST_LOGIT_SUM);
});

test('the KV cache continues as recomputing does', () => {
  const prompt = reference.prompts[1].ids;
  const tokens = gpt.continue(prompt, 3, { seed: 3, topK: 40 });
  const run = gpt.decoder(prompt, { seed: 3, topK: 40 });
  const ids = [...prompt];
  for (const expected of tokens) {
    const { ids: top, probabilities } = run.distribution(1);
    const logits = gpt.logits(new Uint32Array(ids)).subarray((ids.length - 1) * ROWS);
    let max = -Infinity;
    for (const x of logits) max = Math.max(max, x);
    let total = 0;
    for (const x of logits) total += Math.exp(x - max);
    assert.equal(logits[top[0]], max);
    assert.ok(Math.abs(probabilities[0] - 1 / total) < 1e-6);
    const next = run.next();
    assert.equal(next, expected);
    ids.push(next);
  }
});

let sliced = null; // the compact file as the writer gave it, a slice at a time

test('the compact file written a slice at a time keeps the peak at most 200 MB', () => {
  const before = TinyGpt.memoryBytes(); // (the logits and the decoder of the tests above have run)
  const writer = gpt.safetensorsWriter();
  const slices = [];
  let largest = 0;
  while (!writer.done) {
    const slice = writer.next(8 * 1024 * 1024);
    if (slices.length) largest = Math.max(largest, slice.length);
    slices.push(slice);
  }
  assert.equal(largest, 8 * 1024 * 1024);
  sliced = Buffer.concat(slices);
  assert.equal(sliced.length, writer.fileBytes);
  writer.free();
  // the whole file is 125 MB beside the model's 133: held whole in wasm memory it would pass 250
  const after = TinyGpt.memoryBytes();
  assert.ok(after <= 200e6, `${after} bytes`);
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  console.log(`wasm memory: ${mb(peak)} after streaming into int8, ${mb(before)} before writing the compact file, ${mb(after)} after writing it in 8 MiB slices`);
});

test('the form\'s file is about 125 MB and loads back without the float32 file', () => {
  const bytes = gpt.toSafetensors();
  assert.ok(sliced.equals(bytes), 'the writer\'s slices are toSafetensors()\'s bytes');
  assert.ok(bytes.length <= 130e6 && bytes.length > 120e6, `${bytes.length} bytes`);
  assert.equal(Math.round(bytes.length / 1e6), 125, 'Part E says the compact file is 125 MB');
  const headerLength = TinyGpt.safetensorsHeaderLength(bytes.subarray(0, 8));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, headerLength)));
  assert.deepEqual([header.__metadata__.form, header.__metadata__.block], ['int8', '32']);
  assert.deepEqual(header['h.3.mlp.c_fc.weight'].shape, [3072, 768]);
  assert.equal(header['h.3.mlp.c_fc.weight'].dtype, 'I8');
  assert.deepEqual(header['h.3.mlp.c_fc.weight_scale'].shape, [3072, 24]);
  // streamed back, the form told by the header
  const loader = TinyGpt.loadSafetensors(bytes.subarray(0, headerLength), { fileBytes: bytes.length });
  for (let at = headerLength; at < bytes.length; at += 10_000_001) loader.write(bytes.subarray(at, at + 10_000_001));
  const back = loader.finish();
  assert.equal(back.form, 'int8');
  const ids = new Uint32Array([40477, 249, 1012]);
  assert.deepEqual(back.logits(ids), gpt.logits(ids));
  back.free();
});

test('what the form cannot do is a clear error, and the module keeps working', () => {
  assert.throws(() => gpt.step(1), /compact int8 form, which cannot train/);
  const header = gpt1Header();
  assert.throws(() => TinyGpt.loadSafetensors(header, { form: 'int4' }), /form must be "float32" or "int8"/);
  assert.equal(gpt.continue([1, 2], 1, { seed: 1 }).length, 1);
});
