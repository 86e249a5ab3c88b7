// The paper's zero-shot heuristics (its Figure 2, right): tasks answered by the pre-trained language model alone,
// from the log-probability it gives to tokens, with no fine-tuning. Each takes `score(ids)`, which returns
// ln P(ids[t+1] | ids[0..t]) for t = 0 … n − 2 (the core's tokenLogProbs), and the ids of its texts, and returns
// every number it used. Plain data, no DOM; GPT-1's worker runs them (experiments.js).

/** The mean of a list of numbers. */
export const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** The index of the highest value (a tie: the first). */
export const best = (values) => values.reduce((top, v, i) => (v > values[top] ? i : top), 0);

/** The log-probabilities of the last `n` tokens of `ids`, each given every token before it. */
function lastTokens(score, ids, n) {
  return Array.from(score(ids).subarray(ids.length - 1 - n));
}

/**
 * Sentiment (SST-2): `words` ([{ word, ids }], the candidate words' tokens) after the text and the token *very*.
 * Each word's log-probability is the sum over its tokens (one token each in GPT-1's vocabulary); the restricted
 * pair is the two probabilities divided by their sum. Returns `{ words: [{ word, ids, logProbs, logProb,
 * probability, restricted }], guess }` (`guess`: the index of the more probable word).
 */
export function sentiment(score, textIds, veryIds, words) {
  const prompt = [...textIds, ...veryIds];
  const scored = words.map(({ word, ids }) => {
    const logProbs = lastTokens(score, [...prompt, ...ids], ids.length);
    const logProb = logProbs.reduce((a, b) => a + b, 0);
    return { word, ids, logProbs, logProb, probability: Math.exp(logProb) };
  });
  // P restricted to the candidates: e^{a} / Σ e^{b}, computed from the differences so that tiny probabilities keep
  // their ratio
  for (const word of scored) word.restricted = 1 / scored.reduce((sum, other) => sum + Math.exp(other.logProb - word.logProb), 0);
  return { prompt, words: scored, guess: best(scored.map((w) => w.logProb)) };
}

/**
 * Acceptability (CoLA): the average log-probability of the sentence's tokens after the first (the first has
 * nothing before it to be predicted from). Returns `{ logProbs, mean }`: logProbs[t] is token t + 1's.
 */
export function acceptability(score, ids) {
  const logProbs = Array.from(score(ids));
  return { logProbs, mean: mean(logProbs) };
}

/** Whether an average log-probability passes the threshold the student set. */
export const acceptable = (average, threshold) => average >= threshold;

/**
 * Multiple choice (RACE, Story Cloze): each answer's tokens after the document and question, their average
 * log-probability; the answer with the highest is picked. Returns `{ answers: [{ logProbs, mean }], guess }`.
 */
export function choice(score, contextIds, answerIds) {
  const answers = answerIds.map((ids) => {
    const logProbs = lastTokens(score, [...contextIds, ...ids], ids.length);
    return { logProbs, mean: mean(logProbs) };
  });
  return { answers, guess: best(answers.map((a) => a.mean)) };
}

/**
 * Winograd schemas (DPRD): the pronoun replaced by each candidate (`prefixIds`: the sentence up to and with the
 * candidate, one list per candidate), and the rest of the sentence after it (`restIds`) scored under each; the
 * candidate under which the rest has the higher average log-probability is picked. Returns
 * `{ candidates: [{ logProbs, mean }], guess }`.
 */
export function winograd(score, prefixIds, restIds) {
  const candidates = prefixIds.map((prefix) => {
    const logProbs = lastTokens(score, [...prefix, ...restIds], restIds.length);
    return { logProbs, mean: mean(logProbs) };
  });
  return { candidates, guess: best(candidates.map((c) => c.mean)) };
}
