// The playground as a person uses it, in Debian's Chromium: every locator is accessible (role, label, name), so the
// tests also prove what a screen reader hears. Expected generations come from the same wasm module run in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, inNode, LESSON, shot, eventually, tokens, ids, pasteInto, finish, evaluated, partB, partC }
  from './browser.mjs';

const { NgramModel, generate } = await inNode();

const { env, load } = session();

/** What generate() gives in Node for this corpus and options: the page must agree. */
function expected(corpus, { smoothing = 1, ...options }) {
  const model = new NgramModel(corpus, { smoothing });
  try {
    return generate(model, { maxLen: 6, ...options });
  } finally {
    model.free();
  }
}

/** Opens the page and waits until the wasm core has drawn everything. */

const generated = (page) => page.getByRole('region', { name: 'Generated' });
const matrix = (page) => page.getByRole('table', { name: 'Smoothed bigram matrix' });
const cell = (page, next, prev) => matrix(page).getByRole('cell', { name: new RegExp(`^P\\(${next} \\| ${prev.replace(/[[\]]/g, '\\$&')}\\) = `) });

test('the default state reproduces the lesson', async () => {
  const opened = await load();
  const { page } = opened;
  assert.equal(await page.getByLabel('Corpus', { exact: true }).inputValue(), LESSON);
  assert.equal(await page.getByLabel('Smoothing', { exact: true }).inputValue(), '1');
  // the lesson's model: order 2, word tokens, one sentence per line (Merges only appears for BPE)
  assert.equal(await page.getByLabel('Order', { exact: true }).inputValue(), '2');
  assert.equal(await page.getByLabel('Tokenizer', { exact: true }).inputValue(), 'word');
  assert.equal(await page.getByLabel('Boundaries', { exact: true }).inputValue(), 'lines');
  assert.ok(await page.getByLabel('Merges', { exact: true }).isHidden());
  assert.deepEqual(await tokens(page.getByRole('list', { name: 'Vocabulary' })),
    ['chai', 'bahut', 'garam', 'hai', 'acha', '[START]', '[END]']);
  // the lesson's matrix: P(bahut | chai) = (2 + 1) / (3 + 7)
  assert.equal(await cell(page, 'bahut', 'chai').textContent(), '0.3');
  assert.equal(await matrix(page).getByRole('rowheader').count(), 7);
  // the notebook's seed-42 generation
  assert.equal(await page.getByLabel('Seed', { exact: true }).inputValue(), '42');
  assert.equal(await page.getByLabel('Max length', { exact: true }).inputValue(), '6');
  assert.deepEqual(await tokens(generated(page)), ['[START]', 'chai', '[END]']);
  // both encodings with their ids: [EXTRACT] = V = 7, [DELIM] = V + 1 = 8
  await partB(page);
  assert.deepEqual(await ids(page.getByRole('region', { name: 'Classification input' })), ['5', '0', '1', '2', '3', '7']);
  await page.getByRole('radio', { name: 'Entailment' }).check();
  const entailment = page.getByRole('region', { name: 'Entailment input' });
  assert.deepEqual(await ids(entailment), ['5', '0', '1', '2', '3', '8', '0', '4', '3', '7']);
  assert.deepEqual(await tokens(entailment),
    ['[START]', 'chai', 'bahut', 'garam', 'hai', '[DELIM]', 'chai', 'acha', 'hai', '[EXTRACT]']);
  // the combined loss: −ln 0.72 + 0.5 × 1.5
  assert.equal(await page.getByLabel('P(positive)', { exact: true }).inputValue(), '0.72');
  await partC(page);
  assert.equal(await page.getByLabel('Task loss', { exact: true }).textContent(), '0.3285');
  assert.equal(await page.getByLabel('Combined loss', { exact: true }).textContent(), '1.0785');
  await evaluated(page); // the chart is in the picture
  await page.screenshot({ path: shot('light.png'), fullPage: true });
  await finish(opened);
});

test('editing the corpus updates vocabulary, matrix and generation live', async () => {
  const opened = await load();
  const { page } = opened;
  const corpus = `${LESSON}\npaani bahut thanda hai`;
  await page.getByLabel('Corpus', { exact: true }).fill(corpus);
  await eventually(async () => assert.equal(await cell(page, 'thanda', 'bahut').textContent(), String(Number((2 / 12).toFixed(3)))));
  assert.ok((await tokens(page.getByRole('list', { name: 'Vocabulary' }))).includes('paani'));
  assert.deepEqual(await tokens(generated(page)), expected(corpus, { seed: 42 }));
  // an empty corpus is refused inline; the text stays and the last good model stays on screen
  await page.getByLabel('Corpus', { exact: true }).fill('   ');
  await eventually(async () => assert.match(await page.locator('#corpus-error').textContent(), /no words/));
  assert.equal(await page.getByLabel('Corpus', { exact: true }).inputValue(), '   ');
  assert.equal(await page.getByLabel('Corpus', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await tokens(generated(page)), expected(corpus, { seed: 42 }));
  await finish(opened);
});

test('smoothing changes the matrix, and a focused cell explains its number', async () => {
  const opened = await load();
  const { page } = opened;
  await page.getByLabel('Smoothing', { exact: true }).fill('0');
  await eventually(async () => assert.equal(await cell(page, 'bahut', 'chai').textContent(), '0.667'));
  // no pair starts with [END]: with k = 0 its row is 0/0
  assert.equal(await cell(page, 'chai', '[END]').textContent(), '—');
  assert.deepEqual(await tokens(generated(page)), expected(LESSON, { seed: 42, smoothing: 0 }));
  await page.getByLabel('Smoothing', { exact: true }).fill('2');
  await cell(page, 'bahut', 'chai').focus();
  await eventually(async () => {
    const text = await page.locator('#cell-explain').textContent();
    assert.match(text, /P\(bahut \| chai\) = 0\.2353/);
    assert.match(text, /\(2 \+ 2\) \/ \(3 \+ 2·7\) = 4 \/ 17 = 0\.2353/);
  });
  // arrow keys move between cells; hover explains too
  await page.keyboard.press('ArrowRight');
  await eventually(async () => assert.match(await page.locator('#cell-explain').textContent(), /P\(garam \| chai\)/));
  await cell(page, 'acha', 'hai').hover();
  await eventually(async () => assert.match(await page.locator('#cell-explain').textContent(), /P\(acha \| hai\)/));
  await finish(opened);
});

test('Resample draws a new seed, shows it, and the output follows it', async () => {
  const opened = await load();
  const { page } = opened;
  await page.getByRole('button', { name: 'Resample' }).click();
  const seed = await page.getByLabel('Seed', { exact: true }).inputValue();
  assert.notEqual(seed, '42');
  assert.match(seed, /^\d+$/);
  assert.deepEqual(await tokens(generated(page)), expected(LESSON, { seed: Number(seed) }));
  // five samples on demand, the first being the one shown
  await page.getByText('Five samples from this seed').click();
  const rows = page.locator('#samples > li');
  await eventually(async () => assert.equal(await rows.count(), 5));
  assert.deepEqual(await tokens(rows.first()), expected(LESSON, { seed: Number(seed) }));
  await finish(opened);
});

test('stepping draws the same tokens as generate and shows where u fell', async () => {
  const opened = await load();
  const { page } = opened;
  await page.getByLabel('Seed', { exact: true }).fill('7'); // seed 7 draws four tokens before [END]
  const sampled = page.getByRole('list', { name: 'Sampled so far' });
  // (the sampler loads as the matrix comes into sight: its first row, once it is in)
  await eventually(async () => assert.deepEqual(await tokens(sampled), ['[START]']));
  // before the first draw, the bars already show the [START] row it will draw from (Sampler.peek), without u
  const slices = page.getByRole('table', { name: /Row \[START\] .*the next draw's distribution/ });
  await eventually(async () => assert.deepEqual(await slices.getByRole('row', { name: /^chai / }).getByRole('cell').allTextContents(), ['0.4', '0.4', '']));
  assert.equal(await page.locator('.u-line').count(), 0);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  // the [START] row is the one being sampled
  assert.equal(await matrix(page).locator('tr.sampling th').textContent(), '[START]');
  assert.match(await page.locator('.step-explain').textContent(), /^u = 0\.\d+ falls in \[/);
  const step = page.getByRole('button', { name: 'Step', exact: true });
  while (await step.isEnabled()) await step.click(); // aria-disabled once [END] is drawn
  const want = expected(LESSON, { seed: 7 });
  assert.deepEqual(await tokens(sampled), want);
  assert.match(await page.locator('#step-status').textContent(), /Done/);
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.deepEqual(await tokens(sampled), ['[START]']);
  await finish(opened);
});

test('S steps at the first press, before the sampler\'s section (or the matrix) was ever in sight', async () => {
  const opened = await load();
  const { page } = opened;
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.waitForTimeout(300); // time for anything the top of the page loads on its own
  assert.ok(!asked.includes('/www/parts/a/stepper.js'), 'the sampler is not loaded before it is needed');
  const notSeen = await page.evaluate(() => ['matrix', 'step'].every((name) => document.querySelector(`[data-section="${name}"]`)
    .getBoundingClientRect().top > innerHeight + 300));
  assert.ok(notSeen, 'neither section is near the viewport');
  await page.keyboard.press('s');
  const sampled = page.getByRole('list', { name: 'Sampled so far' });
  await eventually(async () => assert.deepEqual(await tokens(sampled), expected(LESSON, { seed: 42 }).slice(0, 2)));
  assert.ok(asked.includes('/www/parts/a/stepper.js'));
  assert.match(await page.locator('#step-status').textContent(), /^Drew chai\. Next, Step samples from the chai row/);
  assert.equal(await matrix(page).locator('tr.sampling th').textContent(), '[START]', 'the row it drew from');
  assert.equal(await page.locator('#step-error').isHidden(), true);
  await page.keyboard.press('s'); // the next press steps at once, as ever
  await eventually(async () => assert.deepEqual(await tokens(sampled), expected(LESSON, { seed: 42 })));
  await finish(opened);
});

test('a link restores the whole state, and a reload keeps the last edits', async () => {
  const opened = await load();
  const { page } = opened;
  const corpus = 'chai bahut acha hai\nchai thanda hai';
  await page.getByLabel('Corpus', { exact: true }).fill(corpus);
  await page.getByLabel('Smoothing', { exact: true }).fill('0.5');
  await page.getByLabel('Seed', { exact: true }).fill('123');
  await page.getByLabel('Max length', { exact: true }).fill('9');
  await page.getByLabel('Temperature', { exact: true }).fill('0.7');
  await page.getByLabel('Top-k', { exact: true }).fill('3');
  await page.getByRole('radio', { name: 'Similarity' }).check();
  await page.getByLabel('Text 1', { exact: true }).fill('chai thanda hai');
  await page.getByLabel('P(positive)', { exact: true }).fill('0.4');
  await page.getByRole('radio', { name: 'negative' }).check();
  await page.getByLabel('λ', { exact: true }).fill('0.25');
  await page.getByRole('radio', { name: /from the model above/ }).check();
  // saving is throttled: wait for the last edit to reach the address bar
  await eventually(() => assert.match(page.url(), /lmmode=model/));
  const link = page.url();
  const shown = await tokens(generated(page));
  const loss = await page.getByLabel('Combined loss', { exact: true }).textContent();
  assert.match(link, /#.*seed=123/);

  const again = await load(link);
  const p = again.page;
  assert.equal(await p.getByLabel('Corpus', { exact: true }).inputValue(), corpus);
  assert.equal(await p.getByLabel('Smoothing', { exact: true }).inputValue(), '0.5');
  assert.equal(await p.getByLabel('Seed', { exact: true }).inputValue(), '123');
  assert.equal(await p.getByLabel('Max length', { exact: true }).inputValue(), '9');
  assert.equal(await p.getByLabel('Temperature', { exact: true }).inputValue(), '0.7');
  assert.equal(await p.getByLabel('Top-k', { exact: true }).inputValue(), '3');
  assert.ok(await p.getByRole('radio', { name: 'Similarity' }).isChecked());
  assert.equal(await p.getByLabel('Text 1', { exact: true }).inputValue(), 'chai thanda hai');
  assert.equal(await p.getByLabel('P(positive)', { exact: true }).inputValue(), '0.4');
  assert.ok(await p.getByRole('radio', { name: 'negative' }).isChecked());
  assert.equal(await p.getByLabel('λ', { exact: true }).inputValue(), '0.25');
  assert.ok(await p.getByRole('radio', { name: /from the model above/ }).isChecked());
  assert.deepEqual(await tokens(generated(p)), shown);
  await partC(p);
  assert.equal(await p.getByLabel('Combined loss', { exact: true }).textContent(), loss);
  await partB(p);
  assert.deepEqual(await tokens(p.getByRole('region', { name: 'Similarity input' })
    .getByRole('list', { name: 'Order 1: text 1 first' })),
    ['[START]', 'chai', 'thanda', 'hai', '[DELIM]', 'chai', 'bahut', 'acha', 'hai', '[EXTRACT]']);
  await finish(again);

  // the same browser profile without a link: localStorage brings the last state back
  await page.goto(new URL('/', env.url).href);
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await page.getByLabel('Corpus', { exact: true }).inputValue(), corpus);
  assert.equal(await page.getByLabel('Seed', { exact: true }).inputValue(), '123');
  await finish(opened);
});

test('Copy link copies the address and says so', async () => {
  const opened = await load();
  const { page, context } = opened;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.url).origin });
  await page.getByLabel('Seed', { exact: true }).fill('99');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await eventually(async () => assert.equal(await page.getByRole('status').filter({ hasText: 'Copied' }).count(), 1));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
  await finish(opened);
});

test('keyboard only: Tab reaches the controls, shortcuts work but never while typing', async () => {
  const opened = await load();
  const { page } = opened;
  // Tab from the top of the page reaches the corpus, then smoothing
  const reached = [];
  for (let i = 0; i < 12 && !reached.includes('corpus'); i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement.id));
  }
  assert.ok(reached.includes('copy-link') && reached.includes('presentation') && reached.includes('corpus'), reached.join());
  // then the model's menus in reading order (Merges is hidden unless the tokenizer is BPE), then smoothing
  const next = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    next.push(await page.evaluate(() => document.activeElement.id));
  }
  assert.deepEqual(next, ['order', 'tokenizer', 'boundaries', 'smoothing']);
  await page.keyboard.press('ArrowRight'); // a range moves by its step
  assert.equal(await page.getByLabel('Smoothing', { exact: true }).inputValue(), '1.01');

  // typing r, s and p into a field types them (the sampler, in sight first, shows it took no step)
  const sampled = page.getByRole('list', { name: 'Sampled so far' });
  await page.getByRole('button', { name: 'Reset' }).scrollIntoViewIfNeeded();
  await eventually(async () => assert.deepEqual(await tokens(sampled), ['[START]']));
  const seedBefore = await page.getByLabel('Seed', { exact: true }).inputValue();
  await page.getByLabel('Text', { exact: true }).focus();
  await page.keyboard.type(' rsp');
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), 'chai bahut garam hai rsp');
  assert.equal(await page.getByLabel('Seed', { exact: true }).inputValue(), seedBefore);
  assert.deepEqual(await tokens(page.getByRole('list', { name: 'Sampled so far' })), ['[START]']);
  assert.equal(await page.getByRole('button', { name: 'Presentation' }).getAttribute('aria-pressed'), 'false');

  // outside a field: S steps, R resamples, P toggles presentation
  await page.getByRole('button', { name: 'Reset' }).focus();
  await page.keyboard.press('s');
  assert.equal((await tokens(page.getByRole('list', { name: 'Sampled so far' }))).length, 2);
  await page.keyboard.press('r');
  assert.notEqual(await page.getByLabel('Seed', { exact: true }).inputValue(), seedBefore);
  await page.keyboard.press('p');
  assert.equal(await page.getByRole('button', { name: 'Presentation' }).getAttribute('aria-pressed'), 'true');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('presentation')));
  // a shortcut with a modifier is left to the browser
  const seed = await page.getByLabel('Seed', { exact: true }).inputValue();
  await page.keyboard.press('Alt+r');
  assert.equal(await page.getByLabel('Seed', { exact: true }).inputValue(), seed);

  // buttons work with Enter and Space
  await page.getByRole('button', { name: 'Step', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Space');
  assert.ok((await tokens(page.getByRole('list', { name: 'Sampled so far' }))).length >= 2);
  await evaluated(page); // the chart is in the picture
  await page.screenshot({ path: shot('presentation.png'), fullPage: true });
  await finish(opened);
});

test('an unknown word is flagged in place with the BPE hint and the core message', async () => {
  const opened = await load();
  const { page } = opened;
  await page.getByLabel('Text', { exact: true }).fill('chai tea hai');
  const mark = page.locator('#text-words mark');
  await eventually(async () => assert.equal(await mark.count(), 1));
  assert.equal(await mark.textContent(), 'tea (unknown word)'); // the words in brackets are for screen readers
  assert.match(await page.locator('#text-words').textContent(), /byte-pair encoding/);
  assert.equal(await page.getByLabel('Text', { exact: true }).getAttribute('aria-invalid'), 'true');
  const region = page.getByRole('region', { name: 'Classification input' });
  assert.match(await region.getByRole('alert').textContent(), /unknown word "tea"/);
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), 'chai tea hai');
  // multiple choice: each answer is checked too
  await page.getByRole('radio', { name: 'Multiple choice' }).check();
  await page.getByLabel('Answers', { exact: true }).fill('garam hai\nmeetha hai');
  await eventually(async () => assert.equal(await page.locator('#mc-answers-words mark').count(), 1));
  await finish(opened);
});

test('an invalid value shows an inline error and keeps the typed text', async () => {
  const opened = await load();
  const { page } = opened;
  const seed = page.getByLabel('Seed', { exact: true });
  await seed.fill('12x');
  await eventually(async () => assert.match(await page.locator('#seed-error').textContent(), /Seed must be a whole number/));
  assert.ok(await page.locator('#seed-error').isVisible());
  assert.equal(await seed.inputValue(), '12x');
  assert.equal(await seed.getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Temperature', { exact: true }).fill('0');
  await eventually(async () => assert.match(await page.locator('#temperature-error').textContent(), /greater than 0/));
  await page.getByLabel('λ', { exact: true }).fill('half');
  await eventually(async () => assert.match(await page.locator('#lambda-error').textContent(), /λ must be a number/));
  // even a reload keeps what was typed
  await eventually(() => assert.match(page.url(), /lambda=half/));
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await page.getByLabel('Seed', { exact: true }).inputValue(), '12x');
  assert.ok(await page.locator('#seed-error').isVisible());
  await seed.fill('42');
  await eventually(async () => assert.ok(await page.locator('#seed-error').isHidden()));
  await finish(opened);
});

test('the combined loss follows P(positive), the label and the model loss', async () => {
  const opened = await load();
  const { page } = opened;
  await partC(page);
  await page.getByRole('radio', { name: 'negative' }).check();
  assert.equal(await page.getByLabel('Task loss', { exact: true }).textContent(), (-Math.log(0.28)).toFixed(4));
  await page.getByLabel('P(positive)', { exact: true }).fill('0.5');
  assert.equal(await page.getByLabel('Task loss', { exact: true }).textContent(), Math.LN2.toFixed(4));
  await page.getByRole('radio', { name: /from the model above/ }).check();
  const model = new NgramModel(LESSON);
  const want = (Math.LN2 + 0.5 * model.loss()).toFixed(4);
  model.free();
  assert.equal(await page.getByLabel('Combined loss', { exact: true }).textContent(), want);
  assert.match(await page.locator('#combined-equation').textContent(), /= 0\.6931 \+ 0\.5 × 1\.2589 = /);
  await finish(opened);
});

/** Opens the page with `module` (a path under www/) refused once (503), as a server failing for a moment would. */
async function refusingOnce(module) {
  const opened = await load();
  let refused = 0;
  await opened.context.route(`**/www/${module}`, (route) => {
    if (refused++ > 0) return route.continue();
    return route.fulfill({ status: 503, body: 'unavailable' });
  });
  const loaded = () => opened.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.ok(!(await loaded()).some((url) => url.includes(module)), `${module} is not part of the first load`);
  return { ...opened, refused: () => refused };
}

/** What a page test may see of a module refused on purpose, beside the message the page shows for it. */
const refusal = (problems) => problems.filter((p) => !/503|Failed to fetch dynamically imported module|-panel\.js/.test(p));

test('Part B draws once in sight; a module that cannot load says why there, and a later edit draws the text typed', async () => {
  const opened = await refusingOnce('parts/b/encode-panel.js');
  const { page } = opened;
  // typed while Part B's output cannot load: the text is kept, and the failure is said where the tokens go
  await page.getByLabel('Text', { exact: true }).fill('chai acha hai');
  const error = page.locator('#out-classification-error');
  await eventually(async () => assert.match(await error.textContent(),
    /^Part B’s tokens could not be loaded: .+\. Your next edit tries again\.$/), 10000);
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), 'chai acha hai');
  // an edit elsewhere loads it: the tokens are those of the text typed before
  await page.getByLabel('Seed', { exact: true }).fill('43');
  await eventually(async () => assert.deepEqual(await tokens(page.locator('#out-classification-sequences')),
    ['[START]', 'chai', 'acha', 'hai', '[EXTRACT]']), 10000);
  assert.ok(await error.isHidden());
  assert.equal(opened.refused(), 2, 'refused once, then loaded');
  await finish({ ...opened, problems: refusal(opened.problems) });
});

test('Part C draws once in sight; a module that cannot load says why there, and the next edit draws the losses', async () => {
  const opened = await refusingOnce('parts/c/loss-panel.js');
  const { page } = opened;
  await page.locator('#part-c').scrollIntoViewIfNeeded();
  const equation = page.locator('#combined-equation');
  await eventually(async () => assert.match(await equation.textContent(),
    /^Part C’s losses could not be loaded: .+\. Your next edit tries again\.$/), 10000);
  await page.getByLabel('λ', { exact: true }).fill('0.25');
  await eventually(async () => assert.equal(await page.getByLabel('Combined loss', { exact: true }).textContent(),
    (-Math.log(0.72) + 0.25 * 1.5).toFixed(4)), 10000);
  assert.match(await equation.textContent(), /^L = L_task \+ λ·L_lm = 0\.3285 \+ 0\.25 × 1\.5 = /);
  assert.equal(opened.refused(), 2, 'refused once, then loaded');
  await finish({ ...opened, problems: refusal(opened.problems) });
});

test('a vocabulary too large to draw shows its most frequent rows and says so', async () => {
  const opened = await load();
  const { page } = opened;
  // 2,100 distinct words: past the 2,048 where the full matrix is refused
  const words = Array.from({ length: 2100 }, (_, i) => `w${i}`);
  const corpus = Array.from({ length: 30 }, (_, i) => words.slice(i * 70, i * 70 + 70).join(' ')).join('\n');
  await page.getByLabel('Corpus', { exact: true }).fill(corpus);
  await eventually(async () => assert.match(await page.locator('#matrix-note').textContent(), /2102 tokens, too many to draw/));
  assert.equal(await matrix(page).getByRole('rowheader').count(), 40);
  assert.equal(await page.getByRole('list', { name: 'Vocabulary' }).getByRole('listitem').count(), 200);
  assert.deepEqual(await tokens(generated(page)), expected(corpus, { seed: 42 }));
  await finish(opened);
});

test('screenshots: dark theme and a 360 px phone, with nothing wider than the screen', async () => {
  const dark = await load('', { colorScheme: 'dark' });
  await evaluated(dark.page); // the chart is in the picture
  await dark.page.screenshot({ path: shot('dark.png'), fullPage: true });
  await finish(dark);
  const phone = await load('', { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
  await evaluated(phone.page); // the chart is drawn at the phone's width
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide on a 360px screen`);
  await phone.page.screenshot({ path: shot('phone.png'), fullPage: true });
  await finish(phone);
});

test('the page runs under the strict CSP it will be served with', async () => {
  const context = await env.browser.newContext();
  const csp = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; object-src 'none'; base-uri 'none'";
  await context.route(new URL('/', env.url).href, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(env.url);
  await page.locator('html[data-ready="true"]').waitFor({ timeout: 5000 });
  assert.deepEqual(await tokens(generated(page)), ['[START]', 'chai', '[END]']);
  // the workers start under it too: a corpus past 20,000 characters is counted by one, the grid by the other
  const corpus = Array.from({ length: 3000 }, (_, i) => `chai ${i % 2 ? 'garam' : 'acha'} hai`).join('\n');
  await pasteInto(page.getByLabel('Corpus', { exact: true }), corpus);
  await page.locator('#model-status[data-state="idle"]').filter({ hasText: 'background worker' }).waitFor({ timeout: 10000 });
  assert.deepEqual(await tokens(generated(page)), expected(corpus, { seed: 42 }));
  await evaluated(page, { timeout: 10000 });
  assert.deepEqual(problems, []);
  await context.close();
});
