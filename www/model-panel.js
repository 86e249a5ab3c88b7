// Part A, first half: the corpus, smoothing, order and tokenizer controls own the model; the vocabulary and its statistics.
import { NgramModel } from './pkg/gpt1_playground.js';
import { $, fillChips, setError, messageOf } from './dom.js';
import { parseSmoothing, parseMerges, short, four } from './numbers.js';

const BIG_CORPUS = 5000; // characters; above this, rebuild at most once per frame
const MAX_CHIPS = 200;
const KEYS = ['corpus', 'k', 'order', 'tok', 'bounds', 'merges'];

/**
 * The options that decide how the corpus is counted (everything but k), or an error for the Merges field.
 * Shared with the evaluation panel, which counts the same corpus at every order.
 */
export function countingOptions(state) {
  const options = { order: Number(state.order), tokenizer: state.tok, boundaries: state.bounds };
  if (state.tok !== 'bpe') return { options };
  const merges = parseMerges(state.merges);
  if (merges.error) return { error: merges.error };
  return { options: { ...options, merges: merges.value } };
}

export function createModelPanel(store) {
  const corpus = $('corpus');
  const smoothing = $('smoothing');
  const smoothingValue = $('smoothing-value');
  const selects = { order: $('order'), tok: $('tokenizer'), bounds: $('boundaries') };
  const merges = $('merges');
  let pending = 0;
  let counted = null; // what the current model counted: corpus and counting options

  /** Counts the corpus again; on bad input keeps the last good model and says why beside the control. */
  function rebuild() {
    pending = 0;
    const { state } = store;
    const k = parseSmoothing(state.k);
    const counting = countingOptions(state);
    setError('smoothing', k.error);
    setError('merges', counting.error);
    if (k.error || counting.error) return;
    const key = JSON.stringify([state.corpus, counting.options]);
    let model;
    try {
      // a new k alone reuses the counts; anything else counts the corpus again
      model = counted === key && store.model
        ? store.model.withSmoothing(k.value)
        : new NgramModel(state.corpus, { smoothing: k.value, ...counting.options });
    } catch (error) {
      setError('corpus', `${messageOf(error)}. The page still shows the last model that worked.`);
      return;
    }
    setError('corpus', '');
    store.model?.free(); // the old model lives in wasm memory until freed
    store.model = model;
    counted = key;
    showVocab();
    store.notify(new Set(['model']));
  }

  function showVocab() {
    const model = store.model;
    const vocab = model.vocab;
    const lines = model.boundaries === 'lines';
    // a long vocabulary shows its first tokens (and the special ones): thousands of chips help nobody
    let shown = [...vocab.keys()];
    if (vocab.length > MAX_CHIPS) {
      shown = lines ? [...Array(MAX_CHIPS - 2).keys(), vocab.length - 2, vocab.length - 1] : shown.slice(0, MAX_CHIPS);
    }
    fillChips($('vocab'), shown.map((i) => vocab[i]), shown);
    $('vocab-more').textContent = vocab.length <= MAX_CHIPS ? ''
      : lines ? `Showing the first ${MAX_CHIPS - 2} tokens and the two special tokens of ${vocab.length}.`
        : `Showing the first ${MAX_CHIPS} tokens of ${vocab.length}.`;
    $('vocab-size').textContent = `V = ${vocab.length}`;
    const what = model.order === 2 && lines ? 'pairs' : 'predictions (context → next token)';
    $('stats').textContent = `${model.pairTotal} ${what} counted, ${model.distinctPairs} distinct. `
      + `Mean loss on its own corpus ${four(model.loss())} (perplexity ${short(model.perplexity(), 2)}).`;
  }

  function schedule() {
    if (store.state.corpus.length <= BIG_CORPUS) return rebuild();
    if (!pending) pending = requestAnimationFrame(rebuild);
  }

  /** Merges only mean something for BPE: the field is shown only then. */
  function showMerges(tok) {
    $('merges-field').hidden = tok !== 'bpe';
  }

  corpus.addEventListener('input', () => store.set({ corpus: corpus.value }));
  smoothing.addEventListener('input', () => store.set({ k: smoothing.value }));
  for (const [key, select] of Object.entries(selects)) {
    select.addEventListener('change', () => store.set({ [key]: select.value }));
  }
  merges.addEventListener('input', () => store.set({ merges: merges.value }));
  store.subscribe((changed) => {
    if (changed.has('k')) smoothingValue.textContent = `k = ${store.state.k}`;
    if (changed.has('tok')) showMerges(store.state.tok);
    if (KEYS.some((key) => changed.has(key))) schedule();
  });

  /** Puts the state's text into the controls (on load, when a new link is opened, or when a setting is applied). */
  function fill(state) {
    corpus.value = state.corpus;
    smoothing.value = state.k;
    smoothingValue.textContent = `k = ${state.k}`;
    for (const [key, select] of Object.entries(selects)) select.value = state[key];
    merges.value = state.merges;
    showMerges(state.tok);
  }

  return {
    fill,
    rebuild,
    /** Sets order and k from elsewhere (the evaluation panel's "Apply best"): controls first, then the model. */
    apply({ order, k }) {
      selects.order.value = order;
      smoothing.value = k;
      store.set({ order, k });
    },
  };
}
