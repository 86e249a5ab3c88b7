// Issue 6, a book in the corpus box: past 200,000 characters the box holds a window of whole lines (Chromium's own
// work on a keystroke grows with the box's text), and the page keeps the rest. Every edit in the window reaches
// the whole corpus — the model, storage and the other panels see it all — moving the window changes nothing, the
// keyboard moves it, the paste limit counts the lines outside it, and a short text is the plain box it always was.
// The whole corpus is read through the page's store (injected: browser.mjs) and compared exactly with what the test expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, LESSON, eventually, finish, pasteInto, inject } from './browser.mjs';

const { load } = session({ path: '/?test', timeout: 15000 });

const STORAGE_KEY = 'gpt1-playground/state';

/** `count` lines of 3–7 words over a small vocabulary (about 29 characters a line). */
function sentences(count, seed = 1) {
  const words = ['chai', 'bahut', 'garam', 'hai', 'acha', 'thanda', 'meetha', 'pani', 'doodh', 'nahi'];
  let x = seed;
  const next = () => { x = (x * 1103515245 + 12345) % 2147483648; return x; };
  return Array.from({ length: count }, () => Array.from({ length: 3 + (next() % 5) }, () => words[next() % words.length]).join(' '));
}

const box = (page) => page.getByLabel('Corpus', { exact: true });
const status = (page) => page.locator('#corpus-window-status');
const corpus = (page) => inject.corpus(page);
const idle = (page) => page.locator('#model-status[data-state="idle"]').waitFor({ state: 'attached', timeout: 15000 });
const focused = (page) => page.evaluate(() => document.activeElement?.id);
/** "Lines 5–3,746 of 40,000": the first and last line shown, and how many there are. */
async function shown(page) {
  const [, a, b, n] = (await status(page).textContent()).match(/^Lines ([\d,]+)–([\d,]+) of ([\d,]+) /);
  return [a, b, n].map((s) => Number(s.replace(/,/g, '')));
}

test('a 1 MB text: the box holds a window of its lines, and every edit in it reaches the whole corpus', async () => {
  const opened = await load();
  const { page } = opened;
  const lines = sentences(40000);
  const text = lines.join('\n');
  assert.ok(text.length > 1e6);
  // pasted: the window is around the caret, at the end of what was pasted
  await pasteInto(box(page), text);
  const value = await box(page).inputValue();
  assert.ok(value.length <= 100000 && value.length > 90000, `the box holds ${value.length} characters`);
  assert.ok(text.endsWith(`\n${value}`), 'the window is the last lines');
  const [first, last, total] = await shown(page);
  assert.deepEqual([last, total], [40000, 40000]);
  assert.equal(value.split('\n').length, last - first + 1);
  assert.match(await status(page).textContent(), /of 40,000 \(1\.2 million characters\): the box shows only these lines, and edits change only them\. Select all and delete removes these lines, not the rest of the corpus\.$/);
  assert.equal(await status(page).getAttribute('role'), 'status');
  assert.match(await box(page).getAttribute('aria-describedby'), /\bcorpus-window-status\b/);
  assert.equal(await corpus(page), text);
  await idle(page);
  assert.equal(await page.locator('#vocab-size').textContent(), 'V = 12');

  // typing on at the end changes the corpus's end: a new word reaches the vocabulary
  await box(page).focus();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(' zebra');
  lines[39999] += ' zebra';
  await eventually(async () => assert.equal(await corpus(page), lines.join('\n')));
  await eventually(async () => assert.equal(await page.locator('#vocab-size').textContent(), 'V = 13'), 10000);

  // go to line 5 (a number, then Enter): the window starts there, the caret too; an edit lands on line 5
  await page.getByLabel('Go to line', { exact: true }).fill('5');
  await page.getByLabel('Go to line', { exact: true }).press('Enter');
  assert.equal((await shown(page))[0], 5);
  assert.equal(await focused(page), 'corpus');
  assert.equal(await corpus(page), lines.join('\n'), 'moving the window changes nothing');
  await page.keyboard.type('yak ');
  lines[4] = `yak ${lines[4]}`;
  await eventually(async () => assert.equal(await corpus(page), lines.join('\n')));
  assert.ok((await box(page).inputValue()).startsWith(`yak ${lines[4].slice(4)}\n`));

  // Earlier lines: lines 1–…; the button is then disabled, and the focus goes to Later lines
  await page.getByRole('button', { name: 'Earlier lines' }).click();
  assert.equal((await shown(page))[0], 1);
  assert.ok(await page.getByRole('button', { name: 'Earlier lines' }).isDisabled());
  assert.equal(await focused(page), 'corpus-later');
  assert.ok((await box(page).inputValue()).startsWith(`${lines[0]}\n`));

  // select all and delete in the box removes the window's lines only: one empty line stays where they were
  const [from, to] = await shown(page);
  await page.getByLabel('Go to line', { exact: true }).fill('20000');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  const [a, b] = await shown(page);
  assert.ok(a === 20000 && b > from && to < a);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  lines.splice(a - 1, b - a + 1, '');
  await eventually(async () => assert.equal(await corpus(page), lines.join('\n')));
  assert.deepEqual(await shown(page), [a, a, lines.length]);
  await idle(page);

  // reload: the whole text comes back from storage, with the window at its start
  const saved = () => page.evaluate((key) => JSON.parse(localStorage.getItem(key)).corpus, STORAGE_KEY);
  await eventually(async () => assert.equal(await saved(), lines.join('\n')), 10000);
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await corpus(page), lines.join('\n'));
  assert.equal((await shown(page))[0], 1);
  assert.ok(lines.join('\n').startsWith(`${await box(page).inputValue()}\n`));
  await idle(page);
  assert.equal(await page.locator('#vocab-size').textContent(), 'V = 14', 'zebra and yak');
  await finish(opened);
});

test('the keyboard alone moves the window: Tab from the box to the buttons and the line field, Enter', async () => {
  const opened = await load();
  const { page } = opened;
  const lines = sentences(12000, 3);
  const text = lines.join('\n');
  await pasteInto(box(page), text);
  const tabs = async (count) => {
    const reached = [];
    for (let i = 0; i < count; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement.id || document.activeElement.textContent));
    }
    return reached;
  };
  // at the end, Later lines is disabled and skipped
  await box(page).focus();
  assert.deepEqual(await tabs(2), ['corpus-earlier', 'corpus-line']);
  await page.keyboard.type('6000');
  await page.keyboard.press('Enter');
  assert.equal((await shown(page))[0], 6000);
  assert.equal(await focused(page), 'corpus');
  assert.deepEqual(await tabs(4), ['corpus-earlier', 'corpus-later', 'corpus-line', 'Go']);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('1');
  await page.keyboard.press('Enter');
  assert.equal((await shown(page))[0], 1);
  // from the box, Tab reaches Later lines (Earlier lines is disabled at the start); each Enter shows the next lines
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'corpus-later');
  let last = (await shown(page))[1];
  while (!(await page.getByRole('button', { name: 'Later lines' }).isDisabled())) {
    await page.keyboard.press('Enter');
    const [a, b] = await shown(page);
    assert.ok(a <= last + 1 && b > last, `${a}–${b} after ${last}`);
    last = b;
  }
  assert.equal(last, 12000);
  assert.equal(await focused(page), 'corpus-earlier', 'the focus stays on a button');
  await page.keyboard.press('Enter');
  assert.ok((await shown(page))[1] < 12000);
  assert.equal(await corpus(page), text, 'moving the window changes nothing');
  await finish(opened);
});

test('a short text is the plain box; a long one edited down below 200,000 characters becomes plain again', async () => {
  const opened = await load();
  const { page } = opened;
  assert.equal(await box(page).inputValue(), LESSON);
  assert.equal(await status(page).textContent(), '');
  assert.ok(await status(page).isHidden());
  assert.ok(await page.getByRole('button', { name: 'Earlier lines' }).isHidden());
  assert.ok(await page.getByLabel('Go to line', { exact: true }).isHidden());
  // 174,000 characters: still plain
  const lines = sentences(6000, 5);
  const short = lines.join('\n');
  assert.ok(short.length > 150000 && short.length < 200000);
  await pasteInto(box(page), short);
  assert.equal(await box(page).inputValue(), short);
  assert.ok(await status(page).isHidden());
  // pasted at the start, it makes the text long: the window is around the caret, at the end of the paste
  const extra = sentences(3000, 6);
  await box(page).focus();
  await box(page).evaluate((area, text) => {
    area.setRangeText(text, 0, 0, 'end');
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, `${extra.join('\n')}\n`);
  const all = [...extra, ...lines];
  assert.equal(await corpus(page), all.join('\n'));
  const [a, b] = await shown(page);
  assert.ok(a <= 3001 && b >= 3001, `lines ${a}–${b} hold the end of the paste`);
  assert.equal(await page.evaluate(() => {
    const area = document.getElementById('corpus');
    return area.value.slice(0, area.selectionStart).split('\n').length;
  }), 3001 - a + 1, 'the caret is where the paste ended');
  // select all and delete: what is left is short, so the box shows it all again, without the window's controls
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  all.splice(a - 1, b - a + 1, '');
  assert.ok(all.join('\n').length < 200000);
  await eventually(async () => assert.equal(await corpus(page), all.join('\n')));
  assert.equal(await box(page).inputValue(), all.join('\n'));
  assert.ok(await status(page).isHidden());
  assert.ok(await page.getByRole('button', { name: 'Later lines' }).isHidden());
  await finish(opened);
});

test('the 32 MiB limit counts the lines outside the window: a paste that fits the box but not the corpus is refused', async () => {
  const opened = await load();
  const { page, context } = opened;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const text = sentences(40000, 7).join('\n');
  await pasteInto(box(page), text);
  // the window holds ~100,000 characters; this paste plus the window fits 32 MiB, plus the rest of the corpus not
  const size = 33554432 - 500000;
  await page.evaluate((n) => navigator.clipboard.writeText('a'.repeat(n)), size);
  await box(page).focus();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('ControlOrMeta+V');
  const error = page.locator('#corpus-error');
  await error.filter({ hasText: 'limit' }).waitFor();
  const bytes = (text.length + size).toLocaleString('en-US');
  assert.equal(await error.textContent(), `That paste would make the corpus ${bytes} characters long, at least ${bytes} `
    + 'bytes of UTF-8, above the limit of 33,554,432 bytes (32 MiB), so it was not pasted: the box keeps your text as it was.');
  assert.equal(await corpus(page), text);
  assert.ok((await box(page).inputValue()).length <= 100000);
  await finish(opened);
});

test('the web component windows a long corpus attribute the same way, and shows a short one whole', async () => {
  const opened = await load();
  const { page } = opened;
  const text = sentences(10000, 9).join('\n');
  const widget = await page.evaluateHandle(async (corpus) => {
    await import('/www/component.js');
    const element = document.createElement('gpt1-playground');
    element.setAttribute('sections', 'model');
    element.setAttribute('corpus', corpus);
    document.body.append(element);
    await element.update();
    return element;
  }, text);
  const inWidget = (id) => widget.evaluate((element, key) => {
    const found = element.shadowRoot.getElementById(key);
    return { value: found.value, text: found.textContent, hidden: found.hidden };
  }, id);
  assert.ok((await inWidget('corpus')).value.length <= 100000);
  assert.ok(text.startsWith((await inWidget('corpus')).value));
  assert.match((await inWidget('corpus-window-status')).text, /^Lines 1–[\d,]+ of 10,000 /);
  assert.equal((await inWidget('corpus-window')).hidden, false);
  await widget.evaluate((element, corpus) => element.setAttribute('corpus', corpus), LESSON);
  assert.equal((await inWidget('corpus')).value, LESSON);
  assert.equal((await inWidget('corpus-window-status')).text, '');
  assert.equal((await inWidget('corpus-window')).hidden, true);
  // the page's own box was never touched
  assert.equal(await page.locator('main').getByLabel('Corpus', { exact: true }).inputValue(), LESSON);
  await finish(opened);
});
