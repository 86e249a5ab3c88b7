// What the page shows only when asked, so the first load stays small: the notebook's numpy beside Parts A–C (written
// for the page's state by numpy.js, and again as it changes), the answers to a first-time student's questions, and
// the glossary. dom.js's readOnOpen imports this module when a <details data-reading> is first opened. Everything
// is text (textContent), never markup.
import { adoptStyle } from '../drawing/sheet.js';
import { NUMPY, NUMPY_FIELDS } from './numpy.js';

const CSS = `.glossary-list { max-width: 62rem; margin: 0; }
.glossary-list dt { font-weight: 700; margin-top: 0.8rem; }
.glossary-list dd { margin: 0.15rem 0 0 1.2rem; }
.numpy-code {
  overflow-x: auto; max-width: 62rem; margin: 0.3rem 0; padding: 0.6rem 0.8rem; font-size: 0.85rem;
  background: var(--explain); border: 1px solid var(--line); border-radius: 8px; line-height: 1.45;
}`;

/** The answers to the questions a first-time student asks (each a <details data-reading="why-…">). */
export const WHY = {
  bpe: "BPE's vocabulary is every character of the corpus (its base symbols), first alone and then again ending a word (a</w>), then one token per merge, in the order they were learnt. A piece the merges swallowed, such as a, which the corpus only ever has inside longer pieces, keeps its id although it is never a token of the corpus: its count is 0, and smoothing gives it its share like any unseen pair. So a new word spelt with the corpus's letters, such as chaat, is never unknown; in chaiwala only w and l are, because no line of the corpus has them. GPT-1's released vocabulary is built the same way from 238 characters, alone and ending a word, so that any word of its text can be spelt (the ids are laid out under Tokens).",
  ids: "GPT-1's released vocabulary (encoder_bpe_40000.json) holds 40,478 tokens, ids 0 to 40,477: id 0 is <unk>, what a piece missing from the vocabulary becomes; ids 1 to 238 are 238 characters; ids 239 to 476 are the same 238 characters ending a word, in the same order (id 239 is .</w>, as id 1 is .); ids 477 to 40,476 are the results of the 40,000 merges in the order they were learnt, so merge n makes id 476 + n (merge 1, t + h, makes th, id 477); and id 40,477 is the line break, \\n</w>. Fine-tuning appends three more: _start_ 40,478, _delimiter_ 40,479 and _classify_ 40,480.",
  end: "The bigram matrix is square: every token of the vocabulary is a row and a column, and [END] is a token. Generation stops as soon as it draws [END], and no pair of the corpus starts with it, so its row holds only smoothing: 1/V in every cell when k > 0, and 0 / 0 (no distribution at all) when k = 0. Likewise no count is ever in [START]'s column: only smoothing puts probability there.",
  start: "A sample such as [START] [START] hai [END] is not a bug. Smoothing adds k to every cell, [START]'s column too, so with k > 0 the model can draw [START] in the middle of a sentence, although no sentence of the corpus has one there. The lesson's model does exactly this, and the page is exact to it. GPT-1 never predicts its start token: it only ever appears as the first input. Never sample [START] gives its column no probability (the rest of the row is scaled up to sum to 1); it is off by default, so the samples stay the notebook's.",
  delim: "GPT-1 has no separate encoder for each text: the premise and the hypothesis are read as one flat sequence, left to right, by the same network. Without a marker between them the model could not tell where the premise ends and the hypothesis begins.",
};

/** The glossary: [term, what it means], in the order the lesson meets them. */
export const GLOSSARY = [
  ["token",
    "One unit of text as a model sees it: a word, a character or a BPE piece, depending on the tokenizer. Each token has an id, its place in the vocabulary. [START], [END], [DELIM] and [EXTRACT] are special tokens that mark where things begin and end."],
  ["vocabulary",
    "Every token the model knows, numbered from 0; V is how many there are. A word model's vocabulary is the corpus's words in order of first appearance, then [START] and [END]. A BPE vocabulary is every character of the corpus, alone and ending a word (a</w>), then one token per merge. A token outside it has no id and cannot be used."],
  ["BPE",
    "Byte-pair encoding: every word starts as its characters, the last one marked </w>; then the most frequent pair of neighbouring pieces is merged into one new piece, again and again. Frequent words end up as one piece, a rare word is spelt from several, and no word spelt with known characters is unknown. GPT-1 learnt 40,000 merges; Part A learns as many as Merges says, and stops early once every word of its corpus is a single piece."],
  ["</w>",
    "The end-of-word mark, as GPT-1's released files write it: a BPE piece that ends a word carries it, so chai</w> is the whole word chai, while the cha that starts chaiwala has none (GPT-1 spells chaiwala cha · i · wal · a</w>). Spaces are not tokens: </w> is how the pieces keep where each word ends. Every BPE piece on this page is written this way. ␣ is not a word mark but a space character (a token of the char tokenizer), and ↵ is the line break of stream mode."],
  ["context",
    "What the model reads before predicting the next token: the n − 1 tokens before it for an n-gram model (one for the bigram), all the earlier tokens of its window for a transformer (up to 511 for GPT-1)."],
  ["smoothing",
    "Adding k to every count before dividing by the row's total, so that a pair the corpus never had still gets some probability. k = 1 is Laplace smoothing, the lesson's; with k = 0 unseen pairs get none."],
  ["logit",
    "The raw score a network gives each possible output before it becomes a probability. The softmax turns scores z into probabilities: P(i) = e^(z_i) / Σ_j e^(z_j). A higher logit means a higher probability; only their differences matter."],
  ["nats",
    "The unit of a loss computed with the natural logarithm, ln. A loss of −ln p nats is the surprise of an outcome the model gave probability p. One nat is about 1.44 bits; a model that spreads its probability evenly over V tokens has a loss of ln V nats."],
  ["perplexity",
    "e^loss: the number of equally likely tokens the model is, on average, as unsure as. 1 is certainty; V is a model that learnt nothing."],
  ["embedding",
    "A vector of numbers the network learns for each token id (and, added to it, one for each position). It is how a transformer reads its input: similar tokens can end up with similar vectors."],
  ["head",
    "One attention head: for every position it computes weights over that position and the ones before it, and takes a weighted average of their states. A layer runs several heads side by side (GPT-1: 12 of 64 dimensions each), each free to look for something different. The linear layer that turns a state into logits is sometimes called a head too (the language-model head, the classifier head)."],
  ["LayerNorm",
    "Layer normalisation: rescales each position's state to mean 0 and variance 1 over its dimensions, then applies a learnt scale and shift. It keeps the numbers in a range where a deep network trains well. GPT-1 applies it after each attention and feed-forward step, to the step's output added to its input: post-LN. Part D's tiny GPT is built the same way (post-LN, as GPT-1). GPT-2 later moved it to each step's input and added one after the last block: pre-LN."],
  ["fine-tuning",
    "Training a pre-trained model further on a labelled task. GPT-1 adds only a linear layer W_y (and the delimiter tokens' embeddings), trains every weight for a few epochs, and keeps the language-model loss in the objective: L = L_task + λ·L_lm with λ = 0.5 (Part C)."],
];


/** An element with properties and children (strings become text). */
function node(tag, props, ...children) {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

/** Fills a numpy <details> with the code for `store`'s state, and writes it again when a field it reads changes. */
function fillNumpy(details, part, store) {
  const hint = node('p', { className: 'hint' });
  const code = node('code');
  const pre = node('pre', { className: 'numpy-code', tabIndex: 0 }, code);
  pre.setAttribute('role', 'region');
  pre.setAttribute('aria-label', `numpy for Part ${part.toUpperCase()}`);
  details.append(hint, pre);
  const write = () => {
    const numpy = NUMPY[part](store.state);
    hint.textContent = numpy.note;
    code.textContent = numpy.code;
  };
  write();
  store.subscribe((changed) => { if (NUMPY_FIELDS[part].some((name) => changed.has(name))) write(); });
}

/** Fills a <details data-reading="numpy-a" | "why-end" | "glossary"> with its text, once; the numpy follows `store`. */
export function fill(details, store) {
  if (details.dataset.filled) return;
  details.dataset.filled = 'true';
  adoptStyle(details.getRootNode(), CSS);
  const [kind, part] = details.dataset.reading.split('-');
  if (kind === 'numpy') {
    fillNumpy(details, part, store);
  } else if (kind === 'why') {
    details.append(node('p', { className: 'note', textContent: WHY[part] }));
  } else {
    details.append(node('dl', { className: 'glossary-list' },
      ...GLOSSARY.flatMap(([term, meaning]) => [node('dt', { textContent: term }), node('dd', { textContent: meaning })])));
  }
}
