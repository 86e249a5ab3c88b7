// The page's whole state as strings (exactly what the user typed), kept in the URL hash and in localStorage.

export const LESSON_CORPUS = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';

export const DEFAULTS = Object.freeze({
  corpus: LESSON_CORPUS,
  k: '1',
  order: '2',
  tok: 'word',
  bounds: 'lines',
  merges: '100',
  seg: 'chaiwala chai garam hai',
  val: 'chai bahut acha\nchai garam hai',
  seed: '42',
  len: '6',
  t: '1',
  topk: '0',
  task: 'classification',
  text: 'chai bahut garam hai',
  premise: 'chai bahut garam hai',
  hypothesis: 'chai acha hai',
  a: 'chai acha hai',
  b: 'chai bahut acha hai',
  context: 'chai bahut',
  answers: 'garam hai\nacha hai',
  p: '0.72',
  label: 'positive',
  lambda: '0.5',
  lm: '1.5',
  lmmode: 'typed',
});

export const TASKS = ['classification', 'entailment', 'similarity', 'multipleChoice'];
export const ORDERS = ['1', '2', '3', '4', '5', '6'];
export const TOKENIZERS = ['word', 'char', 'bpe'];
export const BOUNDARIES = ['lines', 'stream'];
const STORAGE_KEY = 'gpt1-playground/state';

/** Keeps only known keys with string values, filling the rest from the defaults. */
function complete(partial) {
  const state = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    if (typeof partial[key] === 'string') state[key] = partial[key];
  }
  if (!TASKS.includes(state.task)) state.task = DEFAULTS.task;
  if (!['positive', 'negative'].includes(state.label)) state.label = DEFAULTS.label;
  if (!['typed', 'model'].includes(state.lmmode)) state.lmmode = DEFAULTS.lmmode;
  // the choices made with menus can only hold their options; typed fields keep whatever was typed
  if (!ORDERS.includes(state.order)) state.order = DEFAULTS.order;
  if (!TOKENIZERS.includes(state.tok)) state.tok = DEFAULTS.tok;
  if (!BOUNDARIES.includes(state.bounds)) state.bounds = DEFAULTS.bounds;
  return state;
}

/** The state a link carries, or null when its hash holds none. */
export function fromHash(hash = location.hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const found = {};
  for (const key of Object.keys(DEFAULTS)) if (params.has(key)) found[key] = params.get(key);
  return Object.keys(found).length ? complete(found) : null;
}

function fromStorage() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return saved && typeof saved === 'object' ? complete(saved) : null;
  } catch {
    return null; // storage disabled or damaged: start from the lesson
  }
}

// A corpus longer than this stays out of the link (browsers cap addresses near 2 MB, and encoding megabytes on every
// save would stall typing); it is kept in localStorage, and a link without a corpus takes the stored one.
export const LINK_MAX = 100000;

/** A link's state first, else the last session's, else the lesson's. */
export function load() {
  const linked = fromHash();
  const stored = fromStorage();
  if (linked && !new URLSearchParams(location.hash.replace(/^#/, '')).has('corpus') && stored) linked.corpus = stored.corpus;
  return linked ?? stored ?? { ...DEFAULTS };
}

/** The hash that reproduces `state` (everything after '#'; a corpus over LINK_MAX characters is left out). */
export function toHash(state) {
  const entries = Object.entries(state).filter(([key, value]) => key !== 'corpus' || value.length <= LINK_MAX);
  return new URLSearchParams(entries).toString();
}

/** Writes the state into the address bar (without a history entry) and into localStorage, now. */
function write(state) {
  try {
    history.replaceState(null, '', `#${toHash(state)}`);
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // private mode, full storage or a browser limiting replaceState: the next save tries again
  }
}

// Browsers limit how often replaceState may be called (Safari throws past 100 calls in 30 s), so a burst of
// keystrokes is saved at most every SAVE_GAP ms: the first edit at once, the last one when the burst ends.
const SAVE_GAP = 350;
let lastSave = 0;
let timer = 0;
let latest = null;

/** Saves the state, at most every SAVE_GAP ms; the latest state always ends up saved. */
export function save(state) {
  latest = state;
  // megabytes of text take tens of milliseconds to store: save them less often
  const gap = state.corpus.length > LINK_MAX ? 10 * SAVE_GAP : SAVE_GAP;
  const wait = lastSave + gap - Date.now();
  if (wait <= 0 && !timer) {
    flush();
  } else if (!timer) {
    timer = setTimeout(flush, Math.max(0, wait));
  }
}

/** Writes any pending state immediately (before copying the link, or when the page is left). */
export function flush() {
  clearTimeout(timer);
  timer = 0;
  if (!latest) return;
  write(latest);
  latest = null;
  lastSave = Date.now();
}
addEventListener('pagehide', flush);

/** The shared store: state strings, the current model, and listeners told which keys changed. */
export function createStore(initial) {
  const listeners = [];
  const store = {
    state: { ...initial },
    model: null,
    subscribe(fn) { listeners.push(fn); },
    /** Applies a patch, saves it, and tells every listener which keys changed. */
    set(patch) {
      Object.assign(store.state, patch);
      save(store.state);
      store.notify(new Set(Object.keys(patch)));
    },
    notify(changed) { for (const fn of listeners) fn(changed); },
  };
  return store;
}
