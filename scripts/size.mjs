// Prints every file of dist/ with its raw and gzip (-9) bytes, then the two budgets of the first load: everything
// the page fetches before it is ready (index.html, its stylesheet, its module script with the modules it imports
// statically, the workers they start with theirs, the core wasm) ≤ 100 KB gzipped, and that wasm ≤ 60 KB
// gzipped. What loads later is not counted: a dynamic import() (Part D's panel, when its lab opens) and what it
// starts. Exits 0 either way: the table reports, it does not gate (`--strict` makes a MISS fail; npm test uses it).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { posix, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workers } from './on-demand.mjs'; // the scripts a module starts (its workers; not the glue of pkg/)
import { readArgs } from './cli.mjs';

const { flags, args: [dir] } = readArgs('node scripts/size.mjs', {
  usage: '[DIR] [--strict]',
  about: 'Prints every file of a built site with its raw and gzip (-9) bytes, then the first load\'s budgets: 100 KB '
    + 'gzipped for all the page fetches before it is ready, 60 KB for the core wasm.',
  args: [['[DIR]', 'the site scripts/dist.mjs wrote (default dist/)']],
  flags: { '--strict': 'exit 1 when a budget is missed' },
});
const DIST = dir ? pathToFileURL(`${resolve(dir)}/`) : new URL('../dist/', import.meta.url);
const KB = 1024;
const BUDGET = { firstLoad: 100 * KB, wasm: 60 * KB };
if (!existsSync(DIST)) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

/** Every file under `dir`, as a path relative to dist/. */
const walk = (dir = '') => readdirSync(new URL(dir || '.', DIST), { withFileTypes: true })
  .flatMap((d) => (d.isDirectory() ? walk(`${dir}${d.name}/`) : [`${dir}${d.name}`]));
const files = walk().sort();
const size = new Map(files.map((f) => {
  const bytes = readFileSync(new URL(f, DIST));
  return [f, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }];
}));

/** The relative specifiers of `text`'s static imports and re-exports, minified or not (dynamic import() is not one). */
const staticImports = (text) => [...text.matchAll(
  /\b(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?(['"])(\.{1,2}\/[^'"]+)\1/g)].map(([, , spec]) => spec);

/** A module, everything it imports statically and every worker they start, as paths under dist/. */
function graph(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(new URL(entry, DIST), 'utf8');
  for (const spec of [...staticImports(text), ...workers(text)]) {
    graph(posix.normalize(posix.join(posix.dirname(entry), spec)), seen);
  }
  return seen;
}

const html = readFileSync(new URL('index.html', DIST), 'utf8');
const main = html.match(/<script type="module" src="([^"]+)"><\/script>/)[1];
const css = html.match(/<link rel="stylesheet" href="([^"]+)">/)[1];
const wasm = files.find((f) => /^www\/pkg\/gpt1_playground_bg\.[0-9a-f]+\.wasm$/.test(f));
const first = new Set(['index.html', css, wasm, ...graph(main)]);

const kb = (n) => `${(n / KB).toFixed(1)} KB`;
const pad = (s, n) => String(s).padStart(n);
console.log(`${'file'.padEnd(46)}${pad('raw', 12)}${pad('gzip', 12)}  first load`);
for (const f of files) {
  const { raw, gzip } = size.get(f);
  console.log(`${f.padEnd(46)}${pad(raw, 12)}${pad(gzip, 12)}  ${first.has(f) ? 'yes' : ''}`);
}
const firstGzip = [...first].reduce((sum, f) => sum + size.get(f).gzip, 0);
const firstRaw = [...first].reduce((sum, f) => sum + size.get(f).raw, 0);
const rows = [
  ['first load, gzipped', firstGzip, BUDGET.firstLoad, `${first.size} files, ${kb(firstRaw)} raw`],
  ['core wasm, gzipped', size.get(wasm).gzip, BUDGET.wasm, wasm],
];
console.log('\nbudget (1 KB = 1024 bytes)');
let missed = 0;
for (const [name, bytes, budget, note] of rows) {
  const ok = bytes <= budget;
  missed += ok ? 0 : 1;
  console.log(`  ${ok ? 'PASS' : 'MISS'}  ${name.padEnd(22)} ${pad(kb(bytes), 9)} of ${kb(budget).padStart(8)}  (${note})`);
}
if (missed && flags.has('--strict')) process.exit(1);
