// Statements the page makes in more than one place must agree with each other and with what the code does: every
// place that says how the tiny GPT arranges its LayerNorms (post-LN, as GPT-1), read off the page as a student reads
// it, at desktop and phone sizes, in the light and the dark, and compared with the core's own model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, inNode, eventually, finish, VIEWS } from './browser.mjs';

const api = await inNode('gpt');
const { load } = session({ timeout: 20000 });

/** The arrangement a text states, by `pattern` (its first group: "post" or "pre"); fails when it states none. */
function stated(where, text, pattern) {
  const match = text.match(pattern);
  assert.ok(match, `${where} states the arrangement (${pattern}): “${text}”`);
  return match[1];
}

/** Every place that states the tiny GPT's arrangement, read off the page: [where, "post" | "pre"]. */
async function arrangements(page) {
  const found = [];
  const intro = await page.locator('#part-d > .explain').textContent();
  found.push(['Part D\'s introduction', stated('Part D\'s introduction', intro, /added to its input and the sum is LayerNormed \((post|pre)-LN\)/)]);
  // the lab's text says which of the two pictures is this model's; that picture's label says its arrangement
  const lab = await page.locator('#gpt-lab').textContent();
  const side = stated('the lab', lab, /On the (left|right) is GPT-[12]'s (?:block|arrangement), the one this model uses/);
  const label = await page.locator('#gpt-architecture .arch-column').nth(side === 'left' ? 0 : 1).locator('p').textContent();
  found.push([`the picture on the ${side}`, stated('the picture this model uses', label, /^GPT-[12]: (post|pre)-LN$/)]);
  found.push(['that picture\'s drawing', await page.locator('#gpt-architecture .arch-column').nth(side === 'left' ? 0 : 1)
    .locator('svg').getAttribute('data-norm')]);
  const row = page.locator('#gpt-architecture table.arch-sizes tr', { has: page.locator('th', { hasText: /^LayerNorm$/ }) });
  found.push(['the sizes table', stated('the sizes table', await row.locator('td').first().textContent(), /^(post|pre)\b/)]);
  const glossary = await page.locator('#glossary-terms dt', { hasText: /^LayerNorm$/ }).locator('xpath=following-sibling::dd[1]').textContent();
  found.push(['the glossary', stated('the glossary', glossary, /Part D's tiny GPT[^.]*\((post|pre)-LN/)]);
  return found;
}

for (const view of VIEWS) {
  test(`${view.name}: every statement of the tiny GPT's arrangement agrees, with each other and with the core`, async () => {
    const made = new api.TinyGpt('chai bahut garam hai\nchai acha hai', { dModel: 16, layers: 1, heads: 2, context: 16, seed: 1 });
    const norm = made.shape.norm;
    made.free();
    assert.equal(norm, 'post', 'the core builds GPT-1\'s post-LN block');

    const opened = await load('', view.options);
    const { page } = opened;
    await page.locator('#glossary-terms > summary').click();
    await page.locator('#glossary-terms dd').first().waitFor();
    await page.locator('#gpt-lab > summary').click();
    await page.locator('#gpt-architecture table.arch-sizes').waitFor();
    const before = await arrangements(page);
    assert.deepEqual(before.filter(([, said]) => said !== norm), [], 'before training');

    // a model made and trained: the table and the picture are drawn from its own shape
    await page.getByLabel('Model size').selectOption('tiny');
    await page.getByLabel('Stop after').fill('25');
    await page.locator('#part-d').getByRole('button', { name: 'Train', exact: true }).click();
    await eventually(async () => assert.match(await page.locator('#gpt-status').textContent(), /^Finished/), 60000);
    const after = await arrangements(page);
    assert.deepEqual(after.filter(([, said]) => said !== norm), [], 'after training');
    assert.equal(after.length, 5);
    // and nothing anywhere on the page says the tiny GPT is arranged as GPT-2
    assert.doesNotMatch(await page.locator('body').textContent(), /tiny GPT[^.]*like GPT-2/);
    await finish(opened);
  });
}

/** The sentences of `text` that match `pattern`. */
const sentences = (text, pattern) => text.replace(/\s+/g, ' ').split(/(?<=[.!?:;])\s+(?=[A-Z(“])/).filter((s) => pattern.test(s));

test('GPT-1\'s weights file: one size wherever Part E gives one, the megabyte defined, and both sources linked', async () => {
  const opened = await load();
  const { page } = opened;
  await page.locator('#gpt1-lab > summary').click();
  await page.locator('#gpt1-about').waitFor();
  const text = await page.locator('#part-e').innerText();
  const sizes = [...text.matchAll(/([\d,.]+) MB/g)].map((m) => m[1]);
  assert.ok(sizes.length >= 1);
  // every size in MB is the file's 479, but for the memory a loaded model needs and the compact file made from it
  // (125,343,056 bytes in the int8 layout: tests/js/gpt1_int8.test.mjs writes it)
  const fileSize = (s, size) => size === '479' || (size === '125' && /compact file is 125 MB/.test(s));
  const other = sentences(text, /\d MB/).filter((s) => !/memory/.test(s) && [...s.matchAll(/([\d,.]+) MB/g)].some((m) => !fileSize(s, m[1])));
  assert.deepEqual(other, [], 'one size for the file, one for its compact form');
  assert.match(text, /479 MB, a megabyte being 1,000,000 bytes/);
  for (const [href, name] of [['https://huggingface.co/openai-community/openai-gpt', 'openai-community/openai-gpt'],
    ['https://github.com/openai/finetune-transformer-lm', 'openai/finetune-transformer-lm']]) {
    const links = page.locator(`#part-e a[href="${href}"]`);
    assert.ok(await links.count() >= 1, `${name} is a link`);
    for (const link of await links.all()) {
      assert.equal(await link.textContent(), name);
      assert.equal(await link.getAttribute('target'), '_blank', 'a source opens beside the page, which keeps its model');
      assert.match(await link.getAttribute('rel'), /noopener/);
    }
  }
  await finish(opened);
});

test('why the output is tied: the numbers given are GPT-1\'s, worked out from its shape', async () => {
  const opened = await load();
  const { page } = opened;
  const { GPT1 } = await import('../../www/kinds/gpt1/shape.js');
  const text = (await page.locator('#part-d > .explain').textContent()).replace(/\s+/g, ' ');
  const [, rows, d, tied, tiedM, allM] = text.match(/GPT-1's Wₑ is a ([\d,]+) × ([\d,]+) matrix, ([\d,]+) weights, about (\d+)M of its (\d+)M/);
  const n = (s) => Number(s.replace(/,/g, ''));
  assert.deepEqual([n(rows), n(d)], [GPT1.rows, GPT1.dModel]);
  assert.equal(n(tied), GPT1.rows * GPT1.dModel);
  // every weight of GPT-1, the tied matrix counted once: embeddings, then per block attention, MLP and two LayerNorms
  const D = GPT1.dModel;
  const block = (D * 3 * D + 3 * D) + (D * D + D) + (D * 4 * D + 4 * D) + (4 * D * D + D) + 2 * 2 * D;
  const all = GPT1.rows * D + GPT1.context * D + GPT1.layers * block;
  assert.equal(all, 116534784);
  assert.deepEqual([n(tiedM), n(allM)], [Math.round(GPT1.rows * D / 1e6), Math.round(all / 1e6)]);
  assert.match(text, /one space of token vectors/);
  await finish(opened);
});

test('what the paper found about keeping the language-model loss reads the same in Parts C and D and beside the run', async () => {
  const opened = await load();
  const { page } = opened;
  const finding = /Table 5\)? (?:found )?(?:it|the language-model term) helped on (?:the|its) larger data sets \(QQP, MNLI, QNLI\),? (?:and )?not on the smaller ones/;
  const partC = (await page.locator('#part-c > .explain').textContent()).replace(/\s+/g, ' ');
  const aside = (await page.locator('#part-d aside.gpt1').textContent()).replace(/\s+/g, ' ');
  for (const [where, text] of [['Part C', partC], ['Part D\'s GPT-1 note', aside]]) assert.match(text, finding, where);
  // a fine-tuning run: its summary says what the table above it shows, then the same finding
  await page.locator('#gpt-lab > summary').click();
  await page.getByLabel('Model size').selectOption('tiny');
  await page.getByLabel('Stop after').fill('25');
  await page.locator('#part-d').getByRole('button', { name: 'Train', exact: true }).click();
  await eventually(async () => assert.match(await page.locator('#gpt-status').textContent(), /^Finished/), 60000);
  await page.getByLabel('Fine-tuning steps').fill('5');
  await page.locator('#part-d').getByRole('button', { name: 'Fine-tune both' }).click();
  await eventually(async () => assert.match(await page.locator('#gpt-ft-status').textContent(), /^Done/), 60000);
  const summary = await page.locator('.gpt-ft-summary').textContent();
  assert.match(summary, finding);
  const accuracy = async (lambda) => Number(await page.locator(`#gpt-ft-results td[data-lambda="${lambda}"][data-name="accuracy"]`).getAttribute('data-value'));
  const tested = Number((await page.locator('#gpt-ft-results').textContent()).match(/task accuracy on the (\d+) held-out examples/)[1]);
  const [plain, mixed] = [Math.round((await accuracy(0)) * tested), Math.round((await accuracy(0.5)) * tested)];
  assert.match(summary, new RegExp(`got ${plain} right and λ = 0\\.5 got ${mixed}: in this run the language-model term ${
    mixed > plain ? 'helped the task' : mixed < plain ? 'cost the task' : 'made no difference'}`));
  await finish(opened);
});

test('nothing the student cannot see: no document is sent for, and the measured figures are on the page', async () => {
  const opened = await load();
  const { page } = opened;
  for (const lab of ['#gpt-lab', '#gpt1-lab', '#glossary-terms']) await page.locator(`${lab} > summary`).click();
  await page.locator('#gpt-architecture').waitFor();
  const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
  assert.doesNotMatch(text, /README|Performance section/);
  // the names are said to be what they are, with the figures measured on them
  assert.match(text, /Measured on 32,032 US first names cut into characters \(30,032 to train on, 1,000 to validate/);
  assert.match(text, /the validation loss after 4,500 steps was 2\.078 post-LN and 2\.098 pre-LN, where the best 4-gram gets 2\.112/);
  await finish(opened);
});
