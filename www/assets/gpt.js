// The files Parts D and E name (loaded when their labs open), written once as assets.js's are; the builds replace this
// module the same way.

export const GPT_WASM = new URL('../pkg/gpt1_playground_gpt_bg.wasm', import.meta.url);
/** The transformer module's glue, for its lane on the page thread (where no worker can start). */
export const GPT_GLUE = new URL('../pkg/gpt1_playground_gpt.js', import.meta.url);
/** GPT-1's released tokenizer files (OpenAI, MIT: data/gpt1/LICENSE), gzipped; fetched when a reader asks. */
export const GPT1_FILES = {
  encoder: new URL('../data/gpt1/encoder_bpe_40000.json.gz', import.meta.url),
  merges: new URL('../data/gpt1/vocab_40000.bpe.gz', import.meta.url),
};
export const DATA = {
  corpus: new URL('../data/chai-corpus.txt', import.meta.url),
  sentiment: new URL('../data/chai-sentiment.tsv', import.meta.url),
  entailment: new URL('../data/chai-entailment.tsv', import.meta.url),
  /** Part E's experiments: the zero-shot heuristics' examples and the held-out text; the labelled set. */
  gpt1Experiments: new URL('../data/gpt1-experiments.json', import.meta.url),
  gpt1Sentiment: new URL('../data/gpt1-sentiment.tsv', import.meta.url),
};
