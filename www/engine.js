// The page's side of the background worker: numbered requests, replies matched to them, and a fresh worker when the
// old one fails (an error event or a wasm trap) or when a job must be cancelled for real.
import * as views from './views.js';
import { current, isTrap, renewingCore, reportTrap, trapPoint } from './core.js';

/** Thrown into pending requests when their worker is gone (crashed, or terminated to cancel). */
export class WorkerGone extends Error {}

/**
 * The model worker, started from this module's directory. A browser starts no worker from another origin's URL, so
 * a script loaded from elsewhere (a widget on someone's blog, served from the playground's host) starts a blob:
 * worker of the page's origin that imports it: that takes the script's host allowing cross-origin module loads
 * (CORS) and the page's policy allowing blob: workers.
 */
function startWorker() {
  // (the URL is written out in full at each use: scripts/dist.mjs and scripts/single.mjs rewrite these literals)
  const url = new URL('./worker.js', import.meta.url);
  // (the single file names its modules by blob: URLs, whose origin reads differently from a file:// page's)
  if (!/^https?:$/.test(url.protocol) || url.origin === globalThis.location?.origin) {
    return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  }
  const source = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(source), { type: 'module' });
}

export class Engine {
  /** `module`: the compiled WebAssembly.Module, shared so a new worker starts in milliseconds. */
  constructor(module, { onCrash = () => {} } = {}) {
    this.module = module;
    this.onCrash = onCrash;
    this.pending = new Map(); // request id → { resolve, reject, started }
    this.nextId = 1;
    this.generation = 0;
    this.crashes = [];
    this.spawn();
  }

  spawn() {
    this.generation += 1;
    const worker = startWorker();
    worker.addEventListener('message', ({ data }) => {
      const job = this.pending.get(data.id);
      if (!job) return;
      this.pending.delete(data.id);
      if (data.ok) job.resolve(data.value);
      else job.reject(new Error(data.error));
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault(); // reported on the page, not as an uncaught error
      this.crash(event.message || 'the worker failed');
    });
    worker.addEventListener('messageerror', () => this.crash('a message could not be read'));
    this.worker = worker;
    worker.postMessage({ id: 0, type: 'init', module: this.module }); // first in the worker's queue; not waited for
  }

  /** Sends a request; resolves with the worker's answer. */
  request(type, payload = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, started: performance.now() });
      this.worker.postMessage({ id, type, ...payload });
    });
  }

  /** A request whose answer nobody waits for. */
  post(type, payload = {}) {
    this.request(type, payload).catch(() => {});
  }

  /** When the oldest unanswered request was sent, or null when the worker is idle. */
  busySince() {
    let oldest = null;
    for (const job of this.pending.values()) oldest = oldest === null ? job.started : Math.min(oldest, job.started);
    return oldest;
  }

  /** Stops the worker now (true cancellation) and starts a new one; pending requests fail with WorkerGone. */
  restart(reason = 'cancelled') {
    this.worker.terminate();
    const jobs = [...this.pending.values()];
    this.pending.clear();
    this.spawn();
    for (const job of jobs) job.reject(new WorkerGone(reason));
  }

  crash(reason) {
    const now = performance.now();
    this.crashes = this.crashes.filter((t) => now - t < 10000).concat(now);
    this.restart(reason);
    // three failures in ten seconds: something is wrong with the worker itself, keep the page as it is
    this.onCrash(reason, this.crashes.length >= 3);
  }
}

/** A model that lives in the worker: what every panel reads synchronously, from the build's summary. */
export class RemoteModel {
  constructor(engine, { modelId, summary }) {
    this.remote = true;
    this.engine = engine;
    this.generation = engine.generation;
    this.id = modelId;
    this.info = summary;
    for (const key of ['vocab', 'order', 'boundaries', 'tokenizer', 'smoothing', 'pairTotal', 'distinctPairs',
      'contextCount', 'heapBytes']) this[key] = summary[key];
  }

  /** The loss on its own corpus (a held-out text is a question for the worker: currentView). */
  loss() { return this.info.loss; }
  perplexity() { return Math.exp(this.info.loss); }
  merges() { return this.info.merges; }
  get alive() { return this.generation === this.engine.generation; }

  /** A panel's question, answered by the worker. */
  call(name, args) {
    if (!this.alive) return Promise.reject(new WorkerGone('the worker was restarted'));
    return this.engine.request('compute', { modelId: this.id, name, args });
  }

  free() {
    if (this.alive) this.engine.post('release', { ids: [this.id] });
  }
}

/** A local model's step session (the remote one lives in the worker). */
const sessions = new WeakMap();

/**
 * Asks the current model a question: at once (a value) for a model on this page, as a Promise for one in the worker.
 * `corpus` is what a local model was counted from.
 */
export function compute(store, name, ...args) {
  const model = store.model;
  if (model.remote) return model.call(name, args);
  // a model of a replaced (or being replaced) instance answers nothing: the panels draw again for the new model
  if (renewingCore() || !current(model)) throw new WorkerGone('the WebAssembly core is being restarted');
  try {
    trapPoint('compute');
    return computeHere(store, model, name, args);
  } catch (error) {
    if (!isTrap(error)) throw error;
    reportTrap(error); // the model panel renews the core and counts again; the text and settings stay
    throw new WorkerGone('the WebAssembly core was restarted');
  }
}

function computeHere(store, model, name, args) {
  switch (name) {
    case 'tokenizerView': return views.tokenizerView(model, store.counted ?? store.state.corpus, ...args);
    case 'stepReset': {
      sessions.get(model)?.free();
      const session = new views.StepSession(model, ...args);
      sessions.set(model, session);
      return session.state();
    }
    case 'stepNext': return sessions.get(model).step();
    default: return views[name](model, ...args);
  }
}

/** Runs `ask` and hands its answer to `ok` (at once when it is a value, later when a Promise), errors to `fail`. */
export function settle(ask, ok, fail = () => {}) {
  let answer;
  try {
    answer = ask();
  } catch (error) {
    fail(error);
    return;
  }
  if (answer && typeof answer.then === 'function') answer.then(ok, fail);
  else ok(answer);
}
