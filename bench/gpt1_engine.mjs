// One GPT-1 engine in its own process, for bench/gpt1.mjs: loads the random full-size weights, then either writes
// its next-token log-probabilities (after the 64-token prompt, and after one more given token) for the parent to
// compare, or times a prompt and a decode. Prints one JSON line; its peak memory is this process's alone.
//
//   node bench/gpt1_engine.mjs --engine ours|ours-int8|ort|ort-int8 --weights FILE [--onnx FILE]
//                              [--prompt 64] [--tokens 48] (--logprobs OUT.f32 | --time)
//
// ours: the on-demand wasm module (www/pkg, SIMD), streamed from the file in 16 MB slices as the page's worker does;
// ours-int8: the same, quantized while it streams (`form: 'int8'`) where the module has the compact form;
// ort: onnxruntime-web in Node, one thread, on the graph of bench/gpt1_onnx.py (ort-int8: its quantize_dynamic form).

import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readArgs } from '../scripts/cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = {
  usage: '--engine ours|ours-int8|ort|ort-int8 --weights FILE [--onnx FILE] [--prompt N] [--tokens N] '
    + '(--logprobs OUT.f32 | --time)',
  about: 'One GPT-1 engine in its own process (bench/gpt1.mjs runs it): writes its next-token log-probabilities, '
    + 'or times a prompt and a decode; one JSON line on stdout.',
  flags: { '--time': 'time a prompt and a decode' },
  options: {
    '--engine': ['E', 'ours, ours-int8, ort or ort-int8'], '--weights': ['FILE', 'the full-size .safetensors file'],
    '--onnx': ['FILE', 'the ONNX graph (ort engines)'], '--prompt': ['N', 'prompt tokens (default 64)'],
    '--tokens': ['N', 'decoded tokens (default 48)'], '--logprobs': ['OUT', 'write the log-probabilities here'],
  },
};
/** The command line, read when this file is run (it is only run, never imported for its work). */
let args = {};
let PROMPT = 64;
let TOKENS = 48;

/** The bench's prompt: ids spread over the vocabulary (as bench/gpt1_numpy.py makes them). */
export const promptIds = (length, rows) => Array.from({ length }, (_, i) => (i * 104729 + 5) % rows);
/** The token given after the prompt when log-probabilities are compared. */
const GIVEN = 1234;

/** ln softmax of a row of logits, in float64. */
function logSoftmax(logits) {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const shift = max + Math.log(sum);
  return Float64Array.from(logits, (x) => x - shift);
}

/** Our module: a decoder over the streamed file; logProbs() reads the whole next-token distribution. */
async function ours(form) {
  const api = await import(join(root, 'www/gpt-api.js'));
  api.initSync({ module: readFileSync(join(root, 'www/pkg/gpt1_playground_gpt_bg.wasm')) });
  const { TinyGpt } = api;
  if (form === 'int8' && typeof TinyGpt.prototype.compact !== 'function') return null;
  const fd = openSync(args.weights, 'r');
  const first = new Uint8Array(8);
  readSync(fd, first, 0, 8, 0);
  const headerLength = TinyGpt.safetensorsHeaderLength(first);
  const header = new Uint8Array(headerLength);
  readSync(fd, header, 0, headerLength, 0);
  const options = { fileBytes: statSync(args.weights).size, ...(form === 'int8' ? { form } : {}) };
  const loader = TinyGpt.loadSafetensors(header, options);
  const slice = new Uint8Array(16 << 20);
  for (let at = headerLength; ; ) {
    const n = readSync(fd, slice, 0, slice.length, at);
    if (n === 0) break;
    loader.write(slice.subarray(0, n));
    at += n;
  }
  closeSync(fd);
  const gpt = loader.finish();
  const rows = gpt.shape.rows;
  return {
    rows,
    wasmBytes: () => TinyGpt.memoryBytes(),
    start(ids) {
      const run = gpt.decoder(ids, { seed: 1 });
      run.distribution(1); // the prompt's pass (computed lazily, as the page's first view does)
      return {
        next() {
          run.next(); // draws from the distribution in hand; the new position is computed when next needed
        },
        finish() {
          run.distribution(1); // the last token's position
        },
        push(id) {
          run.push(id);
        },
        logProbs() {
          const { ids, probabilities } = run.distribution(rows);
          const out = new Float64Array(rows);
          ids.forEach((id, i) => (out[id] = Math.log(probabilities[i])));
          return out;
        },
        free: () => run.free(),
      };
    },
  };
}

/** onnxruntime-web, one thread, on a graph of one decode step with past and present keys and values. */
async function ort(file) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'] });
  const layers = session.inputNames.filter((n) => n.startsWith('past_k_')).length;
  const d = 768;
  const rows = 40478;
  const empty = new ort.Tensor('float32', new Float32Array(0), [0, d]);
  /** Runs `ids` at positions start… against `past` (per block [keys, values]); returns logits and the cache. */
  async function step(ids, start, past) {
    const t = ids.length;
    const n = start + t;
    const mask = new Float32Array(t * n);
    for (let i = 0; i < t; i++) for (let j = start + i + 1; j < n; j++) mask[i * n + j] = -1e9;
    const feeds = {
      ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [t]),
      positions: new ort.Tensor('int64', BigInt64Array.from({ length: t }, (_, i) => BigInt(start + i)), [t]),
      mask: new ort.Tensor('float32', mask, [t, n]),
    };
    for (let l = 0; l < layers; l++) {
      feeds[`past_k_${l}`] = past?.[l][0] ?? empty;
      feeds[`past_v_${l}`] = past?.[l][1] ?? empty;
    }
    const out = await session.run(feeds);
    const cache = Array.from({ length: layers }, (_, l) => [out[`present_k_${l}`], out[`present_v_${l}`]]);
    return { logits: out.logits.data, cache };
  }
  const argmax = (row) => row.reduce((best, x, i) => (x > row[best] ? i : best), 0);
  return {
    rows,
    wasmBytes: () => null,
    async start(ids) {
      let { logits, cache } = await step(ids, 0, null);
      let at = ids.length;
      const advance = async (id) => {
        ({ logits, cache } = await step([id], at, cache));
        at += 1;
      };
      return {
        next: () => advance(argmax(logits)), // greedy, as numpy's yardstick decodes
        push: advance,
        logProbs: () => logSoftmax(logits),
        finish() {},
        free() {},
      };
    },
  };
}

async function main() {
  const loadStarted = performance.now();
  const engine = await (args.engine.startsWith('ours') ? ours(args.engine === 'ours-int8' ? 'int8' : 'float32') : ort(args.onnx));
  if (!engine) {
    console.log(JSON.stringify({ engine: args.engine, missing: 'not built yet' }));
    return;
  }
  const loadS = (performance.now() - loadStarted) / 1000;
  const prompt = promptIds(PROMPT, engine.rows);
  if (args.logprobs) {
    // log-probabilities after the prompt, then after one given token: 2 × rows float32
    const run = await engine.start(prompt);
    const first = run.logProbs();
    await run.push(GIVEN);
    const second = run.logProbs();
    const out = new Float32Array(2 * engine.rows);
    out.set(first, 0);
    out.set(second, engine.rows);
    writeFileSync(args.logprobs, new Uint8Array(out.buffer));
    console.log(JSON.stringify({ engine: args.engine, written: args.logprobs }));
    return;
  }
  // warm-up (the engines compile their code lazily): a short prompt and two steps, untimed
  const warm = await engine.start(prompt.slice(0, 8));
  await warm.next();
  await warm.next();
  warm.free();
  const cpuS = (since) => {
    const { user, system } = process.cpuUsage(since);
    return (user + system) / 1e6;
  };
  let [started, cpu] = [performance.now(), process.cpuUsage()];
  const run = await engine.start(prompt);
  const promptS = (performance.now() - started) / 1000;
  const promptCpuS = cpuS(cpu);
  [started, cpu] = [performance.now(), process.cpuUsage()];
  for (let i = 0; i < TOKENS; i++) await run.next();
  run.finish();
  const tokensPerS = TOKENS / ((performance.now() - started) / 1000);
  const tokensPerCpuS = TOKENS / cpuS(cpu);
  run.free();
  console.log(
    JSON.stringify({
      engine: args.engine,
      load_s: loadS,
      prompt_s: promptS,
      tokens_per_s: tokensPerS,
      // the process's own CPU time (all its threads), which other work on the machine disturbs less
      prompt_cpu_s: promptCpuS,
      tokens_per_cpu_s: tokensPerCpuS,
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
      wasm_bytes: engine.wasmBytes(),
      huge_page_bytes: hugePageBytes(),
    }),
  );
}

/** Bytes of this process's memory in transparent 2 MB pages (Linux), or null where that cannot be read. */
function hugePageBytes() {
  try {
    const line = readFileSync('/proc/self/smaps_rollup', 'utf8').match(/^AnonHugePages:\s+(\d+) kB/m);
    return line ? Number(line[1]) * 1024 : null;
  } catch {
    return null;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { flags, options } = readArgs('node bench/gpt1_engine.mjs', SPEC);
  args = Object.fromEntries(Object.entries(options).map(([key, value]) => [key.slice(2), value]));
  if (!args.engine || !args.weights || (!args.logprobs && !flags.has('--time'))) {
    console.error('node bench/gpt1_engine.mjs: --engine, --weights and one of --logprobs or --time are needed');
    process.exit(2);
  }
  PROMPT = Number(args.prompt ?? PROMPT);
  TOKENS = Number(args.tokens ?? TOKENS);
  await main();
}
