// Part E's one button: GPT-1 downloaded from the hub, checked, resumable and kept. The hub is a fake one on this
// machine (fake-hub.mjs: the hub's API and its 302, a file host with Range and the CDN's CORS headers), and the page
// is served as a deployer would serve it to use that hub: its index.html names the fake hub in the gpt1-hub meta tag
// and allows it in the Content-Security-Policy (the server's header follows the page's meta tag). Nothing here
// touches the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, eventually } from './browser.mjs';
import { GOOD, WIDE, drop, loaded, openLab, toyTokenizer, writeFullSize } from './gpt1-model.mjs';
import { COMMIT, fakeHub, sha256Of } from './fake-hub.mjs';
import { serve } from '../../scripts/serve.mjs';

const INDEX = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
const WWW = fileURLToPath(new URL('../../www', import.meta.url));
const GOOD_SHA = createHash('sha256').update(GOOD).digest('hex');
const WIDE_SHA = createHash('sha256').update(WIDE).digest('hex');

let dir;
let fake;
let env;
let small;
let wide;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpt1-download-'));
  small = join(dir, 'small.safetensors');
  writeFileSync(small, GOOD);
  wide = join(dir, 'wide.safetensors'); // (d = 96: the compact form can hold it)
  writeFileSync(wide, WIDE);
  fake = await fakeHub();
  env = await start({ root: deployed('site', fake.hub, `'self' ${fake.hub} ${fake.files}`) });
});
after(async () => {
  await env?.close();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The page as a deployer serves it: a folder `name` whose index.html names `hub` in its gpt1-hub meta tag and has
 * `connect` as its policy's connect-src, every other directive as written; www/ as it is.
 */
function deployed(name, hub, connect) {
  const html = INDEX.replace(/(<meta name="gpt1-hub" content=")[^"]*(">)/, `$1${hub}$2`)
    .replace(/(<meta http-equiv="Content-Security-Policy" content="[^"]*)connect-src [^;]*;/, `$1connect-src ${connect};`);
  assert.match(html, new RegExp(`connect-src ${connect.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};`));
  const root = join(dir, name);
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), html);
  symlinkSync(WWW, join(root, 'www'));
  return root;
}

/**
 * A new context (the small model's toy tokenizer unless `toy` is false) and its page at `url`, Part E's lab open;
 * `problems` collects console errors and requests to any origin but the page's and the fake hub's two.
 */
async function openPart({ toy = true, url = env.url, path = '', also = [] } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(20000);
  if (toy) await toyTokenizer(context);
  const problems = [];
  const allowed = new Set([new URL(url).origin, fake.hub, fake.files, ...also]);
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (!allowed.has(u.origin) && u.protocol !== 'data:' && u.protocol !== 'blob:') problems.push(`request: ${r.url()}`);
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(new URL(path, url).href);
  await page.locator('html[data-ready="true"]').waitFor();
  await openLab(page);
  return { context, page, problems };
}

const text = (page, selector) => page.locator(selector).textContent();
/** The names the origin private file system holds. */
const stored = (page) => page.evaluate(async () => {
  const names = [];
  for await (const name of (await navigator.storage.getDirectory()).keys()) names.push(name);
  return names.sort();
});
/** The file host's GET requests from `from` on in the log: the Range each asked for ('' for none). */
const fileGets = (from = 0) => fake.log.slice(from).filter((r) => r.at === 'files' && r.method === 'GET').map((r) => r.range ?? '');
/** What the page's download log says. */
const notes = (page) => page.locator('#gpt1-download-log li').allTextContents();
const waitForError = (page, pattern, timeout = 20000) => eventually(async () => assert.match(await text(page, '#gpt1-download-error'), pattern), timeout);
/** Waits until the page has taken in the first `bytes` of a file of `size`. */
const reached = (page, bytes, size, timeout = 20000) => eventually(async () => {
  assert.ok(await page.locator('#gpt1-progress').evaluate((bar) => bar.value) >= bytes / size - 1e-12);
}, timeout);

async function closed(context, problems) {
  await context.close();
  assert.deepEqual(problems, []);
}

test('before the press the panel says what will happen and nothing is fetched; then one press loads GPT-1 from the hub the page names, whatever the link says', async () => {
  fake.set({ plain: true, path: small, sha256: GOOD_SHA });
  const before = fake.log.length;
  const { context, page, problems } = await openPart({ path: '?hub=http://127.0.0.1:9&file=x#hub=http://127.0.0.1:9' });
  const what = await text(page, '#gpt1-download-what');
  for (const fact of ['model.safetensors', 'openai-community/openai-gpt', fake.hub, 'about 479 MB', 'MIT licence', 'kept in this browser’s storage only', 'SHA-256', 'Nothing is fetched until you press']) {
    assert.ok(what.includes(fact), `before the press the panel says ${fact}`);
  }
  assert.equal(await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).isEnabled(), true);
  await page.waitForTimeout(500);
  assert.equal(fake.log.length, before, 'nothing is asked of the hub before the press');

  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await loaded(page);
  const asked = fake.log.slice(before);
  assert.deepEqual(asked.map((r) => `${r.at} ${r.method} ${r.path}`), [
    'hub GET /api/models/openai-community/openai-gpt?blobs=true',
    `hub GET /openai-community/openai-gpt/resolve/${COMMIT}/model.safetensors`,
    `files GET /xet-bridge-us/${GOOD_SHA}`,
  ], 'the API, then the file at the commit it names, through the hub\'s redirect');
  assert.ok(asked.every((r) => r.referer === null && r.cookie === null), 'no referrer and no cookies are sent');
  assert.equal(await text(page, '#gpt1-source'), `openai-community/openai-gpt, model.safetensors at commit ${COMMIT} from ${fake.hub}. SHA-256 ${GOOD_SHA}, checked against the hub’s record of the file.`);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  assert.match(await text(page, '#gpt1-timing'), /^From the hub: downloaded and read in \d+\.\d s, first token after \d+\.\d s\.$/);
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  assert.deepEqual(await stored(page), ['gpt1-weights.json', 'gpt1-weights.safetensors']);
  assert.equal(await page.locator('#gpt1-download').isDisabled(), true, 'the same file is not fetched twice');

  await page.getByRole('button', { name: 'Forget the weights' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^The weights are forgotten/));
  assert.deepEqual(await stored(page), []);
  assert.equal(await page.locator('#gpt1-download').isEnabled(), true);
  assert.equal(await page.locator('#gpt1-source').isHidden(), true);
  await closed(context, problems);
});

test('a random file of GPT-1\'s full size, downloaded with the connection cut twice, resumes with Range, is checked, gives the tokens dropping it gives, and a reload fetches nothing', async () => {
  const path = join(dir, 'full.safetensors');
  const size = writeFullSize(path);
  const sha256 = await sha256Of(path);
  const cuts = [150_000_000, 320_000_000];
  fake.set({ plain: true, path, sha256, cuts });
  const { context, page, problems } = await openPart({ toy: false });
  context.setDefaultTimeout(120000);
  const from = fake.log.length;
  const started = Date.now();
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-download-numbers'), /^\d+ MB of 479 MB · \d+\.\d MB\/s · about \d+ (s|min) left$/), 60000);
  await loaded(page, 300000);
  const took = (Date.now() - started) / 1000;

  // two cuts, each taken up with a Range request from where the page's bytes ended, the same commit each time
  const ranges = fileGets(from);
  assert.equal(ranges.length, 3, `${ranges}`);
  assert.equal(ranges[0], '');
  const resumedAt = ranges.slice(1).map((r) => Number(/^bytes=(\d+)-$/.exec(r)[1]));
  resumedAt.forEach((at, i) => assert.ok(at <= cuts[i] && at > (cuts[i - 1] ?? 0), `resumed at ${at} after the cut at ${cuts[i]}`));
  const said = await notes(page);
  const mb = (bytes) => `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
  assert.deepEqual(said, resumedAt.flatMap((at) => [`The connection was lost at ${mb(at)}.`, `Resuming at ${mb(at)}: the file host sends the rest.`]));
  assert.deepEqual(fake.log.slice(from).filter((r) => r.at === 'hub' && r.path.includes('/resolve/')).map((r) => r.path.split('/')[4]), [COMMIT, COMMIT, COMMIT]);
  assert.match(await text(page, '#gpt1-source'), new RegExp(`SHA-256 ${sha256}, checked against the hub’s record`));
  assert.match(await text(page, '#gpt1-weights-status'), /12 layers, 12 heads, 768-dimensional states/);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 120000);
  const downloaded = await text(page, '#gpt1-output');
  const timing = await text(page, '#gpt1-timing');
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'), 60000);

  // a reload reads the kept file back and asks the hub for nothing
  const beforeReload = fake.log.length;
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page, 120000);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 120000);
  assert.equal(await text(page, '#gpt1-output'), downloaded);
  assert.match(await text(page, '#gpt1-source'), new RegExp(`at commit ${COMMIT} .*SHA-256 ${sha256}`));
  assert.match(await text(page, '#gpt1-timing'), /^From storage:/);
  assert.equal(fake.log.length, beforeReload, 'nothing is fetched after a reload');

  // the same file dropped: the same tokens for the same seed
  await page.getByRole('button', { name: 'Forget the weights' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^The weights are forgotten/), 60000);
  await page.locator('#gpt1-file').setInputFiles(path);
  await loaded(page, 120000);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 120000);
  assert.equal(await text(page, '#gpt1-output'), downloaded, 'the downloaded file gives the tokens the dropped file gives');
  assert.equal(await page.locator('#gpt1-source').isHidden(), true, 'a file the user gave has no hub record');
  console.log(`full size, downloaded with two cuts over loopback: ${took.toFixed(1)} s to "loaded" (${(size / 1e6 / took).toFixed(0)} MB/s); ${timing}`);
  await closed(context, problems);
});

test('a file whose SHA-256 is not the hub\'s is refused, and nothing of it is kept', async () => {
  fake.set({ plain: true, path: small, sha256: GOOD_SHA, wrongHash: true });
  const { context, page, problems } = await openPart();
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  const wrong = createHash('sha256').update('another file').digest('hex');
  await waitForError(page, new RegExp(`^GPT-1 could not be downloaded: the downloaded file's SHA-256 is ${GOOD_SHA}, but the hub's record of model\\.safetensors says ${wrong}: it is not the file the hub describes, so nothing of it is kept$`));
  assert.equal(await text(page, '#gpt1-weights-status'), 'No weights loaded.');
  assert.equal(await page.locator('#gpt1-ready').isHidden(), true, 'the file is never run');
  assert.deepEqual(await stored(page), []);
  assert.equal(await page.locator('#gpt1-forget').isDisabled(), true);
  assert.equal(await text(page, '#gpt1-download'), 'Download GPT-1 from Hugging Face', 'nothing to resume');
  // the page works on: with the right record, the same press loads it
  fake.set({ wrongHash: false });
  await page.locator('#gpt1-download').click();
  await loaded(page);
  assert.equal(await page.locator('#gpt1-download-error').isHidden(), true);
  await closed(context, problems);
});

test('a file host that ignores Range: the download starts over cleanly, says so, and ends with the right file', async () => {
  fake.set({ plain: true, path: small, sha256: GOOD_SHA, hold: 150_000, ignoreRange: true });
  const { context, page, problems } = await openPart();
  const from = fake.log.length;
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await reached(page, 150_000, GOOD.length);
  fake.set({ hold: null });
  fake.release(); // (the connection is cut once the page holds the first 150,000 bytes)
  await loaded(page);
  assert.deepEqual(fileGets(from), ['', 'bytes=150000-']);
  assert.deepEqual(await notes(page), ['The connection was lost at 0.2 MB.',
    'The file host sent the whole file instead of the rest (it ignored the request for the bytes from 0.2 MB): starting over from 0 MB.']);
  assert.match(await text(page, '#gpt1-source'), new RegExp(`SHA-256 ${GOOD_SHA}`));
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  const downloaded = await text(page, '#gpt1-output');
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  assert.deepEqual(await stored(page), ['gpt1-weights.json', 'gpt1-weights.safetensors']);
  const kept = await page.evaluate(async () => {
    const file = await (await (await navigator.storage.getDirectory()).getFileHandle('gpt1-weights.safetensors')).getFile();
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
  assert.equal(kept, GOOD_SHA, 'storage holds the file, not the first bytes twice');
  // the same tokens as the file dropped
  await page.getByRole('button', { name: 'Forget the weights' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^The weights are forgotten/));
  await drop(page, GOOD);
  await loaded(page);
  await eventually(async () => assert.equal(await page.locator('#gpt1-output .gpt1-new').count(), 20), 20000);
  assert.equal(await text(page, '#gpt1-output'), downloaded);
  await closed(context, problems);
});

test('compact chosen: the download is quantized as it arrives, taken up after a cut, checked, and only the compact file is kept, with its record; a reload reads it and fetches nothing', async () => {
  // the connection is held after 200,000 bytes and cut once the page has them all (a cut that came with bytes still
  // unread would drop them with the stream, as browsers do, and the page would rightly start over from 0)
  fake.set({ plain: true, path: wide, sha256: WIDE_SHA, hold: 200_000 });
  const { context, page, problems } = await openPart();
  await page.getByRole('radio', { name: /^compact int8/ }).check();
  const from = fake.log.length;
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await reached(page, 200_000, WIDE.length);
  fake.set({ hold: null });
  fake.release();
  await loaded(page);
  assert.deepEqual(fileGets(from), ['', 'bytes=200000-'], 'the rest asked for after the cut');
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form/);
  const source = `openai-community/openai-gpt, model.safetensors at commit ${COMMIT} from ${fake.hub}. SHA-256 ${WIDE_SHA}, checked against the hub’s record of the file. Kept in this browser as the compact int8 form made from it.`;
  await eventually(async () => assert.match(await text(page, '#gpt1-notice'), /^Kept in this browser for your next visit: the compact file, \d+ MB\.$/));
  assert.deepEqual(await stored(page), ['gpt1-weights.json', 'gpt1-weights.safetensors'], 'the download\'s bytes are gone');
  const { form, size, record } = await page.evaluate(async () => {
    const folder = await navigator.storage.getDirectory();
    const file = await (await folder.getFileHandle('gpt1-weights.safetensors')).getFile();
    const length = Number(new DataView(await file.slice(0, 8).arrayBuffer()).getBigUint64(0, true));
    const json = await (await (await folder.getFileHandle('gpt1-weights.json')).getFile()).text();
    return { form: JSON.parse(await file.slice(8, 8 + length).text()).__metadata__.form, size: file.size, record: JSON.parse(json) };
  });
  assert.equal(form, 'int8');
  assert.ok(size < WIDE.length / 2, `${size} of ${WIDE.length} bytes`);
  assert.deepEqual([record.sha256, record.form], [WIDE_SHA, 'int8'], 'the record of the file it was made from, and its form');
  const asked = fake.log.length;
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await loaded(page);
  await eventually(async () => assert.match(await text(page, '#gpt1-timing'), /^From storage: read in/), 20000);
  assert.equal(await text(page, '#gpt1-source'), source);
  assert.match(await text(page, '#gpt1-running'), /^Running: the compact int8 form/);
  assert.equal(fake.log.length, asked, 'nothing is fetched');
  await closed(context, problems);
});

test('a reload in the middle and a Cancel keep what arrived; each press goes on from there with a Range request', async () => {
  const size = GOOD.length;
  fake.set({ plain: true, path: small, sha256: GOOD_SHA, hold: 150_000 });
  const { context, page, problems } = await openPart();
  const from = fake.log.length;
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await reached(page, 150_000, size);

  // a reload mid-way: the lab opens by itself and offers to go on
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  fake.release();
  fake.set({ hold: 250_000 });
  const resume = page.getByRole('button', { name: /^Resume the download \(0\.2 MB of 0\.4 MB kept\)$/ });
  await resume.waitFor();
  assert.equal(await text(page, '#gpt1-weights-status'), '0.2 MB of GPT-1\'s 0.4 MB are kept in this browser from a download that stopped: Resume the download goes on from there.');
  await resume.click();
  await reached(page, 250_000, size);
  assert.deepEqual(await notes(page), ['Resuming at 0.2 MB: the file host sends the rest.']);

  // Cancel: at once, and what arrived stays
  await page.getByRole('button', { name: 'Cancel' }).click();
  await eventually(async () => assert.equal(await text(page, '#gpt1-weights-status'), 'Download cancelled. 0.3 MB of GPT-1\'s 0.4 MB are kept in this browser from a download that stopped: Resume the download goes on from there.'));
  fake.release();
  fake.set({ hold: null });
  await page.getByRole('button', { name: /^Resume the download \(0\.3 MB of 0\.4 MB kept\)$/ }).click();
  await loaded(page);
  assert.deepEqual(fileGets(from), ['', 'bytes=150000-', 'bytes=250000-']);
  assert.match(await text(page, '#gpt1-source'), new RegExp(`SHA-256 ${GOOD_SHA}, checked`), 'the hash covers the whole file');
  await eventually(async () => assert.equal(await text(page, '#gpt1-notice'), 'Kept in this browser for your next visit.'));
  assert.deepEqual(await stored(page), ['gpt1-weights.json', 'gpt1-weights.safetensors']);
  await closed(context, problems);
});

test('a Cancel pressed while the hub is still being asked stops that download, and the next press works', async () => {
  fake.set({ plain: true, path: small, sha256: GOOD_SHA, apiDelay: 1500 });
  const { context, page, problems } = await openPart();
  const from = fake.log.length;
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await eventually(() => assert.equal(fake.log.length, from + 1, 'the API is asked'));
  await page.getByRole('button', { name: 'Cancel' }).click();
  await eventually(async () => assert.match(await text(page, '#gpt1-weights-status'), /^Download cancelled\./));
  await page.waitForTimeout(2500); // (the API answers meanwhile)
  const free = await page.evaluate(async () => {
    const handle = await (await navigator.storage.getDirectory()).getFileHandle('gpt1-weights.download', { create: true });
    try {
      await (await handle.createWritable({ keepExistingData: true })).abort();
      return true;
    } catch (error) {
      return error.name;
    }
  });
  assert.equal(free, true, 'the stopped download holds nothing open (its file could be written by someone else)');
  fake.set({ apiDelay: 0 });
  await page.getByRole('button', { name: /^(Download GPT-1 from Hugging Face|Resume the download .*)$/ }).click();
  await loaded(page);
  assert.match(await text(page, '#gpt1-source'), new RegExp(`SHA-256 ${GOOD_SHA}, checked`));
  assert.equal(await page.locator('#gpt1-download-error').isHidden(), true);
  await closed(context, problems);
});

test('where the hub\'s API gives no record, a file host that does not say the SHA-256 is not downloaded', async () => {
  fake.set({ plain: true, path: small, sha256: GOOD_SHA, apiStatus: 500 });
  const { context, page, problems } = await openPart();
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await waitForError(page, /^GPT-1 could not be downloaded: the hub's API gave no record of model\.safetensors \(it answered HTTP 500\), and its file host does not tell this page the file's SHA-256: the download could not be checked, so it was not started$/);
  assert.deepEqual(await stored(page), []);
  assert.equal(await page.locator('#gpt1-forget').isDisabled(), true);
  await closed(context, problems.filter((p) => !/status of 500/.test(p)));
});

test('where the hub cannot be reached the panel says why — offline, no CORS headers, the page\'s policy, no answer — and a dropped file still works', async () => {
  fake.set({ plain: true, path: small, sha256: GOOD_SHA });
  const { context, page, problems } = await openPart();
  const from = fake.log.length;
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
  await waitForError(page, new RegExp(`^GPT-1 could not be downloaded: this browser is offline, so ${fake.hub} cannot be reached$`));
  assert.equal(fake.log.length, from, 'nothing was asked for');
  await context.setOffline(false);

  fake.set({ noCors: true });
  await page.locator('#gpt1-download').click();
  await waitForError(page, /^GPT-1 could not be downloaded: http:\/\/127\.0\.0\.1:\d+ \(or the host it sends the page to for model\.safetensors\) answered, but without the CORS headers that let this page read the answer/);
  fake.set({ noCors: false });
  await drop(page, GOOD);
  await loaded(page);
  assert.equal(await page.locator('#gpt1-download-error').isHidden(), true);
  await closed(context, problems.filter((p) => !/CORS|Failed to load resource/.test(p)));

  // a page whose policy does not allow the hub, and a hub that does not answer at all
  const closedPort = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
  });
  const sites = [
    ['blocked', fake.hub, "'self'", new RegExp(`this page's Content-Security-Policy does not allow requests to ${fake.hub} \\(its connect-src\\)`)],
    ['silent', `http://127.0.0.1:${closedPort}`, `'self' http://127.0.0.1:${closedPort}`, new RegExp(`http://127\\.0\\.0\\.1:${closedPort} could not be reached: the network, a firewall or a filter blocks it`)],
  ];
  for (const [name, hub, connect, message] of sites) {
    const { server, url } = await serve({ root: deployed(name, hub, connect), port: 0 });
    try {
      const opened = await openPart({ url, also: [hub] });
      await opened.page.locator('#gpt1-download').click();
      await waitForError(opened.page, message);
      await drop(opened.page, GOOD);
      await loaded(opened.page);
      await closed(opened.context, opened.problems.filter((p) => !/Content Security Policy|ERR_CONNECTION_REFUSED|Failed to load resource|Refused to connect/.test(p)));
    } finally {
      await new Promise((done) => server.close(done));
    }
  }
});

test('in a browser without the private file system, a download is kept in IndexedDB the same way: in order, read back, started over, made the kept file', async () => {
  const { context, page, problems } = await openPart();
  const seen = await page.evaluate(async () => {
    const { idbPartial } = await import('/www/kinds/gpt1/partial.js');
    const { chunks, record } = await import('/www/kinds/gpt1/idb.js');
    const MB = 1024 * 1024;
    const bytes = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);
    const partial = idbPartial();
    let part = await partial.open({ commit: 'c', sha256: 's', size: 20 * MB });
    for (const [n, seed] of [[5 * MB, 1], [5 * MB, 2], [MB, 3]]) await part.write(bytes(n, seed));
    const pendingInspect = await partial.inspect(); // (the last megabyte is not in a record yet)
    await part.close();
    const closed = await partial.inspect();
    part = await partial.open(null); // after a reload
    const across = Array.from(await part.read(5 * MB - 2, 4));
    await part.write(bytes(MB, 4));
    await part.restart(); // a host that ignored Range
    const restarted = { bytes: part.bytes, inspect: await partial.inspect() };
    await part.write(bytes(3, 5));
    await part.commit({ commit: 'c', sha256: 's' });
    const blobs = await chunks();
    return { pendingInspect: pendingInspect.bytes, closed: closed.bytes, across, restarted, left: await partial.inspect(),
      complete: await record('complete'), kept: await record('record'), blobs: blobs.map((b) => b.size),
      last: Array.from(new Uint8Array(await new Blob(blobs).arrayBuffer())) };
  });
  assert.equal(seen.pendingInspect, 10 * 1024 * 1024, 'written in records of 8 MB or more; the rest on close');
  assert.equal(seen.closed, 11 * 1024 * 1024);
  const at = (i, seed) => (i * 31 + seed) & 255; // (the page's bytes(n, seed) at i)
  assert.deepEqual(seen.across, [at(5 * 1024 * 1024 - 2, 1), at(5 * 1024 * 1024 - 1, 1), at(0, 2), at(1, 2)], 'read back across two writes, in order');
  assert.deepEqual(seen.restarted, { bytes: 0, inspect: { record: { commit: 'c', sha256: 's', size: 20 * 1024 * 1024 }, bytes: 0 } });
  assert.equal(seen.left, null, 'made the kept file, it is no download any more');
  assert.equal(seen.complete, 1);
  assert.deepEqual(seen.kept, { commit: 'c', sha256: 's' });
  assert.deepEqual(seen.blobs, [3]);
  assert.deepEqual(seen.last, [at(0, 5), at(1, 5), at(2, 5)]);
  await closed(context, problems);
});
