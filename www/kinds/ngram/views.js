// What the panels show, computed from a model as plain data (arrays, typed arrays, strings): no DOM here. The same
// functions answer the n-gram requests (ngram-requests.js) on the page thread for a small corpus and inside the worker
// for a large one, so both agree. `core` is the wasm glue of the instance the model lives in.
// A trap (WebAssembly.RuntimeError) is never turned into a message here: it goes up, so the instance is replaced.
import { isTrap } from '../../engine/host.js';

export const TABLE_MAX = 40; // rows/columns the accessible table holds
export const CANVAS_MAX = 200; // rows/columns the canvas heatmap draws
export const ORDERS = [1, 2, 3, 4, 5, 6];
export const KS = [0.01, 0.1, 0.5, 1];

/** Ids of the `n` largest totals, most first (ties: the smaller id). */
export function topIds(totals, n) {
  const ids = Array.from({ length: totals.length }, (_, i) => i);
  ids.sort((a, b) => totals[b] - totals[a] || a - b);
  return ids.slice(0, n);
}

/** The numbers every panel reads without asking: vocabulary, sizes, the loss on its own corpus. */
export function summary(model) {
  const loss = model.loss();
  return {
    vocab: model.vocab,
    order: model.order,
    boundaries: model.boundaries,
    tokenizer: model.tokenizer,
    smoothing: model.smoothing,
    pairTotal: model.pairTotal,
    distinctPairs: model.distinctPairs,
    contextCount: model.contextCount,
    heapBytes: model.heapBytes,
    loss,
    merges: model.tokenizer === 'bpe' ? model.merges() : [],
  };
}

/**
 * The most frequent rows (contexts) and columns (next tokens), up to `limit` each, most frequent first, with each
 * cell's probability and count and each row's total and Σ over all V columns. Only the drawn rows are fetched.
 * `vocab`: the model's, when the caller already has it (a book's vocabulary takes milliseconds to cross from wasm).
 */
export function matrixView(model, limit = CANVAS_MAX, vocab = model.vocab) {
  const V = vocab.length;
  const bigram = model.order === 2;
  let rows;
  if (bigram) {
    const totals = model.rowTotals();
    rows = topIds(totals, limit).map((id) => ({ context: [vocab[id]], cue: id, total: totals[id] }));
  } else {
    rows = model.topContexts(limit).map(({ context, total }) => ({ context, cue: context, total }));
  }
  const contexts = bigram ? V : model.contextCount;
  const cols = topIds(model.nextTotals(), limit);
  const R = rows.length;
  const C = cols.length;
  const k = model.smoothing;
  // only the drawn cells cross from wasm, with each row's sum over all V (not V numbers a row)
  const { probabilities: probs, sums } = model.cells(rows.map((row) => row.cue), cols);
  const counts = new Float64Array(R * C);
  rows.forEach((row, r) => {
    const denominator = row.total + k * V;
    for (let c = 0; c < C; c++) {
      // the count behind the probability: p·(total + k·V) − k, an integer
      counts[r * C + c] = denominator > 0 ? Math.max(0, Math.round(probs[r * C + c] * denominator - k)) : 0;
    }
  });
  return { V, k, order: model.order, bigram, contexts, rows, cols, probs, counts, sums };
}

/**
 * The tokens of `seg` (`[token, id]`, id −1 when the model has none); a rare word of the corpus (or the first typed
 * word it lacks), its pieces, and how often the corpus has each piece as a next token.
 */
export function tokenizerView(model, corpus, seg) {
  const vocab = model.vocab;
  const ids = new Map(vocab.map((token, id) => [token, id]));
  const tokens = model.segment(seg).map((token) => [token, ids.has(token) ? ids.get(token) : -1]);
  const counts = new Map();
  for (const word of corpus.split(/\s+/)) if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  const typed = seg.split(/\s+/).filter((w) => w && !counts.has(w));
  let rarest = null;
  for (const entry of counts) {
    if (!rarest || entry[1] < rarest[1] || (entry[1] === rarest[1] && entry[0].length > rarest[0].length)) rarest = entry;
  }
  const word = typed[0] ?? rarest?.[0] ?? null;
  let rare = null;
  if (word) {
    const pieces = model.segment(word);
    const totals = model.nextTotals();
    rare = { word, seen: counts.get(word) ?? 0, known: ids.has(word), pieces, allKnown: pieces.every((p) => ids.has(p)),
      nextCounts: pieces.map((p) => (ids.has(p) ? totals[ids.get(p)] : null)) };
  }
  return { tokens, rare };
}

/** GPT-1's input for a task, and each field's tokens with the ones the model lacks. */
export function encodeView(core, model, task, input, fields) {
  const known = new Set(model.vocab);
  const checks = {};
  for (const [id, text] of Object.entries(fields)) {
    const words = text.split('\n').flatMap((line) => model.segment(line)).filter((w) => w.trim());
    checks[id] = words.map((w) => [w, known.has(w)]);
  }
  try {
    return { checks, sequences: core.encode(model, task, input) };
  } catch (error) {
    if (isTrap(error)) throw error;
    return { checks, error: error instanceof Error ? error.message : String(error) };
  }
}

/** One sample (and, when asked, five from the same seed). */
export function generateView(core, model, options, samples) {
  return { tokens: core.generate(model, options), samples: samples ? core.generateMany(model, 5, options) : null };
}

/** The model's loss on the validation text, or the error it gives. */
export function currentView(model, val) {
  try {
    return { train: model.loss(), val: model.loss(val) };
  } catch (error) {
    if (isTrap(error)) throw error;
    return { train: model.loss(), error: error instanceof Error ? error.message : String(error) };
  }
}

/** The context the next draw conditions on: the last order − 1 tokens, [START]-padded in lines mode. */
export function nextContext(model, tokens) {
  const n = model.order - 1;
  if (n === 0) return [];
  const last = tokens.slice(-n);
  while (last.length < n) last.unshift('[START]');
  return last;
}

/** Step-through sampling as plain data: where the sampler is, and what the next draw uses. */
export class StepSession {
  constructor(core, model, options) {
    this.model = model;
    this.sampler = new core.Sampler(model, options);
  }

  /** Whether the corpus has this context (else its row is uniform). */
  seen(context) {
    const model = this.model;
    if (model.order === 1) return true;
    const cue = model.order === 2 ? model.vocab.indexOf(context[0]) : context;
    return model.contextTotal(cue) > 0;
  }

  state() {
    const tokens = this.sampler.tokens;
    const context = nextContext(this.model, tokens);
    const done = this.sampler.done;
    return { tokens, done, context, seen: this.seen(context), peek: done ? null : this.sampler.peek() ?? null };
  }

  step() {
    const result = this.sampler.step();
    const state = this.state();
    return { ...state, result: result ?? null, peek: null };
  }

  free() { this.sampler.free(); }
}

/**
 * The evaluation grid: each order counted once, each k from `losses` (the validation text cut once for all k) and
 * the training loss from `withSmoothing` (nothing recounted). Returns losses and the milliseconds spent.
 */
export function grid(core, corpus, options, val) {
  const start = performance.now();
  const hasText = val.trim() !== '';
  const train = [];
  const held = hasText ? [] : null;
  const skipped = [];
  let valError = hasText ? null : '';
  for (const order of ORDERS) {
    const trainRow = KS.map(() => NaN);
    let valRow = KS.map(() => NaN);
    let model = null;
    try {
      model = new core.NgramModel(corpus, { ...options, order, smoothing: 1 });
    } catch (error) {
      if (isTrap(error)) throw error;
      skipped.push(`order ${order}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (model) {
      KS.forEach((k, j) => {
        const smoothed = model.withSmoothing(k);
        trainRow[j] = smoothed.loss();
        smoothed.free();
      });
      if (valError === null) {
        try {
          valRow = Array.from(model.losses(val, KS));
        } catch (error) {
          if (isTrap(error)) throw error;
          valError = error instanceof Error ? error.message : String(error); // the same tokens fail at every order
        }
      }
      model.free();
    }
    train.push(trainRow);
    held?.push(valRow);
  }
  return { train, val: valError === null ? held : null, valError, skipped, ms: performance.now() - start };
}
