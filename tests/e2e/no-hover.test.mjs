// Nothing only on hover, at desktop and phone sizes in both themes: the step where validation first went below each
// n-gram line is written beside the line's loss (not only in the chart's rings' tooltips); on a touch screen the hints
// say "tap", never "hover" or "Tab", and the keyboard-keys hint is not shown; a cell read the way its hint says
// explains itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, eventually, finish, VIEWS } from './browser.mjs';

const { load } = session({ timeout: 20000 });

const matrixCell = (page, next, prev) => page.getByRole('table', { name: 'Smoothed bigram matrix' })
  .getByRole('cell', { name: new RegExp(`^P\\(${next} \\| ${prev}\\) = `) });
const NAMES = { 2: 'bigram', 3: 'trigram', 4: '4-gram' };

/** Trains Part D's model until the status says it finished at `steps`. */
async function trainTo(page, steps) {
  await page.getByLabel('Stop after').fill(String(steps));
  await page.locator('#part-d').getByRole('button', { name: /^(Train|Resume)$/ }).click();
  await eventually(async () => assert.match(await page.locator('#gpt-status').textContent(),
    new RegExp(`^Finished at step ${steps.toLocaleString('en-US')}:`)), 120000);
}

/** Reads a cell the way its hint says: a tap on a touch screen, the pointer over it on a desktop. */
const read = (view, locator) => (view.phone ? locator.tap() : locator.hover());

for (const view of VIEWS) {
  test(`${view.name}: crossings written out, hints for the device in hand, cells read as the hints say`, async () => {
    const opened = await load('', view.options);
    const { page } = opened;
    assert.equal(await page.locator('.toolbar .keys').isVisible(), !view.phone, 'the keys hint only where there are keys');
    const help = await page.locator('#matrix-help').textContent();
    if (view.phone) assert.match(help, /sums to 1\. Tap a cell to see how its number was made\.$/);
    else assert.match(help, /sums to 1\. Hover over a cell, or focus it \(Tab into the table, then arrow keys\), to see how/);
    await read(view, matrixCell(page, 'bahut', 'chai'));
    await eventually(async () => assert.match(await page.locator('#cell-explain').textContent(), /P\(bahut \| chai\) = /));

    await page.locator('#gpt-lab > summary').click();
    await trainTo(page, 25);
    const lines = page.locator('#gpt-baselines li');
    assert.equal(await lines.count(), 3);
    for (const line of await lines.all()) assert.match(await line.textContent(), /; validation not below it yet$/);
    await trainTo(page, 300);
    // every ring's step, written beside its line
    const rings = await page.locator('#gpt-chart circle.mark').evaluateAll((marks) => marks.map((m) => [
      m.getAttribute('class').match(/n(\d)/)[1], m.querySelector('title').textContent]));
    assert.ok(rings.length >= 1, 'validation went below at least one n-gram line');
    for (const order of [2, 3, 4]) {
      const said = await page.locator(`#gpt-baselines li[data-order="${order}"]`).textContent();
      const ring = rings.find(([o]) => Number(o) === order);
      if (!ring) {
        assert.match(said, /; validation not below it yet$/);
        continue;
      }
      const step = ring[1].match(new RegExp(`^validation first below the ${NAMES[order]} at step ([\\d,]+)$`))[1];
      assert.match(said, new RegExp(`^${NAMES[order]} \\(best k = [\\d.]+\\): \\d\\.\\d{4}; validation first below it at step ${step}$`));
    }
    // the attention map's hint, and a cell read as it says
    const hint = await page.locator('#gpt-cell-explain').textContent();
    assert.equal(hint, view.phone ? 'Tap a cell to read it.'
      : 'Hover over a cell, or focus it (Tab into the table, then arrow keys), to read it.');
    await read(view, page.locator('#gpt-attention-table td[data-i="2"][data-j="1"]'));
    await eventually(async () => assert.match(await page.locator('#gpt-cell-explain').textContent(), /^Position 2 \(.*\) attends to position 1/));
    // nothing the screen shows tells a touch screen to hover or to press keys
    const shown = await page.locator('body').innerText();
    if (view.phone) assert.doesNotMatch(shown, /hover|Tab into|arrow keys|Keys:/i);
    else assert.match(shown, /Hover over a cell/);
    await finish(opened);
  });
}
