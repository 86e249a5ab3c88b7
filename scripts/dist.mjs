// Writes dist/: the page as a static site for any host and any sub-path. Every reference in it is relative (the page
// already is) and everything is minified with esbuild; www/ stays as written and `npm start` serves it unbuilt.
// - The page's first load is two bundles: main.js with its static imports, and the model worker (worker.js), with
//   the code they share (the core's glue, views.js, core.js) in a chunk of its own, fetched once. Bundled, that JS
//   is ~7 KB (gzipped) smaller than the same modules minified one by one: one gzip stream instead of twenty, names
//   shortened across modules. Part D's panel (gpt-panel.js, imported when its lab opens) is a bundle of its own
//   with its own copy of the small helpers it shares with the page (dom.js, numbers.js, colour.js: no state): a
//   chunk shared with it would be two more first-load files and ~0.6 KB more.
// - The web component (component.js) is a bundle of its own too, under its own name (other sites link to it), with
//   its own copy of the panels: the page's first load stays as it is. It starts the same model worker, and fetches
//   the page (for its markup) and the hashed stylesheet.
// - The modules outside those graphs keep their names and are minified one by one: Part D's worker (gpt-worker.js,
//   gpt-api.js and its glue), and the core's glue (core.js imports it again for a fresh instance after a trap).
// - Content-hashed names (cache them forever) for the wasm modules, the stylesheet and the three page bundles;
//   esbuild names its chunk by content itself. Every reference is rewritten, and every relative reference left in dist/ must
//   name a file there.
// Then dist/gpt1-playground.html, the page as one file (scripts/single.mjs, from www/ as written).
// Run after scripts/build.sh (www/pkg/). `node scripts/dist.mjs DIR` writes DIR.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { posix, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';

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

/** Replaces every `before` with `after` in `text`; fails when `before` is absent and `required`. */
function rename(text, before, after, file, required) {
  if (required && !text.includes(before)) throw new Error(`${file} no longer names ${before}: update scripts/dist.mjs`);
  return text.split(before).join(after);
}

for (const file of ['www/pkg/gpt1_playground.js', 'www/pkg/gpt1_playground_bg.wasm', 'www/pkg/gpt1_playground_gpt.js',
  'www/pkg/gpt1_playground_gpt_bg.wasm']) {
  if (!existsSync(from(file))) throw new Error(`${file} is missing: run scripts/build.sh first`);
}
rmSync(DIST, { recursive: true, force: true });
mkdirSync(to('www/pkg/'), { recursive: true });

// the wasm modules: hashed names, named so in every module's source before it is bundled or minified (the page's
// loaders and the glue's default path)
const renames = [];
for (const name of ['gpt1_playground_bg.wasm', 'gpt1_playground_gpt_bg.wasm']) {
  const bytes = readFileSync(from(`www/pkg/${name}`));
  const target = hashed(name, bytes);
  writeFileSync(to(`www/pkg/${target}`), bytes);
  renames.push([name, target]);
}
const mustName = { 'www/main.js': 'gpt1_playground_bg.wasm', 'www/gpt-panel.js': 'gpt1_playground_gpt_bg.wasm',
  'www/component.js': 'gpt1_playground_bg.wasm' };
/** A module's source (`file` relative to the checkout) with the wasm modules' hashed names. */
function source(file) {
  let text = readFileSync(from(file), 'utf8');
  for (const [before, after] of renames) text = rename(text, before, after, file, mustName[file] === before);
  return text;
}

/** Bundles `entries` (paths in the checkout) into www/ of dist/, minified; dynamic imports stay imports of files. */
async function bundle(entries, splitting) {
  const result = await build({
    entryPoints: entries.map((file) => fileURLToPath(from(file))),
    bundle: true, splitting, format: 'esm', minify: true, write: false, metafile: true,
    outdir: fileURLToPath(to('www/')), entryNames: '[name]', chunkNames: '[name].[hash]', logLevel: 'warning',
    plugins: [{
      name: 'dist',
      setup(on) {
        // `import('./x.js')`: x.js is bundled on its own and fetched when asked for, not joined to this bundle
        on.onResolve({ filter: /^\.{1,2}\// }, ({ path, kind }) => (kind === 'dynamic-import'
          ? { path, external: true } : null));
        on.onLoad({ filter: /\.js$/ }, ({ path }) => {
          const file = relative(fileURLToPath(ROOT), path).split('\\').join('/');
          let contents = source(file);
          // the glue's default wasm path is relative to www/pkg/, and the glue now runs from a chunk in www/
          if (file.startsWith('www/pkg/')) {
            contents = contents.replace(/new URL\((['"])(?!\.{0,2}\/)([^'"]+)\1, import\.meta\.url\)/g,
              'new URL($1./pkg/$2$1, import.meta.url)');
          }
          // an import() of a template (core.js's fresh glue) stays an import at run time: esbuild would make it a
          // lookup among the bundle's own modules, which finds none
          contents = contents.replace(/\bimport\((`[^`]*`)\)/g, 'import(new URL($1, import.meta.url).href)');
          return { contents, loader: 'js' };
        });
      },
    }],
  });
  const under = (dir, path) => relative(fileURLToPath(dir), resolve(path)).split('\\').join('/');
  return {
    out: new Map(result.outputFiles.map((f) => [under(DIST, f.path), f.text])), // path under dist/ → text
    inputs: Object.keys(result.metafile.inputs).map((path) => under(ROOT, path)), // the modules it holds
  };
}

/** Replaces the one match of `pattern` in `text` (a bundle of `file`); fails when there is none or more. */
function once(text, file, pattern, replace) {
  let seen = 0;
  const out = text.replace(pattern, (...match) => { seen += 1; return replace(...match); });
  if (seen !== 1) throw new Error(`the bundle of ${file} has ${seen} of ${pattern}, not 1: update scripts/dist.mjs`);
  return out;
}

// the stylesheet: minified, a hashed name
const { code: css } = await transform(readFileSync(from('www/style.css'), 'utf8'), { loader: 'css', minify: true });
const cssName = hashed('style.css', css);
writeFileSync(to(`www/${cssName}`), css);

// the first load: the page's bundle and the model worker's, with what they share in a chunk; esbuild names its
// chunks by content. Part D's panel and the web component: bundles of their own. Then the bundles' hashed names,
// the page's last (it names the other two).
const first = await bundle(['www/main.js', 'www/worker.js'], true);
const panel = await bundle(['www/gpt-panel.js'], false);
const component = await bundle(['www/component.js'], false);
const out = new Map([...first.out, ...panel.out, ...component.out]);
const take = (file) => {
  const text = out.get(file);
  out.delete(file);
  return text;
};
const workerText = take('www/worker.js');
const worker = hashed('worker.js', workerText);
out.set(`www/${worker}`, workerText);
const panelText = take('www/gpt-panel.js');
const panelName = hashed('gpt-panel.js', panelText);
out.set(`www/${panelName}`, panelText);
/** `text` (a bundle of `file`) pointed at the hashed model worker (engine.js names it twice: see startWorker). */
const startsWorker = (text, file) => {
  const pointed = once(text, file, /(new Worker\(new URL\((['"]))\.\/worker\.js\2/g,
    (_, lead, quote) => `${lead}./${worker}${quote}`);
  return once(pointed, file, /(new URL\((['"]))\.\/worker\.js\2/g, (_, lead, quote) => `${lead}./${worker}${quote}`);
};
let main = take('www/main.js');
main = startsWorker(main, 'www/main.js');
main = once(main, 'www/main.js', /(\bimport\((['"]))\.\/gpt-panel\.js\2/g,
  (_, lead, quote) => `${lead}./${panelName}${quote}`);
const mainName = hashed('main.js', main);
out.set(`www/${mainName}`, main);
out.set('www/component.js', once(startsWorker(out.get('www/component.js'), 'www/component.js'), 'www/component.js',
  /(new URL\((['"]))\.\/style\.css\2/g, (_, lead, quote) => `${lead}./${cssName}${quote}`));
for (const [file, text] of out) writeFileSync(to(file), text);
const bundled = new Set([...first.inputs, ...panel.inputs, ...component.inputs]);

// every other module: its name kept, minified on its own (the glue also stays: see the top)
const modules = [...readdirSync(from('www/')).filter((f) => f.endsWith('.js')).map((f) => `www/${f}`),
  ...readdirSync(from('www/pkg/')).filter((f) => f.endsWith('.js')).map((f) => `www/pkg/${f}`)];
for (const file of modules.filter((f) => !bundled.has(f) || f === 'www/pkg/gpt1_playground.js')) {
  const { code } = await transform(source(file), { minify: true, format: 'esm', sourcefile: file });
  writeFileSync(to(file), code);
}

// the page: comments and indentation dropped (line breaks kept: between inline elements they are spaces; no <pre>
// or <textarea> of the page has content), pointed at the hashed stylesheet and bundle
let html = readFileSync(from('index.html'), 'utf8');
if (/<(pre|textarea)\b[^>]*>[^<]/.test(html)) {
  throw new Error('index.html has text in a <pre> or <textarea>: keep its spaces (update scripts/dist.mjs)');
}
html = html.replace(/<!--[\s\S]*?-->/g, '').split('\n').map((line) => line.trim()).filter(Boolean).join('\n') + '\n';
html = rename(html, 'href="www/style.css"', `href="www/${cssName}"`, 'index.html', true);
html = rename(html, 'src="www/main.js"', `src="www/${mainName}"`, 'index.html', true);
writeFileSync(to('index.html'), html);

// the data Part D fetches, as it is
cpSync(from('www/data/'), to('www/data/'), { recursive: true, filter: (src) => !src.endsWith('README.md') });

// every relative reference in a script of dist/ (imports, dynamic imports, workers, fetched files) names a file
// of it; a template's `${…}` part must be its query
const walk = (dir) => readdirSync(to(dir), { withFileTypes: true })
  .flatMap((d) => (d.isDirectory() ? walk(`${dir}${d.name}/`) : [`${dir}${d.name}`]));
for (const file of walk('www/').filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(to(file), 'utf8');
  if (text.includes('Module not found in bundle')) throw new Error(`${file}: esbuild bundled an import() of a pattern`);
  for (const [, spec] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|new URL\(\s*)['"`](\.{1,2}\/[^'"`?$]+)/g)) {
    const target = posix.normalize(posix.join(posix.dirname(file), spec));
    if (!existsSync(to(target))) throw new Error(`${file} names ${spec}, which dist/ lacks: update scripts/dist.mjs`);
  }
}

await import('./single.mjs'); // the same DIR from the command line

const names = [mainName, worker, panelName, ...renames.map(([, name]) => name), cssName];
console.log(`[dist] ${fileURLToPath(DIST)}: ${names.join(', ')}`);
