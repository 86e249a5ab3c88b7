// The peer: the lesson's bigram model written the way a blog post would in plain JavaScript — counts in maps, a
// small seeded PRNG (mulberry32), a cumulative-sum sampler over the whole vocabulary. What our core is compared to.
//
//   node bench/peer.mjs --corpus FILE --eval FILE [--tokenizer word|char] [--runs 5] [--budget-ms 400] …
// prints one JSON line, like the other children of bench/run.mjs.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchOptions, generationRun, peakRssKib, rssKib, timed } from './measure.mjs';

const START = '[START]';
const END = '[END]';

/** mulberry32: a 32-bit seeded generator of floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tokenize(line, tokenizer) {
  return tokenizer === 'word' ? line.trim().split(/\s+/) : [...line];
}

/** A bigram model with add-k smoothing: counts[prev] is a Map next → count. */
export class BigramModel {
  constructor(text, { tokenizer = 'word', smoothing = 1 } = {}) {
    this.tokenizer = tokenizer;
    this.k = smoothing;
    this.counts = new Map();
    this.totals = new Map();
    const seen = new Set();
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (!line.trim()) continue;
      const tokens = [START, ...tokenize(line, tokenizer), END];
      for (let i = 0; i + 1 < tokens.length; i++) {
        const prev = tokens[i];
        const next = tokens[i + 1];
        if (!this.counts.has(prev)) this.counts.set(prev, new Map());
        const row = this.counts.get(prev);
        row.set(next, (row.get(next) ?? 0) + 1);
        this.totals.set(prev, (this.totals.get(prev) ?? 0) + 1);
        if (i + 1 < tokens.length - 1) seen.add(next);
      }
    }
    this.vocab = [...seen, START, END];
  }

  /** P(next | prev) = (count + k) / (row total + k·V). */
  probability(prev, next) {
    const count = this.counts.get(prev)?.get(next) ?? 0;
    return (count + this.k) / ((this.totals.get(prev) ?? 0) + this.k * this.vocab.length);
  }

  /** Walks the vocabulary adding probabilities until the sum passes a uniform draw. */
  sample(prev, random) {
    const r = random();
    let cumulative = 0;
    for (const token of this.vocab) {
      cumulative += this.probability(prev, token);
      if (r < cumulative) return token;
    }
    return this.vocab[this.vocab.length - 1];
  }

  /** [START], then draws until [END] or maxLen tokens. */
  generate(random, maxLen) {
    const tokens = [START];
    while (tokens.length < maxLen) {
      const next = this.sample(tokens[tokens.length - 1], random);
      tokens.push(next);
      if (next === END) break;
    }
    return tokens;
  }

  /** Mean −ln P over every pair of the text's lines. */
  loss(text) {
    let total = 0;
    let pairs = 0;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (!line.trim()) continue;
      const tokens = [START, ...tokenize(line, this.tokenizer), END];
      for (let i = 0; i + 1 < tokens.length; i++) {
        total -= Math.log(this.probability(tokens[i], tokens[i + 1]));
        pairs++;
      }
    }
    return [total / pairs, pairs];
  }

  /** How many distinct (prev, next) pairs were counted. */
  get distinctPairs() {
    let n = 0;
    for (const row of this.counts.values()) n += row.size;
    return n;
  }
}

function main() {
  const o = benchOptions(process.argv.slice(2), 'node bench/peer.mjs');
  const corpus = readFileSync(o.corpus, 'utf8');
  const evalText = readFileSync(o.eval, 'utf8');
  const rssBase = rssKib();
  const buildMs = [];
  let model = null;
  for (let r = 0; r < o.runs; r++) {
    model = null;
    const [ms, built] = timed(() => new BigramModel(corpus, o));
    buildMs.push(ms);
    model = built;
  }
  const rssAfterBuild = rssKib();
  const genExact = [];
  let first = null;
  for (let r = 0; r < o.runs; r++) {
    const [tps, sample] = generationRun(
      (seed) => {
        const random = mulberry32(seed);
        return Array.from({ length: o.batch }, () => model.generate(random, o.maxLen));
      },
      o.seed,
      o.budgetMs,
    );
    genExact.push(tps);
    if (r === 0) first = sample;
  }
  const evalTps = [];
  let loss = null;
  let pairs = 0;
  for (let r = 0; r < o.runs; r++) {
    const [ms, [value, n]] = timed(() => model.loss(evalText));
    evalTps.push((n * 1000) / ms);
    [loss, pairs] = [value, n];
  }
  console.log(
    JSON.stringify({
      impl: 'peer',
      vocab: model.vocab.length,
      distinct_pairs: model.distinctPairs,
      build_ms: buildMs,
      gen_exact_tps: genExact,
      gen_fast_tps: null,
      eval_tokens: pairs,
      eval_tps: evalTps,
      loss,
      rss_base_kib: rssBase,
      rss_after_build_kib: rssAfterBuild,
      rss_peak_kib: peakRssKib(),
      first_sample: first,
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
