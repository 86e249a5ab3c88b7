// Issue 6 on the page: large corpora are counted in a Web Worker, a newer edit supersedes a stale build, a vocabulary
// of 20,000+ words is drawn as a canvas heatmap that stays interactive, and a failed worker is replaced without losing
// the text. Every number is checked against the same wasm module run in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, inNode, shot, eventually, tokens, finish, pasteInto, inject, evaluated } from './browser.mjs';

const { NgramModel, generate } = await inNode();

/** A corpus of `lines` sentences over a small vocabulary, longer than the page counts itself (20,000 characters). */
function sentences(lines, seed = 1) {
  const words = ['chai', 'bahut', 'garam', 'hai', 'acha', 'thanda', 'meetha', 'pani', 'doodh', 'nahi'];
  let x = seed;
  const next = () => { x = (x * 1103515245 + 12345) % 2147483648; return x; };
  return Array.from({ length: lines }, () => Array.from({ length: 3 + (next() % 5) }, () => words[next() % words.length]).join(' ')).join('\n');
}

const { load } = session({ path: '/?test', timeout: 10000 });

const corpusField = (page) => page.getByLabel('Corpus', { exact: true });
const generated = (page) => page.getByRole('region', { name: 'Generated' });
/** Waits until the worker has answered the latest edit. */
const idle = (page, timeout = 10000) => page.locator('#model-status[data-state="idle"]').waitFor({ timeout });
const expected = (corpus, options = {}) => {
  const model = new NgramModel(corpus);
  try { return generate(model, { seed: 42, maxLen: 6, ...options }); } finally { model.free(); }
};

/** Sets a long corpus the way a paste does: one input event. */
const paste = (page, text) => pasteInto(corpusField(page), text);

test('a large corpus is counted by the worker: the status goes busy, then idle, and every panel follows', async () => {
  const opened = await load();
  const { page } = opened;
  const corpus = sentences(1500);
  assert.ok(corpus.length > 20000);
  await paste(page, corpus);
  const status = page.getByRole('status').filter({ hasText: /background/ });
  await eventually(async () => assert.match(await status.textContent(), /Count(ing|ed) .*background/));
  await idle(page);
  assert.match(await page.locator('#model-status').textContent(), /^Counted in \d+ ms in a background worker\.$/);
  assert.equal(await page.locator('#model-status').getAttribute('data-last'), 'count in worker');
  assert.deepEqual(await tokens(generated(page)), expected(corpus));
  assert.equal(await page.locator('#vocab-size').textContent(), 'V = 12');
  // the matrix is the worker's: a 12 × 12 table whose cells explain themselves
  const table = page.getByRole('table', { name: 'Smoothed bigram matrix' });
  assert.equal(await table.getByRole('rowheader').count(), 12);
  await table.locator('td[data-r="0"][data-c="1"]').focus();
  await eventually(async () => assert.match(await page.locator('#cell-explain').textContent(), /\(count \+ k\) \/ \(row total \+ k·V\)/));
  // smoothing only re-smooths the worker's counts; temperature and top-k only resample
  await page.getByLabel('Smoothing', { exact: true }).fill('0.5');
  await eventually(async () => assert.equal(await page.locator('#model-status').getAttribute('data-last'), 'smooth in worker'));
  await idle(page);
  assert.match(await page.locator('#model-status').textContent(), /Re-smoothed .* \(nothing recounted\)/);
  await page.getByLabel('Temperature', { exact: true }).fill('0.7');
  const model = new NgramModel(corpus, { smoothing: 0.5 });
  const want = generate(model, { seed: 42, maxLen: 6, temperature: 0.7 });
  model.free();
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), want));
  assert.equal(await page.locator('#model-status').getAttribute('data-last'), 'smooth in worker');
  // the step-through sampler, the tokens panel and the evaluation all answer from the worker's model
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await eventually(async () => assert.equal((await tokens(page.getByRole('list', { name: 'Sampled so far' }))).length, 2));
  await page.getByLabel('Text to split', { exact: true }).fill('chai pani nahi');
  await eventually(async () => assert.deepEqual(await page.locator('#segment-tokens .chip .tok').allTextContents(), ['chai', 'pani', 'nahi']));
  await evaluated(page);
  assert.match(await page.locator('#eval-current').textContent(), /order 2, k = 0\.5\).*validation loss/);
  // back to a small corpus: counted on the page again
  await paste(page, 'chai bahut garam hai\nchai acha\nchai bahut acha hai');
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), ['[START]', 'chai', '[END]']));
  await eventually(async () => assert.equal(await page.locator('#model-status').getAttribute('data-last'), 'count here'));
  await finish(opened);
});

test('typing fast into a large corpus: stale builds are superseded and the page ends on the last text', async () => {
  const opened = await load();
  const { page } = opened;
  const corpus = sentences(2500, 7);
  await paste(page, corpus);
  await idle(page);
  const field = corpusField(page);
  await field.focus();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('\nzebra yak xylophone wombat', { delay: 5 });
  await idle(page);
  const last = await field.inputValue();
  assert.ok(last.endsWith('zebra yak xylophone wombat'));
  assert.deepEqual(await tokens(generated(page)), expected(last));
  assert.equal(await page.locator('#vocab-size').textContent(), 'V = 16');
  // the link and the reload keep the typed text
  await eventually(() => assert.match(page.url(), /wombat/));
  await finish(opened);
});

test('a corpus too long for a link stays out of the address but survives a reload', async () => {
  const opened = await load();
  const { page } = opened;
  const corpus = sentences(6000, 11);
  assert.ok(corpus.length > 100000);
  await paste(page, corpus);
  await page.getByLabel('Seed', { exact: true }).fill('9');
  await idle(page);
  // a corpus this long is saved at most every 3.5 s (10 × SAVE_GAP in saving.js): wait longer than that
  await eventually(() => assert.match(page.url(), /seed=9/), 8000);
  assert.doesNotMatch(page.url(), /corpus=/);
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await corpusField(page).inputValue(), corpus);
  await idle(page);
  assert.deepEqual(await tokens(generated(page)), expected(corpus, { seed: 9 }));
  await finish(opened);
});

test('20,000+ distinct words: a canvas of the top 200 × 200, a table of the top 40, and cells that explain themselves', async () => {
  const opened = await load();
  const { page } = opened;
  const V = 21000;
  const words = Array.from({ length: V }, (_, i) => `w${i}`);
  // a few frequent words in every line, so the most frequent rows and columns are known
  const corpus = Array.from({ length: V / 30 }, (_, i) => `the ${words.slice(i * 30, i * 30 + 30).join(' ')} end`).join('\n');
  await paste(page, corpus);
  await idle(page, 20000);
  assert.equal(await page.locator('#vocab-size').textContent(), `V = ${V + 4}`);
  const canvas = page.getByRole('img', { name: /Heatmap of the 200 most frequent previous tokens by the 200 most frequent next tokens/ });
  await canvas.waitFor();
  const table = page.getByRole('table', { name: 'Smoothed bigram matrix' });
  assert.equal(await table.getByRole('rowheader').count(), 40);
  assert.match(await page.locator('#matrix-note').textContent(),
    new RegExp(`top 200 of ${V + 4} rows and the top 200 of ${V + 4} columns`));
  // the most frequent rows are "the", "end" and [START] (700 pairs each; ties in id order), the top column "the"
  await canvas.click({ position: { x: 2, y: 2 } });
  const explained = page.locator('#cell-explain');
  await eventually(async () => assert.match(await explained.textContent(), /^P\(the \| the\) = 0“the the” occurs 0 times/));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await eventually(async () => assert.match(await explained.textContent(),
    /^P\(the \| \[START\]\) = 0\.0323.*occurs 700 times.*\(700 \+ 1\) \/ \(700 \+ 1·21004\)/));
  await page.keyboard.press('ArrowRight');
  await eventually(async () => assert.match(await explained.textContent(), /^P\(end \| \[START\]\)/));
  // typing stays possible while a big build runs, and the page shows the final text's model
  await page.getByLabel('Seed', { exact: true }).fill('7');
  const model = new NgramModel(corpus);
  const want = generate(model, { seed: 7, maxLen: 6 });
  model.free();
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), want));
  await page.evaluate(() => document.getElementById('matrix-help').scrollIntoView());
  await page.screenshot({ path: shot('large-vocabulary.png') });
  await finish(opened);
});

test('a worker that fails is replaced: a plain message, the text and settings kept, the model counted again', async () => {
  const opened = await load();
  const { page } = opened;
  const corpus = sentences(1500, 3);
  await paste(page, corpus);
  await page.getByLabel('Seed', { exact: true }).fill('5');
  await idle(page);
  const generation = await inject.workerGeneration(page);
  await inject.crashWorker(page);
  const alert = page.getByRole('alert').filter({ hasText: 'background worker stopped' });
  await eventually(async () => assert.match(await alert.textContent(), /was restarted\. Your text and settings are kept\./));
  assert.equal(await inject.workerGeneration(page), generation + 1);
  assert.equal(await corpusField(page).inputValue(), corpus);
  assert.equal(await page.getByLabel('Seed', { exact: true }).inputValue(), '5');
  await idle(page);
  // the new worker answers: a resample uses the recounted model
  await page.getByLabel('Seed', { exact: true }).fill('6');
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), expected(corpus, { seed: 6 })));
  // the evaluation worker recovers too (its grid in sight, and drawn, before the crash)
  await evaluated(page);
  await inject.crashWorker(page, 'eval');
  assert.equal(await page.locator('#eval-results').getAttribute('aria-busy'), 'true', 'the grid is computed again');
  await evaluated(page);
  // the page ships no test hooks: tests inject what they need (browser.mjs)
  const plain = await load('/');
  assert.equal(await plain.page.evaluate(() => typeof window.__gpt1Test), 'undefined');
  await finish(plain);
  await finish(opened);
});
