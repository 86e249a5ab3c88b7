// Issue 5, iframe mode: the page's own Copy embed code gives a snippet; pasted into a page of another origin (served
// here by a second tiny server), its iframe shows only the chosen sections without the site chrome, and the height
// messages size the iframe to its content — and again when the content grows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { start, open, eventually } from '../e2e/browser.mjs';

let env;
let parent; // another origin, serving whatever `parentHtml` holds
let parentHtml = '';
before(async () => {
  env = await start();
  parent = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(parentHtml));
  await new Promise((ok) => parent.listen(0, '127.0.0.1', ok));
});
after(async () => {
  await env?.close();
  if (parent) await new Promise((done) => parent.close(done));
});
const parentUrl = () => `http://127.0.0.1:${parent.address().port}/`;

/** The snippet the page's Copy embed code button gives, after setting the seed to `seed`. */
async function copiedSnippet(seed) {
  const { context, page, problems } = await open(env, '');
  context.setDefaultTimeout(5000);
  await page.locator('html[data-ready="true"]').waitFor();
  await page.getByLabel('Seed', { exact: true }).fill(String(seed));
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  // the code's template loads at the first press, and the status follows the clipboard's answer: wait for it
  await page.locator('#embed-status').filter({ hasText: /Copied|Select/ }).waitFor();
  const code = await page.getByLabel('Embed code').inputValue();
  await context.close();
  assert.deepEqual(problems, []);
  return code;
}

/** Opens a parent page holding `html`, records the height messages it receives; returns the iframe's frame. */
async function openParent(html) {
  parentHtml = `<!doctype html><html><head><meta charset="utf-8"><title>host</title></head><body>
<h1>A course page</h1>${html}
<script>window.heights = []; addEventListener('message', (e) => { if (e.data?.type) heights.push(e.data.height); });</script>
</body></html>`;
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 700 } });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(parentUrl());
  const frame = page.frameLocator('iframe');
  await frame.locator('html[data-ready="true"]').waitFor();
  return { context, page, frame, problems };
}

const frameHeight = (page) => page.locator('iframe').evaluate((f) => f.getBoundingClientRect().height);

test('the copied embed code shows Parts A–C without chrome and sizes its iframe from the height messages', async () => {
  const snippet = await copiedSnippet(7);
  assert.match(snippet, /\?embed&amp;sections=model,encode,loss#/, 'the sections and the state (hash)');
  const { context, page, frame, problems } = await openParent(snippet);
  assert.ok(await frame.locator('#part-a').isVisible());
  assert.ok(await frame.locator('#part-b').isVisible());
  assert.ok(await frame.locator('#part-c').isVisible());
  assert.ok(await frame.locator('#part-d').isHidden(), 'Part D was not chosen');
  assert.ok(await frame.locator('.page-head').isHidden(), 'no site header');
  assert.ok(await frame.locator('.page-foot').isHidden(), 'no site footer');
  assert.equal(await frame.getByLabel('Seed', { exact: true }).inputValue(), '7', 'the copied state');
  // the iframe takes the content's height: no scrollbar inside, no gap below
  await eventually(async () => {
    const content = await frame.locator('body').evaluate((b) => Math.ceil(b.getBoundingClientRect().height));
    assert.ok(content > 1000, `content ${content}`);
    assert.equal(Math.round(await frameHeight(page)), content);
    assert.equal(await page.evaluate(() => heights.at(-1)), content);
  }, 5000);
  // content that grows is reported again
  const before = await frameHeight(page);
  await frame.locator('#samples-details > summary').click();
  await eventually(async () => assert.ok(await frameHeight(page) > before, 'the iframe grew with its content'), 5000);
  await context.close();
  assert.deepEqual(problems, []);
});

test('sections= picks the parts; an unknown name is ignored', async () => {
  const src = new URL('?embed&sections=loss,nonsense', env.url).href;
  const { context, page, frame, problems } = await openParent(`<iframe src="${src}" style="width:100%;border:0"></iframe>`);
  assert.ok(await frame.locator('#part-c').isVisible());
  for (const id of ['#part-a', '#part-b', '#part-d']) assert.ok(await frame.locator(id).isHidden(), id);
  await eventually(async () => {
    const [last] = await page.evaluate(() => heights.slice(-1));
    assert.ok(last > 100 && last < 2500, `one part's height: ${last}`);
  }, 5000);
  await context.close();
  assert.deepEqual(problems, []);
});

test('without ?embed the page keeps its chrome', async () => {
  const { context, page, problems } = await open(env, '');
  await page.locator('html[data-ready="true"]').waitFor();
  assert.ok(await page.locator('.page-head').isVisible());
  assert.ok(await page.locator('#part-d').isVisible());
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('embed')), false);
  await context.close();
  assert.deepEqual(problems, []);
});
