// The background worker: counts corpora, keeps the models it built, and answers the panels' questions about them, so
// the page never waits for a large corpus. Every reply carries the request's id; the page decides what is stale.
import { initSync, NgramModel } from './pkg/gpt1_playground.js';
import * as views from './views.js';

const models = new Map(); // id → { model, corpus, session }
let nextId = 1;

/** Keeps a model and returns what the page needs to show it at once. */
function keep(model, corpus, started) {
  const id = nextId++;
  models.set(id, { model, corpus, session: null });
  const summary = views.summary(model);
  return { modelId: id, summary, matrix: views.matrixView(model, views.CANVAS_MAX, summary.vocab),
    ms: performance.now() - started };
}

function entry(id) {
  const found = models.get(id);
  if (!found) throw new Error('that model is gone (the worker was restarted or the model released)');
  return found;
}

function free(id) {
  const found = models.get(id);
  if (!found) return;
  found.session?.free();
  found.model.free();
  models.delete(id);
}

const handlers = {
  init({ module }) {
    initSync({ module });
    return true;
  },
  /** Counts a corpus. */
  build({ corpus, options }) {
    const started = performance.now();
    return keep(new NgramModel(corpus, options), corpus, started);
  },
  /** The same counts with another k: nothing is recounted. */
  smooth({ from, k }) {
    const started = performance.now();
    const source = entry(from);
    return keep(source.model.withSmoothing(k), source.corpus, started);
  },
  release({ ids }) {
    for (const id of ids) free(id);
    return true;
  },
  /** A panel's question about a kept model. */
  compute({ modelId, name, args }) {
    const found = entry(modelId);
    const { model } = found;
    switch (name) {
      case 'tokenizerView': return views.tokenizerView(model, found.corpus, ...args);
      case 'encodeView': return views.encodeView(model, ...args);
      case 'generateView': return views.generateView(model, ...args);
      case 'currentView': return views.currentView(model, ...args);
      case 'stepReset':
        found.session?.free();
        found.session = null;
        found.session = new views.StepSession(model, ...args);
        return found.session.state();
      case 'stepNext':
        if (!found.session) throw new Error('no sampler: reset first');
        return found.session.step();
      default: throw new Error(`unknown question ${name}`);
    }
  },
  /** The evaluation grid over every order and k (the evaluation worker). */
  grid({ corpus, options, val }) {
    return views.grid(corpus, options, val);
  },
  /** Test only: fails the way a wasm trap does, to show the page recovers. */
  crash() {
    throw new WebAssembly.RuntimeError('test crash requested by the page');
  },
};

self.addEventListener('message', ({ data }) => {
  const { id, type, ...payload } = data;
  let value;
  try {
    value = handlers[type](payload);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error; // the instance may be broken: let the page restart us
    self.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
    return;
  }
  self.postMessage({ id, ok: true, value }, transferables(value));
});

/** The typed arrays of a reply move to the page instead of being copied. */
function transferables(value) {
  const out = [];
  const matrix = value?.matrix;
  if (matrix) out.push(matrix.probs.buffer, matrix.counts.buffer, matrix.sums.buffer);
  return out;
}
