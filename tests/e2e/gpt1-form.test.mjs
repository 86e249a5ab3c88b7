// Part E's two forms of GPT-1, float32 and the compact int8 form. On a phone (390 × 844, touch) the compact form is
// chosen, and a random file of GPT-1's full size is made compact as it is read: the worker's memory stays at most
// 200 MB, a prompt is continued, what is kept is the compact file (at most 130 MB), and a reload reads it without
// the float32 file. On a desktop the student chooses: the two forms compared on the text shown (the figures are the
// core's own, computed here in Node on the same weights and ids), a running float32 model switched to the compact
// form, the compact file kept instead of the float32 one when asked, what a compact copy cannot become, and a file
// the compact form cannot hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, eventually, shot, inNode, violations } from './browser.mjs';
import { GOOD, WIDE, WIDE_D, gpt1Pages, drop, dropFromDisk, openLab, loaded, text, writeFullSize } from './gpt1-model.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const MB = 1e6;

const env = {};
let dir;
before(async () => {
  Object.assign(env, await start());
  dir = mkdtempSync(join(tmpdir(), 'gpt1-form-'));
});
after(async () => {
  await env.close?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const { newContext, openPage, openPart, closed } = gpt1Pages(env);

/** What the origin private file system holds: its names, and the weights file's size and form. */
const kept = (page) => page.evaluate(async () => {
  const folder = await navigator.storage.getDirectory();
  const names = [];
  for await (const name of folder.keys()) names.push(name);
  if (!names.includes('gpt1-weights.safetensors')) return { names: names.sort(), file: null };
  const file = await (await folder.getFileHandle('gpt1-weights.safetensors')).getFile();
  const length = Number(new DataView(await file.slice(0, 8).arrayBuffer()).getBigUint64(0, true));
  const header = JSON.parse(await file.slice(8, 8 + length).text());
  return { names: names.sort(), file: { size: file.size, form: header.__metadata__?.form ?? 'float32' } };
});

/** The worker's memory in bytes, as a line of Part E says it (`… memory is 152 MB` or `… memory: 152 MB`). */
function memoryIn(line) {
  const match = /memory(?: is|:) ([\d,]+) MB/.exec(line);
  assert.ok(match, `no memory in “${line}”`);
  return Number(match[1].replace(/,/g, '')) * MB;
}

const radio = (page, form) => page.getByRole('radio', { name: form === 'int8' ? /^compact int8/ : /^float32/ });
const tokensShown = (page, count, timeout = 20000) => eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), count), timeout);

test('on a phone, GPT-1 at full size is made compact as it is read: at most 200 MB of memory, a prompt continued, the compact file kept, and a reload reads it', async () => {
  const path = join(dir, 'full.safetensors');
  writeFullSize(path);
  const { context, problems } = await newContext({ toy: false, ...PHONE }); // GPT-1's own tokenizer files
  context.setDefaultTimeout(120000);
  const page = await openPage(context, problems);
  await openLab(page);
  assert.equal(await radio(page, 'int8').isChecked(), true, 'the compact form is offered');
  assert.match(await text(page, '#gpt1-form-note'), /^The compact form is chosen because this looks like a phone: float32 needs about 500 MB of memory, and may not fit\.$/);

  await dropFromDisk(page, path);
  await loaded(page, 300000);
  const status = await text(page, '#gpt1-weights-status');
  assert.match(status, /12 layers, 12 heads, 768-dimensional states, 116,534,784 weights/);
  const whileReading = memoryIn(status);
  assert.ok(whileReading <= 200 * MB, status);
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form, not compared with float32 here: that needs the float32 model in memory as well/);
  await tokensShown(page, 20, 120000);
  assert.match(await text(page, '#gpt1-output'), /\S/);
  // kept: the compact file alone, in the documented layout; the worker's memory after writing it
  await eventually(async () => assert.match(await text(page, '#gpt1-notice'), /^Kept in this browser for your next visit: the compact file, 12\d MB\.$/), 120000);
  const { names, file } = await kept(page);
  assert.deepEqual(names, ['gpt1-weights.safetensors'], 'no float32 file, no download');
  assert.equal(file.form, 'int8');
  assert.ok(file.size <= 130 * MB, `${file.size} bytes`);
  const afterKeeping = memoryIn(await text(page, '#gpt1-running'));
  assert.ok(afterKeeping <= 200 * MB, `${afterKeeping} bytes after writing the compact file`);
  await page.screenshot({ path: shot('gpt1-phone-compact.png'), fullPage: false });

  // a reload reads the compact file, in the compact form
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page, 120000);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From storage: read in \d+\.\d s, first token after \d+\.\d s\.$/), 120000);
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form/);
  const reloaded = memoryIn(await text(page, '#gpt1-weights-status'));
  assert.ok(reloaded <= 200 * MB, `${reloaded} bytes`);
  console.log(`phone, full size: ${(whileReading / MB).toFixed(0)} MB while quantizing, ${(afterKeeping / MB).toFixed(0)} MB after keeping ${(file.size / MB).toFixed(1)} MB, ${(reloaded / MB).toFixed(0)} MB read back; ${await text(page, '#gpt1-timing')}`);
  await page.getByRole('button', { name: 'Forget the weights' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^The weights are forgotten/), 60000);
  await closed(context, problems);
});

/** The prompt's ids and the 20 tokens the page draws after it (seed 42, top-k 40), and the core's agreement of the
 * small wide model with its compact form over them, in words as Part E writes it. */
async function expectedAgreement() {
  const { TinyGpt } = await inNode('gpt');
  const float = TinyGpt.fromSafetensors(WIDE);
  const prompt = [0, 1, 2, 3, 0, 4, 5]; // “the cat sat on the mat and”: the toy vocabulary's first words
  const run = float.decoder(prompt, { seed: 42, temperature: 1, topK: 40 });
  for (let i = 0; i < 20; i++) run.next();
  const compact = float.compact();
  const a = float.agreement(compact, run.ids);
  return `the most likely next token is the same as float32’s at ${(100 * a.top1).toFixed(1)}% of 27 tokens; mean KL divergence ${a.meanKl.toPrecision(2)} nats; the logits differ by ${a.meanLogitDifference.toFixed(3)} on average, ${a.maxLogitDifference.toFixed(3)} at most`;
}

test('the student chooses: float32 compared with its compact form on the text shown, switched to it, the compact file kept instead, and float32 asked for again', async () => {
  const figures = await expectedAgreement();
  const { context, problems, page } = await openPart();
  assert.equal(await radio(page, 'float32').isChecked(), true, 'a desktop runs float32 unless told');
  assert.equal(await page.locator('#gpt1-form-note').isHidden(), true);
  await drop(page, WIDE);
  await loaded(page);
  assert.match(await text(page, '#gpt1-running'), /^Running: float32, the released numbers\. The worker’s memory: [\d,]+ MB\.$/);
  await tokensShown(page, 20);
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));

  // compared on the text shown, the float32 model still running
  await page.getByRole('button', { name: 'Compare with the compact form on this text' }).click();
  await eventually(async () => assert.equal(await text(page, '#gpt1-agreement'), `Its compact int8 form, measured now: ${figures}.`), 20000);
  assert.match(await text(page, '#gpt1-running'), /^Running: float32/);
  assert.deepEqual(await violations(page, '#gpt1-form-box'), [], 'the form box, measured, on a light desktop');

  // switched: the figure measured as the float32 model is let go, the prompt continued again by the compact form
  await radio(page, 'int8').check();
  await eventually(async () => assert.match(await text(page, '#gpt1-running'),
    new RegExp(`^Running: the compact int8 form, measured against the float32 model it was made from, on the text shown then: ${figures.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\. The worker’s memory: [\\d,]+ MB\\.$`)), 20000);
  assert.equal(await page.locator('#gpt1-agreement').isHidden(), true);
  await tokensShown(page, 20);
  // the float32 file stays kept until the student says otherwise
  assert.equal((await kept(page)).file.form, 'float32');
  assert.match(await text(page, '#gpt1-form-note'), /^This browser keeps the float32 file \(\d+ MB\); it stays until you choose/);
  await page.getByRole('button', { name: 'Keep the compact file instead' }).click();
  await eventually(async () => assert.equal(await page.getByRole('button', { name: 'Keep the compact file instead' }).isHidden(), true));
  const compactFile = (await kept(page)).file;
  assert.equal(compactFile.form, 'int8');
  assert.ok(compactFile.size < WIDE.length / 2, `${compactFile.size} of ${WIDE.length} bytes`);
  assert.equal(await page.locator('#gpt1-form-error').isHidden(), true);

  // a reload reads the compact file; what was measured belonged to the visit that measured it
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page);
  assert.equal(await radio(page, 'int8').isChecked(), true, 'the choice is kept');
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form, not compared with float32 here/);
  // float32 cannot be made from the compact copy: the file is asked for, and what runs goes on running
  await radio(page, 'float32').check();
  assert.equal(await text(page, '#gpt1-form-note'), 'To run float32, give the page the float32 file (pick, drop or download it): the compact form cannot be turned back.');
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form/);
  await drop(page, WIDE);
  await eventually(async () => assert.match(await text(page, '#gpt1-running'), /^Running: float32/), 20000);
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  assert.equal((await kept(page)).file.form, 'float32');
  await closed(context, problems);
});

test('compact chosen by keyboard before a file is given: the float32 file is made compact as it is read and only the compact file is kept; a file it cannot hold runs as float32 and says why', async () => {
  const { context, problems, page } = await openPart();
  await radio(page, 'float32').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await radio(page, 'int8').isChecked(), true);
  await drop(page, WIDE);
  await loaded(page);
  assert.match(await text(page, '#gpt1-weights-status'), new RegExp(`${WIDE_D}-dimensional states`));
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form, not compared with float32 here/);
  await eventually(async () => assert.match(await text(page, '#gpt1-notice'), /^Kept in this browser for your next visit: the compact file, \d+ MB\.$/));
  assert.deepEqual(await kept(page), { names: ['gpt1-weights.safetensors'], file: { size: (await kept(page)).file.size, form: 'int8' } });
  assert.equal(await page.getByRole('button', { name: 'Compare with the compact form on this text' }).isHidden(), true);

  await drop(page, GOOD); // d = 24
  await eventually(async () => assert.match(await text(page, '#gpt1-running'), /^Running: float32/), 20000);
  assert.equal(await text(page, '#gpt1-form-note'), 'This file’s states are 24-dimensional, and the compact form needs a multiple of 32 (it scales blocks of 32 inputs): it runs as float32.');
  assert.equal(await page.getByRole('button', { name: 'Compare with the compact form on this text' }).isHidden(), true);
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  assert.equal((await kept(page)).file.form, 'float32');
  await closed(context, problems);
});

test('a float32 file kept, read again with the compact form chosen: made compact as it is read from storage, and the float32 file stays until the student chooses', async () => {
  // (dark and 390 px wide, with a mouse: a narrow window that is no phone runs float32 unless told)
  const { context, problems, page } = await openPart({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  await drop(page, WIDE);
  await loaded(page);
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  await radio(page, 'int8').check();
  await eventually(async () => assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form, measured against/), 20000);

  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From storage: read in/), 20000);
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form, not compared with float32 here/);
  assert.match(await text(page, '#gpt1-weights-status'), new RegExp(`${WIDE_D}-dimensional states`));
  assert.equal((await kept(page)).file.form, 'float32', 'reading the kept file in the compact form replaces nothing');
  assert.match(await text(page, '#gpt1-form-note'), /^This browser keeps the float32 file \(\d+ MB\); it stays until you choose/);
  assert.equal(await page.getByRole('button', { name: 'Keep the compact file instead' }).isVisible(), true);
  assert.deepEqual(await violations(page, '#gpt1-form-box'), [], 'the form box, with its note and button, dark at 390 px');

  // float32 again: the kept float32 file is read as it is
  await radio(page, 'float32').check();
  await eventually(async () => assert.match(await text(page, '#gpt1-running'), /^Running: float32, the released numbers\./), 20000);
  assert.equal(await page.getByRole('button', { name: 'Keep the compact file instead' }).isHidden(), true);
  assert.equal(await page.getByRole('button', { name: 'Compare with the compact form on this text' }).isVisible(), true);
  assert.equal((await kept(page)).file.form, 'float32');
  await closed(context, problems);
});

test('a compact file given runs in its own form whatever is chosen, is kept as it is, and float32 asks for the float32 file', async () => {
  const { TinyGpt } = await inNode('gpt');
  const compactFile = Buffer.from(TinyGpt.fromSafetensors(WIDE).compact().toSafetensors());
  const { context, problems, page } = await openPart();
  assert.equal(await radio(page, 'float32').isChecked(), true);
  await drop(page, compactFile);
  await loaded(page);
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form, not compared with float32 here/);
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'),
    `Kept in this browser for your next visit: the compact file, ${Math.round(compactFile.length / MB)} MB.`));
  assert.deepEqual((await kept(page)).file, { size: compactFile.length, form: 'int8' });
  assert.equal(await text(page, '#gpt1-form-note'), 'To run float32, give the page the float32 file (pick, drop or download it): the compact form cannot be turned back.');
  assert.equal(await page.getByRole('button', { name: 'Compare with the compact form on this text' }).isHidden(), true);
  await closed(context, problems);
});
