// Issue 7 on the page: hostile links and pastes stay data, the Content-Security-Policy is sent and enforced, nothing
// leaves the page, a 50 MB paste is refused and never enters the box, a link never replaces the saved corpus without asking, and a
// trap on the page's own (main-thread) path is survived with the text and settings kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, inNode, watch, eventually, tokens, finish as finishPage, pasteInto, inject } from './browser.mjs';
import { CSP } from '../../scripts/serve.mjs';
import { DEFAULTS as FIELDS } from '../../www/state/store.js';
import { encode } from '../../www/state/link.js';

const { NgramModel, generate } = await inNode();

const { env, load } = session({ path: '/?test', timeout: 10000 });

const DEFAULTS = encode(FIELDS); // under the link's keys
const KEYS = Object.keys(DEFAULTS);
const STORAGE_KEY = 'gpt1-playground/state';
const LESSON_SAMPLE = ['[START]', 'chai', '[END]'];

/** What an attacker would put in a link or a paste; each, if it ran, would set window.__pwned or open a dialog. */
const PAYLOADS = {
  script: '<script>window.__pwned = "script"; alert("script")</script>',
  img: '<img src="https://evil.example/x.png" onerror="window.__pwned = \'img\'; alert(1)">',
  url: 'javascript:window.__pwned = "url"; alert("url")',
  css: '</textarea></style><style>* { display: none !important } body { background: url(https://evil.example/c.png) }'
    + '</style>"\'><svg onload="window.__pwned = \'svg\'"></svg><a href="javascript:window.__pwned=1">x</a> } /* \u202e',
};

/** Another tab of the same browser profile (same localStorage), recording its problems. */
async function tab(context, path, problems = []) {
  const page = await context.newPage();
  watch(env, page, problems);
  await page.goto(new URL(path, env.url).href);
  await page.locator('html[data-ready="true"]').waitFor();
  return { page, problems };
}

/** The page's policy, written out: its own files and wasm, and requests to the hub GPT-1 is downloaded from. */
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
  + "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co; img-src 'self' data:; "
  + "style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const finish = (opened) => finishPage(opened, 'no console errors, dialogs or requests beyond the page');

const partA = (page) => page.locator('#part-a');
const field = (page, name) => page.locator('main').getByLabel(name, { exact: true }).first();
const corpusField = (page) => partA(page).getByLabel('Corpus', { exact: true });
const generated = (page) => page.getByRole('region', { name: 'Generated' });
const question = (page) => page.getByRole('group', { name: 'Use the corpus from this link?' });
const saved = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), STORAGE_KEY);
const expected = (corpus, options = {}) => {
  const model = new NgramModel(corpus);
  try { return generate(model, { seed: 42, maxLen: 6, ...options }); } finally { model.free(); }
};

/** Evidence that something a payload carries ran or was parsed as markup. */
function traces(page) {
  return page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    markup: document.querySelectorAll('img, iframe, object, embed, style, base, frame, meta[http-equiv="refresh"]').length,
    handlers: [...document.querySelectorAll('*')].filter((node) => [...node.attributes].some((a) => /^on/i.test(a.name))).length,
    jsLinks: document.querySelectorAll('a[href^="javascript" i], [src^="javascript" i], [action]').length,
    visible: getComputedStyle(document.body).display !== 'none',
  }));
}

async function assertClean(page) {
  const found = await traces(page);
  assert.deepEqual(found, {
    pwned: null, scripts: ['www/main.js'], markup: 0, handlers: 0, jsLinks: 0, visible: true,
  });
  assert.ok(await partA(page).getByRole('button', { name: 'Resample' }).isVisible(), 'the page is still shown');
}

/** Makes a profile whose saved corpus is `corpus` (and seed 9); returns the open context and tab. */
async function profileWith(corpus) {
  const opened = await load('/');
  const { page } = opened;
  await corpusField(page).fill(corpus);
  await field(page, 'Seed').fill('9');
  await eventually(async () => assert.equal((await saved(page))?.seed, '9'));
  assert.equal((await saved(page)).corpus, corpus);
  return opened;
}

/** Appends an inline script at run time; returns the CSP directive that refused it and whether it ran. */
function appendInlineScript(page) {
  return page.evaluate(async () => {
    const refused = new Promise((resolve) => document.addEventListener('securitypolicyviolation',
      (e) => resolve(e.violatedDirective), { once: true }));
    const script = document.createElement('script');
    script.textContent = 'window.__pwned = "inline"';
    document.body.append(script);
    return { violated: await refused, pwned: window.__pwned ?? null };
  });
}

test('the Content-Security-Policy is sent as a header and as a meta tag, and an injected inline script does not run', async () => {
  const opened = await load();
  const { page } = opened;
  const response = await page.goto(new URL('/?test', env.url).href);
  await page.locator('html[data-ready="true"]').waitFor();
  const header = response.headers()['content-security-policy'];
  assert.equal(header, CSP);
  // the meta tag carries the policy written out here; the header adds frame-ancestors, which only a header can carry
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.equal(meta, POLICY);
  assert.equal(header, `${POLICY}; frame-ancestors *`);
  assert.doesNotMatch(header, /'unsafe-inline'|'unsafe-eval'/);
  // requests beyond the page go only to the hub the page names (its one gpt1-hub meta tag) and the hub's file hosts
  const hub = await page.locator('meta[name="gpt1-hub"]').getAttribute('content');
  assert.equal(hub, 'https://huggingface.co');
  assert.equal(await page.locator('meta[name="gpt1-hub"]').count(), 1);
  const connect = header.split('; ').find((d) => d.startsWith('connect-src '));
  assert.equal(connect, `connect-src 'self' ${hub} https://*.huggingface.co https://*.hf.co`);

  // it is enforced: an inline script appended at run time is refused
  const header1 = await appendInlineScript(page);
  assert.equal(header1.pwned, null);
  assert.match(header1.violated, /^script-src/);
  await opened.context.close();

  // a static host that sends no header: the meta tag alone still refuses it
  const context = await env.browser.newContext();
  await context.route(/\/(\?test)?$/, async (route) => {
    const fetched = await route.fetch();
    const headers = { ...fetched.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response: fetched, headers });
  });
  const bare = await context.newPage();
  const response2 = await bare.goto(new URL('/?test', env.url).href);
  assert.equal(response2.headers()['content-security-policy'], undefined);
  await bare.locator('html[data-ready="true"]').waitFor();
  const meta1 = await appendInlineScript(bare);
  assert.equal(meta1.pwned, null);
  assert.match(meta1.violated, /^script-src/);
  assert.deepEqual(await tokens(generated(bare)), LESSON_SAMPLE, 'the page works under the meta policy alone');
  await context.close();
});

test('hostile links — every payload in every key, and a 1 MB hash — stay data and never replace the saved corpus', async () => {
  const mine = 'chai garam hai\nchai acha';
  const opened = await profileWith(mine);
  const { context, problems } = opened;
  const links = Object.entries(PAYLOADS).map(([name, payload]) => [name,
    `/?test&corpus=${encodeURIComponent(payload)}#${new URLSearchParams(KEYS.map((key) => [key, payload]))}`]);
  // the same script payload unencoded, as someone would type it
  links.push(['raw', `/#${KEYS.map((key) => `${key}=${PAYLOADS.script}`).join('&')}`]);
  // a 1 MB hash: a corpus too long for a link (ignored) and every other key carrying the img payload
  const huge = 'chai '.repeat(2 ** 18);
  links.push(['1 MB', `/#${new URLSearchParams(KEYS.map((key) => [key, key === 'corpus' ? huge : PAYLOADS.img]))}`]);
  // bad encoding, an unknown key, a repeated key, a value no menu has
  links.push(['malformed', '/#corpus=%E0%A4%A&order=9&bogus=1&__proto__=x&k=0.5&k=2&seed=%ZZ&text=ok']);

  for (const [name, link] of links) {
    const before = await saved(opened.page); // (a valid link's settings are saved: only its corpus asks first)
    const { page } = await tab(context, link, problems);
    await assertClean(page);
    // the saved corpus stays, in the box and in storage; the notice says what was ignored, as text
    assert.equal(await corpusField(page).inputValue(), mine, name);
    assert.equal((await saved(page)).corpus, mine, name);
    const notice = page.locator('#link-notice');
    assert.ok(await notice.isVisible(), `${name}: a notice says what was ignored`);
    if (name === '1 MB') {
      assert.match(await notice.textContent(), /corpus is 1,310,720 characters long, above the 100,000 a link may carry/);
      assert.ok(await question(page).isHidden());
    } else if (name === 'malformed') {
      const text = await notice.textContent();
      for (const part of [/not properly encoded/, /order “9” is not one of 1, 2, 3, 4, 5, 6/, /unknown settings “bogus”, “__proto__”/,
        /k appears more than once/]) assert.match(text, part);
      assert.equal(await field(page, 'Text').inputValue(), 'ok', 'the valid fields are taken');
      assert.equal(await field(page, 'Smoothing').inputValue(), '1', 'a repeated key is ignored, the saved value kept');
      assert.equal(await field(page, 'Seed').inputValue(), before.seed, 'a badly encoded value is ignored');
      assert.equal((await saved(page)).seed, before.seed);
    } else {
      // the typed fields take the payload as text; the menus keep the saved choice
      const payload = name === 'raw' ? PAYLOADS.script : PAYLOADS[name];
      assert.equal(await field(page, 'Text').inputValue(), payload, name);
      assert.equal(await field(page, 'Seed').inputValue(), payload, name);
      assert.equal(await field(page, 'Order').inputValue(), '2');
      assert.match(await page.locator('#seed-error').textContent(), /Seed must be a whole number/, name);
      assert.ok(await question(page).isVisible(), `${name}: asked about the link's corpus`);
      assert.equal(await page.locator('#link-corpus-preview').textContent(), payload);
    }
    // still usable: the saved corpus is counted
    assert.equal(await page.locator('#vocab-size').textContent(), 'V = 6');
    await page.close();
  }
  // the first tab, reloaded, still has everything it saved
  await opened.page.reload();
  await opened.page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await corpusField(opened.page).inputValue(), mine);
  await assertClean(opened.page);
  await finish(opened);
});

test('the same payloads typed into every field stay text, and the lesson comes back when the fields are restored', async () => {
  const opened = await load();
  const { page } = opened;
  const before = await traces(page);
  await field(page, 'Tokenizer').selectOption('bpe'); // so Merges is shown
  const typed = ['Corpus', 'Merges', 'Smoothing', 'Text to split', 'Seed', 'Max length', 'Temperature', 'Top-k', 'Validation text',
    'λ', 'L_lm'];
  const tasks = { Classification: ['Text'], Entailment: ['Premise', 'Hypothesis'], Similarity: ['Text 1', 'Text 2'],
    'Multiple choice': ['Context', 'Answers'] };
  // every payload at once in each field (one round of typing instead of four)
  for (const payload of [Object.values(PAYLOADS).join('\n')]) {
    for (const name of typed) {
      if (name === 'Smoothing') continue; // a range: it takes numbers only (set through the link test above)
      await field(page, name).fill(payload);
    }
    for (const [task, names] of Object.entries(tasks)) {
      await page.getByRole('radio', { name: task, exact: true }).check();
      for (const name of names) await field(page, name).fill(payload);
    }
    await assertClean(page);
    assert.equal(await corpusField(page).inputValue(), payload);
    // the text is shown as chips of text, never as markup
    assert.ok((await tokens(page.getByRole('list', { name: 'Vocabulary' }))).length > 2);
  }
  // the tiny-GPT lab's fields too, once it is opened
  const lab = page.locator('#part-d');
  if (await lab.count()) {
    await lab.getByText('Open the training lab').click();
    await lab.getByRole('button', { name: 'Train', exact: true }).and(page.locator(':enabled')).waitFor(); // made on opening
    const boxes = await lab.getByRole('textbox').all();
    assert.ok(boxes.length >= 5);
    for (const box of boxes) await box.fill(Object.values(PAYLOADS).join(' '));
    await assertClean(page);
  }
  assert.deepEqual((await traces(page)).scripts, before.scripts);
  // restore what the lesson had: its numbers come back
  await field(page, 'Tokenizer').selectOption('word');
  const restore = { Corpus: DEFAULTS.corpus, 'Text to split': DEFAULTS.seg, Seed: DEFAULTS.seed, 'Max length': DEFAULTS.len,
    Temperature: DEFAULTS.t, 'Top-k': DEFAULTS.topk, 'Validation text': DEFAULTS.val, λ: DEFAULTS.lambda, L_lm: DEFAULTS.lm };
  for (const [name, value] of Object.entries(restore)) await field(page, name).fill(value);
  await page.getByRole('radio', { name: 'Classification', exact: true }).check();
  await field(page, 'Text').fill(DEFAULTS.text);
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), LESSON_SAMPLE));
  assert.equal(await page.locator('#vocab-size').textContent(), 'V = 7');
  assert.equal(await page.getByLabel('Combined loss', { exact: true }).textContent(), (-Math.log(0.72) + 0.5 * 1.5).toFixed(4));
  assert.deepEqual(await tokens(page.getByRole('region', { name: 'Classification input' })),
    ['[START]', 'chai', 'bahut', 'garam', 'hai', '[EXTRACT]']);
  await finish(opened);
});

test('a 50 MB paste is refused with the size and the limit, never enters the box, and the page keeps answering', async () => {
  const opened = await load();
  const { page, context } = opened;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const mine = 'chai bahut garam hai\nchai acha';
  await corpusField(page).fill(mine);
  const unit = 'chai bahut garam hai\n';
  const count = Math.ceil(50e6 / unit.length);
  await page.evaluate(([u, n]) => navigator.clipboard.writeText(u.repeat(n)), [unit, count]);
  await corpusField(page).focus();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('ControlOrMeta+V');
  const error = page.locator('#corpus-error');
  await error.filter({ hasText: 'limit' }).waitFor(); // (how fast is the bench's business: a shared machine varies)
  const bytes = (unit.length * count + mine.length).toLocaleString('en-US');
  assert.equal(await error.textContent(), `That paste would make the corpus ${bytes} characters long, at least ${bytes} `
    + 'bytes of UTF-8, above the limit of 33,554,432 bytes (32 MiB), so it was not pasted: the box keeps your text as it was.');
  assert.equal(await corpusField(page).getAttribute('aria-invalid'), 'true');
  // the box keeps the text it had, and the page goes on answering: a button press draws a new sample of that text
  assert.equal(await corpusField(page).inputValue(), mine);
  const seed = await field(page, 'Seed').inputValue();
  await partA(page).getByRole('button', { name: 'Resample' }).click();
  assert.notEqual(await field(page, 'Seed').inputValue(), seed);
  assert.deepEqual(await tokens(generated(page)), expected(mine, { seed: Number(await field(page, 'Seed').inputValue()) }));
  // the validation text refuses it the same way
  const val = field(page, 'Validation text');
  const valBefore = await val.inputValue();
  await val.focus();
  await page.keyboard.press('ControlOrMeta+V');
  await eventually(async () => assert.match(await page.locator('#val-error').textContent(),
    /^That paste would make the validation text [\d,]+ characters long, .* so it was not pasted/));
  assert.equal(await val.inputValue(), valBefore);
  // a paste that fits is taken as usual, and clears the message
  await page.evaluate(() => navigator.clipboard.writeText('\nchai thanda hai'));
  await corpusField(page).focus();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('ControlOrMeta+V');
  await eventually(async () => assert.equal(await corpusField(page).inputValue(), `${mine}\nchai thanda hai`));
  await eventually(async () => assert.ok(await error.isHidden()));
  await finish(opened);
});

test('a full localStorage is reported, never crashes, and a reload brings back the last corpus that fitted', async () => {
  const context = await env.browser.newContext();
  // this browser's storage takes at most 50,000 characters a value
  await context.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (String(value).length > 50000) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return setItem.call(this, key, value);
    };
  });
  const problems = [];
  const { page } = await tab(context, '/', problems);
  const big = Array.from({ length: 6000 }, (_, i) => `chai ${i % 3 ? 'garam' : 'acha'} hai`).join('\n');
  await pasteInto(corpusField(page), big);
  const notice = page.getByRole('status').filter({ hasText: 'too large for this browser' });
  await eventually(async () => assert.match(await notice.textContent(), /This corpus \(\d{2},\d{3} characters\) is too large/));
  await field(page, 'Seed').fill('5');
  await eventually(async () => assert.equal((await saved(page))?.seed, '5'));
  assert.equal((await saved(page)).corpus, DEFAULTS.corpus, 'the settings are saved with the last corpus that fitted');
  await page.locator('#model-status[data-state="idle"]').waitFor();
  assert.deepEqual(await tokens(generated(page)), expected(big, { seed: 5 }), 'the corpus is counted all the same');
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await corpusField(page).inputValue(), DEFAULTS.corpus);
  assert.equal(await field(page, 'Seed').inputValue(), '5');
  // the address still holds the big corpus (it is under the link's 100,000): the page offers it back
  await question(page).getByRole('button', { name: "Use the link's corpus" }).click();
  assert.equal(await corpusField(page).inputValue(), big);
  await context.close();
  assert.deepEqual(problems, []);
});

test('a link with another corpus asks first: keeping the saved one, or taking the link\'s, by keyboard', async () => {
  const mine = 'chai garam hai\nchai acha';
  const opened = await profileWith(mine);
  const { context, problems } = opened;
  const theirs = 'pani thanda hai\npani acha hai';
  const link = `/#${new URLSearchParams({ ...DEFAULTS, corpus: theirs, seed: '3' })}`;

  // keep: nothing of the saved corpus changes; the link's other settings are taken
  let { page } = await tab(context, link, problems);
  const ask = question(page);
  assert.ok(await ask.isVisible());
  assert.match(await ask.textContent(), /different corpus \(29 characters, 2 lines\)/);
  assert.equal(await corpusField(page).inputValue(), mine, 'the saved corpus is kept until the user chooses');
  assert.equal(await field(page, 'Seed').inputValue(), '3');
  assert.deepEqual(await tokens(generated(page)), expected(mine, { seed: 3 }));
  await eventually(async () => assert.equal((await saved(page)).seed, '3'));
  assert.equal((await saved(page)).corpus, mine);
  await ask.getByRole('button', { name: 'Keep my saved corpus' }).focus();
  await page.keyboard.press('Enter');
  assert.ok(await ask.isHidden());
  assert.equal(await corpusField(page).inputValue(), mine);
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await corpusField(page).inputValue(), mine);
  await page.close();

  // use: the link's corpus replaces the saved one, and is saved
  ({ page } = await tab(context, link, problems));
  await question(page).getByRole('button', { name: "Use the link's corpus" }).focus();
  await page.keyboard.press('Space');
  assert.ok(await question(page).isHidden());
  assert.equal(await corpusField(page).inputValue(), theirs);
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), expected(theirs, { seed: 3 })));
  await eventually(async () => assert.equal((await saved(page)).corpus, theirs));
  await page.close();

  // a link pasted into the address bar of an open tab asks too; Escape keeps what is there
  ({ page } = await tab(context, '/', problems));
  await page.evaluate((hash) => { location.hash = hash; }, new URLSearchParams({ corpus: mine }).toString());
  await question(page).waitFor();
  await question(page).getByRole('button', { name: 'Keep my saved corpus' }).focus();
  await page.keyboard.press('Escape');
  assert.ok(await question(page).isHidden());
  assert.equal(await corpusField(page).inputValue(), theirs);
  await finish(opened);
});

test('a trap on the page\'s own path renews the wasm instance, counts again and keeps the text; settings survive reload', async () => {
  const opened = await load();
  const { page } = opened;
  const message = page.getByRole('alert').filter({ hasText: 'WebAssembly core' });
  await field(page, 'Order').selectOption('3');
  await field(page, 'Seed').fill('7');
  await page.getByRole('radio', { name: 'Similarity', exact: true }).check();

  // one trap while counting: a fresh instance, the same text counted by it
  const one = 'chai bahut acha hai\nchai thanda hai\nchai garam hai';
  await inject.trap(page, 'build');
  await corpusField(page).fill(one);
  await eventually(async () => assert.match(await message.textContent(), /^The WebAssembly core stopped \(unreachable .*\) and was restarted\. Your text and settings are kept\.$/));
  assert.equal(await inject.renewals(page), 1);
  const model3 = (corpus, seed) => {
    const model = new NgramModel(corpus, { order: 3 });
    try { return generate(model, { seed, maxLen: 6 }); } finally { model.free(); }
  };
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), model3(one, 7)));
  assert.equal(await corpusField(page).inputValue(), one);

  // a trap in a panel's question (generation): the same recovery
  await inject.trap(page, 'ask');
  await field(page, 'Temperature').fill('0.8');
  await eventually(async () => assert.equal(await inject.renewals(page), 2));
  const tempered = (() => {
    const model = new NgramModel(one, { order: 3 });
    try { return generate(model, { seed: 7, maxLen: 6, temperature: 0.8 }); } finally { model.free(); }
  })();
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), tempered));

  // the retry traps too: a plain message, the text kept, and the next edit works
  const two = `${one}\nchai meetha hai`;
  await inject.trap(page, 'build', 2);
  await corpusField(page).fill(two);
  await eventually(async () => assert.match(await message.textContent(), /stopped again .* Your text and settings are kept; edit the corpus or reload/));
  assert.equal(await corpusField(page).inputValue(), two);
  await field(page, 'Temperature').fill('1');
  await corpusField(page).fill(`${two}\n`);
  await eventually(async () => assert.deepEqual(await tokens(generated(page)), model3(`${two}\n`, 7)));

  // everything survives a reload
  await eventually(async () => assert.equal((await saved(page))?.corpus, `${two}\n`));
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  assert.equal(await corpusField(page).inputValue(), `${two}\n`);
  assert.equal(await field(page, 'Order').inputValue(), '3');
  assert.equal(await field(page, 'Seed').inputValue(), '7');
  assert.ok(await page.getByRole('radio', { name: 'Similarity', exact: true }).isChecked());
  assert.deepEqual(await tokens(generated(page)), model3(`${two}\n`, 7));
  await finish(opened);
});
