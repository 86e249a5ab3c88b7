// GPT-1's compact int8 form in Part E's worker: which form a weights file holds (its header says), the compact file
// written into storage a slice at a time from the model (the core's writer: no more than one slice of it is held
// beside the model), and the requests that change the running model's form: compare it with its compact form on a
// text, or switch to the compact form, measuring the difference while the float32 model is still there.
import { startCopy } from './storage.js';

const SLICE = 8 * 1024 * 1024; // bytes of the compact file written to storage at a time
export const MAX_COMPARED = 256; // the most tokens of a text the two forms are compared on (≈ 25 s at GPT-1's size)

/**
 * What a safetensors file's first 8 + N bytes say of it: the form it holds ('int8' when its metadata says so, else
 * 'float32') and d, the width of its token embedding (null when the header does not say).
 */
export function headerFacts(header) {
  try {
    const json = JSON.parse(new TextDecoder().decode(header.subarray(8)));
    const embedding = json['tokens_embed.weight'] ?? json['transformer.tokens_embed.weight'];
    const d = Number.isSafeInteger(embedding?.shape?.[1]) ? embedding.shape[1] : null;
    return { form: json?.__metadata__?.form === 'int8' ? 'int8' : 'float32', d };
  } catch {
    return { form: 'float32', d: null }; // (the core says what is wrong with a header it cannot read)
  }
}

/** Whether a model of width `d` can be held in the compact form (it scales blocks of 32 inputs). */
export const compactable = (d) => d !== null && d % 32 === 0;

/**
 * Writes `gpt`'s file (the compact form's) into `storage` in place of what it keeps, with `record` (where the
 * weights came from, or null) beside it: `{ kept, problem, bytes }`.
 */
export async function keepCompact(gpt, storage, record) {
  const writer = gpt.safetensorsWriter();
  try {
    const copy = await startCopy(storage, writer.fileBytes, record);
    while (!writer.done && !copy.problem) await copy.write(writer.next(SLICE));
    return { kept: await copy.keep(), problem: copy.problem, bytes: writer.fileBytes };
  } finally {
    writer.free();
  }
}

/** What the core's agreement says, as the panel shows it: plain numbers. */
const figures = (a) => ({ positions: a.positions, top1: a.top1, meanKl: a.meanKl,
  maxLogitDifference: a.maxLogitDifference, meanLogitDifference: a.meanLogitDifference });

/**
 * The requests of the running model's form over `model`: `get()` the model (or an error saying none is loaded),
 * `replace(next, agreement)` runs `next` in its place (the old one freed) with its measured agreement, `ids(text)`
 * the ids compared (the continuation shown, else `text`'s), `store()` the browser's storage, `memory()` the
 * worker's memory in bytes, `summary()` the running model's sizes.
 */
export function formRequests(model) {
  return {
    /**
     * Makes the compact form of the running float32 model and compares the two on `text` (its first tokens):
     * `{ agreement, memoryBytes }`. With `keep`, the compact form runs from now on (the float32 model is let go)
     * and the answer is its summary, the agreement with it.
     */
    async compare({ text, keep }) {
      const float = model.get();
      if (float.form !== 'float32') throw new Error('the running model is already the compact form: the float32 model it could be compared with is not in memory');
      const ids = (await model.ids(text)).slice(0, Math.min(MAX_COMPARED, float.shape.context)); // (at most a context)
      if (!ids.length) throw new Error('the prompt has no tokens: type some text to compare the forms on');
      const compact = float.compact();
      let agreement;
      try {
        agreement = figures(float.agreement(compact, Uint32Array.from(ids)));
      } catch (error) {
        compact.free();
        throw error;
      }
      if (!keep) {
        compact.free();
        return { agreement, memoryBytes: model.memory() };
      }
      model.replace(compact, agreement);
      return model.summary();
    },

    /** Keeps the running compact model's file in storage in place of the float32 file kept: `{ kept, problem, bytes }`. */
    async keepCompact() {
      const gpt = model.get();
      if (gpt.form !== 'int8') throw new Error('the running model is float32: choose the compact form first');
      const storage = await model.store();
      const record = await storage?.record().catch(() => null);
      return { ...await keepCompact(gpt, storage, record && { ...record, form: 'int8' }), memoryBytes: model.memory() };
    },
  };
}
