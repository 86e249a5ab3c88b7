// The page imports the built module and shows the notebook's seed-42 generation, computed live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open } from './browser.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

test('the page shows the notebook seed-42 generation from the wasm core', async () => {
  const { page, problems, context } = await open(env);
  const generated = page.locator('#generated');
  await generated.filter({ hasNotText: 'loading' }).waitFor();
  assert.equal(await generated.textContent(), '[START] chai [END]');
  assert.deepEqual(problems, []);
  await context.close();
});
