// Our wasm module (www/pkg, built by scripts/build.sh) measured in Node, one corpus per process so that peak memory
// is this corpus's own. Prints one JSON line for bench/run.mjs.
//
//   node bench/wasm_child.mjs --corpus FILE --eval FILE [--tokenizer word|char] [--boundaries lines|stream] …
//   node bench/wasm_child.mjs --grid TRAIN --eval VAL [--runs 5]   (issue 4's order × smoothing grid)

import { readFileSync } from 'node:fs';
import { generateMany, initSync, NgramModel } from '../www/pkg/gpt1_playground.js';
import { benchOptions, generationRun, peakRssKib, predictionsIn, rssKib, timed } from './measure.mjs';

const wasm = initSync({ module: readFileSync(new URL('../www/pkg/gpt1_playground_bg.wasm', import.meta.url)) });
const wasmKib = () => Math.round(wasm.memory.buffer.byteLength / 1024);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** On names (char tokens, stream boundaries): orders 1…6, each scored on the validation text at four k. */
function grid(o) {
  const train = readFileSync(o.grid, 'utf8');
  const val = readFileSync(o.eval, 'utf8');
  const ks = [0.01, 0.1, 0.5, 1];
  const totals = [];
  let best = null;
  for (let r = 0; r < o.runs; r++) {
    const start = performance.now();
    for (let order = 1; order <= 6; order++) {
      const model = new NgramModel(train, { order, tokenizer: 'char', boundaries: 'stream' });
      for (const k of ks) {
        const smoothed = model.withSmoothing(k);
        const loss = smoothed.loss(val);
        smoothed.free();
        if (!best || loss < best.loss) best = { order, k, loss };
      }
      model.free();
    }
    totals.push(performance.now() - start);
  }
  console.log(JSON.stringify({ impl: 'wasm', grid_ms: totals, grid_median_ms: median(totals), best }));
}

/** Whether this build of the core knows `mode: "fast"` (the options reader rejects names it does not know). */
function hasFastMode(model) {
  try {
    generateMany(model, 1, { seed: 1, maxLen: 2, mode: 'fast' });
    return true;
  } catch {
    return false;
  }
}

function main() {
  const o = benchOptions(process.argv.slice(2));
  if (o.grid) return grid(o);
  const corpus = readFileSync(o.corpus, 'utf8');
  const evalText = readFileSync(o.eval, 'utf8');
  const options = { smoothing: o.smoothing, order: o.order, tokenizer: o.tokenizer, boundaries: o.boundaries };
  const rssBase = rssKib();
  const wasmBase = wasmKib();
  const buildMs = [];
  let model = null;
  for (let r = 0; r < o.runs; r++) {
    model?.free();
    const [ms, built] = timed(() => new NgramModel(corpus, options));
    buildMs.push(ms);
    model = built;
  }
  const rssAfterBuild = rssKib();
  const wasmAfterBuild = wasmKib();

  const generation = (mode) => {
    const tps = [];
    let first = null;
    for (let r = 0; r < o.runs; r++) {
      const opts = (seed) => ({ seed, maxLen: o.maxLen, ...(mode ? { mode } : {}) });
      const [rate, sample] = generationRun((seed) => generateMany(model, o.batch, opts(seed)), o.seed, o.budgetMs);
      tps.push(rate);
      if (r === 0) first = sample;
    }
    return [tps, first];
  };
  const [genExact, first] = generation(null);
  const genFast = hasFastMode(model) ? generation('fast')[0] : null;

  const predictions = predictionsIn(evalText, o.tokenizer);
  const evalTps = [];
  let loss = null;
  for (let r = 0; r < o.runs; r++) {
    const [ms, value] = timed(() => model.loss(evalText));
    evalTps.push((predictions * 1000) / ms);
    loss = value;
  }
  console.log(
    JSON.stringify({
      impl: 'wasm',
      vocab: model.vocab.length,
      distinct_pairs: model.distinctPairs,
      build_ms: buildMs,
      gen_exact_tps: genExact,
      gen_fast_tps: genFast,
      eval_tokens: predictions,
      eval_tps: evalTps,
      loss,
      rss_base_kib: rssBase,
      rss_after_build_kib: rssAfterBuild,
      rss_peak_kib: peakRssKib(),
      wasm_base_kib: wasmBase,
      wasm_after_build_kib: wasmAfterBuild,
      wasm_peak_kib: wasmKib(),
      first_sample: first,
    }),
  );
}

main();
