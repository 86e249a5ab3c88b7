// GPT-1's requests, answered in its worker (worker.js): GPT-1's tokenizer for Parts A and B (tokenizer-requests.js),
// and Part E's: read the weights — the user's file or OpenAI's .npy pieces (reader.js), or a download from the hub
// (download.js) — a chunk at a time into the core's streaming loader, keeping a copy in the browser's storage, then
// run GPT-1: continue a prompt token by token, the next-token distribution, every head's attention, Part B's
// input transformation with GPT-1's ids, and the paper's experiments on it (experiments.js). The model runs in
// float32 or the compact int8 form (compact.js).
import { buildGpt1Tokenizer, pieceOf as piece, taskIds } from './tokenizer.js';
import { tokenizerRequests } from './tokenizer-requests.js';
import { openStorage } from './storage.js';
import { Stopped, count, openFile, readHeader } from './reader.js';
import { openDownload } from './download.js';
import { experimentRequests } from './experiments.js';
import { formRequests, headerFacts, keepCompact } from './compact.js';

export const MAX_HEADS_TOKENS = 24; // the longest prompt whose every head is drawn

/** The worker's WebAssembly memory in bytes (null where the module cannot say). */
const memory = (TinyGpt) => (typeof TinyGpt.memoryBytes === 'function' ? Number(TinyGpt.memoryBytes()) : null);

/**
 * The model's sizes, as the panel shows them (`shape`: the core's `{ dModel, layers, heads, context, rows, … }`), its
 * form, and its agreement with the float32 model it was made from where that was measured (else null).
 */
function summary(gpt, TinyGpt, agreement = null) {
  const { dModel, layers, heads, context, rows } = gpt.shape;
  return { dModel, layers, heads, context, rows, parameters: Number(gpt.parameters), form: gpt.form, agreement,
    memoryBytes: memory(TinyGpt) };
}

/** The table of requests over `api` (the transformer module's glue: TinyGpt, Gpt1Tokenizer and FileHash). */
export function gpt1Requests({ TinyGpt, Gpt1Tokenizer, FileHash }) {
  let storage = null; // Promise of the browser's storage (storage.js), or of null
  let tokenizer = null; // Promise of the Gpt1Tokenizer
  let reading = null; // the reader of the weights being read or downloaded (reader.js, download.js)
  let opening = 0; // counts abandons: a reader opened after one is stopped at once
  let copying = null; // the copy of the file last read, until `keep` commits it
  let copied = { form: 'float32', bytes: 0 }; // the form and size of the file last read (and copied)
  let compacting = null; // { record }: the model last read was made compact from the user's float32 file, kept by `keep`
  let gpt = null;
  let measured = null; // the running compact model's agreement with the float32 model it was made from
  let run = null; // the decoder continuing the prompt
  let prompt = null; // the prompt's ids, and a decoder left after them (for ranks asked later)
  let attention = null; // { model, text, all }: every head's maps of the last prompt drawn

  const store = () => (storage ??= openStorage().catch(() => null));
  // the lane's one tokenizer, for Part E and for Parts A and B alike (a failed load: the next request tries again)
  const tokens = () => (tokenizer ??= buildGpt1Tokenizer(Gpt1Tokenizer).catch((error) => { tokenizer = null; throw error; }));

  function need() {
    if (!gpt) throw new Error('no weights are loaded: pick or drop the file first');
    return gpt;
  }
  const experiments = experimentRequests(need, tokens, () => summary(gpt, TinyGpt).memoryBytes);

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

  /** Ends the reading under way (a file's partial copy is removed; a download keeps what it stored) and any model. */
  async function abandon() {
    opening += 1; // (a reader still being opened is stopped as soon as it is open)
    const was = reading;
    reading = null;
    await was?.stop();
    await copying?.drop();
    copying = null;
    freeRuns();
    experiments.free();
    gpt?.free?.();
    gpt = null;
    measured = null;
    compacting = null;
  }

  /** Runs `work`; if it throws, the reading is ended (a bad file is never kept). */
  async function orAbandon(work) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof Stopped)) await abandon();
      throw error;
    }
  }

  /** Starts reading with `open(storage)` (a reader): its summary. */
  function begin(open) {
    return orAbandon(async () => {
      await abandon();
      const mine = opening;
      tokens().catch(() => {}); // (loaded meanwhile; a failure is reported when it is needed)
      const reader = await open(await store());
      if (mine !== opening) { // cancelled (or replaced) while it was being opened
        await reader.stop();
        throw new Stopped('the reading was stopped');
      }
      reading = reader;
      return reader.summary;
    });
  }

  const form = formRequests({ get: need, store, memory: () => memory(TinyGpt), summary: () => summary(gpt, TinyGpt, measured),
    replace(next, agreement) {
      freeRuns();
      experiments.free(); // (a tuner over the other form's weights)
      gpt?.free?.();
      [gpt, measured] = [next, agreement];
    },
    // the ids compared: the continuation shown (the prompt and the tokens drawn), else the prompt's
    ids: async (text) => (run ? Array.from(run.ids) : Array.from((await tokens()).encode(text ?? ''))) });

  return {
    ...tokenizerRequests(tokens),
    ...experiments.requests,
    ...form,

    /**
     * What storage keeps from an earlier visit: `{ bytes, where, provenance, form }` for the kept file
     * (`provenance`: the download's record, or null for a file the user gave; `form`: the one it holds), `{ partial: { bytes, size, commit } }` for a
     * download under way, or null.
     */
    async stored() {
      const storage = await store();
      const file = await storage?.read();
      if (file) {
        return { bytes: file.size, where: storage.where, provenance: await storage.record().catch(() => null),
          form: headerFacts(await readHeader(file, TinyGpt).catch(() => new Uint8Array(0))).form };
      }
      const partial = await storage?.partial.inspect().catch(() => null);
      return partial ? { partial: { bytes: partial.bytes, size: partial.record.size, commit: partial.record.commit } } : null;
    },

    /**
     * Starts reading `files` (what the user picked or dropped: one safetensors file, or OpenAI's ten .npy pieces
     * read as one), or the kept copy when `files` is null: the header is read and checked now; the rest comes
     * with `feed`.
     */
    open: ({ files, form }) => begin((storage) => openFile({ files, storage, TinyGpt, form })),

    /**
     * Starts downloading GPT-1 from `hub` (the page's meta tag), or takes up the download storage kept: the hub's
     * record of the file is read and the first request made now; the rest comes with `feed`.
     */
    download: ({ hub, form }) => begin((storage) => openDownload({ hub, storage, TinyGpt, FileHash, form })),

    /** Reads up to `bytes` more (a download stops after `ms` milliseconds too); how far it got. */
    feed({ bytes, ms }) {
      return orAbandon(async () => {
        if (!reading) throw new Error('no file is being read');
        return reading.pump({ bytes, ms });
      });
    },

    /**
     * Makes the model from what was read (a download's SHA-256 checked first); its sizes, and where the file came
     * from. The copy is committed by `keep`, after the first token.
     */
    finish() {
      return orAbandon(async () => {
        if (!reading) throw new Error('no file is being read');
        const { gpt: made, provenance } = await reading.finish();
        gpt = made;
        copying = reading.copy;
        // (read from storage into the compact form: the float32 file stays kept until the student says otherwise)
        compacting = reading.quantizing && !reading.fromStorage ? { record: provenance && { ...provenance, form: 'int8' } } : null;
        copied = { form: reading.holds, bytes: reading.bytes };
        reading = null;
        return { ...summary(gpt, TinyGpt), provenance };
      });
    },

    /**
     * Commits the copy of the file just read (or, for a model made compact as the user's file was read, writes the
     * compact file in its place): whether it is kept, why not (a full quota, say), in which form, and its size.
     */
    async keep() {
      const [copy, compact] = [copying, compacting];
      copying = null;
      compacting = null;
      if (compact) {
        await copy?.discard?.(); // (what a download kept to be taken up: the compact file replaces it)
        return { ...await keepCompact(gpt, await store(), compact.record), form: 'int8', memoryBytes: memory(TinyGpt) };
      }
      if (!copy) return { kept: false, problem: '', ...copied };
      return { kept: await copy.keep(), problem: copy.problem, ...copied };
    },

    /** Stops reading (a file's partial copy is removed; a download keeps what it stored) and forgets the model. */
    cancel: abandon,

    /** Forgets the model and removes the kept copy, and any download under way. */
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
      const [start, , classify] = Array.from(bpe.specialIds);
      return sequences.map((parts) => {
        const ids = taskIds(bpe, parts);
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
