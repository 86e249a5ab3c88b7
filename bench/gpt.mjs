// The tiny GPT of issue 8, natively and in wasm (SIMD, Node) side by side on the names (char tokens, one stream,
// context 16, batch 32): steps per second and validation loss after 10, 30 and 60 s of training (also 180 s with
// --long; 5 and 10 s with --quick), for d = 32 and d = 64, 2 layers, 4 heads. GPT-1's post-LN (the default) and,
// at d = 32, GPT-2's pre-LN beside it. `--d 32` runs one width only; `--norm post` (or `pre`) one arrangement.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readArgs, refuse } from '../scripts/cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const names = join(root, '..', 'shared', 'data', 'names');
const NAME = 'node bench/gpt.mjs';
const SPEC = {
  usage: '[--quick | --long] [--d N] [--norm post|pre]',
  about: 'The tiny GPT natively and in wasm on the names: steps per second, and the validation loss after 10, 30 and '
    + '60 s of training, for d = 32 and 64 (2 layers, 4 heads), post-LN and pre-LN.',
  flags: { '--quick': 'marks at 5 and 10 s only', '--long': 'a mark at 180 s too' },
  options: { '--d': ['N', 'one width only, a multiple of 4'], '--norm': ['post|pre', 'one arrangement only'] },
};
const { flags, options } = readArgs(NAME, SPEC);
if (options['--d'] !== undefined && !/^[1-9]\d*$/.test(options['--d'])) refuse(NAME, SPEC, `--d ${options['--d']}: a width is a whole number`);
if (options['--norm'] !== undefined && !['post', 'pre'].includes(options['--norm'])) refuse(NAME, SPEC, `--norm ${options['--norm']}: post or pre`);
const quick = flags.has('--quick');
const marks = quick ? [5, 10] : flags.has('--long') ? [10, 30, 60, 180] : [10, 30, 60];
const widths = options['--d'] ? [Number(options['--d'])] : [32, 64];
const norms = options['--norm'] ? [options['--norm']] : ['post', 'pre'];
const say = (message) => console.error(`\x1b[1m[bench gpt]\x1b[0m ${message}`);
const env = { ...process.env, CARGO_TARGET_DIR: join(root, 'target', 'gpt-native') };

say('building the native benchmark (feature gpt)');
execFileSync('cargo', ['build', '--release', '--features', 'gpt', '--example', 'gpt_bench'], { cwd: root, env, stdio: 'inherit' });
const native = join(root, 'target', 'gpt-native', 'release', 'examples', 'gpt_bench');
const lastJson = (text) => JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('{')).pop());

// the n-gram line to beat: the best order, add-0.1, same tokens (the core computes it in wasm quickly)
const api = await import(join(root, 'www/gpt-api.js'));
api.initSync({ module: readFileSync(join(root, 'www/pkg/gpt1_playground_gpt_bg.wasm')) });
const train = readFileSync(join(names, 'train.txt'), 'utf8');
const val = readFileSync(join(names, 'val.txt'), 'utf8');
let best = { loss: Infinity, order: 0 };
for (let order = 2; order <= 6; order++) {
  const model = new api.NgramModel(train, { order, tokenizer: 'char', boundaries: 'stream', smoothing: 0.1 });
  const loss = model.loss(val);
  if (loss < best.loss) best = { loss, order };
  model.free();
}

const rows = [];
for (const d of widths) {
  // pre-LN only at d = 32: the lesson is the comparison, not another width
  for (const norm of norms.filter((n) => n === 'post' || d === 32)) {
    say(`d = ${d}, ${norm}-LN: native, ${marks.join('/')} s of training`);
    const args = ['--data', names, '--d', String(d), '--norm', norm, '--marks', marks.join(','), '--json'];
    rows.push({ ...lastJson(execFileSync(native, args, { cwd: root, encoding: 'utf8' })), norm });
    say(`d = ${d}, ${norm}-LN: wasm (SIMD) in Node`);
    const child = [join(root, 'bench', 'gpt_child.mjs'), names, String(d), marks.join(','), norm];
    rows.push({ ...lastJson(execFileSync(process.execPath, child, { encoding: 'utf8' })), norm });
  }
}

const fmt = (x, digits) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
console.log(`\ntiny GPT on the names (char, stream, context 16, batch 32, 2 layers, 4 heads); load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`best n-gram: ${best.order}-gram, k = 0.1: validation loss ${fmt(best.loss, 4)}\n`);
console.log(['d', 'LN', 'impl', 'params', 'steps/s', ...marks.map((m) => `val @${m}s`)].map((h) => h.padStart(10)).join(''));
for (const r of rows) {
  console.log([r.d, r.norm, r.impl, fmt(r.parameters, 0), fmt(r.steps_per_s, 1), ...r.curve.map((c) => fmt(c[2], 4))].map((c) => String(c).padStart(10)).join(''));
}
const at = (r, seconds) => r.curve.find((c) => c[0] >= seconds - 0.5)?.[2];
console.log('\ntargets (d = 32, post-LN, about 27K parameters)');
const check = (name, ok, measured) => console.log(`  ${name}: ${measured} ${ok == null ? 'n/a' : ok ? 'PASS' : 'MISS'}`);
for (const r of rows.filter((r) => r.d === 32 && r.norm === 'post')) {
  const v30 = at(r, 30);
  const v60 = at(r, 60);
  check(`${r.impl}: below the ${best.order}-gram within 30 s`, v30 == null ? null : v30 < best.loss, v30 == null ? 'not run' : fmt(v30, 4));
  check(`${r.impl}: ≤ 2.06 within 60 s`, v60 == null ? null : v60 <= 2.06, v60 == null ? 'not run' : fmt(v60, 4));
  check(`${r.impl}: ≥ 150 steps/s`, r.steps_per_s >= 150, fmt(r.steps_per_s, 1));
}
for (const d of widths) {
  for (const norm of norms.filter((n) => n === 'post' || d === 32)) {
    const [n, w] = rows.filter((r) => r.d === d && r.norm === norm);
    check(`d = ${d}, ${norm}-LN: wasm within 1.5× of native`, n.steps_per_s / w.steps_per_s <= 1.5, `${fmt(n.steps_per_s / w.steps_per_s, 2)}×`);
  }
}
