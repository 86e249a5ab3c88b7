// Part D's pictures of the model, as a student reads them in the light and the dark, at desktop and phone sizes:
// every label whole inside its box (the longest a model can have included), the number of blocks legible, the
// letters of the residual steps explained, and before any training the sizes the model will have, its embedding
// rows counted here again from the same training lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { session, inNode, eventually, finish, VIEWS } from './browser.mjs';

const { NgramModel } = await inNode();
const { load } = session({ timeout: 20000 });

/** The rows a model made from the built-in corpus would have: its vocabulary without the held-out last tenth. */
function builtinRows() {
  const lines = readFileSync(new URL('../../www/data/chai-corpus.txt', import.meta.url), 'utf8').split('\n').filter((l) => l.trim());
  const held = Math.max(1, Math.round(lines.length / 10));
  const model = new NgramModel(lines.slice(0, -held).join('\n'), { tokenizer: 'word', boundaries: 'lines', order: 1 });
  try {
    return model.vocab.length;
  } finally {
    model.free();
  }
}

/** Every label of the pictures in `root` that is not wholly inside a box: [its text] (the block count is outside). */
const cutLabels = (page, selector) => page.locator(selector).evaluateAll((pictures) => pictures.flatMap((picture) => {
  const boxes = [...picture.querySelectorAll('rect:not(.arch-block)')].map((r) => r.getBBox());
  return [...picture.querySelectorAll('text:not(.arch-repeat)')].filter((text) => {
    const t = text.getBBox();
    const box = boxes.find((b) => t.x >= b.x && t.y >= b.y - 1 && t.x < b.x + b.width && t.y < b.y + b.height);
    return !box || t.x + t.width > box.x + box.width - 2 || t.y + t.height > box.y + box.height + 1;
  }).map((text) => text.textContent);
}));

/** The contrast ratio of two CSS colours (WCAG's relative luminance). */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, b2] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

for (const view of VIEWS) {
  test(`${view.name}: the pictures' labels are whole and legible, explained, and sized before training`, async () => {
    const opened = await load('', view.options);
    const { page } = opened;
    await page.locator('#gpt-lab > summary').click();
    const rows = builtinRows();
    // before training: the sizes Train will give the model, never an embedding of 0 rows
    const planned = page.locator('#gpt-architecture .arch-planned');
    await eventually(async () => assert.match(await planned.textContent(), new RegExp(`its embedding with ${rows} rows`)), 20000);
    const row = (what) => page.locator('#gpt-architecture table.arch-sizes tr', { hasText: what }).locator('td').first().textContent();
    assert.equal(await row('embedding rows'), String(rows));
    const pictures = page.locator('#gpt-architecture svg.arch-picture');
    for (const picture of await pictures.all()) {
      assert.ok((await picture.locator('text').allTextContents()).includes(`token embedding Wₑ (${rows} × 32) + position (16 × 32)`));
    }
    assert.deepEqual(await cutLabels(page, '#gpt-architecture svg.arch-picture'), [], 'every label whole');
    // the longest labels a model can have (20,000 rows, 64 wide, 64 positions) fit too
    await page.evaluate(async () => {
      const { architectureFigure } = await import('/www/parts/d/architecture.js');
      const figure = architectureFigure({ norm: 'post', dModel: 64, layers: 2, heads: 4, context: 64, rows: 20000 }, { compare: true });
      figure.id = 'largest';
      document.getElementById('gpt-architecture').after(figure);
    });
    assert.deepEqual(await cutLabels(page, '#largest svg.arch-picture'), [], 'the largest model\'s labels whole');
    // the block count stands on the page's own background: as legible as the page's text
    const [fill, background] = await page.evaluate(() => [getComputedStyle(document.querySelector('#gpt-architecture .arch-repeat')).fill,
      getComputedStyle(document.body).backgroundColor]);
    assert.ok(contrast(fill, background) >= 4.5, `"2 ×" at ${fill} on ${background}`);
    // the letters of the residual steps, and the tie, explained beside the pictures
    const caption = await page.locator('#gpt-architecture figcaption').first().textContent();
    assert.match(caption, /x is a block's input\. Each \+ adds a step's input back to its output \(a residual connection\)/);
    assert.match(caption, /n \(GPT-1\) and m \(GPT-2\) name the state halfway through a block/);
    const labels = await pictures.first().locator('text').allTextContents();
    assert.ok(labels.includes('+ x, the block\'s input, added back') && labels.includes('LayerNorm → n') && labels.includes('+ n, added back'));

    // trained: the model's own sizes, the same rows
    await page.getByLabel('Stop after').fill('25');
    await page.locator('#part-d').getByRole('button', { name: 'Train', exact: true }).click();
    await eventually(async () => assert.match(await page.locator('#gpt-status').textContent(), /^Finished/), 60000);
    await eventually(async () => assert.equal(await planned.count(), 0));
    assert.equal(await row('embedding rows'), String(rows));
    assert.deepEqual(await cutLabels(page, '#gpt-architecture svg.arch-picture'), []);
    await finish(opened);
  });
}
