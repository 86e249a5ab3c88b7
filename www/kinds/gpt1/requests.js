// Part E's requests, answered in its worker (gpt1-worker.js): read the weights file (or OpenAI's .npy pieces, read as
// one file: gpt1-npy.js) a chunk at a time into the core's streaming loader (keeping a copy in the browser's
// storage), then run GPT-1 — continue a prompt token by token, the next-token distribution, every head's
// attention, and Part B's input transformation with GPT-1's ids.
import { GPT1_FILES } from '../../assets/gpt.js';
import { GPT1_SPECIALS, gunzipText } from './tokenizer.js';
import { openStorage, startCopy } from './storage.js';
import { weightsSource } from './npy.js';

export const CHUNK = 8 * 1024 * 1024; // bytes read from the file at a time: JavaScript never holds more of it
export const MAX_HEADS_TOKENS = 24; // the longest prompt whose every head is drawn
const MB = 1024 * 1024;

/** A read that a newer one (or Stop) replaced: nothing of the newer one is dropped for it. */
class Stopped extends Error {}

const megabytes = (bytes) => `${(bytes / MB).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
const count = (n) => n.toLocaleString('en-US');

/** The model's sizes, as the panel shows them (`shape`: the core's `{ dModel, layers, heads, context, rows, … }`). */
function summary(gpt, TinyGpt) {
  const { dModel, layers, heads, context, rows } = gpt.shape;
  return { dModel, layers, heads, context, rows, parameters: Number(gpt.parameters),
    memoryBytes: typeof TinyGpt.memoryBytes === 'function' ? Number(TinyGpt.memoryBytes()) : null };
}

/** The table of requests over `api` (the transformer module's glue: TinyGpt and Gpt1Tokenizer). */
export function gpt1Requests({ TinyGpt, Gpt1Tokenizer }) {
  let storage = null; // Promise of the browser's storage (gpt1-storage.js), or of null
  let tokenizer = null; // Promise of the Gpt1Tokenizer
  let reading = null; // { source, offset, loader, copy } while a file is read
  let copying = null; // the copy of the file last read, until `keep` commits it
  let gpt = null;
  let run = null; // the decoder continuing the prompt
  let prompt = null; // the prompt's ids, and a decoder left after them (for ranks asked later)
  let attention = null; // { model, text, all }: every head's maps of the last prompt drawn

  const store = () => (storage ??= openStorage().catch(() => null));
  const tokens = () => (tokenizer ??= Promise.all([gunzipText(GPT1_FILES.encoder), gunzipText(GPT1_FILES.merges)])
    .then(([encoder, merges]) => new Gpt1Tokenizer(encoder, merges))
    .catch((error) => { tokenizer = null; throw error; }));

  function need() {
    if (!gpt) throw new Error('no weights are loaded: pick or drop the file first');
    return gpt;
  }

  /** A token as the page writes it: its piece as the released vocabulary spells it (a word's last piece ends in
   * `</w>`), or the special token's name. */
  function piece(bpe, id) {
    const special = id - bpe.size;
    if (special >= 0) return GPT1_SPECIALS[special] ?? `id ${id}`;
    return bpe.piece(id);
  }

  /** The top `k` of a decoder's next-token distribution, with each token's text. */
  function top(bpe, decoder, k) {
    const { ids, probabilities } = decoder.distribution(k);
    return Array.from(ids, (id, i) => ({ id, token: piece(bpe, id), p: probabilities[i] }));
  }

  /** Where `word`'s first token ranks after the prompt. */
  function rankOf(bpe, word) {
    const ids = bpe.encode(word);
    if (!ids.length) throw new Error('type a word to rank');
    prompt.rest ??= need().decoder(prompt.ids, {});
    return { id: ids[0], token: piece(bpe, ids[0]), pieces: ids.length, rank: prompt.rest.rank(ids[0]), of: need().shape.rows };
  }

  function freeRuns() {
    run?.free?.();
    prompt?.rest?.free?.();
    run = null;
    prompt = null;
  }

  /** Drops the file being read (and its partial copy) and any model. */
  async function abandon() {
    const was = reading;
    reading = null;
    was?.loader.free?.();
    await was?.copy?.drop();
    await copying?.drop();
    copying = null;
    freeRuns();
    gpt?.free?.();
    gpt = null;
  }

  /** Runs `work`; if it throws, the file being read is dropped (a bad file is never kept). */
  async function orAbandon(work) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof Stopped)) await abandon();
      throw error;
    }
  }

  return {
    /** Whether a copy of the weights is kept from an earlier visit: { bytes, where } or null. */
    async stored() {
      const storage = await store();
      const file = await storage?.read();
      return file ? { bytes: file.size, where: storage.where } : null;
    },

    /**
     * Starts reading `files` (what the user picked or dropped: one safetensors file, or OpenAI's ten .npy pieces
     * read as one, gpt1-npy.js), or the kept copy when `files` is null: the header is read and checked now; the
     * rest comes with `feed`. What is read from picked files is copied into storage as one safetensors file.
     */
    open({ files }) {
      return orAbandon(async () => {
        await abandon();
        tokens().catch(() => {}); // (loaded meanwhile; a failure is reported when it is needed)
        const kept = await store();
        const source = files ? await weightsSource(files) : await kept?.read();
        if (!source) throw new Error('no copy of the weights is kept in this browser any more: pick or drop the file');
        if (source.size < 8) throw new Error(`the file is ${count(source.size)} bytes long: a safetensors file starts with 8 bytes giving its header's length`);
        const headerLength = Number(TinyGpt.safetensorsHeaderLength(new Uint8Array(await source.slice(0, 8).arrayBuffer())));
        if (headerLength > source.size) {
          throw new Error(`the file says its header is ${count(headerLength)} bytes long, but the whole file is ${count(source.size)} bytes: it is cut short, or not a safetensors file`);
        }
        const header = new Uint8Array(await source.slice(0, headerLength).arrayBuffer());
        // (fileBytes: the core refuses a header that claims more than the file holds before allocating anything)
        const loader = TinyGpt.loadSafetensors(header, { fileBytes: source.size });
        reading = { source, offset: headerLength, loader, copy: null };
        const expected = Number(loader.expectBytes); // the whole file's size as its header describes it
        if (source.size < expected) {
          throw new Error(`the file is cut short: its header describes ${megabytes(expected)} of tensors and header, but the file has ${megabytes(source.size)} (${count(expected - source.size)} bytes missing)`);
        }
        if (source.size > expected) {
          throw new Error(`the file has ${count(source.size - expected)} bytes after the last tensor its header describes: it is not a safetensors file as written`);
        }
        if (files) {
          reading.copy = await startCopy(kept, source.size);
          await reading.copy.write(header);
        }
        return { bytes: source.size, stored: !files };
      });
    },

    /** Reads up to `bytes` more of the file into the loader; how far it got. */
    feed({ bytes }) {
      return orAbandon(async () => {
        const mine = reading;
        if (!mine) throw new Error('no file is being read');
        const end = Math.min(mine.source.size, mine.offset + bytes);
        const slice = (at) => mine.source.slice(at, Math.min(end, at + CHUNK)).arrayBuffer();
        let next = slice(mine.offset);
        while (mine.offset < end) {
          const chunk = new Uint8Array(await next);
          if (reading !== mine) throw new Stopped('the reading was stopped');
          const after = mine.offset + chunk.length;
          next = after < end ? slice(after) : null; // the next slice is read while this one is loaded and copied
          mine.loader.write(chunk);
          await mine.copy?.write(chunk);
          mine.offset = after;
        }
        return { read: mine.offset, bytes: mine.source.size, progress: Number(mine.loader.progress) };
      });
    },

    /** Makes the model from what was read; its sizes. The copy is committed by `keep`, after the first token. */
    finish() {
      return orAbandon(async () => {
        if (!reading) throw new Error('no file is being read');
        gpt = reading.loader.finish();
        copying = reading.copy;
        reading = null;
        return summary(gpt, TinyGpt);
      });
    },

    /** Commits the copy of the file just read: whether it is kept, and why not (a full quota, say). */
    async keep() {
      const copy = copying;
      copying = null;
      if (!copy) return { kept: false, problem: '' };
      return { kept: await copy.keep(), problem: copy.problem };
    },

    /** Stops reading (the partial copy is removed) and forgets the model. */
    cancel: abandon,

    /** Forgets the model and removes the kept copy. */
    async forget() {
      await abandon();
      await (await store())?.forget();
      return true;
    },

    /**
     * Starts continuing `text`: its ids and pieces, the top `top` of the next-token distribution after it, and
     * where `word` ranks (when one is given).
     */
    async start({ text, seed, temperature, topK, top: k, word }) {
      const model = need();
      const bpe = await tokens();
      const ids = bpe.encode(text);
      if (!ids.length) throw new Error('the prompt has no tokens: type some text');
      const { context } = model.shape;
      if (ids.length >= context) throw new Error(`the prompt is ${count(ids.length)} tokens long; GPT-1 sees at most ${count(context)}, and one more is needed for the next token`);
      freeRuns();
      run = model.decoder(ids, { seed, temperature, topK });
      prompt = { ids, rest: null, length: ids.length, context };
      const next = top(bpe, run, k);
      return { ids, tokens: Array.from(ids, (id) => piece(bpe, id)), next, rank: word ? rankOf(bpe, word) : null };
    },

    /** The next `count` tokens of the continuation (fewer at the end of the context). */
    async next({ count: n }) {
      if (!run) throw new Error('no prompt is being continued');
      const bpe = await tokens();
      const ids = [];
      while (ids.length < n && prompt.length < prompt.context) {
        ids.push(run.next());
        prompt.length += 1;
      }
      return { ids, tokens: ids.map((id) => piece(bpe, id)), full: prompt.length >= prompt.context };
    },

    /** Where `word`'s first token ranks in the distribution after the current prompt. */
    async rank({ word }) {
      if (!prompt) throw new Error('no prompt yet');
      return rankOf(await tokens(), word);
    },

    /** Every head's attention in `layer` over `text` (short): heads × T × T weights, one map after another. */
    async heads({ text, layer }) {
      const model = need();
      const bpe = await tokens();
      const ids = bpe.encode(text);
      if (!ids.length) throw new Error('the prompt has no tokens: type some text');
      if (ids.length > MAX_HEADS_TOKENS) throw new Error(`every head is drawn for prompts of up to ${MAX_HEADS_TOKENS} tokens; this one has ${ids.length}`);
      const H = model.shape.heads;
      const T = ids.length;
      // one forward pass gives every layer's heads; the grid asks layer by layer, so the last pass is kept
      if (attention?.model !== model || attention.text !== text) {
        attention = { model, text, all: model.attentionAll(ids) };
      }
      const maps = attention.all.slice(layer * H * T * T, (layer + 1) * H * T * T);
      return { tokens: Array.from(ids, (id) => piece(bpe, id)), maps };
    },

    /**
     * Part B's transformation with GPT-1's ids: `sequences` (lists of texts between the special tokens, as
     * `[[a], [b, c]]` = start a extract, start b delimiter c extract) and the final state at `_classify_` of each.
     */
    async transform({ sequences }) {
      const model = need();
      const bpe = await tokens();
      const [start, delimiter, classify] = Array.from(bpe.specialIds);
      return sequences.map((parts) => {
        const ids = [start];
        parts.forEach((part, i) => {
          if (i) ids.push(delimiter);
          ids.push(...bpe.encode(part));
        });
        ids.push(classify);
        let state = null;
        let problem = '';
        let note = '';
        try {
          if (model.shape.rows > classify) state = model.finalState(Uint32Array.from(ids));
          else {
            // the released file: no rows for the special tokens, which fine-tuning adds (train.py: N(0, 0.02))
            note = `This file has ${count(model.shape.rows)} token embeddings: _start_, _delimiter_ and _classify_ get theirs only when fine-tuning begins (OpenAI's train.py draws them at random), so there is no state at _classify_ yet. Shown instead: the final state at the last token of the text.`;
            state = model.finalState(Uint32Array.from(ids.filter((id) => id < start)));
          }
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
        return { ids, tokens: ids.map((id) => piece(bpe, id)), state, problem, note };
      });
    },
  };
}
