// Issue 14 on the page: GPT-1's own tokenizer. Nothing of it loads with the page; asked for, it shows the lesson
// sentence's real pieces and ids, a click steps through a word's merges, a word the toy model cannot see is spelt
// from GPT-1's pieces, and Part B shows what GPT-1 itself is fed, with 40,478–40,480 as start, delimiter, extract.
// The ids are checked against the wasm module run here, in Node, on the same released files. The tokenizer runs in
// GPT-1's lane of the page's engine: a crash of its worker is recovered as every lane's is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { session, inNode, open, eventually, inject } from './browser.mjs';

const api = await inNode('gpt');
const file = (name) => gunzipSync(readFileSync(new URL(`../../www/data/gpt1/${name}.gz`, import.meta.url))).toString('utf8');
const reference = new api.Gpt1Tokenizer(file('encoder_bpe_40000.json'), file('vocab_40000.bpe'));

const { env } = session();

const chips = (list) => list.locator('li').evaluateAll((items) =>
  items.map((li) => [li.querySelector('.tok').textContent, Number(li.querySelector('.id').textContent)]));

test('GPT-1 tokens: loaded on demand, real ids, merges step by step, unknown words spelt, Part B fed', async () => {
  const { context, page, problems } = await open(env);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.locator('html[data-ready="true"]').waitFor();
  assert.ok(!requests.some((u) => /data\/gpt1\//.test(u)), 'the released files are not part of the first load');

  await page.locator('#segment-text').fill('chai bahut garam hai');
  await page.getByRole('button', { name: 'GPT-1’s BPE (40,000 merges)' }).click();
  const pieces = page.locator('#gpt1-pieces');
  await eventually(async () => assert.equal(await pieces.locator('li').count(), 6), 20000);
  assert.deepEqual(await chips(pieces), [['chai</w>', 33694], ['ba', 829], ['hut</w>', 9813], ['gar', 1325],
    ['am</w>', 1048], ['hai</w>', 19965]]);
  assert.ok(requests.some((u) => /encoder_bpe_40000\.json\.gz/.test(u)) && requests.some((u) => /vocab_40000\.bpe\.gz/.test(u)));

  // a click on "hut</w>" steps through the merges of "bahut", from its characters, one pass a press
  await pieces.getByRole('button').nth(2).click();
  const steps = page.locator('#gpt1-steps li');
  await eventually(async () => assert.equal(await steps.count(), 1));
  assert.match(await steps.first().textContent(), /characters: b · a · h · u · t<\/w>/);
  for (let pass = 1; pass < reference.merges('bahut').length; pass++) {
    await page.getByRole('button', { name: 'Next merge' }).click();
    assert.equal(await steps.count(), pass + 1);
  }
  assert.match(await steps.last().textContent(), /ba · hut<\/w>$/);

  // typing updates the pieces; a word the lesson's word model has never seen is spelt from GPT-1's pieces
  await page.locator('#segment-text').fill('chaiwala chai');
  await eventually(async () => assert.deepEqual(await chips(pieces),
    reference.pieces('chaiwala chai').map((p, i) => [p, reference.encode('chaiwala chai')[i]])));
  const unknown = page.locator('#gpt1-unknown li');
  await eventually(async () => assert.match(await unknown.first().textContent(), /“chaiwala” has no id in the toy model; GPT-1 spells the whole word/));
  assert.deepEqual(await chips(unknown.first().locator('ol')), reference.pieces('chaiwala').map((p, i) => [p, reference.encode('chaiwala')[i]]));

  // Part B: the classification input as GPT-1 is fed it
  await page.getByRole('button', { name: 'What GPT-1 itself is fed' }).click();
  const fed = page.locator('#gpt1-fed > li');
  await eventually(async () => assert.equal(await fed.count(), 1));
  const text = await page.locator('#text').inputValue();
  const sequence = await chips(fed.first().locator('ol'));
  assert.deepEqual(sequence, [['_start_', 40478], ...reference.pieces(text).map((p, i) => [p, reference.encode(text)[i]]),
    ['_classify_', 40480]]);
  assert.deepEqual(await fed.first().locator('.role').allTextContents(), ['(start)', '(extract)']);
  await page.locator('input[name="task"][value="similarity"]').check();
  await eventually(async () => assert.equal(await fed.count(), 2));
  assert.ok((await chips(fed.first().locator('ol'))).some(([piece, id]) => piece === '_delimiter_' && id === 40479));
  assert.deepEqual(await fed.first().locator('.role').allTextContents(), ['(start)', '(delimiter)', '(extract)']);

  assert.deepEqual(problems, []);
  await context.close();
});

test('GPT-1 tokens through the engine: a crashed worker is replaced and the pieces asked again; a second crash gives up until the next edit', async () => {
  const { context, page, problems } = await open(env);
  const encoders = [];
  page.on('request', (r) => { if (/encoder_bpe_40000\.json\.gz/.test(r.url())) encoders.push(r.url()); });
  await page.locator('html[data-ready="true"]').waitFor();
  await page.locator('#segment-text').fill('chai bahut garam hai');
  await page.getByRole('button', { name: 'GPT-1’s BPE (40,000 merges)' }).click();
  const pieces = page.locator('#gpt1-pieces');
  await eventually(async () => assert.equal(await pieces.locator('li').count(), 6), 20000);
  const generation = () => page.evaluate(async () => (await import('/www/main.js')).engine.generation('gpt1'));
  assert.equal(await generation(), 1, 'one worker for GPT-1, the tokenizer built in it once');
  assert.equal(encoders.length, 1);

  // the worker dies: a fresh one starts, builds its own tokenizer, and the pieces are asked for again
  await pieces.evaluate((list) => list.replaceChildren());
  await inject.crashWorker(page, 'gpt1');
  await eventually(async () => assert.equal(await pieces.locator('li').count(), 6), 20000);
  assert.equal(await generation(), 2);
  assert.equal(encoders.length, 2, 'the fresh worker loaded the files again');
  await page.locator('#segment-text').fill('chai acha');
  await eventually(async () => assert.deepEqual(await chips(pieces),
    reference.pieces('chai acha').map((p, i) => [p, reference.encode('chai acha')[i]])), 20000);

  // it dies again, and its replacement dies before answering: the panel says so and asks nothing more ...
  await page.evaluate(async () => {
    const { engine } = await import('/www/main.js');
    const crash = () => engine.lane('gpt1').transport.worker.dispatchEvent(new ErrorEvent('error', { message: 'test crash', cancelable: true }));
    crash();
    await new Promise((done) => { setTimeout(done); }); // the panel has asked the second worker again
    crash();
  });
  await eventually(async () => assert.match(await pieces.textContent(), /GPT-1’s tokenizer stopped twice \(test crash\); edit the text to try again\./));
  assert.equal(await generation(), 4);
  // ... until the next edit, which the fourth worker answers
  await page.locator('#segment-text').fill('garam chai');
  await eventually(async () => assert.deepEqual(await chips(pieces),
    reference.pieces('garam chai').map((p, i) => [p, reference.encode('garam chai')[i]])), 20000);
  assert.equal(await generation(), 4);

  assert.deepEqual(problems, []);
  await context.close();
});
