// Part A, first half: the corpus, smoothing, order and tokenizer controls own the model; the vocabulary and its
// statistics. Counting itself (which lane, superseding, recovery) is counting.js's.
import { guardPaste } from '../../state/limits.js';
import { createCorpusBox } from './corpus-box.js';
import { fillChips } from '../../drawing/dom.js';
import { short, four } from '../../state/numbers.js';
import { createCounting } from './counting.js';

export { countingOptions, WORKER_ABOVE } from './counting.js';

const BIG_CORPUS = 5000; // characters; above this, rebuild (or ask the worker) at most once per frame
const MAX_CHIPS = 200;
const KEYS = ['corpus', 'smoothing', 'order', 'tokenizer', 'boundaries', 'merges'];

/** The model's vocabulary as chips (ids beside), its size, and its statistics in words, into `ui`'s elements. */
function showVocab({ $ }, model) {
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
    + `Mean loss on its own corpus ${four(model.loss())} (perplexity ${short(model.perplexity(), 2)}). `
    + `The model keeps ${short(model.heapBytes / 1024, 0)} KiB of memory, `
    + `${short(model.heapBytes / Math.max(1, model.distinctPairs), 0)} bytes per distinct n-gram.`;
}

export function createModelPanel(ui, store, engine) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const corpus = $('corpus');
  const box = createCorpusBox(ui); // a long corpus shows a window of its lines in the box
  const smoothing = $('smoothing');
  const smoothingValue = $('smoothing-value');
  const selects = { order: $('order'), tokenizer: $('tokenizer'), boundaries: $('boundaries') };
  const merges = $('merges');
  const status = $('model-status');
  let pending = 0;
  let editStart = null; // when the corpus edit the page is catching up with was typed

  const counting = createCounting(store, engine, {
    status(busy, text, last, ms) {
      status.dataset.state = busy ? 'busy' : 'idle';
      status.textContent = text;
      if (last) Object.assign(status.dataset, { last, ms: String(ms) });
    },
    error: setError,
    alert(text) {
      $('worker-error').textContent = text;
      $('worker-error').hidden = false; // (an edit meanwhile hid the previous message)
    },
    accept,
  });
  engine.onCrash((crash) => { if (crash.lane === 'page' || crash.lane === 'counter') counting.recover(crash); });

  /** A model is ready: it becomes the page's, and every panel draws it. */
  function accept(model, text, matrix) {
    setError('corpus', '');
    store.setModel(model, matrix);
    showVocab(ui, model);
    // the Performance API figure the bench reads: from the keystroke to the matrix drawn for it
    if (editStart !== null && text === store.state.corpus) {
      performance.measure('edit→matrix', { start: editStart, end: performance.now() });
      editStart = null;
    }
  }

  function rebuild() {
    pending = 0;
    counting.rebuild();
  }



  function schedule() {
    if (store.state.corpus.length <= BIG_CORPUS) return rebuild();
    if (!pending) pending = requestAnimationFrame(rebuild);
  }

  /** Merges only mean something for BPE: the field is shown only then. */
  function showMerges(tok) {
    $('merges-field').hidden = tok !== 'bpe';
  }

  // a paste or drop past the limit never reaches the box (laying out 50 MB freezes a browser for many seconds)
  guardPaste(corpus, (message) => setError('corpus', message), undefined, box.outside);
  // the measure starts at the key press, so it includes the browser's own handling of the keystroke in the box (for
  // a long text, what the windowed box saves); an edit with no key (a drop, a script) starts at its input event
  let keyAt = null;
  corpus.addEventListener('keydown', (event) => { keyAt = event.timeStamp; });
  corpus.addEventListener('keyup', () => { keyAt = null; });
  corpus.addEventListener('input', () => {
    editStart = keyAt ?? performance.now();
    performance.mark('edit');
    $('worker-error').hidden = true;
    store.set({ corpus: box.edited() });
  });
  smoothing.addEventListener('input', () => store.set({ smoothing: smoothing.value }));
  for (const [key, select] of Object.entries(selects)) {
    select.addEventListener('change', () => store.set({ [key]: select.value }));
  }
  merges.addEventListener('input', () => store.set({ merges: merges.value }));
  store.subscribe((changed) => {
    if (changed.has('smoothing')) smoothingValue.textContent = `k = ${store.state.smoothing}`;
    if (changed.has('tokenizer')) showMerges(store.state.tokenizer);
    if (KEYS.some((key) => changed.has(key))) schedule();
  });

  /** Puts the state's text into the controls (on load, when a new link is opened, or when a setting is applied). */
  function fill(state) {
    box.fill(state.corpus);
    smoothing.value = state.smoothing;
    smoothingValue.textContent = `k = ${state.smoothing}`;
    for (const [key, select] of Object.entries(selects)) select.value = state[key];
    merges.value = state.merges;
    showMerges(state.tokenizer);
  }

  return {
    fill,
    rebuild,
    /** Takes a corpus from elsewhere (a link's, once the user chose it): the box first, then the model. */
    useCorpus(text) {
      box.fill(text);
      store.set({ corpus: text });
    },
    /** Sets order and k from elsewhere (the evaluation panel's "Apply best"): controls first, then the model. */
    apply({ order, smoothing: k }) {
      selects.order.value = order;
      smoothing.value = k;
      store.set({ order, smoothing: k });
    },
  };
}
