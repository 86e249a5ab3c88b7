// Part E's head scores, on maps worked out by hand: the mean attention on the previous token and on the first token,
// and the heads ranked by either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headScores, ranking } from '../../www/parts/e/head-scores.js';

/** A T×T map from its rows (row i has i + 1 weights; the masked rest is 0). */
const map = (rows) => Float32Array.from(rows.flatMap((row) => [...row, ...Array(rows.length - row.length).fill(0)]));

test('a head that looks back one token scores 1 on the previous token; one that looks at the start, 1 on the first', () => {
  const back = map([[1], [1, 0], [0, 1, 0], [0, 0, 1, 0]]);
  assert.deepEqual(headScores(back, 4), { previous: 1, first: 1 / 3 }); // (position 1's previous token is the first)
  const start = map([[1], [1, 0], [1, 0, 0], [1, 0, 0, 0]]);
  assert.deepEqual(headScores(start, 4), { previous: 1 / 3, first: 1 });
});

test('the scores are means over positions 1…T − 1; position 0 (which can only look at itself) is left out', () => {
  const spread = map([[1], [0.5, 0.5], [0.2, 0.3, 0.5], [0.1, 0.2, 0.3, 0.4]]);
  const scores = headScores(spread, 4);
  assert.ok(Math.abs(scores.previous - (0.5 + 0.3 + 0.3) / 3) < 1e-7, `${scores.previous}`);
  assert.ok(Math.abs(scores.first - (0.5 + 0.2 + 0.1) / 3) < 1e-7, `${scores.first}`);
  // a one-token prompt has no previous token to score
  assert.equal(headScores(map([[1]]), 1), null);
});

test('ranking: highest first, ties by layer then head; heads without scores are left out', () => {
  const heads = [
    { layer: 0, head: 0, scores: { previous: 0.2, first: 0.9 } },
    { layer: 0, head: 1, scores: { previous: 0.7, first: 0.1 } },
    { layer: 1, head: 0, scores: { previous: 0.7, first: 0.3 } },
    { layer: 1, head: 1, scores: null },
  ];
  assert.deepEqual(ranking(heads, 'previous'), [
    { layer: 0, head: 1, score: 0.7 }, { layer: 1, head: 0, score: 0.7 }, { layer: 0, head: 0, score: 0.2 }]);
  assert.deepEqual(ranking(heads, 'first').map((h) => [h.layer, h.head]), [[0, 0], [1, 0], [0, 1]]);
});
