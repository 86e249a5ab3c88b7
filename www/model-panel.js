// Part A, first half: the corpus and smoothing controls own the model; the vocabulary and its statistics.
import { NgramModel } from './pkg/gpt1_playground.js';
import { $, fillChips, setError, messageOf } from './dom.js';
import { parseSmoothing, short, four } from './numbers.js';

const BIG_CORPUS = 5000; // characters; above this, rebuild at most once per frame
const MAX_CHIPS = 200;

export function createModelPanel(store) {
  const corpus = $('corpus');
  const smoothing = $('smoothing');
  const smoothingValue = $('smoothing-value');
  let pending = 0;
  let counted = null; // the corpus the current model counted

  /** Counts the corpus again; on bad input keeps the last good model and says why beside the control. */
  function rebuild() {
    pending = 0;
    const { state } = store;
    const k = parseSmoothing(state.k);
    setError('smoothing', k.error);
    if (k.error) return;
    let model;
    try {
      // a new k alone reuses the counts; a new corpus is counted again
      model = counted === state.corpus && store.model
        ? store.model.withSmoothing(k.value)
        : new NgramModel(state.corpus, { smoothing: k.value });
    } catch (error) {
      setError('corpus', `${messageOf(error)}. The page still shows the last corpus that worked.`);
      return;
    }
    setError('corpus', '');
    store.model?.free(); // the old model lives in wasm memory until freed
    store.model = model;
    counted = state.corpus;
    showVocab();
    store.notify(new Set(['model']));
  }

  function showVocab() {
    const model = store.model;
    const vocab = model.vocab;
    // a long vocabulary shows its first tokens and the special ones: thousands of chips help nobody
    const shown = vocab.length <= MAX_CHIPS ? [...vocab.keys()]
      : [...Array(MAX_CHIPS - 2).keys(), vocab.length - 2, vocab.length - 1];
    fillChips($('vocab'), shown.map((i) => vocab[i]), shown);
    $('vocab-more').textContent = vocab.length > MAX_CHIPS
      ? `Showing the first ${MAX_CHIPS - 2} words and the two special tokens of ${vocab.length}.` : '';
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
