// Issue 4 on the page: order, tokenizer and boundaries controls, the n-gram matrix, the tokens panel and the
// evaluation chart. Every number the page shows is checked against the same wasm module run in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, inNode, LESSON, shot, eventually, tokens, ids, finish, evaluated } from './browser.mjs';

const { NgramModel, generate } = await inNode();

const NAMES = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'mia', 'amelia', 'harper', 'evelyn', 'abigail', 'emily',
  'ella', 'madison', 'scarlett', 'victoria', 'aria', 'grace', 'chloe', 'camila', 'penelope'].join('\n');
const HELD_OUT = 'mia\nlila\nemilia\nisla\nmaria'; // new names, made of letters the corpus has
const ORDERS = [1, 2, 3, 4, 5, 6];
const KS = [0.01, 0.1, 0.5, 1];

const { env, load } = session();

/** A model built in Node, freed after `use`. */
function withModel(corpus, options, use) {
  const model = new NgramModel(corpus, options);
  try {
    return use(model);
  } finally {
    model.free();
  }
}

const label = (page, name) => page.getByLabel(name, { exact: true });
const lossCell = (page, order, k, kind) => page.locator(`#eval-table td[data-order="${order}"][data-k="${k}"][data-kind="${kind}"]`);

test('evaluation: the chart of 6 orders × 4 k on pasted names, the best setting, Apply best', async () => {
  const opened = await load();
  const { page } = opened;
  await label(page, 'Corpus').fill(NAMES);
  await label(page, 'Tokenizer').selectOption('char');
  await label(page, 'Order').selectOption('4');
  await label(page, 'Validation text').fill(HELD_OUT);
  const chart = page.getByRole('img', { name: /Training and validation loss by order/ });
  await evaluated(page);
  // one dot per order and k, for both losses
  await eventually(async () => {
    assert.equal(await chart.locator('circle.dot.validation').count(), ORDERS.length * KS.length);
    assert.equal(await chart.locator('circle.dot.training').count(), ORDERS.length * KS.length);
  });
  assert.deepEqual(await chart.locator('circle.dot.validation').evaluateAll(
    (dots) => [...new Set(dots.map((d) => d.dataset.order))]), ORDERS.map(String));
  // every number is the core's: the table against Node for each setting, the chart's dot for one
  const expected = withModel(NAMES, { tokenizer: 'char', order: 3 }, (model) => KS.map((k) => {
    const smoothed = model.withSmoothing(k);
    try { return [smoothed.loss(), smoothed.loss(HELD_OUT)]; } finally { smoothed.free(); }
  }));
  for (const [j, k] of KS.entries()) {
    assert.equal(await lossCell(page, 3, k, 'training').textContent(), expected[j][0].toFixed(4));
    assert.equal(await lossCell(page, 3, k, 'validation').textContent(), expected[j][1].toFixed(4));
  }
  const dot = chart.locator('circle.dot.validation[data-order="3"][data-k="0.1"]');
  assert.ok(Math.abs(Number(await dot.getAttribute('data-loss')) - expected[1][1]) < 1e-12);
  // the lesson in numbers: training loss falls with the order, validation loss turns up again
  const best = { order: 0, k: 0, loss: Infinity };
  for (const order of ORDERS) {
    withModel(NAMES, { tokenizer: 'char', order }, (model) => {
      for (const k of KS) {
        const smoothed = model.withSmoothing(k);
        const loss = smoothed.loss(HELD_OUT);
        smoothed.free();
        if (loss < best.loss) Object.assign(best, { order, k, loss });
      }
    });
  }
  assert.deepEqual([best.order, best.k], [2, 0.1]);
  assert.match(await page.locator('#eval-best').textContent(),
    new RegExp(`Best on the validation text: order 2, k = 0\\.1 — validation loss ${best.loss.toFixed(4)}, `
      + `perplexity ${Number(Math.exp(best.loss).toFixed(2))} \\(as confused as choosing among`));
  assert.match(await lossCell(page, 2, 0.1, 'validation').textContent(), /\(best\)/);
  assert.equal(await chart.locator('.best-ring').count(), 1);
  assert.match(await page.locator('#eval-time').textContent(), /^24 settings computed in [\d.]+ ms/);
  // the model above (order 4, k = 1) in words, perplexity included
  const current = withModel(NAMES, { tokenizer: 'char', order: 4 }, (m) => m.loss(HELD_OUT));
  assert.match(await page.locator('#eval-current').textContent(),
    new RegExp(`order 4, k = 1\\).*validation loss ${current.toFixed(4)}.*equally likely tokens`));

  // Apply best sets the model controls, and the model follows
  await page.getByRole('button', { name: 'Apply best' }).click();
  assert.equal(await label(page, 'Order').inputValue(), '2');
  assert.equal(await label(page, 'Smoothing').inputValue(), '0.1');
  assert.equal(await page.locator('#smoothing-value').textContent(), 'k = 0.1');
  await eventually(async () => assert.match(await page.locator('#eval-current').textContent(),
    new RegExp(`order 2, k = 0\\.1\\).*validation loss ${best.loss.toFixed(4)}`)));
  await eventually(() => assert.match(page.url(), /order=2&k=0\.1|k=0\.1.*order=2/));
  await page.locator('#part-a h3', { hasText: 'Training loss and validation loss' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('evaluation.png') });
  await finish(opened);
});

test('evaluation: a held-out word the model never saw is named inline, with the way out; a file loads', async () => {
  const opened = await load();
  const { page } = opened;
  const field = label(page, 'Validation text');
  await field.fill('chai tea hai');
  await evaluated(page);
  const error = page.locator('#val-error');
  await eventually(async () => assert.match(await error.textContent(), /unknown token "tea"/));
  assert.match(await error.textContent(), /Tokenizer char.*larger corpus/);
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(await field.inputValue(), 'chai tea hai'); // the text stays as typed
  assert.equal(await page.getByRole('button', { name: 'Apply best' }).isDisabled(), true);
  // the training curves still show
  assert.equal(await page.locator('#eval-chart circle.dot.training').count(), 24);
  // a text file read in the browser replaces the text and fixes the error
  await label(page, 'Load validation text from a file').setInputFiles(
    { name: 'held-out.txt', mimeType: 'text/plain', buffer: Buffer.from('chai acha hai\nchai bahut garam\n') });
  await eventually(async () => assert.equal(await field.inputValue(), 'chai acha hai\nchai bahut garam\n'));
  await evaluated(page);
  assert.ok(await error.isHidden());
  assert.equal(await page.locator('#eval-chart circle.dot.validation').count(), 24);
  assert.equal(await page.getByRole('button', { name: 'Apply best' }).isDisabled(), false);
  await finish(opened);
});

test('tokens panel: word, char and BPE segmentation with ids, the merges in order, a rare word in pieces', async () => {
  const opened = await load();
  const { page } = opened;
  const list = page.getByRole('region', { name: 'Tokens of the text' }).getByRole('list', { name: 'Tokens' });
  await label(page, 'Text to split').fill('chaiwala chai garam hai');
  // word: the unseen word is one unknown token, without an id
  assert.deepEqual(await tokens(list), ['chaiwala (unknown)', 'chai', 'garam', 'hai']);
  assert.deepEqual(await ids(list), ['?', '0', '2', '3']);
  assert.match(await page.locator('#rare-word').textContent(), /^A word new to the corpus: “chaiwala” never occurs in it\..*bpe/);
  // a word of the corpus met only once is the rare one
  await label(page, 'Text to split').fill('chai garam hai');
  await eventually(async () => assert.match(await page.locator('#rare-word').textContent(), /^A rare word: “garam” occurs once in the corpus\./));
  await label(page, 'Text to split').fill('chaiwala chai garam hai');
  // char: every character, spaces shown as ␣, each with its index in the vocabulary
  await label(page, 'Tokenizer').selectOption('char');
  const charVocab = withModel(LESSON, { tokenizer: 'char' }, (m) => m.vocab);
  await eventually(async () => assert.equal((await tokens(list)).length, 'chaiwala chai garam hai'.length));
  assert.deepEqual((await tokens(list)).slice(0, 9), ['c', 'h', 'a', 'i', 'w (unknown)', 'a', 'l (unknown)', 'a', '␣']);
  assert.deepEqual((await ids(list)).slice(0, 4), ['c', 'h', 'a', 'i'].map((c) => String(charVocab.indexOf(c))));
  assert.ok(await page.locator('#merges-box').isHidden());
  // bpe: the Merges field appears; the merges are listed in order, numbered
  await label(page, 'Tokenizer').selectOption('bpe');
  await label(page, 'Merges').fill('5');
  const merges = page.getByRole('list', { name: 'BPE merges' });
  await eventually(async () => assert.equal(await merges.getByRole('listitem').count(), 5));
  const want = withModel(LESSON, { tokenizer: 'bpe', merges: 5 }, (m) => ({
    merges: m.merges(), pieces: m.segment('chaiwala chai garam hai'), vocab: m.vocab,
  }));
  assert.deepEqual(await merges.getByRole('listitem').allTextContents(),
    want.merges.map(([l, r]) => [l, r, l + r].map((t) => t.replace(/ /g, '␣'))).map(([l, r, m]) => `${l} + ${r} → ${m}`));
  assert.deepEqual((await tokens(list)).map((t) => t.replace(' (unknown)', '')), want.pieces.map((t) => t.replace(/ /g, '␣')));
  assert.deepEqual(await ids(list), want.pieces.map((t) => (want.vocab.includes(t) ? String(want.vocab.indexOf(t)) : '?')));
  assert.match(await page.locator('#rare-word').textContent(), /The bpe tokenizer spells it as ch · a · i · w · a · l · a<\/w>/);
  assert.equal(await page.locator('#merges-why').textContent(), '', 'as many merges as asked for');
  await page.screenshot({ path: shot('tokens.png'), fullPage: false });
  // a bad merge count is refused beside the field; the typed text stays, the last model stays
  await label(page, 'Merges').fill('12x');
  await eventually(async () => assert.match(await page.locator('#merges-error').textContent(), /Merges must be a whole number from 0 to 10000/));
  assert.equal(await label(page, 'Merges').inputValue(), '12x');
  assert.equal(await merges.getByRole('listitem').count(), 5);
  await finish(opened);
});

test('order 3: the matrix has contexts as rows, most frequent first, and explains a cell with its counts', async () => {
  const opened = await load();
  const { page } = opened;
  await label(page, 'Order').selectOption('3');
  const table = page.getByRole('table', { name: 'Smoothed n-gram matrix' });
  await table.waitFor();
  assert.equal(await page.getByRole('table', { name: 'Smoothed bigram matrix' }).count(), 0);
  const contexts = withModel(LESSON, { order: 3 }, (m) => m.topContexts(40).map((c) => c.context.join(' ')));
  assert.deepEqual(await table.getByRole('rowheader').allTextContents(), contexts);
  assert.equal(contexts[0], '[START] chai');
  // P(bahut | [START] chai) = (2 + 1) / (3 + 7)
  const target = table.getByRole('cell', { name: 'P(bahut | [START] chai) = 0.3' });
  assert.equal(await target.textContent(), '0.3');
  await target.focus();
  await eventually(async () => {
    const text = await page.locator('#cell-explain').textContent();
    assert.match(text, /bahut follows the context “\[START\] chai” 2 times/);
    assert.match(text, /\(2 \+ 1\) \/ \(3 \+ 1·7\) = 3 \/ 10 = 0\.3/);
  });
  // stepping outlines the context row being sampled
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  assert.equal(await table.locator('tr.sampling th').textContent(), '[START] [START]');
  // order 1: one row, no context
  await label(page, 'Order').selectOption('1');
  await eventually(async () => assert.deepEqual(await table.getByRole('rowheader').allTextContents(), ['(no context)']));
  await finish(opened);
});

test('stream mode: no [START]/[END], the newline is the token ↵, generation as the core does it', async () => {
  const opened = await load();
  const { page } = opened;
  await label(page, 'Boundaries').selectOption('stream');
  const vocab = page.getByRole('list', { name: 'Vocabulary' });
  await eventually(async () => assert.deepEqual(await tokens(vocab), ['chai', 'bahut', 'garam', 'hai', '↵', 'acha']));
  const want = withModel(LESSON, { boundaries: 'stream' }, (m) => generate(m, { seed: 42, maxLen: 6 }));
  assert.ok(want.includes('\n'));
  assert.deepEqual(await tokens(page.getByRole('region', { name: 'Generated' })), want.map((t) => (t === '\n' ? '↵' : t)));
  assert.ok(await page.getByRole('table', { name: 'Smoothed bigram matrix' }).getByRole('columnheader', { name: '↵' }).isVisible());
  await finish(opened);
});

test('the new settings survive a link and a reload', async () => {
  const opened = await load();
  const { page } = opened;
  await label(page, 'Order').selectOption('4');
  await label(page, 'Tokenizer').selectOption('bpe');
  await label(page, 'Merges').fill('20');
  await label(page, 'Boundaries').selectOption('stream');
  await label(page, 'Text to split').fill('garam chai');
  await label(page, 'Validation text').fill('chai acha hai');
  await eventually(() => assert.match(page.url(), /val=chai\+acha\+hai/));
  const link = page.url();
  for (const key of ['order=4', 'tok=bpe', 'merges=20', 'bounds=stream', 'seg=garam\\+chai']) assert.match(link, new RegExp(key));
  const vocab = await tokens(page.getByRole('list', { name: 'Vocabulary' }));

  const again = await load(link);
  const p = again.page;
  assert.equal(await label(p, 'Order').inputValue(), '4');
  assert.equal(await label(p, 'Tokenizer').inputValue(), 'bpe');
  assert.equal(await label(p, 'Merges').inputValue(), '20');
  assert.ok(await label(p, 'Merges').isVisible());
  assert.equal(await label(p, 'Boundaries').inputValue(), 'stream');
  assert.equal(await label(p, 'Text to split').inputValue(), 'garam chai');
  assert.equal(await label(p, 'Validation text').inputValue(), 'chai acha hai');
  assert.deepEqual(await tokens(p.getByRole('list', { name: 'Vocabulary' })), vocab);
  await finish(again);

  // localStorage brings them back without a link
  await page.goto(new URL('/', env.url).href);
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await label(page, 'Order').inputValue(), '4');
  assert.equal(await label(page, 'Tokenizer').inputValue(), 'bpe');
  // a link with an order the menu does not have falls back to the lesson's
  const odd = await load('/#order=9&tok=nope');
  assert.equal(await label(odd.page, 'Order').inputValue(), '2');
  assert.equal(await label(odd.page, 'Tokenizer').inputValue(), 'word');
  await finish(odd);
  await finish(opened);
});
