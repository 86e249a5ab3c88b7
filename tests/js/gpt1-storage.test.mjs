// Part E's copy of the weights file (www/kinds/gpt1/storage.js) with a storage that fails as a browser's can: a quota too
// small from the start, a quota that fills while writing, a commit that fails. None of them stops the reading: the
// copy stops, says why, and removes what it wrote. And host.js's replies for handlers that return a Promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCopy } from '../../www/kinds/gpt1/storage.js';
import { answer, settle } from '../../www/engine/host.js';

const MB = 1_000_000; // the page's megabyte

/** A storage whose writer records what it got; `failAt(n)` makes write number n (from 0) throw `error`. */
function fakeStorage({ failAt = Infinity, error = null, closeError = null } = {}) {
  const log = { writes: [], closed: false, aborted: false };
  return {
    log,
    writer: async () => ({
      write: async (chunk) => {
        if (log.writes.length === failAt) throw error;
        log.writes.push(chunk.length);
      },
      close: async () => { if (closeError) throw closeError; log.closed = true; },
      abort: async () => { log.aborted = true; },
    }),
  };
}

const quotaError = () => Object.assign(new Error('The operation failed because it would exceed the quota'), { name: 'QuotaExceededError' });

async function withQuota(quota, usage, work) {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: { storage: { estimate: async () => ({ quota, usage }) } }, configurable: true });
  try {
    return await work();
  } finally {
    if (had) Object.defineProperty(globalThis, 'navigator', had);
    else delete globalThis.navigator;
  }
}

test('a copy within the quota is written chunk by chunk and kept', async () => {
  const storage = fakeStorage();
  await withQuota(1000 * MB, 0, async () => {
    const copy = await startCopy(storage, 3 * MB);
    for (const size of [MB, MB, MB]) await copy.write(new Uint8Array(size));
    assert.equal(await copy.keep(), true);
    assert.equal(copy.problem, '');
  });
  assert.deepEqual(storage.log.writes, [MB, MB, MB]);
  assert.equal(storage.log.closed, true);
});

test('a quota smaller than the file: nothing is written, and the message names both sizes in MB', async () => {
  const storage = fakeStorage();
  await withQuota(300 * MB, 100 * MB, async () => {
    const copy = await startCopy(storage, 479 * MB);
    await copy.write(new Uint8Array(10));
    assert.equal(await copy.keep(), false);
    assert.equal(copy.problem, 'not kept for the next visit: the browser lets this page keep 200 MB more, and the file is 479 MB');
  });
  assert.deepEqual(storage.log.writes, []);
});

test('a quota that fills while writing stops the copy, removes it, and never throws', async () => {
  const storage = fakeStorage({ failAt: 2, error: quotaError() });
  await withQuota(1000 * MB, 0, async () => {
    const copy = await startCopy(storage, 4 * MB);
    for (let i = 0; i < 4; i++) await copy.write(new Uint8Array(MB)); // the third fails, the fourth is not tried
    assert.equal(await copy.keep(), false);
    assert.equal(copy.problem, 'not kept for the next visit: the browser\'s storage for this page is full');
  });
  assert.deepEqual(storage.log.writes, [MB, MB]);
  assert.equal(storage.log.aborted, true);
  assert.equal(storage.log.closed, false);
});

test('a commit that fails, or no storage at all, is a message', async () => {
  const storage = fakeStorage({ closeError: new Error('disk gone') });
  await withQuota(1000 * MB, 0, async () => {
    const copy = await startCopy(storage, MB);
    await copy.write(new Uint8Array(MB));
    assert.equal(await copy.keep(), false);
    assert.equal(copy.problem, 'not kept for the next visit: disk gone');
    const none = await startCopy(null, MB);
    await none.write(new Uint8Array(1));
    assert.equal(await none.keep(), false);
    assert.match(none.problem, /offers this page no storage/);
  });
  assert.equal(storage.log.aborted, true);
});

test('host.js: a handler\'s Promise is answered once it settles; a synchronous answer stays synchronous', async () => {
  const requests = {
    now: ({ x }) => x + 1,
    later: async ({ x }) => x * 2,
    refuses: async () => { throw new Error('no such file'); },
    traps: async () => { throw new WebAssembly.RuntimeError('unreachable'); },
  };
  assert.deepEqual(settle(answer(requests, { id: 1, type: 'now', x: 1 })), { id: 1, ok: true, value: 2 });
  assert.deepEqual(await settle(answer(requests, { id: 2, type: 'later', x: 4 })), { id: 2, ok: true, value: 8 });
  assert.deepEqual(await settle(answer(requests, { id: 3, type: 'refuses' })), { id: 3, ok: false, error: 'no such file' });
  await assert.rejects(settle(answer(requests, { id: 4, type: 'traps' })), WebAssembly.RuntimeError);
});
