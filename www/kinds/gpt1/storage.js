// Where Part E keeps the weights file between visits (in its worker): the origin private file system (OPFS), or,
// in a browser without it, IndexedDB (one record per chunk, each a Blob the browser keeps on disk). Either way the
// file is read back as a Blob, sliced a chunk at a time: it is never held whole in JavaScript memory.
import { GPT1_WEIGHTS_DB as DB, GPT1_WEIGHTS_FILE as NAME } from '../../state/keys.js';

const MB = 1_000_000; // the page's megabyte, as the core's messages and Hugging Face count it

/** What to say when the browser will not keep `bytes`: the quota, in MB. */
const quotaMessage = (bytes, free) => `the browser lets this page keep ${Math.floor(free / MB).toLocaleString('en-US')} MB more, and the file is ${Math.ceil(bytes / MB).toLocaleString('en-US')} MB`;

/** Whether `error` is the browser saying its storage is full. */
const isQuota = (error) => error?.name === 'QuotaExceededError' || /quota/i.test(String(error?.message));

// — OPFS —

async function opfsDirectory() {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return null;
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null; // (e.g. a private window that refuses it)
  }
}

const opfs = (dir) => ({
  where: 'the browser\'s private file system (OPFS)',
  async read() {
    try {
      const file = await (await dir.getFileHandle(NAME)).getFile();
      return file.size ? file : null;
    } catch {
      return null;
    }
  },
  async writer() {
    const handle = await dir.getFileHandle(NAME, { create: true });
    const writable = await handle.createWritable(); // written to a scratch file, moved into place by close()
    return {
      write: (chunk) => writable.write(chunk),
      close: () => writable.close(),
      abort: async () => {
        await writable.abort().catch(() => {});
        await dir.removeEntry(NAME).catch(() => {});
      },
    };
  },
  forget: () => dir.removeEntry(NAME).catch((error) => { if (error?.name !== 'NotFoundError') throw error; }),
});

// — IndexedDB —

const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

function openDb() {
  const request = indexedDB.open(DB, 1);
  request.onupgradeneeded = () => request.result.createObjectStore('chunks');
  return done(request);
}

/** One IndexedDB transaction over the chunks store: resolves with `work(store)`'s result once it commits. */
async function transact(mode, work) {
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

const indexedDb = () => ({
  where: 'the browser\'s IndexedDB',
  async read() {
    // key 'complete' marks a whole file; the chunks are keys 0, 1, 2, …
    const [complete, chunks] = await transact('readonly', (store) => [store.get('complete'), store.getAll(IDBKeyRange.bound(0, Infinity))])
      .then(([a, b]) => [a.result, b.result]);
    return complete && chunks.length === complete ? new Blob(chunks) : null;
  },
  async writer() {
    await this.forget();
    let next = 0;
    return {
      write: (chunk) => transact('readwrite', (store) => store.put(new Blob([chunk]), next++)),
      close: () => transact('readwrite', (store) => store.put(next, 'complete')),
      abort: () => this.forget(),
    };
  },
  forget: () => transact('readwrite', (store) => store.clear()),
});

/** The storage this browser offers (OPFS first), or null when it offers none. */
export async function openStorage() {
  const dir = await opfsDirectory();
  if (dir) return opfs(dir);
  if (typeof indexedDB !== 'undefined') return indexedDb();
  return null;
}

/**
 * A copy of a file being read, kept as it is read: `write(chunk)` never throws (a full quota stops the copy and is
 * remembered in `problem`), `keep()` commits a complete copy, `drop()` removes a partial one.
 */
export async function startCopy(storage, bytes) {
  const copy = { problem: '', writer: null };
  if (!storage) {
    copy.problem = 'this browser offers this page no storage, so the file will be asked for again after a reload';
    return wrap(copy);
  }
  try {
    const { quota, usage = 0 } = (await globalThis.navigator?.storage?.estimate?.()) ?? {};
    if (quota !== undefined && quota - usage < bytes) {
      copy.problem = `not kept for the next visit: ${quotaMessage(bytes, quota - usage)}`;
      return wrap(copy);
    }
    copy.writer = await storage.writer();
  } catch (error) {
    copy.problem = failure(error);
  }
  return wrap(copy);
}

/** Why a copy stopped, in words. */
const failure = (error) => `not kept for the next visit: ${isQuota(error) ? 'the browser\'s storage for this page is full' : error?.message ?? error}`;

function wrap(copy) {
  const stop = async (problem) => {
    copy.problem ||= problem;
    const writer = copy.writer;
    copy.writer = null;
    await writer?.abort().catch(() => {});
  };
  return {
    get problem() { return copy.problem; },
    async write(chunk) {
      if (!copy.writer) return;
      try {
        await copy.writer.write(chunk);
      } catch (error) {
        await stop(failure(error));
      }
    },
    async keep() {
      if (!copy.writer) return false;
      try {
        await copy.writer.close();
        copy.writer = null;
        return true;
      } catch (error) {
        await stop(failure(error));
        return false;
      }
    },
    drop: () => stop(''),
  };
}
