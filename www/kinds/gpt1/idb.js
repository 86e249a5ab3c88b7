// Part E's IndexedDB database, where a browser without the origin private file system keeps the weights: one store
// of chunks (keys 0, 1, 2, …, each a Blob the browser keeps on disk) and a few named records beside them.
import { GPT1_WEIGHTS_DB as DB } from '../../state/keys.js';

/** A request's result, once it succeeds. */
export const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

function openDb() {
  const request = indexedDB.open(DB, 1);
  request.onupgradeneeded = () => request.result.createObjectStore('chunks');
  return done(request);
}

/** One IndexedDB transaction over the chunks store: resolves with `work(store)`'s result once it commits. */
export async function transact(mode, work) {
  const db = await openDb();
  try {
    const tx = db.transaction('chunks', mode);
    const result = work(tx.objectStore('chunks'));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('the transaction was aborted'));
    });
    return result instanceof IDBRequest ? result.result : result;
  } finally {
    db.close();
  }
}

/** The chunks' keys: every whole number (the named records are strings). */
export const CHUNKS = () => IDBKeyRange.bound(0, Infinity);

/** Every chunk, in order, as Blobs. */
export const chunks = () => transact('readonly', (store) => store.getAll(CHUNKS()));

/** A named record (null when there is none). */
export const record = (name) => transact('readonly', (store) => store.get(name)).then((value) => value ?? null);
