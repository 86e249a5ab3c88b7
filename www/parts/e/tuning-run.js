// One run of Part E's fine-tuning, without the DOM (tested in Node with a stand-in session): two copies of the loaded
// GPT-1, λ = 0 and the student's λ, fine-tuned one after the other in GPT-1's worker (kinds/gpt1/experiments.js),
// one request a step. The worker then holds the model and one copy's trainable part at a time, never two. Between
// any two requests the run may wait (pause) or end (stop: the copy under way is dropped in the worker).
import { warmupFor } from './experiment-inputs.js';

/** How the page names a copy by its λ. */
export const copyLabel = (lambda) => (lambda === 0 ? 'λ = 0 (task only)' : `λ = ${lambda}`);

export class TuningRun {
  #session;
  #data;
  #tell;
  #gate = null; // while paused: { promise, resolve }
  #ended = false;
  /** Both copies as measured so far: [{ lambda, before, losses: [{ step, task, lm, total }], after }]. */
  runs = [];

  /**
   * `data`: the settings and examples (experiment-inputs.js: `{ labels, train, test, heldOut, lambda, steps, rate,
   * blocks, seed }`); `tell` hears `{ runs }` whenever a copy's numbers change, `{ status }` with what is happening,
   * and `{ done, total }` after each step.
   */
  constructor(session, data, tell) {
    this.#session = session;
    this.#data = data;
    this.#tell = tell;
  }

  get paused() { return this.#gate !== null; }

  /** Holds the run before its next request (the one under way finishes). */
  pause() {
    if (this.#gate || this.#ended) return;
    let resolve;
    const promise = new Promise((done) => { resolve = done; });
    this.#gate = { promise, resolve };
  }

  resume() {
    this.#gate?.resolve();
    this.#gate = null;
  }

  /** Ends the run: no request is sent after the one under way, and the worker drops the copy it holds. */
  stop() {
    if (this.#ended) return;
    this.#ended = true;
    this.resume();
    this.#session.request('tuneStop').catch(() => {}); // (after the request under way: the worker answers in order)
  }

  /** Sends `type` once the run is not paused; its answer, or null when the run ended meanwhile. */
  async #ask(type, payload) {
    while (this.#gate) await this.#gate.promise;
    if (this.#ended) return null;
    const answer = await this.#session.request(type, payload);
    return this.#ended ? null : answer;
  }

  /** Fine-tunes both copies; true when both finished, false when stopped. A worker's error is thrown. */
  async run() {
    for (const lambda of [0, this.#data.lambda]) if (!(await this.#copy(lambda))) return false;
    return true;
  }

  /** One copy: measured before, its steps, measured after (then dropped by the worker). */
  async #copy(lambda) {
    const { labels, train, test, heldOut, blocks, rate, seed, steps } = this.#data;
    const done = this.runs.length * steps;
    const what = `Copy ${this.runs.length + 1} of 2 (${copyLabel(lambda)})`;
    this.#tell({ status: `${what}: measuring it before fine-tuning…` });
    const begun = await this.#ask('tuneStart', { labels, train, test, heldOut, lambda, blocks, rate, seed, warmup: warmupFor(steps) });
    if (!begun) return false;
    const run = { lambda, before: begun.before, losses: [] };
    this.runs.push(run);
    this.#tell({ runs: this.runs });
    const about = `${begun.trainable.toLocaleString('en-US')} weights train${begun.memory
      ? `; the worker's module holds ${Math.round(begun.memory / 1e6).toLocaleString('en-US')} MB` : ''}`;
    for (let s = 1; s <= steps; s++) {
      const losses = await this.#ask('tuneStep');
      if (!losses) return false;
      run.losses.push(losses);
      this.#tell({ done: done + s, total: 2 * steps });
      this.#tell({ status: `${what}: step ${s} of ${steps}, L_task ${losses.task.toFixed(4)} and L_lm ${losses.lm.toFixed(4)} on its batch. ${about}.` });
      this.#tell({ runs: this.runs });
    }
    this.#tell({ status: `${what}: measuring it after ${steps} step${steps === 1 ? '' : 's'}…` });
    const after = await this.#ask('tuneEnd');
    if (!after) return false;
    run.after = after;
    this.#tell({ runs: this.runs });
    return true;
  }
}
