// What a first-time student must find stated about pieces (issue 23), on a desktop and a 390 px phone, light and
// dark: GPT-1's ids laid out as the released files hold them; one word-boundary mark, </w>, in the learnt BPE and
// GPT-1's; why the learnt BPE stops early and what its pieces' counts are; GPT-1's steps before BPE for the typed
// text; a merge step-through that steps and keeps up with the text; Part B's errors without stale tokens; what
// GPT-1 itself is fed, labelled by order; Figure 1's texts wrapped, never cut, and its caption in the plural.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { session, inNode, LESSON, eventually, tokens, ids, finish, shot, partB } from './browser.mjs';

const { NgramModel } = await inNode();
const gpt = await inNode('gpt');
const file = (name) => gunzipSync(readFileSync(new URL(`../../www/data/gpt1/${name}.gz`, import.meta.url))).toString('utf8');
const ENCODER = file('encoder_bpe_40000.json');
const MERGES = file('vocab_40000.bpe');
const reference = new gpt.Gpt1Tokenizer(ENCODER, MERGES);

const { load } = session({ timeout: 20000 });

const SIZES = { desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } };
const COMBOS = Object.keys(SIZES).flatMap((size) => ['light', 'dark'].map((colorScheme) => ({ size, colorScheme })));
const open = ({ size, colorScheme }) => load('', { ...SIZES[size], colorScheme });

const label = (page, name) => page.getByLabel(name, { exact: true });
const number = (text) => Number(text.replace(/,/g, ''));
const chips = (list) => list.locator(':scope > li').evaluateAll((items) =>
  items.map((li) => [li.querySelector('.tok').textContent, Number(li.querySelector('.id').textContent)]));

/** Nothing is wider than a phone's screen: what is wide scrolls inside its own box. */
async function fitsTheScreen(page, size) {
  if (size !== 'phone') return;
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'nothing wider than the screen');
}

/**
 * Checks the page's statement of how GPT-1's released vocabulary is laid out against the released files, fact by
 * fact: every number is read from the page's text and compared with what the files hold.
 */
function checkLayout(text) {
  const encoder = JSON.parse(ENCODER);
  const token = [];
  for (const [piece, id] of Object.entries(encoder)) token[id] = piece;
  const merges = MERGES.split('\n').slice(1).filter(Boolean).map((line) => line.split(' '));
  const read = (pattern) => {
    const found = text.match(pattern);
    assert.ok(found, `the page states ${pattern}: ${text}`);
    return found.slice(1);
  };
  const [size, last] = read(/holds ([\d,]+) tokens, ids 0 to ([\d,]+)/).map(number);
  assert.equal(size, Object.keys(encoder).length);
  assert.equal(last, token.length - 1);
  assert.equal(token.filter((t) => t !== undefined).length, size, 'every id from 0 to the last is used once');
  const [unknown] = read(/id 0 is (\S+),/);
  assert.equal(token[0], unknown);
  const [charFrom, charTo, chars] = read(/ids ([\d,]+) to ([\d,]+) are ([\d,]+) characters;/).map(number);
  assert.equal(charTo - charFrom + 1, chars);
  for (let id = charFrom; id <= charTo; id++) assert.equal([...token[id]].length, 1, `id ${id} is one character`);
  const [endFrom, endTo, again, example, exampleIs, first, firstIs] = read(
    /ids ([\d,]+) to ([\d,]+) are the same ([\d,]+) characters ending a word, in the same order \(id ([\d,]+) is (\S+), as id (\d+) is (\S+)\)/);
  assert.equal(number(again), chars);
  assert.equal(number(endTo) - number(endFrom) + 1, chars);
  for (let k = 0; k < chars; k++) assert.equal(token[number(endFrom) + k], `${token[charFrom + k]}</w>`);
  assert.equal(token[number(example)], exampleIs);
  assert.equal(token[number(first)], firstIs);
  const [mergeFrom, mergeTo, count, offset, left, right, made, madeId] = read(
    /ids ([\d,]+) to ([\d,]+) are the results of the ([\d,]+) merges in the order they were learnt, so merge n makes id ([\d,]+) \+ n \(merge 1, (\S+) \+ (\S+), makes (\S+), id ([\d,]+)\)/);
  assert.equal(number(count), merges.length);
  assert.equal(number(mergeTo) - number(mergeFrom) + 1, merges.length);
  merges.forEach(([l, r], n) => assert.equal(encoder[l + r], number(offset) + n + 1, `merge ${n + 1}, ${l} + ${r}`));
  assert.deepEqual([left, right, made, number(madeId)], [...merges[0], merges[0].join(''), encoder[merges[0].join('')]]);
  const [lineBreak, written] = read(/id ([\d,]+) is the line break, (\S+)\./);
  assert.equal(token[number(lineBreak)], written.replace('\\n', '\n'));
  assert.equal(number(lineBreak), last, 'the last id');
  const specials = read(/_start_ ([\d,]+), _delimiter_ ([\d,]+) and _classify_ ([\d,]+)/).map(number);
  assert.deepEqual(specials, [...reference.specialIds]);
  assert.equal(specials[0], size, 'the special tokens come after the vocabulary');
  // the ranges tile the ids, with nothing left over
  assert.deepEqual([charFrom, number(endFrom), number(mergeFrom), number(lineBreak)],
    [1, charTo + 1, number(endTo) + 1, number(mergeTo) + 1]);
}

for (const combo of COMBOS) {
  const name = `${combo.size}, ${combo.colorScheme}`;

  test(`${name}: GPT-1's ids as the files hold them; one mark, </w>; the learnt BPE says why it stops`, async () => {
    const opened = await open(combo);
    const { page } = opened;
    // how GPT-1's ids are laid out: answered in place, beside where pieces first appear
    const layout = page.locator('details[data-reading="why-ids"]');
    await layout.locator('summary').click();
    await eventually(async () => assert.match(await layout.textContent(), /holds 40,478 tokens/));
    checkLayout((await layout.locator('p').textContent()).replace(/\s+/g, ' '));
    // the end-of-word mark is explained where pieces first appear, and in the glossary
    assert.match(await page.locator('#word-end-note').textContent(), /a piece that ends a word carries\s+<\/w>, so\s+chai<\/w> is the word chai/);
    await page.getByRole('link', { name: 'Glossary' }).first().click();
    const glossary = page.locator('#glossary-terms');
    await eventually(async () => assert.ok((await glossary.locator('dt').allTextContents()).includes('</w>')));
    assert.match(await glossary.locator('dt:text-is("</w>") + dd').textContent(), /chai<\/w> is the whole word chai/);
    // no statement of the vocabulary contradicts the layout
    assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /base symbols plus the merges/);

    // the learnt BPE writes </w> on a word's last piece, never a space
    await label(page, 'Tokenizer').selectOption('bpe');
    const model = new NgramModel(LESSON, { tokenizer: 'bpe' });
    const want = { vocab: model.vocab, merges: model.merges(), totals: model.nextTotals(), chaat: model.segment('chaat') };
    model.free();
    const vocab = page.getByRole('list', { name: 'Vocabulary' });
    await eventually(async () => assert.deepEqual(await tokens(vocab), want.vocab));
    assert.ok(want.vocab.includes('chai</w>') && !want.vocab.some((t) => /\s/.test(t)));
    // a word is spelt the same at the start of the text as after a space
    const segment = page.getByRole('region', { name: 'Tokens of the text' }).getByRole('list', { name: 'Tokens' });
    await label(page, 'Text to split').fill('garam chai garam');
    await eventually(async () => assert.deepEqual(await tokens(segment), ['garam</w>', 'chai</w>', 'garam</w>']));
    assert.equal(new Set(await ids(segment)).size, 2);
    // fewer merges than asked, and why
    assert.equal(want.merges.length, 14);
    assert.equal(await page.locator('#merges-count').textContent(), '14 merges learnt.');
    assert.equal(await page.locator('#merges-why').textContent(), 'Fewer than the 100 asked for: after merge 14 every '
      + 'word of the corpus is a single piece, so no pair of neighbouring pieces is left to merge.');
    assert.ok(!(await page.locator('#merges-list').textContent()).includes('␣'));
    // a new word of known letters: its pieces, and how often the corpus has each (not "pieces the model knows well")
    await label(page, 'Text to split').fill('chaat');
    const counted = want.chaat.map((p) => `${p} ${want.totals[want.vocab.indexOf(p)]}`).join(', ');
    await eventually(async () => assert.match(await page.locator('#rare-word').textContent(),
      new RegExp(`spells it as ${want.chaat.join(' · ')}\\. How often the corpus has each piece as a next token \\(its count in the piece’s column\\): ${counted}\\. A piece counted 0 occurs only inside longer pieces`)));
    assert.doesNotMatch(await page.locator('#part-a').textContent(), /knows well/);
    await fitsTheScreen(page, combo.size);
    await page.locator('[data-section="tokenizer"]').screenshot({ path: shot(`pieces-bpe-${combo.size}-${combo.colorScheme}.png`) });
    await finish(opened);
  });

  test(`${name}: GPT-1's steps for the typed text; its merges step by step, kept only while their word is there`, async () => {
    const opened = await open(combo);
    const { page } = opened;
    await label(page, 'Tokenizer').selectOption('bpe');
    const typed = 'I Don’t like chaiwala…';
    await label(page, 'Text to split').fill(typed);
    const button = page.getByRole('button', { name: 'GPT-1’s BPE (40,000 merges)' });
    await button.click();
    const stages = page.getByRole('list', { name: 'GPT-1’s steps before BPE' }).locator(':scope > li');
    // (the first answer waits for GPT-1's lane: its worker compiles the transformer's module and reads the files)
    await eventually(async () => assert.equal(await stages.count(), 4), 20000);
    const want = reference.stages(typed);
    assert.match(await stages.nth(0).textContent(), /^ftfy\.fix_text repairs the text: .*leaves that repair out\./);
    assert.equal(await stages.nth(0).locator('q').textContent(), want.fixed);
    assert.equal(want.fixed, 'I Don\'t like chaiwala…', 'the apostrophe straightened');
    assert.equal(await stages.nth(1).locator('q').textContent(), want.standardized);
    assert.equal(want.standardized, 'I Don\'t like chaiwala...', 'the ellipsis written out');
    assert.match(await stages.nth(2).textContent(), /don't is do \+ n't/);
    assert.deepEqual(await stages.nth(2).locator('.tok').allTextContents(), want.tokens);
    assert.deepEqual(want.tokens, ['I', 'Do', 'n\'t', 'like', 'chaiwala', '...']);
    assert.deepEqual(await stages.nth(3).locator('.tok').allTextContents(), want.lowered);
    // then BPE word by word: the pieces, every word's last one ending in </w>
    const pieces = page.locator('#gpt1-pieces');
    assert.deepEqual(await chips(pieces), want.pieces.flat().map((p, i) => [p, want.ids.flat()[i]]));
    // each word holding a letter the toy model lacks: GPT-1 spells the whole word, not the letter
    const unknown = page.locator('#gpt1-unknown > li');
    await eventually(async () => assert.equal(await unknown.count(), 4), 5000);
    assert.match(await unknown.first().textContent(), /^“I”: the toy model has no id for “I<\/w>”; GPT-1 spells the whole word/);
    assert.match(await unknown.last().textContent(),
      /^“chaiwala…”: the toy model has no id for “w”, “l” and “…<\/w>”; GPT-1 spells the whole word/);
    assert.deepEqual(await chips(unknown.last().locator('ol')), reference.pieces('chaiwala…')
      .map((p, i) => [p, reference.encode('chaiwala…')[i]]));
    assert.deepEqual(reference.pieces('chaiwala…'), ['cha', 'i', 'wal', 'a</w>', '...</w>']);

    // a click on a piece of chaiwala: its characters first, then one merge pass a press
    await pieces.getByRole('button').nth(want.pieces.slice(0, 4).flat().length).click();
    const steps = page.locator('#gpt1-steps > li');
    const status = page.locator('#gpt1-step-status');
    const all = reference.merges('chaiwala');
    assert.match(await page.locator('#gpt1-steps-title').textContent(), /“chaiwala”/);
    await eventually(async () => assert.equal(await steps.count(), 1));
    assert.match(await steps.first().textContent(), /^characters: c · h · a · i · w · a · l · a<\/w>$/);
    assert.match(await status.textContent(), new RegExp(`${all.length - 1} merge passes to go: press Next merge`));
    await page.getByRole('button', { name: 'Next merge' }).click();
    assert.equal(await steps.count(), 2);
    assert.match(await status.textContent(), new RegExp(`^Pass 1 of ${all.length - 1}: ${all[1].pair.join(' \\+ ')} is merge ${all[1].rank + 1} of 40,000`));
    await page.getByRole('button', { name: 'All steps' }).click();
    assert.equal(await steps.count(), all.length);
    assert.match(await steps.last().textContent(), /cha · i · wal · a<\/w>$/);
    assert.ok(await page.getByRole('button', { name: 'Next merge' }).isDisabled());
    assert.equal(await page.evaluate(() => document.activeElement.id), 'gpt1-step-back', 'the focus is not left on a dead button');
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await steps.count(), all.length - 1);
    // the word stays in the text: its steps stay; the word gone: its steps go
    await label(page, 'Text to split').fill('chaiwala chai');
    await eventually(async () => assert.equal(await pieces.locator('li').count(), reference.pieces('chaiwala chai').length));
    assert.ok(await page.locator('#gpt1-steps-box').isVisible());
    await label(page, 'Text to split').fill('garam chai');
    await eventually(async () => assert.ok(await page.locator('#gpt1-steps-box').isHidden()));
    assert.equal(await steps.count(), 0);
    // the button stays, and hides and shows again what it showed, up to date
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    await button.click();
    assert.ok(await page.locator('#gpt1-out').isHidden());
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    await label(page, 'Text to split').fill('chai acha');
    await button.click();
    await eventually(async () => assert.deepEqual((await chips(pieces)).map(([p]) => p), reference.pieces('chai acha')));
    await fitsTheScreen(page, combo.size);
    await finish(opened);
  });

  test(`${name}: Part B clears its tokens under an error; GPT-1's input labelled by order; Figure 1 wraps its texts`, async () => {
    const opened = await open(combo);
    const { page } = opened;
    await partB(page);
    const sequences = page.locator('#out-classification-sequences');
    await eventually(async () => assert.deepEqual(await tokens(sequences), ['[START]', 'chai', 'bahut', 'garam', 'hai', '[EXTRACT]']));
    await label(page, 'Text').fill('chai thandi hai');
    await eventually(async () => assert.match(await page.locator('#out-classification-error').textContent(), /"thandi"/));
    assert.equal(await sequences.locator('li').count(), 0, 'no tokens of the earlier text under the error');
    await label(page, 'Text').fill('chai acha hai');
    await eventually(async () => assert.deepEqual(await tokens(sequences), ['[START]', 'chai', 'acha', 'hai', '[EXTRACT]']));
    assert.ok(await page.locator('#out-classification-error').isHidden());

    // similarity: the toy's and GPT-1's token lists, each order labelled
    await page.getByRole('radio', { name: 'Similarity' }).check();
    const orders = ['Order 1: text 1 first', 'Order 2: text 2 first'];
    await eventually(async () => assert.deepEqual(await page.locator('#out-similarity-sequences .seq-label').allTextContents(), orders));
    const fed = page.getByRole('button', { name: 'What GPT-1 itself is fed' });
    await fed.click();
    const lists = page.locator('#gpt1-fed > li');
    await eventually(async () => assert.equal(await lists.count(), 2), 20000); // (the lane loads first)
    assert.deepEqual(await page.locator('#gpt1-fed .seq-label').allTextContents(), orders);
    const [a, b] = [await label(page, 'Text 1').inputValue(), await label(page, 'Text 2').inputValue()];
    const piecesOf = (text) => reference.pieces(text).map((p, i) => [p, reference.encode(text)[i]]);
    assert.deepEqual(await chips(lists.nth(1).locator('ol')), [['_start_', 40478], ...piecesOf(b), ['_delimiter_', 40479],
      ...piecesOf(a), ['_classify_', 40480]]);
    // the button stays after its press (nothing vanishes), and shows the current texts as they change
    assert.ok(await fed.isVisible());
    assert.equal(await fed.getAttribute('aria-expanded'), 'true');
    await label(page, 'Text 2').fill('chai garam hai');
    await eventually(async () => assert.deepEqual(await chips(lists.nth(0).locator('ol')), [['_start_', 40478],
      ...piecesOf(a), ['_delimiter_', 40479], ...piecesOf('chai garam hai'), ['_classify_', 40480]]));

    // Figure 1: the caption in the plural; every text whole, wrapped inside its box
    await page.locator('#figure1').scrollIntoViewIfNeeded();
    const figure = page.locator('#figure1');
    await eventually(async () => assert.match(await figure.locator('figcaption').textContent(),
      /the two token lists, one per order, each go through the same pre-trained Transformer; their final states at \[EXTRACT\] are added/));
    await label(page, 'Text 1').fill('chai bahut garam hai aur meethi bhi hai');
    const boxes = () => figure.locator('g.figure1-text').evaluateAll((groups) => groups.map((g) => {
      const rect = g.querySelector('rect').getBBox();
      const texts = [...g.querySelectorAll('text')];
      return { role: texts.filter((t) => t.classList.contains('figure1-role')).map((t) => t.textContent).join(''),
        text: texts.filter((t) => !t.classList.contains('figure1-role')).map((t) => t.textContent).join(' '),
        inside: texts.every((t) => {
          const box = t.getBBox();
          return box.x >= rect.x && box.x + box.width <= rect.x + rect.width && box.y >= rect.y && box.y + box.height <= rect.y + rect.height;
        }) };
    }));
    // (a line ends at a space, or inside a word longer than a line: without the spaces the lines spell the text)
    await eventually(async () => assert.ok((await boxes()).some((b) => b.text.replace(/ /g, '') === 'chaibahutgaramhaiaurmeethibhihai')));
    for (const b of await boxes()) {
      assert.ok(b.inside, `${b.role}: every line inside its box`);
      assert.ok(!b.text.includes('…') && !b.role.includes('…'), `${b.role}: nothing cut`);
      assert.match(b.role.replace(/ /g, ''), /^Text[12]$/);
    }
    await fitsTheScreen(page, combo.size);
    await figure.screenshot({ path: shot(`figure1-similarity-${combo.size}-${combo.colorScheme}.png`) });
    await finish(opened);
  });
}
