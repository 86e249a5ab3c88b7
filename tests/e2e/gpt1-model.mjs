// Part E's page tests share this: small GPT-1-shaped models (12 layers of 12 heads at a small width, random weights
// from a seed) with a vocabulary of their own, served in place of GPT-1's tokenizer files so that the core builds its
// Gpt1Tokenizer from them; GPT-1's full-size layout with random weights, written to a file; a browser context that
// records problems; dropping files onto Part E; opening its lab.
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { eventually } from './browser.mjs';

/**
 * The core's API with one change, served in place of www/gpt-api.js where a test must make the worker die (as when
 * the browser refuses a worker its memory): a file whose metadata says `crash` throws an uncaught error in the
 * worker after the header is read. Everything else is the real module.
 */
const DYING = `import init, * as core from './gpt-api.js?core';
export * from './gpt-api.js?core';
export default init;
const load = core.TinyGpt.loadSafetensors;
core.TinyGpt.loadSafetensors = function (header, options) {
  if (new TextDecoder().decode(header).includes('"crash":"yes"')) setTimeout(() => { throw new Error('Out of memory (the test makes the worker die)'); });
  return load.call(this, header, options);
};`;

const WORDS = ['the', 'cat', 'sat', 'on', 'mat', 'and', 'dog', 'ran', 'chai', 'is', 'hot', 'good', '.', ','];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
export const VOCAB = [...WORDS.map((w) => `${w}</w>`), ...LETTERS, ...LETTERS.map((c) => `${c}</w>`)];
/** Merges that build each of WORDS from its characters, left to right (what the real BPE needs to find them). */
const TOY_MERGES = [...new Set(WORDS.flatMap((word) => {
  const pieces = [...word];
  pieces[pieces.length - 1] += '</w>';
  const steps = [];
  while (pieces.length > 1) {
    steps.push(`${pieces[0]} ${pieces[1]}`);
    pieces.splice(0, 2, pieces[0] + pieces[1]);
  }
  return steps;
}))];
export const LAYERS = 12;
export const HEADS = 12;
export const D = 24;
export const CONTEXT = 64;

/** A seeded stream of uniform floats in [-1, 1) (xorshift32): the same file every run. */
function floats(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}

/** A safetensors file of F32 tensors `[name, shape]`, random from `seed`; `edit(header)` may change the header. */
export function safetensors(tensors, { seed = 1, meta = { heads: String(HEADS) }, edit = (h) => h } = {}) {
  const next = floats(seed);
  let offset = 0;
  const header = { __metadata__: meta };
  const parts = [];
  for (const [name, shape] of tensors) {
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 0.5);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + values.byteLength] };
    offset += values.byteLength;
    parts.push(Buffer.from(values.buffer));
  }
  const json = Buffer.from(JSON.stringify(edit(header)));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...parts]);
}

export const rows = VOCAB.length + 3; // the vocabulary, then _start_, _delimiter_, _classify_
/** Every tensor of one block in Hugging Face's names, at width `d`. */
const block = (l, d) => [[`h.${l}.attn.c_attn.weight`, [d, 3 * d]], [`h.${l}.attn.c_attn.bias`, [3 * d]],
  [`h.${l}.attn.c_proj.weight`, [d, d]], [`h.${l}.attn.c_proj.bias`, [d]], [`h.${l}.ln_1.weight`, [d]],
  [`h.${l}.ln_1.bias`, [d]], [`h.${l}.mlp.c_fc.weight`, [d, 4 * d]], [`h.${l}.mlp.c_fc.bias`, [4 * d]],
  [`h.${l}.mlp.c_proj.weight`, [4 * d, d]], [`h.${l}.mlp.c_proj.bias`, [d]], [`h.${l}.ln_2.weight`, [d]],
  [`h.${l}.ln_2.bias`, [d]]];
/** Every tensor of the small model at width `d`. */
const tensorsAt = (d) => [['tokens_embed.weight', [rows, d]], ['positions_embed.weight', [CONTEXT, d]],
  ...Array.from({ length: LAYERS }, (_, l) => block(l, d)).flat()];
export const TENSORS = tensorsAt(D);
export const GOOD = safetensors(TENSORS);
/** The small model at d = 96, a multiple of 32: one the compact int8 form can hold (8 dimensions a head). */
export const WIDE_D = 96;
export const WIDE = safetensors(tensorsAt(WIDE_D), { seed: 5 });

/** The toy vocabulary's two files as text, as GPT-1's encoder and merges files are written. */
export const toyFiles = () => ({ encoder: JSON.stringify(Object.fromEntries(VOCAB.map((t, i) => [t, i]))),
  merges: `#version: 0.2\n${TOY_MERGES.join('\n')}\n` });

/** Serves the toy vocabulary in place of GPT-1's tokenizer files in `context`: the core builds its tokenizer from them. */
export async function toyTokenizer(context) {
  const encoder = gzipSync(toyFiles().encoder);
  const merges = gzipSync(toyFiles().merges);
  await context.route('**/www/data/gpt1/encoder_bpe_40000.json.gz', (route) => route.fulfill({ body: encoder }));
  await context.route('**/www/data/gpt1/vocab_40000.bpe.gz', (route) => route.fulfill({ body: merges }));
}

/**
 * GPT-1's layout in Hugging Face's names (openai-community/openai-gpt) at full size — 40,478 rows, 512 positions,
 * 12 blocks of d = 768 — with random weights from a seed, written to `path` a tensor at a time (about 479 MB).
 */
export function writeFullSize(path, seed = 7) {
  const d = 768;
  const tensors = [['tokens_embed.weight', [40478, d]], ['positions_embed.weight', [512, d]]];
  for (let l = 0; l < 12; l++) {
    tensors.push([`h.${l}.attn.c_attn.weight`, [d, 3 * d]], [`h.${l}.attn.c_attn.bias`, [3 * d]],
      [`h.${l}.attn.c_proj.weight`, [d, d]], [`h.${l}.attn.c_proj.bias`, [d]],
      [`h.${l}.ln_1.weight`, [d]], [`h.${l}.ln_1.bias`, [d]],
      [`h.${l}.mlp.c_fc.weight`, [d, 4 * d]], [`h.${l}.mlp.c_fc.bias`, [4 * d]],
      [`h.${l}.mlp.c_proj.weight`, [4 * d, d]], [`h.${l}.mlp.c_proj.bias`, [d]],
      [`h.${l}.ln_2.weight`, [d]], [`h.${l}.ln_2.bias`, [d]], [`h.${l}.attn.bias`, [1, 1, 512, 512]]);
  }
  const header = {};
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, length);
    writeSync(fd, json);
    let state = seed;
    for (const [name, shape] of tensors) {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      if (name.endsWith('attn.bias')) {
        // the causal mask Hugging Face's file carries as a buffer (the loader ignores it): 1 on and below the diagonal
        for (let i = 0; i < 512; i++) values.fill(1, i * 512, i * 512 + i + 1);
      } else if (/ln_\d\.weight$/.test(name)) values.fill(1); // LayerNorm gains 1, biases 0
      else if (!name.endsWith('bias')) {
        for (let i = 0; i < values.length; i++) { // uniform in ±0.02 (GPT-1 drew N(0, 0.02)), xorshift32
          state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
          values[i] = (state / 2 ** 31 - 1) * 0.02;
        }
      }
      writeSync(fd, new Uint8Array(values.buffer));
    }
  } finally {
    closeSync(fd);
  }
  return 8 + json.length + offset;
}

/** Part E's page helpers over `env` (browser.mjs's `start()`, filled in before the tests run). */
export function gpt1Pages(env) {
  /**
   * A context whose GPT-1 tokenizer files are the small model's own vocabulary (`toy`: the real core builds its
   * Gpt1Tokenizer from them, so a small random model reads the test's words), with the core's API made able to die
   * (`dying`); records problems. Other `options` are Playwright's for the context (viewport, colorScheme, …).
   */
  async function newContext({ toy = true, dying = false, ...options } = {}) {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    context.setDefaultTimeout(20000);
    if (dying) {
      await context.route('**/www/gpt-api.js', (route) => route.fulfill({ contentType: 'text/javascript', body: DYING }));
    }
    if (toy) await toyTokenizer(context);
    const problems = [];
    const origin = new URL(env.url).origin;
    context.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:') problems.push(`request: ${r.url()}`);
    });
    return { context, problems };
  }

  /** A new page of `context` at the page's address, once it is ready. */
  async function openPage(context, problems) {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(env.url);
    await page.locator('html[data-ready="true"]').waitFor();
    return page;
  }

  /** A new context and page with Part E's lab open. */
  async function openPart(options) {
    const { context, problems } = await newContext(options);
    const page = await openPage(context, problems);
    await openLab(page);
    return { context, problems, page };
  }

  /** Closes a context and checks that its pages logged no errors and asked no other origin for anything. */
  async function closed(context, problems) {
    await context.close();
    assert.deepEqual(problems, []);
  }

  return { newContext, openPage, openPart, closed };
}

/** Drops `bytes` as a file named `name` onto Part E's drop zone, as a person dragging it from their files would. */
export const drop = (page, bytes, name = 'model.safetensors') => dropAll(page, [[bytes, name]]);

/** Drops several files at once: `files` is a list of [bytes, name]. */
export async function dropAll(page, files) {
  const transfer = await page.evaluateHandle((all) => {
    const dt = new DataTransfer();
    for (const [data, fileName] of all) dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], fileName));
    return dt;
  }, files.map(([bytes, name]) => [bytes.toString('base64'), name]));
  await page.locator('#gpt1-drop').dispatchEvent('drop', { dataTransfer: transfer });
}

/**
 * Drops the file at `path` onto Part E as a person drags it from their files: the picker's File (on disk, not copied
 * into the page) in a drop event.
 */
export async function dropFromDisk(page, path) {
  const picker = await page.evaluateHandle(() => Object.assign(document.createElement('input'), { type: 'file' }));
  await picker.asElement().setInputFiles(path);
  await picker.evaluate((input) => {
    const transfer = new DataTransfer();
    transfer.items.add(input.files[0]);
    document.getElementById('gpt1-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
}

/** Records how many generated tokens the output held after each change, from now on. */
export const recordStream = (page) => page.evaluate(() => {
  window.streamCounts = [];
  new MutationObserver(() => window.streamCounts.push(document.querySelectorAll('#gpt1-output .gpt1-new').length))
    .observe(document.getElementById('gpt1-output'), { childList: true });
});

/** Opens Part E's lab and waits until its panel runs (its controls are enabled then). */
export async function openLab(page) {
  await page.locator('#gpt1-lab > summary').click();
  await eventually(async () => assert.equal(await page.locator('#gpt1-file').isDisabled(), false), 10000);
}

/** Waits until Part E says GPT-1 is loaded. */
export const loaded = (page, timeout = 20000) => eventually(async () => assert.match(await page.locator('#gpt1-weights-status').textContent(), /^GPT-1 is loaded/), timeout);
export const text = (page, selector) => page.locator(selector).textContent();
