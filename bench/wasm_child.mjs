// Our wasm module (www/pkg, built by scripts/build.sh) measured in Node, one corpus per process so that peak memory
// is this corpus's own. Prints one JSON line for bench/run.mjs.
//
//   node bench/wasm_child.mjs --corpus FILE --eval FILE [--tokenizer word|char] [--boundaries lines|stream] …
//   node bench/wasm_child.mjs --grid TRAIN --eval VAL [--runs 5]   (issue 4's order × smoothing grid)

import { readFileSync } from 'node:fs';
import { generateIds, generateMany, initSync, NgramModel } from '../www/pkg/gpt1_playground.js';
import { benchOptions, peakRssKib, predictionsIn, rssKib, timed } from './measure.mjs';

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
      // every k at once: the validation text is cut and looked up once (as the page's evaluation worker does)
      model.losses(val, ks).forEach((loss, j) => {
        if (!best || loss < best.loss) best = { order, k: ks[j], loss };
      });
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
  const o = benchOptions(process.argv.slice(2), 'node bench/wasm_child.mjs');
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
  const heapAfterBuild = model.heapBytes; // the model alone: its counts, rows and vocabulary

  // throughput from generateIds (no strings made); one generateMany call checks the strings agree with numpy
  const prompt = model.boundaries === 'lines' ? Math.max(1, model.order - 1) : model.order - 1;
  const idsRun = (mode) => {
    let tokens = 0;
    const start = performance.now();
    for (let call = 0; call === 0 || performance.now() - start < o.budgetMs; call++) {
      const { offsets } = generateIds(model, o.batch, { seed: o.seed + call, maxLen: o.maxLen, ...(mode ? { mode } : {}) });
      tokens += offsets[offsets.length - 1] - prompt * (offsets.length - 1);
    }
    return (tokens * 1000) / (performance.now() - start);
  };
  const generation = (mode) => Array.from({ length: o.runs }, () => idsRun(mode));
  const first = generateMany(model, 1, { seed: o.seed, maxLen: o.maxLen })[0];
  const { ids: firstIds } = generateIds(model, 1, { seed: o.seed, maxLen: o.maxLen });
  const vocab = model.vocab;
  const idsAgree = JSON.stringify([...firstIds].map((id) => vocab[id])) === JSON.stringify(first);
  const genExact = generation(null);
  const genFast = hasFastMode(model) ? generation('fast') : null;

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
      heap_bytes: heapAfterBuild,
      // with the exact sampler's cache of row cdfs, filled by the generation above (bounded: 2^19 runs)
      heap_bytes_after_sampling: model.heapBytes,
      ids_agree_with_strings: idsAgree,
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
