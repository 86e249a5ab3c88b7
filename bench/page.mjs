// The page in Debian's Chromium, driven by playwright-core: how long a keystroke takes to reach the matrix (the
// page's own 'edit→matrix' Performance API measures) for the lesson's corpus and for the 4 MB book, and whether input
// stays responsive while the book is counted (longest gap between animation frames, long tasks, slowest input event).
// Prints one JSON line for bench/run.mjs.
//
//   node bench/page.mjs --book bench/.data/kjv.txt [--keys 20] [--shot FILE]

import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { readArgs, refuse } from '../scripts/cli.mjs';

const NAME = 'node bench/page.mjs';
const SPEC = {
  usage: '--book FILE [--keys N] [--shot FILE]',
  about: 'The page in Chromium: how long a keystroke takes to reach the matrix, for the lesson\'s corpus and for a book, '
    + 'and whether input stays responsive while the book is counted. One JSON line on stdout.',
  options: { '--book': ['FILE', 'the long text to paste'], '--keys': ['N', 'keystrokes timed (default 20)'],
    '--shot': ['FILE', 'a screenshot of the page with the book'] },
};
const { options } = readArgs(NAME, SPEC);
const args = { book: options['--book'], keys: options['--keys'], shot: options['--shot'] };
if (!args.book) refuse(NAME, SPEC, '--book is missing');
const KEYS = Number(args.keys ?? 20);
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Installed before the page's scripts: records long tasks, slow input events and gaps between frames. */
function monitor() {
  const seen = { longTasks: [], events: [], maxGap: 0, frames: 0, watching: false };
  window.__bench = seen;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (seen.watching) seen.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (seen.watching) seen.events.push({ name: e.name, duration: e.duration });
  }).observe({ type: 'event', durationThreshold: 16, buffered: false });
  let last = 0;
  const frame = (now) => {
    if (seen.watching && last) seen.maxGap = Math.max(seen.maxGap, now - last);
    if (seen.watching) seen.frames += 1;
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  seen.start = () => Object.assign(seen, { longTasks: [], events: [], maxGap: 0, frames: 0, watching: true });
  seen.stop = () => { seen.watching = false; return { longTasks: seen.longTasks, events: seen.events, maxGap: seen.maxGap, frames: seen.frames }; };
}

async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await context.addInitScript(monitor);
  await page.goto(url);
  await page.locator('html[data-ready="true"]').waitFor({ timeout: 30000 });
  return { context, page, errors };
}

const edits = (page) => page.evaluate(() => performance.getEntriesByName('edit→matrix').map((e) => e.duration));
const clearEdits = (page) => page.evaluate(() => performance.clearMeasures('edit→matrix'));
const idle = (page, timeout) => page.locator('#model-status[data-state="idle"]').waitFor({ state: 'attached', timeout });

/** Types KEYS characters at the end of the corpus, one at a time, waiting for each to be drawn. */
async function typeKeys(page, keys, timeout) {
  const area = page.getByLabel('Corpus', { exact: true });
  await area.focus();
  await page.keyboard.press('ControlOrMeta+End');
  await clearEdits(page);
  for (let i = 0; i < keys; i++) {
    const before = (await edits(page)).length;
    await page.keyboard.type(i % 2 ? 'a' : ' ');
    const end = Date.now() + timeout;
    while ((await edits(page)).length === before && Date.now() < end) await page.waitForTimeout(5);
    await page.waitForTimeout(30);
  }
  return edits(page);
}

async function main() {
  const { server, url } = await serve({ port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  const out = { browser: browser.version() };
  try {
    // the lesson's corpus, counted on the page (the default) and, for comparison, in the worker
    for (const [name, path] of [['lesson', '?test'], ['lesson_worker', '?test&worker-above=0']]) {
      const { context, page, errors } = await openPage(browser, new URL(path, url).href);
      await idle(page, 10000);
      const times = await typeKeys(page, KEYS, 5000);
      out[name] = { edit_to_matrix_ms: times, median_ms: median(times), max_ms: Math.max(...times), errors };
      await context.close();
    }

    // the book: pasted (one input event), then small edits at its end, watching the frames throughout
    const book = readFileSync(args.book, 'utf8');
    const { context, page, errors } = await openPage(browser, new URL('?test', url).href);
    await page.evaluate(() => window.__bench.start());
    const pasted = performance.now();
    await page.getByLabel('Corpus', { exact: true }).evaluate((area, text) => {
      area.value = text;
      area.dispatchEvent(new Event('input', { bubbles: true }));
    }, book);
    await idle(page, 120000);
    await page.locator('#eval-results[aria-busy="false"]').waitFor({ timeout: 120000 }).catch(() => {});
    const pasteWall = performance.now() - pasted;
    const pasteEdit = await edits(page);
    const pasteWatch = await page.evaluate(() => window.__bench.stop());
    const status = await page.locator('#model-status').textContent();
    const vocab = await page.locator('#vocab-size').textContent();
    // a recount that leaves the textarea alone (Order 2 → 3 → 2): is the page free while the worker counts?
    const recounts = [];
    let recountWatch = null;
    for (const order of ['3', '2']) {
      await page.evaluate(() => window.__bench.start());
      const started = performance.now();
      await page.getByLabel('Order', { exact: true }).selectOption(order);
      await page.locator('#model-status[data-state="busy"]').waitFor({ state: 'attached', timeout: 5000 }).catch(() => {});
      await idle(page, 120000);
      recounts.push(performance.now() - started);
      const watch = await page.evaluate(() => window.__bench.stop());
      if (!recountWatch || watch.maxGap > recountWatch.maxGap) recountWatch = watch;
    }
    await page.evaluate(() => window.__bench.start());
    const times = await typeKeys(page, Math.max(4, Math.round(KEYS / 4)), 30000);
    const typeWatch = await page.evaluate(() => window.__bench.stop());
    // the browser's own cost of a keystroke in a 4 MB textarea, with no page code listening
    await page.evaluate((text) => {
      const plain = Object.assign(document.createElement('textarea'), { id: 'plain', value: text });
      document.body.prepend(plain);
    }, book);
    await page.locator('#plain').focus();
    await page.keyboard.press('ControlOrMeta+End');
    await page.evaluate(() => window.__bench.start());
    for (let i = 0; i < 3; i++) {
      await page.keyboard.type('a');
      await page.waitForTimeout(100);
    }
    const plainWatch = await page.evaluate(() => window.__bench.stop());
    await page.evaluate(() => document.getElementById('plain').remove());
    if (args.shot) {
      await page.evaluate(() => document.getElementById('matrix-help').scrollIntoView());
      await page.screenshot({ path: args.shot });
    }
    await context.close();
    const worst = (w) => ({
      max_frame_gap_ms: w.maxGap,
      frames: w.frames,
      long_tasks: w.longTasks.length,
      longest_task_ms: w.longTasks.length ? Math.max(...w.longTasks) : 0,
      slowest_input_event_ms: w.events.length ? Math.max(...w.events.map((e) => e.duration)) : 0,
      slow_events: w.events.slice(0, 20),
    });
    out.book = {
      chars: book.length,
      vocab,
      status,
      paste_edit_to_matrix_ms: pasteEdit[0] ?? null,
      paste_wall_ms: pasteWall,
      paste: worst(pasteWatch),
      recount_wall_ms: recounts,
      recount: worst(recountWatch),
      edit_to_matrix_ms: times,
      median_ms: median(times),
      max_ms: times.length ? Math.max(...times) : null,
      typing: worst(typeWatch),
      plain_textarea: worst(plainWatch),
      errors,
    };
  } finally {
    await browser.close();
    await new Promise((done) => server.close(done));
  }
  console.log(JSON.stringify(out));
}

main();
