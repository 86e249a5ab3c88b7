// Part E's experiments at GPT-1's full size: a random file of the released layout (about 479 MB, written to the
// system's temporary folder and removed afterwards) is picked, read with GPT-1's own tokenizer, and the four zero-shot
// heuristics show their numbers, each equal to what the same file gives in Node; then both copies are fine-tuned for
// a few steps (the top block, λ = 0 and 0.5) with their losses moving, while Part A keeps answering. Slow: about 1 minute
// on a 2-core machine, several on a loaded one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { start, eventually, inNode } from './browser.mjs';
import { gpt1Pages, loaded, openLab, text, writeFullSize } from './gpt1-model.mjs';

const env = {};
let dir;
before(async () => {
  Object.assign(env, await start());
  dir = mkdtempSync(join(tmpdir(), 'gpt1-experiments-'));
});
after(async () => {
  await env.close?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const { newContext, openPage, closed } = gpt1Pages(env);
const BUILTIN = JSON.parse(readFileSync(new URL('../../www/data/gpt1-experiments.json', import.meta.url), 'utf8'));

/** The file at `path` read into the module in Node, 8 MB at a time, as the page's worker streams it. */
function loadInNode(api, path) {
  const fd = openSync(path, 'r');
  try {
    const first = Buffer.alloc(8);
    readSync(fd, first, 0, 8, 0);
    const header = Buffer.alloc(api.TinyGpt.safetensorsHeaderLength(first));
    readSync(fd, header, 0, header.length, 0);
    const loader = api.TinyGpt.loadSafetensors(header);
    const chunk = Buffer.alloc(8 << 20);
    for (let at = header.length, n; (n = readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) loader.write(chunk.subarray(0, n));
    return loader.finish();
  } finally {
    closeSync(fd);
  }
}

const numbers = (page, selector, name) => page.locator(`${selector} [data-name="${name}"]`)
  .evaluateAll((els) => els.map((e) => Number(e.dataset.value)));
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

test('GPT-1 at full size: the four heuristics\' numbers as Node computes them, both copies fine-tuned with their losses moving', async () => {
  const path = join(dir, 'full.safetensors');
  writeFullSize(path);
  const api = await inNode('gpt');
  const gpt = loadInNode(api, path);
  const gunzip = (name) => gunzipSync(readFileSync(new URL(`../../www/data/gpt1/${name}`, import.meta.url))).toString();
  const bpe = new api.Gpt1Tokenizer(gunzip('encoder_bpe_40000.json.gz'), gunzip('vocab_40000.bpe.gz'));
  const ids = (t) => Array.from(bpe.encode(t));
  const logProbs = (all) => Array.from(gpt.tokenLogProbs(Uint32Array.from(all)));

  const { context, problems } = await newContext({ toy: false }); // GPT-1's own tokenizer files
  context.setDefaultTimeout(180000);
  const page = await openPage(context, problems);
  await openLab(page);
  await page.locator('#gpt1-file').setInputFiles(path);
  await loaded(page, 300000);
  assert.match(await text(page, '#gpt1-weights-status'), /12 layers, 12 heads, 768-dimensional states/);

  const score = async (key) => {
    await page.locator(`#gpt1-zs-${key}-run`).click();
    await eventually(async () => assert.match(await text(page, `#gpt1-zs-${key}-status`), /^GPT-1’s guess: /), 300000);
    console.log(`full size, ${key}: ${await text(page, `#gpt1-zs-${key}-status`)}`); // (the time it took, for the docs)
  };
  // sentiment: P(positive) and P(negative) after the text and "very", one token each in GPT-1's vocabulary
  await score('sentiment');
  const prompt = [...ids(BUILTIN.sentiment[0].text), ...ids('very')];
  const words = ['positive', 'negative'].map((w) => logProbs([...prompt, ...ids(w)]).at(-1));
  assert.deepEqual(await numbers(page, '#gpt1-zs-sentiment-out', 'log-prob'), words);
  assert.deepEqual(await page.locator('#gpt1-zs-sentiment-out .lp-strip .tok').allTextContents(), ['positive</w>', 'negative</w>']);
  const restricted = await numbers(page, '#gpt1-zs-sentiment-out', 'restricted');
  assert.ok(Math.abs(restricted[0] - 1 / (1 + Math.exp(words[1] - words[0]))) < 1e-12, `${restricted}`);
  // acceptability: every token's log-probability and their mean
  await score('acceptability');
  const sentence = logProbs(ids(BUILTIN.acceptability[0].text));
  assert.deepEqual(await numbers(page, '#gpt1-zs-acceptability-out', 'token'), sentence);
  assert.deepEqual(await numbers(page, '#gpt1-zs-acceptability-out', 'mean'), [mean(sentence)]);
  // multiple choice and Winograd: the averages compared
  await score('choice');
  const [story] = BUILTIN.choice;
  assert.deepEqual(await numbers(page, '#gpt1-zs-choice-out', 'mean'),
    story.answers.map((a) => mean(logProbs([...ids(story.context), ...ids(a)]).slice(-ids(a).length))));
  await score('winograd');
  const [schema] = BUILTIN.winograd;
  const [head, rest] = schema.sentence.split('[it]');
  assert.deepEqual(await numbers(page, '#gpt1-zs-winograd-out', 'mean'),
    schema.candidates.map((c) => mean(logProbs([...ids(head + c), ...ids(rest)]).slice(-ids(rest).length))));
  gpt.free();

  // fine-tuning both copies for two steps, on eight typed examples (six to train on)
  await page.getByLabel('Labelled examples').fill(['The tea was lovely.\tgood', 'The soup was cold.\tbad', 'A wonderful film.\tgood',
    'A dull, silly plot.\tbad', 'Kind, friendly staff.\tgood', 'Rude staff.\tbad', 'Fresh warm bread.\tgood', 'The room smelled.\tbad'].join('\n'));
  await page.getByLabel('Held-out plain text').fill('The kettle sang on the stove while the rain fell.');
  await page.getByLabel('Steps per copy').fill('2');
  await page.getByLabel('Learning rate').fill('0.001');
  await page.locator('#gpt1-ft-run').click();
  await eventually(async () => assert.match(await text(page, '#gpt1-ft-status'), /^Copy 1 of 2 \(λ = 0 \(task only\)\): step 1 of 2, L_task \d\.\d{4} and L_lm \d+\.\d{4} on its batch\. 7,089,410 weights train; the worker's module holds \d+ MB\.$/), 300000);
  console.log(`full size: ${await text(page, '#gpt1-ft-status')}`); // (the module's memory, for the docs)
  // the page answers meanwhile: Part A counts a new corpus while GPT-1's worker trains
  await page.locator('#corpus').fill('zebra yak zebra');
  await eventually(async () => assert.match(await page.locator('#matrix').textContent(), /yak/), 10000);
  assert.doesNotMatch(await text(page, '#gpt1-ft-status'), /^Done/, 'still fine-tuning');
  await eventually(async () => assert.match(await text(page, '#gpt1-ft-status'), /^Done: both copies fine-tuned for 2 steps each/), 600000);
  const cells = await page.locator('#gpt1-ft-results td[data-when]').evaluateAll((tds) => tds.map((td) => [td.dataset.lambda, td.dataset.when, td.dataset.name, Number(td.dataset.value)]));
  console.log(`full size, [λ, when, measure, value]: ${JSON.stringify(cells)}`);
  const value = (lambda, when, name) => cells.find((c) => c[0] === lambda && c[1] === when && c[2] === name)[3];
  for (const lambda of ['0', '0.5']) {
    for (const name of ['task', 'lm']) {
      assert.notEqual(value(lambda, 'after', name), value(lambda, 'before', name), `λ = ${lambda}: ${name} moved`);
      assert.ok(Number.isFinite(value(lambda, 'after', name)));
    }
  }
  assert.equal(value('0', 'before', 'lm'), value('0.5', 'before', 'lm'), 'both copies start from the same model and seed');
  assert.match(await page.locator('#gpt1-ft-task-chart desc').textContent(),
    /^λ = 0 \(task only\): from \d\.\d{4} at step 1 to \d\.\d{4} at step 2; λ = 0\.5: from \d\.\d{4} at step 1 to \d\.\d{4} at step 2$/);
  assert.match(await text(page, '#gpt1-ft-summary'), /^On the 2 held-out examples, the task alone \(λ = 0\) got \d right and λ = 0\.5 got \d: /);
  console.log(`full size: ${await text(page, '#gpt1-ft-status')}`);
  await closed(context, problems);
});
