// Issue 5, the web component: one <script type="module"> and two <gpt1-playground> widgets on a page of another
// site's making, served under the page's strict CSP (no inline script or style), from www/ as written and from the
// built site (dist/, where the component is a bundle of its own and the stylesheet has a hashed name). Each widget renders the page's real panels
// (Parts A–C, the chosen sections) in its shadow root, with state of its own: typing in one leaves the other, and
// the page's link and storage, alone. An attribute change redraws only that widget, the host page styles them
// through CSS custom properties, the keyboard works as on the page, and the wasm, the page's markup and its
// stylesheet are fetched once for both. Expected tokens come from the same wasm module run in Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, eventually } from '../e2e/browser.mjs';
import { CSP } from '../../scripts/serve.mjs';
import { initSync, NgramModel, generate, encode } from '../../www/pkg/gpt1_playground.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
initSync({ module: readFileSync(join(ROOT, 'www/pkg/gpt1_playground_bg.wasm')) });

const LESSON = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';
const OTHER = 'the cat sat\nthe dog sat\nthe cat ran';
// 60 different words: more columns than the accessible table holds, so the matrix is drawn as a canvas
const WIDE = Array.from({ length: 6 }, (_, line) => Array.from({ length: 10 }, (_, i) => `w${line * 10 + i}`).join(' ')).join('\n');
const attribute = (text) => text.replace(/\n/g, '&#10;');
const HOST = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course page</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/host.css">
<script type="module" src="/www/component.js"></script></head><body>
<h1>A course page</h1>
<gpt1-playground id="one" seed="42" smoothing="1"></gpt1-playground>
<gpt1-playground id="two" corpus="${attribute(OTHER)}" seed="7" max-len="8" sections="model,matrix,generate,encode"></gpt1-playground>
</body></html>`;
const HOST_CSS = 'body { margin: 0 } #two { --gpt1-accent: rgb(200, 0, 100); }';
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.html': 'text/html' };

/** What the core gives in Node: the vocabulary, a generation, and the classification input of the page's text. */
function expected(corpus, seed, maxLen = 6) {
  const model = new NgramModel(corpus, { smoothing: 1 });
  let encoded;
  try {
    encoded = encode(model, 'classification', { text: 'chai bahut garam hai' })[0].tokens;
  } catch (error) {
    encoded = error.message; // the text's words are not in the corpus
  }
  try {
    return { vocab: model.vocab, generated: generate(model, { seed, maxLen }), encoded };
  } finally {
    model.free();
  }
}

const OUT = mkdtempSync(join(tmpdir(), 'gpt1-component-')); // the built site (not dist/: other tests build too)
let servers;
let browser;

/**
 * Serves the host page `host` under the policy `csp`, and index.html and www/ from `root` (to any origin with
 * `cors`); resolves to its URL.
 */
async function site(root, { host = HOST, csp = CSP, cors = false } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(req.url.split('?')[0]);
    const headers = { 'content-security-policy': csp, ...(cors ? { 'access-control-allow-origin': '*' } : {}) };
    if (path === '/') return res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(host);
    if (path === '/host.css') return res.writeHead(200, { ...headers, 'content-type': 'text/css' }).end(HOST_CSS);
    const file = normalize(join(root, path));
    if (file !== join(root, 'index.html') && !file.startsWith(join(root, 'www') + sep)) return res.writeHead(404).end();
    let body;
    try { body = readFileSync(file); } catch { return res.writeHead(404).end(); }
    return res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'text/plain' }).end(body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

before(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/dist.mjs'), OUT], { stdio: 'inherit' });
  servers = { www: await site(ROOT), dist: await site(OUT) };
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});
after(async () => {
  await browser?.close();
  for (const { server } of Object.values(servers ?? {})) await new Promise((done) => server.close(done));
  rmSync(OUT, { recursive: true, force: true });
});

/**
 * Opens the host page at `url`; records console errors and warnings, page errors, failed requests and requests to
 * anywhere but `url` and `elsewhere`.
 */
async function openHost(url, elsewhere = url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10000);
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    requests.push(r.url());
    if (![url, elsewhere].some((u) => r.url().startsWith(u)) && !/^(data|blob):/.test(r.url())) problems.push(`request elsewhere: ${r.url()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`); });
  await page.goto(url);
  return { page, problems, requests };
}

const widget = (page, id) => page.locator(`#${id}`);
/** The token texts of the chips in the list or region named `name` inside a widget. */
const chips = (scope, role, name) => scope.getByRole(role, { name, exact: true }).locator('.chip .tok').allTextContents();
const generated = (scope) => chips(scope, 'region', 'Generated');
const vocabulary = (scope) => chips(scope, 'list', 'Vocabulary');

for (const build of ['www', 'dist']) test(`${build}: two widgets render the real panels, keep their own state, update live, and share one load`, async () => {
  const { page, problems, requests } = await openHost(servers[build].url);
  const [one, two] = [widget(page, 'one'), widget(page, 'two')];
  const lesson = expected(LESSON, 42);
  const other = expected(OTHER, 7, 8);
  assert.deepEqual(lesson.generated, ['[START]', 'chai', '[END]']);
  await eventually(async () => assert.deepEqual(await generated(one), lesson.generated), 10000);
  await eventually(async () => assert.deepEqual(await generated(two), other.generated), 10000);

  // the first widget: every section of Parts A–C, the page's own controls and outputs with their names
  assert.equal(await one.getByLabel('Corpus', { exact: true }).inputValue(), LESSON);
  assert.equal(await one.getByLabel('Seed', { exact: true }).inputValue(), '42');
  assert.deepEqual(await vocabulary(one), lesson.vocab);
  const matrix = one.getByRole('table', { name: 'Smoothed bigram matrix' });
  assert.equal(await matrix.getByRole('rowheader').count(), 7);
  // P(bahut | chai) = (2 + 1) / (3 + 7) = 0.3
  assert.equal(await matrix.getByRole('cell', { name: 'P(bahut | chai) = 0.3' }).textContent(), '0.3');
  assert.deepEqual(await chips(one, 'region', 'Tokens of the text'), ['chaiwala (unknown)', 'chai', 'garam', 'hai']);
  // GPT-1's own tokenizer is not among the widget's files: no button that does nothing, and a word on where it runs
  assert.equal(await one.getByRole('button', { name: /GPT-1/ }).count(), 0);
  assert.equal(await one.locator('#gpt1-status').textContent(), 'GPT-1’s own tokenizer runs on the playground’s page.');
  assert.deepEqual(await chips(one, 'region', 'Classification input'), lesson.encoded);
  assert.equal(await one.getByLabel('Combined loss', { exact: true }).textContent(), '1.0785');
  await eventually(async () => assert.equal(await one.getByRole('region', { name: /^Loss table/ }).getByRole('row').count(), 8), 10000);
  // the step-through: Step draws the first token and outlines its row in the matrix
  await one.getByRole('button', { name: 'Step', exact: true }).click();
  await eventually(async () => assert.deepEqual(await chips(one, 'list', 'Sampled so far'), ['[START]', 'chai']));
  assert.equal(await matrix.locator('tr.sampling th').textContent(), '[START]');
  // the keyboard: from a focused matrix cell the arrow keys move, and the explanation follows
  await matrix.getByRole('cell', { name: 'P(bahut | chai) = 0.3' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.match(await one.locator('#cell-explain').textContent(), /^P\(garam \| chai\) = 0\.1/);
  // Part B's task picker is the widget's own radio group
  await one.getByRole('radio', { name: 'Entailment' }).check();
  assert.ok(await one.getByRole('region', { name: 'Entailment input' }).isVisible());

  // the second widget: its corpus, seed and max length, and only its four sections
  assert.deepEqual(await vocabulary(two), other.vocab);
  assert.match(other.encoded, /^unknown word "chai"/);
  assert.equal(await two.getByRole('region', { name: 'Classification input' }).getByRole('alert').textContent(), other.encoded);
  for (const name of ['Step', 'Apply best']) assert.equal(await two.getByRole('button', { name, exact: true }).count(), 0, name);
  assert.equal(await two.getByLabel('Combined loss', { exact: true }).count(), 0);
  assert.equal(await two.getByRole('radio', { name: 'Classification' }).isChecked(), true, 'a radio group of its own');
  // everything is inside the shadow roots: the page's own lookups find none of it
  assert.equal(await page.evaluate(() => document.getElementById('corpus') ?? document.querySelectorAll('li').length), 0);

  // independent: typing in the first widget's corpus changes its model only, and nothing is saved for the page
  await one.getByLabel('Corpus', { exact: true }).fill('chai paani\nchai garam');
  await eventually(async () => assert.ok((await vocabulary(one)).includes('paani')));
  assert.deepEqual(await vocabulary(two), other.vocab);
  assert.deepEqual(await generated(two), other.generated);
  assert.deepEqual(await page.evaluate(() => [location.hash, localStorage.length]), ['', 0]);

  // live attributes: the seed, then the corpus of the second widget (60 words: the matrix becomes a canvas)
  const before = await generated(one);
  await two.evaluate((el) => el.setAttribute('seed', '3'));
  await eventually(async () => assert.deepEqual(await generated(two), expected(OTHER, 3, 8).generated));
  assert.equal(await two.getByLabel('Seed', { exact: true }).inputValue(), '3');
  await two.evaluate((el, corpus) => el.setAttribute('corpus', corpus), WIDE);
  await eventually(async () => assert.equal(await two.getByRole('img', { name: /^Heatmap of the 62 most frequent previous tokens by the 62/ }).count(), 1));
  assert.equal(await two.getByLabel('Corpus', { exact: true }).inputValue(), WIDE);
  assert.deepEqual(await generated(one), before, 'the other widget is untouched');
  // live sections: down to Part C alone, sized to its content
  await one.evaluate((el) => el.setAttribute('sections', 'loss'));
  await eventually(async () => assert.equal(await one.getByLabel('Corpus', { exact: true }).count(), 0));
  assert.equal(await one.getByLabel('Combined loss', { exact: true }).textContent(), '1.0785');
  const height = await one.evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(height > 200 && height < 1500, `height ${height}`);

  // styled from outside by custom properties only
  const accent = (scope) => scope.getByRole('button', { name: 'Resample' }).evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.equal(await accent(two), 'rgb(200, 0, 100)');
  await one.evaluate((el) => el.setAttribute('sections', 'generate'));
  assert.notEqual(await accent(one), 'rgb(200, 0, 100)');

  // one load for the page: the wasm, the page's markup and its stylesheet
  for (const file of [/\.wasm$/, /\/index\.html$/, /\/style(\.[0-9a-f]{10})?\.css$/]) {
    assert.equal(requests.filter((u) => file.test(u)).length, 1, `${file}: ${requests.join(', ')}`);
  }
  await page.close();
  assert.deepEqual(problems, []);
});

/**
 * The component served with CORS from one origin, and a host page of another that uses it under the page's policy
 * plus what it needs: the component's origin for its script and its fetches and, with `blobWorkers`, blob: workers
 * that import from it (a module worker's imports are checked against worker-src).
 */
async function elsewhere(blobWorkers) {
  const component = await site(ROOT, { cors: true });
  const from = component.url.replace(/\/$/, '');
  let csp = CSP.replace("script-src 'self'", `script-src 'self' ${from}`).replace("connect-src 'self'", `connect-src 'self' ${from}`);
  if (blobWorkers) csp = csp.replace("worker-src 'self'", `worker-src 'self' blob: ${from}`);
  const host = await site(ROOT, { csp, host: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Elsewhere</title>
<link rel="icon" href="data:,"><script type="module" src="${from}/www/component.js"></script></head><body>
<gpt1-playground sections="model,generate,eval"></gpt1-playground></body></html>` });
  const close = () => Promise.all([component, host].map(({ server }) => new Promise((done) => server.close(done))));
  return { component, host, close };
}

test('from another origin: the widget works, its workers too (blob: workers importing the component\'s host)', async () => {
  const { component, host, close } = await elsewhere(true);
  try {
    const { page, problems } = await openHost(host.url, component.url);
    const one = page.locator('gpt1-playground');
    await eventually(async () => assert.deepEqual(await generated(one), ['[START]', 'chai', '[END]']), 10000);
    assert.deepEqual(await vocabulary(one), expected(LESSON, 42).vocab);
    // the evaluation grid runs in a worker: a browser starts none from another origin's URL, so the engine starts a
    // blob: worker of the host's origin that imports the component's worker.js
    await eventually(async () => assert.equal(await one.locator('#eval-results').getAttribute('aria-busy'), 'false'), 15000);
    assert.equal(await one.locator('#eval-status').textContent(), '');
    assert.match(await one.locator('#eval-results').textContent(), /validation loss \d\.\d{4}/);
    await page.close();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('from another origin under a policy without blob: workers: the widget says why, and stops retrying', async () => {
  const { host, close } = await elsewhere(false);
  try {
    const page = await browser.newPage();
    let workers = 0;
    page.on('worker', () => { workers += 1; });
    await page.goto(host.url);
    const one = page.locator('gpt1-playground');
    await eventually(async () => assert.deepEqual(await generated(one), ['[START]', 'chai', '[END]']), 10000);
    await eventually(async () => assert.match(await one.locator('#eval-status').textContent(),
      /^The evaluation worker keeps failing \(.+\); edit the corpus/), 15000);
    assert.equal(await one.locator('#eval-results').getAttribute('aria-busy'), 'false');
    const started = workers;
    await page.waitForTimeout(1500);
    assert.equal(workers, started, 'no worker started after giving up');
    assert.ok(started <= 4, `${started} workers`);
    await page.close();
  } finally {
    await close();
  }
});
