// Writes dist/gpt1-playground.html: the whole page in one file that works when opened by double-click (file://),
// with no server and no network. Browsers load neither module files nor workers from file://, so the file carries
// the page as one esbuild bundle (Part D included), the two wasm modules and the glue (base64, for a fresh instance
// after a trap) and Part D's data in a JSON data block; one small inline module makes a Blob URL of each, then
// imports the bundle. No source is rewritten: the bundler is handed this build's asset modules (scripts/assets.mjs),
// which name those Blob URLs and say that no worker may start — the engine then runs every lane on the page thread
// (the page stays correct; only a long count or training holds the page while it runs).
// Its CSP admits exactly that inline script and stylesheet (by hash) and blob: scripts and fetches.
// `node scripts/single.mjs DIR` writes DIR/gpt1-playground.html (default: dist/).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ASSET_MODULES, assetModule } from './assets.mjs';
import { readArgs, DIST_SPEC } from './cli.mjs';

const ROOT = new URL('..', import.meta.url);
const { args: [dir] } = readArgs('node scripts/single.mjs', DIST_SPEC);
const OUT = dir ? pathToFileURL(`${resolve(dir)}/`) : new URL('dist/', ROOT);
const read = (path, encoding) => readFileSync(new URL(path, ROOT), encoding);

/** Replaces the one match of `pattern` in `text`; fails loudly otherwise. */
function once(text, file, pattern, replace) {
  let seen = 0;
  const out = text.replace(pattern, (...match) => { seen += 1; return replace(...match); });
  if (seen !== 1) throw new Error(`${file}: expected 1 of ${pattern}, found ${seen}: update scripts/single.mjs`);
  return out;
}

// the files the page names (paths relative to www/): their type and bytes
const files = {
  './pkg/gpt1_playground_bg.wasm': ['application/wasm', read('www/pkg/gpt1_playground_bg.wasm')],
  './pkg/gpt1_playground_gpt_bg.wasm': ['application/wasm', read('www/pkg/gpt1_playground_gpt_bg.wasm')],
  './pkg/gpt1_playground.js': ['text/javascript', read('www/pkg/gpt1_playground.js')],
  './pkg/gpt1_playground_gpt.js': ['text/javascript', read('www/pkg/gpt1_playground_gpt.js')],
};
// (not data/gpt1/: GPT-1's tokenizer files, 435 KB gzipped, stay out of the one file; its buttons say so)
for (const name of readdirSync(new URL('www/data/', ROOT), { withFileTypes: true })
  .filter((f) => f.isFile() && !f.name.endsWith('.md')).map((f) => f.name)) {
  files[`./data/${name}`] = [name.endsWith('.tsv') ? 'text/tab-separated-values' : 'text/plain', read(`www/data/${name}`)];
}

// the page as one module: this build's asset modules read the Blob URLs the boot script made
const assets = new Map(await Promise.all(ASSET_MODULES.map(async (file) => [fileURLToPath(new URL(file, ROOT)),
  await assetModule(file, (path) => (files[path] ? `new URL(globalThis.gpt1Files[${JSON.stringify(path)}])` : 'null'),
    { WORKERS: false })])));  // (null: a file the page itself never fetches, such as the web component's markup)
const bundled = await build({
  entryPoints: [fileURLToPath(new URL('www/main.js', ROOT))],
  bundle: true, format: 'esm', minify: true, write: false, logLevel: 'warning',
  plugins: [{
    name: 'single',
    setup(on) {
      on.onLoad({ filter: /\.js$/ }, ({ path }) => (assets.has(path) ? { loader: 'js', contents: assets.get(path) } : null));
    },
  }],
});
const page = bundled.outputFiles[0].text;

const payload = JSON.stringify({
  page,
  files: Object.fromEntries(Object.entries(files).map(([path, [type, bytes]]) => [path, [type, bytes.toString('base64')]])),
}).replace(/</g, '\\u003c'); // inside a <script> data block: no "<" at all, so neither </script> nor <!-- can end or change it

const boot = `
// gpt1-playground as one file: every file becomes a Blob URL, then the page's module starts
const { page, files } = JSON.parse(document.getElementById('gpt1-files').textContent);
const blob = (parts, type) => URL.createObjectURL(new Blob(parts, { type }));
globalThis.gpt1Files = {};
for (const [path, [type, base64]] of Object.entries(files)) {
  globalThis.gpt1Files[path] = blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], type);
}
await import(blob([page], 'text/javascript'));
`;
const css = read('www/style.css', 'utf8');
const sha = (s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
const csp = [
  "default-src 'none'",
  `script-src ${sha(boot)} blob: 'wasm-unsafe-eval'`,
  "worker-src 'none'",
  'connect-src blob:',
  'img-src data:',
  `style-src ${sha(css)}`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

let html = read('index.html', 'utf8');
html = once(html, 'index.html', /<meta http-equiv="Content-Security-Policy" content="[^"]*">/g,
  () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
html = once(html, 'index.html', /<link rel="stylesheet" href="www\/style\.css">/g, () => `<style>${css}</style>`);
html = once(html, 'index.html', /<script type="module" src="www\/main\.js"><\/script>/g,
  () => `<script type="application/json" id="gpt1-files">${payload}</script>\n  <script type="module">${boot}</script>`);
mkdirSync(OUT, { recursive: true });
writeFileSync(new URL('gpt1-playground.html', OUT), html);
console.log(`[single] gpt1-playground.html: ${html.length} bytes`);
