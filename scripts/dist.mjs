// Writes dist/: the page as a static site for any host and any sub-path. Every reference in it is relative (the page
// already is) and everything is minified with esbuild; www/ stays as written and `npm start` serves it unbuilt.
// No source is rewritten: the modules name their files once (www/assets.js, www/gpt-assets.js), in the form browsers
// and bundlers understand, and the bundler is handed this build's version of those two modules (scripts/assets.mjs),
// naming the content-hashed copies.
// - The page's first load is two bundles: main.js with its static imports, and the counting worker (worker.js), with
//   the code they share (the core's glue, the engine, the n-gram requests) in a chunk of its own, fetched once.
//   Bundled, that JS is several KB (gzipped) smaller than the same modules minified one by one.
// - Every module loaded on demand (`import('./x.js')`, or started as a worker: Part D's and Part E's panels and
//   workers, the reading, Figure 1, ...), found by following the imports (scripts/on-demand.mjs) rather than listed,
//   and the web component (component.js, under its own name: other sites link to it) are bundles of their own, each
//   with its own copy of the small modules it shares with the page: the page's first load stays as it is.
// - The modules outside those graphs keep their names and are minified one by one (the glue modules among them:
//   a fresh wasm instance after a trap imports its glue again).
// - Content-hashed names (cache them forever) for the wasm modules, the stylesheet, the page's bundle and esbuild's
//   chunks; the workers and Part D's panel keep their names (a module names them before it is bundled). Every
//   relative reference left in dist/ must name a file there.
// Then dist/gpt1-playground.html, the page as one file (scripts/single.mjs).
// Run after scripts/build.sh (www/pkg/). `node scripts/dist.mjs DIR` writes DIR.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { posix, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';
import { ASSET_MODULES, assetModule } from './assets.mjs';
import { keepDynamicImports, onDemand } from './on-demand.mjs';

const ROOT = new URL('..', import.meta.url);
const DIST = process.argv[2] ? pathToFileURL(`${resolve(process.argv[2])}/`) : new URL('dist/', ROOT);
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
  await assetModule(file, (path) => `new URL(${JSON.stringify(located[path] ?? path)}, import.meta.url)`)])));

/** Bundles `entries` (paths in the checkout) into www/ of dist/, minified; dynamic imports stay imports of files. */
async function bundle(entries, splitting) {
  const result = await build({
    entryPoints: entries.map((file) => fileURLToPath(from(file))),
    bundle: true, splitting, format: 'esm', minify: true, write: false, metafile: true,
    outdir: fileURLToPath(to('www/')), entryNames: '[name]', chunkNames: '[name].[hash]', logLevel: 'warning',
    plugins: [keepDynamicImports, { // (x.js of `import('./x.js')` is bundled on its own, fetched when asked for)
      name: 'assets',
      setup(on) {
        on.onLoad({ filter: /assets\.js$/ }, ({ path }) => (assets.has(path)
          ? { contents: assets.get(path), loader: 'js' } : null));
      },
    }],
  });
  const under = (dir, path) => relative(fileURLToPath(dir), resolve(path)).split('\\').join('/');
  return {
    out: new Map(result.outputFiles.map((f) => [under(DIST, f.path), f.text])), // path under dist/ → text
    inputs: Object.keys(result.metafile.inputs).map((path) => under(ROOT, path)), // the modules it holds
  };
}

// the first load: the page's bundle and the counting worker's, with what they share in a chunk; esbuild names its
// chunks by content. The web component and every module the page or the component loads on demand (Part D's and
// Part E's panels and workers, GPT-1's tokenizer panel, the reading, Figure 1, ...: found by scripts/on-demand.mjs,
// which follows their imports): bundles of their own (a module loaded on demand is bundled with what it imports, so
// it never names a module the first bundle swallowed).
const FIRST = ['www/main.js', 'www/worker.js'];
const COMPONENT = 'www/component.js';
const first = await bundle(FIRST, true);
const alone = await Promise.all([COMPONENT, ...await onDemand([...FIRST, COMPONENT], fileURLToPath(ROOT))]
  .map((f) => bundle([f], false)));
const out = new Map([...first.out, ...alone.flatMap((b) => [...b.out])]);
// the page's bundle: a hashed name (index.html alone names it)
const main = out.get('www/main.js');
out.delete('www/main.js');
const mainName = hashed('main.js', main);
out.set(`www/${mainName}`, main);
for (const [file, text] of out) writeFileSync(to(file), text);
const bundled = new Set([...first.inputs, ...alone.flatMap((b) => b.inputs)]);

// every other module: its name kept, minified on its own (the glue too: a fresh instance imports it again)
const modules = [...readdirSync(from('www/')).filter((f) => f.endsWith('.js')).map((f) => `www/${f}`),
  ...readdirSync(from('www/pkg/')).filter((f) => f.endsWith('.js')).map((f) => `www/pkg/${f}`)];
for (const file of modules.filter((f) => !bundled.has(f) || f.startsWith('www/pkg/'))) {
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

const names = [mainName, ...Object.values(located).map((path) => path.slice(2)), 'worker.js', 'gpt-panel.js', 'gpt1-panel.js'];
console.log(`[dist] ${fileURLToPath(DIST)}: ${names.join(', ')}`);
