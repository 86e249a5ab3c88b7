// Part E's test files and the steps its page tests share (gpt1.test.mjs, gpt1-download.test.mjs): a small model
// of GPT-1's layout with a toy vocabulary (its tokenizer served in place of the released one), safetensors files
// made here, GPT-1's full-size layout with random weights, and dropping files onto the page.
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { eventually } from './browser.mjs';

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

export const rows = VOCAB.length + 3; // the vocabulary, then _start_, _delimiter_, _classify_
/** Every tensor of one block in Hugging Face's names, at width `d`. */
const block = (l, d) => [[`h.${l}.attn.c_attn.weight`, [d, 3 * d]], [`h.${l}.attn.c_attn.bias`, [3 * d]],
  [`h.${l}.attn.c_proj.weight`, [d, d]], [`h.${l}.attn.c_proj.bias`, [d]], [`h.${l}.ln_1.weight`, [d]],
  [`h.${l}.ln_1.bias`, [d]], [`h.${l}.mlp.c_fc.weight`, [d, 4 * d]], [`h.${l}.mlp.c_fc.bias`, [4 * d]],
  [`h.${l}.mlp.c_proj.weight`, [4 * d, d]], [`h.${l}.mlp.c_proj.bias`, [d]], [`h.${l}.ln_2.weight`, [d]],
  [`h.${l}.ln_2.bias`, [d]]];
export const TENSORS = [['tokens_embed.weight', [rows, D]], ['positions_embed.weight', [CONTEXT, D]],
  ...Array.from({ length: LAYERS }, (_, l) => block(l, D)).flat()];
export const GOOD = safetensors(TENSORS);

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

/** Opens Part E's lab and waits until its panel runs (its controls are enabled then). */
export async function openLab(page) {
  await page.locator('#gpt1-lab > summary').click();
  await eventually(async () => assert.equal(await page.locator('#gpt1-file').isDisabled(), false), 10000);
}

/** Serves the toy vocabulary in place of GPT-1's tokenizer files in `context`: the core builds its tokenizer from them. */
export async function toyTokenizer(context) {
  const encoder = gzipSync(JSON.stringify(Object.fromEntries(VOCAB.map((t, i) => [t, i]))));
  const merges = gzipSync(`#version: 0.2\n${TOY_MERGES.join('\n')}\n`);
  await context.route('**/www/data/gpt1/encoder_bpe_40000.json.gz', (route) => route.fulfill({ body: encoder }));
  await context.route('**/www/data/gpt1/vocab_40000.bpe.gz', (route) => route.fulfill({ body: merges }));
}

/** Waits until Part E says GPT-1 is loaded. */
export const loaded = (page, timeout = 20000) => eventually(async () => assert.match(await page.locator('#gpt1-weights-status').textContent(), /^GPT-1 is loaded/), timeout);
