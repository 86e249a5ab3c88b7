// Part D's model, as the section knows it: the tiny GPT's lane in the page's engine ('gpt', kinds/gpt/kind.js: a
// worker), added with the transformer's wasm and the built-in data when the section is opened, and what the section
// shows of the current model (made, history). Reset and a crash forget the model: `generation` moves on, and an
// answer for an older one is dropped.
import { setError, messageOf } from '../../drawing/dom.js';
import { DATA } from '../../assets/gpt.js';
import { addGptLane } from '../../kinds/gpt/kind.js';

const fetchText = (name) => fetch(DATA[name]).then((r) => {
  if (!r.ok) throw new Error(`could not load ${DATA[name].pathname.split('/').pop()} (${r.status})`);
  return r.text();
});

/** The section's session over `engine` (the page's: the tiny GPT's lane is added to it when first asked for). */
export function createSession(engine) {
  let loading = null; // Promise of the engine, once the section was opened
  const listeners = { forget: [], loaded: [], made: [] };
  const session = {
    builtin: { corpus: null, sentiment: null, entailment: null }, // the built-in data files, once loaded
    generation: 0,
    phase: 'empty', // empty | creating | training | paused | done
    made: null, // { key, layers, heads, baselines, … } of the current model
    history: { step: [], train: [], val: [] },
    on(event, fn) { listeners[event].push(fn); },
    /** Tells the section a new model was made (trained or loaded from a file). */
    announceMade() { for (const fn of listeners.made) fn(); },

    /** The engine, once the lane and the data are loaded (a failure: a later call tries again). */
    ready() {
      loading ??= Promise.all([addGptLane(engine), fetchText('corpus'), fetchText('sentiment'), fetchText('entailment')])
        .then(([, corpus, sentiment, entailment]) => {
          Object.assign(session.builtin, { corpus, sentiment, entailment });
          engine.start('gpt');
          for (const fn of listeners.loaded) fn();
          return engine;
        });
      loading.catch((error) => {
        loading = null; // a later press tries again
        setError('gpt', `The transformer could not be loaded: ${messageOf(error)}`);
      });
      return loading;
    },

    /** Asks the lane; an answer about a model that was forgotten meanwhile is never delivered. */
    async request(type, payload) {
      const mine = session.generation;
      const answer = await (await session.ready()).request('gpt', type, payload);
      if (mine !== session.generation) return new Promise(() => {});
      return answer;
    },

    /** Forgets the model (the compiled module is kept): every part of the section empties. */
    forget() {
      session.generation += 1;
      session.phase = 'empty';
      session.made = null;
      session.history = { step: [], train: [], val: [] };
      for (const fn of listeners.forget) fn();
    },

    /** Stops the lane at once (even mid-step) and forgets the model. */
    async reset() {
      if (loading && await loading.then(() => true, () => false)) engine.restart('gpt', 'reset');
      session.forget();
    },
  };
  engine.onCrash(({ lane, reason }) => {
    if (lane !== 'gpt') return;
    session.forget();
    setError('gpt', `The training worker stopped (${reason}). Press Train to start again.`);
  });
  return session;
}
