// Writes dist/: the page as a static site for any host and any sub-path. Every reference in it is relative (the page
// already is), the wasm modules and the stylesheet get content-hashed names (cache them forever; the references are
// rewritten), and nothing else changes: plain ES modules, no bundler. Then dist/gpt1-playground.html, the page as
// one file (scripts/single.mjs). Run after scripts/build.sh (www/pkg/). `node scripts/dist.mjs DIR` writes DIR.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

// the wasm modules: hashed names; every JS file that names one is rewritten (the page's loaders and the glue's
// default path)
const renames = [];
for (const name of ['gpt1_playground_bg.wasm', 'gpt1_playground_gpt_bg.wasm']) {
  const bytes = readFileSync(from(`www/pkg/${name}`));
  const target = hashed(name, bytes);
  writeFileSync(to(`www/pkg/${target}`), bytes);
  renames.push([name, target]);
}
const mustName = { 'www/main.js': 'gpt1_playground_bg.wasm', 'www/gpt-panel.js': 'gpt1_playground_gpt_bg.wasm' };
const scripts = [...readdirSync(from('www/')).filter((f) => f.endsWith('.js')).map((f) => `www/${f}`),
  'www/pkg/gpt1_playground.js', 'www/pkg/gpt1_playground_gpt.js'];
for (const file of scripts) {
  let text = readFileSync(from(file), 'utf8');
  for (const [before, after] of renames) text = rename(text, before, after, file, mustName[file] === before);
  writeFileSync(to(file), text);
}

// the stylesheet: comments and indentation dropped, a hashed name, index.html pointed at it
const css = readFileSync(from('www/style.css'), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .split('\n').map((line) => line.trim()).filter(Boolean).join('\n') + '\n';
const cssName = hashed('style.css', css);
writeFileSync(to(`www/${cssName}`), css);
const html = rename(readFileSync(from('index.html'), 'utf8'), 'href="www/style.css"', `href="www/${cssName}"`,
  'index.html', true);
writeFileSync(to('index.html'), html);

// the data Part D fetches, as it is
cpSync(from('www/data/'), to('www/data/'), { recursive: true, filter: (src) => !src.endsWith('README.md') });

await import('./single.mjs'); // the same DIR from the command line

console.log(`[dist] ${fileURLToPath(DIST)}: ${renames.map(([, name]) => name).join(', ')}, ${cssName}`);
