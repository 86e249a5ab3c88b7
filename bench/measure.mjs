// Helpers shared by the Node children of `npm run bench` (the plain-JS peer and the wasm module): options, memory,
// and the timed loops, so both are measured the same way as the numpy and native children.

/** `--name value` pairs → an object of strings. */
export function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  return args;
}

/** The options every child takes, with the same defaults as the native and numpy children. */
export function benchOptions(argv) {
  const a = parseArgs(argv);
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
