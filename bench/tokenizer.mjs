// GPT-1's tokenizer (issue 14): our wasm module in Node against OpenAI's Python original (ftfy + spaCy + BPE, set up
// in bench/.venv-gpt1 from PyPI), on the King James Bible as Debian's bible-kjv prints it (natural text, one verse a
// line). Both encode one line at a time, as the original's TextEncoder.encode does, the whole book (the first 2,000
// verses with --quick), and the ids are compared.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { bibleVerses } from './book.mjs';
import { readArgs } from '../scripts/cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = join(root, 'bench');
const data = join(bench, '.data');
const gpt1 = join(root, 'www', 'data', 'gpt1');
const { flags } = readArgs('node bench/tokenizer.mjs', {
  usage: '[--quick]',
  about: 'GPT-1\'s tokenizer: our wasm module in Node against OpenAI\'s Python original, on the King James Bible, the '
    + 'ids compared.',
  flags: { '--quick': 'the original gets only the first 2,000 verses' },
});
const quick = flags.has('--quick');
const PYTHON_LINES = quick ? 2000 : Infinity;
const RUNS = quick ? 1 : 3;
const say = (message) => console.error(`\x1b[1m[bench tokenizer]\x1b[0m ${message}`);
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });

function originalPython() {
  const python = join(bench, '.venv-gpt1', 'bin', 'python');
  let works = false;
  try {
    execFileSync(python, ['-c', 'import ftfy, spacy'], { stdio: 'ignore' });
    works = true;
  } catch {}
  if (!works) {
    say('installing ftfy and spaCy into bench/.venv-gpt1 (PyPI)');
    run('python3', ['-m', 'venv', join(bench, '.venv-gpt1')]);
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'ftfy', 'spacy']);
  }
  return python;
}

const digest = (rows) => createHash('sha256').update(rows.map((ids) => Array.from(ids).join(' ')).join('\n')).digest('hex');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Encodes every line with a fresh tokenizer (cold caches, as a page's first use); the median of RUNS runs. */
function timeWasm(api, encoder, merges, lines) {
  const bytes = lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
  const seconds = [];
  const cpu = [];
  let rows;
  for (let r = 0; r < RUNS; r++) {
    const tokenizer = new api.Gpt1Tokenizer(encoder, merges);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    rows = lines.map((line) => tokenizer.encode(line));
    const used = process.cpuUsage(cpuStarted);
    seconds.push((performance.now() - started) / 1000);
    cpu.push((used.user + used.system) / 1e6);
    tokenizer.free();
  }
  const s = median(seconds);
  const c = median(cpu);
  return { lines: lines.length, bytes, seconds: s, cpu_seconds: c, mb_per_s: bytes / c / 1e6, wall_mb_per_s: bytes / s / 1e6,
    tokens: rows.reduce((n, r) => n + r.length, 0), sha256: digest(rows) };
}

mkdirSync(data, { recursive: true });
const bookPath = join(data, 'kjv-verses.txt');
if (!existsSync(bookPath)) writeFileSync(bookPath, bibleVerses(say, run).join('\n'));
const lines = readFileSync(bookPath, 'utf8').split('\n');
const pkg = join(root, 'www', 'pkg', 'gpt1_playground_gpt_bg.wasm');
if (!existsSync(pkg)) run('bash', ['scripts/build.sh']);
const api = await import(join(root, 'www', 'gpt-api.js'));
api.initSync({ module: readFileSync(pkg) });
const encoderPath = join(data, 'encoder_bpe_40000.json');
const mergesPath = join(data, 'vocab_40000.bpe');
writeFileSync(encoderPath, gunzipSync(readFileSync(join(gpt1, 'encoder_bpe_40000.json.gz'))));
writeFileSync(mergesPath, gunzipSync(readFileSync(join(gpt1, 'vocab_40000.bpe.gz'))));
const encoder = readFileSync(encoderPath, 'utf8');
const merges = readFileSync(mergesPath, 'utf8');

const head = lines.slice(0, PYTHON_LINES);
say(`Python original (ftfy + spaCy + BPE) on ${head.length} verses (about a minute of CPU for the whole book)`);
const python = JSON.parse(execFileSync(originalPython(), [join(bench, 'tokenizer_original.py'), bookPath,
  String(head.length), encoderPath, mergesPath], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n').pop());
say('wasm on the same verses');
const wasmHead = timeWasm(api, encoder, merges, head);

const rate = (x) => `${x.toFixed(x < 1 ? 3 : 1)} MB/s`;
const mb = (r) => rate(r.mb_per_s);
const rows = [
  [`Python original, ${head.length} verses`, python],
  [`wasm (Node), the same verses`, wasmHead],
].map(([name, r]) => [name, `${(r.bytes / 1e6).toFixed(2)} MB`, `${r.cpu_seconds.toFixed(3)} s`, mb(r), rate(r.wall_mb_per_s)]);
console.log('\nGPT-1 tokenizer: the book (King James Bible, natural text), one verse per encode call, cold caches');
console.log('MB/s per second of CPU time (other work on the machine does not count); wall clock beside it\n');
console.log(`  ${''.padEnd(42)} ${'text'.padStart(9)} ${'CPU'.padStart(9)} ${'MB/s'.padStart(12)} ${'wall MB/s'.padStart(12)}`);
for (const r of rows) console.log(`  ${r[0].padEnd(42)} ${r[1].padStart(9)} ${r[2].padStart(9)} ${r[3].padStart(12)} ${r[4].padStart(12)}`);
const ratio = wasmHead.mb_per_s / python.mb_per_s;
console.log(`\n  same ids as the original on those verses: ${wasmHead.sha256 === python.sha256 ? 'yes' : 'NO'}`);
console.log(`  wasm / original: ${ratio.toFixed(0)}× (target ≥ 20×: ${ratio >= 20 ? 'PASS' : 'MISS'}); ` +
  `wasm ${mb(wasmHead)} (target ≥ 5 MB/s: ${wasmHead.mb_per_s >= 5 ? 'PASS' : 'MISS'})`);
writeFileSync(join(bench, 'results-tokenizer.json'), JSON.stringify({ python, wasm: wasmHead }, null, 2) + '\n');
