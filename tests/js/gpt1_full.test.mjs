// GPT-1 at full size in the SIMD build, as the page's worker runs it: random weights made from numpy's seed
// (bench/gpt1_weights.mjs) streamed through TinyGpt.loadSafetensors in chunks, the logits of numpy's prompts
// within 1e-4 (tests/fixtures/gpt1_full.json), and the KV-cached continuation equal to recomputing every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gpt1Chunks, gpt1Header, ROWS } from '../../bench/gpt1_weights.mjs';

const pkg = new URL('../../www/pkg/', import.meta.url);
const api = await import(new URL('../../www/gpt-api.js', import.meta.url));
api.initSync({ module: readFileSync(new URL('gpt1_playground_gpt_bg.wasm', pkg)) });
const { TinyGpt } = api;
const reference = JSON.parse(readFileSync(new URL('../fixtures/gpt1_full.json', import.meta.url), 'utf8'));

/** The random GPT-1, streamed in uneven chunks. */
function load() {
  const header = gpt1Header();
  assert.equal(TinyGpt.safetensorsHeaderLength(header.subarray(0, 8)), header.length);
  const loader = TinyGpt.loadSafetensors(header, { fileBytes: header.length + 4 * 116534784 });
  assert.equal(loader.expectBytes, header.length + 4 * 116534784);
  for (const chunk of gpt1Chunks(reference.config.seed, (1 << 22) + 4)) {
    // split each chunk off an element boundary, as a file reader's slices may be
    loader.write(chunk.subarray(0, 7));
    loader.write(chunk.subarray(7));
  }
  assert.equal(loader.progress, 1);
  return loader.finish();
}

const gpt = load();

test('the loader gives GPT-1 its shape and numpy\'s weights', () => {
  const shape = gpt.shape;
  assert.deepEqual([shape.dModel, shape.layers, shape.heads, shape.context, shape.rows], [768, 12, 12, 512, ROWS]);
  assert.equal(gpt.parameters, 116534784);
  // a wasm memory of about twice the weights at most: the file is never held whole
  assert.ok(TinyGpt.memoryBytes() < 1.1e9, `${TinyGpt.memoryBytes()} bytes`);
});

test('logits match the numpy reference within 1e-4 at every position of two prompts', () => {
  for (const prompt of reference.prompts.filter((p) => p.ids.length >= 5 && p.ids.length <= 24)) {
    const t = prompt.ids.length;
    const logits = gpt.logits(new Uint32Array(prompt.ids));
    assert.equal(logits.length, t * ROWS);
    let worst = 0;
    prompt.logits.forEach((row, i) => {
      reference.checked_rows.forEach((r, j) => {
        worst = Math.max(worst, Math.abs(logits[i * ROWS + r] - row[j]));
      });
    });
    assert.ok(worst <= 1e-4, `prompt of ${t}: ${worst}`);
    const last = logits.subarray((t - 1) * ROWS);
    prompt.top_ids.slice(0, 3).forEach((id, k) => assert.ok(Math.abs(last[id] - prompt.top_logits[k]) <= 1e-4));
    // the final state at the last position
    const state = gpt.finalState(new Uint32Array(prompt.ids));
    prompt.final_state.forEach((x, c) => assert.ok(Math.abs(state[c] - x) <= 1e-4));
  }
});

test('the KV cache continues as recomputing does, and its distribution is the logits\' softmax', () => {
  const prompt = reference.prompts[1].ids;
  const tokens = gpt.continue(prompt, 4, { seed: 3, topK: 40 });
  assert.equal(tokens.length, 4);
  // the decoder: each step's top id and probability from a full forward pass over the ids so far
  const run = gpt.decoder(prompt, { seed: 3, topK: 40 });
  const ids = [...prompt];
  for (const expected of tokens) {
    const { ids: top, probabilities } = run.distribution(10);
    const logits = gpt.logits(new Uint32Array(ids)).subarray((ids.length - 1) * ROWS);
    let max = -Infinity;
    for (const x of logits) max = Math.max(max, x);
    let sum = 0;
    for (const x of logits) sum += Math.exp(x - max);
    assert.equal(logits[top[0]], max);
    assert.ok(Math.abs(probabilities[0] - 1 / sum) < 1e-6);
    assert.equal(run.rank(top[3]), 4);
    const next = run.next();
    assert.equal(next, expected);
    ids.push(next);
  }
  assert.deepEqual(Array.from(run.ids), ids);
});

test('a truncated or lying stream is a clear error and the module keeps working', () => {
  const header = gpt1Header();
  const loader = TinyGpt.loadSafetensors(header);
  loader.write(new Uint8Array(1000));
  assert.throws(() => loader.finish(), /ended early: 1000 of its 466139136 bytes/);
  const lying = header.slice();
  new DataView(lying.buffer).setBigUint64(0, 10n ** 12n, true);
  assert.throws(() => TinyGpt.safetensorsHeaderLength(lying.subarray(0, 8)), /above the format's limit of 100 MB/);
  assert.throws(() => TinyGpt.loadSafetensors(header.subarray(0, 100)), /header of \d+ bytes, but 92 were given/);
  // told the file's size, the loader refuses a header that claims more before allocating anything
  assert.throws(() => TinyGpt.loadSafetensors(header, { fileBytes: header.length + 100 }), /reach past the end/);
  assert.equal(gpt.continue([1, 2], 1, { seed: 1 }).length, 1);
});
