// GPT-1's compact int8 form against float32 (src/gpt/int8/), on the random full-size weights of bench/gpt1.mjs,
// in the SIMD module as the page's worker runs it. Reports, in one run:
// - quality: max and mean |Δlogit|, mean KL(float32 ‖ int8) of the next-token distributions and top-1 agreement,
//   over a teacher-forced text of 256 GPT-1 tokens (TinyGpt.agreement, the call the page can make itself);
// - speed: KV-cached decode and a 64-token prompt for both forms, interleaved round by round;
// - memory: the wasm memory right after streaming the float32 file into the int8 form (a fresh module: it only
//   grows), and after loading float32 too; and the int8 file's size.
// Random weights, not the released ones (which this machine cannot fetch): the quality figures measure the form's
// rounding on a model of GPT-1's shape; the page measures the released model with the same call.
//
//   node bench/gpt1_int8.mjs [--quick] [--rounds N] [--json]   (--json: the table on stderr, the figures as JSON
//                                                  on stdout's last line, as bench/run.mjs reads its children)

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readArgs } from '../scripts/cli.mjs';
import { randomGpt1File, streamGpt1File } from './gpt1_weights.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => console.error(`\x1b[1m[bench gpt1 int8]\x1b[0m ${message}`);
const TEXT_TOKENS = 256;
/** The 1-minute load average: other work on the machine skews every figure. */
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const PROMPT_TOKENS = 64;

/** 256 GPT-1 ids of real text (the page's chai corpus, line after line), from GPT-1's own tokenizer. */
function textIds(api) {
  const data = join(root, 'www/data');
  const unzip = (name) => gunzipSync(readFileSync(join(data, 'gpt1', name))).toString('utf8');
  const tokenizer = new api.Gpt1Tokenizer(unzip('encoder_bpe_40000.json.gz'), unzip('vocab_40000.bpe.gz'));
  const ids = [];
  for (const line of readFileSync(join(data, 'chai-corpus.txt'), 'utf8').split('\n')) {
    if (ids.length >= TEXT_TOKENS) break;
    ids.push(...tokenizer.encode(line));
  }
  tokenizer.free();
  return ids.slice(0, TEXT_TOKENS);
}

/** CPU seconds this process has used: under other work on the machine, less skewed than the wall clock. */
const cpuS = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Seconds for the prompt's pass, and tokens/s decoding `tokens` more (by the wall clock and per CPU second), for
 * one model. */
function decodeOnce(gpt, prompt, tokens) {
  let t = performance.now();
  const run = gpt.decoder(prompt, { seed: 1 });
  run.distribution(1); // the prompt's logits are computed here (lazily, like the page's first view)
  const promptS = (performance.now() - t) / 1000;
  t = performance.now();
  const cpu = cpuS();
  for (let i = 0; i < tokens; i++) run.next();
  run.distribution(1); // the last token's position
  const rate = tokens / ((performance.now() - t) / 1000);
  const cpuRate = tokens / (cpuS() - cpu);
  run.free();
  return { promptS, rate, cpuRate };
}

export async function runInt8Bench({ quick = false, rounds = quick ? 2 : 4, log = console.log } = {}) {
  const api = await import(join(root, 'www/gpt-api.js'));
  api.initSync({ module: readFileSync(join(root, 'www/pkg/gpt1_playground_gpt_bg.wasm')) });
  const { TinyGpt } = api;
  const path = randomGpt1File(say);
  say('streaming the float32 file into the int8 form');
  let t = performance.now();
  const int8 = streamGpt1File(TinyGpt, path, { form: 'int8' });
  const int8LoadS = (performance.now() - t) / 1000;
  const int8MemoryBytes = TinyGpt.memoryBytes();
  say('streaming it as float32');
  t = performance.now();
  const float = streamGpt1File(TinyGpt, path);
  const floatLoadS = (performance.now() - t) / 1000;
  const bothMemoryBytes = TinyGpt.memoryBytes();

  say(`quality over ${TEXT_TOKENS} tokens, teacher-forced`);
  const ids = textIds(api);
  t = performance.now();
  const agreement = float.agreement(int8, ids);
  const agreementS = (performance.now() - t) / 1000;

  const rows = float.shape.rows;
  const prompt = Array.from({ length: PROMPT_TOKENS }, (_, i) => (i * 104729 + 5) % rows);
  const tokens = quick ? 16 : 32;
  say(`decode: ${rounds} rounds of a ${PROMPT_TOKENS}-token prompt and ${tokens} tokens, float32 and int8 in turn`);
  const best = { float32: { promptS: Infinity, rate: 0, cpuRate: 0 }, int8: { promptS: Infinity, rate: 0, cpuRate: 0 } };
  const loadBefore = load();
  for (let r = 0; r < rounds; r++) {
    // alternate which form goes first, so a burst of load elsewhere falls on both
    const order = r % 2 ? [['int8', int8], ['float32', float]] : [['float32', float], ['int8', int8]];
    for (const [name, gpt] of order) {
      const { promptS, rate, cpuRate } = decodeOnce(gpt, prompt, tokens);
      best[name].promptS = Math.min(best[name].promptS, promptS);
      best[name].rate = Math.max(best[name].rate, rate);
      best[name].cpuRate = Math.max(best[name].cpuRate, cpuRate);
    }
  }
  const fileBytes = int8.toSafetensors().length;
  const report = {
    text_tokens: ids.length,
    agreement,
    agreement_s: agreementS,
    decode: best,
    decode_ratio: best.int8.rate / best.float32.rate,
    decode_cpu_ratio: best.int8.cpuRate / best.float32.cpuRate,
    decode_load: [loadBefore, load()],
    prompt_tokens: PROMPT_TOKENS,
    tokens,
    load_s: { float32: floatLoadS, int8: int8LoadS },
    int8_memory_bytes: int8MemoryBytes,
    both_memory_bytes: bothMemoryBytes,
    int8_file_bytes: fileBytes,
  };
  printInt8(report, log);
  return report;
}

const fixed = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** The figures, and the targets of the compact form. */
export function printInt8(r, log = console.log) {
  const a = r.agreement;
  log(`\nGPT-1 (117M, random weights): the int8 form against float32`);
  log(`  over ${r.text_tokens} tokens, teacher-forced: max |Δlogit| ${a.maxLogitDifference.toExponential(2)}, ` +
    `mean |Δlogit| ${a.meanLogitDifference.toExponential(2)}, mean KL ${a.meanKl.toExponential(2)} nats, ` +
    `top-1 agreement ${fixed(100 * a.top1, 1)}% (measured in ${fixed(r.agreement_s, 1)} s)`);
  log(`  decode, tokens/s: float32 ${fixed(r.decode.float32.rate)}, int8 ${fixed(r.decode.int8.rate)} ` +
    `(${fixed(r.decode_ratio, 2)}×; target ≥ 2×), best of each over rounds; load average ${r.decode_load.join(' → ')}`);
  log(`  decode, tokens per CPU second: float32 ${fixed(r.decode.float32.cpuRate)}, ` +
    `int8 ${fixed(r.decode.int8.cpuRate)} (${fixed(r.decode_cpu_ratio, 2)}×)`);
  log(`  ${r.prompt_tokens}-token prompt, s: float32 ${fixed(r.decode.float32.promptS, 2)}, ` +
    `int8 ${fixed(r.decode.int8.promptS, 2)}`);
  log(`  wasm memory after streaming into int8: ${fixed(r.int8_memory_bytes / 1e6, 0)} MB (target ≤ 200); ` +
    `int8 file ${fixed(r.int8_file_bytes / 1e6, 1)} MB (target ≤ 130); loads: int8 ${fixed(r.load_s.int8, 1)} s, ` +
    `float32 ${fixed(r.load_s.float32, 1)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { flags, options } = readArgs('node bench/gpt1_int8.mjs', {
    usage: '[--quick] [--json] [--rounds N]',
    about: 'GPT-1 at full size with random weights, float32 against the compact int8 form: decode and prompt speed, '
      + 'memory after streaming into int8, the int8 file\'s size, load times.',
    flags: { '--quick': 'fewer rounds', '--json': 'print the figures as JSON on stdout (the table on stderr)' },
    options: { '--rounds': ['N', 'timed rounds per form'] },
  });
  const json = flags.has('--json');
  const quick = flags.has('--quick');
  const rounds = options['--rounds'] === undefined ? undefined : Number(options['--rounds']);
  const report = await runInt8Bench({ quick, rounds, log: json ? console.error : console.log });
  if (json) console.log(JSON.stringify(report));
}
