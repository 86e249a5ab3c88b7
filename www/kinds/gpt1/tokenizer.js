// GPT-1's own tokenizer: the released files (gzipped beside OpenAI's LICENSE in data/gpt1/), built into the
// transformer module's Gpt1Tokenizer where GPT-1's lane runs (requests.js: once per worker or instance), and what the
// panels show of it, computed as plain data (no drawing here).
import { GPT1_FILES } from '../../assets/gpt.js';

/** The paper's names for the three tokens fine-tuning appends (ids 40,478 … 40,480). */
export const GPT1_SPECIALS = ['_start_', '_delimiter_', '_classify_'];
const PAPER_NAMES = { _start_: 'start', _delimiter_: 'delimiter', _classify_: 'extract' };

/** GPT-1's tokenizer from the released files, made by `Gpt1Tokenizer` (the class of the module's glue). */
export async function buildGpt1Tokenizer(Gpt1Tokenizer) {
  const [encoder, merges] = await Promise.all([gunzipText(GPT1_FILES.encoder), gunzipText(GPT1_FILES.merges)]);
  return new Gpt1Tokenizer(encoder, merges);
}

/** A gzipped text file of the page's, decompressed as it streams in. */
async function gunzipText(url) {
  if (!url) throw new Error('this build of the page does not carry GPT-1’s tokenizer files');
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GPT-1's ${url.pathname.split('/').pop()} did not load (HTTP ${response.status})`);
  return new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).text();
}

/** A token as the page writes it: its piece as the released vocabulary spells it (a word's last piece ends in
 * `</w>`), or the special token's name. */
export function pieceOf(bpe, id) {
  const special = id - bpe.size;
  if (special >= 0) return GPT1_SPECIALS[special] ?? `id ${id}`;
  return bpe.piece(id);
}

/** Part B's transformation in GPT-1's ids: `parts` (texts) as _start_ part _delimiter_ part … _classify_. */
export function taskIds(bpe, parts) {
  const [start, delimiter, classify] = bpe.specialIds;
  const ids = [start];
  parts.forEach((part, i) => {
    if (i) ids.push(delimiter);
    ids.push(...bpe.encode(part));
  });
  ids.push(classify);
  return ids;
}

/** Pieces and ids grouped into the words (spaCy tokens) they spell: `[{ word, pieces: [{ piece, id }] }]`. */
export function wordsOf(pieces, ids) {
  const words = [];
  let current = [];
  pieces.forEach((piece, i) => {
    current.push({ piece, id: ids[i] });
    if (piece.endsWith('</w>')) {
      words.push({ word: current.map((p) => p.piece).join('').slice(0, -'</w>'.length), pieces: current });
      current = [];
    }
  });
  if (current.length) words.push({ word: current.map((p) => p.piece).join(''), pieces: current });
  return words;
}

/** GPT-1's pieces of `text`, grouped by word. */
export function gpt1Words(tokenizer, text) {
  return wordsOf(tokenizer.pieces(text), tokenizer.encode(text));
}

/**
 * Part B's task as GPT-1 itself is fed it: for each of `sequences` (`[{ label, texts }]`, parts/b/task-texts.js) its
 * label and its pieces, `{ piece, id, special }`, the texts between _start_ (, _delimiter_) and _classify_ named as
 * in the paper (start, delimiter, extract).
 */
export function fedToGpt1(tokenizer, sequences) {
  const [start, delimiter, extract] = tokenizer.specialIds;
  const special = (id, k) => ({ piece: GPT1_SPECIALS[k], id, special: PAPER_NAMES[GPT1_SPECIALS[k]] });
  const text = (t) => gpt1Words(tokenizer, t).flatMap((w) => w.pieces);
  return sequences.map(({ label, texts }) => ({ label, pieces: [special(start, 0),
    ...texts.flatMap((t, i) => (i ? [special(delimiter, 1), ...text(t)] : text(t))), special(extract, 2)] }));
}
