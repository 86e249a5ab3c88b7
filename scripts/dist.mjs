// Writes dist/: the page as a static site for any host and any sub-path. Every reference in it is relative (the page
// already is) and everything is minified with esbuild; www/ stays as written and `npm start` serves it unbuilt.
// - The modules: one esbuild pass with code splitting (scripts/bundle.mjs), so each module ships once: the page's
//   bundle, the counting worker's, the web component's and one for every module loaded on demand, with the code two
//   or more of them share in chunks. The build fails if any module would ship twice.
// - The wasm glue modules (pkg/) and the transformer's API (gpt-api.js) are files of their own, minified: the
//   bundles import them, and a fresh wasm instance after a trap imports its glue again.
// - No source is rewritten: the modules name their files once (www/assets/), in the form browsers and bundlers
//   understand, and the bundler is handed this build's version of those modules (scripts/assets.mjs), naming the
//   content-hashed copies.
// - Content-hashed names (cache them forever) for the wasm modules, the stylesheet, the page's bundle and the chunks;
//   the other entries keep their paths (the web component is linked from other sites). Every relative reference left
//   in dist/ must name a file there.
// Then dist/gpt1-playground.html, the page as one file (scripts/single.mjs).
// Run after scripts/build.sh (www/pkg/). `node scripts/dist.mjs DIR` writes DIR.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';
import { ASSET_MODULES, assetModule } from './assets.mjs';
import { OWN, bundlePage, fromRoot, shippedTwice } from './bundle.mjs';
import { readArgs, DIST_SPEC } from './cli.mjs';

const ROOT = new URL('..', import.meta.url);
const { args: [dir] } = readArgs('node scripts/dist.mjs', DIST_SPEC);
const DIST = dir ? pathToFileURL(`${resolve(dir)}/`) : new URL('dist/', ROOT);
const from = (path) => new URL(path, ROOT);
const to = (path) => new URL(path, DIST);

/** `name.ext` → `name.<first 10 hex of sha-256>.ext`. */
function hashed(name, bytes) {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

for (const file of ['www/pkg/gpt1_playground.js', 'www/pkg/gpt1_playground_bg.wasm', 'www/pkg/gpt1_playground_gpt.js',
  'www/pkg/gpt1_playground_gpt_bg.wasm']) {
  if (!existsSync(from(file))) throw new Error(`${file} is missing: run scripts/build.sh first`);
}
rmSync(DIST, { recursive: true, force: true });
mkdirSync(to('www/pkg/'), { recursive: true });

// the wasm modules and the stylesheet (minified): hashed names (paths relative to www/)
const located = {};
for (const name of ['gpt1_playground_bg.wasm', 'gpt1_playground_gpt_bg.wasm']) {
  const bytes = readFileSync(from(`www/pkg/${name}`));
  const target = hashed(name, bytes);
  writeFileSync(to(`www/pkg/${target}`), bytes);
  located[`./pkg/${name}`] = `./pkg/${target}`;
}
const { code: css } = await transform(readFileSync(from('www/style.css'), 'utf8'), { loader: 'css', minify: true });
const cssName = hashed('style.css', css);
writeFileSync(to(`www/${cssName}`), css);
located['./style.css'] = `./${cssName}`;

// this build's asset modules: the hashed names
const assets = new Map(await Promise.all(ASSET_MODULES.map(async (file) => [fileURLToPath(from(file)),
  await assetModule(file, (path) => `new URL(${JSON.stringify(fromRoot(located[path] ?? path))}, import.meta.url)`)])));

const { outputs, metafile } = await bundlePage(assets);
const twice = shippedTwice(metafile);
if (twice.length) throw new Error(`modules shipped more than once:\n${twice.join('\n')}`);
// the page's bundle: a hashed name (index.html alone names it)
const main = outputs.get('main.js');
outputs.delete('main.js');
const mainName = hashed('main.js', main);
outputs.set(mainName, main);
for (const [file, text] of outputs) {
  mkdirSync(new URL('.', to(`www/${file}`)), { recursive: true });
  writeFileSync(to(`www/${file}`), text);
}

// the glue and the transformer's API: their names kept, each minified on its own
for (const file of [...readdirSync(from('www/pkg/')).filter((f) => f.endsWith('.js')).map((f) => `www/pkg/${f}`),
  ...OWN.filter((f) => f.endsWith('.js'))]) {
  const { code } = await transform(readFileSync(from(file), 'utf8'), { minify: true, format: 'esm', sourcefile: file });
  writeFileSync(to(file), code);
}

// the page: comments and indentation dropped (line breaks kept: between inline elements they are spaces; no <pre>
// or <textarea> of the page has content), pointed at the hashed stylesheet and bundle
let html = readFileSync(from('index.html'), 'utf8');
if (/<(pre|textarea)\b[^>]*>[^<]/.test(html)) {
  throw new Error('index.html has text in a <pre> or <textarea>: keep its spaces (update scripts/dist.mjs)');
}
html = html.replace(/<!--[\s\S]*?-->/g, '').split('\n').map((line) => line.trim()).filter(Boolean).join('\n') + '\n';
for (const [before, after] of [['href="www/style.css"', `href="www/${cssName}"`], ['src="www/main.js"', `src="www/${mainName}"`]]) {
  if (!html.includes(before)) throw new Error(`index.html no longer has ${before}: update scripts/dist.mjs`);
  html = html.split(before).join(after);
}
writeFileSync(to('index.html'), html);

// the data Parts D and E fetch, as it is
cpSync(from('www/data/'), to('www/data/'), { recursive: true, filter: (src) => !src.endsWith('README.md') });

// every relative reference in a script of dist/ (imports, dynamic imports, workers, fetched files) names a file of it
const walk = (dir) => readdirSync(to(dir), { withFileTypes: true })
  .flatMap((d) => (d.isDirectory() ? walk(`${dir}${d.name}/`) : [`${dir}${d.name}`]));
for (const file of walk('www/').filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(to(file), 'utf8');
  for (const [, spec] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|new URL\(\s*)['"`](\.{1,2}\/[^'"`?#$]+)/g)) {
    const target = posix.normalize(posix.join(posix.dirname(file), spec));
    if (!existsSync(to(target))) throw new Error(`${file} names ${spec}, which dist/ lacks: update scripts/dist.mjs`);
  }
}

await import('./single.mjs'); // the same DIR from the command line

const names = [mainName, ...Object.values(located).map((path) => path.slice(2)), 'kinds/ngram/worker.js', 'parts/d/panel.js', 'parts/e/panel.js'];
console.log(`[dist] ${fileURLToPath(DIST)}: ${names.join(', ')}`);
