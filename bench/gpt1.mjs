// GPT-1 (117M) in the page's engine and its peers, on the same random full-size weights (bench/gpt1_weights.mjs, a
// 479 MB file in the system's temp directory, made once): our wasm SIMD module in float32 and, where it is built,
// in its compact int8 form; onnxruntime-web in Node with one thread, on an ONNX graph of the same network
// (bench/gpt1_onnx.py) in float32 and in onnxruntime's dynamic int8 form; numpy's float32 decode with one BLAS
// thread and with all (bench/gpt1_numpy.py). Each engine runs in a child process of its own (bench/gpt1_engine.mjs),
// so that its peak memory is its own, and the engines take turns round by round, so that the machine's noise falls
// on all of them. Before anything is timed, every engine's next-token log-probabilities after a 64-token prompt and
// after one more token are compared with ours: a float32 engine that differs by more than 1e-3 is not timed.
//
// Also the wasm threads measurement of bench/gpt1_threads.mjs.
//
//   node bench/gpt1.mjs [--quick] [--json]   (--json: the table on stderr, the figures as JSON on stdout's last
//                                             line, as bench/run.mjs reads its children)
//
// A benchmark, not a test: a missed target is printed, never a failure.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomGpt1File } from './gpt1_weights.mjs';
import { printThreads, runThreadsBench } from './gpt1_threads.mjs';
import { readArgs } from '../scripts/cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => console.error(`\x1b[1m[bench gpt1]\x1b[0m ${message}`);
/** The Python packages of the ONNX graph's generator, pinned so that every run builds the same graphs. */
const ONNX_PACKAGES = ['onnx==1.23.2', 'onnxruntime==1.32.0'];
/** How far a float32 engine's log-probabilities may be from ours. */
const AGREE = 1e-3;

/** bench/.venv with numpy, onnx and onnxruntime (PyPI), made or completed when something is missing. */
export function benchPython() {
  const venv = join(root, 'bench/.venv');
  const python = join(venv, 'bin/python');
  const has = (modules) => spawnSync(python, ['-c', `import ${modules}`]).status === 0;
  if (!existsSync(python)) {
    say('making bench/.venv');
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  const pip = (packages) =>
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], {
      stdio: 'inherit',
    });
  if (!has('numpy')) {
    say('installing numpy into bench/.venv (PyPI)');
    pip(['numpy']);
  }
  if (!has('onnx, onnxruntime')) {
    say(`installing ${ONNX_PACKAGES.join(', ')} into bench/.venv (PyPI), for the ONNX graph`);
    pip(ONNX_PACKAGES);
  }
  return python;
}

/** The ONNX graphs (float32 and dynamic int8) of the weights, made beside them when missing or older than their
 * generator. */
function onnxFiles(python, weights) {
  const fp32 = weights.replace(/\.safetensors$/, '.onnx');
  const int8 = weights.replace(/\.safetensors$/, '-int8.onnx');
  const script = join(root, 'bench/gpt1_onnx.py');
  const stale = (f) => !existsSync(f) || statSync(f).mtimeMs < Math.max(statSync(script).mtimeMs, statSync(weights).mtimeMs);
  if (stale(fp32) || stale(int8)) {
    say('building the ONNX graphs (bench/gpt1_onnx.py: float32, then quantize_dynamic int8)');
    execFileSync(python, [script, '--weights', weights, '--out', fp32, '--int8', int8], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return { fp32, int8 };
}

/** The engines, in the table's order; `run(extra)` starts one child and returns its JSON line. */
function engines(python, weights, onnx, promptLength, tokens) {
  const node = (engine, file) => (extra) =>
    child(process.execPath, [join(root, 'bench/gpt1_engine.mjs'), '--engine', engine, '--weights', weights,
      ...(file ? ['--onnx', file] : []), '--prompt', String(promptLength), '--tokens', String(tokens), ...extra]);
  const numpy = (threads, pages = []) => (extra) => {
    const env = { ...process.env };
    for (const name of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) {
      if (threads === null) delete env[name];
      else env[name] = String(threads);
    }
    return child(python, [join(root, 'bench/gpt1_numpy.py'), '--weights', weights, '--prompt', String(promptLength),
      '--tokens', String(tokens), '--runs', '1', ...pages, ...extra.filter((a) => a !== '--time')], env);
  };
  return [
    { id: 'ours', label: 'ours float32', float32: true, run: node('ours') },
    { id: 'ours_int8', label: 'ours int8', float32: false, run: node('ours-int8') },
    { id: 'ort', label: 'ort-web fp32', float32: true, run: node('ort', onnx.fp32) },
    { id: 'ort_int8', label: 'ort-web int8', float32: false, run: node('ort-int8', onnx.int8) },
    { id: 'numpy_1', label: 'numpy 1 thread', float32: true, run: numpy(1) },
    // numpy asks Linux for 2 MB pages for its large arrays; a wasm memory gets 4 KB ones unless the system
    // gives every process huge pages: the same page size as ours, for a like-for-like figure
    { id: 'numpy_1_small', label: 'numpy 1 thread, 4 KB pages', float32: true, run: numpy(1, ['--small-pages']) },
    { id: 'numpy_all', label: `numpy ${cpus().length} threads`, float32: true, run: numpy(null) },
  ];
}

/** One child process; its last stdout line as JSON (or an error record). */
function child(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
  try {
    return JSON.parse(result.stdout.trim().split('\n').pop());
  } catch {
    const why = result.error?.message ?? result.stderr?.trim().split('\n').slice(-3).join(' | ') ?? 'no output';
    return { error: why };
  }
}

/** Every engine's log-probabilities against ours: max |Δ| and whether the most likely tokens agree. */
function agreement(list, dir) {
  const read = (id) => {
    const file = join(dir, `${id}.f32`);
    return existsSync(file) ? new Float32Array(readFileSync(file).buffer.slice(0)) : null;
  };
  for (const e of list) {
    const out = e.run(['--logprobs', join(dir, `${e.id}.f32`)]);
    if (out.missing) e.missing = out.missing;
    if (out.error) e.error = out.error;
  }
  const ours = read('ours');
  const argmax = (a, from, to) => {
    let best = from;
    for (let i = from; i < to; i++) if (a[i] > a[best]) best = i;
    return best - from;
  };
  for (const e of list) {
    const theirs = e.missing || e.error ? null : read(e.id);
    if (!ours && e.float32 && !e.error && !e.missing) e.error = 'not checked: ours gave no log-probabilities to check against';
    if (!ours || !theirs || theirs.length !== ours.length) continue;
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
    const rows = ours.length / 2;
    e.max_abs_logprob_diff = worst;
    e.top1_agrees = [0, 1].every((p) => argmax(ours, p * rows, (p + 1) * rows) === argmax(theirs, p * rows, (p + 1) * rows));
    if (e.float32 && !(worst <= AGREE)) e.error = `log-probabilities differ from ours by ${worst.toExponential(2)} (> ${AGREE})`;
  }
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Checks every engine, then times them round by round (the order rotating), and returns the figures. */
export async function runGpt1Bench({ python = benchPython(), quick = false, log = console.log } = {}) {
  const weights = randomGpt1File(say);
  const onnx = onnxFiles(python, weights);
  const [promptLength, tokens, rounds] = [64, quick ? 16 : 48, quick ? 1 : 3];
  const list = engines(python, weights, onnx, promptLength, tokens);
  say(`checking every engine's log-probabilities against ours (${promptLength}-token prompt, then one token)`);
  const dir = mkdtempSync(join(tmpdir(), 'gpt1-logprobs-'));
  try {
    agreement(list, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const timed = list.filter((e) => !e.missing && !e.error);
  const runs = Object.fromEntries(list.map((e) => [e.id, []]));
  for (let r = 0; r < rounds; r++) {
    const order = timed.map((_, i) => timed[(i + r) % timed.length]);
    say(`round ${r + 1} of ${rounds}: ${order.map((e) => e.label).join(', ')}`);
    for (const e of order) {
      const out = e.run(['--time']);
      if (out.error) say(`  ${e.label} failed: ${out.error}`);
      else runs[e.id].push(out);
    }
  }
  const report = { prompt_tokens: promptLength, tokens, rounds, load_average: loadAverage(), engines: {} };
  for (const e of list) {
    const got = runs[e.id];
    report.engines[e.id] = {
      label: e.label,
      ...(e.missing ? { missing: e.missing } : {}),
      ...(e.error ? { error: e.error } : {}),
      max_abs_logprob_diff: e.max_abs_logprob_diff ?? null,
      top1_agrees: e.top1_agrees ?? null,
      tokens_per_s: median(got.map((g) => g.tokens_per_s)),
      prompt_s: median(got.map((g) => g.prompt_s)),
      tokens_per_cpu_s: median(got.map((g) => g.tokens_per_cpu_s)),
      prompt_cpu_s: median(got.map((g) => g.prompt_cpu_s)),
      peak_rss_bytes: got.length ? Math.max(...got.map((g) => g.peak_rss_bytes ?? 0)) : null,
      wasm_bytes: got.find((g) => g.wasm_bytes)?.wasm_bytes ?? null,
      huge_page_bytes: maxKnown(got.map((g) => g.huge_page_bytes)),
      runs: got.map(({ tokens_per_s, prompt_s, tokens_per_cpu_s, prompt_cpu_s }) => ({
        tokens_per_s,
        prompt_s,
        tokens_per_cpu_s,
        prompt_cpu_s,
      })),
    };
  }
  report.numpy = runs.numpy_1[0]?.numpy ?? null;
  say('wasm threads: one SIMD kernel on shared memory, one worker against two (bench/gpt1_threads.mjs)');
  report.threads = await runThreadsBench({ tokens: quick ? 8 : 24, log: () => {} });
  printGpt1(report, log);
  return report;
}

/** The system's transparent huge page mode (`always`, `madvise` or `never`), or 'unknown'. */
const hugePageMode = () => {
  try {
    return readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').match(/\[(\w+)\]/)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
};
/** The largest of the numbers among `xs`, or null when none is known (e.g. where /proc cannot be read). */
const maxKnown = (xs) => {
  const known = xs.filter((x) => typeof x === 'number');
  return known.length ? Math.max(...known) : null;
};
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const megabytes = (bytes) => (typeof bytes === 'number' ? bytes / 1e6 : null);
const fixed = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);

/** The figures side by side, and the targets of issue 21. */
export function printGpt1(r, log = console.log) {
  const e = r.engines;
  const ids = Object.keys(e);
  const cell = (id, value) => e[id].missing ?? (e[id].error ? 'failed' : value);
  const lines = [
    ['', ...ids.map((id) => e[id].label)],
    ['decode, tokens/s', ...ids.map((id) => cell(id, fixed(e[id].tokens_per_s)))],
    [`${r.prompt_tokens}-token prompt, s`, ...ids.map((id) => cell(id, fixed(e[id].prompt_s, 2)))],
    ['  in CPU time: tokens/s', ...ids.map((id) => cell(id, fixed(e[id].tokens_per_cpu_s)))],
    ['  in CPU time: prompt, s', ...ids.map((id) => cell(id, fixed(e[id].prompt_cpu_s, 2)))],
    ['peak memory (RSS), MB', ...ids.map((id) => cell(id, fixed(e[id].peak_rss_bytes / 1e6, 0)))],
    ['  of it in 2 MB pages, MB', ...ids.map((id) => cell(id, fixed(megabytes(e[id].huge_page_bytes), 0)))],
    ['max |Δ log p| vs ours', ...ids.map((id) => (id === 'ours' ? '-' : cell(id, fixed(e[id].max_abs_logprob_diff, 6))))],
  ];
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  log(`\nGPT-1 (117M, random weights), KV-cached decode: medians of ${r.rounds} round(s), engines in turn; ` +
    `load average ${r.load_average}`);
  for (const l of lines) log('  ' + l.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('   '));
  for (const id of ids.filter((id) => e[id].error)) log(`  ${e[id].label}: ${e[id].error}`);
  log('  (CPU time: the process\'s own, every thread\'s: less disturbed by other work on the machine; numpy with all');
  log('  threads adds up its threads)');
  if (e.ours.wasm_bytes) log(`  ours: peak wasm memory ${fixed(e.ours.wasm_bytes / 1e6, 0)} MB of its RSS`);
  const target = (name, [wall, cpu], goal, ok) =>
    log(`  ${name}: ${fixed(wall, 2)} (target ${goal})${wall != null && !ok(wall) ? '  MISSED' : ''}; ` +
      `in CPU time ${fixed(cpu, 2)}`);
  const ratios = (a, b, field, cpuField) => [ratio(e[a][field], e[b][field]), ratio(e[a][cpuField], e[b][cpuField])];
  log('  targets, medians of the wall-clock times (a benchmark: a miss is printed, not failed)');
  target('prompt, ours / ort-web fp32', ratios('ours', 'ort', 'prompt_s', 'prompt_cpu_s'), '≤ 1', (x) => x <= 1);
  const decode = (a, b) => ratios(a, b, 'tokens_per_s', 'tokens_per_cpu_s');
  target('decode, ours float32 / numpy 1 thread', decode('ours', 'numpy_1'), '≥ 1', (x) => x >= 1);
  if (e.numpy_1_small && !e.numpy_1_small.error) {
    const [wall, cpu] = decode('ours', 'numpy_1_small');
    log(`    against numpy in 4 KB pages, as a wasm memory's (transparent huge pages here: ${hugePageMode()}): ` +
      `${fixed(wall, 2)}; in CPU time ${fixed(cpu, 2)}`);
  }
  if (e.ours_int8.missing) log(`  decode, ours int8: ${e.ours_int8.missing}`);
  else {
    target('decode, ours int8 / ours float32', decode('ours_int8', 'ours'), '≥ 2', (x) => x >= 2);
    target('decode, ours int8 / ort-web int8', decode('ours_int8', 'ort_int8'), '≥ 1.8', (x) => x >= 1.8);
  }
  if (r.threads) printThreads(r.threads, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { flags } = readArgs('node bench/gpt1.mjs', {
    usage: '[--quick] [--json]',
    about: 'GPT-1 at full size (random weights of its layout, made once in the system\'s temporary folder): our wasm '
      + 'module, onnxruntime-web and numpy, float32 and int8, each engine in a process of its own, in turn: decode, '
      + 'the 64-token prompt and peak memory.',
    flags: { '--quick': 'fewer rounds', '--json': 'one JSON line on stdout (the report goes to stderr)' },
  });
  const json = flags.has('--json');
  const report = await runGpt1Bench({ quick: flags.has('--quick'), log: json ? console.error : console.log });
  if (json) console.log(JSON.stringify(report));
}
