// Helpers shared by the Node children of `npm run bench` (the plain-JS peer and the wasm module): options, memory,
// and the timed loops, so both are measured the same way as the numpy and native children.
import { readArgs } from '../scripts/cli.mjs';

/** What every child takes (bench/run.mjs starts them), with the same defaults as the native and numpy children. */
const CHILD = {
  usage: '(--corpus FILE --eval FILE | --grid FILE --eval FILE) [--tokenizer T] [--order N] … (bench/run.mjs runs it)',
  about: 'One implementation of the lesson\'s model, timed on one corpus: one JSON line on stdout.',
  options: {
    '--corpus': ['FILE', 'the training text'], '--eval': ['FILE', 'the held-out text'],
    '--grid': ['FILE', 'time the order × smoothing grid on this training text instead'],
    '--tokenizer': ['word|char|bpe', 'default word'], '--boundaries': ['lines|stream', 'default lines'],
    '--order': ['N', 'default 2'], '--smoothing': ['K', 'default 1'], '--runs': ['N', 'default 5'],
    '--budget-ms': ['MS', 'how long each generation run lasts (default 400)'], '--batch': ['N', 'default 100'],
    '--max-len': ['N', 'default 100'], '--seed': ['N', 'default 42'],
  },
};

/** The options of a child run as `name`, from its command line (`--name value` pairs; --help, or a mistake, stops it). */
export function benchOptions(argv, name) {
  const { options } = readArgs(name, CHILD, argv);
  const a = Object.fromEntries(Object.entries(options).map(([key, value]) => [key.slice(2), value]));
  return {
    corpus: a.corpus,
    eval: a.eval,
    tokenizer: a.tokenizer ?? 'word',
    boundaries: a.boundaries ?? 'lines',
    order: Number(a.order ?? 2),
    smoothing: Number(a.smoothing ?? 1),
    runs: Number(a.runs ?? 5),
    budgetMs: Number(a['budget-ms'] ?? 400),
    batch: Number(a.batch ?? 100),
    maxLen: Number(a['max-len'] ?? 100),
    seed: Number(a.seed ?? 42),
    grid: a.grid,
  };
}

/** Resident memory now, KiB. */
export const rssKib = () => Math.round(process.memoryUsage().rss / 1024);
/** This process's peak resident memory, KiB. */
export const peakRssKib = () => process.resourceUsage().maxRSS;

/** Milliseconds taken by `f`, and its result. */
export function timed(f) {
  const start = performance.now();
  const value = f();
  return [performance.now() - start, value];
}

/**
 * Generation throughput of one run: calls `batch(seed)` (which returns token sequences, prompt included) with
 * successive seeds until `budgetMs` has passed. Returns tokens per second (prompt excluded) and the first sequence.
 */
export function generationRun(batch, seed, budgetMs, promptLength = 1) {
  let tokens = 0;
  let first = null;
  const start = performance.now();
  for (let call = 0; call === 0 || performance.now() - start < budgetMs; call++) {
    const sequences = batch(seed + call);
    for (const s of sequences) tokens += s.length - promptLength;
    if (call === 0) first = sequences[0];
  }
  return [(tokens * 1000) / (performance.now() - start), first];
}

/** How many predictions a bigram model makes on a text in lines mode: every token of a line, then [END]. */
export function predictionsIn(text, tokenizer) {
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    n += (tokenizer === 'word' ? line.trim().split(/\s+/).length : [...line.replace(/\r$/, '')].length) + 1;
  }
  return n;
}
