// Issue 5, the single file: dist/gpt1-playground.html opened by double-click (file://) with no server and no
// network — in Chromium (Playwright, every request but the file itself aborted) and in Firefox ESR (geckodriver,
// spoken to over W3C WebDriver with Node's fetch). Both must show the lesson's seed-42 generation; Chromium also
// trains Part D's transformer from the file, so its worker, its wasm and its data work without a server too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, eventually, pasteInto } from '../e2e/browser.mjs';

const ROOT = new URL('../../', import.meta.url);
const OUT = mkdtempSync(join(tmpdir(), 'gpt1-single-'));
const FILE = pathToFileURL(join(OUT, 'gpt1-playground.html')).href;
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

before(() => {
  execFileSync(process.execPath, [fileURLToPath(new URL('scripts/single.mjs', ROOT)), OUT], { stdio: 'inherit' });
});
after(() => rmSync(OUT, { recursive: true, force: true }));

test('Chromium: the single file works from file:// with every network request blocked, Part D included', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15000);
    const blocked = [];
    await context.route('**/*', (route) => {
      if (route.request().url() === FILE) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const problems = [];
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(FILE);
    await page.locator('html[data-ready="true"]').waitFor();
    assert.deepEqual(await page.getByRole('region', { name: 'Generated' }).locator('.chip .tok').allTextContents(),
      ['[START]', 'chai', '[END]']);
    // its own CSP: the one inline module by hash, no other inline script
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' blob: 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|https?:/);
    const injected = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
      return window.injected ?? false;
    });
    assert.equal(injected, false, 'an injected inline script does not run');
    problems.length = 0; // (the browser reports the refused script as a console error)
    // a bigger corpus goes to the model worker, which runs as a stand-in on the page thread here
    await pasteInto(page.getByLabel('Corpus', { exact: true }), 'chai bahut garam hai\nchai acha hai\n'.repeat(2000));
    await eventually(async () => assert.match(await page.locator('#model-status').textContent(),
      /^Counted in \d+ ms in a background worker\.$/), 10000);
    // Part D: the transformer's worker, wasm and data, all from the file
    await page.locator('#gpt-lab > summary').click();
    await page.getByLabel('Stop after').fill('25');
    await page.locator('#part-d').getByRole('button', { name: /^(Train|Resume)$/ }).click();
    await eventually(async () => assert.match(await page.locator('#gpt-status').textContent(), /^Finished/), 40000);
    // GPT-1's tokenizer: its lane runs on the page thread here, and says why it has no files to build from
    await page.getByRole('button', { name: 'GPT-1’s BPE (40,000 merges)' }).click();
    await eventually(async () => assert.equal(await page.locator('#gpt1-status').textContent(),
      'GPT-1’s tokenizer did not load: this build of the page does not carry GPT-1’s tokenizer files'), 10000);
    // Part E: the download says at once why a file from disk cannot fetch it (the file picker is still there)
    await page.locator('#gpt1-lab > summary').click();
    await page.getByRole('button', { name: 'Download GPT-1 from Hugging Face' }).click();
    await eventually(async () => assert.match(await page.locator('#gpt1-download-error').textContent(),
      /^GPT-1 could not be downloaded: this copy of the page is opened from a file on your disk \(file:\/\/\), and such a page may fetch nothing from other sites/));
    assert.equal(await page.locator('#gpt1-file').isEnabled(), true);
    await context.close();
    assert.deepEqual(blocked, [], 'the file asked for nothing beyond itself');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

/** A free TCP port on localhost, for geckodriver. */
const freePort = () => new Promise((ok, fail) => {
  const probe = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => ok(port));
  });
});

/** geckodriver's path, or null. */
function geckodriver() {
  for (const dir of [...(process.env.PATH ?? '').split(':'), `${process.env.HOME}/.cargo/bin`]) {
    if (dir && existsSync(`${dir}/geckodriver`)) return `${dir}/geckodriver`;
  }
  return null;
}

const driver = geckodriver();
const skip = !driver ? 'geckodriver is not installed (scripts/setup.sh test installs it)'
  : !existsSync(FIREFOX) ? `Firefox ESR is not installed at ${FIREFOX}` : false;

test('Firefox ESR: the single file works from file://', { skip }, async () => {
  const port = await freePort();
  const gecko = spawn(driver, ['--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  /** One W3C WebDriver command; throws the driver's error message. */
  const command = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const { value } = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  };
  let session = null;
  try {
    await eventually(() => fetch(`${base}/status`), 10000);
    ({ sessionId: session } = await command('POST', '/session', { capabilities: { alwaysMatch: {
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'], prefs: { 'network.proxy.type': 0 } },
    } } }));
    await command('POST', `/session/${session}/url`, { url: FILE });
    const read = () => command('POST', `/session/${session}/execute/sync`, { args: [], script: `
      return { ready: document.documentElement.dataset.ready ?? null,
        generated: [...document.querySelectorAll('#generated .chip .tok')].map((t) => t.textContent),
        resources: performance.getEntriesByType('resource').map((r) => r.name).filter((n) => !/^(blob|data):/.test(n)) };` });
    const seen = await eventually(async () => {
      const value = await read();
      assert.equal(value.ready, 'true');
      return value;
    }, 20000);
    assert.deepEqual(seen.generated, ['[START]', 'chai', '[END]']);
    assert.deepEqual(seen.resources, [], 'nothing fetched beyond the file');
    // a bigger corpus: counted by the worker's stand-in
    await command('POST', `/session/${session}/execute/sync`, { args: [], script: `
      const field = document.getElementById('corpus');
      field.value = 'chai bahut garam hai\\nchai acha hai\\n'.repeat(2000);
      field.dispatchEvent(new Event('input', { bubbles: true }));` });
    await eventually(async () => {
      const status = await command('POST', `/session/${session}/execute/sync`,
        { args: [], script: "return document.getElementById('model-status').textContent" });
      assert.match(status, /^Counted in \d+ ms in a background worker\.$/);
    }, 10000);
  } finally {
    if (session) await command('DELETE', `/session/${session}`).catch(() => {});
    gecko.kill();
  }
});
