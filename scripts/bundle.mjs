// The page's modules as one esbuild pass with code splitting: every module of www/ ships once, in the bundle of
// the entry that alone needs it or in a chunk shared by the entries that do, so module-level state (an engine's
// counters, a class to test errors against) has one home. The entries are the page (main.js), its counting worker,
// the web component (component.js, under its own name: other sites link to it) and every module loaded on demand
// (Part D's and Part E's panels and workers, the reading, Figure 1, ...), found by following the imports
// (scripts/on-demand.mjs). Entries keep their folders under www/ (two files of one name can't collide); chunks go
// to www/chunks/, named by content.
//
// Relative URLs. A module's `new URL('./x', import.meta.url)` means "x beside this source file", but in a bundle the
// code runs from whichever output file holds it. So each such URL, and each import of a wasm glue module (kept out
// of the bundles: a fresh instance after a trap imports its glue again, and one copy is shipped), is first written
// as a path from www/ behind a marker, then, once the outputs are known, as a path from the output file that holds it.
// The asset modules (www/assets/) are replaced by this build's version (scripts/assets.mjs), naming hashed copies.
import { posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { onDemand } from './on-demand.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WWW = resolve(ROOT, 'www');
const MARK = 'gpt1-www-root:';
/** What the bundles import rather than hold: the wasm glue and the transformer's public API (OWN below). */
export const OWN = ['www/pkg', 'www/gpt-api.js'];
const OWN_FILES = OWN.map((path) => resolve(ROOT, path)); // a path from www/, to be rewritten relative to the output that holds it

/** The page's entries, as paths in the checkout: the first load, the web component, then what loads on demand. */
export const FIRST = ['www/main.js', 'www/kinds/ngram/worker.js'];
export const COMPONENT = 'www/component.js';
export const entries = async () => [...FIRST, COMPONENT, ...await onDemand([...FIRST, COMPONENT], ROOT)];

const fromWww = (path) => relative(WWW, path).split('\\').join('/');

/** A URL of a file of www/, given as a path from www/ (`./pkg/x.wasm`, `../index.html`), for a bundled module. */
export const fromRoot = (path) => MARK + posix.normalize(path);

/** A path from www/ (`pkg/x.js`, `../index.html`) as seen from the output file `out` (a path under www/). */
const from = (out, path) => {
  const rel = posix.relative(posix.dirname(out), path);
  return rel.startsWith('.') ? rel : `./${rel}`;
};

/**
 * Bundles the page. `assets` maps an asset module's absolute path to this build's source for it. Returns
 * `{ outputs, metafile }`: `outputs` maps each output's path under www/ to its text, relative URLs resolved.
 */
export async function bundlePage(assets) {
  const result = await build({
    absWorkingDir: ROOT, entryPoints: await entries(), outbase: 'www', outdir: resolve(ROOT, 'out/www'),
    bundle: true, splitting: true, format: 'esm', minify: true, write: false, metafile: true, logLevel: 'warning',
    entryNames: '[dir]/[name]', chunkNames: 'chunks/[name]-[hash]',
    plugins: [{
      name: 'relative-urls',
      setup(on) {
        // the wasm glue (pkg/) and the transformer's API (gpt-api.js, a public module of its own) stay files of
        // their own, imported from wherever the importer lands
        on.onResolve({ filter: /(\/pkg\/[^/]+|\/gpt-api)\.js$/ }, ({ path, resolveDir }) => {
          const target = resolve(resolveDir, path);
          return OWN_FILES.some((own) => target === own || target.startsWith(`${own}/`))
            ? { path: fromRoot(fromWww(target)), external: true } : null;
        });
        on.onLoad({ filter: /\.js$/ }, ({ path }) => {
          if (assets.has(path)) return { contents: assets.get(path), loader: 'js' };
          if (!path.startsWith(WWW)) return null;
          const source = readFileSync(path, 'utf8');
          const contents = source.replace(/new URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g,
            (_, q, spec) => `new URL(${JSON.stringify(fromRoot(fromWww(resolve(path, '..', spec))))}, import.meta.url)`);
          return { contents, loader: 'js' };
        });
      },
    }],
  });
  const outputs = new Map();
  for (const file of result.outputFiles) {
    const out = fromWww(file.path.replace(`${resolve(ROOT, 'out/www')}`, WWW));
    const text = file.text.replace(new RegExp(`(['"\`])${MARK}([^'"\`]+)\\1`, 'g'), (_, q, path) => `${q}${from(out, path)}${q}`);
    outputs.set(out, text);
  }
  return { outputs, metafile: result.metafile };
}

/**
 * The modules that more than one output holds, from the metafile: none, when each ships once. (esbuild lists an input
 * under an output that holds any of its bytes.)
 */
export function shippedTwice(metafile) {
  const holders = new Map();
  for (const [out, { inputs }] of Object.entries(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      if (bytesInOutput > 0) holders.set(input, [...(holders.get(input) ?? []), out]);
    }
  }
  return [...holders].filter(([, outs]) => outs.length > 1).map(([input, outs]) => `${input}: ${outs.join(', ')}`);
}
