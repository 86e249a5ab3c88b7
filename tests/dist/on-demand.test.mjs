// scripts/on-demand.mjs finds what the build must bundle on its own: every module loaded on demand, however deep.
// A tiny tree in a temp folder, whose answer can be read off by hand, then the page itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onDemand, workers } from '../../scripts/on-demand.mjs';

const TREE = mkdtempSync(join(tmpdir(), 'gpt1-on-demand-'));
after(() => rmSync(TREE, { recursive: true, force: true }));

/** Writes `files` ({ path: source }) under a fresh folder of TREE; returns that folder. */
function tree(name, files) {
  const root = join(TREE, name);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

const PAGE = {
  // the page: a static import, a panel imported on demand, a worker, the glue named by URL, a computed import
  'main.js': `import { shared } from './shared.js';
    export const open = () => import('./panel.js');
    export const start = () => new Worker(new URL('./work.js', import.meta.url), { type: 'module' });
    export const GLUE = new URL('./pkg/glue.js', import.meta.url);
    export const again = () => import(\`\${GLUE.href}#instance=2\`);
    shared();`,
  'shared.js': 'export const shared = () => 1;',
  'pkg/glue.js': 'export default 0;',
  // the panel loads a module on demand that loads another one on demand, from another folder
  'panel.js': "import { shared } from './shared.js'; export const more = () => import('./deeper/lazy.js'); shared();",
  'deeper/lazy.js': "export const last = () => import(\"../late.js\");",
  'late.js': 'export const late = true;',
  'work.js': "import { shared } from './shared.js'; shared();",
  // a second entry asking for the same panel, and for a module only it loads
  'widget.js': "export const a = () => import('./panel.js'); export const b = () => import('./widget-extra.js');",
  'widget-extra.js': 'export const extra = 2;',
};

test('follows import() and workers until no new module appears; not the glue, a computed import or an entry', async () => {
  const root = tree('page', PAGE);
  assert.deepEqual(await onDemand(['main.js'], root), ['deeper/lazy.js', 'late.js', 'panel.js', 'work.js']);
  assert.deepEqual(await onDemand(['main.js', 'work.js', 'widget.js'], root),
    ['deeper/lazy.js', 'late.js', 'panel.js', 'widget-extra.js'], 'each once, the entries left out');
  assert.deepEqual(await onDemand(['shared.js'], root), [], 'a module that loads nothing later');
});

test('a module loaded on demand that does not exist is an error naming who asks for it', async () => {
  const root = tree('missing', { ...PAGE, 'deeper/lazy.js': "export const last = () => import('../gone.js');" });
  await assert.rejects(onDemand(['main.js'], root), { message: 'deeper/lazy.js loads ../gone.js on demand, which does not exist' });
});

test('workers: the scripts a module starts, minified or not, but not the glue of pkg/', () => {
  assert.deepEqual(workers(`a(new URL('./w.js', import.meta.url)); new URL("../x/v.js",import.meta.url);
    new URL('./pkg/glue.js', import.meta.url); new URL('./data.txt', import.meta.url); import('./p.js')`),
  ['./w.js', '../x/v.js']);
});

test('the page: every panel and worker it loads later is found, the first load\'s own worker is not', async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const found = await onDemand(['www/main.js', 'www/kinds/ngram/worker.js', 'www/component.js'], root);
  for (const module of ['www/parts/d/panel.js', 'www/kinds/gpt/worker.js', 'www/parts/e/panel.js', 'www/kinds/gpt1/worker.js',
    'www/parts/a/gpt1-tokenizer-panel.js', 'www/shell/reading.js', 'www/shell/scroll-hint.js',
    'www/parts/b/figure1-panel.js', 'www/parts/b/encode-panel.js', 'www/parts/c/loss-panel.js']) {
    assert.ok(found.includes(module), `${module} in ${found.join(', ')}`);
  }
  assert.ok(!found.includes('www/kinds/ngram/worker.js') && !found.some((f) => f.startsWith('www/pkg/')), found.join(', '));
});

test('the page is one build: every module ships in exactly one output; the wasm glue and gpt-api.js in none (files of their own)', async () => {
  const { bundlePage, shippedTwice } = await import('../../scripts/bundle.mjs');
  const { outputs, metafile } = await bundlePage(new Map());
  assert.deepEqual(shippedTwice(metafile), []);
  const inputs = Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs));
  for (const module of ['www/engine/engine.js', 'www/state/store.js', 'www/drawing/dom.js', 'www/parts/d/panel.js']) {
    assert.equal(inputs.filter((i) => i === module).length, 1, module);
  }
  assert.ok(!inputs.some((i) => i.startsWith('www/pkg/') || i === 'www/gpt-api.js'), 'the glue and the API are imported, never bundled');
  assert.match(outputs.get('kinds/gpt/worker.js'), /from"\.\.\/\.\.\/gpt-api\.js"/);
  // entries keep their folders; the glue is named relative to each output that imports it
  for (const entry of ['main.js', 'component.js', 'kinds/ngram/worker.js', 'kinds/gpt1/worker.js', 'parts/e/panel.js']) {
    assert.ok(outputs.has(entry), entry);
  }
  assert.match(outputs.get('kinds/ngram/worker.js'), /from"\.\.\/\.\.\/pkg\/gpt1_playground\.js"/);
  assert.ok(![...outputs.values()].some((text) => text.includes('gpt1-www-root:')), 'every marked path resolved');
});

test('shippedTwice names a module two outputs hold', async () => {
  const { shippedTwice } = await import('../../scripts/bundle.mjs');
  const meta = { outputs: {
    'a.js': { inputs: { 'x.js': { bytesInOutput: 10 }, 'y.js': { bytesInOutput: 0 } } },
    'b.js': { inputs: { 'x.js': { bytesInOutput: 5 }, 'y.js': { bytesInOutput: 3 } } },
  } };
  assert.deepEqual(shippedTwice(meta), ['x.js: a.js, b.js']);
});
