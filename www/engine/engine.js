// How the page computes. A panel asks the engine (request), and gets a Promise, whatever answers:
// every request goes to a lane, and each lane is one model kind's requests (host.js's protocol) behind a transport —
// a Web Worker, or the page thread where a worker is not wanted (a small corpus) or cannot start (the single file).
// Here, once for every lane: numbered requests and their answers, stopping a lane to cancel what it runs, a fresh
// worker or wasm instance after a crash or a trap, and when to give up: a lane that crashes again before it answered
// anything since its last crash (the retry failed too) tells its listeners to stop retrying until the next edit.
import { WORKERS } from '../assets/core.js';
import { ThreadTransport, WorkerTransport } from './transport.js';

/** Thrown into pending requests when their lane's worker or instance is gone (crashed, or stopped to cancel). */
export class WorkerGone extends Error {}

/** One lane: its transport (made at the first request), its pending requests, its crashes. */
class Lane {
  #engine;
  #name;
  #spec;
  #pending = new Map(); // request id → { resolve, reject, started }
  #answered = true; // whether a request was answered since the last crash
  transport = null;
  generation = 0; // how many transports were started

  constructor(engine, name, spec) {
    this.#engine = engine;
    this.#name = name;
    this.#spec = spec;
  }

  /** The lane's transport, started now if it has none: a worker where the lane has one and workers may start. */
  start() {
    if (this.transport) return this.transport;
    const events = {
      reply: (data) => { if (transport === this.transport) this.#settle(data); }, // not a replaced one's late answer
      crash: (reason) => this.#crash(reason, transport),
      intercept: (message) => this.#engine.interceptor(this.#name, message),
    };
    const transport = this.#spec.worker && WORKERS ? new WorkerTransport(this.#spec, events)
      : new ThreadTransport(this.#spec, events, this.generation);
    this.generation += 1;
    this.transport = transport;
    return transport;
  }

  request(type, payload) {
    const id = this.#engine.nextId++;
    return new Promise((resolve, reject) => {
      const transport = this.start(); // (may throw: the Promise rejects)
      this.#pending.set(id, { resolve, reject, started: performance.now() });
      transport.send({ id, type, ...payload });
    });
  }

  /** When the oldest unanswered request was sent, or null when the lane is idle. */
  busySince() {
    let oldest = null;
    for (const job of this.#pending.values()) oldest = Math.min(oldest ?? Infinity, job.started);
    return oldest;
  }

  #settle({ id, ok, value, error }) {
    const job = this.#pending.get(id);
    if (!job) return;
    this.#pending.delete(id);
    this.#answered = true;
    if (ok) job.resolve(value);
    else job.reject(new Error(error));
  }

  /** Stops the transport now (true cancellation) and starts a new one; pending requests fail with WorkerGone. */
  restart(reason) {
    this.transport?.stop();
    this.transport = null;
    const jobs = [...this.#pending.values()];
    this.#pending.clear();
    let fresh = null;
    try {
      fresh = this.start();
    } catch {
      // a worker that cannot start: the next request says why
    }
    for (const job of jobs) job.reject(new WorkerGone(reason));
    return fresh;
  }

  /** A worker failed or a wasm call trapped: a fresh transport, then the lane's listeners are told. */
  #crash(reason, transport) {
    if (transport !== this.transport) return; // an old transport's last words
    const report = { lane: this.#name, where: transport.where, reason, givingUp: !this.#answered };
    this.#answered = false;
    const fresh = this.restart(reason);
    // on the page thread the listeners hear once the fresh instance is ready (or could not be made)
    Promise.resolve(fresh?.ready).then(() => null, (error) => error)
      .then((failed) => this.#engine.report({ ...report, failed }));
  }
}

export class Engine {
  #lanes;
  #kinds = new Map(); // kind → Promise of its lanes being added (extend)
  #listeners = [];
  nextId = 1;
  interceptor = () => {};

  /**
   * `lanes`: name → { module (the compiled WebAssembly.Module), requests(glue) (the kind's table), glue(n) (its glue,
   * for the page thread), worker() (optional: starts the kind's worker) }.
   */
  constructor(lanes) {
    this.#lanes = new Map(Object.entries(lanes).map(([name, spec]) => [name, new Lane(this, name, spec)]));
  }

  /** Adds lanes (name → spec, as the constructor takes them) to this engine. */
  add(lanes) {
    for (const [name, spec] of Object.entries(lanes)) {
      if (this.#lanes.has(name)) throw new Error(`the engine already has a lane ${name}`);
      this.#lanes.set(name, new Lane(this, name, spec));
    }
  }

  /**
   * Adds a model kind whose wasm loads on demand: `make()` gives (a Promise of) its lanes, called once per `kind`
   * however many panels ask; resolves once they are added. After a failure (the module did not load) the next call
   * tries again.
   */
  extend(kind, make) {
    let adding = this.#kinds.get(kind);
    if (!adding) {
      adding = Promise.resolve().then(make).then((lanes) => { this.add(lanes); });
      this.#kinds.set(kind, adding);
      adding.catch(() => { if (this.#kinds.get(kind) === adding) this.#kinds.delete(kind); });
    }
    return adding;
  }

  lane(name) {
    const lane = this.#lanes.get(name);
    if (!lane) throw new Error(`the engine has no lane ${name}`);
    return lane;
  }

  /** Asks lane `lane` for `type`; resolves with the answer, rejects with its error (WorkerGone: the lane restarted). */
  request(lane, type, payload = {}) {
    return this.lane(lane).request(type, payload);
  }

  /** A request whose answer nobody waits for. */
  post(lane, type, payload = {}) {
    this.request(lane, type, payload).catch(() => {});
  }

  /** Starts a lane's worker (or instance) now rather than at its first request. */
  start(lane) {
    try {
      this.lane(lane).start();
    } catch {
      // the first request reports it
    }
  }

  /** Resolves once a lane can answer (its instance made, on the page thread; at once for a worker). */
  ready(lane) {
    return Promise.resolve(this.lane(lane).start().ready);
  }

  /** Stops what a lane is running (true cancellation) and starts it afresh. */
  restart(lane, reason = 'cancelled') { this.lane(lane).restart(reason); }

  /** When a lane's oldest unanswered request was sent, or null when it is idle. */
  busySince(lane) { return this.lane(lane).busySince(); }

  /** How many transports a lane has started (a crash or a restart starts one more). */
  generation(lane) { return this.lane(lane).generation; }

  /** `fn({ lane, where, reason, givingUp, failed })` hears of every crash, once the lane is running again. */
  onCrash(fn) { this.#listeners.push(fn); }

  report(crash) { for (const fn of this.#listeners) fn(crash); }

  /** `fn(lane, message)` sees each request answered on the page thread before it runs (what it throws, it throws). */
  intercept(fn) { this.interceptor = fn; }
}

/**
 * A caller's stream of requests of which only the newest answer counts: `ask(promise)` settles only while no newer
 * request was asked since, and never with WorkerGone (the lane's recovery asks again).
 */
export function newest() {
  let last = 0;
  return (promise) => {
    const id = ++last;
    return new Promise((resolve, reject) => {
      promise.then((value) => { if (id === last) resolve(value); },
        (error) => { if (id === last && !(error instanceof WorkerGone)) reject(error); });
    });
  };
}

/** A model the engine keeps on one lane: the numbers every panel reads at once, and the questions it answers. */
export class ModelHandle {
  constructor(engine, lane, { modelId, summary }) {
    this.engine = engine;
    this.lane = lane;
    this.generation = engine.generation(lane);
    this.id = modelId;
    this.info = summary;
    for (const key of ['vocab', 'order', 'boundaries', 'tokenizer', 'smoothing', 'pairTotal', 'distinctPairs',
      'contextCount', 'heapBytes']) this[key] = summary[key];
  }

  /** The loss on its own corpus (a held-out text is a question: currentView). */
  loss() { return this.info.loss; }
  perplexity() { return Math.exp(this.info.loss); }
  merges() { return this.info.merges; }
  /** Whether the lane still runs the worker or instance that made it. */
  get alive() { return this.generation === this.engine.generation(this.lane); }

  /** A panel's question (views.js), answered where the model lives. */
  ask(name, ...args) {
    if (!this.alive) return Promise.reject(new WorkerGone('the model\'s worker or instance was restarted'));
    return this.engine.request(this.lane, 'ask', { modelId: this.id, name, args });
  }

  free() {
    if (this.alive) this.engine.post(this.lane, 'release', { ids: [this.id] });
  }
}
