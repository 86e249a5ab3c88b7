// Issue 5, the static build: `node scripts/dist.mjs DIR` writes the static site (dist/ by default), which works
// from a sub-path of a static host — served here at /courses/gpt1/ by the project's own server (its strict CSP
// header included) and opened in Debian's Chromium: the seed-42 generation appears, Part D's module and data load
// on demand, every request stays under the sub-path, nothing fails, the wasm is fetched under its content-hashed
// name, and the web component loads from it. `npm run size` reads the same build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';
import { CHROMIUM, eventually } from '../e2e/browser.mjs';

const ROOT = new URL('../../', import.meta.url);
const OUT = mkdtempSync(join(tmpdir(), 'gpt1-dist-')); // not dist/: the other test files build at the same time
const DIST = pathToFileURL(`${OUT}/`);
const BASE = '/courses/gpt1/';

let server;
let url;
let browser;
before(async () => {
  execFileSync(process.execPath, [fileURLToPath(new URL('scripts/dist.mjs', ROOT)), OUT], { stdio: 'inherit' });
  ({ server, url } = await serve({ root: fileURLToPath(DIST), base: BASE, port: 0 }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
});
after(async () => {
  await browser?.close();
  if (server) await new Promise((done) => server.close(done));
  rmSync(OUT, { recursive: true, force: true });
});

test('dist/ names its wasm and stylesheet by content and references nothing absolute', () => {
  const pkg = readdirSync(new URL('www/pkg/', DIST));
  assert.ok(pkg.some((f) => /^gpt1_playground_bg\.[0-9a-f]{10}\.wasm$/.test(f)), pkg.join(', '));
  assert.ok(pkg.some((f) => /^gpt1_playground_gpt_bg\.[0-9a-f]{10}\.wasm$/.test(f)), pkg.join(', '));
  assert.ok(!pkg.some((f) => /_bg\.wasm$|\.d\.ts$/.test(f)), 'no unhashed wasm, no type declarations');
  assert.ok(readdirSync(DIST).includes('gpt1-playground.html'), 'the single file is built with it');
  const html = readFileSync(new URL('index.html', DIST), 'utf8');
  assert.match(html, /href="www\/style\.[0-9a-f]{10}\.css"/);
  assert.doesNotMatch(html, /(src|href)="\//, 'no root-relative reference');
});

test('npm run size prints every file with raw and gzip bytes and both budgets, and reports without failing', () => {
  const out = execFileSync(process.execPath, [fileURLToPath(new URL('scripts/size.mjs', ROOT)), OUT], { encoding: 'utf8' });
  const row = (file) => out.split('\n').find((line) => line.startsWith(file));
  const wasm = readdirSync(new URL('www/pkg/', DIST)).find((f) => /^gpt1_playground_bg\./.test(f));
  const [, raw, gzip, first] = row(`www/pkg/${wasm}`).trim().split(/\s+/);
  assert.equal(Number(raw), readFileSync(new URL(`www/pkg/${wasm}`, DIST)).length);
  assert.ok(Number(gzip) > 0 && Number(gzip) < Number(raw));
  assert.equal(first, 'yes', 'the core wasm is part of the first load');
  assert.doesNotMatch(row('www/kinds/gpt/worker.js'), /yes$/, 'Part D is not');
  // Part E's download comes with Part E: no script of the first load asks the hub for anything
  const firstLoad = out.split('\n').filter((line) => /\.js\s.*\byes$/.test(line)).map((line) => line.split(/\s+/)[0]);
  assert.ok(firstLoad.length > 3, firstLoad.join(', '));
  for (const file of firstLoad) {
    const text = readFileSync(new URL(file, DIST), 'utf8');
    assert.doesNotMatch(text, /blobs=true|\/resolve\/|gpt1-hub/, `${file} holds none of the download`);
    // Parts B's and C's outputs come when their section is first in sight (their controls are there from the start)
    assert.doesNotMatch(text, /The model only knows the|p given to the true label/,
      `${file} holds no output of Parts B and C`);
  }
  assert.match(readFileSync(new URL('www/parts/e/panel.js', DIST), 'utf8'), /gpt1-hub/, 'Part E\'s panel reads the hub');
  assert.match(readFileSync(new URL('www/kinds/gpt1/worker.js', DIST), 'utf8') + readdirSync(new URL('www/chunks/', DIST))
    .map((f) => readFileSync(new URL(`www/chunks/${f}`, DIST), 'utf8')).join(''), /blobs=true/, 'the download is built');
  assert.match(out, /(PASS|MISS) {2}first load, gzipped +[\d.]+ KB of +100\.0 KB/);
  assert.match(out, /(PASS|MISS) {2}core wasm, gzipped +[\d.]+ KB of +60\.0 KB/);
});

test('served from a sub-path, the page shows the seed-42 generation and loads Part D, all under that path', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15000);
  const requests = [];
  const problems = [];
  context.on('request', (r) => {
    requests.push(r.url());
    if (!r.url().startsWith(url) && !/^(data|blob):/.test(r.url())) problems.push(`request outside ${BASE}: ${r.url()}`);
  });
  context.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`); });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.locator('html[data-ready="true"]').waitFor();
  assert.deepEqual(await page.getByRole('region', { name: 'Generated' }).locator('.chip .tok').allTextContents(),
    ['[START]', 'chai', '[END]']);
  assert.ok(requests.some((u) => /\/www\/pkg\/gpt1_playground_bg\.[0-9a-f]{10}\.wasm$/.test(u)), 'the hashed wasm');
  assert.ok(requests.some((u) => /\/www\/style\.[0-9a-f]{10}\.css$/.test(u)), 'the hashed stylesheet');
  // Part D: its module and its data, fetched relative to the modules, under the sub-path too
  await page.locator('#gpt-lab > summary').click();
  await eventually(() => {
    assert.ok(requests.some((u) => /gpt1_playground_gpt_bg\.[0-9a-f]{10}\.wasm$/.test(u)), 'the transformer');
    assert.ok(requests.some((u) => u.endsWith(`${BASE}www/data/chai-corpus.txt`)), 'its corpus');
  }, 10000);
  // the web component from the built site: its glue finds the hashed wasm too
  const widget = await page.evaluate(async () => {
    await import(new URL('www/component.js', location.href).href);
    const element = Object.assign(document.createElement('gpt1-playground'), { id: 'widget' });
    element.setAttribute('sections', 'generate');
    document.body.append(element);
    await element.update();
    return [...element.shadowRoot.querySelectorAll('li')].map((li) => li.textContent);
  });
  assert.deepEqual(widget, ['[START]', 'chai', '[END]']);
  await page.waitForTimeout(500);
  await context.close();
  assert.deepEqual(problems, []);
});
