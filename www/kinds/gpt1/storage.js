// Where Part E keeps the weights file between visits (in its worker): the origin private file system (OPFS), or,
// in a browser without it, IndexedDB (one record per chunk, each a Blob the browser keeps on disk, idb.js). Either
// way the file is read back as a Blob, sliced a chunk at a time: it is never held whole in JavaScript memory. The
// kept file is in either form: float32 as given, or the compact int8 form made from it (compact.js). Beside the kept
// file: where it came from, when it is a checked download (its record), and a download under way
// (partial.js), which becomes the kept file once it is complete and checked (IndexedDB, which holds one file's
// chunks, lets the kept file go when a new download begins); a file the user gives removes a download under way.
import { GPT1_WEIGHTS_FILE as NAME, GPT1_WEIGHTS_RECORD as RECORD } from '../../state/keys.js';
import { chunks, record as idbRecord, transact } from './idb.js';
import { idbPartial, opfsPartial, readJson, remove, writeJson } from './partial.js';

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
  partial: opfsPartial(dir, { name: NAME, record: RECORD }),
  /** Where the kept file came from (a download's record), or null (a file the user gave). */
  record: () => readJson(dir, RECORD),
  async read() {
    try {
      const file = await (await dir.getFileHandle(NAME)).getFile();
      return file.size ? file : null;
    } catch {
      return null;
    }
  },
  async writer(record) {
    // (the user's file replaces a download's record, and a download under way: it is the weights now)
    await remove(dir, RECORD);
    await this.partial.drop();
    const handle = await dir.getFileHandle(NAME, { create: true });
    const writable = await handle.createWritable(); // written to a scratch file, moved into place by close()
    return {
      write: (chunk) => writable.write(chunk),
      close: async () => {
        await writable.close();
        if (record) await writeJson(dir, RECORD, record);
      },
      abort: async () => {
        await writable.abort().catch(() => {});
        await dir.removeEntry(NAME).catch(() => {});
      },
    };
  },
  async forget() {
    await remove(dir, NAME);
    await remove(dir, RECORD);
    await this.partial.drop();
  },
});

// — IndexedDB —

const indexedDb = () => ({
  where: 'the browser\'s IndexedDB',
  partial: idbPartial(),
  record: () => idbRecord('record'),
  async read() {
    // key 'complete' marks a whole file; the chunks are keys 0, 1, 2, …
    const [complete, blobs] = await Promise.all([idbRecord('complete'), chunks()]);
    return complete && blobs.length === complete ? new Blob(blobs) : null;
  },
  async writer(record) {
    await this.forget(); // (the record and any download under way with it)
    let next = 0;
    return {
      write: (chunk) => transact('readwrite', (store) => store.put(new Blob([chunk]), next++)),
      close: () => transact('readwrite', (store) => {
        store.put(next, 'complete');
        if (record) store.put(record, 'record');
      }),
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
 * A copy of a file being read (or written: the compact form's), kept as it comes: `write(chunk)` never throws (a full
 * quota stops the copy and is remembered in `problem`), `keep()` commits a complete copy, with `record` (where it
 * came from, or null) beside it, and `drop()` removes a partial one.
 */
export async function startCopy(storage, bytes, record = null) {
  const copy = { problem: '', writer: null };
  if (!storage) {
    copy.problem = 'this browser offers this page no storage, so the file will be asked for again after a reload';
    return wrap(copy);
  }
  try {
    const full = await noRoomFor(bytes);
    if (full) {
      copy.problem = `not kept for the next visit: ${full}`;
      return wrap(copy);
    }
    copy.writer = await storage.writer(record);
  } catch (error) {
    copy.problem = failure(error);
  }
  return wrap(copy);
}

/** Why the browser will not keep `bytes` more (its quota, in MB), or '' when it has the room or will not say. */
export async function noRoomFor(bytes) {
  const { quota, usage = 0 } = (await globalThis.navigator?.storage?.estimate?.()) ?? {};
  return quota !== undefined && quota - usage < bytes ? quotaMessage(bytes, quota - usage) : '';
}

/** Why a copy stopped, in words. */
export const failure = (error) => `not kept for the next visit: ${isQuota(error) ? 'the browser\'s storage for this page is full' : error?.message ?? error}`;

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
