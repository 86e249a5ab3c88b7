// Accessibility, checked by axe-core (a pinned devDependency, run inside the page) on the desktop and on a dark
// phone (390 × 844): every <details> open (the reading, the glossary, and both labs, which open without weights),
// Parts B's and C's outputs, GPT-1's tokenizer shown with a word's merges, and Part D after a short pre-training and
// fine-tuning, so that its tables and charts are there too. No rule is turned off: a violation is fixed in the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, finish, partB, partC, violations } from './browser.mjs';

const { load } = session({ timeout: 30000 });

/** Opens everything that opens without weights, and fills what the page only draws once asked or trained. */
async function openEverything(page) {
  await page.evaluate(() => { for (const details of document.querySelectorAll('details')) details.open = true; });
  await page.locator('#gpt-train:enabled').waitFor(); // Part D's lab, made once its module loaded
  await page.locator('#gpt1-file:enabled').waitFor(); // Part E's
  await page.locator('#glossary-terms dl, #glossary-terms dt').first().waitFor(); // the reading, filled on opening
  await partB(page); // Parts B's and C's outputs, drawn once their section is in sight
  await partC(page);
  await page.locator('#gpt1-load').click();
  await page.locator('#gpt1-fed-load').click();
  await page.locator('#gpt1-pieces button').first().click();
  await page.locator('#gpt1-steps li').first().waitFor();
  await page.locator('#gpt1-fed li').first().waitFor();
  await page.locator('#gpt-max-steps').fill('25');
  await page.locator('#gpt-train').click();
  await page.locator('#gpt-status', { hasText: /^Finished/ }).waitFor({ timeout: 60000 });
  await page.locator('#gpt-ft-steps').fill('1');
  await page.locator('#gpt-finetune:enabled').click();
  await page.locator('#gpt-ft-results table').waitFor({ timeout: 60000 });
  await page.locator('#gpt-attention table').waitFor();
}

for (const [name, options] of [['the desktop', {}], ['a dark phone (390 × 844)',
  { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }]]) {
  test(`axe-core finds no violations on ${name}, with every <details> open and the labs' outputs drawn`, async () => {
    const opened = await load('', options);
    await openEverything(opened.page);
    assert.deepEqual(await violations(opened.page), []);
    await finish(opened);
  });
}
