// Part E's experiments on the page, with a small GPT-1-shaped model (gpt1-model.mjs's toy vocabulary, 512 positions,
// a file that says its vocabulary is the toy's 66 tokens, so the fine-tuner's special rows follow it): the four
// zero-shot heuristics on the built-in inputs, their numbers checked against the same model in Node, the threshold
// moved by keyboard, the built-in examples' table, bad inputs answered beside their field; fine-tuning both copies
// with Pause, Go on and Stop, its before and after checked against the core's tuner run here; and at a phone's width
// in the dark, nothing wider than the phone and no axe-core violation in the lab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { start, eventually, inNode } from './browser.mjs';
import { HEADS, TENSORS, VOCAB, gpt1Pages, drop, loaded, safetensors, text, toyFiles } from './gpt1-model.mjs';

const env = {};
before(async () => { Object.assign(env, await start()); });
after(async () => { await env.close?.(); });
const { openPart, closed } = gpt1Pages(env);

/** The small model with 512 positions, its file saying its vocabulary (the fine-tuner adds three rows after it). */
const FILE = safetensors(TENSORS.map(([name, shape]) => (name === 'positions_embed.weight' ? [name, [512, shape[1]]] : [name, shape])),
  { seed: 5, meta: { heads: String(HEADS), vocab: String(VOCAB.length) } });
const BUILTIN = JSON.parse(readFileSync(new URL('../../www/data/gpt1-experiments.json', import.meta.url), 'utf8'));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// the same model and tokenizer in Node: what the page must show
const api = await inNode('gpt');
const gpt = api.TinyGpt.fromSafetensors(FILE);
const bpe = new api.Gpt1Tokenizer(toyFiles().encoder, toyFiles().merges);
const ids = (t) => Array.from(bpe.encode(t));
const logProbs = (all) => Array.from(gpt.tokenLogProbs(Uint32Array.from(all)));
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/** The numbers named `name` under `selector`, as the page holds them (data-value). */
const numbers = (page, selector, name) => page.locator(`${selector} [data-name="${name}"]`)
  .evaluateAll((els) => els.map((e) => Number(e.dataset.value)));

/** Presses a heuristic's button and waits for its guess. */
async function score(page, key) {
  await page.locator(`#gpt1-zs-${key}-run`).click();
  await eventually(async () => assert.match(await text(page, `#gpt1-zs-${key}-status`), /^GPT-1’s guess: .* \(\d+ pass(es)? in \d+\.\d s\)\.$/), 30000);
}

/** A loaded page with the small model. */
async function withModel(options) {
  const opened = await openPart(options);
  await drop(opened.page, FILE);
  await loaded(opened.page);
  return opened;
}

test('the four zero-shot heuristics on the built-in inputs: every number is the model\'s own, the guesses follow', async () => {
  const { context, problems, page } = await withModel();
  // the fields start with each heuristic's first built-in example
  await eventually(async () => assert.equal(await page.getByLabel('Text to judge').inputValue(), BUILTIN.sentiment[0].text));
  assert.equal(await page.getByLabel('Sentence, its pronoun in [brackets]').inputValue(), BUILTIN.winograd[0].sentence);
  assert.equal(await page.getByLabel('Answers to choose from').inputValue(), BUILTIN.choice[0].answers.join('\n'));
  assert.match(await text(page, '#part-e'), /They are heuristics, not a fine-tuned model/);
  assert.match(await text(page, '#part-e'), /found their scores rising steadily with it/);

  // sentiment: the text, "very", then each word's tokens
  await score(page, 'sentiment');
  const prompt = [...ids(BUILTIN.sentiment[0].text), ...ids('very')];
  const words = ['positive', 'negative'].map((w) => logProbs([...prompt, ...ids(w)]).slice(-ids(w).length).reduce((a, b) => a + b));
  assert.deepEqual(await numbers(page, '#gpt1-zs-sentiment-out', 'log-prob'), words);
  assert.deepEqual(await numbers(page, '#gpt1-zs-sentiment-out', 'probability'), words.map(Math.exp));
  const restricted = await numbers(page, '#gpt1-zs-sentiment-out', 'restricted');
  restricted.forEach((p, i) => assert.ok(Math.abs(p - Math.exp(words[i]) / (Math.exp(words[0]) + Math.exp(words[1]))) < 1e-12));
  const guess = words[0] >= words[1] ? 'positive' : 'negative';
  assert.match(await text(page, '#gpt1-zs-sentiment-out .gpt1-zs-verdict'), new RegExp(`^Guess: ${guess}\\. Restricted to the two words, P\\(${guess}\\) = `));
  assert.equal(await page.locator('#gpt1-zs-sentiment-out .chips li').count(), prompt.length, 'the tokens GPT-1 read, very last');

  // acceptability: each token after the first, the mean, the verdict; each value readable as text
  await score(page, 'acceptability');
  const sentence = logProbs(ids(BUILTIN.acceptability[0].text));
  assert.deepEqual(await numbers(page, '#gpt1-zs-acceptability-out', 'token'), sentence);
  assert.deepEqual(await numbers(page, '#gpt1-zs-acceptability-out', 'mean'), [mean(sentence)]);
  const strip = page.locator('#gpt1-zs-acceptability-out .lp-strip li');
  assert.equal(await strip.count(), sentence.length + 1);
  const read = ids(BUILTIN.acceptability[0].text).map((id) => bpe.piece(id)); // the tokens as the model read them
  assert.equal(await strip.first().textContent(), `${read[0]} —`);
  assert.equal(await strip.nth(1).textContent(), `${read[1]} ${sentence[0].toFixed(3)}`);
  // the threshold, moved by keyboard: to 0 nothing random passes; to −20 it does
  await page.getByLabel('Threshold on the average log-probability').focus();
  await page.keyboard.press('End');
  assert.equal(await text(page, '#gpt1-threshold-value'), '0.0');
  assert.match(await text(page, '#gpt1-zs-acceptability-out .gpt1-verdict'), / < 0\.0: unacceptable\.$/);
  await page.keyboard.press('Home');
  assert.match(await text(page, '#gpt1-zs-acceptability-out .gpt1-verdict'), / ≥ -20\.0: acceptable\.$/);

  // multiple choice: each answer after the document and question
  await score(page, 'choice');
  const [story] = BUILTIN.choice;
  const means = story.answers.map((a) => mean(logProbs([...ids(story.context), ...ids(a)]).slice(-ids(a).length)));
  assert.deepEqual(await numbers(page, '#gpt1-zs-choice-out', 'mean'), means);
  const pick = means.indexOf(Math.max(...means));
  assert.match(await text(page, '#gpt1-zs-choice-out .gpt1-zs-verdict'), new RegExp(`^Picked: answer ${pick + 1}, `));

  // Winograd: the rest of the sentence after each candidate
  await score(page, 'winograd');
  const [schema] = BUILTIN.winograd;
  const [head, rest] = schema.sentence.split('[it]');
  const rests = schema.candidates.map((c) => mean(logProbs([...ids(head + c), ...ids(rest)]).slice(-ids(rest).length)));
  assert.deepEqual(await numbers(page, '#gpt1-zs-winograd-out', 'mean'), rests);
  assert.match(await text(page, '#gpt1-zs-winograd-out .gpt1-zs-verdict'), new RegExp(`^Picked: ${schema.candidates[rests[0] >= rests[1] ? 0 : 1]},`));
  assert.match(await text(page, '#gpt1-zs-winograd-out table'), /The cup would not fit on the shelf because the shelf was too tall\./);
  await closed(context, problems);
});

test('the built-in examples\' table, and bad inputs answered beside their field with the text kept', async () => {
  const { context, problems, page } = await withModel();
  await page.locator('#gpt1-zs-winograd-builtin:enabled').click();
  await eventually(async () => assert.match(await text(page, '#gpt1-zs-winograd-status'), /^The 4 built-in examples are scored \(\d+\.\d s\): \d guessed right\.$/), 30000);
  const rows = page.locator('#gpt1-zs-winograd-examples > table > tbody > tr');
  assert.equal(await rows.count(), 4);
  const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.firstChild?.nodeType === 3 ? td.textContent : '')));
  cells.forEach((row, i) => {
    assert.equal(row[1], BUILTIN.winograd[i].candidates[BUILTIN.winograd[i].answer]);
    assert.equal(row[4], row[3] === row[1] ? 'yes' : 'no', `example ${i + 1}: right? follows the guess`);
  });
  const right = cells.filter((row) => row[4] === 'yes').length;
  assert.equal(await text(page, '#gpt1-zs-winograd-examples > table > caption'), `The built-in examples: ${right} of the 4 scored guessed right`);
  assert.match(await text(page, '#gpt1-zs-winograd-status'), new RegExp(`: ${right} guessed right\\.$`));
  await rows.first().locator('summary').click(); // every number of an example, on demand
  assert.equal(await rows.first().locator('[data-name="mean"]').count(), 2);

  const schema = page.getByLabel('Sentence, its pronoun in [brackets]');
  await schema.fill('The dog chased the cat and it barked.');
  await page.locator('#gpt1-zs-winograd-run').click();
  assert.match(await text(page, '#gpt1-zs-schema-error'), /^Put the pronoun in square brackets, once: .* This sentence has none\.$/);
  assert.equal(await schema.getAttribute('aria-invalid'), 'true');
  assert.equal(await schema.inputValue(), 'The dog chased the cat and it barked.', 'the text is kept');
  await page.getByLabel('Answers to choose from').fill('Only one answer.');
  await page.locator('#gpt1-zs-choice-run').click();
  assert.equal(await text(page, '#gpt1-zs-answers-error'), 'Write 2 to 8 answers, one a line; there is 1.');
  await page.getByLabel('Text to judge').fill('   ');
  await page.locator('#gpt1-zs-sentiment-run').click();
  await eventually(async () => assert.equal(await text(page, '#gpt1-zs-text-error'), 'The text has 0 tokens; it needs at least 1'));
  // mended, each works again
  await schema.fill('The dog chased the cat and [it] barked.');
  await score(page, 'winograd');
  assert.equal(await page.locator('#gpt1-zs-schema-error').isHidden(), true);
  assert.equal(await schema.getAttribute('aria-invalid'), null);
  // what was typed is kept for the next visit
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page);
  await eventually(async () => assert.equal(await page.getByLabel('Answers to choose from').inputValue(), 'Only one answer.'));
  assert.equal(await page.getByLabel('Sentence, its pronoun in [brackets]').inputValue(), 'The dog chased the cat and [it] barked.');
  await closed(context, problems);
});

const LABELLED = ['chai is hot and good\tyes', 'the dog ran\tno', 'the cat is good\tyes', 'the mat is hot\tno', 'chai is good\tyes',
  'the dog sat on the mat\tno', 'chai and the cat\tyes', 'the dog is hot\tno'].join('\n');
const HELD_OUT = 'the cat sat on the mat .';
const STEPS = 500; // the most a run takes: time to press Pause and Stop while the small model trains

/** Both copies as the core's tuner fine-tunes them here: before and after, as the page's table holds them. */
function expected(steps, rate) {
  const [start, , classify] = bpe.specialIds;
  const examples = LABELLED.split('\n').map((line) => line.split('\t')).map(([t, label]) => ({ ids: [start, ...ids(t), classify], label: label === 'yes' ? 0 : 1 }));
  const [train, test] = [examples.slice(0, 6), examples.slice(6)];
  const plain = [{ ids: [start, ...ids(HELD_OUT), classify], label: 0 }];
  return [0, 0.5].map((lambda) => {
    const tuner = gpt.fineTuner({ classes: 2, trainBlocks: 1, lambda, learningRate: rate, seed: 42, warmup: 1 });
    const measure = () => ({ accuracy: tuner.evaluate(test).accuracy, task: tuner.evaluate(test).task, lm: tuner.evaluate(plain).lm });
    const was = measure();
    for (let s = 0; s < steps; s++) tuner.step(train); // six examples: every batch takes them all
    const now = measure();
    tuner.free();
    return { before: was, after: now };
  });
}

/** The results table's numbers: [lambda][when][name]. */
const table = (page) => page.locator('#gpt1-ft-results td[data-when]').evaluateAll((tds) => {
  const out = {};
  for (const td of tds) ((out[td.dataset.lambda] ??= {})[td.dataset.when] ??= {})[td.dataset.name] = td.dataset.value === '' ? null : Number(td.dataset.value);
  return out;
});

test('fine-tuning both copies: errors beside their fields, Pause and Go on, the numbers the core\'s tuner gives, Stop', async () => {
  const { context, problems, page } = await withModel();
  const labelled = page.getByLabel('Labelled examples');
  await eventually(async () => assert.match(await labelled.inputValue(), /^The tea was hot, fresh and full of flavour\.\tpositive\n/), 10000);
  assert.match(await text(page, '#part-e'), /the language-model term helped on its larger data sets \(QQP, MNLI, QNLI\) and not on the smaller ones/);
  await labelled.fill(`${LABELLED.replace('the dog ran\tno', 'the dog ran no')}`);
  await page.getByLabel('Held-out plain text').fill(HELD_OUT);
  await page.getByLabel('Blocks that train').fill('13');
  await page.locator('#gpt1-ft-run').click();
  assert.equal(await text(page, '#gpt1-labelled-error'), 'Line 2 should be text, a tab, then a label; it has 1 field and no tab.');
  assert.equal(await labelled.getAttribute('aria-invalid'), 'true');
  assert.equal(await text(page, '#gpt1-ft-blocks-error'), 'Blocks that train must be a whole number from 0 to 12; “13” is not.');
  assert.equal(await page.locator('#gpt1-ft-status').textContent(), '', 'nothing started');
  await labelled.fill(LABELLED);
  await page.getByLabel('Blocks that train').fill('1');
  await page.getByLabel('Steps per copy').fill(String(STEPS));
  await page.getByLabel('Learning rate').fill('0.01');
  await page.locator('#gpt1-ft-run').click();

  // paused between two steps: the progress stays while paused
  await page.locator('#gpt1-ft-status', { hasText: /^Copy 1 of 2 \(λ = 0 \(task only\)\): step \d+ of 500/ }).waitFor();
  await page.getByRole('button', { name: 'Pause fine-tuning' }).click();
  // (the small model's steps are quick: the first copy may have finished before the press lands)
  assert.match(await text(page, '#gpt1-ft-status'), /^Paused\. Copy [12] of 2 \(.*\): step \d+ of 500, /);
  await new Promise((r) => setTimeout(r, 300));
  const held = await page.locator('#gpt1-ft-progress').evaluate((p) => p.value);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await page.locator('#gpt1-ft-progress').evaluate((p) => p.value), held, 'no step while paused');
  assert.ok(held < 2 * STEPS, `paused at ${held} of ${2 * STEPS}`);
  await page.getByRole('button', { name: 'Go on fine-tuning' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-ft-status'), /^Done: both copies fine-tuned for 500 steps each, in \d+\.\d s\.$/), 120000);
  assert.equal(await page.locator('#gpt1-ft-run').isDisabled(), false);
  assert.equal(await page.locator('#gpt1-ft-pause').isDisabled(), true);

  // before and after: the core's own tuner on the same examples gives the same numbers
  const [plain, mixed] = expected(STEPS, 0.01);
  assert.deepEqual(await table(page), { 0: plain, 0.5: mixed });
  for (const run of [plain, mixed]) assert.ok(run.after.task !== run.before.task && run.after.lm !== run.before.lm, 'each copy moved');
  const summary = await text(page, '#gpt1-ft-summary');
  const right = (run) => Math.round(run.after.accuracy * 2);
  assert.match(summary, new RegExp(`^On the 2 held-out examples, the task alone \\(λ = 0\\) got ${right(plain)} right and λ = 0\\.5 got ${right(mixed)}: `));
  assert.match(summary, new RegExp(`changed L_lm on the held-out text by [+-]${Math.abs(plain.after.lm - plain.before.lm).toFixed(3)}; with λ = 0\\.5 by `));
  assert.match(summary, /Table 5\) the language-model term helped on its larger data sets/);
  assert.match(await page.locator('#gpt1-ft-task-chart desc').textContent(), /^λ = 0 \(task only\): from \d\.\d{4} at step 1 to \d\.\d{4} at step 500; λ = 0\.5: from /);

  // Stop drops the copy under way; the worker goes on answering
  await page.locator('#gpt1-ft-run').click();
  await page.locator('#gpt1-ft-status', { hasText: /step \d+ of 500/ }).waitFor();
  await page.getByRole('button', { name: 'Stop fine-tuning' }).click();
  assert.equal(await text(page, '#gpt1-ft-status'), 'Stopped: the copy under way was dropped; the numbers above are those measured so far.');
  assert.equal(await page.locator('#gpt1-ft-stop').isDisabled(), true);
  assert.equal(await page.locator('#gpt1-ft-progress').isHidden(), true);
  await score(page, 'sentiment');
  await page.getByLabel('Steps per copy').fill('1');
  assert.equal(await page.locator('#gpt1-ft-stale').isHidden(), false, 'a changed setting marks the results as older');
  await closed(context, problems);
});

test('a dark phone (390 px): the experiments\' tables scroll in their own boxes, and axe-core finds nothing in the lab', async () => {
  const { context, problems, page } = await withModel({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
  for (const key of ['sentiment', 'acceptability', 'choice', 'winograd']) await score(page, key);
  await page.locator('#gpt1-zs-choice-builtin:enabled').click();
  await eventually(async () => assert.match(await text(page, '#gpt1-zs-choice-status'), /are scored/), 30000);
  await page.getByLabel('Steps per copy').fill('2');
  await page.locator('#gpt1-ft-run').click();
  await eventually(async () => assert.match(await text(page, '#gpt1-ft-status'), /^Done/), 60000);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'the page keeps the phone\'s width');
  for (const wide of ['#gpt1-zs-sentiment-out table', '#gpt1-zs-winograd-out table', '#gpt1-ft-results table']) {
    assert.equal(await page.locator(wide).evaluate((t) => t.closest('.table-wrap') !== null), true, `${wide} scrolls in its own box`);
  }
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await globalThis.axe.run('#gpt1-lab', { resultTypes: ['violations'] })).violations
    .map(({ id, nodes }) => ({ id, nodes: nodes.map((n) => n.target.join(' ')) })));
  assert.deepEqual(violations, []);
  await closed(context, problems);
});
