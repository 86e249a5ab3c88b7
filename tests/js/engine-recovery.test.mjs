// The engine's recovery, in Node, over fake lanes: a worker that crashes (its error event) and a page-thread instance
// that traps (a WebAssembly.RuntimeError from a handler). What must hold: pending requests fail with WorkerGone, a
// fresh worker or instance takes over and answers what comes next, listeners hear once per crash (and only once it
// runs again), a lane that crashes again before answering anything is giving up, answers and crashes from a replaced
// transport are dropped, a model of the old transport answers nothing; and kinds added on demand (extend) are added
// once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, ModelHandle, WorkerGone } from '../../www/engine/engine.js';

/** Lets every pending microtask and a turn of the event loop run. */
const settle = () => new Promise((done) => { setTimeout(done); });

/** Whether `promise` has settled by now: 'resolved', 'rejected' or 'pending'. */
async function state(promise) {
  const seen = await Promise.race([promise.then(() => 'resolved', () => 'rejected'), settle().then(() => 'pending')]);
  return seen;
}

/** A stand-in for a Web Worker: it records what it is sent; the test answers, or makes it fail, by hand. */
class FakeWorker extends EventTarget {
  sent = [];
  terminated = false;
  postMessage(message) { this.sent.push(message); }
  terminate() { this.terminated = true; }
  /** Answers request `id` as host.js would. */
  answer(id, value) { this.dispatchEvent(new MessageEvent('message', { data: { id, ok: true, value } })); }
  /** Fails as a crashed worker does: an error event (cancelable, with a message). */
  crash(message = 'the worker died') {
    const event = new Event('error', { cancelable: true });
    event.message = message;
    this.dispatchEvent(event);
  }
  /** The requests sent after `init`. */
  get requests() { return this.sent.filter((m) => m.type !== 'init'); }
}

/** A lane whose transport is a FakeWorker: `workers` lists every worker it started, in order. */
function workerLane() {
  const workers = [];
  return { workers, spec: { module: 'compiled', requests: () => ({}), glue: () => { throw new Error('no glue here'); },
    worker: () => { const w = new FakeWorker(); workers.push(w); return w; } } };
}

/** An engine with one worker lane 'w'; `crashes` collects what its listeners hear. */
function workerEngine() {
  const { workers, spec } = workerLane();
  const engine = new Engine({ w: spec });
  const crashes = [];
  engine.onCrash((crash) => crashes.push(crash));
  return { engine, workers, crashes };
}

test('a crashed worker: pending requests fail with WorkerGone, a fresh worker starts and answers, the listener hears once', async () => {
  const { engine, workers, crashes } = workerEngine();
  const first = engine.request('w', 'count', { text: 'a' });
  assert.equal(workers.length, 1);
  assert.deepEqual(workers[0].sent.map((m) => m.type), ['init', 'count'], 'the compiled module first, then the request');
  workers[0].crash('out of memory');
  await assert.rejects(first, (error) => error instanceof WorkerGone && error.message === 'out of memory');
  await settle();
  assert.equal(workers.length, 2, 'a fresh worker');
  assert.equal(workers[0].terminated, true, 'the old one is stopped');
  assert.equal(engine.generation('w'), 2);
  assert.deepEqual(crashes, [{ lane: 'w', where: 'worker', reason: 'out of memory', givingUp: false, failed: null }]);
  // the next request goes to the fresh worker, and its answer arrives
  const next = engine.request('w', 'count', { text: 'b' });
  const [sent] = workers[1].requests;
  assert.equal(sent.text, 'b');
  workers[1].answer(sent.id, 3);
  assert.equal(await next, 3);
});

test('giving up: a lane that crashes again before answering anything since its last crash; an answer resets it', async () => {
  const { engine, workers, crashes } = workerEngine();
  engine.request('w', 'count').catch(() => {});
  workers[0].crash('first');
  await settle();
  engine.request('w', 'count').catch(() => {}); // the retry, which dies too before it answers
  workers[1].crash('second');
  await settle();
  assert.deepEqual(crashes.map((c) => [c.reason, c.givingUp]), [['first', false], ['second', true]]);
  // the third worker answers: a crash after that is a first crash again
  const answered = engine.request('w', 'count');
  workers[2].answer(workers[2].requests[0].id, 'ok');
  assert.equal(await answered, 'ok');
  workers[2].crash('third');
  await settle();
  assert.deepEqual(crashes.at(-1), { lane: 'w', where: 'worker', reason: 'third', givingUp: false, failed: null });
});

test('stale: a replaced worker\'s late answers and last words are dropped; a new request is not mistaken for an old one', async () => {
  const { engine, workers, crashes } = workerEngine();
  const old = engine.request('w', 'count');
  const oldId = workers[0].requests[0].id;
  workers[0].crash('gone');
  await assert.rejects(old, WorkerGone);
  await settle();
  const fresh = engine.request('w', 'count');
  const freshId = workers[1].requests[0].id;
  assert.notEqual(freshId, oldId, 'request ids are never reused');
  workers[0].answer(oldId, 'late'); // the old worker's answer, after the fact
  workers[0].answer(freshId, 'impostor'); // and one under the new request's id: the old transport is not listened to
  workers[0].crash('again'); // its last words
  await settle();
  assert.equal(await state(fresh), 'pending', 'only the fresh worker answers the fresh request');
  assert.equal(crashes.length, 1, 'an old transport\'s crash is not a crash of the lane');
  assert.equal(workers.length, 2);
  workers[1].answer(freshId, 'right');
  assert.equal(await fresh, 'right');
});

test('a model made by the old worker answers nothing once the lane restarted; one made by the fresh worker does', async () => {
  const { engine, workers } = workerEngine();
  engine.start('w'); // (the model was built by the first worker)
  const old = new ModelHandle(engine, 'w', { modelId: 1, summary: { vocab: 3 } });
  assert.equal(old.alive, true);
  workers[0].crash();
  await settle();
  assert.equal(old.alive, false);
  await assert.rejects(old.ask('row', 0), WorkerGone);
  assert.deepEqual(workers[1].requests, [], 'nothing was sent for it');
  old.free();
  assert.deepEqual(workers[1].requests, [], 'freeing a dead model sends nothing');
  const current = new ModelHandle(engine, 'w', { modelId: 2, summary: {} });
  const asked = current.ask('row', 0);
  const [sent] = workers[1].requests;
  assert.deepEqual([sent.type, sent.modelId, sent.name, sent.args], ['ask', 2, 'row', [0]]);
  workers[1].answer(sent.id, [0.5, 0.5]);
  assert.deepEqual(await asked, [0.5, 0.5]);
});

test('restart (to cancel): pending requests fail with WorkerGone and its reason, a fresh worker starts, no crash is reported', async () => {
  const { engine, workers, crashes } = workerEngine();
  const running = engine.request('w', 'build');
  assert.ok(engine.busySince('w') !== null);
  engine.restart('w', 'a newer edit');
  await assert.rejects(running, (error) => error instanceof WorkerGone && error.message === 'a newer edit');
  assert.equal(workers[0].terminated, true);
  assert.equal(workers.length, 2);
  assert.equal(engine.busySince('w'), null);
  await settle();
  assert.deepEqual(crashes, []);
});

test('a worker that cannot start: the request says why, and the next one tries again', async () => {
  let attempts = 0;
  const worker = new FakeWorker();
  const engine = new Engine({ w: { module: 'compiled', requests: () => ({}), glue: () => null,
    worker: () => { attempts += 1; if (attempts === 1) throw new Error('blocked by the policy'); return worker; } } });
  await assert.rejects(engine.request('w', 'count'), /blocked by the policy/);
  const next = engine.request('w', 'count');
  worker.answer(worker.requests[0].id, 1);
  assert.equal(await next, 1);
  assert.equal(attempts, 2);
});

/**
 * A page-thread lane whose handlers are `table(instance)`: every instance made is listed (its number and its
 * requests table), and `traps` handlers throw as a trapped wasm call does.
 */
function threadEngine(table) {
  const instances = [];
  const glue = (n) => Promise.resolve({ n, default: async () => {} });
  const requests = (made) => { instances.push(made.n); return table(made.n); };
  const engine = new Engine({ page: { module: 'compiled', glue, requests } });
  const crashes = [];
  engine.onCrash((crash) => crashes.push(crash));
  return { engine, instances, crashes };
}

const trap = () => { throw new WebAssembly.RuntimeError('unreachable'); };

test('a trap on the page thread: the request fails with WorkerGone, a fresh instance answers, the listener hears once it is ready', async () => {
  const { engine, instances, crashes } = threadEngine((n) => ({ count: ({ text }) => (n === 0 && text === 'bad' ? trap() : `${n}:${text}`) }));
  await engine.ready('page');
  assert.equal(await engine.request('page', 'count', { text: 'a' }), '0:a');
  await assert.rejects(engine.request('page', 'count', { text: 'bad' }), (error) => error instanceof WorkerGone && error.message === 'unreachable');
  await settle();
  assert.deepEqual(instances, [0, 1], 'instance 1 is a fresh module record, not the first one again');
  assert.deepEqual(crashes, [{ lane: 'page', where: 'thread', reason: 'unreachable', givingUp: false, failed: null }]);
  assert.equal(await engine.request('page', 'count', { text: 'bad' }), '1:bad', 'the fresh instance answers');
  // an error that is not a trap is an answer: the instance is kept
  const { engine: other, instances: made } = threadEngine(() => ({ count: () => { throw new Error('unknown token'); } }));
  await assert.rejects(other.request('page', 'count'), { message: 'unknown token' });
  assert.deepEqual(made, [0]);
});

test('a trap after an await is recovered too; a fresh instance that cannot be made is reported as failed', async () => {
  let broken = false;
  const instances = [];
  const engine = new Engine({ page: { module: 'compiled',
    glue: (n) => (n > 0 && broken ? Promise.reject(new Error('the glue did not load')) : Promise.resolve({ n, default: async () => {} })),
    requests: ({ n }) => { instances.push(n); return { later: async () => { await null; trap(); } }; } } });
  const crashes = [];
  engine.onCrash((crash) => crashes.push(crash));
  await assert.rejects(engine.request('page', 'later'), WorkerGone);
  await settle();
  assert.equal(crashes.length, 1);
  assert.equal(crashes[0].givingUp, false);
  broken = true;
  await assert.rejects(engine.request('page', 'later'), WorkerGone);
  await settle();
  assert.equal(crashes.length, 2);
  assert.equal(crashes[1].givingUp, true, 'it crashed again before answering anything');
  assert.match(crashes[1].failed?.message ?? '', /the glue did not load/);
  await assert.rejects(engine.request('page', 'later'), /the WebAssembly core could not be started \(the glue did not load\)/);
});

test('a kind added on demand (extend) is added once however many ask; a failed load is tried again', async () => {
  const engine = new Engine({});
  let made = 0;
  const { spec } = workerLane();
  const lanes = () => { made += 1; return made === 1 ? Promise.reject(new Error('offline')) : { k: spec }; };
  await assert.rejects(engine.extend('kind', lanes), /offline/);
  assert.throws(() => engine.lane('k'), /the engine has no lane k/);
  await Promise.all([engine.extend('kind', lanes), engine.extend('kind', lanes)]);
  assert.equal(made, 2, 'the second load, shared by both callers');
  assert.equal(engine.generation('k'), 0, 'added, not started');
  assert.throws(() => engine.add({ k: spec }), /the engine already has a lane k/);
});
