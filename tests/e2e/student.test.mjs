// What a first-time student trips over (issue 16): the learnt BPE's vocabulary, the glossary, the numpy and the
// "why" answers, Figure 1 drawn live, and the page on a 390 px phone in both themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, inNode, LESSON, shot, eventually, tokens, finish, evaluated } from './browser.mjs';

const { NgramModel } = await inNode();

const { load } = session();

const label = (page, name) => page.getByLabel(name, { exact: true });

test('learnt BPE: every character alone and ending a word, then one token per merge; only w and l of chaiwala are unknown; chaat encodes', async () => {
  const opened = await load();
  const { page } = opened;
  await label(page, 'Tokenizer').selectOption('bpe');
  const model = new NgramModel(LESSON, { tokenizer: 'bpe' });
  const vocab = model.vocab;
  model.free();
  // the lesson's characters in order of first appearance open the vocabulary, then each of them ending a word
  const characters = ['c', 'h', 'a', 'i', 'b', 'u', 't', 'g', 'r', 'm'];
  assert.deepEqual(vocab.slice(0, 20), [...characters, ...characters.map((c) => `${c}</w>`)]);
  const chips = page.getByRole('list', { name: 'Vocabulary' });
  await eventually(async () => assert.deepEqual(await tokens(chips), vocab));
  // the default text to split: chaiwala spelt in pieces (c·h merged; chai</w> is a whole word); w and l unknown
  const list = page.getByRole('region', { name: 'Tokens of the text' }).getByRole('list', { name: 'Tokens' });
  await eventually(async () => assert.deepEqual((await tokens(list)).slice(0, 7),
    ['ch', 'a', 'i', 'w (unknown)', 'a', 'l (unknown)', 'a</w>']));
  assert.equal((await tokens(list)).filter((t) => t.endsWith('(unknown)')).length, 2);
  // Part B: a new word spelt with the corpus's letters is encoded, piece by piece
  await page.getByLabel('Text', { exact: true }).fill('chaat');
  const sequences = page.locator('#out-classification-sequences');
  await eventually(async () => assert.deepEqual(await tokens(sequences), ['[START]', 'ch', 'a', 'a', 't</w>', '[EXTRACT]']));
  assert.ok(await page.locator('#out-classification-error').isHidden());
  await finish(opened);
});

test('the glossary is reachable from every part; the numpy and the why answers open in place', async () => {
  const opened = await load();
  const { page } = opened;
  const links = page.getByRole('link', { name: 'Glossary' });
  assert.equal(await links.count(), 4, 'one link in each of Parts A–D');
  await links.nth(2).click();
  const glossary = page.locator('#glossary-terms');
  await eventually(async () => assert.equal(await glossary.locator('dt').count(), 13));
  assert.deepEqual(await glossary.locator('dt').allTextContents(), ['token', 'vocabulary', 'BPE', '</w>', 'context',
    'smoothing', 'logit', 'nats', 'perplexity', 'embedding', 'head', 'LayerNorm', 'fine-tuning']);
  assert.ok(await glossary.locator('dt', { hasText: 'nats' }).isVisible());
  // Show the numpy beside Parts A, B and C
  const numpy = page.locator('details.numpy > summary');
  assert.deepEqual(await numpy.allTextContents(), ['Show the numpy', 'Show the numpy', 'Show the numpy']);
  await numpy.first().click();
  const code = page.getByRole('region', { name: 'numpy for Part A' });
  await eventually(async () => assert.match(await code.textContent(), /np\.random\.seed\(42\)\nprint\(" "\.join\(generate\(6\)\)\)/));
  assert.match(await code.textContent(), /\n    for w in s:\n        vocab\.setdefault\(w, len\(vocab\)\)/, 'indentation kept');
  // the questions a student asks, answered where they arise
  await page.getByText('Why can [START] appear in the middle of a sample?').click();
  await eventually(async () => assert.match(await page.locator('details[data-reading="why-start"]').textContent(),
    /GPT-1 never predicts its start token/));
  await page.getByText('Why is [DELIM] needed?').click();
  await eventually(async () => assert.match(await page.locator('details[data-reading="why-delim"]').textContent(),
    /one flat sequence/));
  await finish(opened);
});

test('Figure 1 follows the task and the texts as they are typed', async () => {
  const opened = await load();
  const { page } = opened;
  await page.locator('#part-b').scrollIntoViewIfNeeded();
  const figure = page.getByRole('img', { name: 'Figure 1 of the GPT-1 paper for this input' });
  await figure.waitFor();
  const texts = () => figure.locator('.figure1-text text:not(.figure1-role)').allTextContents();
  assert.deepEqual(await texts(), ['chai bahut garam hai']);
  await page.getByLabel('Text', { exact: true }).fill('chai garam');
  await eventually(async () => assert.deepEqual(await texts(), ['chai garam']));
  // similarity: both orders, their states added, one linear layer
  await page.getByRole('radio', { name: 'Similarity' }).check();
  await eventually(async () => assert.equal(await figure.locator('.figure1-transformer').count(), 2));
  assert.equal(await figure.locator('.figure1-add').count(), 1);
  assert.equal(await figure.locator('.figure1-linear').count(), 1);
  assert.deepEqual(await texts(), ['chai acha hai', 'chai bahut acha hai', 'chai bahut acha hai', 'chai acha hai']);
  // multiple choice: one row per answer, a softmax over their scores
  await page.getByRole('radio', { name: 'Multiple choice' }).check();
  await page.getByLabel('Answers').fill('garam hai\nacha hai\nthandi hai');
  await eventually(async () => assert.equal(await figure.locator('.figure1-linear').count(), 3));
  assert.equal(await figure.locator('.figure1-softmax').count(), 1);
  assert.match(await figure.locator('desc').textContent(), /^3 sequences, one per answer/);
  await finish(opened);
});

/** The WCAG contrast ratio of two computed colours (rgb() or rgba() over an opaque background). */
function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

for (const colorScheme of ['light', 'dark']) {
  test(`a 390 px phone, ${colorScheme}: no control clipped, sideways regions announced, disabled buttons readable`, async () => {
    const opened = await load('', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme });
    const { page } = opened;
    await evaluated(page);
    await page.locator('#gpt-lab > summary').click(); // its controls are laid out and enabled
    await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'nothing wider than the screen');
    // every control lies inside the screen, or inside a region that scrolls sideways
    const clipped = await page.evaluate(() => {
      const out = [];
      for (const c of document.querySelectorAll('input, select, textarea, button, summary')) {
        const box = c.getBoundingClientRect();
        if (!box.width || c.closest('[hidden], .visually-hidden')) continue;
        const scroller = c.parentElement.closest('.matrix-wrap, .table-wrap, .step-view, .canvas-scroll, .merges');
        if (!scroller && (box.left < 0 || box.right > 390)) out.push(`${c.id || c.textContent} at ${box.left}–${box.right}`);
        if (c.tagName === 'SELECT') {
          // the chosen option's text fits the menu (the arrow takes about 24 px)
          const probe = document.createElement('span');
          probe.style.font = getComputedStyle(c).font;
          probe.textContent = c.selectedOptions[0]?.textContent ?? '';
          document.body.append(probe);
          if (probe.offsetWidth > c.clientWidth - 24) out.push(`${c.id}: “${probe.textContent}” cut`);
          probe.remove();
        }
      }
      return out;
    });
    assert.deepEqual(clipped, []);
    // regions that scroll sideways say so: a named, focusable region, faded at the edge with more
    const loss = page.getByRole('region', { name: /Loss table/ });
    await eventually(async () => assert.equal(await loss.getAttribute('data-overflow'), 'right'));
    const regions = await page.evaluate(() => [...document.querySelectorAll('[data-overflow]:not([data-overflow="none"])')]
      .map((r) => ({ role: r.getAttribute('role'), name: r.getAttribute('aria-label'), tab: r.tabIndex })));
    assert.ok(regions.length >= 1);
    for (const r of regions) assert.ok(r.role === 'region' && r.name && r.tab === 0, JSON.stringify(r));
    await loss.evaluate((r) => { r.scrollLeft = r.scrollWidth; });
    await eventually(async () => assert.equal(await loss.getAttribute('data-overflow'), 'left'));
    // a disabled button looks off (no accent fill) and its words stay readable (WCAG AA, 4.5:1)
    const pause = page.getByRole('button', { name: 'Pause' });
    assert.ok(await pause.isDisabled());
    const [off, on] = await Promise.all([pause, page.getByRole('button', { name: 'Train' })].map((b) => b.evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, background: s.backgroundColor, border: s.borderStyle };
    })));
    assert.notEqual(off.background, on.background);
    assert.equal(off.border, 'dashed');
    assert.ok(contrast(off.color, off.background) >= 4.5, `disabled text contrast ${contrast(off.color, off.background)}`);
    // the header keeps no gap for "Copied"
    const gap = await page.evaluate(() => document.getElementById('presentation').getBoundingClientRect().left
      - document.getElementById('copy-link').getBoundingClientRect().right);
    assert.ok(gap <= 10, `${gap}px between Copy link and Presentation`);
    await page.screenshot({ path: shot(`phone-390-${colorScheme}.png`), fullPage: true });
    await finish(opened);
  });
}
