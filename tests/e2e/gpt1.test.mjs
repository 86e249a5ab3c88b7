// Part E on the page: GPT-1's weights from a file the user drops. A model file made here is dropped onto the page;
// a worker reads it in chunks (the progress bar moves), the tokens of a continuation appear one at a time, the
// next-token table, a word's rank, all 144 heads' maps (one enlarged, its cells explained), Part B's task in GPT-1's
// ids. Hostile files each show their message and the page keeps working; a reload reads the kept copy back without
// asking; Forget the weights removes it. OpenAI's release (ten .npy pieces and params_shapes.json, dropped or
// picked at once) runs as the same weights in one safetensors file do; a wrong set names the file at fault.
//
// The small models are read with a small tokenizer served in place of the released files (the core builds its
// Gpt1Tokenizer from them); the full-size file is read with GPT-1's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, eventually, shot } from './browser.mjs';
import { LAYERS, HEADS, D, CONTEXT, VOCAB, rows, safetensors, TENSORS, GOOD, gpt1Pages, drop, dropAll, dropFromDisk, recordStream,
  openLab, loaded, text, writeFullSize } from './gpt1-model.mjs';

/** An .npy file of `data` (the numbers' bytes, `size` bytes each) as numpy's np.save writes one: format 1.0, 1-D. */
function npy(data, { descr = '<f4', size = 4 } = {}) {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${data.length / size},), } `;
  dict += `${' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64)}\n`;
  const head = Buffer.alloc(10);
  head.set([0x93, ...Buffer.from('NUMPY'), 1, 0]);
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}

/**
 * The small model as OpenAI released GPT-1: random weights from `seed` in the release's order (positions, tokens,
 * then each block), as one safetensors file in Hugging Face's names, and as the ten params_N.npy pieces of the same
 * numbers (split as numpy's array_split does) with params_shapes.json ([1, in, out] weights).
 */
function release(seed) {
  const tensors = [TENSORS[1], TENSORS[0], ...TENSORS.slice(2)];
  const file = safetensors(tensors, { seed });
  const data = file.subarray(8 + Number(file.readBigUInt64LE(0)));
  const numbers = data.length / 4;
  const pieces = Array.from({ length: 10 }, (_, i) => {
    const begin = i * Math.floor(numbers / 10) + Math.min(i, numbers % 10);
    const end = begin + Math.floor(numbers / 10) + (i < numbers % 10 ? 1 : 0);
    return [npy(data.subarray(4 * begin, 4 * end)), `params_${i}.npy`];
  });
  // (a block's matrices are [1, in, out] in the release: Conv1D's [in, out] with a leading 1)
  const json = JSON.stringify(tensors.map(([name, shape]) => (name.startsWith('h.') && shape.length === 2 ? [1, ...shape] : shape)));
  return { file, pieces, shapes: [Buffer.from(json), 'params_shapes.json'] };
}

const env = {};
let dir;
before(async () => {
  Object.assign(env, await start());
  dir = mkdtempSync(join(tmpdir(), 'gpt1-e2e-'));
});
after(async () => {
  await env.close?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const { newContext, openPage, openPart, closed } = gpt1Pages(env);

/**
 * Drops each case's files (`[what, files, message]`, files as [bytes, name]) and checks that the error starts with
 * `lead` and says `message`, that no weights are loaded and that nothing is kept.
 */
async function refusesEach(page, cases, lead) {
  for (const [what, files, message] of cases) {
    await dropAll(page, files);
    await eventually(async () => {
      assert.match(await text(page, '#gpt1-error'), lead, what);
      assert.match(await text(page, '#gpt1-error'), message, what);
    }, 10000);
    assert.equal(await text(page, '#gpt1-weights-status'), 'No weights loaded.', what);
    assert.equal(await page.locator('#gpt1-forget').isDisabled(), true, `${what}: nothing is kept`);
  }
}

/**
 * Part E's similarity: each order labelled, and the summed state W_y would read, whose numbers are the two orders'
 * added (`where`: _classify_, or the texts' last tokens for a file without the special rows).
 */
async function summedInOrder(page, where) {
  assert.deepEqual(await page.locator('#gpt1-task > ol > li > .seq-label').allTextContents(),
    ['Order 1: text 1 first', 'Order 2: text 2 first']);
  const sum = page.locator('#gpt1-task .gpt1-sum');
  await eventually(async () => assert.match(await sum.textContent(), new RegExp(
    `^Order 1 \\+ order 2: the one vector W_y would read.*The sum of the two orders’ states at ${where}, added element-wise: ${D} numbers`)));
  const firstSix = (t) => t.match(/the first six are ([-\d., ]+), …/)[1].split(', ').map(Number);
  const orders = (await page.locator('#gpt1-task > ol > li').allTextContents()).map(firstSix);
  firstSix(await sum.textContent()).forEach((v, i) => assert.ok(Math.abs(v - orders[0][i] - orders[1][i]) <= 0.0015,
    `number ${i}: ${v} is ${orders[0][i]} + ${orders[1][i]}`));
}

test('without the file the panel says where to get it; a dropped file streams tokens and draws every head', async () => {
  const { context, problems } = await newContext();
  let encoders = 0; // how often GPT-1's encoder file was fetched
  context.on('request', (r) => { if (/encoder_bpe_40000\.json\.gz$/.test(r.url())) encoders += 1; });
  const page = await openPage(context, problems);
  const get = await text(page, '#gpt1-get');
  for (const fact of ['openai-community/openai-gpt', 'model.safetensors', '479 MB', 'MIT licence', 'params_0.npy', 'params_9.npy']) {
    assert.ok(get.includes(fact), `the section names ${fact} before anything is loaded`);
  }
  await openLab(page);
  const about = await text(page, '#gpt1-about');
  for (const fact of ['Files and versions', 'openai/finetune-transformer-lm', 'params_shapes.json', 'Improving Language Understanding by Generative Pre-Training', 'never fine-tuned', 'Forget the weights']) {
    assert.ok(about.includes(fact), `the lab says ${fact}`);
  }
  assert.equal(await text(page, '#gpt1-weights-status'), 'No weights yet.');
  // the form's choice (its chosen radio button), the download button, then the links to the two sources, then the
  // file picker are reachable by keyboard, from the lab's summary
  await page.locator('#gpt1-lab > summary').focus();
  const reached = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('href')));
  }
  assert.deepEqual(reached, ['gpt1-form-float32', 'gpt1-download', 'https://huggingface.co/openai-community/openai-gpt', 'https://github.com/openai/finetune-transformer-lm', 'gpt1-file']);
  await recordStream(page);
  await drop(page, GOOD);
  await loaded(page);
  assert.match(await text(page, '#gpt1-weights-status'), new RegExp(`${LAYERS} layers, ${HEADS} heads, ${D}-dimensional`));

  // the continuation: 20 new tokens, appended one at a time as they came
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  const counts = await page.evaluate(() => window.streamCounts.filter((n) => n > 0));
  assert.deepEqual(counts, Array.from({ length: 20 }, (_, i) => i + 1), 'each token was shown as it came');
  assert.match(await text(page, '#gpt1-output'), /^the cat sat on the mat and /);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From your file: read in \d+\.\d s, first token after \d+\.\d s\.$/));

  // the next-token table: ten tokens, probabilities falling; the word's rank
  const probabilities = (await page.locator('.gpt1-next-table tbody td:last-child').allTextContents()).map(Number);
  assert.equal(probabilities.length, 10);
  assert.ok(probabilities.every((p, i) => p > 0 && p <= 1 && (i === 0 || p <= probabilities[i - 1])), `${probabilities}`);
  assert.match(await text(page, '#gpt1-rank'), new RegExp(`^“the</w>” ranks \\d+ of ${rows} as the next token\\.$`), 'of the model’s rows');
  await page.getByLabel('Where does this word rank?').fill('dog');
  await eventually(async () => assert.match(await text(page, '#gpt1-rank'), /^“dog<\/w>” ranks \d+/));

  // every head: 12 rows of 12 maps; layer 1 head 1 large; another head enlarged by a click, its cells explained
  await eventually(async () => assert.equal(await page.locator('#gpt1-heads button.head-map canvas').count(), LAYERS * HEADS), 20000);
  assert.equal(await page.locator('#gpt1-heads .heads-row[role="group"]').count(), LAYERS);
  assert.match(await text(page, '#gpt1-head-table caption'), /layer 1, head 1$/);
  await page.getByRole('button', { name: /^layer 7, head 4: / }).click();
  assert.match(await text(page, '#gpt1-head-table caption'), /layer 7, head 4$/);
  const T = await page.locator('#gpt1-head-table tbody tr').count();
  assert.equal(T, 7, 'the prompt’s 7 tokens');
  const rowSums = await page.locator('#gpt1-head-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-w]')].reduce((s, td) => s + Number(td.dataset.w), 0)));
  for (const sum of rowSums) assert.ok(Math.abs(sum - 1) < 1e-5, `a row sums to ${sum}`);
  await page.locator('#gpt1-head-table td[data-i="3"][data-j="1"]').hover();
  assert.match(await text(page, '#gpt1-cell-explain'), /^Position 3 \(“on<\/w>”\) attends to position 1 \(“cat<\/w>”\)/);

  // Part B's classification in GPT-1's ids, and the final state at _classify_
  const size = VOCAB.length;
  await eventually(async () => assert.ok((await page.locator('#gpt1-task .chip').count()) > 2));
  const chips = await page.locator('#gpt1-task .chip').evaluateAll((lis) => lis.map((li) => [li.querySelector('.tok').textContent, li.querySelector('.id').textContent]));
  assert.deepEqual(chips[0], ['_start_', String(size)]);
  assert.deepEqual(chips.at(-1), ['_classify_', String(size + 2)]);
  assert.deepEqual(chips.slice(1, 3), [['chai</w>', String(VOCAB.indexOf('chai</w>'))], ['b', String(VOCAB.indexOf('b'))]]);
  assert.match(await text(page, '#gpt1-task'), new RegExp(`The final state at _classify_: ${D} numbers`));
  assert.match(await text(page, '#part-e'), /never fine-tuned: it has no Wy/);
  // a change of task in Part B is followed
  await page.locator('input[name="task"][value="similarity"]').check();
  await eventually(async () => assert.equal(await page.locator('#gpt1-task > ol > li').count(), 2), 5000);
  await summedInOrder(page, '_classify_');
  await page.locator('#part-e').screenshot({ path: shot('part-e.png') });

  // Part A's GPT-1 pieces are answered by the same worker with its one tokenizer (the toy vocabulary here): the
  // released files were fetched once for both
  await page.locator('#segment-text').fill('the cat sat');
  await page.getByRole('button', { name: 'GPT-1’s BPE (40,000 merges)' }).click();
  await eventually(async () => assert.deepEqual(await page.locator('#gpt1-pieces .id').allTextContents(),
    ['the</w>', 'cat</w>', 'sat</w>'].map((t) => String(VOCAB.indexOf(t)))), 10000);
  assert.equal(encoders, 1, 'one tokenizer built, in GPT-1’s worker');
  assert.equal(await page.evaluate(async () => (await import('/www/main.js')).engine.generation('gpt1')), 1);

  await closed(context, problems);
});

for (const [size, options] of [['desktop', {}], ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`${size}, ${colorScheme}: Part E writes GPT-1's pieces as its files do, a word's last piece with </w>`, async () => {
      const { context, problems, page } = await openPart({ ...options, colorScheme });
      await drop(page, GOOD);
      await loaded(page);
      // the next-token table: pieces as the vocabulary spells them; the continuation: joined into words
      await eventually(async () => assert.equal(await page.locator('.gpt1-next-table tbody tr').count(), 10), 20000);
      const next = await page.locator('.gpt1-next-table .next-tok').allTextContents();
      assert.ok(next.every((t) => VOCAB.includes(t)), next.join(' '));
      assert.match(await text(page, '#gpt1-output'), /^the cat sat on the mat and /);
      // the enlarged head's map: its columns are the prompt's pieces
      const columns = page.locator('#gpt1-head-table th[scope="col"]:not(.corner)');
      await eventually(async () => assert.equal(await columns.count(), 7), 20000);
      assert.deepEqual(await columns.allTextContents(), ['the', 'cat', 'sat', 'on', 'the', 'mat', 'and'].map((w) => `${w}</w>`));
      // Part B's task in GPT-1's ids: the same pieces
      await eventually(async () => assert.ok((await page.locator('#gpt1-task .chip').count()) > 2));
      const pieces = await page.locator('#gpt1-task .chip .tok').allTextContents();
      assert.ok(pieces.slice(1, -1).every((t) => VOCAB.includes(t)), pieces.join(' '));
      assert.ok(!(await text(page, '#part-e')).includes('␣'), 'no other mark');
      await closed(context, problems);
    });
  }
}

test('hostile files each say what is wrong, and the page keeps working', async () => {
  const { context, problems, page } = await openPart();
  const lengthOnly = Buffer.alloc(8);
  lengthOnly.writeBigUInt64LE(2n ** 40n);
  const cases = [
    // (refused by the loader, which is told the file's size, or by the page's own check of it)
    ['truncated', GOOD.subarray(0, GOOD.length - 1000), /cut short|describes|past the end|fewer|more than/],
    ['too short for a header', GOOD.subarray(0, 5), /5 bytes long: a safetensors file starts with 8 bytes/],
    ['a header length past the end', Buffer.concat([lengthOnly, Buffer.alloc(64)]), /header|claims/],
    ['lying offsets', safetensors(TENSORS, { edit: (h) => { h['positions_embed.weight'].data_offsets[1] += 4; return h; } }), /positions_embed\.weight/],
    ['wrong-shaped', safetensors([['tokens_embed.weight', [rows, D]], ['positions_embed.weight', [CONTEXT, D + 1]]]), /positions_embed\.weight/],
    ['huge-claiming', safetensors(TENSORS, { edit: (h) => { h['tokens_embed.weight'].shape = [40478, 768, 1000]; return h; } }), /tokens_embed\.weight/],
    ['trailing bytes', Buffer.concat([GOOD, Buffer.alloc(10)]), /10 bytes (after|of data follow) the last tensor/],
  ];
  await refusesEach(page, cases.map(([what, bytes, message]) => [what, [[bytes, `${what}.safetensors`]], message]), /^This file could not be used: /);
  // the rest of the page still answers: Part A's matrix follows an edit
  await page.locator('#corpus').fill('zebra yak zebra');
  await eventually(async () => assert.match(await page.locator('#matrix').textContent(), /yak/));
  // and a good file still loads after them
  await drop(page, GOOD);
  await loaded(page);
  assert.equal(await page.locator('#gpt1-error').isHidden(), true);
  await closed(context, problems);
});

test('a reload reads the kept copy back without asking; Forget the weights removes it', async () => {
  const { context, problems, page } = await openPart();
  // picked this time, through the file input
  const path = join(dir, 'model.safetensors');
  writeFileSync(path, GOOD);
  await page.locator('#gpt1-file').setInputFiles(path);
  await loaded(page);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20, `${await text(page, '#gpt1-weights-status')} ${await text(page, '#gpt1-error')} ${await text(page, '#gpt1-prompt-error')}`), 20000);
  const first = await text(page, '#gpt1-output');
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  // Part E's fields are kept with the page's state, never in the link: a word typed now is there after the reload
  await page.getByLabel('Where does this word rank?').fill('dog');
  await eventually(async () => assert.match(await text(page, '#gpt1-rank'), /^“dog<\/w>” ranks/));

  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#gpt1-lab').getAttribute('open'), '', 'the lab opens by itself');
  await loaded(page);
  assert.equal(await page.getByLabel('Where does this word rank?').inputValue(), 'dog');
  assert.doesNotMatch(new URL(page.url()).hash, /dog/);
  await eventually(async () => assert.match(await text(page, '#gpt1-rank'), /^“dog<\/w>” ranks/), 20000);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From storage: read in \d+\.\d s, first token after \d+\.\d s\.$/), 20000);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  assert.equal(await text(page, '#gpt1-output'), first, 'the same weights and seed give the same continuation');

  await page.getByRole('button', { name: 'Forget the weights' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^The weights are forgotten/));
  assert.equal(await page.locator('#gpt1-ready').isHidden(), true);
  const left = await page.evaluate(async () => {
    const dir = await navigator.storage.getDirectory();
    const names = [];
    for await (const name of dir.keys()) names.push(name);
    return names;
  });
  assert.deepEqual(left, [], 'nothing is left in the origin private file system');
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#gpt1-lab').getAttribute('open'), null, 'the lab stays closed');
  await page.locator('#gpt1-lab > summary').click();
  await page.waitForTimeout(500);
  assert.equal(await text(page, '#gpt1-weights-status'), 'No weights yet.');
  await closed(context, problems);
});

test('a file with no rows for the special tokens (as released): the state at the text\'s last token, and why', async () => {
  const { context, problems, page } = await openPart();
  const released = safetensors([['tokens_embed.weight', [VOCAB.length, D]], ...TENSORS.slice(1)]);
  await drop(page, released);
  await loaded(page);
  await eventually(async () => assert.match(await text(page, '#gpt1-task'), /has 66 token embeddings: _start_, _delimiter_ and _classify_ get theirs only when fine-tuning begins/), 10000);
  assert.match(await text(page, '#gpt1-task'), new RegExp(`The final state at the text's last token: ${D} numbers`));
  // the ids are still GPT-1's: _start_ first, _classify_ last
  const ids = await page.locator('#gpt1-task .chip .id').allTextContents();
  assert.deepEqual([ids[0], ids.at(-1)], [String(VOCAB.length), String(VOCAB.length + 2)]);
  // similarity: the sum of the two orders' states at their texts' last tokens
  await page.locator('input[name="task"][value="similarity"]').check();
  await eventually(async () => assert.equal(await page.locator('#gpt1-task > ol > li').count(), 2), 5000);
  await summedInOrder(page, 'their texts’ last tokens');
  await closed(context, problems);
});

test('OpenAI\'s release, ten .npy pieces dropped at once in any order, runs as the same weights in one safetensors file do', async () => {
  const { context, problems, page } = await openPart();
  const { file, pieces, shapes } = release(11);
  // the same weights as one safetensors file: its continuation and next-token table
  await drop(page, file);
  await loaded(page);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  const expected = { output: await text(page, '#gpt1-output'), next: await page.locator('.gpt1-next-table tbody').textContent() };
  assert.match(await text(page, '#gpt1-timing'), /^From your file:/);

  // the release: the ten pieces and the shapes, shuffled
  await recordStream(page);
  await dropAll(page, [pieces[7], pieces[2], shapes, pieces[0], pieces[9], pieces[4], pieces[1], pieces[8], pieces[3], pieces[6], pieces[5]]);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From your files: read in \d+\.\d s, first token after \d+\.\d s\.$/), 20000);
  assert.match(await text(page, '#gpt1-weights-status'), new RegExp(`^GPT-1 is loaded: ${LAYERS} layers, ${HEADS} heads, ${D}-dimensional`));
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  const counts = await page.evaluate(() => window.streamCounts.filter((n) => n > 0));
  assert.deepEqual(counts, Array.from({ length: 20 }, (_, i) => i + 1), 'each token was shown as it came');
  assert.equal(await text(page, '#gpt1-output'), expected.output, 'the same tokens from the same weights and seed');
  assert.equal(await page.locator('.gpt1-next-table tbody').textContent(), expected.next, 'the same next-token probabilities');
  assert.equal(await page.locator('#gpt1-error').isHidden(), true);

  // kept as one file: a reload reads it back and continues alike
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From storage:/), 20000);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  assert.equal(await text(page, '#gpt1-output'), expected.output);
  await page.getByRole('button', { name: 'Forget the weights' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^The weights are forgotten/));
  await closed(context, problems);
});

test('a wrong set of .npy files says which file and what is allowed; the page keeps working, and the picker takes them all', async () => {
  const { context, problems, page } = await openPart();
  const { pieces, shapes } = release(11);
  const cases = [
    ['one missing', [...pieces.filter((_, i) => i !== 4), shapes], /params_4\.npy is missing: OpenAI's release is ten files, params_0\.npy … params_9\.npy/],
    ['one twice', [...pieces, pieces[2], shapes], /params_2\.npy was given twice/],
    ['an extra file', [...pieces, shapes, [Buffer.from('hello'), 'notes.txt']], /notes\.txt is not one of the release's files: give one model\.safetensors by itself, or OpenAI's release/],
    ['a float64 piece', [...pieces.map((p, i) => (i === 3 ? [npy(Buffer.alloc(80), { descr: '<f8', size: 8 }), p[1]] : p)), shapes], /params_3\.npy: its numbers are "<f8"; the release's are little-endian float32, '<f4'/],
    ['a truncated piece', [...pieces.map((p, i) => (i === 9 ? [p[0].subarray(0, p[0].length - 8), p[1]] : p)), shapes], /params_9\.npy: .* bytes follow it: it is cut short/],
    ['no shapes, not GPT-1\'s size', pieces, /GPT-1's shapes \(for another model, give its params_shapes\.json with them\) need 116,534,784/],
    ['mixed with a safetensors file', [...pieces, shapes, [GOOD, 'model.safetensors']], /model\.safetensors is not one of the release's files/],
  ];
  await refusesEach(page, cases, /^These files could not be used: /);
  // the picker takes the ten pieces and the shapes at once (named as released, in a folder of their own)
  const folder = mkdtempSync(join(dir, 'release-'));
  for (const [bytes, name] of [...pieces, shapes]) writeFileSync(join(folder, name), bytes);
  assert.equal(await page.locator('#gpt1-file').getAttribute('multiple'), '');
  await page.locator('#gpt1-file').setInputFiles([...pieces, shapes].map(([, name]) => join(folder, name)));
  await loaded(page);
  assert.equal(await page.locator('#gpt1-error').isHidden(), true);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  await closed(context, problems);
});

test('a random file at GPT-1\'s full size (479 MB), dropped: read in slices with progress, tokens stream, every head drawn, kept for a reload', async () => {
  const path = join(dir, 'full.safetensors');
  const bytes = writeFullSize(path);
  assert.equal(statSync(path).size, bytes);
  assert.ok(bytes > 470e6 && bytes < 490e6, `${bytes} bytes`);
  const { context, problems } = await newContext({ toy: false }); // GPT-1's own tokenizer files
  context.setDefaultTimeout(120000);
  const page = await openPage(context, problems);
  await openLab(page);
  await recordStream(page);
  const progress = page.evaluate(() => new Promise((resolve) => {
    const values = new Set();
    const bar = document.getElementById('gpt1-progress');
    new MutationObserver(() => values.add(Number(bar.value))).observe(bar, { attributes: true });
    const timer = setInterval(() => values.add(Number(bar.value)), 50);
    new MutationObserver(() => {
      if (/^GPT-1 is loaded/.test(document.getElementById('gpt1-weights-status').textContent)) {
        clearInterval(timer);
        resolve([...values]);
      }
    }).observe(document.getElementById('gpt1-weights-status'), { childList: true, characterData: true, subtree: true });
  }));
  await dropFromDisk(page, path);
  const seen = await progress;
  assert.ok(seen.filter((v) => v > 0 && v < 1).length >= 3, `the progress bar moved through ${seen}`);
  await loaded(page);
  assert.match(await text(page, '#gpt1-weights-status'), /12 layers, 12 heads, 768-dimensional states/);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 120000);
  const counts = await page.evaluate(() => window.streamCounts.filter((n) => n > 0));
  assert.deepEqual(counts, Array.from({ length: 20 }, (_, i) => i + 1), 'each token was shown as it came');
  await eventually(async () => assert.equal(await page.locator('#gpt1-heads button.head-map canvas').count(), 144), 120000);
  const dropTiming = await text(page, '#gpt1-timing');
  assert.match(dropTiming, /^From your file: read in \d+\.\d s, first token after \d+\.\d s\.$/);

  // kept: a reload reads the 479 MB back from storage
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'), 60000);
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From storage: read in \d+\.\d s, first token after \d+\.\d s\.$/), 120000);
  console.log(`full size: ${dropTiming} ${await text(page, '#gpt1-timing')}`);
  await page.getByRole('button', { name: 'Forget the weights' }).click();
  // (answered after the requests already queued: the rest of the continuation, the 144 maps, Part B's states)
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^The weights are forgotten/), 60000);
  await closed(context, problems);
});

// (the core's own refusal of memory is a message, as for any bad file; a browser may instead end the worker)
test('a worker that dies loading (as when the browser refuses its memory) is reported, and the page runs on', async () => {
  const { context, problems, page } = await openPart({ dying: true });
  await drop(page, safetensors(TENSORS, { meta: { heads: String(HEADS), crash: 'yes' } }));
  await eventually(async () => assert.match(await text(page, '#gpt1-error'),
    /^GPT-1's worker stopped \(.*Out of memory.*\): the browser may have refused it the memory it needs\. The rest of the page is not affected\. The compact int8 form needs about a third of that memory: it is chosen now\. Give the file again\.$/), 10000);
  assert.equal(await text(page, '#gpt1-weights-status'), 'No weights loaded.');
  assert.equal(await page.locator('#gpt1-ready').isHidden(), true);
  assert.equal(await page.getByRole('radio', { name: /^compact int8/ }).isChecked(), true, 'the compact form is chosen from now on');
  // Part A still counts, and a good file loads in the fresh worker
  await page.locator('#corpus').fill('zebra yak zebra');
  await eventually(async () => assert.match(await page.locator('#matrix').textContent(), /yak/));
  await drop(page, GOOD);
  await loaded(page);
  // (the small model's d = 24 is no multiple of 32: it runs as float32, and says why)
  assert.match(await text(page, '#gpt1-running'), /^Running: float32/);
  assert.match(await text(page, '#gpt1-form-note'), /^This file’s states are 24-dimensional, and the compact form needs a multiple of 32/);
  problems.splice(0, problems.length, ...problems.filter((p) => !/Out of memory/.test(p))); // the worker's own report
  await closed(context, problems);
});
