// Part E's heads, scored so that a student can find them without pressing all 144: how much attention a head puts on
// the token just before each position, or on the prompt's first token, averaged over the prompt. Plain data, no DOM.

/** What a head can be scored by: the key, and the words the page uses for it. */
export const SCORES = {
  previous: 'the previous token',
  first: 'the first token',
};

/**
 * One head's scores from its T×T attention map (row i holds position i's weights over positions 0…i): the mean,
 * over positions 1…T − 1, of the weight on position i − 1 (`previous`) and on position 0 (`first`). Position 0 is
 * left out: it can look only at itself. null when the prompt has fewer than two tokens.
 */
export function headScores(map, T) {
  if (T < 2) return null;
  let previous = 0;
  let first = 0;
  for (let i = 1; i < T; i++) {
    previous += map[i * T + i - 1];
    first += map[i * T];
  }
  return { previous: previous / (T - 1), first: first / (T - 1) };
}

/**
 * The heads in order of their `key` score, highest first (equal scores: the lower layer, then the lower head):
 * `heads` is [{ layer, head, scores }] (scores from headScores, or null: left out). Returns [{ layer, head, score }].
 */
export function ranking(heads, key) {
  return heads.filter((h) => h.scores)
    .map(({ layer, head, scores }) => ({ layer, head, score: scores[key] }))
    .sort((a, b) => b.score - a.score || a.layer - b.layer || a.head - b.head);
}
