// Part E's compact form in its worker (www/kinds/gpt1/compact.js and reader.js's loaderFor), over the real module in
// Node: what a header says of its file's form and width; which files are quantized as they are read; the compact
// file written into a storage a slice at a time, with the record of where it came from, and stopped at once when
// the storage is full; and the requests that compare the two forms and switch to the compact one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compactable, formRequests, headerFacts, keepCompact } from '../../www/kinds/gpt1/compact.js';
import { loaderFor } from '../../www/kinds/gpt1/reader.js';

const api = await import(new URL('../../www/gpt-api.js', import.meta.url));
api.initSync({ module: readFileSync(new URL('../../www/pkg/gpt1_playground_gpt_bg.wasm', import.meta.url)) });
const { TinyGpt } = api;

const LESSON = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';
const float = new TinyGpt(LESSON, { dModel: 64, layers: 1, heads: 2, context: 8, seed: 3 });
const narrow = new TinyGpt(LESSON, { dModel: 48, layers: 1, heads: 2, context: 8 });
const MB = 1_000_000;

/** A file's first 8 + N bytes. */
const headerOf = (bytes) => bytes.subarray(0, Number(TinyGpt.safetensorsHeaderLength(bytes.subarray(0, 8))));

/** A storage whose writer records the chunks written and the record given; `failAt(n)`: write n throws a full quota. */
function fakeStorage({ failAt = Infinity } = {}) {
  const log = { chunks: [], record: undefined, closed: false, aborted: false };
  return {
    log,
    record: async () => ({ sha256: 'ab'.repeat(32), repo: 'openai-community/openai-gpt' }),
    writer: async (record) => {
      log.record = record;
      return {
        write: async (chunk) => {
          if (log.chunks.length === failAt) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
          log.chunks.push(chunk.slice());
        },
        close: async () => { log.closed = true; },
        abort: async () => { log.aborted = true; },
      };
    },
  };
}

async function withQuota(quota, work) {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: { storage: { estimate: async () => ({ quota, usage: 0 }) } }, configurable: true });
  try {
    return await work();
  } finally {
    if (had) Object.defineProperty(globalThis, 'navigator', had);
    else delete globalThis.navigator;
  }
}

test('a header says its file\'s form and width; the compact form holds widths that are multiples of 32', () => {
  const file = float.toSafetensors();
  const compact = float.compact();
  assert.deepEqual(headerFacts(headerOf(file)), { form: 'float32', d: 64 });
  assert.deepEqual(headerFacts(headerOf(compact.toSafetensors())), { form: 'int8', d: 64 });
  const prefixed = new TextEncoder().encode(`12345678{"transformer.tokens_embed.weight":{"dtype":"F32","shape":[9,96],"data_offsets":[0,3456]}}`);
  assert.deepEqual(headerFacts(prefixed), { form: 'float32', d: 96 });
  assert.deepEqual(headerFacts(new TextEncoder().encode('12345678{not json')), { form: 'float32', d: null });
  assert.deepEqual([compactable(64), compactable(96), compactable(48), compactable(null)], [true, true, false, false]);
  compact.free();
});

test('loaderFor quantizes a float32 file of a width the form holds, and reads every other file in its own form', () => {
  const cases = [
    ['float32 file, int8 asked', float.toSafetensors(), 'int8', { holds: 'float32', quantizing: true, form: 'int8' }],
    ['float32 file, float32 asked', float.toSafetensors(), 'float32', { holds: 'float32', quantizing: false, form: 'float32' }],
    ['d = 48, int8 asked', narrow.toSafetensors(), 'int8', { holds: 'float32', quantizing: false, form: 'float32' }],
    ['compact file, float32 asked', float.compact().toSafetensors(), 'float32', { holds: 'int8', quantizing: false, form: 'int8' }],
  ];
  for (const [what, bytes, asked, expected] of cases) {
    const header = headerOf(bytes);
    const { loader, holds, quantizing } = loaderFor(TinyGpt, header, bytes.length, asked);
    loader.write(bytes.subarray(header.length));
    const gpt = loader.finish();
    assert.deepEqual({ holds, quantizing, form: gpt.form }, expected, what);
    gpt.free();
  }
});

test('the compact file goes into storage a slice at a time, with its record, as toSafetensors() writes it', async () => {
  const compact = float.compact();
  const storage = fakeStorage();
  const record = { sha256: 'cd'.repeat(32), form: 'int8' };
  const answer = await withQuota(1000 * MB, () => keepCompact(compact, storage, record));
  const whole = compact.toSafetensors();
  assert.deepEqual(answer, { kept: true, problem: '', bytes: whole.length });
  assert.ok(storage.log.chunks.length >= 2, 'the header, then the data');
  assert.deepEqual(Buffer.concat(storage.log.chunks), Buffer.from(whole));
  assert.equal(storage.log.record, record);
  assert.equal(storage.log.closed, true);
  compact.free();
});

test('a full storage stops the compact file at once, says so, and removes what was written', async () => {
  const compact = float.compact();
  const small = fakeStorage();
  const refused = await withQuota(1000, () => keepCompact(compact, small, null));
  assert.equal(refused.kept, false);
  assert.match(refused.problem, /^not kept for the next visit: the browser lets this page keep 0 MB more, and the file is \d+ MB$/);
  assert.deepEqual(small.log.chunks, []);
  const filling = fakeStorage({ failAt: 1 });
  const full = await withQuota(1000 * MB, () => keepCompact(compact, filling, null));
  assert.deepEqual([full.kept, full.problem], [false, 'not kept for the next visit: the browser\'s storage for this page is full']);
  assert.deepEqual([filling.log.chunks.length, filling.log.aborted, filling.log.closed], [1, true, false]);
  compact.free();
});

test('compare measures the two forms on the ids shown; with keep the compact form runs in its place; each refusal says why', async () => {
  const ids = [1, 2, 3, 4, 2, 5];
  let running = float.clone();
  let measured = null;
  const storage = fakeStorage();
  const requests = formRequests({
    get: () => running,
    replace(next, agreement) { running.free(); [running, measured] = [next, agreement]; },
    ids: async () => ids,
    store: async () => storage,
    memory: () => 1234,
    summary: () => ({ form: running.form, agreement: measured }),
  });
  const reference = float.compact();
  const { positions, top1, meanKl, maxLogitDifference, meanLogitDifference } = float.agreement(reference, ids);
  const figures = { positions, top1, meanKl, maxLogitDifference, meanLogitDifference };
  assert.deepEqual(await requests.compare({ text: 'ignored', keep: false }), { agreement: figures, memoryBytes: 1234 });
  assert.equal(running.form, 'float32', 'compared only: float32 runs on');
  await assert.rejects(requests.keepCompact(), /the running model is float32: choose the compact form first/);
  assert.deepEqual(await requests.compare({ text: 'ignored', keep: true }), { form: 'int8', agreement: figures });
  assert.deepEqual(running.logits(ids), reference.logits(ids), 'the compact form of the model that ran');
  await assert.rejects(requests.compare({ keep: true }), /already the compact form: the float32 model it could be compared with is not in memory/);
  const kept = await withQuota(1000 * MB, () => requests.keepCompact());
  assert.deepEqual([kept.kept, kept.memoryBytes, storage.log.record.form], [true, 1234, 'int8'], 'kept, with the kept record marked compact');
  const none = formRequests({ get: () => float, ids: async () => [] });
  await assert.rejects(none.compare({ text: '' }), /the prompt has no tokens/);
  reference.free();
  running.free();
});
