// Show the numpy follows the page (issue 23): for the corpus, smoothing, seed and length typed, Part B's task and
// Part C's numbers, the code shown is the notebook's for them, and run with numpy it prints the numbers on the page.
// The corpus is user text inside Python source: quotes, backslashes, Hindi, an emoji, a tab, a control character,
// blank and \r\n lines must all arrive as the page read them. Python with numpy is looked for as the bench finds it
// (bench/.venv, then python3; PYTHON overrides); without it the comparison is skipped with the reason printed, and
// the rest (the code follows every edit; the page's settings that the notebook lacks are named) still runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, eventually, tokens, ids, pasteInto, finish, shot } from './browser.mjs';
import { findPython, runPython } from '../js/python.mjs';

const { load } = session({ timeout: 10000 });

const SIZES = { desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } };
const COMBOS = Object.keys(SIZES).flatMap((size) => ['light', 'dark'].map((colorScheme) => ({ size, colorScheme })));

const { python, why } = findPython();
if (why) console.log(`# numpy.test.mjs: the shown code is not run: ${why}`);

/** Runs Python code, returning its printed lines (a failure fails the test with Python's message). */
function run(code) {
  const { status, lines, stderr } = runPython(python, code);
  assert.equal(status, 0, `the shown code runs: ${stderr}`);
  return lines;
}

// every kind of text a corpus may hold that Python source must carry exactly
const CORPUS = [
  'chai "bahut" garam hai',
  'chai acha\\ hai',
  '  चाय बहुत गरम है  ',
  '',
  'chai 🍵 acha\thai\r',
  "pani's garam\u001cthandi hai",
  '   ',
  'chai bahut acha hai',
].join('\n');

/** Opens one part's numpy and returns its code as shown (filled once the module has loaded). */
async function shownCode(page, part) {
  const details = page.locator(`details[data-reading="numpy-${part}"]`);
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  const code = page.getByRole('region', { name: `numpy for Part ${part.toUpperCase()}` });
  await code.waitFor();
  return code;
}

async function setSmoothing(page, k) {
  await page.locator('#smoothing').evaluate((input, value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, k);
}

for (const combo of COMBOS) {
  test(`${combo.size}, ${combo.colorScheme}: the numpy is written for the page's state and prints its numbers`, async (t) => {
    const opened = await load('', { ...SIZES[combo.size], colorScheme: combo.colorScheme });
    const { page } = opened;
    await pasteInto(page.locator('#corpus'), CORPUS);
    await setSmoothing(page, '2');
    await page.getByLabel('Seed', { exact: true }).fill('7');
    await page.getByLabel('Max length', { exact: true }).fill('12');
    await page.getByRole('radio', { name: 'Entailment', exact: true }).check();
    await page.getByLabel('Premise', { exact: true }).fill('चाय बहुत गरम है');
    await page.getByLabel('Hypothesis', { exact: true }).fill('chai "bahut" garam hai');
    await page.getByLabel('P(positive)').evaluate((input) => {
      input.value = '0.37';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.getByRole('radio', { name: 'negative', exact: true }).check();

    const a = await shownCode(page, 'a');
    // the corpus, as Python literals: each non-empty line once, its \r dropped, quotes and controls escaped
    await eventually(async () => assert.match(await a.textContent(), /corpus = \[\n {4}"chai \\"bahut\\" garam hai",\n/));
    const codeA = await a.textContent();
    for (const literal of ['"chai acha\\\\ hai"', '"  चाय बहुत गरम है  "', '"chai 🍵 acha\\thai"', '"pani\'s garam\\x1cthandi hai"']) {
      assert.ok(codeA.includes(literal), `the corpus holds ${literal}`);
    }
    assert.ok(!codeA.includes('"   "') && !codeA.includes('\\r'), 'blank lines and \\r are left out, as the page does');
    assert.match(codeA, /SPACE = re\.compile/, 'a \\x1c in the text: words are split at the page\'s whitespace only');
    assert.match(codeA, /\nk = 2\n/);
    assert.match(codeA, /\nnp\.random\.seed\(7\)\nprint\(" "\.join\(generate\(12\)\)\)/);
    const codeB = await (await shownCode(page, 'b')).textContent();
    assert.match(codeB, /print\(entailment\("चाय बहुत गरम है", "chai \\"bahut\\" garam hai"\)\)/);
    const codeC = await (await shownCode(page, 'c')).textContent();
    assert.match(codeC, /p = np\.array\(\[0\.37, 1 - 0\.37\]\)/);
    assert.match(codeC, /label = 1 {2}# the true label: negative/);

    if (python) {
      // Part A: V, the sample and the loss; Part B: the ids; Part C: the two losses
      const [v, sample, loss, ...rest] = run(`${codeA}\n${codeB}`);
      assert.equal(`V = ${v}`, await page.locator('#vocab-size').textContent());
      await eventually(async () => assert.equal(sample, (await tokens(page.locator('#generated'))).join(' ')));
      const [lossValue, perplexity] = loss.split(' ').map(Number);
      assert.equal(lossValue.toFixed(4), await page.locator('#lm-model-value').textContent());
      assert.match(await page.locator('#stats').textContent(), new RegExp(`Mean loss on its own corpus ${lossValue.toFixed(4)} \\(perplexity ${Number(perplexity.toFixed(2))}\\)`));
      await eventually(async () => assert.deepEqual(JSON.parse(rest.at(-1)),
        (await ids(page.locator('#out-entailment-sequences'))).map(Number)));
      const [task, total] = run(codeC)[0].split(' ').map(Number);
      assert.equal(task.toFixed(4), await page.locator('#task-loss').textContent());
      assert.equal(total.toFixed(4), await page.locator('#combined-loss').textContent());
      // L_lm from the model: Part C's code reads Part A's loss
      await page.getByRole('radio', { name: /from the model above/ }).check();
      await eventually(async () => assert.match(await (await shownCode(page, 'c')).textContent(), /\nL_lm = loss {2}#/));
      const [, fromModel] = run(`${codeA}\n${await (await shownCode(page, 'c')).textContent()}`).at(-1).split(' ').map(Number);
      await eventually(async () => assert.equal(fromModel.toFixed(4), await page.locator('#combined-loss').textContent()));
    } else {
      t.diagnostic(`the shown code was not run: ${why}`);
    }

    // an edit rewrites the code; a setting the notebook's model lacks is named beside it
    await page.getByLabel('Seed', { exact: true }).fill('123');
    await eventually(async () => assert.match(await a.textContent(), /np\.random\.seed\(123\)/));
    await page.getByLabel('Order', { exact: true }).selectOption('3');
    const note = page.locator('details[data-reading="numpy-a"] > p.hint');
    await eventually(async () => assert.match(await note.textContent(), /Your settings differ from the notebook's: order 3 \(the notebook's model is order 2\)/));
    await page.getByLabel('Seed', { exact: true }).fill('-1');
    await eventually(async () => assert.match(await note.textContent(), /Seed must be a whole number from 0 to 4294967295; “-1” is not\. The code uses the lesson's value instead\./));
    assert.match(await a.textContent(), /np\.random\.seed\(42\)/);
    if (combo.size === 'phone') {
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'the code scrolls inside its box');
    }
    await a.screenshot({ path: shot(`numpy-a-${combo.size}-${combo.colorScheme}.png`) });
    await finish(opened);
  });
}
