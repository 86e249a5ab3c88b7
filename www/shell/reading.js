// What the page shows only when asked, so the first load stays small: the notebook's numpy beside Parts A–C, the
// answers to a first-time student's questions, and the glossary. dom.js's readOnOpen imports this module when a
// <details data-reading> is first opened. Everything is text (textContent), never markup.
import { adoptStyle } from '../drawing/sheet.js';

const CSS = `.glossary-list { max-width: 62rem; margin: 0; }
.glossary-list dt { font-weight: 700; margin-top: 0.8rem; }
.glossary-list dd { margin: 0.15rem 0 0 1.2rem; }
.numpy-code {
  overflow-x: auto; max-width: 62rem; margin: 0.3rem 0; padding: 0.6rem 0.8rem; font-size: 0.85rem;
  background: var(--explain); border: 1px solid var(--line); border-radius: 8px; line-height: 1.45;
}`;

/** The numpy for each part, in the notebook's style: what the part computes, for the lesson's corpus. */
export const NUMPY = {
  a: {
    note: 'The notebook\'s Part A on the lesson\'s corpus: the vocabulary, the smoothed matrix, generation with seed 42 '
      + 'and the loss. The page computes the same numbers, bit for bit, for any corpus you type.',
    code: `import numpy as np

corpus = ["chai bahut garam hai", "chai acha", "chai bahut acha hai"]
sentences = [line.split() for line in corpus]

# the vocabulary: words in order of first appearance, then the two special tokens
vocab = {}
for s in sentences:
    for w in s:
        vocab.setdefault(w, len(vocab))
vocab["[START]"] = len(vocab)
vocab["[END]"] = len(vocab)
V = len(vocab)
words = list(vocab)  # id -> token

def padded(s):
    return [vocab["[START]"]] + [vocab[w] for w in s] + [vocab["[END]"]]

# count every neighbouring pair on top of k (k = 1 is the lesson's np.ones)
k = 1
counts = np.full((V, V), float(k))
for s in sentences:
    ids = padded(s)
    for prev, nxt in zip(ids, ids[1:]):
        counts[prev, nxt] += 1

# divide each row by its total: the smoothed matrix
lm = counts / counts.sum(axis=1, keepdims=True)
print(lm[vocab["chai"], vocab["bahut"]])  # 0.3 = (2 + 1) / (3 + 1·7)

def generate(max_len=6):
    tokens = [vocab["[START]"]]
    for _ in range(max_len - 1):
        # Step: the row's cumulative sum, a uniform u, the first token whose sum exceeds u
        nxt = np.random.choice(V, p=lm[tokens[-1]])
        tokens.append(nxt)
        if nxt == vocab["[END]"]:
            break
    return [words[t] for t in tokens]

np.random.seed(42)
print(generate())  # ['[START]', 'chai', '[END]']

# the loss on its own corpus, in nats, and the perplexity e^loss
logs = [np.log(lm[a, b]) for s in sentences for a, b in zip(padded(s), padded(s)[1:])]
loss = -np.mean(logs)
print(loss, np.exp(loss))  # 1.2589… 3.5216…
`,
  },
  b: {
    note: 'Part B, with the vocabulary of Part A\'s numpy (V = 7): each task\'s input as one flat list of ids.',
    code: `# GPT-1's input transformations: one flat id list per input; the two new tokens take the next free ids
EXTRACT, DELIM = V, V + 1
START = vocab["[START]"]

def ids_of(text):
    return [vocab[w] for w in text.split()]  # KeyError: a word the corpus never had

def classification(text):
    return [START] + ids_of(text) + [EXTRACT]

def entailment(premise, hypothesis):
    return [START] + ids_of(premise) + [DELIM] + ids_of(hypothesis) + [EXTRACT]

def similarity(a, b):  # no natural order: both orders, their final states added
    return [entailment(a, b), entailment(b, a)]

def multiple_choice(context, answers):  # one sequence per answer, a softmax over their scores
    return [entailment(context, answer) for answer in answers]

print(classification("chai bahut garam hai"))            # [5, 0, 1, 2, 3, 7]
print(entailment("chai bahut garam hai", "chai acha hai"))  # [5, 0, 1, 2, 3, 8, 0, 4, 3, 7]
`,
  },
  c: {
    note: 'Part C with the panel\'s starting values: the task loss of the true label, then the combined loss.',
    code: `import numpy as np

p = np.array([0.72, 0.28])  # the classifier's P(positive), P(negative)
label = 0                   # the true label: positive
L_task = -np.log(p[label])  # cross-entropy: 0.3285
L_lm = 1.5                  # the lesson's supposed value (Part A's loss is the model's own)
lam = 0.5
L_total = L_task + lam * L_lm
print(L_task, L_total)      # 0.3285… 1.0785…
`,
  },
};

/** The answers to the questions a first-time student asks (each a <details data-reading="why-…">). */
export const WHY = {
  bpe: "BPE's vocabulary is every character of the corpus (its base symbols), then one token per merge, in the order they were learnt. A piece the merges swallowed, such as a inside chai, keeps its id although the corpus never uses it on its own: its count is 0, and smoothing gives it its share like any unseen pair. So a new word spelt with the corpus's letters, such as chaat, is never unknown; in chaiwala only w and l are, because no line of the corpus has them. GPT-1's 478 base symbols are there for the same reason: they cover the characters its text can contain, so every word can be spelt.",
  end: "The bigram matrix is square: every token of the vocabulary is a row and a column, and [END] is a token. Generation stops as soon as it draws [END], and no pair of the corpus starts with it, so its row holds only smoothing: 1/V in every cell when k > 0, and 0 / 0 (no distribution at all) when k = 0. Likewise no count is ever in [START]'s column: only smoothing puts probability there.",
  start: "A sample such as [START] [START] hai [END] is not a bug. Smoothing adds k to every cell, [START]'s column too, so with k > 0 the model can draw [START] in the middle of a sentence, although no sentence of the corpus has one there. The lesson's model does exactly this, and the page is exact to it. GPT-1 never predicts its start token: it only ever appears as the first input. Never sample [START] gives its column no probability (the rest of the row is scaled up to sum to 1); it is off by default, so the samples stay the notebook's.",
  delim: "GPT-1 has no separate encoder for each text: the premise and the hypothesis are read as one flat sequence, left to right, by the same network. Without a marker between them the model could not tell where the premise ends and the hypothesis begins.",
};

/** The glossary: [term, what it means], in the order the lesson meets them. */
export const GLOSSARY = [
  ["token",
    "One unit of text as a model sees it: a word, a character or a BPE piece, depending on the tokenizer. Each token has an id, its place in the vocabulary. [START], [END], [DELIM] and [EXTRACT] are special tokens that mark where things begin and end."],
  ["vocabulary",
    "Every token the model knows, numbered from 0; V is how many there are. A word model's vocabulary is the corpus's words in order of first appearance, then [START] and [END]. A BPE vocabulary is every character of the corpus, then one token per merge. A token outside it has no id and cannot be used."],
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

/** Fills a <details data-reading="numpy-a" | "why-end" | "glossary"> with its text, once. */
export function fill(details) {
  if (details.dataset.filled) return;
  details.dataset.filled = 'true';
  adoptStyle(details.getRootNode(), CSS);
  const [kind, part] = details.dataset.reading.split('-');
  if (kind === 'numpy') {
    const { note, code } = NUMPY[part];
    details.append(node('p', { className: 'hint', textContent: note }),
      node('pre', { className: 'numpy-code', tabIndex: 0 }, node('code', { textContent: code })));
    const pre = details.lastElementChild;
    pre.setAttribute('role', 'region');
    pre.setAttribute('aria-label', `numpy for Part ${part.toUpperCase()}`);
  } else if (kind === 'why') {
    details.append(node('p', { className: 'note', textContent: WHY[part] }));
  } else {
    details.append(node('dl', { className: 'glossary-list' },
      ...GLOSSARY.flatMap(([term, meaning]) => [node('dt', { textContent: term }), node('dd', { textContent: meaning })])));
  }
}
