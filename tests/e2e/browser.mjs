// Shared set-up for the page tests: serve the checkout on a free port and drive Debian's Chromium.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';


export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The four ways a page test looks at the page: a desktop and a 390 px phone (touch, no hover), each in the light and
 * the dark colour scheme. `options` are Playwright's for the context.
 */
export const VIEWS = ['light', 'dark'].flatMap((colorScheme) => [
  { name: `desktop, ${colorScheme}`, phone: false, options: { viewport: { width: 1280, height: 900 }, colorScheme } },
  { name: `phone, ${colorScheme}`, phone: true,
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme } },
]);

/** The lesson's corpus: the page's default. */
export const LESSON = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';

/** Where a test saves the screenshot `name` (test-results/screenshots/, made when first asked for). */
export function shot(name) {
  const folder = new URL('../../test-results/screenshots/', import.meta.url);
  mkdirSync(folder, { recursive: true });
  return new URL(name, folder).pathname;
}

/**
 * The page's wasm module instantiated here, in Node, to work out what the page must show: 'core' (the n-gram core,
 * www/pkg/) or 'gpt' (the transformer's module, through www/gpt-api.js).
 */
export async function inNode(kind = 'core') {
  const [api, wasm] = { core: ['pkg/gpt1_playground.js', 'gpt1_playground_bg.wasm'],
    gpt: ['gpt-api.js', 'gpt1_playground_gpt_bg.wasm'] }[kind];
  const module = await import(new URL(`../../www/${api}`, import.meta.url));
  module.initSync({ module: readFileSync(new URL(`../../www/pkg/${wasm}`, import.meta.url)) });
  return module;
}

/**
 * Starts the server and Chromium before a test file's tests and stops them after. Returns `env` (what `start()`
 * gives, filled in once started) and `load(path, options)`: `openReady` with this file's default path and timeout.
 */
export function session({ path: home = '', timeout = 5000 } = {}) {
  const env = {};
  before(async () => { Object.assign(env, await start()); });
  after(async () => { await env.close?.(); });
  const load = (path = home, options = {}) => openReady(env, path, { timeout, ...options });
  return { env, load };
}

/** Starts the server (of this checkout, or of `root`) and a headless Chromium; `close()` stops both. */
export async function start({ root } = {}) {
  const { server, url } = await serve({ port: 0, ...(root ? { root } : {}) });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync'],
  });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Opens the page in a new context and records console errors, page errors, dialogs and requests to other origins. */
export async function open(env, path = '', options = {}) {
  const context = await env.browser.newContext(options);
  const page = await context.newPage();
  const problems = watch(env, page);
  await page.goto(new URL(path, env.url).href);
  return { context, page, problems };
}

/** Records a page's console errors, page errors, dialogs and requests to other origins into the returned array. */
export function watch(env, page, problems = []) {
  const origin = new URL(env.url).origin;
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.type()} ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:') problems.push(`request: ${r.url()}`);
  });
  return problems;
}

/** Retries an assertion for a while: the page updates synchronously, this only absorbs scheduling. */
export async function eventually(check, timeout = 3000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Brings Part A's evaluation into sight, as a person scrolling to it does (its grid loads and is computed when first
 * in sight), and waits until the grid of the latest settings is drawn.
 */
export async function evaluated(page, options) {
  await page.locator('#eval-results').scrollIntoViewIfNeeded();
  await page.locator('#eval-results[aria-busy="false"]').waitFor(options);
}

/**
 * Scrolls Part B into sight, as a person reading down to it does (its output loads then, parts/later-panels.js),
 * and waits until the chosen task's tokens, or its error, are drawn.
 */
export async function partB(page) {
  await page.locator('#part-b').scrollIntoViewIfNeeded();
  const task = '.task:not([hidden])';
  await page.locator(`${task} .sequences > li, ${task} .output .error:not([hidden])`).first().waitFor();
}

/** Scrolls Part C into sight (its output loads then) and waits until the combined loss is drawn. */
export async function partC(page) {
  await page.locator('#part-c').scrollIntoViewIfNeeded();
  await page.locator('#combined-loss:not(:empty)').waitFor();
}

/** The token texts and the ids of the chips inside a locator. */
export const tokens = (locator) => locator.locator('.chip .tok').allTextContents();
export const ids = (locator) => locator.locator('.chip .id').allTextContents();

/** Sets a long text in a field the way a paste does: one input event (Playwright's fill types it in, slowly). */
export async function pasteInto(locator, text) {
  await locator.evaluate((field, value) => {
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

/** Opens the page at desktop size and waits until it is ready; `timeout` is the context's default (fail fast). */
export async function openReady(env, path = '', { timeout = 5000, ...options } = {}) {
  const opened = await open(env, path, { viewport: { width: 1280, height: 900 }, ...options });
  opened.context.setDefaultTimeout(timeout);
  await opened.page.locator('html[data-ready="true"]').waitFor();
  return opened;
}

/** Closes an opened page and checks that it logged no errors and requested nothing beyond its own files. */
export async function finish({ context, problems }, what = 'no console errors and no requests beyond the page') {
  await context.close();
  assert.deepEqual(problems, [], what);
}

/**
 * What the page tests inject into an open page, through the page's own module (www/main.js exports its engine and
 * store): the page ships no test hooks of its own.
 */
export const inject = {
  /** The whole corpus the page counts (the corpus box may show only a window of it). */
  corpus: (page) => page.evaluate(async () => (await import('/www/main.js')).store.state.corpus),
  /** How many fresh wasm instances the page thread's lane has had to make (0 before any trap). */
  renewals: (page) => page.evaluate(async () => (await import('/www/main.js')).engine.generation('page') - 1),
  /** How many workers the counting lane has started. */
  workerGeneration: (page) => page.evaluate(async () => (await import('/www/main.js')).engine.generation('counter')),
  /** Makes a lane's worker fail as a crashed worker does: the error event its transport listens to. */
  crashWorker: (page, lane = 'counter') => page.evaluate(async (name) => {
    const { engine } = await import('/www/main.js');
    engine.lane(name).transport.worker.dispatchEvent(new ErrorEvent('error', { message: 'test crash', cancelable: true }));
  }, lane),
  /**
   * The next `count` requests answered on the page thread at `site` ('build': counting, or re-smoothing; 'ask': a
   * panel's question) fail as a wasm trap would.
   */
  trap: (page, site = 'build', count = 1) => page.evaluate(async ([at, left]) => {
    const { engine } = await import('/www/main.js');
    const types = at === 'build' ? ['build', 'smooth'] : ['ask'];
    engine.intercept((lane, message) => {
      if (lane !== 'page' || !types.includes(message.type) || left <= 0) return;
      left -= 1;
      throw new WebAssembly.RuntimeError(`unreachable (a trap simulated by the page test at ${at})`);
    });
  }, [site, count]),
};

let axe = null; // axe-core's script, read when first asked for

/** axe-core's violations on the page as it is now (within `selector`, or all of it): each rule with the elements that break it. */
export async function violations(page, selector = null) {
  axe ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axe); // (evaluated by the test's driver, not by the page: its CSP stays as it is)
  return page.evaluate(async (within) => (await globalThis.axe.run(within ? document.querySelector(within) : document,
    { resultTypes: ['violations'] })).violations.map(({ id, help, nodes }) => ({ id, help, nodes: nodes.map((n) => n.target.join(' ')) })), selector);
}
