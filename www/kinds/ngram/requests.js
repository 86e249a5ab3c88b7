// The n-gram model kind's requests: count a corpus, keep the models it built, and answer the panels' questions about
// them (views.js). The same table runs in the counting worker (worker.js) and on the page thread (transport.js).
import {
  CANVAS_MAX, StepSession, currentView, encodeView, generateView, grid, matrixView, summary as summaryOf, tokenizerView,
} from './views.js';

/** The table of requests over `core` (one wasm instance's glue); its models live in that instance. */
export function ngramRequests(core) {
  const models = new Map(); // id → { model, corpus, session }
  let nextId = 1;

  /** Keeps a model and returns what the page needs to show it at once. */
  function keep(model, corpus, started) {
    const modelId = nextId++;
    models.set(modelId, { model, corpus, session: null });
    const summary = summaryOf(model);
    return { modelId, summary, matrix: matrixView(model, CANVAS_MAX, summary.vocab),
      ms: performance.now() - started };
  }

  function entry(id) {
    const found = models.get(id);
    if (!found) throw new Error('that model is gone (the worker was restarted or the model released)');
    return found;
  }

  /** The questions a panel may ask about a kept model. */
  const questions = {
    tokenizerView: (found, args) => tokenizerView(found.model, found.corpus, ...args),
    encodeView: (found, args) => encodeView(core, found.model, ...args),
    generateView: (found, args) => generateView(core, found.model, ...args),
    currentView: (found, args) => currentView(found.model, ...args),
    stepReset(found, args) {
      found.session?.free();
      found.session = null;
      found.session = new StepSession(core, found.model, ...args);
      return found.session.state();
    },
    stepNext(found) {
      if (!found.session) throw new Error('no sampler: reset first');
      return found.session.step();
    },
  };

  return {
    /** Counts a corpus. */
    build({ corpus, options }) {
      const started = performance.now();
      return keep(new core.NgramModel(corpus, options), corpus, started);
    },
    /** The same counts with another k: nothing is recounted. */
    smooth({ from, k }) {
      const started = performance.now();
      const source = entry(from);
      return keep(source.model.withSmoothing(k), source.corpus, started);
    },
    release({ ids }) {
      for (const id of ids) {
        const found = models.get(id);
        found?.session?.free();
        found?.model.free();
        models.delete(id);
      }
      return true;
    },
    /** A panel's question about a kept model. */
    ask({ modelId, name, args }) {
      if (!Object.hasOwn(questions, name)) throw new Error(`unknown question ${name}`);
      return questions[name](entry(modelId), args);
    },
    /** The evaluation grid over every order and k. */
    grid({ corpus, options, val }) {
      return grid(core, corpus, options, val);
    },
    /** Part C's two losses, from the probabilities typed. */
    losses({ probs, truth, lm, lambda }) {
      const task = core.loss(probs, truth);
      return { task, total: core.combinedLoss(task, lm, lambda) };
    },
    /** A fresh seed from the core's generator. */
    randomSeed: () => core.randomSeed(),
  };
}
