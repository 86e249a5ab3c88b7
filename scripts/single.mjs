// Writes dist/gpt1-playground.html: the whole page in one file that works when opened by double-click (file://),
// with no server and no network. Browsers load neither module files nor workers from file://, so the file carries
// every module's text, the two wasm modules (base64) and Part D's data in a JSON data block, and one small inline
// module makes a Blob URL of each — specifiers rewritten to those URLs, dependencies first — then imports main.js.
// The modules stay as written apart from their relative specifiers. Workers: Chromium starts no module worker from
// a file:// page (not even from a Blob URL), so here the two workers run on the page thread, each in a module graph
// of its own (its own wasm instance) behind an object with the Worker's postMessage/terminate/events; the page
// stays correct, only a long count or training holds the page while it runs.
// Its CSP admits exactly that inline script and stylesheet (by hash) and blob: scripts and fetches.
// `node scripts/single.mjs DIR` writes DIR/gpt1-playground.html (default: dist/).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('..', import.meta.url);
const OUT = process.argv[2] ? pathToFileURL(`${resolve(process.argv[2])}/`) : new URL('dist/', ROOT);
const read = (path, encoding) => readFileSync(new URL(path, ROOT), encoding);
const mark = (path) => `@gpt1:${path}@`; // stands for the Blob URL of `path` until the page replaces it
const resolved = (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec));

/** Rewrites `count` (or at least one, when `count` is '+') matches of `pattern` in `file`; fails loudly otherwise. */
function rewrite(text, file, pattern, replace, count = '+') {
  let seen = 0;
  const out = text.replace(pattern, (...match) => { seen += 1; return replace(...match); });
  if (count === '+' ? seen === 0 : seen !== count) {
    throw new Error(`${file}: expected ${count} of ${pattern}, found ${seen}: update scripts/single.mjs`);
  }
  return out;
}

const modules = [...readdirSync(new URL('www/', ROOT)).filter((f) => f.endsWith('.js')).map((f) => `www/${f}`),
  'www/pkg/gpt1_playground.js', 'www/pkg/gpt1_playground_gpt.js'];
const data = readdirSync(new URL('www/data/', ROOT)).filter((f) => !f.endsWith('.md'));
const WORKERS = ['www/worker.js', 'www/gpt-worker.js'];
const js = {};
for (const file of modules) {
  let text = read(file, 'utf8');
  // the places that name another file, each rewritten to that file's mark
  text = text.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\2/g,
    (_, lead, quote, spec) => `${lead}${quote}${mark(resolved(file, spec))}${quote}`);
  text = text.replace(/new Worker\(new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g,
    (_, quote, spec) => `new globalThis.gpt1PageWorker(new URL('gpt1:${resolved(file, spec)}')`);
  text = text.replace(/new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g,
    (_, quote, spec) => `new URL('${mark(resolved(file, spec))}')`);
  if (WORKERS.includes(file)) { // `self` is the page here: the worker's side of its stand-in instead
    text = rewrite(text, file, /\bself\.(addEventListener|postMessage)\(/g, (_, name) => `scope.${name}(`);
    text = `const scope = globalThis.gpt1PageWorker.scope(import.meta.url);\n${text}`;
  }
  if (file === 'www/core.js') { // a fresh instance of the glue: a fragment makes it a module of its own
    text = rewrite(text, file, /`\.\/pkg\/gpt1_playground\.js\?instance=/g,
      () => `\`${mark('www/pkg/gpt1_playground.js')}#instance=`, 1);
  }
  if (file === 'www/engine.js' || file === 'www/gpt-panel.js') {
    if (!text.includes('new globalThis.gpt1PageWorker(')) throw new Error(`${file} starts no worker any more?`);
  }
  if (file === 'www/gpt-panel.js') { // Part D's data files, named at run time
    const table = `(${JSON.stringify(Object.fromEntries(data.map((name) => [name, mark(`www/data/${name}`)])))}[name])`;
    text = rewrite(text, file, /new URL\(`\.\/data\/\$\{name\}`, import\.meta\.url\)/g, () => `new URL(${table})`, 1);
  }
  js[file] = text;
}

// dependencies first (the marks are the edges); a cycle could not be written as Blob URLs
const order = [];
const state = new Map();
function visit(file, path = []) {
  if (state.get(file) === 'done') return;
  if (state.get(file) === 'open') throw new Error(`import cycle: ${[...path, file].join(' → ')}`);
  state.set(file, 'open');
  for (const [, dep] of js[file].matchAll(/@gpt1:([^@]+)@/g)) if (dep in js) visit(dep, [...path, file]);
  state.set(file, 'done');
  order.push(file);
}
for (const file of modules) visit(file);

const binary = {
  'www/pkg/gpt1_playground_bg.wasm': ['application/wasm', read('www/pkg/gpt1_playground_bg.wasm').toString('base64')],
  'www/pkg/gpt1_playground_gpt_bg.wasm': ['application/wasm',
    read('www/pkg/gpt1_playground_gpt_bg.wasm').toString('base64')],
};
const text = Object.fromEntries(data.map((name) => [`www/data/${name}`,
  [name.endsWith('.tsv') ? 'text/tab-separated-values' : 'text/plain', read(`www/data/${name}`, 'utf8')]]));
// inside a <script> data block: no "<" at all, so neither </script> nor <!-- can end or change it
const payload = JSON.stringify({ js, binary, text }).replace(/</g, '\\u003c');

const boot = `
// gpt1-playground as one file: every module, wasm and data file becomes a Blob URL, then the page starts
const files = JSON.parse(document.getElementById('gpt1-files').textContent);
const assets = {};
const blob = (parts, type) => URL.createObjectURL(new Blob(parts, { type }));
for (const [path, [type, base64]] of Object.entries(files.binary)) {
  assets[path] = blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], type);
}
for (const [path, [type, body]] of Object.entries(files.text)) assets[path] = blob([body], type);

/** The Blob URL of \`entry\` in a module graph of its own: fresh URLs, so fresh module instances. */
function graph(entry) {
  const urls = {};
  const make = (path) => (urls[path] ??= blob([files.js[path].replace(/@gpt1:([^@]+)@/g,
    (_, file) => assets[file] ?? make(file))], 'text/javascript'));
  return make(entry);
}

/** A worker on the page thread: the worker's module (own graph) talks to it through \`scope\`, asynchronously. */
class PageWorker extends EventTarget {
  static scopes = new Map();
  static scope(url) { return PageWorker.scopes.get(url); }
  constructor(url) {
    super();
    const listeners = [];
    const entry = graph(String(url).slice('gpt1:'.length));
    PageWorker.scopes.set(entry, {
      addEventListener: (type, listener) => { if (type === 'message') listeners.push(listener); },
      postMessage: (data) => setTimeout(() => this.dead || this.dispatchEvent(new MessageEvent('message', { data }))),
    });
    const ready = import(entry);
    const fail = (error) => this.dead || this.dispatchEvent(new ErrorEvent('error', { cancelable: true,
      message: error instanceof Error ? error.message : String(error) }));
    ready.catch(fail);
    this.deliver = (data) => ready.then(() => {
      if (this.dead) return;
      try { for (const listener of listeners) listener({ data }); } catch (error) { fail(error); }
    }, () => {});
  }
  postMessage(data) { setTimeout(() => this.deliver(data)); }
  terminate() { this.dead = true; }
}
globalThis.gpt1PageWorker = PageWorker;
await import(graph('www/main.js'));
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
html = rewrite(html, 'index.html', /<meta http-equiv="Content-Security-Policy" content="[^"]*">/g,
  () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`, 1);
html = rewrite(html, 'index.html', /<link rel="stylesheet" href="www\/style\.css">/g, () => `<style>${css}</style>`, 1);
html = rewrite(html, 'index.html', /<script type="module" src="www\/main\.js"><\/script>/g,
  () => `<script type="application/json" id="gpt1-files">${payload}</script>\n  <script type="module">${boot}</script>`, 1);
mkdirSync(OUT, { recursive: true });
writeFileSync(new URL('gpt1-playground.html', OUT), html);
console.log(`[single] gpt1-playground.html: ${html.length} bytes, ${order.length} modules`);
