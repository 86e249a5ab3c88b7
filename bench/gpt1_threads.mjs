// Would wasm threads speed up GPT-1's decode? A measurement, not a feature: GPT-1's per-token weight traffic
// (12 blocks × the four matrices, then the tied embedding, 466 MB) streamed through one SIMD matrix–vector kernel
// on one shared WebAssembly.Memory, by one worker and by two. With two, every product is split by columns (each
// output still summed in order, so the bits do not change) and the workers meet at a barrier after each of the 49
// products, as a threaded decoder would have to. The kernel is written here in WebAssembly text (assembled by
// binaryen, a devDependency) so the module the page ships stays single-threaded.
//
//   node bench/gpt1_threads.mjs [--tokens N] [--json]
//
// Browsers give a page SharedArrayBuffer (which wasm threads need) only when it is cross-origin isolated: served
// with COOP and COEP headers, which many static hosts cannot set. The page must work without them, so this tells
// what an opt-in would gain, not what the page does.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { cpus } from 'node:os';
import { readArgs, refuse } from '../scripts/cli.mjs';

const D = 768;
const LAYERS = 12;
const ROWS = 40478;
/** One token's products, in order: [inputs k, outputs n]. The tied output layer is read as one more matrix. */
const PRODUCTS = [
  ...Array.from({ length: LAYERS }, () => [[D, 3 * D], [D, D], [D, 4 * D], [4 * D, D]]).flat(),
  [D, ROWS],
];
/** Rows of the weight matrix added per pass over the outputs (as src/gpt/matvec.rs does). */
const ROWS_AT_ONCE = 8;

/** The kernel: y[j0..j1) += x[0..k)·w[k×n][·, j0..j1), eight rows per pass, each output summed in order of s. */
function kernelText() {
  const rows = Array.from({ length: ROWS_AT_ONCE }, (_, r) => r);
  return `(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "matvec") (param $y i32) (param $x i32) (param $w i32) (param $k i32) (param $n i32)
                          (param $j0 i32) (param $j1 i32)
    (local $s i32) (local $row i32) (local $j i32) (local $at i32) (local $stride i32) (local $acc v128)
    ${rows.map((r) => `(local $x${r} v128)`).join(' ')}
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    (local.set $row (local.get $w))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $s) (local.get $k)))
      ${rows.map((r) => `(local.set $x${r} (f32x4.splat (f32.load offset=${4 * r} (i32.add (local.get $x) (i32.shl (local.get $s) (i32.const 2))))))`).join('\n      ')}
      (local.set $j (local.get $j0))
      (block $row_done (loop $cols
        (br_if $row_done (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $at (i32.shl (local.get $j) (i32.const 2)))
        (local.set $acc (v128.load (i32.add (local.get $y) (local.get $at))))
        ${rows.map((r) => `(local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $x${r})
          (v128.load (i32.add (i32.add (local.get $row) (i32.mul (local.get $stride) (i32.const ${r}))) (local.get $at))))))`).join('\n        ')}
        (v128.store (i32.add (local.get $y) (local.get $at)) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols)))
      (local.set $row (i32.add (local.get $row) (i32.mul (local.get $stride) (i32.const ${ROWS_AT_ONCE}))))
      (local.set $s (i32.add (local.get $s) (i32.const ${ROWS_AT_ONCE})))
      (br $rows)))))`;
}

/** The assembled kernel module's bytes. */
async function kernelBytes() {
  const { default: binaryen } = await import('binaryen');
  const module = binaryen.parseText(kernelText());
  module.setFeatures(binaryen.Features.All);
  if (!module.validate()) throw new Error('the kernel does not validate');
  module.optimize();
  const bytes = module.emitBinary();
  module.dispose();
  return bytes;
}

/** Byte offsets in the shared memory: a barrier word, the vectors, then every product's weights. */
function plan() {
  let at = 64;
  const x = at; at += 4 * 4 * D;
  const y = at; at += 2 * 4 * ROWS; // a partial sum per worker when the rows are split
  const weights = PRODUCTS.map(([k, n]) => { const w = at; at += 4 * k * n; return w; });
  return { x, y, weights, bytes: at };
}

/** One worker's decode loop: `tokens` tokens of every product's columns [part/parts], a barrier after each. */
async function work({ memory, bytes, part, parts, tokens, meet, split }) {
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const { matvec } = instance.exports;
  const { x, y, weights } = plan();
  const sync = new Int32Array(memory.buffer, 0, 2);
  let generation = 0;
  const barrier = () => { // sense-reversing: the last to arrive opens the next generation
    generation += 1;
    if (Atomics.add(sync, 0, 1) === parts - 1) {
      Atomics.store(sync, 0, 0);
      Atomics.store(sync, 1, generation);
      Atomics.notify(sync, 1);
    } else {
      while (Atomics.load(sync, 1) < generation) Atomics.wait(sync, 1, generation - 1, 1);
    }
  };
  const time = () => performance.now();
  barrier();
  const started = time();
  for (let t = 0; t < tokens; t++) {
    PRODUCTS.forEach(([k, n], i) => {
      if (split === 'rows') {
        // each worker its own contiguous half of the rows, into its own partial sums (added up after the barrier;
        // a different summation order from one worker's, which a real decoder would have to adopt everywhere)
        const rows = Math.round(k / parts / ROWS_AT_ONCE) * ROWS_AT_ONCE;
        const s0 = part * rows;
        const s1 = part === parts - 1 ? k : s0 + rows;
        matvec(y + part * 4 * ROWS, x + 4 * s0, weights[i] + 4 * s0 * n, s1 - s0, n, 0, n);
      } else {
        const cols = n / 4 / parts; // in vectors of 4
        const j0 = Math.round(part * cols) * 4;
        const j1 = part === parts - 1 ? n : Math.round((part + 1) * cols) * 4;
        matvec(y, x, weights[i], k, n, j0, j1);
      }
      if (parts > 1 && meet) barrier();
    });
  }
  return (time() - started) / 1000;
}

if (!isMainThread) {
  work(workerData).then((seconds) => parentPort.postMessage(seconds));
}

/** tokens/s with `parts` workers on one shared memory; `meet`: a barrier after every product. */
async function decodeRate(memory, bytes, parts, tokens, meet = true, split = 'columns') {
  new Int32Array(memory.buffer, 0, 2).fill(0); // the barrier, fresh
  const seconds = await Promise.all(Array.from({ length: parts }, (_, part) => new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { memory, bytes, part, parts, tokens, meet, split } });
    worker.once('message', (s) => { resolve(s); worker.terminate(); });
    worker.once('error', reject);
  })));
  return tokens / Math.max(...seconds);
}

export async function runThreadsBench({ tokens = 24, log = console.log } = {}) {
  const bytes = await kernelBytes();
  const { bytes: size } = plan();
  const memory = new WebAssembly.Memory({ initial: Math.ceil(size / 65536), maximum: 65536, shared: true });
  // weights: small numbers, so nothing overflows and no denormals slow a lane
  const all = new Float32Array(memory.buffer, 64, (size - 64) / 4);
  for (let i = 0; i < all.length; i++) all[i] = (i % 997) / 1e6;
  const weightBytes = PRODUCTS.reduce((sum, [k, n]) => sum + 4 * k * n, 0);
  const rates = { 1: 0, 2: 0, apart: 0, rows: 0 };
  for (let run = 0; run < 2; run++) { // twice each, the best kept: the machine is shared
    rates[1] = Math.max(rates[1], await decodeRate(memory, bytes, 1, tokens));
    rates[2] = Math.max(rates[2], await decodeRate(memory, bytes, 2, tokens));
    rates.apart = Math.max(rates.apart, await decodeRate(memory, bytes, 2, tokens, false));
    rates.rows = Math.max(rates.rows, await decodeRate(memory, bytes, 2, tokens, true, 'rows'));
  }
  const report = {
    weight_mb: weightBytes / 1e6, tokens, cores: cpus().length,
    one_worker_tokens_per_s: rates[1], two_workers_tokens_per_s: rates[2], speedup: rates[2] / rates[1],
    one_worker_gb_per_s: (weightBytes * rates[1]) / 1e9, two_workers_gb_per_s: (weightBytes * rates[2]) / 1e9,
    two_workers_no_barrier_tokens_per_s: rates.apart,
    two_workers_rows_split_tokens_per_s: rates.rows,
  };
  printThreads(report, log);
  return report;
}

/** Prints the figures of `runThreadsBench`. */
export function printThreads(r, log = console.log) {
  log(`\nwasm threads (shared memory, one SIMD kernel; ${r.weight_mb.toFixed(0)} MB per token, 49 barriers)`);
  log(`  1 worker:  ${r.one_worker_tokens_per_s.toFixed(1)} tokens/s (${r.one_worker_gb_per_s.toFixed(1)} GB/s)`);
  log(`  2 workers: ${r.two_workers_tokens_per_s.toFixed(1)} tokens/s (${r.two_workers_gb_per_s.toFixed(1)} GB/s), ` +
    `${r.speedup.toFixed(2)}× one`);
  log(`  2 workers, no barrier (what the memory allows): ${r.two_workers_no_barrier_tokens_per_s.toFixed(1)} tokens/s ` +
    `(${((r.weight_mb * 1e6 * r.two_workers_no_barrier_tokens_per_s) / 1e9).toFixed(1)} GB/s)`);
  log(`  2 workers, each a contiguous half of the rows (partial sums: other bits): ` +
    `${r.two_workers_rows_split_tokens_per_s.toFixed(1)} tokens/s`);
}

if (isMainThread && process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const name = 'node bench/gpt1_threads.mjs';
  const spec = {
    usage: '[--tokens N] [--json]',
    about: 'Would wasm threads speed up GPT-1\'s decode? Its per-token weight traffic through one SIMD kernel, by one '
      + 'worker and by two.',
    flags: { '--json': 'one JSON line on stdout (the report goes to stderr)' },
    options: { '--tokens': ['N', 'tokens to time (default 24)'] },
  };
  const { flags, options } = readArgs(name, spec);
  const tokens = options['--tokens'] ?? '24';
  if (!/^[1-9]\d*$/.test(tokens)) refuse(name, spec, `--tokens ${tokens}: a whole number of tokens, at least 1`);
  const json = flags.has('--json');
  const report = await runThreadsBench({ tokens: Number(tokens), log: json ? console.error : console.log });
  if (json) console.log(JSON.stringify(report));
}
