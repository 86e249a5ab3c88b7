// Reading a weights file the user gave (one safetensors file, or OpenAI's ten .npy pieces read as one: npy.js), or
// the copy kept in storage, a chunk at a time into the core's streaming loader (in Part E's worker). What is read
// from the user's files is copied into storage as it is read (storage.js). A download (download.js) is a reader
// of the same shape: `bytes`, `pump`, `finish`, `copy`, `stop`, and `holds` (the form the file holds) and
// `quantizing` (whether it is being made compact as it is read).
import { startCopy } from './storage.js';
import { weightsSource } from './npy.js';
import { compactable, headerFacts } from './compact.js';

export const CHUNK = 8 * 1024 * 1024; // bytes read from the file at a time: JavaScript never holds more of it
const MB = 1e6;

/** A read that a newer one (or Stop) replaced: nothing of the newer one is dropped for it. */
export class Stopped extends Error {}

export const megabytes = (bytes) => `${(bytes / MB).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
export const count = (n) => n.toLocaleString('en-US');

/**
 * Checks that a safetensors header `8 + N` bytes long, describing `expected` bytes in all, fits a file of `size`
 * bytes (`what` names the file in the message).
 */
function checkSize(expected, size, what = 'the file') {
  if (size < expected) {
    throw new Error(`${what} is cut short: its header describes ${megabytes(expected)} of tensors and header, but ${what} has ${megabytes(size)} (${count(expected - size)} bytes missing)`);
  }
  if (size > expected) {
    throw new Error(`${what} has ${count(size - expected)} bytes after the last tensor its header describes: it is not a safetensors file as written`);
  }
}

/** The first 8 + N bytes of `source` (a Blob): its safetensors header, its length checked against the file's. */
export async function readHeader(source, TinyGpt) {
  if (source.size < 8) throw new Error(`the file is ${count(source.size)} bytes long: a safetensors file starts with 8 bytes giving its header's length`);
  const headerLength = Number(TinyGpt.safetensorsHeaderLength(new Uint8Array(await source.slice(0, 8).arrayBuffer())));
  if (headerLength > source.size) {
    throw new Error(`the file says its header is ${count(headerLength)} bytes long, but the whole file is ${count(source.size)} bytes: it is cut short, or not a safetensors file`);
  }
  return new Uint8Array(await source.slice(0, headerLength).arrayBuffer());
}

/**
 * The loader of a file whose header is `header` and size `fileBytes`, for a model in `form` ('int8': a float32
 * file is quantized as it is read, when its d is a multiple of 32; otherwise, and for a compact file, the file is
 * read in its own form): the loader, the form the file holds, and whether it is quantized.
 */
export function loaderFor(TinyGpt, header, fileBytes, form) {
  const { form: holds, d } = headerFacts(header);
  const quantizing = holds === 'float32' && form === 'int8' && compactable(d);
  // (fileBytes: the core refuses a header that claims more than the file holds before allocating anything)
  const loader = TinyGpt.loadSafetensors(header, { fileBytes, form: quantizing ? 'int8' : undefined });
  return { loader, holds, quantizing };
}

/**
 * Opens `files` (null: the copy kept in `storage`) for a model in `form`: the header is read and checked now, the
 * loader made; the rest comes with `pump`. A float32 file the user gives is copied into storage as it is read,
 * unless it is quantized (the compact file is kept instead, compact.js).
 */
export async function openFile({ files, storage, TinyGpt, form }) {
  const source = files ? await weightsSource(files) : await storage?.read();
  if (!source) throw new Error('no copy of the weights is kept in this browser any more: pick or drop the file');
  const header = await readHeader(source, TinyGpt);
  const { loader, holds, quantizing } = loaderFor(TinyGpt, header, source.size, form);
  const reader = { bytes: source.size, offset: header.length, copy: null, stopped: false, holds, quantizing, fromStorage: !files };
  try {
    checkSize(Number(loader.expectBytes), source.size);
    if (files && !quantizing) {
      reader.copy = await startCopy(storage, source.size);
      await reader.copy.write(header);
    }
  } catch (error) {
    loader.free?.();
    await reader.copy?.drop();
    throw error;
  }
  const provenance = files ? null : await storage.record?.().catch(() => null);

  return Object.assign(reader, {
    summary: { bytes: source.size, stored: !files },

    /** Reads up to `bytes` more of the file into the loader (and the copy); how far it got. */
    async pump({ bytes }) {
      const end = Math.min(source.size, reader.offset + bytes);
      const slice = (at) => source.slice(at, Math.min(end, at + CHUNK)).arrayBuffer();
      let next = slice(reader.offset);
      while (reader.offset < end) {
        const chunk = new Uint8Array(await next);
        if (reader.stopped) throw new Stopped('the reading was stopped');
        const after = reader.offset + chunk.length;
        next = after < end ? slice(after) : null; // the next slice is read while this one is loaded and copied
        loader.write(chunk);
        await reader.copy?.write(chunk);
        reader.offset = after;
      }
      return { read: reader.offset, bytes: source.size, progress: Number(loader.progress) };
    },

    /** The model, from every byte read; where the file came from (a kept download's record), or null. */
    async finish() {
      return { gpt: loader.finish(), provenance };
    },

    /** Ends the reading: the loader is freed and a partial copy removed. */
    async stop() {
      reader.stopped = true;
      loader.free?.();
      await reader.copy?.drop();
    },
  });
}
