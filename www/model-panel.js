// Part A, first half: the corpus, smoothing, order and tokenizer controls own the model; the vocabulary and its statistics.
import { core, current, release, isTrap, renewCore, renewingCore, trapPoint } from './core.js';
import { corpusTooLarge, guardPaste } from './limits.js';
import { createCorpusBox } from './corpus-box.js';
import { fillChips, messageOf } from './dom.js';
import { parseSmoothing, parseMerges, short, four } from './numbers.js';
import { RemoteModel, WorkerGone } from './engine.js';
import { matrixView } from './views.js';

const BIG_CORPUS = 5000; // characters; above this, rebuild (or ask the worker) at most once per frame
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

/** Corpora shorter than this are counted on the page (faster than a worker round trip); longer ones in the worker. */
const params = new URLSearchParams(location.search);
export const WORKER_ABOVE = params.has('test') && params.has('worker-above') ? Number(params.get('worker-above')) : 20000;
const CANCEL_MS = 1500; // a worker busy this long with a stale build is stopped and replaced: true cancellation

export function createModelPanel(ui, store, engine) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const corpus = $('corpus');
  const box = createCorpusBox(ui); // a long corpus shows a window of its lines in the box
  const smoothing = $('smoothing');
  const smoothingValue = $('smoothing-value');
  const selects = { order: $('order'), tok: $('tokenizer'), bounds: $('boundaries') };
  const merges = $('merges');
  const status = $('model-status');
  let pending = 0;
  let counted = null; // what the current model counted: corpus and counting options
  let seq = 0; // the newest request; a reply for an older one is stale
  let inflight = null; // the build the worker is working on: { seq, started }
  let queued = null; // the newest build waiting for the worker (a newer one replaces it: supersede)
  let editStart = null; // when the corpus edit the page is catching up with was typed
  let traps = 0; // traps on this thread since the last model counted here (the retry after one is made once)

  function setStatus(busy, text) {
    status.dataset.state = busy ? 'busy' : 'idle';
    status.textContent = text;
  }

  /** A model is ready: it becomes the page's, and every panel draws it. */
  function accept(model, key, text, matrix) {
    setError('corpus', '');
    if (store.model !== model) release(store.model); // the old model lives in wasm memory until freed
    store.model = model;
    store.counted = text;
    store.matrixView = matrix;
    counted = key;
    showVocab();
    store.notify(new Set(['model']));
    // the Performance API figure the bench reads: from the keystroke to the matrix drawn for it
    if (editStart !== null && text === store.state.corpus) {
      performance.measure('edit→matrix', { start: editStart, end: performance.now() });
      editStart = null;
    }
  }

  /** Counts the corpus again; on bad input keeps the last good model and says why beside the control. */
  function rebuild() {
    pending = 0;
    const { state } = store;
    const k = parseSmoothing(state.k);
    const counting = countingOptions(state);
    setError('smoothing', k.error);
    setError('merges', counting.error);
    if (k.error || counting.error) return;
    // checked before the text goes anywhere: a corpus the core would refuse is not sent to it
    const tooLarge = corpusTooLarge(state.corpus);
    if (tooLarge) {
      ++seq; // whatever is on its way is stale
      queued = null;
      setError('corpus', tooLarge);
      setStatus(false, '');
      return;
    }
    // what this count is of; a cheap string (JSON.stringify would scan and copy a book's megabytes every keystroke)
    const key = `${JSON.stringify(counting.options)}\u0000${state.corpus}`;
    const id = ++seq;
    if (state.corpus.length >= WORKER_ABOVE) {
      queued = { seq: id, key, corpus: state.corpus, options: { ...counting.options, smoothing: k.value }, k: k.value };
      setStatus(true, `Counting ${state.corpus.length.toLocaleString('en-US')} characters in the background…`);
      pump();
      return;
    }
    queued = null; // a small corpus is counted here and now: whatever the worker is doing is stale
    if (renewingCore()) return; // the core is being replaced after a trap: recoverTrap counts again when it is ready
    let model;
    const started = performance.now();
    try {
      trapPoint('build');
      // a new k alone reuses the counts; anything else counts the corpus again
      model = counted === key && current(store.model)
        ? store.model.withSmoothing(k.value)
        : new core.NgramModel(state.corpus, { smoothing: k.value, ...counting.options });
    } catch (error) {
      if (isTrap(error)) {
        recoverTrap(error);
        return;
      }
      setError('corpus', `${messageOf(error)}. The page still shows the last model that worked.`);
      setStatus(false, '');
      return;
    }
    let matrix;
    try {
      matrix = matrixView(model);
    } catch (error) {
      if (!isTrap(error)) throw error;
      recoverTrap(error);
      return;
    }
    traps = 0;
    setStatus(false, '');
    status.dataset.last = counted === key ? 'smooth here' : 'count here';
    status.dataset.ms = String(performance.now() - started);
    accept(model, key, state.corpus, matrix);
  }

  /** Sends the newest queued build to the worker when it is free (or stops a worker stuck on a stale one). */
  function pump() {
    if (!queued) return;
    if (inflight) {
      if (performance.now() - inflight.started > CANCEL_MS) engine.restart('superseded by a newer edit');
      return; // the reply (or the restart) calls pump again
    }
    const request = queued;
    queued = null;
    const current = store.model;
    const smoothOnly = current?.remote && current.alive && counted === request.key;
    inflight = { seq: request.seq, started: performance.now() };
    const ask = smoothOnly ? engine.request('smooth', { from: current.id, k: request.k })
      : engine.request('build', { corpus: request.corpus, options: request.options });
    const done = () => {
      if (inflight?.seq === request.seq) inflight = null;
      pump();
    };
    ask.then((reply) => {
      if (request.seq !== seq) {
        engine.post('release', { ids: [reply.modelId] }); // stale: nobody shows it
      } else {
        setStatus(false, smoothOnly ? `Re-smoothed in ${short(reply.ms, 0)} ms in a background worker (nothing recounted).`
          : `Counted in ${short(reply.ms, 0)} ms in a background worker.`);
        status.dataset.last = smoothOnly ? 'smooth in worker' : 'count in worker';
        status.dataset.ms = String(reply.ms);
        accept(new RemoteModel(engine, reply), request.key, request.corpus, reply.matrix);
      }
      done();
    }, (error) => {
      if (request.seq === seq) {
        if (error instanceof WorkerGone) {
          if (!queued) queued = request; // the worker was replaced: ask the new one
        } else {
          setError('corpus', `${messageOf(error)}. The page still shows the last model that worked.`);
          setStatus(false, '');
        }
      }
      done();
    });
  }

  /** The worker failed: a new one is running; count the current text again (nothing typed is lost). */
  function recover(reason, givingUp) {
    inflight = null;
    $('worker-error').hidden = false;
    $('worker-error').textContent = givingUp
      ? `The background worker keeps failing (${reason}). Your text and settings are kept; reload the page to try again.`
      : `The background worker stopped (${reason}) and was restarted. Your text and settings are kept.`;
    if (givingUp) return;
    if (store.model?.remote) counted = null;
    if (store.model?.remote || queued || store.state.corpus.length >= WORKER_ABOVE) rebuild();
  }

  /**
   * A trap on this thread (while counting here, or a panel's question): the instance may be broken, so a fresh one
   * is made from the compiled module and the corpus counted again, once; a second trap in a row is reported and the
   * page waits for the next edit. The text and settings are never touched.
   */
  async function recoverTrap(error) {
    // one renewal at a time: the panel that started it counts again when it is done, and any other panel (another
    // widget's: its model was in the same instance) counts again after it
    if (renewingCore()) {
      renewCore().then(rebuild, () => {});
      return;
    }
    traps += 1;
    const again = traps > 1;
    const say = (text) => {
      $('worker-error').textContent = text;
      $('worker-error').hidden = false; // (an edit meanwhile hid the previous message)
    };
    say(`The WebAssembly core stopped (${error.message}) and is being restarted. Your text and settings are kept.`);
    counted = null; // nothing the old instance made is reused
    try {
      await renewCore();
    } catch (failure) {
      say(`The WebAssembly core stopped (${error.message}) and could not be restarted (${messageOf(failure)}). `
        + 'Your text and settings are kept; reload the page to try again.');
      return;
    }
    if (again) {
      say(`The WebAssembly core stopped again (${error.message}) while counting this corpus, and was `
        + 'restarted. Your text and settings are kept; edit the corpus or reload the page to try again.');
      traps = 0;
      return;
    }
    say(`The WebAssembly core stopped (${error.message}) and was restarted. Your text and settings are kept.`);
    rebuild(); // the retry: the same text, counted by the fresh instance
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
      + `Mean loss on its own corpus ${four(model.loss())} (perplexity ${short(model.perplexity(), 2)}). `
      + `The model keeps ${short(model.heapBytes / 1024, 0)} KiB of memory, `
      + `${short(model.heapBytes / Math.max(1, model.distinctPairs), 0)} bytes per distinct n-gram.`;
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
    box.fill(state.corpus);
    smoothing.value = state.k;
    smoothingValue.textContent = `k = ${state.k}`;
    for (const [key, select] of Object.entries(selects)) select.value = state[key];
    merges.value = state.merges;
    showMerges(state.tok);
  }

  return {
    fill,
    rebuild,
    recover,
    recoverTrap,
    /** Takes a corpus from elsewhere (a link's, once the user chose it): the box first, then the model. */
    useCorpus(text) {
      box.fill(text);
      store.set({ corpus: text });
    },
    /** Sets order and k from elsewhere (the evaluation panel's "Apply best"): controls first, then the model. */
    apply({ order, k }) {
      selects.order.value = order;
      smoothing.value = k;
      store.set({ order, k });
    },
  };
}
