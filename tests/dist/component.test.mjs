// Issue 5, the web component: one <script type="module"> and two <gpt1-playground> widgets on a page served under
// a strict CSP (no inline script or style). Each renders its sections in a shadow root with its own corpus and seed,
// an attribute change redraws only that widget, the host page styles them through CSS custom properties, and the
// wasm is fetched once for both. Expected numbers come from the same wasm module run in Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, eventually } from '../e2e/browser.mjs';
import { initSync, NgramModel, generate, encode } from '../../www/pkg/gpt1_playground.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
initSync({ module: readFileSync(join(ROOT, 'www/pkg/gpt1_playground_bg.wasm')) });

const OTHER = 'the cat sat\nthe dog sat\nthe cat ran';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src data:; object-src 'none'";
const HOST = `<!doctype html><html><head><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/host.css"><script type="module" src="/www/component.js"></script></head><body>
<gpt1-playground id="one" seed="42" smoothing="1" sections="model,generate,encode,loss"></gpt1-playground>
<gpt1-playground id="two" corpus="${OTHER.replace(/\n/g, '&#10;')}" seed="7" sections="generate,encode"></gpt1-playground>
</body></html>`;
const HOST_CSS = 'body { margin: 0 } #two { --gpt1-accent: rgb(200, 0, 100); }';
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.html': 'text/html' };

/** What the core gives in Node: the expected generation and classification tokens. */
function expected(corpus, seed) {
  const model = new NgramModel(corpus, { smoothing: 1 });
  try {
    return { generated: generate(model, { seed, maxLen: 6 }),
      encoded: encode(model, 'classification', { text: corpus.split('\n')[0] })[0].tokens };
  } finally {
    model.free();
  }
}

let server;
let url;
let browser;
before(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(req.url.split('?')[0]);
    const headers = { 'content-security-policy': CSP };
    if (path === '/') return res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(HOST);
    if (path === '/host.css') return res.writeHead(200, { ...headers, 'content-type': 'text/css' }).end(HOST_CSS);
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(join(ROOT, 'www') + sep)) return res.writeHead(404).end();
    let body;
    try { body = readFileSync(file); } catch { return res.writeHead(404).end(); }
    return res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'text/plain' }).end(body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});
after(async () => {
  await browser?.close();
  if (server) await new Promise((done) => server.close(done));
});

/** The token texts of the list labelled `label` inside widget `id`'s shadow root. */
const chipsOf = (page, id, label) => page.locator(`#${id}`).getByRole('list', { name: label, exact: true })
  .locator('li').allTextContents();

test('two widgets render their own sections, update live, take custom properties, and share one wasm load', async () => {
  const page = await browser.newPage();
  const problems = [];
  const wasm = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  await page.goto(url);
  const lesson = expected('chai bahut garam hai\nchai acha\nchai bahut acha hai', 42);
  assert.deepEqual(lesson.generated, ['[START]', 'chai', '[END]']);
  await eventually(async () => assert.deepEqual(await chipsOf(page, 'one', 'Generated'), lesson.generated));
  assert.deepEqual(await chipsOf(page, 'one', 'Classification input'), lesson.encoded);
  // the lesson's matrix: P(bahut | chai) = (2 + 1) / (3 + 7) = 0.3
  const matrix = page.locator('#one').getByRole('table', { name: 'Smoothed bigram matrix' });
  assert.equal(await matrix.locator('tr').count(), 7); // a header and six contexts ([END] starts nothing)
  assert.match(await page.locator('#one').getByRole('region', { name: 'Combined loss' }).textContent(), /L_task = −ln 0\.72 = 0\.3285/);
  // the second widget: its own corpus, seed and sections
  const other = expected(OTHER, 7);
  await eventually(async () => assert.deepEqual(await chipsOf(page, 'two', 'Generated'), other.generated));
  assert.deepEqual(await chipsOf(page, 'two', 'Classification input'), other.encoded);
  assert.equal(await page.locator('#two').getByRole('table').count(), 0, 'no model section in the second');
  // inside shadow roots: the page's own queries do not reach the chips
  assert.equal(await page.evaluate(() => document.querySelectorAll('li').length), 0);
  // styled from outside by custom properties only
  const accent = (id) => page.locator(`#${id}`).locator('li.special').first()
    .evaluate((li) => getComputedStyle(li).backgroundColor);
  assert.equal(await accent('two'), 'rgb(200, 0, 100)');
  assert.notEqual(await accent('one'), 'rgb(200, 0, 100)');
  // a live attribute change redraws that widget only
  const changed = expected(OTHER, 3);
  const before = await chipsOf(page, 'one', 'Generated');
  await page.locator('#two').evaluate((el) => { el.setAttribute('seed', '3'); });
  await eventually(async () => assert.deepEqual(await chipsOf(page, 'two', 'Generated'), changed.generated));
  assert.deepEqual(await chipsOf(page, 'one', 'Generated'), before);
  await page.locator('#one').evaluate((el) => { el.setAttribute('sections', 'loss'); });
  await eventually(async () => assert.equal(await page.locator('#one').getByRole('region').count(), 1));
  // sized to its content: the first widget shrank to one section
  const height = await page.locator('#one').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(height > 20 && height < 200, `height ${height}`);
  assert.equal(wasm.length, 1, `the wasm is fetched once: ${wasm.join(', ')}`);
  await page.close();
  assert.deepEqual(problems, []);
});
