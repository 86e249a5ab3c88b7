// Issue 5, the npm package: `npm pack` holds only the JS API (glue, wasm, type declarations) and the web component
// with exactly the files it loads (its modules, the page's panels and model worker, index.html for the markup, the
// stylesheet), and a fresh project that installs the tarball can use both three ways — with Vite 7 (a build of a tiny
// app, opened in Chromium), as plain ES modules in the browser (an import map, no build) and in Node — and TypeScript
// sees its declarations through `exports`. The project installs the tarball alone, offline; Vite and TypeScript are
// this repository's pinned devDependencies, run on it from here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../e2e/browser.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `file` (a path in the checkout) and every file it loads: static imports, imports when first needed
 * (`import('./…')`), and `new URL('…', import.meta.url)`.
 */
function loads(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.endsWith('.js')) return seen;
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/\b(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?(['"])(\.{1,2}\/[^'"]+)\1/g),
    ...text.matchAll(/\bimport\((['"])(\.{1,2}\/[^'"]+)\1\)/g),
    ...text.matchAll(/new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g)].map(([, , spec]) => spec);
  for (const spec of specs) loads(posix.normalize(posix.join(dirname(file), spec)), seen);
  return seen;
}
const EXPECTED = [...loads('www/component.js'), 'README.md', 'package.json', 'www/component.d.ts',
  'www/pkg/gpt1_playground.d.ts', 'www/pkg/gpt1_playground_bg.wasm.d.ts'].sort();
const LESSON = 'chai bahut garam hai\\nchai acha\\nchai bahut acha hai';
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

let app; // the temporary consumer project
before(() => { app = mkdtempSync(join(tmpdir(), 'gpt1-consumer-')); });
after(() => rmSync(app, { recursive: true, force: true }));

test('npm pack lists only the JS API (glue, wasm), the web component with what it loads, and their declarations', () => {
  const [{ files }] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT));
  assert.deepEqual(files.map((f) => f.path).sort(), EXPECTED);
});

test('a fresh project installs the tarball: API and component with Vite and as plain ES modules, API in Node, types from TypeScript', async () => {
  const [{ filename }] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', app], ROOT));
  const write = (name, text) => writeFileSync(join(app, name), text);
  write('package.json', JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // the tarball has no dependencies, so the install needs no registry
  npm(['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', `./${filename}`], app);
  assert.deepEqual(readdirSync(join(app, 'node_modules')).filter((f) => !f.startsWith('.')), ['gpt1-playground']);

  // the app: the lesson's seed-42 generation from the API, and the web component beside it
  const use = `import init, { NgramModel, generate } from 'gpt1-playground';
import 'gpt1-playground/component';
init().then(() => {
  const model = new NgramModel('${LESSON}', { smoothing: 1 });
  const out = document.getElementById('out');
  if (out) out.textContent = generate(model, { seed: 42, maxLen: 6 }).join(' ');
});
`;
  const body = '<p id="out"></p><gpt1-playground seed="42" sections="generate"></gpt1-playground>';
  write('main.ts', use);
  write('index.html', '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title><script type="module" src="./main.ts"></script>' + body);
  // the declarations come through `exports`: a wrong option type is an error, so they are not `any`; the glue's
  // classes declare [Symbol.dispose], so a consumer's lib needs esnext.disposable (or esnext)
  write('check.ts', `import { initSync, NgramModel, generate, type GenerateOptions } from 'gpt1-playground';
initSync({ module: new Uint8Array() });
const options: GenerateOptions = { seed: 42, maxLen: 6 };
const tokens: string[] = generate(new NgramModel('chai', { smoothing: 1 }), options);
// @ts-expect-error seed is a number
generate(new NgramModel('chai'), { seed: 'forty-two' });
export { tokens };
const widget: HTMLElementTagNameMap['gpt1-playground'] = document.createElement('gpt1-playground');
widget.update().then(() => undefined);
`);
  write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'es2022', module: 'esnext',
    moduleResolution: 'bundler', strict: true, noEmit: true, lib: ['es2022', 'esnext.disposable', 'dom'], skipLibCheck: false },
  files: ['check.ts', 'main.ts'] }));
  execFileSync(bin('tsc'), ['-p', app], { cwd: app, stdio: 'inherit' });

  // Vite: a production build, the wasm emitted as an asset with a hashed name
  execFileSync(bin('vite'), ['build', '--base', './', '--logLevel', 'error'], { cwd: app, stdio: 'inherit' });
  assert.ok(readdirSync(join(app, 'dist/assets')).some((f) => /\.wasm$/.test(f)), 'the wasm is a Vite asset');

  // plain ES modules: an import map onto node_modules, no build step
  write('plain.html', `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>plain</title>
<script type="importmap">{ "imports": {
  "gpt1-playground": "./node_modules/gpt1-playground/www/pkg/gpt1_playground.js",
  "gpt1-playground/component": "./node_modules/gpt1-playground/www/component.js" } }</script>
<script type="module" src="./plain.js"></script>${body}`);
  write('plain.js', use);

  // Node: the wasm found through the package's exports
  write('node.mjs', `import { readFileSync } from 'node:fs';
import { initSync, NgramModel, generate } from 'gpt1-playground';
initSync({ module: readFileSync(new URL(import.meta.resolve('gpt1-playground/gpt1_playground_bg.wasm'))) });
console.log(generate(new NgramModel('${LESSON}', { smoothing: 1 }), { seed: 42, maxLen: 6 }).join(' '));
`);
  assert.equal(execFileSync(process.execPath, ['node.mjs'], { cwd: app, encoding: 'utf8' }).trim(), '[START] chai [END]');

  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const file = normalize(join(app, decodeURIComponent(req.url.split('?')[0])));
    if (!file.startsWith(app + sep)) return res.writeHead(404).end();
    let bytes;
    try {
      bytes = readFileSync(file);
    } catch {
      return res.writeHead(404).end();
    }
    return res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(bytes);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const origin = `http://127.0.0.1:${server.address().port}`;
    for (const path of ['/dist/index.html', '/plain.html']) {
      const page = await browser.newPage();
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`request: ${r.url()}`); });
      page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`); });
      await page.goto(origin + path);
      await page.waitForFunction(() => document.getElementById('out')?.textContent.includes('[END]'), null,
        { timeout: 10000 }).catch((error) => { throw new Error(`${path}: ${error.message} ${problems.join('; ')}`); });
      assert.equal(await page.textContent('#out'), '[START] chai [END]', path);
      // the web component: the page's generation panel, once the widget has loaded the page's markup
      const chips = page.locator('gpt1-playground').getByRole('region', { name: 'Generated' }).locator('li');
      await chips.first().waitFor({ timeout: 10000 });
      assert.deepEqual(await chips.allTextContents(), ['[START]', 'chai', '[END]'], `${path}: the web component`);
      assert.deepEqual(problems, [], path);
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise((done) => server.close(done));
  }
});
