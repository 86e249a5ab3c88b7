// The tiny GPT in wasm (the SIMD module of www/pkg) in Node: trains on the names for the given marks (seconds of
// training, scoring excluded) and prints one JSON line like examples/gpt_bench.rs --json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArgs } from '../scripts/cli.mjs';

const { args: [names, d, marksArg, norm = 'post'] } = readArgs('node bench/gpt_child.mjs', {
  usage: 'NAMES D MARKS [NORM]   (bench/gpt.mjs runs it)',
  about: 'The tiny GPT in wasm in Node, trained on the names for the given marks: one JSON line on stdout.',
  args: [['NAMES', 'the folder of train.txt and val.txt'], ['D', 'the width'], ['MARKS', 'seconds, comma-separated'],
    ['[NORM]', 'post (default) or pre']],
});
const root = new URL('..', import.meta.url).pathname;
const api = await import(join(root, 'www/gpt-api.js'));
api.initSync({ module: readFileSync(join(root, 'www/pkg/gpt1_playground_gpt_bg.wasm')) });
const train = readFileSync(join(names, 'train.txt'), 'utf8');
const val = readFileSync(join(names, 'val.txt'), 'utf8');
const model = new api.TinyGpt(train, { tokenizer: 'char', boundaries: 'stream', dModel: Number(d), norm });
const curve = [];
let trained = 0;
let steps = 0;
for (const mark of marksArg.split(',').map(Number)) {
  while (trained < mark * 1000) {
    const start = performance.now();
    model.step(25);
    trained += performance.now() - start;
    steps += 25;
  }
  curve.push([trained / 1000, steps, model.loss(val)]);
}
console.log(JSON.stringify({ impl: 'wasm', d: Number(d), parameters: model.parameters, steps_per_s: steps / (trained / 1000), curve }));
