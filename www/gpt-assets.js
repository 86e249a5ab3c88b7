// The files Part D names (loaded when its lab opens), written once as assets.js's are; the builds replace this
// module the same way.

export const GPT_WASM = new URL('./pkg/gpt1_playground_gpt_bg.wasm', import.meta.url);
/** The transformer module's glue, for its lane on the page thread (where no worker can start). */
export const GPT_GLUE = new URL('./pkg/gpt1_playground_gpt.js', import.meta.url);
export const DATA = {
  corpus: new URL('./data/chai-corpus.txt', import.meta.url),
  sentiment: new URL('./data/chai-sentiment.tsv', import.meta.url),
  entailment: new URL('./data/chai-entailment.tsv', import.meta.url),
};
