// GPT-1 (117M) decoding: the wasm SIMD module against numpy's float32 KV-cached decode of the same weights
// (bench/gpt1_numpy.py) with one BLAS thread and with all, side by side. Random weights at full size from
// bench/gpt1_weights.mjs (a 479 MB file in the system's temp directory, made once). Reports tokens/s, the
// ratio to numpy single-threaded, a 64-token prompt's time and the peak wasm memory.
//
// Also the wasm threads measurement of bench/gpt1_threads.mjs.
//
//   node bench/gpt1.mjs [--quick] [--json]   (--json: the table on stderr, the figures as JSON on stdout's last
//                                             line, as bench/run.mjs reads its children)

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpt1Header, SEED, writeGpt1File } from './gpt1_weights.mjs';
import { printThreads, runThreadsBench } from './gpt1_threads.mjs';
import { readArgs } from '../scripts/cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => console.error(`\x1b[1m[bench gpt1]\x1b[0m ${message}`);

/** The random GPT-1 file, made once per machine. */
function weightsFile() {
  const path = join(tmpdir(), `gpt1-playground-random-${SEED}.safetensors`);
  const size = gpt1Header().length + 4 * 116534784;
  if (!existsSync(path) || statSync(path).size !== size) {
    say(`writing random GPT-1 weights (seed ${SEED}) to ${path}`);
    writeGpt1File(path, SEED);
  }
  return path;
}

/** The wasm module as the page's worker loads it: streamed from disk in 16 MB slices, then decoding. */
async function wasmFigures(path, promptLength, tokens, runs) {
  const api = await import(join(root, 'www/gpt-api.js'));
  api.initSync({ module: readFileSync(join(root, 'www/pkg/gpt1_playground_gpt_bg.wasm')) });
  const { TinyGpt } = api;
  const started = performance.now();
  const fd = openSync(path, 'r');
  const first = new Uint8Array(8);
  readSync(fd, first, 0, 8, 0);
  const headerLength = TinyGpt.safetensorsHeaderLength(first);
  const header = new Uint8Array(headerLength);
  readSync(fd, header, 0, headerLength, 0);
  const loader = TinyGpt.loadSafetensors(header);
  const slice = new Uint8Array(16 << 20);
  for (let at = headerLength; ; ) {
    const n = readSync(fd, slice, 0, slice.length, at);
    if (n === 0) break;
    loader.write(slice.subarray(0, n));
    at += n;
  }
  closeSync(fd);
  const gpt = loader.finish();
  const loadS = (performance.now() - started) / 1000;
  const rows = gpt.shape.rows;
  const prompt = Array.from({ length: promptLength }, (_, i) => (i * 104729 + 5) % rows);
  let promptS = Infinity;
  let rate = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const run = gpt.decoder(prompt, { seed: 1 });
    run.distribution(1); // the prompt's logits are computed here (lazily, like the page's first view)
    promptS = Math.min(promptS, (performance.now() - t) / 1000);
    t = performance.now();
    for (let i = 0; i < tokens; i++) run.next();
    run.distribution(1); // the last token's position
    rate = Math.max(rate, tokens / ((performance.now() - t) / 1000));
    run.free();
  }
  return { load_s: loadS, prompt_s: promptS, tokens_per_s: rate, peak_memory_bytes: TinyGpt.memoryBytes() };
}

/** numpy in a child process with `threads` BLAS threads (null: numpy's default, all cores). */
function numpyFigures(python, path, threads, promptLength, tokens, runs) {
  const env = { ...process.env };
  for (const name of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) {
    if (threads === null) delete env[name];
    else env[name] = String(threads);
  }
  const args = [join(root, 'bench/gpt1_numpy.py'), '--weights', path, '--prompt', String(promptLength)];
  args.push('--tokens', String(tokens), '--runs', String(runs));
  const result = spawnSync(python, args, { cwd: root, env, encoding: 'utf8', timeout: 900_000 });
  try {
    return JSON.parse(result.stdout.trim().split('\n').pop());
  } catch {
    const why = result.error?.message ?? result.stderr?.trim().split('\n').slice(-3).join(' | ');
    say(`numpy (${threads ?? 'all'} threads) failed: ${why}`);
    return { error: why };
  }
}

/** Runs both sides and returns the figures; prints them side by side. */
export async function runGpt1Bench({ python = 'python3', quick = false, log = console.log } = {}) {
  const path = weightsFile();
  const [promptLength, tokens, runs] = [64, quick ? 16 : 48, quick ? 1 : 2];
  say(`wasm SIMD: load, ${promptLength}-token prompt, ${tokens} tokens decoded`);
  const wasm = await wasmFigures(path, promptLength, tokens, runs);
  say('numpy float32, 1 thread');
  const one = numpyFigures(python, path, 1, promptLength, tokens, runs);
  say(`numpy float32, all threads (${cpus().length})`);
  const all = numpyFigures(python, path, null, promptLength, tokens, runs);
  say('wasm threads: one SIMD kernel on shared memory, one worker against two (bench/gpt1_threads.mjs)');
  const threads = await runThreadsBench({ tokens: quick ? 8 : 24, log: () => {} });
  const report = { wasm, numpy_1_thread: one, numpy_all_threads: all, threads, prompt_tokens: promptLength, tokens };
  report.ratio_to_numpy_1_thread = one.tokens_per_s ? one.tokens_per_s / wasm.tokens_per_s : null;
  printGpt1(report, log);
  return report;
}

const fixed = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** The figures side by side, and the targets of issue 15. */
export function printGpt1(r, log = console.log) {
  const lines = [
    ['', 'wasm SIMD', 'numpy 1 thread', `numpy all threads`],
    ['decode, tokens/s', fixed(r.wasm.tokens_per_s), fixed(r.numpy_1_thread.tokens_per_s), fixed(r.numpy_all_threads.tokens_per_s)],
    [`${r.prompt_tokens}-token prompt, s`, fixed(r.wasm.prompt_s, 2), fixed(r.numpy_1_thread.prompt_s, 2), fixed(r.numpy_all_threads.prompt_s, 2)],
  ];
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  log('\nGPT-1 (117M, random weights), KV-cached decode');
  for (const l of lines) log('  ' + l.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('   '));
  log(`  wasm: file streamed in and ready in ${fixed(r.wasm.load_s, 1)} s; peak wasm memory ` +
    `${fixed(r.wasm.peak_memory_bytes / 1e6, 0)} MB`);
  log(`  targets: ≥ 20 tokens/s (${fixed(r.wasm.tokens_per_s)}), within 1.25× of numpy 1 thread ` +
    `(numpy/wasm = ${fixed(r.ratio_to_numpy_1_thread, 2)}), prompt ≤ 2 s (${fixed(r.wasm.prompt_s, 2)}), ` +
    `memory ≤ 1.1 GB (${fixed(r.wasm.peak_memory_bytes / 1e9, 2)})`);
  if (r.threads) printThreads(r.threads, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { flags } = readArgs('node bench/gpt1.mjs', {
    usage: '[--quick] [--json]',
    about: 'GPT-1 at full size (random weights of its layout, made once in the system\'s temporary folder): the wasm '
      + 'SIMD decode against numpy\'s float32 KV-cached decode, one thread and all, with the prompt and memory.',
    flags: { '--quick': 'fewer tokens', '--json': 'one JSON line on stdout (the report goes to stderr)' },
  });
  const venv = join(root, 'bench/.venv/bin/python');
  const json = flags.has('--json');
  const python = existsSync(venv) ? venv : 'python3';
  const report = await runGpt1Bench({ python, quick: flags.has('--quick'), log: json ? console.error : console.log });
  if (json) console.log(JSON.stringify(report));
}
