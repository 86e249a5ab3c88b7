// `npm run bench [-- --quick]`: the lesson's numpy, a plain-JS peer, our core natively and our wasm module in
// Node, side by side on three corpora. Sets up what it needs (numpy in bench/.venv, the King James Bible from
// Debian's bible-kjv into bench/.data), runs each implementation in its own child process per corpus, prints a
// table and the targets, and writes bench/results.json. A benchmark, not a test: a missed target never fails it.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printGpt1 } from './gpt1.mjs';
import { printTuner } from './gpt1_tuner.mjs';
import { printInt8 } from './gpt1_int8.mjs';

import { bibleVerses } from './book.mjs';
import { readArgs } from '../scripts/cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = join(root, 'bench');
const data = join(bench, '.data');
const names = join(root, '..', 'shared', 'data', 'names');
const { flags } = readArgs('npm run bench --', {
  usage: '[--quick]',
  about: 'The lesson\'s numpy, a plain-JS peer, our core natively and our wasm module side by side on three corpora; '
    + 'then the page in Chromium, GPT-1, the tiny transformer and GPT-1\'s tokenizer. Writes bench/results.json.',
  flags: { '--quick': 'fewer runs and shorter ones' },
});
const quick = flags.has('--quick');
process.env.PATH = `${process.env.HOME}/.cargo/bin:${process.env.PATH}`;

// how many runs, and how long each generation run lasts
const RUNS = quick ? 2 : 5;
const SLOW_BUILD_RUNS = quick ? 1 : 3; // numpy's dense build of the book takes seconds per run
const BUDGET_MS = quick ? 150 : 400;

const say = (message) => console.error(`\x1b[1m[bench]\x1b[0m ${message}`);
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });
const output = (command, args) => {
  try {
    return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

// ---------------------------------------------------------------- set-up ----------------------------------------

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildWasmIfStale() {
  const wasm = join(root, 'www/pkg/gpt1_playground_bg.wasm');
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'Cargo.toml')).mtimeMs);
  if (!existsSync(wasm) || statSync(wasm).mtimeMs < sources) {
    say('www/pkg is missing or older than src/: building the wasm module');
    run('bash', ['scripts/build.sh']);
  }
}

/** Builds the native example once; the children run the binary, so edits to src/ mid-run change nothing. */
function buildNative() {
  say('building the native benchmark (cargo build --release --example bench)');
  run('cargo', ['build', '--release', '--example', 'bench', '--quiet']);
  return join(root, 'target/release/examples/bench');
}

function numpyPython() {
  const python = join(bench, '.venv/bin/python');
  const works = () => existsSync(python) && output(python, ['-c', 'import numpy']) !== null;
  if (!works()) {
    say('installing numpy into bench/.venv (PyPI)');
    run('python3', ['-m', 'venv', join(bench, '.venv')]);
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'numpy']);
  }
  return python;
}

/**
 * The King James Bible from Debian's bible-kjv: `bible -f` turns pretty-printing off (one verse per line, after its
 * reference) and `Gen1:1-Rev22:21` is the whole text. Lower-cased, with punctuation split into tokens of its own,
 * it is ~4.3 MB and has a vocabulary of ~12,800 words. Every 10th verse is the evaluation text (in-sample).
 */
function bookText() {
  const book = join(data, 'kjv.txt');
  const evalPath = join(data, 'kjv-eval.txt');
  if (existsSync(book) && existsSync(evalPath)) return [book, evalPath];
  const verses = bibleVerses(say, run).map((verse) =>
    verse
      .toLowerCase()
      .replace(/([.,;:?!()])/g, ' $1 ')
      .split(/\s+/)
      .filter(Boolean)
      .join(' '),
  );
  writeFileSync(book, verses.join('\n') + '\n');
  writeFileSync(evalPath, verses.filter((_, i) => i % 10 === 9).join('\n') + '\n');
  return [book, evalPath];
}

// ---------------------------------------------------------------- running ---------------------------------------

const median = (xs) => {
  if (!xs?.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs one child, returns its JSON line (or an error record: one failure must not stop the others). */
function child(label, command, args, env = process.env, timeout = 300_000) {
  say(`${label}`);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env, timeout, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - started) / 1000;
  const line = result.stdout?.trim().split('\n').pop();
  try {
    return { ...JSON.parse(line), seconds };
  } catch {
    const why = result.error?.message ?? result.stderr?.trim().split('\n').slice(-3).join(' | ') ?? 'no output';
    say(`  failed: ${why}`);
    return { error: why, seconds };
  }
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function main() {
  const started = performance.now();
  const loadBefore = loadAverage();
  say(`${quick ? 'quick' : 'full'} run: ${RUNS} runs per figure (numpy's build of the book: ${SLOW_BUILD_RUNS})`);
  run('bash', ['scripts/setup.sh', 'build']);
  buildWasmIfStale();
  const native = buildNative();
  const python = numpyPython();
  mkdirSync(data, { recursive: true });
  const lesson = join(data, 'lesson.txt');
  writeFileSync(lesson, 'chai bahut garam hai\nchai acha\nchai bahut acha hai\n');
  const [book, bookEval] = bookText();

  const corpora = [
    { id: 'lesson', label: 'lesson (3 sentences, words)', corpus: lesson, eval: lesson, tokenizer: 'word', batch: 1000 },
    {
      id: 'names',
      label: 'names (train 30,032, chars; eval val)',
      corpus: join(names, 'train.txt'),
      eval: join(names, 'val.txt'),
      tokenizer: 'char',
      batch: 1000,
    },
    { id: 'book', label: 'KJV Bible (words)', corpus: book, eval: bookEval, tokenizer: 'word', batch: 100 },
  ];
  // numpy as a notebook runs it: a current numpy with no OpenBLAS overrides (see the machine notes)
  const numpyEnv = { ...process.env };
  delete numpyEnv.OPENBLAS_CORETYPE;
  delete numpyEnv.OPENBLAS_L2_SIZE;

  const results = {};
  for (const c of corpora) {
    const common = ['--corpus', c.corpus, '--eval', c.eval, '--tokenizer', c.tokenizer, '--runs', String(RUNS)];
    common.push('--budget-ms', String(BUDGET_MS), '--max-len', '100', '--seed', '42');
    const slow = c.id === 'book' ? ['--build-runs', String(SLOW_BUILD_RUNS), '--batch', '10'] : ['--batch', '100'];
    results[c.id] = {
      numpy: child(`${c.id}: numpy`, python, [join(bench, 'lesson_numpy.py'), ...common, ...slow], numpyEnv),
      peer: child(`${c.id}: plain-JS peer`, 'node', [join(bench, 'peer.mjs'), ...common, '--batch', '100']),
      native: child(`${c.id}: native`, native, [...common, '--batch', String(c.batch)]),
      wasm: child(`${c.id}: wasm`, 'node', [join(bench, 'wasm_child.mjs'), ...common, '--batch', String(c.batch)]),
    };
  }
  const page = child('page: Chromium, keystroke → matrix (lesson, 4 MB book)', 'node', [
    join(bench, 'page.mjs'),
    '--book',
    book,
    '--keys',
    String(quick ? 10 : 20),
  ]);
  // GPT-1 at full size: our wasm module against onnxruntime-web and numpy, engines in turn (bench/gpt1.mjs)
  const gpt1 = child(
    'GPT-1 117M: ours, onnxruntime-web and numpy, float32 and int8',
    'node',
    [join(bench, 'gpt1.mjs'), '--json', ...(quick ? ['--quick'] : [])],
    process.env,
    3_600_000,
  );
  // Part E's experiments on GPT-1: a fine-tuning step of the top block and a zero-shot score (bench/gpt1_tuner.mjs)
  const gpt1Tuner = child('GPT-1 117M: a fine-tuning step (top block) and a zero-shot score, wasm SIMD', 'node', [
    join(bench, 'gpt1_tuner.mjs'),
    '--json',
    ...(quick ? ['--quick'] : []),
  ]);
  // GPT-1's compact int8 form against float32: quality, decode and memory (bench/gpt1_int8.mjs)
  const int8 = child('GPT-1 117M: the int8 form against float32', 'node', [
    join(bench, 'gpt1_int8.mjs'),
    '--json',
    ...(quick ? ['--quick'] : []),
  ]);
  const grid = child('names: order × smoothing grid in wasm', 'node', [
    join(bench, 'wasm_child.mjs'),
    '--grid',
    join(names, 'train.txt'),
    '--eval',
    join(names, 'val.txt'),
    '--runs',
    String(RUNS),
  ]);

  const machine = {
    cpu: (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model,
    cores: cpus().length,
    node: process.version,
    rustc: output('rustc', ['--version']),
    numpy: results.book.numpy.numpy ?? results.names.numpy.numpy ?? null,
    python: results.book.numpy.python ?? null,
    // other work on the machine skews every figure: the load average before and after the run tells
    load_before: loadBefore,
    load_after: loadAverage(),
  };
  const report = summarise(corpora, results, grid, machine, page);
  report.gpt1 = gpt1;
  report.gpt1_tuner = gpt1Tuner;
  report.gpt1_int8 = int8;
  report.seconds = (performance.now() - started) / 1000;
  writeFileSync(join(bench, 'results.json'), JSON.stringify(report, null, 2) + '\n');
  print(report);
  if (gpt1.engines) printGpt1(gpt1);
  if (gpt1Tuner.step_s) printTuner(gpt1Tuner);
  if (int8.agreement) printInt8(int8);
  say(`done in ${report.seconds.toFixed(0)} s; results in ${relative(root, join(bench, 'results.json'))}`);
}

// ---------------------------------------------------------------- report ----------------------------------------

const IMPLS = ['numpy', 'peer', 'native', 'wasm'];

function summarise(corpora, results, grid, machine, page) {
  const rows = [];
  for (const c of corpora) {
    for (const impl of IMPLS) {
      const r = results[c.id][impl];
      if (r.error) {
        rows.push({ corpus: c.id, impl, error: r.error });
        continue;
      }
      const retainedKib = r.rss_after_build_kib - r.rss_base_kib;
      rows.push({
        corpus: c.id,
        impl,
        vocab: r.vocab,
        prefix_lines: r.prefix_lines ?? null,
        distinct_pairs: r.distinct_pairs,
        build_ms: median(r.build_ms),
        build_runs: r.build_ms.length,
        gen_exact_tps: median(r.gen_exact_tps),
        gen_fast_tps: median(r.gen_fast_tps),
        eval_tps: median(r.eval_tps),
        eval_tokens: r.eval_tokens,
        loss: r.loss,
        peak_rss_mib: r.rss_peak_kib / 1024,
        build_rss_delta_mib: retainedKib / 1024,
        bytes_per_pair: (retainedKib * 1024) / r.distinct_pairs,
        wasm_memory_mib: r.wasm_peak_kib ? r.wasm_peak_kib / 1024 : null,
        heap_bytes: r.heap_bytes ?? null,
        heap_bytes_per_pair: r.heap_bytes ? r.heap_bytes / r.distinct_pairs : null,
        sampling_cache_mib: r.heap_bytes_after_sampling ? (r.heap_bytes_after_sampling - r.heap_bytes) / 2 ** 20 : null,
        ids_agree_with_strings: r.ids_agree_with_strings ?? null,
        wasm_bytes_per_pair: r.wasm_after_build_kib
          ? ((r.wasm_after_build_kib - r.wasm_base_kib) * 1024) / r.distinct_pairs
          : null,
        first_sample: r.first_sample,
        child_seconds: r.seconds,
      });
    }
  }
  const row = (corpus, impl) => rows.find((x) => x.corpus === corpus && x.impl === impl && !x.error);
  // "ours / theirs" speed-ups: > 1 means ours is faster (for build, the ratio of times the other way round)
  const ratios = [];
  for (const c of corpora) {
    for (const [ours, theirs] of [
      ['native', 'numpy'],
      ['wasm', 'numpy'],
      ['wasm', 'peer'],
      ['native', 'peer'],
      ['wasm', 'native'],
    ]) {
      const a = row(c.id, ours);
      const b = row(c.id, theirs);
      if (!a || !b) continue;
      const speed = (x, y) => (x && y ? x / y : null);
      ratios.push({
        corpus: c.id,
        pair: `${ours}/${theirs}`,
        build: speed(b.build_ms, a.build_ms),
        gen_exact: speed(a.gen_exact_tps, b.gen_exact_tps),
        gen_fast_vs_their_exact: theirs === 'native' ? speed(a.gen_fast_tps, b.gen_fast_tps) : speed(a.gen_fast_tps, b.gen_exact_tps),
        eval: speed(a.eval_tps, b.eval_tps),
        same_first_sample:
          a.first_sample && b.first_sample && theirs !== 'peer'
            ? JSON.stringify(a.first_sample) === JSON.stringify(b.first_sample)
            : null,
      });
    }
  }

  const w = row('book', 'wasm');
  const n = row('book', 'native');
  const np = row('book', 'numpy');
  const peer = row('book', 'peer');
  const ratio = (pair, field) => ratios.find((r) => r.corpus === 'book' && r.pair === pair)?.[field] ?? null;
  const target = (name, measured, goal, pass) => ({ name, measured, goal, pass: measured == null ? null : pass });
  const targets = [
    target('build of the book in wasm', w?.build_ms, '≤ 150 ms', w?.build_ms <= 150),
    target('build: wasm vs numpy', ratio('wasm/numpy', 'build'), '≥ 50× faster', ratio('wasm/numpy', 'build') >= 50),
    target('build: wasm vs plain-JS peer', ratio('wasm/peer', 'build'), '≥ 3× faster', ratio('wasm/peer', 'build') >= 3),
    target('build: wasm within 2× of native', n && w ? w.build_ms / n.build_ms : null, '≤ 2×', w?.build_ms / n?.build_ms <= 2),
    target('exact sampling, wasm, V ≈ 13k', w?.gen_exact_tps, '≥ 100,000 tok/s', w?.gen_exact_tps >= 1e5),
    target('exact sampling, native, V ≈ 13k', n?.gen_exact_tps, '≥ 100,000 tok/s', n?.gen_exact_tps >= 1e5),
    target('fast sampling, wasm, V ≈ 13k', w?.gen_fast_tps, '≥ 2,000,000 tok/s', w?.gen_fast_tps >= 2e6),
    target('fast sampling, native, V ≈ 13k', n?.gen_fast_tps, '≥ 2,000,000 tok/s', n?.gen_fast_tps >= 2e6),
    target('exact sampling: wasm vs peer', ratio('wasm/peer', 'gen_exact'), '≥ 3× faster', ratio('wasm/peer', 'gen_exact') >= 3),
    target('eval: wasm vs peer', ratio('wasm/peer', 'eval'), '≥ 3× faster', ratio('wasm/peer', 'eval') >= 3),
    target('eval: wasm within 2× of native', n && w ? n.eval_tps / w.eval_tps : null, '≤ 2×', n?.eval_tps / w?.eval_tps <= 2),
    target('exact sampling: wasm within 2× of native', n && w ? n.gen_exact_tps / w.gen_exact_tps : null, '≤ 2×',
      n?.gen_exact_tps / w?.gen_exact_tps <= 2),
    target('memory: native bytes per distinct bigram (RSS growth in build)', n?.bytes_per_pair, '≤ 64 B',
      n?.bytes_per_pair <= 64),
    target('memory: wasm linear-memory bytes per distinct bigram', w?.wasm_bytes_per_pair, '≤ 64 B',
      w?.wasm_bytes_per_pair <= 64),
    target('memory: heapBytes per distinct bigram (what the model keeps, after its build)', w?.heap_bytes_per_pair,
      '≤ 64 B', w?.heap_bytes_per_pair <= 64),
  ];
  const p = page.error ? null : page;
  const pageTargets = [
    target('page: keystroke → matrix, lesson (median)', p?.lesson?.median_ms, '≤ 16 ms', p?.lesson?.median_ms <= 16),
    target('page: keystroke → matrix, lesson (worst)', p?.lesson?.max_ms, '≤ 16 ms', p?.lesson?.max_ms <= 16),
    target('page: keystroke → matrix, 4 MB book (median)', p?.book?.median_ms, '≤ 250 ms', p?.book?.median_ms <= 250),
    target('page: longest frame gap while the worker recounts the book', p?.book?.recount?.max_frame_gap_ms, '≤ 50 ms',
      p?.book?.recount?.max_frame_gap_ms <= 50),
    target('page: slowest input event while typing in the book', p?.book?.typing?.slowest_input_event_ms, '≤ 100 ms',
      p?.book?.typing?.slowest_input_event_ms <= 100),
  ];
  return {
    machine,
    quick,
    runs: RUNS,
    numpy_book_build_runs: SLOW_BUILD_RUNS,
    generation_budget_ms: BUDGET_MS,
    rows,
    ratios,
    grid: grid.error ? { error: grid.error } : { median_ms: median(grid.grid_ms), runs: grid.grid_ms, best: grid.best },
    targets,
    page: page.error ? { error: page.error } : page,
    page_targets: pageTargets,
    numpy_dense_bytes_book: np ? 8 * np.vocab ** 2 : null,
    peer_note: peer ? 'the peer samples with mulberry32, so its samples differ from numpy\'s by design' : null,
  };
}

const fmt = (x, digits = 0) =>
  x == null || Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const short = (x) =>
  x == null ? 'n/a' : x >= 100 ? fmt(x) : x >= 10 ? fmt(x, 1) : x >= 0.1 ? fmt(x, 2) : String(Number(x.toPrecision(2)));
const pad = (cells, widths) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');

function table(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  console.log(pad(header, widths));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(pad(l, widths));
}

function print(report) {
  const m = report.machine;
  console.log(
    `\nmachine: ${m.cpu}, ${m.cores} cores; Node ${m.node}; ${m.rustc}; numpy ${m.numpy} (Python ${m.python}); ` +
      `load average ${m.load_before} before, ${m.load_after} after`,
  );
  console.log(
    `medians of ${report.runs} runs (numpy's build of the book: ${report.numpy_book_build_runs}); ` +
      `generation runs last ≥ ${report.generation_budget_ms} ms each${report.quick ? '; --quick' : ''}\n`,
  );
  table(
    ['corpus', 'impl', 'V', 'bigrams', 'build ms', 'exact tok/s', 'fast tok/s', 'eval tok/s', 'peak MiB', 'B/bigram', 'heap B/bigram'],
    report.rows.map((r) =>
      r.error
        ? [r.corpus, r.impl, 'failed:', r.error.slice(0, 60), '', '', '', '', '', '', '']
        : [
            r.corpus,
            r.impl + (r.prefix_lines ? '*' : ''),
            fmt(r.vocab),
            fmt(r.distinct_pairs),
            short(r.build_ms),
            fmt(r.gen_exact_tps),
            fmt(r.gen_fast_tps),
            fmt(r.eval_tps),
            fmt(r.peak_rss_mib, 1),
            r.wasm_bytes_per_pair != null
              ? `${fmt(r.bytes_per_pair)} (lin ${fmt(r.wasm_bytes_per_pair)})`
              : fmt(r.bytes_per_pair),
            r.heap_bytes_per_pair == null ? ''
              : `${fmt(r.heap_bytes_per_pair, 1)}${r.sampling_cache_mib ? ` (+${fmt(r.sampling_cache_mib, 1)} MiB cdfs)` : ''}`,
          ],
    ),
  );
  console.log(
    '\nB/bigram: resident memory grown by building, per distinct bigram (wasm: also its linear memory, "lin"); heap' +
      ' B/bigram: the bytes the model says it keeps (heapBytes) per distinct bigram after its build, and the exact' +
      ' sampler\'s cache of row cdfs after the generation runs (bounded: at most 2^19 runs of 24 B, 12 MiB).' +
      '\nexact = numpy-exact sampling (the peer: its own cumulative-sum sampler over V); fast = the O(log n) sampler.' +
      '\nwasm tok/s come from generateIds (ids only, no strings); the first sample is checked through the string API.',
  );
  console.log('\nspeed-ups, ours/theirs (> 1: ours faster; fast column: our fast mode vs their exact mode)\n');
  table(
    ['corpus', 'pair', 'build', 'exact gen', 'fast gen', 'eval', 'same sample'],
    report.ratios.map((r) => [
      r.corpus,
      r.pair,
      `${short(r.build)}×`,
      `${short(r.gen_exact)}×`,
      r.gen_fast_vs_their_exact == null ? 'n/a' : `${short(r.gen_fast_vs_their_exact)}×`,
      `${short(r.eval)}×`,
      r.same_first_sample == null ? '' : r.same_first_sample ? 'yes' : 'NO',
    ]),
  );
  const g = report.grid;
  console.log(
    g.error
      ? `\norder × smoothing grid (wasm): failed: ${g.error}`
      : `\norder × smoothing grid in wasm (names, char, stream; orders 1–6 × k ∈ {0.01, 0.1, 0.5, 1} on val): ` +
          `${fmt(g.median_ms)} ms in total (best: order ${g.best.order}, k = ${g.best.k}, loss ${g.best.loss.toFixed(4)})`,
  );
  console.log('\ntargets (the book, V ≈ 13k)\n');
  table(
    ['target', '', 'measured', 'goal', 'result'],
    report.targets.map((t) => [
      t.name,
      '',
      t.measured == null ? 'n/a' : t.goal.includes('×') ? `${short(t.measured)}×` : short(t.measured),
      t.goal,
      t.pass == null ? 'n/a' : t.pass ? 'PASS' : 'MISS',
    ]),
  );
  printPage(report);
  const prefixed = report.rows.filter((r) => r.prefix_lines);
  for (const r of prefixed) console.log(`* ${r.corpus}/${r.impl}: built from the first ${fmt(r.prefix_lines)} lines only (memory budget)`);
}

/** The page figures: the Performance API measures the page records, read by playwright-core in Chromium. */
function printPage(report) {
  const p = report.page;
  console.log('\nthe page in Chromium (performance.measure "edit→matrix": keystroke → matrix drawn for it)\n');
  if (p.error) {
    console.log(`failed: ${p.error}`);
    return;
  }
  const ms = (x) => (x == null ? 'n/a' : `${fmt(x, 1)} ms`);
  const b = p.book;
  table(['what', '', 'median', 'worst', 'note'], [
    ['lesson, counted on the page', '', ms(p.lesson.median_ms), ms(p.lesson.max_ms), `${p.lesson.edit_to_matrix_ms.length} keystrokes`],
    ['lesson, forced through the worker', '', ms(p.lesson_worker.median_ms), ms(p.lesson_worker.max_ms), 'why small corpora stay on the page'],
    ['book: paste 4 MB', '', ms(b.paste_edit_to_matrix_ms), '', `${b.vocab}; longest task ${ms(b.paste.longest_task_ms)} (textarea layout)`],
    ['book: keystroke at the end', '', ms(b.median_ms), ms(b.max_ms), `worker build: ${b.status}`],
    ['book: Order 2→3→2, textarea untouched', '', ms(median(b.recount_wall_ms)), ms(Math.max(...b.recount_wall_ms)),
      `frame gap ≤ ${ms(b.recount.max_frame_gap_ms)}, ${b.recount.long_tasks} long tasks`],
    ['book: typing, responsiveness', '', '', ms(b.typing.slowest_input_event_ms),
      `slowest input event; frame gap ≤ ${ms(b.typing.max_frame_gap_ms)}`],
    ['plain 4 MB textarea, no page code', '', '', ms(b.plain_textarea.slowest_input_event_ms),
      `the browser's own cost; frame gap ≤ ${ms(b.plain_textarea.max_frame_gap_ms)}`],
  ]);
  console.log('\npage targets\n');
  table(['target', '', 'measured', 'goal', 'result'], report.page_targets.map((t) => [t.name, '',
    t.measured == null ? 'n/a' : short(t.measured), t.goal, t.pass == null ? 'n/a' : t.pass ? 'PASS' : 'MISS']));
}

main();

// the tiny transformer: native and wasm side by side (its own script, same flags)
execFileSync(process.execPath, [join(bench, 'gpt.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
// GPT-1's tokenizer: wasm against the Python original (its own script, same flags)
execFileSync(process.execPath, [join(bench, 'tokenizer.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
