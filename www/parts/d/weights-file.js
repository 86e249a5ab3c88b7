// Part D's weights file: *Download weights* (a .safetensors file made in the page, no request), *Load weights* (a
// file picker, or a file dropped on the control), and the last weights kept in IndexedDB so both survive a reload.
// The bytes are whatever TinyGpt.toSafetensors() wrote; TinyGpt.fromSafetensors() checks them.
import { el } from '../../drawing/dom.js';
import { GPT_WEIGHTS_DB as DB } from '../../state/keys.js';

/** The largest file accepted: GPT-1's own weights (479 MB in f32, a megabyte being 1,000,000 bytes) and some room. */
export const MAX_WEIGHTS_BYTES = 600_000_000;

const STORE = 'weights';
const KEY = 'last';

/** A file name that says what the model is: `tiny-gpt-post-d32-2x4-ctx16.safetensors`. */
export function weightsFileName({ norm, dModel, layers, heads, context }) {
  return `tiny-gpt-${norm}-d${dModel}-${layers}x${heads}-ctx${context}.safetensors`;
}

/** Why a chosen file cannot be weights (`null` when it may be): too large, empty. The loader checks the rest. */
export function weightsFileProblem({ name, size }) {
  if (size === 0) return `${name} is empty: choose a .safetensors file saved with Download weights`;
  if (size > MAX_WEIGHTS_BYTES) {
    return `${name} is ${(size / 1e6).toFixed(0)} MB, above the limit of ${MAX_WEIGHTS_BYTES / 1e6} MB`;
  }
  return null;
}

/** Offers `bytes` as a download named `name` (a Blob URL: nothing leaves the page). */
export function downloadBytes(bytes, name, doc = document) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = el('a', { href: url, download: name, hidden: true });
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Reads a chosen or dropped File as bytes, after the size checks. */
export async function readWeightsFile(file) {
  const problem = weightsFileProblem(file);
  if (problem) throw new Error(problem);
  return new Uint8Array(await file.arrayBuffer());
}

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('the browser refused to store the weights'));
    });
  } finally {
    db.close();
  }
}

/** Keeps `bytes` (and where they came from) so that a reload can bring the model back. */
export function saveWeights(bytes, source) {
  return transact('readwrite', (store) => store.put({ bytes, source, saved: Date.now() }, KEY));
}

/** The last saved weights, `{ bytes, source, saved }`, or null. */
export async function loadSavedWeights() {
  return (await transact('readonly', (store) => store.get(KEY))) ?? null;
}

/** Forgets the saved weights. */
export function forgetWeights() {
  return transact('readwrite', (store) => store.delete(KEY));
}

/**
 * The two controls: *Download weights* (asks `getBytes()` for the file, which may answer with a Promise, and
 * `getName()` for its name) and *Load weights* (a picker; a file dropped on the control works too). `onLoad(bytes,
 * name)` receives a chosen file's bytes; `onError(message)` a problem with either.
 */
export function weightsControls({ getBytes, getName, onLoad, onError }) {
  const input = el('input', { type: 'file', accept: '.safetensors,application/octet-stream', hidden: true, id: 'gpt-weights-file' });
  const take = async (file) => {
    if (!file) return;
    try {
      await onLoad(await readWeightsFile(file), file.name);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    }
  };
  input.addEventListener('change', () => {
    take(input.files?.[0]);
    input.value = '';
  });
  const download = el('button', { type: 'button', id: 'gpt-download-weights', text: 'Download weights' });
  download.addEventListener('click', async () => {
    try {
      downloadBytes(await getBytes(), getName());
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    }
  });
  const load = el('button', { type: 'button', id: 'gpt-load-weights', text: 'Load weights…' });
  load.addEventListener('click', () => input.click());
  const zone = el('div', { class: 'weights-controls inline', 'aria-label': 'Weights file: download, or load one (a file dropped here works too)' }, download, load, input);
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dropping');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dropping'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dropping');
    take(event.dataTransfer?.files?.[0]);
  });
  return zone;
}
