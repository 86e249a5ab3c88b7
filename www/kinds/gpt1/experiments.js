// Part E's experiments on GPT-1 itself, answered in GPT-1's worker beside its other requests (requests.js): the
// paper's zero-shot heuristics (zero-shot.js) on the loaded model's token log-probabilities, with every number they
// used and the tokens they read; and fine-tuning a copy of its top blocks with L_task + λ·L_lm (the core's
// fineTuner), one step a request so that the page can show progress, pause and stop between steps. One tuner lives
// at a time: the page trains its two copies one after the other, so the module holds the model and one copy's
// trainable part, never two.
import { pieceOf, taskIds } from './tokenizer.js';
import * as zeroShot from './zero-shot.js';

export const BATCH = 8; // labelled examples per fine-tuning step
const SENTIMENT_WORDS = ['positive', 'negative']; // the paper's two words, after the token "very"

/** The training examples of step `step` (0-based): the next `size` in order, wrapping round; indices below `count`. */
export function batchAt(count, step, size = BATCH) {
  const n = Math.min(size, count);
  return Array.from({ length: n }, (_, j) => (step * n + j) % count);
}

/**
 * The requests over `need()` (the loaded TinyGpt, or an error), `tokens()` (the lane's Gpt1Tokenizer) and
 * `memory()` (the module's memory in bytes).
 */
export function experimentRequests(need, tokens, memory) {
  let run = null; // the copy being fine-tuned: { tuner, train, test, plain } (examples in GPT-1's ids)

  /** What a heuristic needs: the model's scores, and the tokenizer's ids and pieces, with their limits checked. */
  async function reader() {
    const model = need();
    const bpe = await tokens();
    const { context } = model.shape;
    return {
      /** ln P of each token after the first; `what` names the sequence in an error. */
      score(ids, what) {
        if (ids.length > context) throw new Error(`${what} is ${ids.length} tokens long; GPT-1 reads at most ${context}`);
        return model.tokenLogProbs(Uint32Array.from(ids));
      },
      /** `text`'s ids (at least `least`), `what` naming it in an error. */
      encode(text, what, least = 1) {
        const ids = Array.from(bpe.encode(text));
        if (ids.length < least) throw new Error(`${what} has ${ids.length} token${ids.length === 1 ? '' : 's'}; it needs at least ${least}`);
        return ids;
      },
      pieces: (ids) => Array.from(ids, (id) => pieceOf(bpe, id)),
    };
  }

  /** The labelled or plain examples in Part B's form, `_start_ text _classify_`, each checked against the context. */
  function examples(bpe, list, context, where) {
    return list.map(({ text, label = 0, line }) => {
      const ids = taskIds(bpe, [text]);
      if (ids.length > context) throw new Error(`${where} ${line}: ${ids.length} tokens with _start_ and _classify_; GPT-1 reads at most ${context}`);
      return { ids: Uint32Array.from(ids), label };
    });
  }

  /** The copy's held-out task numbers and its language-model loss on the plain text, with no update. */
  function measure() {
    const task = run.tuner.evaluate(run.test);
    return { task: task.task, accuracy: task.accuracy, lm: run.tuner.evaluate(run.plain).lm };
  }

  function free() {
    run?.tuner.free();
    run = null;
  }

  function under() {
    if (!run) throw new Error('no fine-tuning is under way');
    return run;
  }

  const requests = {
    /** Sentiment: `text`, then "very", then P(positive) and P(negative), raw and restricted to the two. */
    async sentiment({ text }) {
      const r = await reader();
      const [textIds, veryIds] = [r.encode(text, 'The text'), r.encode('very', '“very”')];
      const words = SENTIMENT_WORDS.map((word) => ({ word, ids: r.encode(word, word) }));
      const result = zeroShot.sentiment((ids) => r.score(ids, 'The text with “very” and the word'), textIds, veryIds, words);
      return { ...result, tokens: r.pieces(result.prompt), words: result.words.map((w) => ({ ...w, pieces: r.pieces(w.ids) })) };
    },

    /** Acceptability: the log-probability of each token of `text` after the first, and their average. */
    async acceptability({ text }) {
      const r = await reader();
      const ids = r.encode(text, 'The sentence', 2);
      return { ...zeroShot.acceptability((all) => r.score(all, 'The sentence'), ids), tokens: r.pieces(ids) };
    },

    /** Multiple choice: each of `answers` scored after `context` (the document and question). */
    async choice({ context, answers }) {
      const r = await reader();
      const contextIds = r.encode(context, 'The document and question');
      const answerIds = answers.map((answer, i) => r.encode(answer, `Answer ${i + 1}`));
      const result = zeroShot.choice((ids) => r.score(ids, 'The document, question and answer'), contextIds, answerIds);
      return { ...result, context: r.pieces(contextIds), answers: result.answers.map((a, i) => ({ ...a, tokens: r.pieces(answerIds[i]) })) };
    },

    /** Winograd: `before` + each of `candidates` in the pronoun's place, then `after`, scored under each. */
    async winograd({ before, after, candidates }) {
      const r = await reader();
      const prefixIds = candidates.map((candidate, i) => r.encode(before + candidate, `The sentence up to candidate ${i + 1}`));
      const restIds = r.encode(after, 'The rest of the sentence');
      const result = zeroShot.winograd((ids) => r.score(ids, 'The sentence'), prefixIds, restIds);
      return { ...result, rest: r.pieces(restIds),
        candidates: result.candidates.map((c, i) => ({ ...c, prefix: r.pieces(prefixIds[i]) })) };
    },

    /**
     * Starts fine-tuning a copy (any copy under way is dropped): `train` and `test` (`{ text, label, line }`),
     * `heldOut` (plain lines), and the tuner's options. Measures the copy before any step: `{ trainable, before }`.
     */
    async tuneStart({ labels, train, test, heldOut, lambda, blocks, rate, seed, warmup }) {
      free();
      const model = need();
      const bpe = await tokens();
      const { vocab, context } = model.shape;
      if (vocab !== bpe.size) {
        throw new Error(`fine-tuning needs the model's vocabulary to be the tokenizer's: this model has ${vocab} vocabulary rows, GPT-1's tokenizer ${bpe.size} tokens`);
      }
      const data = {
        train: examples(bpe, train, context, 'line'),
        test: examples(bpe, test, context, 'line'),
        plain: examples(bpe, heldOut.map((text, i) => ({ text, line: i + 1 })), context, 'held-out line'),
      };
      const tuner = model.fineTuner({ classes: labels.length, trainBlocks: blocks, lambda, learningRate: rate, seed, warmup });
      run = { tuner, ...data };
      return { trainable: tuner.trainable, before: measure(), memory: memory() };
    },

    /** One step on the next batch: the batch's losses before the update, `{ step, task, lm, total }`. */
    tuneStep() {
      const { tuner, train } = under();
      const step = tuner.steps;
      const losses = tuner.step(batchAt(train.length, step).map((i) => train[i]));
      return { step: step + 1, ...losses };
    },

    /** Measures the copy after its steps, then drops it. */
    tuneEnd() {
      under();
      const after = measure();
      free();
      return after;
    },

    /** Drops the copy under way (its memory is the module's again). */
    tuneStop() {
      free();
      return true;
    },
  };
  return { requests, free };
}
