// The page's whole state as strings (exactly what the user typed), kept in the URL hash and in localStorage.
import { corpusTooLarge } from './limits.js';

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
// What a link (or the saved state) may hold in each key: the menus only their options, text at most so many
// characters. The page writes at most these into a link, and a link's value past them is ignored, not truncated.
const CHOICES = {
  order: ORDERS, tok: TOKENIZERS, bounds: BOUNDARIES, task: TASKS, label: ['positive', 'negative'],
  lmmode: ['typed', 'model'],
};
const SLIDERS = { k: [0, 5], p: [0.01, 0.99] };
// A corpus longer than this stays out of the link (browsers cap addresses near 2 MB, and encoding megabytes on every
// save would stall typing); it is kept in localStorage, and a link without a corpus takes the stored one.
export const LINK_MAX = 100000;
const LONG_TEXT = new Set(['corpus', 'val', 'seg', 'text', 'premise', 'hypothesis', 'a', 'b', 'context', 'answers']);
/** The most characters a link may carry in `key`. */
export const linkMax = (key) => (key === 'val' ? 500000 : LONG_TEXT.has(key) ? LINK_MAX : 1000);
/** A state part of the address longer than this is not read at all. */
export const HASH_MAX = 2000000;
const STORAGE_KEY = 'gpt1-playground/state';

/** A value as a notice quotes it: short, on one line. */
const quote = (value) => `“${value.length > 24 ? `${value.slice(0, 24)}…` : value}”`.replace(/\s+/g, ' ');

/** Why `value` cannot be `key`'s, or '' when it can. */
function invalid(key, value, max = linkMax(key)) {
  if (typeof value !== 'string') return `${key} is not text`;
  if (value.length > max) return `${key} is ${value.length.toLocaleString('en-US')} characters long, above the ${max.toLocaleString('en-US')} a link may carry`;
  const choices = CHOICES[key];
  if (choices && !choices.includes(value)) return `${key} ${quote(value)} is not one of ${choices.join(', ')}`;
  // the sliders can only hold numbers in their range (a typed field keeps any text, and says what is wrong)
  const range = SLIDERS[key];
  const number = value.trim() === '' ? NaN : Number(value);
  if (range && !(number >= range[0] && number <= range[1])) {
    return `${key} ${quote(value)} is not a number from ${range[0]} to ${range[1]}`;
  }
  return '';
}

/** Keeps only known keys whose values are valid, filling the rest from `base`. */
function complete(partial, base = DEFAULTS) {
  const state = { ...base };
  for (const key of Object.keys(DEFAULTS)) {
    if (Object.hasOwn(partial, key) && !invalid(key, partial[key], Infinity)) state[key] = partial[key];
  }
  return state;
}

/** application/x-www-form-urlencoded decoding that throws on bad percent-encoding (URLSearchParams would not say). */
const decode = (text) => decodeURIComponent(text.replace(/\+/g, ' '));

/**
 * What a link's hash says, field by field: { fields, problems }, where `fields` holds only the valid known keys and
 * `problems` says in plain words what was ignored. Null for a hash that is no state (empty, or an in-page anchor).
 */
export function readLink(hash = location.hash) {
  const raw = hash.replace(/^#/, '');
  if (!raw.includes('=')) return null;
  const fields = {};
  const problems = [];
  if (raw.length > HASH_MAX) {
    problems.push(`the link's settings are ${raw.length.toLocaleString('en-US')} characters long, above the ${HASH_MAX.toLocaleString('en-US')} the page reads`);
    return { fields, problems };
  }
  const unknown = [];
  const seen = new Set();
  const repeated = new Set();
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    let key;
    let value;
    try {
      key = decode(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decode(part.slice(eq + 1));
    } catch {
      problems.push(`${quote(part)} is not properly encoded`);
      continue;
    }
    if (!Object.hasOwn(DEFAULTS, key)) {
      unknown.push(quote(key));
      continue;
    }
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
    const why = invalid(key, value);
    if (why) problems.push(why);
    else fields[key] = value;
  }
  for (const key of repeated) {
    delete fields[key];
    problems.push(`${key} appears more than once`);
  }
  if (unknown.length) {
    const names = unknown.length > 5 ? `${unknown.slice(0, 5).join(', ')} and ${unknown.length - 5} more` : unknown.join(', ');
    problems.push(`unknown setting${unknown.length > 1 ? 's' : ''} ${names}`);
  }
  return { fields, problems };
}

/** The state saved in this browser, or null (none, storage disabled, or damaged). */
export function fromStorage() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return saved && typeof saved === 'object' && !Array.isArray(saved) ? complete(saved) : null;
  } catch {
    return null; // storage disabled or damaged: start from the lesson
  }
}

/**
 * A link applied over a state: { state, problems, question }. The link's valid fields replace the state's; its
 * corpus replaces a different saved one only after asking — `question` is then the link's corpus, and `state`
 * keeps the saved one until the user chooses.
 */
export function applyLink(base, link, saved) {
  const state = { ...base, ...link.fields };
  let question = null;
  if (Object.hasOwn(link.fields, 'corpus') && saved && link.fields.corpus !== base.corpus) {
    question = link.fields.corpus;
    state.corpus = base.corpus;
  }
  return { state, problems: link.problems, question };
}

/** What the page opens with: the saved state (else the lesson's) with a link's valid fields over it. */
export function load() {
  const stored = fromStorage();
  lastStoredCorpus = stored?.corpus ?? null;
  const base = stored ?? { ...DEFAULTS };
  const link = readLink();
  return link ? applyLink(base, link, stored !== null) : { state: base, problems: [], question: null };
}

/** The hash that reproduces `state` (everything after '#'; a value longer than a link may carry is left out). */
export function toHash(state) {
  const entries = Object.entries(state).filter(([key, value]) => value.length <= linkMax(key));
  return new URLSearchParams(entries).toString();
}

let lastStoredCorpus = null; // the corpus localStorage holds
let tooLong = Infinity; // a corpus this long or longer did not fit in localStorage
let reportStorage = () => {};

/** `fn(message)` hears when localStorage cannot keep the state (message) or can again (''). */
export function onStorageProblem(fn) { reportStorage = fn; }

/** Writes the state into the address bar (without a history entry) and into localStorage, now. */
function write(state) {
  try {
    history.replaceState(null, '', `#${toHash(state)}`);
  } catch {
    // a browser limiting replaceState: the next save tries again
  }
  const fits = state.corpus.length < tooLong && !corpusTooLarge(state.corpus);
  try {
    if (fits) {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
        lastStoredCorpus = state.corpus;
        reportStorage('');
        return;
      } catch (error) {
        if (error?.name !== 'QuotaExceededError') throw error;
        tooLong = state.corpus.length;
      }
    }
    // the corpus does not fit: keep the settings, with the last corpus that did
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...state, corpus: lastStoredCorpus ?? DEFAULTS.corpus }));
    reportStorage(`This corpus (${state.corpus.length.toLocaleString('en-US')} characters) is too large for this browser's `
      + 'storage: your settings are saved, but a reload brings back the last corpus that fitted. Keep a copy of it.');
  } catch {
    reportStorage('This browser does not let the page save anything (private mode, storage disabled or full): '
      + 'a reload starts over. Copy the link to keep your settings.');
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
globalThis.addEventListener?.('pagehide', flush); // (absent when the tests import DEFAULTS in Node)

/**
 * The shared store: state strings, the current model, and listeners told which keys changed. `keep(state)` saves
 * each edit: the page's goes into the URL hash and localStorage; a web component's widget passes one that keeps
 * nothing, so widgets never share or overwrite the page's saved state.
 */
export function createStore(initial, keep = save) {
  const listeners = [];
  const store = {
    state: { ...initial },
    model: null,
    subscribe(fn) { listeners.push(fn); },
    /** Applies a patch, saves it, and tells every listener which keys changed. */
    set(patch) {
      Object.assign(store.state, patch);
      keep(store.state);
      store.notify(new Set(Object.keys(patch)));
    },
    notify(changed) { for (const fn of listeners) fn(changed); },
  };
  return store;
}
