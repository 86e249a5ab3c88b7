// The engine's newest(): only the latest question's answer counts, and a lane's restart (WorkerGone) is not an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerGone, newest } from '../../www/engine/engine.js';

/** Whether `promise` settles within a few turns of the event loop: 'resolved', 'rejected' or 'pending'. */
async function outcome(promise) {
  const pending = new Promise((done) => { setTimeout(() => done('pending'), 20); });
  return Promise.race([promise.then(() => 'resolved', () => 'rejected'), pending]);
}

test('newest() stays silent on WorkerGone, and passes on any other error', async () => {
  const ask = newest();
  assert.equal(await outcome(ask(Promise.reject(new WorkerGone('crashed')))), 'pending');
  const failed = ask(Promise.reject(new Error('unknown token')));
  await assert.rejects(failed, { message: 'unknown token' });
  // only the newest question's answer counts
  const older = ask(new Promise((done) => { setTimeout(() => done('old'), 5); }));
  assert.equal(await ask(Promise.resolve('new')), 'new');
  assert.equal(await outcome(older), 'pending');
});
