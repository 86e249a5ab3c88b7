// Part A, first half: the corpus and smoothing controls own the model; the vocabulary and its statistics.
import { NgramModel } from './pkg/gpt1_playground.js';
import { $, fillChips, setError, messageOf } from './dom.js';
import { parseSmoothing, short, four } from './numbers.js';

const BIG_CORPUS = 20000; // characters; above this, rebuild at most once per frame

export function createModelPanel(store) {
  const corpus = $('corpus');
  const smoothing = $('smoothing');
  const smoothingValue = $('smoothing-value');
  let pending = 0;

  /** Counts the corpus again; on bad input keeps the last good model and says why beside the control. */
  function rebuild() {
    pending = 0;
    const { state } = store;
    const k = parseSmoothing(state.k);
    setError('smoothing', k.error);
    if (k.error) return;
    let model;
    try {
      model = new NgramModel(state.corpus, { smoothing: k.value });
    } catch (error) {
      setError('corpus', `${messageOf(error)}. The page still shows the last corpus that worked.`);
      return;
    }
    setError('corpus', '');
    store.model?.free(); // the old model lives in wasm memory until freed
    store.model = model;
    showVocab();
    store.notify(new Set(['model']));
  }

  function showVocab() {
    const model = store.model;
    const vocab = model.vocab;
    fillChips($('vocab'), vocab, vocab.map((_, i) => i));
    $('vocab-size').textContent = `V = ${vocab.length}`;
    $('stats').textContent = `${model.pairTotal} pairs counted, ${model.distinctPairs} distinct. `
      + `Mean loss on its own corpus ${four(model.loss())} (perplexity ${short(model.perplexity(), 2)}).`;
  }

  function schedule() {
    if (store.state.corpus.length <= BIG_CORPUS) return rebuild();
    if (!pending) pending = requestAnimationFrame(rebuild);
  }

  corpus.addEventListener('input', () => store.set({ corpus: corpus.value }));
  smoothing.addEventListener('input', () => store.set({ k: smoothing.value }));
  store.subscribe((changed) => {
    if (changed.has('k')) smoothingValue.textContent = `k = ${store.state.k}`;
    if (changed.has('corpus') || changed.has('k')) schedule();
  });

  return {
    /** Puts the state's text into the controls (on load, or when a new link is opened). */
    fill(state) {
      corpus.value = state.corpus;
      smoothing.value = state.k;
      smoothingValue.textContent = `k = ${state.k}`;
    },
    rebuild,
  };
}
