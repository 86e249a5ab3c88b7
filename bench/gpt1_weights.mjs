// GPT-1-sized random weights (d 768, 12 layers, context 512, 40,478 rows) in Hugging Face's openai-gpt layout,
// drawn from a seed exactly as tests/fixtures/gpt1_full_reference.py draws them (numpy's legacy RandomState:
// MT19937 and random_sample, then float32(mean + (2u − 1)·half-width) per tensor, tensors in file order), so the
// JS tests, the bench and the page's end-to-end test make the very file numpy's reference ran on, without Python.
//
//   import { gpt1Header, gpt1Chunks, writeGpt1File } from './gpt1_weights.mjs';
//   node bench/gpt1_weights.mjs OUT.safetensors [seed]     # writes the 479 MB file

import { closeSync, existsSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { safetensorsHeader } from '../www/kinds/gpt1/npy.js';
import { readArgs, refuse } from '../scripts/cli.mjs';

export const D = 768;
export const LAYERS = 12;
export const HEADS = 12;
export const CONTEXT = 512;
export const ROWS = 40478;
/** The seed the committed numpy outputs (tests/fixtures/gpt1_full.json) were made with. */
export const SEED = 15;

const SPREAD = {
  'tokens_embed.weight': [0, 0.08],
  'positions_embed.weight': [0, 0.04],
  'attn.c_attn.weight': [0, 0.1],
  'attn.c_attn.bias': [0, 0.05],
  'attn.c_proj.weight': [0, 0.06],
  'attn.c_proj.bias': [0, 0.05],
  'ln_1.weight': [1, 0.2],
  'ln_1.bias': [0, 0.1],
  'mlp.c_fc.weight': [0, 0.06],
  'mlp.c_fc.bias': [0, 0.05],
  'mlp.c_proj.weight': [0, 0.03],
  'mlp.c_proj.bias': [0, 0.05],
  'ln_2.weight': [1, 0.2],
  'ln_2.bias': [0, 0.1],
};

/** Every tensor in file order: [name, shape]. */
export function gpt1Tensors() {
  const out = [['tokens_embed.weight', [ROWS, D]], ['positions_embed.weight', [CONTEXT, D]]];
  for (let i = 0; i < LAYERS; i++) {
    for (const [name, shape] of [
      ['attn.c_attn.weight', [D, 3 * D]], ['attn.c_attn.bias', [3 * D]],
      ['attn.c_proj.weight', [D, D]], ['attn.c_proj.bias', [D]],
      ['ln_1.weight', [D]], ['ln_1.bias', [D]],
      ['mlp.c_fc.weight', [D, 4 * D]], ['mlp.c_fc.bias', [4 * D]],
      ['mlp.c_proj.weight', [4 * D, D]], ['mlp.c_proj.bias', [D]],
      ['ln_2.weight', [D]], ['ln_2.bias', [D]],
    ]) out.push([`h.${i}.${name}`, shape]);
  }
  return out;
}

const count = (shape) => shape.reduce((a, b) => a * b, 1);

/** The file's first 8 + N bytes: the header length, then the JSON header padded with spaces to a multiple of 8 (the
 * page's own writer, which also turns OpenAI's release into this layout). */
export function gpt1Header() {
  return safetensorsHeader(gpt1Tensors().map(([name, shape]) => ({ name, shape })));
}

/** numpy's MT19937 (init_genrand seeding, as np.random.seed(int) does) and random_sample. */
class Mt19937 {
  constructor(seed) {
    this.mt = new Uint32Array(624);
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
  }

  twist() {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  word() {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** 53 random bits from two words: a float64 in [0, 1). */
  sample() {
    const a = this.word() >>> 5;
    const b = this.word() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

/** The data section after the header, in chunks of `chunkBytes` (a multiple of 4; the last may be shorter). */
export function* gpt1Chunks(seed = SEED, chunkBytes = 1 << 24) {
  const rng = new Mt19937(seed);
  let chunk = new Float32Array(chunkBytes / 4);
  let at = 0;
  for (const [name, shape] of gpt1Tensors()) {
    const [mean, half] = SPREAD[name.startsWith('h.') ? name.split('.').slice(2).join('.') : name];
    for (let n = count(shape); n > 0; n--) {
      chunk[at++] = mean + (2 * rng.sample() - 1) * half; // stored rounded to float32, as numpy's astype
      if (at === chunk.length) {
        yield new Uint8Array(chunk.buffer);
        chunk = new Float32Array(chunkBytes / 4);
        at = 0;
      }
    }
  }
  if (at > 0) yield new Uint8Array(chunk.buffer, 0, at * 4);
}

/** Writes the whole file to `path`; returns its size in bytes. */
export function writeGpt1File(path, seed = SEED) {
  const fd = openSync(path, 'w');
  let size = 0;
  try {
    const header = gpt1Header();
    writeSync(fd, header);
    size += header.length;
    for (const chunk of gpt1Chunks(seed)) {
      writeSync(fd, chunk);
      size += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return size;
}

/** The random GPT-1 file (seed SEED) in the system's temp directory, written once per machine; `say` is told when. */
export function randomGpt1File(say = () => {}) {
  const path = join(tmpdir(), `gpt1-playground-random-${SEED}.safetensors`);
  const size = gpt1Header().length + 4 * 116534784;
  if (!existsSync(path) || statSync(path).size !== size) {
    say(`writing random GPT-1 weights (seed ${SEED}) to ${path}`);
    writeGpt1File(path, SEED);
  }
  return path;
}

/** A model from a safetensors file on disk, streamed through `TinyGpt.loadSafetensors` in 16 MB slices as the
 * page's worker reads a file (`options`: the loader's, e.g. `{ form: 'int8' }`). */
export function streamGpt1File(TinyGpt, path, options = {}) {
  const fd = openSync(path, 'r');
  try {
    const first = new Uint8Array(8);
    readSync(fd, first, 0, 8, 0);
    const header = new Uint8Array(TinyGpt.safetensorsHeaderLength(first));
    readSync(fd, header, 0, header.length, 0);
    const loader = TinyGpt.loadSafetensors(header, { fileBytes: statSync(path).size, ...options });
    const slice = new Uint8Array(16 << 20);
    for (let at = header.length; ; ) {
      const n = readSync(fd, slice, 0, slice.length, at);
      if (n === 0) break;
      loader.write(slice.subarray(0, n));
      at += n;
    }
    return loader.finish();
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = 'node bench/gpt1_weights.mjs';
  const spec = {
    usage: 'OUT.safetensors [seed]',
    about: 'Writes random weights of GPT-1\'s size (about 479 MB) in Hugging Face\'s openai-gpt layout, drawn from the seed '
      + 'as tests/fixtures/gpt1_full_reference.py draws them.',
    args: [['OUT.safetensors', 'the file to write'], ['[seed]', `a whole number (default ${SEED}: the seed of the committed numpy outputs)`]],
  };
  const { args: [out, seed = String(SEED)] } = readArgs(name, spec);
  if (!/^\d+$/.test(seed)) refuse(name, spec, `the seed “${seed}” is not a whole number`);
  const size = writeGpt1File(out, Number(seed));
  console.error(`wrote ${out}: ${size} bytes`);
}
