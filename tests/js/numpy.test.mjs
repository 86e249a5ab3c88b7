// The numpy the page shows beside Parts A–C (www/shell/numpy.js), as plain text: any text a corpus may hold written
// as Python literals that Python reads back exactly, a long corpus read from a file, and what the notes say. Where
// a Python with numpy is found (tests/js/python.mjs), the code runs and prints the core's own numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pyString, corpusLines, numpyA, numpyB, numpyC, INLINE_CORPUS } from '../../www/shell/numpy.js';
import { DEFAULTS } from '../../www/state/store.js';
import { findPython, runPython } from './python.mjs';

const pkg = new URL('../../www/pkg/', import.meta.url);
const api = await import(new URL('gpt1_playground.js', pkg));
api.initSync({ module: readFileSync(new URL('gpt1_playground_bg.wasm', pkg)) });

const { python, why } = findPython();
const HOSTILE = ['plain', 'quote " and \' apostrophe', 'back\\slash \\n not a newline', 'tab\there', 'line\nbreak',
  'cr\r', 'nul\0', '\x1c\x1f\x7f\x85', 'nbsp\u00a0and\u3000', 'sep\u2028\u2029', 'zwj\u200d bom\ufeff', 'चाय गरम है',
  '🍵 astral', 'lone \ud800 surrogate', '"""', "'''", '{braces} %s', '\\'];

test('any text becomes a Python literal that Python reads back as the core reads the text', (t) => {
  for (const text of HOSTILE) {
    const literal = pyString(text);
    assert.ok(literal.startsWith('"') && literal.endsWith('"'));
    assert.ok(!/[\n\r\u2028\u2029\0]/.test(literal), `one line of source: ${literal}`);
  }
  assert.equal(pyString('a "b" \\ c'), '"a \\"b\\" \\\\ c"');
  assert.equal(pyString('tab\there\x1c'), '"tab\\there\\x1c"');
  assert.equal(pyString('चाय 🍵'), '"चाय 🍵"', 'printable text stays readable');
  assert.equal(pyString('\u2028\u200d'), '"\\u2028\\u200d"');
  if (!python) return t.diagnostic(`not read back by Python: ${why}`);
  const code = `import json\nprint(json.dumps([${HOSTILE.map(pyString).join(', ')}]))`;
  const { status, lines, stderr } = runPython(python, code);
  assert.equal(status, 0, stderr);
  assert.deepEqual(JSON.parse(lines[0]), HOSTILE.map((s) => s.toWellFormed()));
});

test('the corpus is read as the page reads it: lines at \\n, a trailing \\r dropped, blank lines left out', () => {
  assert.deepEqual(corpusLines('a b\r\n\n  \t \nc\r\r\n\u3000\nd'), ['a b', 'c\r', 'd']);
  const code = numpyA({ ...DEFAULTS, corpus: 'a b\r\n\n c ' }).code;
  assert.match(code, /corpus = \[\n {4}"a b",\n {4}" c ",\n\]/);
  assert.doesNotMatch(code, /import re/, 'no \\x1c: Python\'s split() is the page\'s');
});

test('the notes name what the code leaves out or could not read', () => {
  assert.match(numpyA(DEFAULTS).note, /^The notebook's Part A for your corpus/);
  assert.doesNotMatch(numpyA(DEFAULTS).note, /differ/);
  const differ = numpyA({ ...DEFAULTS, order: '3', tokenizer: 'bpe', temperature: '0.5', neverStart: 'on' }).note;
  assert.match(differ, /order 3 .*; bpe tokens .*; temperature 0\.5 .*; Never sample \[START\]/);
  assert.match(numpyB({ ...DEFAULTS, tokenizer: 'char' }).note, /char tokens/);
  assert.doesNotMatch(numpyB({ ...DEFAULTS, order: '3' }).note, /differ/, 'Part B does not depend on the order');
  assert.doesNotMatch(numpyC({ ...DEFAULTS, order: '3' }).note, /differ/, 'a typed L_lm does not depend on Part A');
  assert.match(numpyC({ ...DEFAULTS, order: '3', lmSource: 'model' }).note, /order 3/);
  const bad = numpyC({ ...DEFAULTS, lambda: 'x' });
  assert.match(bad.note, /λ must be a number at least 0 and at most 100; “x” is not\. The code uses the lesson's value instead\./);
  assert.match(bad.code, /\nlam = 0\.5\n/);
});

test('a long corpus is read from corpus.txt, and the code prints the core\'s numbers', (t) => {
  const lines = Array.from({ length: 1500 }, (_, i) => `chai ${['bahut', 'thodi', 'garam'][i % 3]} hai ${i % 7}`);
  const corpus = `${lines.join('\r\n')}\r\n\n   \n`;
  assert.ok(corpus.length > INLINE_CORPUS);
  const state = { ...DEFAULTS, corpus, smoothing: '0.5', seed: '2024', maxLen: '9' };
  const { code } = numpyA(state);
  assert.match(code, /save all of it as corpus\.txt/);
  assert.match(code, /1,500 sentences/);
  assert.ok(!code.includes('chai bahut hai 0'), 'the corpus is not written into the code');
  if (!python) return t.diagnostic(`not run: ${why}`);
  const dir = mkdtempSync(join(tmpdir(), 'numpy-'));
  try {
    writeFileSync(join(dir, 'corpus.txt'), corpus);
    const { status, lines: printed, stderr } = runPython(python, code, dir);
    assert.equal(status, 0, stderr);
    const model = new api.NgramModel(corpus, { smoothing: 0.5 });
    assert.equal(Number(printed[0]), model.vocab.length);
    assert.equal(printed[1], api.generate(model, { seed: 2024, maxLen: 9 }).join(' '));
    assert.ok(Math.abs(Number(printed[2].split(' ')[0]) - model.loss()) < 1e-12, `${printed[2]} against ${model.loss()}`);
    model.free();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
