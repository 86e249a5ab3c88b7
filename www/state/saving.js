// Saving the page's state: Parts A–C's fields into the address bar (the link, without a history entry) and into
// localStorage, both in the link codec's form (link.js); the labs' (Parts D and E) into localStorage, each lab's
// under its own key and names. A burst of edits is saved at most every SAVE_GAP ms; a corpus too large for a link
// stays out of it, one too large for storage is reported and the last one that fitted kept; a link never
// overwrites the saved corpus without asking (link.js's applyLink).
import { corpusTooLarge } from './limits.js';
import { DEFAULTS, LAB_NAMES, complete } from './store.js';
import { STORAGE_KEYS } from './keys.js';
import { LINK_MAX, applyLink, decode, encode, readLink, toHash } from './link.js';

const STORAGE_KEY = STORAGE_KEYS.state;

/** A lab's fields as kept, under the lab's own names (as a JSON text, to tell when they changed). */
const labSaved = (lab, state) => JSON.stringify(Object.fromEntries(Object.entries(LAB_NAMES[lab])
  .map(([name, field]) => [name, state[field]])));
const lastLabSaved = {}; // lab → what localStorage holds of its fields

/** The labs' fields kept in this browser over `base` (only known names with valid values), else `base`'s. */
function labsFromStorage(base) {
  const partial = {};
  for (const [lab, names] of Object.entries(LAB_NAMES)) {
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(STORAGE_KEYS[lab]) ?? 'null');
    } catch {
      // storage disabled or damaged: the defaults
    }
    if (!saved || typeof saved !== 'object' || Array.isArray(saved)) continue;
    for (const [name, field] of Object.entries(names)) if (Object.hasOwn(saved, name)) partial[field] = saved[name];
  }
  const state = complete(partial, base);
  for (const lab of Object.keys(LAB_NAMES)) lastLabSaved[lab] = labSaved(lab, state);
  return state;
}

/** Parts A–C's state saved in this browser, or null (none, storage disabled, or damaged). */
export function fromStorage() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return saved && typeof saved === 'object' && !Array.isArray(saved) ? decode(saved, DEFAULTS) : null;
  } catch {
    return null; // storage disabled or damaged: start from the lesson
  }
}

/** What the page opens with: the saved state (else the lesson's) with a link's valid fields over it. */
export function load() {
  const stored = fromStorage();
  lastStoredCorpus = stored?.corpus ?? null;
  const base = labsFromStorage(stored ?? DEFAULTS);
  const link = readLink();
  return link ? applyLink(base, link, stored !== null) : { state: base, problems: [], question: null };
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
  writeLabs(state);
  const fits = state.corpus.length < tooLong && !corpusTooLarge(state.corpus);
  try {
    if (fits) {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(encode(state)));
        lastStoredCorpus = state.corpus;
        reportStorage('');
        return;
      } catch (error) {
        if (error?.name !== 'QuotaExceededError') throw error;
        tooLong = state.corpus.length;
      }
    }
    // the corpus does not fit: keep the settings, with the last corpus that did
    localStorage.setItem(STORAGE_KEY, JSON.stringify(encode({ ...state, corpus: lastStoredCorpus ?? DEFAULTS.corpus })));
    reportStorage(`This corpus (${state.corpus.length.toLocaleString('en-US')} characters) is too large for this browser's `
      + 'storage: your settings are saved, but a reload brings back the last corpus that fitted. Keep a copy of it.');
  } catch {
    reportStorage('This browser does not let the page save anything (private mode, storage disabled or full): '
      + 'a reload starts over. Copy the link to keep your settings.');
  }
}
/** Keeps each lab's fields, when they changed since they were last read or kept. */
function writeLabs(state) {
  for (const lab of Object.keys(LAB_NAMES)) {
    const saved = labSaved(lab, state);
    if (saved === lastLabSaved[lab]) continue;
    try {
      localStorage.setItem(STORAGE_KEYS[lab], saved);
      lastLabSaved[lab] = saved;
    } catch {
      // storage full or disabled: the write of Parts A–C's fields reports it; a reload starts the lab from its defaults
    }
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
globalThis.addEventListener?.('pagehide', flush); // (absent when the modules are imported in Node)
