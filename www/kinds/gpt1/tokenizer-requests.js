// What Parts A and B ask of GPT-1's tokenizer, answered in GPT-1's lane (requests.js adds these to Part E's): the
// text after each step before BPE, the text cut into GPT-1's pieces, a word's merges step by step, and Part B's task
// as GPT-1 is fed it. Plain data only.
import { fedToGpt1, gpt1Words } from './tokenizer.js';

/** The requests over `tokens()`, which resolves to the lane's one Gpt1Tokenizer (built at the first request). */
export function tokenizerRequests(tokens) {
  return {
    /** Builds the tokenizer now (it loads the released files): its vocabulary's size. */
    async tokenizer() {
      return { vocab: (await tokens()).size };
    },

    /** What each step makes of `text`: `{ fixed, standardized, tokens, lowered, pieces, ids }` (the core's stages). */
    async stages({ text }) {
      return (await tokens()).stages(text);
    },

    /** Each of `texts` in GPT-1's pieces, grouped by word: `[{ word, pieces: [{ piece, id }] }]` for each. */
    async words({ texts }) {
      const bpe = await tokens();
      return texts.map((text) => gpt1Words(bpe, text));
    },

    /** The merges that build `word`, lowest rank first: `[{ pair, rank, pieces }]` after its characters. */
    async merges({ word }) {
      return (await tokens()).merges(word);
    },

    /** Part B's task as GPT-1 is fed it: each of `sequences` (`[{ label, texts }]`, parts/b/task-texts.js) as
     * `{ label, pieces }`. */
    async fed({ sequences }) {
      return fedToGpt1(await tokens(), sequences);
    },
  };
}
