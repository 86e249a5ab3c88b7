// The numpy beside Parts A–C, written for what the page holds now: Part A's corpus, smoothing, seed and length,
// Part B's task and texts, Part C's numbers. Pasted into a notebook, it prints the numbers the page shows for the
// lesson's kind of model (word tokens, order 2, one sentence per line, plain sampling); a note names any setting of
// the page's that the code leaves out. Plain data and text: no DOM, so it is tested in Node.
import { parseLambda, parseLmLoss, parseMaxLen, parseProbability, parseSeed, parseSmoothing } from '../state/numbers.js';

/** A corpus longer than this (in characters) is read from a file by the code rather than written into it. */
export const INLINE_CORPUS = 20000;

const hex = (code, digits) => code.toString(16).padStart(digits, '0');
const SHORT_ESCAPES = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * `text` as a Python string literal, between double quotes: printable characters as they are (a Hindi corpus stays
 * readable), a backslash, a quote and every control, format, separator or unassigned character escaped. A lone
 * surrogate becomes U+FFFD, as the core reads it.
 */
export function pyString(text) {
  let out = '"';
  for (const ch of String(text).toWellFormed()) {
    const code = ch.codePointAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (!/[\p{C}\p{Z}]/u.test(ch) || ch === ' ') out += ch;
    else if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (code < 0x100) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

/** The lines the page counts: split at \n, a trailing \r dropped, lines of whitespace alone left out. */
export const corpusLines = (corpus) => corpus.split('\n').map((line) => line.replace(/\r$/, ''))
  .filter((line) => /[^\p{White_Space}]/u.test(line));

// Python's str.split() also splits at \x1c–\x1f, which are not whitespace to the page: a text holding one of them
// gets a splitter that leaves them alone
const PYTHON_ONLY_SPACE = /[\x1c-\x1f]/;

/** A setting read as the page reads it, or the lesson's value with the reason beside it. */
function setting(parse, text, lesson) {
  const { value, error } = parse(text);
  return error ? { value: lesson, problem: error } : { value, problem: '' };
}

// Each setting of the page that the notebook's model does not have: when it is not the notebook's, what to say
const NOTEBOOK = {
  order: (s) => s.order !== '2' && `order ${s.order} (the notebook's model is order 2)`,
  tokenizer: (s) => s.tokenizer !== 'word' && `${s.tokenizer} tokens (the notebook splits words at spaces)`,
  boundaries: (s) => s.boundaries !== 'lines' && `${s.boundaries} boundaries (the notebook reads one sentence a line)`,
  temperature: (s) => s.temperature.trim() !== '1' && `temperature ${s.temperature.trim()} (the notebook samples at 1)`,
  topK: (s) => s.topK.trim() !== '0' && `top-k ${s.topK.trim()} (the notebook keeps every token)`,
  neverStart: (s) => s.neverStart === 'on' && 'Never sample [START] (the notebook can sample it)',
};
const MODEL = ['order', 'tokenizer', 'boundaries'];

/** The note above the code: what it computes, what of the page (`settings`, NOTEBOOK's keys) it leaves out, and
 * what it could not read. */
function note(lead, problems, state, settings) {
  const differ = settings.map((name) => NOTEBOOK[name](state)).filter(Boolean);
  return [lead,
    differ.length ? `Your settings differ from the notebook's: ${differ.join('; ')}. This code computes the notebook's `
      + 'model, so its numbers match the page once those are set back.' : '',
    ...problems.filter(Boolean).map((p) => `${p} The code uses the lesson's value instead.`)].filter(Boolean).join(' ');
}

/** The lines that read the corpus: written in, or from corpus.txt when it is long. */
function corpusCode(corpus) {
  const lines = corpusLines(corpus);
  const words = PYTHON_ONLY_SPACE.test(corpus)
    ? ['# the page splits words at Unicode whitespace; Python\'s split() also splits at \\x1c–\\x1f',
      'SPACE = re.compile(r"[^\\S\\x1c-\\x1f]+")', 'def words(text):', '    return [w for w in SPACE.split(text) if w]']
    : ['def words(text):', '    return text.split()'];
  if (corpus.length > INLINE_CORPUS) {
    return [...words, '',
      `# your corpus is long (${lines.length.toLocaleString('en-US')} sentences): save all of it as corpus.txt beside`,
      '# this notebook. One sentence per line; a trailing \\r is dropped, blank lines are skipped',
      'with open("corpus.txt", encoding="utf-8", newline="") as f:',
      '    lines = [line[:-1] if line.endswith("\\r") else line for line in f.read().split("\\n")]',
      'corpus = [line for line in lines if words(line)]'];
  }
  return [...words, '', '# your corpus: one sentence per non-empty line', 'corpus = [',
    ...lines.map((line) => `    ${pyString(line)},`), ']'];
}

/** Part A: the vocabulary, the smoothed matrix, a seeded generation and the loss, for the page's corpus. */
export function numpyA(state) {
  const k = setting(parseSmoothing, state.smoothing, 1);
  const seed = setting(parseSeed, state.seed, 42);
  const maxLen = setting(parseMaxLen, state.maxLen, 6);
  const code = `${PYTHON_ONLY_SPACE.test(state.corpus) ? 'import re\n' : ''}import numpy as np

${corpusCode(state.corpus).join('\n')}
sentences = [words(line) for line in corpus]

# the vocabulary: words in order of first appearance, then the two special tokens
vocab = {}
for s in sentences:
    for w in s:
        vocab.setdefault(w, len(vocab))
vocab["[START]"] = len(vocab)
vocab["[END]"] = len(vocab)
V = len(vocab)
words_of = list(vocab)  # id -> token
print(V)  # V under Vocabulary

def padded(s):
    return [vocab["[START]"]] + [vocab[w] for w in s] + [vocab["[END]"]]

# count every neighbouring pair on top of k (k = 1 is the lesson's np.ones)
k = ${k.value}
counts = np.full((V, V), float(k))
for s in sentences:
    ids = padded(s)
    for prev, nxt in zip(ids, ids[1:]):
        counts[prev, nxt] += 1

# divide each row by its total: the smoothed matrix (with k = 0, [END]'s row is 0 / 0: nan, never sampled)
lm = counts / counts.sum(axis=1, keepdims=True)

def generate(max_len):
    tokens = [vocab["[START]"]]
    for _ in range(max_len - 1):
        # Step: the row's cumulative sum, a uniform u, the first token whose sum exceeds u
        nxt = np.random.choice(V, p=lm[tokens[-1]])
        tokens.append(nxt)
        if nxt == vocab["[END]"]:
            break
    return [words_of[t] for t in tokens]

np.random.seed(${seed.value})
print(" ".join(generate(${maxLen.value})))  # the tokens under Generation

# the loss on its own corpus, in nats, and the perplexity e^loss (Mean loss under Vocabulary)
logs = [np.log(lm[a, b]) for s in sentences for a, b in zip(padded(s), padded(s)[1:])]
loss = -np.mean(logs)
print(loss, np.exp(loss))
`;
  return { code, note: note('The notebook\'s Part A for your corpus, smoothing, seed and max length: the vocabulary, '
    + 'the smoothed matrix, one generation and the loss. It prints the numbers the page shows.',
  [k.problem, seed.problem, maxLen.problem], state, Object.keys(NOTEBOOK)) };
}

/** The texts of Part B's current task as Python arguments, and the call that encodes them. */
function taskCall(state) {
  switch (state.task) {
    case 'entailment': return `entailment(${pyString(state.premise)}, ${pyString(state.hypothesis)})`;
    case 'similarity': return `similarity(${pyString(state.similarityA)}, ${pyString(state.similarityB)})`;
    case 'multipleChoice': {
      const answers = state.choiceAnswers.split('\n').map((a) => a.trim()).filter(Boolean);
      return `multiple_choice(${pyString(state.choiceContext)}, [${answers.map(pyString).join(', ')}])`;
    }
    default: return `classification(${pyString(state.text)})`;
  }
}

/** Part B: the current task's input as flat id lists, with the vocabulary of Part A's numpy. */
export function numpyB(state) {
  const code = `# GPT-1's input transformations: one flat id list per input; the two new tokens take the next free ids
# (run Part A's numpy first: this uses its vocab, V and words)
EXTRACT, DELIM = V, V + 1
START = vocab["[START]"]

def ids_of(text):
    return [vocab[w] for w in words(text)]  # KeyError: a word the corpus never had (the page says which)

def classification(text):
    return [START] + ids_of(text) + [EXTRACT]

def entailment(premise, hypothesis):
    return [START] + ids_of(premise) + [DELIM] + ids_of(hypothesis) + [EXTRACT]

def similarity(a, b):  # no natural order: both orders, their final states added
    return [entailment(a, b), entailment(b, a)]

def multiple_choice(context, answers):  # one sequence per answer, a softmax over their scores
    return [entailment(context, answer) for answer in answers]

print(${taskCall(state)})  # the ids under the input
`;
  return { code, note: note('Part B for the task and texts above, with the vocabulary of Part A\'s numpy: the input '
    + 'as flat lists of ids, as the page shows them.', [], state, ['tokenizer', 'boundaries']) };
}

/** Part C: the task loss of the true label and the combined loss, with the panel's numbers. */
export function numpyC(state) {
  const p = setting(parseProbability, state.pPositive, 0.72);
  const lambda = setting(parseLambda, state.lambda, 0.5);
  const typed = setting(parseLmLoss, state.lmLoss, 1.5);
  const lm = state.lmSource === 'model'
    ? 'L_lm = loss  # the model\'s loss on its own corpus: run Part A\'s numpy first'
    : `L_lm = ${typed.value}  # typed in the panel`;
  const label = state.label === 'positive' ? 0 : 1;
  const code = `import numpy as np

p = np.array([${p.value}, 1 - ${p.value}])  # the classifier's P(positive), P(negative)
label = ${label}  # the true label: ${state.label}
L_task = -np.log(p[label] + 1e-9)  # cross-entropy (the lesson's 1e-9 keeps log(0) away)
${lm}
lam = ${lambda.value}
L_total = L_task + lam * L_lm
print(L_task, L_total)  # Task loss and Combined loss
`;
  return { code, note: note('Part C with the panel\'s numbers: the task loss of the true label, then the combined loss.',
    [p.problem, lambda.problem, state.lmSource === 'model' ? '' : typed.problem], state,
    state.lmSource === 'model' ? MODEL : []) };
}

/** The numpy of each part: `{ code, note }` for the page's state now. */
export const NUMPY = { a: numpyA, b: numpyB, c: numpyC };

/** The fields each part's numpy is written from: it is written again when one of them changes. */
export const NUMPY_FIELDS = {
  a: ['corpus', 'smoothing', 'seed', 'maxLen', 'order', 'tokenizer', 'boundaries', 'temperature', 'topK', 'neverStart'],
  b: ['task', 'text', 'premise', 'hypothesis', 'similarityA', 'similarityB', 'choiceContext', 'choiceAnswers', 'tokenizer',
    'boundaries'],
  c: ['pPositive', 'label', 'lambda', 'lmLoss', 'lmSource', ...MODEL],
};
