// Part E's 144 heads with a model loaded, at desktop and phone sizes in both themes: the layers and heads numbered,
// every head scored (its mean attention on the previous token, or on the first token) with the scores checked
// against the enlarged map's own cells, the five highest outlined and listed highest first; and on a phone the grid
// scrolls inside its own card while the page keeps the phone's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, eventually, shot, VIEWS } from './browser.mjs';
import { GOOD, LAYERS, HEADS, gpt1Pages, drop, loaded, text } from './gpt1-model.mjs';

const env = {};
before(async () => { Object.assign(env, await start()); });
after(async () => { await env.close?.(); });
const { openPart, closed } = gpt1Pages(env);

/** The number printed under every map, in the grid's order (layer by layer). */
const shownScores = (page) => page.locator('#gpt1-heads button.head-map .head-score').allTextContents();

/** The enlarged map's weights, row by row, read from its cells. */
const bigMap = (page) => page.locator('#gpt1-head-table tbody tr').evaluateAll((trs) => trs.map((tr) =>
  [...tr.querySelectorAll('td[data-w]')].map((td) => Number(td.dataset.w))));

/** The mean attention on the previous token, and on the first, over positions 1…T − 1 of a map's rows. */
function byHand(rows) {
  const later = rows.slice(1);
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  return { previous: mean(later.map((row, i) => row[i])), first: mean(later.map((row) => row[0])) };
}

/** Enlarges the head named `name` (a listed head's or a map's accessible name) and checks its score by hand. */
async function checkScore(page, button, key) {
  const label = await button.textContent() || await button.getAttribute('aria-label');
  const [, layer, head, score] = label.match(/^layer (\d+), head (\d+): (\d\.\d\d)/)
    ?? (await button.getAttribute('aria-label')).match(/^layer (\d+), head (\d+): (\d\.\d\d)/);
  await button.click();
  await eventually(async () => assert.match(await text(page, '#gpt1-head-table caption'), new RegExp(`layer ${layer}, head ${head}$`)));
  const expected = byHand(await bigMap(page))[key];
  assert.ok(Math.abs(expected - Number(score)) <= 0.005 + 1e-9, `layer ${layer}, head ${head}: ${score} shown, ${expected} by hand`);
  return Number(score);
}

for (const view of VIEWS) {
  test(`${view.name}: every head numbered and scored, the highest listed; the grid scrolls inside its card`, async () => {
    const { context, problems, page } = await openPart(view.options);
    await drop(page, GOOD);
    await loaded(page);
    await eventually(async () => assert.equal(await page.locator('#gpt1-heads button.head-map canvas').count(), LAYERS * HEADS), 30000);
    const numbers = Array.from({ length: LAYERS }, (_, i) => String(i + 1));
    assert.deepEqual(await page.locator('#gpt1-heads .head-number').allTextContents(), numbers, 'the heads numbered over their columns');
    assert.deepEqual(await page.locator('#gpt1-heads .heads-row[role="group"] > .hint').allTextContents(), numbers, 'the layers numbered');
    assert.match(await text(page, '#part-e'), /numbered from the input up \(layer 1 reads the embeddings/);

    for (const key of ['previous', 'first']) {
      await page.getByLabel('Score each head by its mean attention on').selectOption(key);
      await eventually(async () => assert.match(await text(page, '#gpt1-head-top-note'),
        new RegExp(`^The 5 heads with the most attention on the ${key} token, of all ${LAYERS * HEADS}:$`)));
      const scores = (await shownScores(page)).map(Number);
      assert.equal(scores.length, LAYERS * HEADS);
      assert.ok(scores.every((s) => s >= 0 && s <= 1), 'every score is a mean of weights');
      // the list: five heads, highest first, the five highest of the numbers under the maps, and outlined in the grid
      const listed = page.locator('#gpt1-head-top button');
      const listedScores = (await listed.allTextContents()).map((t) => Number(t.split(': ')[1]));
      assert.deepEqual(listedScores, [...scores].sort((a, b) => b - a).slice(0, 5));
      const outlined = await page.locator('#gpt1-heads button.head-map.top').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label').split(':')[0]));
      assert.deepEqual(outlined.sort(), (await listed.allTextContents()).map((t) => t.split(':')[0]).sort());
      // the highest, and a head in the grid, checked against their own maps' cells
      const highest = await checkScore(page, listed.first(), key);
      const last = page.locator(`#gpt1-heads button.head-map[data-layer="${LAYERS - 1}"][data-head="${HEADS - 1}"]`);
      assert.ok(await checkScore(page, last, key) <= highest);
      assert.match(await last.getAttribute('aria-label'), new RegExp(`^layer ${LAYERS}, head ${HEADS}: \\d\\.\\d\\d on the ${key} token`));
    }

    // the page keeps the screen's width: the grid scrolls inside its own region (named, reachable by keyboard)
    const region = page.getByRole('region', { name: /Every head’s attention map/ });
    const sizes = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, tabIndex: el.tabIndex }));
    assert.equal(sizes.tabIndex, 0);
    const page_ = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(page_.scroll <= page_.client, `the page is ${page_.scroll} px wide on a ${page_.client} px screen`);
    if (view.phone) {
      assert.ok(sizes.scroll > sizes.client, `the grid (${sizes.scroll} px) is wider than its card (${sizes.client} px) and scrolls`);
      await region.evaluate((el) => { el.scrollLeft = 0; });
      await eventually(async () => assert.equal(await region.getAttribute('data-overflow'), 'right'));
      // the keyboard scrolls it, as a finger does
      await region.focus();
      for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
      await eventually(async () => assert.equal(await region.getAttribute('data-overflow'), 'left'));
    } else {
      assert.ok(sizes.scroll <= sizes.client, 'on a desktop the whole grid is in sight');
    }
    await page.locator('#part-e').screenshot({ path: shot(`part-e-heads-${view.name.replace(', ', '-')}.png`) });

    // a prompt of one token: nothing to score, and the page says why
    await page.getByLabel('Prompt for GPT-1').fill('the');
    await page.getByRole('button', { name: 'Continue' }).click();
    await eventually(async () => assert.equal(await text(page, '#gpt1-head-top-note'),
      'A prompt of one token gives no scores: every head\'s only weight is 1, on that token.'), 20000);
    assert.equal(await page.locator('#gpt1-head-top li').count(), 0);
    await closed(context, problems);
  });
}
