// The engine's WorkerGone across copies of engine.js: the static build bundles each module loaded on demand with its
// own copy of the modules it imports (scripts/dist.mjs), so a panel loaded later holds another WorkerGone class than
// the page's engine that throws it. Two imports of the file under different URLs are two such copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const page = await import('../../www/engine.js?copy=page');
const later = await import('../../www/engine.js?copy=later');

/** Whether `promise` settles within a few turns of the event loop: 'resolved', 'rejected' or 'pending'. */
async function outcome(promise) {
  const pending = new Promise((done) => { setTimeout(() => done('pending'), 20); });
  return Promise.race([promise.then(() => 'resolved', () => 'rejected'), pending]);
}

test('the two imports are two copies, and each knows the other\'s WorkerGone', () => {
  assert.notEqual(page.WorkerGone, later.WorkerGone);
  const gone = new page.WorkerGone('superseded');
  assert.ok(gone instanceof later.WorkerGone);
  assert.ok(new later.WorkerGone('crashed') instanceof page.WorkerGone);
  assert.ok(gone instanceof Error);
  assert.equal(gone.message, 'superseded');
  for (const other of [new Error('superseded'), null, undefined, 'superseded', {}]) {
    assert.equal(other instanceof later.WorkerGone, false, String(other));
  }
});

test('newest() of the later copy stays silent on the page\'s WorkerGone, and passes on any other error', async () => {
  const ask = later.newest();
  assert.equal(await outcome(ask(Promise.reject(new page.WorkerGone('crashed')))), 'pending');
  const failed = ask(Promise.reject(new Error('unknown token')));
  await assert.rejects(failed, { message: 'unknown token' });
  // only the newest question's answer counts
  const older = ask(new Promise((done) => { setTimeout(() => done('old'), 5); }));
  assert.equal(await ask(Promise.resolve('new')), 'new');
  assert.equal(await outcome(older), 'pending');
});
