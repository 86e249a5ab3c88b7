// Part E's experiments on GPT-1 (117M, random weights from bench/gpt1_weights.mjs), in the SIMD module as the
// page's worker runs them, in a process of their own so that the module's memory is theirs alone:
//
// - a fine-tuning step at full size: 8 examples of 24 tokens (_start_, 22 words, _classify_), the top block
//   training (k = 1), λ = 0.5. The first step also runs the 11 frozen blocks once (their output is kept per
//   example); later steps reuse it. Also one step with λ = 0 (no language-model backward pass), and the module's
//   memory with one tuner and then with a second (the page's two copies);
// - a zero-shot score: the token log-probabilities of a 32-token sentence (one full forward pass).
//
// The targets: a step ≤ 2 s with ≤ 800 MB of module memory, a score ≤ 0.6 s. A benchmark, not a test:
// a missed target fails nothing.
//
//   node bench/gpt1_tuner.mjs [--quick] [--json]   (--json: the table on stderr, the figures as JSON on stdout's
//                                                  last line, as bench/run.mjs reads its children)

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readArgs } from '../scripts/cli.mjs';
import { gpt1Chunks, gpt1Header, ROWS, SEED } from './gpt1_weights.mjs';

const say = (message) => console.error(`\x1b[1m[bench gpt1 tuner]\x1b[0m ${message}`);
const seconds = (since) => (performance.now() - since) / 1000;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Times `f` once: [seconds, its result]. The time is the process's CPU time (user and system, one thread), which
 * is what an idle core takes; the wall-clock time, which other work on the machine stretches, goes to `wall`. */
function timed(f, wall = []) {
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  const result = f();
  const used = process.cpuUsage(cpu);
  wall.push(seconds(started));
  return [(used.user + used.system) / 1e6, result];
}

/** Eight examples of 24 ids in Part B's form, labels alternating. */
function examples() {
  return Array.from({ length: 8 }, (_, r) => ({
    ids: [ROWS, ...Array.from({ length: 22 }, (_, i) => (r * 7919 + i * 104729 + 5) % ROWS), ROWS + 2],
    label: r % 2,
  }));
}

/** Loads the module and the weights, then measures; returns the figures. */
export async function runTunerBench({ quick = false } = {}) {
  const api = await import(new URL('../www/gpt-api.js', import.meta.url));
  api.initSync({ module: readFileSync(new URL('../www/pkg/gpt1_playground_gpt_bg.wasm', import.meta.url)) });
  const { TinyGpt } = api;
  say(`random GPT-1 weights (seed ${SEED}) streamed into the loader`);
  const started = performance.now();
  const loader = TinyGpt.loadSafetensors(gpt1Header());
  for (const chunk of gpt1Chunks(SEED)) loader.write(chunk);
  const gpt = loader.finish();
  const report = { load_s: seconds(started), memory_after_load_bytes: TinyGpt.memoryBytes() };

  const batch = examples();
  const later = quick ? 2 : 4;
  const wall = (report.wall_s = { steps: [], lambda0: [], score32: [] });
  say(`fine-tuning the top block, λ = 0.5: a first step, then ${later} more on the same 8 × 24 tokens`);
  const tuner = gpt.fineTuner({ classes: 2, trainBlocks: 1, lambda: 0.5, seed: 1 });
  const [first, losses] = timed(() => tuner.step(batch), wall.steps);
  const steps = Array.from({ length: later }, () => timed(() => tuner.step(batch), wall.steps)[0]);
  Object.assign(report, {
    first_step_s: first,
    step_s: steps,
    step_median_s: median(steps),
    first_losses: losses,
    memory_one_tuner_bytes: TinyGpt.memoryBytes(),
  });
  say('the same with λ = 0, in a second tuner (the page\'s other copy)');
  const plain = gpt.fineTuner({ classes: 2, trainBlocks: 1, lambda: 0, seed: 1 });
  plain.step(batch);
  const plainSteps = Array.from({ length: later }, () => timed(() => plain.step(batch), wall.lambda0)[0]);
  report.step_lambda0_median_s = median(plainSteps);
  report.memory_two_tuners_bytes = TinyGpt.memoryBytes();
  tuner.free();
  plain.free();

  say('zero-shot: the token log-probabilities of a 32-token sentence');
  const sentence = new Uint32Array(Array.from({ length: 32 }, (_, i) => (i * 7919 + 13) % ROWS));
  const scores = Array.from({ length: quick ? 2 : 4 }, () => timed(() => gpt.tokenLogProbs(sentence), wall.score32)[0]);
  report.score32_s = scores;
  report.score32_median_s = median(scores);
  report.peak_memory_bytes = TinyGpt.memoryBytes();
  report.load_average = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return report;
}

const fixed = (x, digits = 2) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
const mb = (bytes) => `${fixed(bytes / 1e6, 0)} MB`;

/** The figures and the targets. */
export function printTuner(r, log = console.log) {
  log('\nGPT-1 (117M, random weights): fine-tuning the top block, and a zero-shot score (wasm SIMD, one thread;');
  log(`  times are CPU seconds; load average at the end ${r.load_average}, wall-clock times in the JSON)`);
  log(`  step, 8 examples × 24 tokens, k = 1, λ = 0.5: first ${fixed(r.first_step_s)} s (runs the 11 frozen blocks ` +
    `once), then median ${fixed(r.step_median_s)} s (${r.step_s.map((s) => fixed(s)).join(', ')})`);
  log(`  step with λ = 0 (no language-model backward pass): median ${fixed(r.step_lambda0_median_s)} s`);
  log(`  module memory: ${mb(r.memory_after_load_bytes)} with the weights, ${mb(r.memory_one_tuner_bytes)} with ` +
    `one tuner after its steps, ${mb(r.memory_two_tuners_bytes)} with two`);
  log(`  zero-shot score of 32 tokens (tokenLogProbs): median ${fixed(r.score32_median_s)} s ` +
    `(${r.score32_s.map((s) => fixed(s)).join(', ')})`);
  log(`  targets: step ≤ 2 s (${fixed(r.step_median_s)}), memory ≤ 800 MB (${mb(r.memory_one_tuner_bytes)}), ` +
    `score ≤ 0.6 s (${fixed(r.score32_median_s)})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { flags } = readArgs('node bench/gpt1_tuner.mjs', {
    usage: '[--quick] [--json]',
    about: 'GPT-1 at full size with random weights: a fine-tuning step (8 examples of 24 tokens, the top block) with '
      + 'and without the LM term, the module\'s memory with one and two tuners, and a zero-shot score of 32 tokens.',
    flags: { '--quick': 'fewer rounds', '--json': 'print the figures as JSON on stdout (the table on stderr)' },
  });
  const json = flags.has('--json');
  const report = await runTunerBench({ quick: flags.has('--quick') });
  printTuner(report, json ? console.error : console.log);
  if (json) console.log(JSON.stringify(report));
}
