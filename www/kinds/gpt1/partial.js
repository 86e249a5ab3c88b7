// A download under way, kept as it arrives so that a dropped connection, a closed tab or a reload goes on from where
// it stopped: the bytes so far and, beside them, the record of what they must become (the commit, SHA-256 and size
// the hub gave). In the origin private file system the bytes are written in place through a sync access handle (a
// dedicated worker's: each write is in the file when it returns, so a closed tab or a reload loses nothing written);
// in IndexedDB as chunks of 8 MB. Either way a finished download becomes the kept file
// (storage.js) by a move, not a copy held in JavaScript.
import { GPT1_DOWNLOAD_FILE as PART, GPT1_DOWNLOAD_RECORD as PART_RECORD } from '../../state/keys.js';
import { CHUNKS, chunks, record as idbRecord, transact } from './idb.js';

const FLUSH = 64 * 1024 * 1024; // bytes written between two flushes to disk (what a power cut could lose)
const CHUNK = 8 * 1024 * 1024; // IndexedDB's records

/** A JSON file of the OPFS directory `dir`, or null. */
export async function readJson(dir, name) {
  try {
    return JSON.parse(await (await (await dir.getFileHandle(name)).getFile()).text());
  } catch {
    return null;
  }
}

/** Writes `value` as the JSON file `name` of `dir`. */
export async function writeJson(dir, name, value) {
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await writable.write(JSON.stringify(value));
  await writable.close();
}

/** Removes a file of `dir`, if it is there. */
export const remove = (dir, name) => dir.removeEntry(name).catch((error) => { if (error?.name !== 'NotFoundError') throw error; });

/** Moves the file `handle` of `dir` to `name` (copied on disk, by streams, where a browser cannot move it). */
async function move(dir, handle, from, name) {
  await remove(dir, name);
  if (typeof handle.move === 'function') return handle.move(name);
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await (await handle.getFile()).stream().pipeTo(writable);
  return remove(dir, from);
}

/** The partial download in the OPFS directory `dir`; `kept` names the kept file and its record ({ name, record }). */
export function opfsPartial(dir, kept) {
  const drop = async () => {
    await remove(dir, PART);
    await remove(dir, PART_RECORD);
  };
  return {
    /** The download kept so far, { record, bytes }, or null. */
    async inspect() {
      const record = await readJson(dir, PART_RECORD);
      if (!record) return null;
      try {
        return { record, bytes: (await (await dir.getFileHandle(PART)).getFile()).size };
      } catch {
        return { record, bytes: 0 };
      }
    },

    /** Opens the download for writing: a new one for `record` (any other removed), or (null) the one kept. */
    async open(record) {
      if (record) {
        await drop();
        await writeJson(dir, PART_RECORD, record);
      } else if (!(record = await readJson(dir, PART_RECORD))) return null;
      const handle = await dir.getFileHandle(PART, { create: true });
      if (typeof handle.createSyncAccessHandle !== 'function') {
        throw new Error('this browser cannot write a download into its storage as it arrives');
      }
      const access = await handle.createSyncAccessHandle();
      let size = access.getSize();
      let unflushed = 0;
      let open = true;
      const close = () => {
        if (!open) return;
        open = false;
        access.flush();
        access.close();
      };
      return {
        record,
        get bytes() { return size; },
        read(at, length) {
          const buffer = new Uint8Array(length);
          return buffer.subarray(0, access.read(buffer, { at }));
        },
        write(chunk) {
          access.write(chunk, { at: size });
          size += chunk.length;
          unflushed += chunk.length;
          if (unflushed >= FLUSH) {
            access.flush();
            unflushed = 0;
          }
        },
        restart() {
          access.truncate(0);
          size = 0;
        },
        close,
        async commit(provenance) {
          close();
          await move(dir, handle, PART, kept.name);
          await writeJson(dir, kept.record, provenance);
          await remove(dir, PART_RECORD);
        },
        async drop() {
          close();
          await drop();
        },
      };
    },
    drop,
  };
}

/** The partial download in IndexedDB: chunks 0, 1, … with no 'complete' count, and its record under 'download'. */
export function idbPartial() {
  const drop = () => transact('readwrite', (store) => store.clear());
  return {
    async inspect() {
      const record = await idbRecord('download');
      return record ? { record, bytes: (await chunks()).reduce((sum, blob) => sum + blob.size, 0) } : null;
    },

    async open(record) {
      if (record) await transact('readwrite', (store) => { store.clear(); store.put(record, 'download'); });
      else if (!(record = await idbRecord('download'))) return null;
      const blobs = await chunks(); // (none for a new download)
      let stored = new Blob(blobs);
      let next = blobs.length;
      let size = stored.size;
      let pending = [];
      let pendingBytes = 0;
      const put = async () => {
        if (!pendingBytes) return;
        const blob = new Blob(pending);
        const key = next++;
        pending = [];
        pendingBytes = 0;
        await transact('readwrite', (store) => store.put(blob, key));
      };
      return {
        record,
        get bytes() { return size; },
        async read(at, length) { return new Uint8Array(await stored.slice(at, at + length).arrayBuffer()); },
        async write(chunk) {
          pending.push(chunk.slice());
          pendingBytes += chunk.length;
          size += chunk.length;
          if (pendingBytes >= CHUNK) await put();
        },
        async restart() {
          pending = [];
          pendingBytes = 0;
          size = 0;
          next = 0;
          stored = new Blob([]);
          await transact('readwrite', (store) => store.delete(CHUNKS()));
        },
        close: put,
        async commit(provenance) {
          await put();
          await transact('readwrite', (store) => {
            store.put(next, 'complete');
            store.put(provenance, 'record');
            store.delete('download');
          });
        },
        async drop() {
          pending = [];
          await drop();
        },
      };
    },
    drop,
  };
}
