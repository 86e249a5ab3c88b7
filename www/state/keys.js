// Every name under which the page keeps something in this browser, in one place: localStorage's keys, and the
// databases and files that hold weights. A new thing kept gets its name here. (Also here, being that small: the mark
// that GPT-1's weights are kept, read by main.js and written by Part E's panel.)

/** localStorage keys. */
export const STORAGE_KEYS = Object.freeze({
  /** Parts A–C's fields, under the link's keys (state/saving.js). */
  state: 'gpt1-playground/state',
  /** Part D's fields, under their own names (state/saving.js). */
  gpt: 'gpt1-playground/gpt',
  /** Part E's fields, under their own names (state/saving.js). */
  gpt1: 'gpt1-playground/gpt1',
  /** Set while a copy of GPT-1's weights is kept: the page opens Part E's lab at once (main.js, parts/e/panel.js). */
  gpt1Kept: 'gpt1-playground/gpt1-kept',
  /** Presentation mode on ('1') or off (shell/toolbar.js). */
  presentation: 'gpt1-playground/presentation',
});

/** The IndexedDB database holding Part D's last weights (parts/d/weights-file.js). */
export const GPT_WEIGHTS_DB = 'gpt1-playground-weights';
/** GPT-1's kept weights: the IndexedDB database, and the file's name in the origin's private files (kinds/gpt1/storage.js). */
export const GPT1_WEIGHTS_DB = 'gpt1-playground-released-gpt1';
export const GPT1_WEIGHTS_FILE = 'gpt1-weights.safetensors';
/** Beside it: a downloaded file's provenance (the hub's commit and SHA-256 it was checked with, kinds/gpt1/storage.js). */
export const GPT1_WEIGHTS_RECORD = 'gpt1-weights.json';
/** A download under way and its record (kinds/gpt1/partial.js). */
export const GPT1_DOWNLOAD_FILE = 'gpt1-weights.download';
export const GPT1_DOWNLOAD_RECORD = 'gpt1-weights.download.json';

/** Whether a copy of GPT-1's weights is kept from an earlier visit (Part E's lab then opens at once). */
export function gpt1WeightsKept() {
  try {
    return Boolean(localStorage.getItem(STORAGE_KEYS.gpt1Kept));
  } catch {
    return false; // storage disabled (a sandboxed or third-party frame): nothing was kept
  }
}

/** Notes (true) or clears the mark that a copy of GPT-1's weights is kept; storage may be disabled. */
export function markGpt1WeightsKept(kept) {
  try {
    if (kept) localStorage.setItem(STORAGE_KEYS.gpt1Kept, '1');
    else localStorage.removeItem(STORAGE_KEYS.gpt1Kept);
  } catch {
    // the lab then simply does not open by itself
  }
}
