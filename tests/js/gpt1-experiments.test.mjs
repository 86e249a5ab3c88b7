// Part E's experiments on GPT-1, their pure pieces and the worker's requests: the four zero-shot heuristics over a
// scorer whose log-probabilities are worked out by hand; reading what the student types (a bracketed pronoun, lists,
// labelled examples, the settings); the batches; and the requests themselves (kinds/gpt1/experiments.js) on a small
// random model with GPT-1's 40,478 vocabulary rows and GPT-1's own tokenizer, checked against the core's
// tokenLogProbs and fineTuner called here directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as zeroShot from '../../www/kinds/gpt1/zero-shot.js';
import { experimentRequests, batchAt, BATCH } from '../../www/kinds/gpt1/experiments.js';
import { splitPronoun, itemLines, parseLabelled, TUNING_SETTINGS, warmupFor } from '../../www/parts/e/experiment-inputs.js';
import { safetensorsHeader } from '../../www/kinds/gpt1/npy.js';

/** A scorer worked out by hand: ln P(ids[t+1] | …) = −(10·ids[t] + ids[t+1]) / 10, so the token before counts. */
function handScorer(calls = []) {
  return (ids) => {
    calls.push([...ids]);
    return Float32Array.from(ids.slice(1), (id, t) => -(10 * ids[t] + id) / 10);
  };
}
const close = (a, b, what, tolerance = 1e-6) => assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a} vs ${b}`);

test('sentiment: "very" appended, each word scored after it (a word of two tokens sums them), restricted to the two', () => {
  const calls = [];
  const r = zeroShot.sentiment(handScorer(calls), [5, 6], [2], [{ word: 'positive', ids: [3] }, { word: 'negative', ids: [1, 1] }]);
  assert.deepEqual(calls, [[5, 6, 2, 3], [5, 6, 2, 1, 1]], 'the text, then very, then the word');
  assert.deepEqual(r.prompt, [5, 6, 2]);
  close(r.words[0].logProb, -2.3, 'ln P(positive): after 2, token 3'); // −(20 + 3)/10
  assert.deepEqual(r.words[1].logProbs.map((x) => Math.round(x * 10) / 10), [-2.1, -1.1]); // −(20+1)/10, −(10+1)/10
  close(r.words[1].logProb, -3.2, 'ln P(negative): the sum of its two tokens');
  close(r.words[0].probability, Math.exp(-2.3), 'P(positive)');
  close(r.words[0].restricted, Math.exp(-2.3) / (Math.exp(-2.3) + Math.exp(-3.2)), 'restricted');
  close(r.words[0].restricted + r.words[1].restricted, 1, 'the restricted pair sums to 1', 1e-12);
  assert.equal(r.guess, 0);
  // probabilities far below a float's smallest keep their ratio
  const tiny = zeroShot.sentiment(() => Float32Array.of(0, -800), [1], [], [{ word: 'a', ids: [1] }, { word: 'b', ids: [1] }]);
  assert.equal(tiny.words[0].probability, 0);
  close(tiny.words[0].restricted, 0.5, 'e^−800 against e^−800', 1e-12);
});

test('acceptability: the mean over the tokens after the first; the verdict against the threshold', () => {
  const r = zeroShot.acceptability(handScorer(), [4, 2, 6]);
  assert.deepEqual(r.logProbs.map((x) => Math.round(x * 10) / 10), [-4.2, -2.6]);
  close(r.mean, -3.4, 'mean');
  assert.equal(zeroShot.acceptable(-3.4, -3.4), true, 'reaching the threshold is acceptable');
  assert.equal(zeroShot.acceptable(-3.41, -3.4), false);
});

test('multiple choice: each answer\'s tokens after the context, the highest mean picked; a tie picks the first', () => {
  const r = zeroShot.choice(handScorer(), [1, 2], [[3], [1, 1], [3]]);
  close(r.answers[0].mean, -2.3, 'answer 1: token 3 after 2');
  close(r.answers[1].mean, (-2.1 + -1.1) / 2, 'answer 2: the mean of its two tokens');
  assert.equal(r.guess, 1);
  assert.equal(zeroShot.best([-1, -1, -2]), 0);
});

test('Winograd: the rest of the sentence scored after each candidate; the prefix changes the rest\'s numbers', () => {
  const r = zeroShot.winograd(handScorer(), [[1, 9], [1, 2]], [4, 5]);
  close(r.candidates[0].mean, (-9.4 + -4.5) / 2, 'after 9');
  close(r.candidates[1].mean, (-2.4 + -4.5) / 2, 'after 2');
  assert.equal(r.guess, 1);
});

test('the pronoun in brackets: split around it; none, two, empty, unpaired or nothing after it are errors', () => {
  assert.deepEqual(splitPronoun('The cup would not fit because [it] was big.').value,
    { before: 'The cup would not fit because ', pronoun: 'it', after: ' was big.' });
  assert.match(splitPronoun('The cup would not fit because it was big.').error, /^Put the pronoun in square brackets, once: .* This sentence has none\.$/);
  assert.match(splitPronoun('[It] saw [it] go.').error, /has 2 bracketed parts\./);
  assert.match(splitPronoun('It saw [it go.').error, /has none and a bracket without its pair\./);
  assert.match(splitPronoun('Then [ ] was big.').error, /^The brackets are empty/);
  assert.match(splitPronoun('The cup saw [it].').error, /^Nothing after the pronoun but punctuation/);
});

test('lists one item a line: blank lines skipped, the count checked', () => {
  assert.deepEqual(itemLines(' a \n\n b\n', 'answers', 2, 8).value, ['a', 'b']);
  assert.equal(itemLines('a', 'answers', 2, 8).error, 'Write 2 to 8 answers, one a line; there is 1.');
  assert.equal(itemLines('a\nb\nc', 'candidates', 2, 2).error, 'Write 2 to 2 candidates, one a line; there are 3.');
});

test('labelled examples: the labels in the order they first appear, the last quarter held out, each line\'s problem named', () => {
  const text = 'good tea\tpos\nbad tea\tneg\n\nok tea\tmeh\r\nfine\tpos\nawful\tneg\ngreat\tpos\nmeh\tmeh\nyes\tpos\n';
  const { labels, train, test: held } = parseLabelled(text).value;
  assert.deepEqual(labels, ['pos', 'neg', 'meh']);
  assert.deepEqual(train.map((e) => [e.text, e.label, e.line]), [['good tea', 0, 1], ['bad tea', 1, 2], ['ok tea', 2, 4],
    ['fine', 0, 5], ['awful', 1, 6], ['great', 0, 7]]);
  assert.deepEqual(held.map((e) => [e.text, e.label, e.line]), [['meh', 2, 8], ['yes', 0, 9]]);
  assert.equal(parseLabelled('a\tx\nb\ny\tz').error, 'Line 2 should be text, a tab, then a label; it has 1 field and no tab.');
  assert.equal(parseLabelled('a\tx\ty').error, 'Line 1 should be text, a tab, then a label; it has 3 fields.');
  assert.equal(parseLabelled('a\tx\nb\tx\nc\tx\nd\tx').error, 'The examples need at least 2 different labels; they have 1.');
  assert.equal(parseLabelled('a\tx\nb\ty\nc\tx').error, 'At least 4 examples are needed (3 to train on, 1 to test); there are 3.');
  const many = Array.from({ length: 17 }, (_, i) => `t${i}\tlabel${i}`).join('\n');
  assert.equal(parseLabelled(many).error, 'Line 17 brings a 17th label, “label16”: the classifier takes 2 to 16 classes.');
  // the built-in set: 32 lines, balanced, 8 held out
  const builtin = parseLabelled(readFileSync(new URL('../../www/data/gpt1-sentiment.tsv', import.meta.url), 'utf8')).value;
  assert.deepEqual([builtin.labels, builtin.train.length, builtin.test.length], [['positive', 'negative'], 24, 8]);
  assert.equal(builtin.test.filter((e) => e.label === 0).length, 4);
});

test('batches: the next eight in order, wrapping round; fewer examples than a batch take them all', () => {
  assert.equal(BATCH, 8);
  assert.deepEqual(batchAt(24, 0), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(batchAt(20, 2), [16, 17, 18, 19, 0, 1, 2, 3]);
  assert.deepEqual(batchAt(3, 1), [0, 1, 2]);
});

test('the fine-tuning settings: each range said; the paper\'s warm-up of 0.2% is at least one step', () => {
  assert.deepEqual(TUNING_SETTINGS.rate('6.25e-5'), { value: 6.25e-5 });
  assert.equal(TUNING_SETTINGS.rate('0').error, 'The learning rate must be a number greater than 0 and at most 1; “0” is not.');
  assert.equal(TUNING_SETTINGS.blocks('13').error, 'Blocks that train must be a whole number from 0 to 12; “13” is not.');
  assert.equal(TUNING_SETTINGS.steps('0').error, 'Steps must be a whole number from 1 to 500; “0” is not.');
  assert.match(TUNING_SETTINGS.lambda('-1').error, /^λ must be a number at least 0 and at most 100/);
  assert.deepEqual([warmupFor(9), warmupFor(500), warmupFor(1000)], [1, 1, 2]);
});

// — the worker's requests on a real (small) model —

const api = await import(new URL('../../www/gpt-api.js', import.meta.url));
api.initSync({ module: readFileSync(new URL('../../www/pkg/gpt1_playground_gpt_bg.wasm', import.meta.url)) });
const gunzip = (name) => gunzipSync(readFileSync(new URL(`../../www/data/gpt1/${name}`, import.meta.url))).toString();
const bpe = new api.Gpt1Tokenizer(gunzip('encoder_bpe_40000.json.gz'), gunzip('vocab_40000.bpe.gz'));

/** A model of GPT-1's layout at d = 24 (12 heads), 2 blocks and 64 positions, with `rows` token rows, random from `seed`. */
function smallModel(rows = 40478, seed = 3) {
  const d = 24;
  const tensors = [['tokens_embed.weight', [rows, d]], ['positions_embed.weight', [64, d]]];
  for (let l = 0; l < 2; l++) {
    tensors.push([`h.${l}.attn.c_attn.weight`, [d, 3 * d]], [`h.${l}.attn.c_attn.bias`, [3 * d]], [`h.${l}.attn.c_proj.weight`, [d, d]],
      [`h.${l}.attn.c_proj.bias`, [d]], [`h.${l}.ln_1.weight`, [d]], [`h.${l}.ln_1.bias`, [d]], [`h.${l}.mlp.c_fc.weight`, [d, 4 * d]],
      [`h.${l}.mlp.c_fc.bias`, [4 * d]], [`h.${l}.mlp.c_proj.weight`, [4 * d, d]], [`h.${l}.mlp.c_proj.bias`, [d]],
      [`h.${l}.ln_2.weight`, [d]], [`h.${l}.ln_2.bias`, [d]]);
  }
  const loader = api.TinyGpt.loadSafetensors(safetensorsHeader(tensors.map(([name, shape]) => ({ name, shape }))));
  let s = seed;
  for (const [name, shape] of tensors) {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      values[i] = /ln_\d\.weight$/.test(name) ? 1 : (s / 2 ** 32 - 0.5) * 0.4;
    }
    loader.write(new Uint8Array(values.buffer));
  }
  return loader.finish();
}

const gpt = smallModel();
const { requests, free } = experimentRequests(() => gpt, async () => bpe, () => 1234);
const ids = (text) => Array.from(bpe.encode(text));
const logProbs = (all) => Array.from(gpt.tokenLogProbs(Uint32Array.from(all)));

test('the heuristics\' requests give the core\'s own log-probabilities, with the tokens they read', async () => {
  const text = 'The tea was warm and wonderful.';
  const s = await requests.sentiment({ text });
  const [very, positive, negative] = [ids('very'), ids('positive'), ids('negative')];
  assert.deepEqual([very.length, positive.length, negative.length], [1, 1, 1], 'one token each in GPT-1\'s vocabulary');
  assert.deepEqual(s.prompt, [...ids(text), ...very]);
  assert.equal(s.tokens.at(-1), 'very</w>');
  assert.equal(s.words[0].logProb, logProbs([...s.prompt, ...positive]).at(-1));
  assert.equal(s.words[1].logProb, logProbs([...s.prompt, ...negative]).at(-1));
  assert.deepEqual(s.words.map((w) => w.pieces), [['positive</w>'], ['negative</w>']]);
  assert.equal(s.guess, s.words[0].logProb >= s.words[1].logProb ? 0 : 1);

  const a = await requests.acceptability({ text: 'The children are playing in the garden.' });
  assert.deepEqual(a.logProbs, logProbs(ids('The children are playing in the garden.')));
  assert.equal(a.tokens.length, a.logProbs.length + 1);
  close(a.mean, a.logProbs.reduce((x, y) => x + y) / a.logProbs.length, 'mean', 1e-12);

  const context = 'Tom planted tomato seeds. Question: what did he grow?';
  const c = await requests.choice({ context, answers: ['Tomatoes.', 'Big red apples.'] });
  for (const [i, answer] of ['Tomatoes.', 'Big red apples.'].entries()) {
    const all = [...ids(context), ...ids(answer)];
    assert.deepEqual(c.answers[i].logProbs, logProbs(all).slice(-ids(answer).length), `answer ${i + 1}`);
    assert.deepEqual(c.answers[i].tokens, Array.from(bpe.pieces(answer)));
  }
  assert.equal(c.context.length, ids(context).length);

  const w = await requests.winograd({ before: 'The cup would not fit on the shelf because ', after: ' was too tall.', candidates: ['the cup', 'the shelf'] });
  for (const [i, candidate] of ['the cup', 'the shelf'].entries()) {
    const all = [...ids(`The cup would not fit on the shelf because ${candidate}`), ...ids(' was too tall.')];
    assert.deepEqual(w.candidates[i].logProbs, logProbs(all).slice(-4), `under ${candidate}: was, too, tall, .`);
  }
  assert.deepEqual(w.rest, ['was</w>', 'too</w>', 'tall</w>', '.</w>']);
  assert.notDeepEqual(w.candidates[0].logProbs, w.candidates[1].logProbs, 'the candidate changes what follows');
});

test('the heuristics\' requests refuse what GPT-1 cannot read, naming the part', async () => {
  await assert.rejects(requests.sentiment({ text: '   ' }), /^Error: The text has 0 tokens; it needs at least 1$/);
  await assert.rejects(requests.acceptability({ text: 'Tea' }), /^Error: The sentence has 1 token; it needs at least 2$/);
  await assert.rejects(requests.acceptability({ text: 'tea '.repeat(70) }), /^Error: The sentence is 70 tokens long; GPT-1 reads at most 64$/);
  await assert.rejects(requests.choice({ context: 'A story.', answers: ['Yes.', ''] }), /^Error: Answer 2 has 0 tokens/);
  await assert.rejects(requests.winograd({ before: '', after: ' ran.', candidates: ['', 'the dog'] }), /^Error: The sentence up to candidate 1 has 0 tokens/);
});

const labelled = {
  labels: ['positive', 'negative'],
  train: ['Lovely warm tea.', 'Cold stale bread.', 'A wonderful film.', 'A dull and silly plot.', 'Kind and friendly staff.', 'Rude staff and bad food.']
    .map((text, i) => ({ text, label: i % 2, line: i + 1 })),
  test: [{ text: 'Fresh cakes and good coffee.', label: 0, line: 7 }, { text: 'The room smelled of smoke.', label: 1, line: 8 }],
  heldOut: ['The kettle sang on the stove.'],
};
const options = { lambda: 0.5, blocks: 1, rate: 1e-3, seed: 7, warmup: 1 };
const START = [40478, 40480]; // _start_, _classify_
const example = ({ text, label }) => ({ ids: [START[0], ...ids(text), START[1]], label });

test('fine-tuning a copy: measured before as the core\'s own tuner measures it, a step a request in batches, then after', async () => {
  const begun = await requests.tuneStart({ ...labelled, ...options });
  // the same tuner made here, on the examples transformed by hand: _start_ text _classify_
  const own = gpt.fineTuner({ classes: 2, trainBlocks: 1, lambda: 0.5, learningRate: 1e-3, seed: 7, warmup: 1 });
  const test = own.evaluate(labelled.test.map(example));
  const plain = own.evaluate(labelled.heldOut.map((text) => example({ text, label: 0 })));
  assert.deepEqual(begun.before, { task: test.task, accuracy: test.accuracy, lm: plain.lm });
  assert.equal(begun.trainable, own.trainable);
  assert.equal(begun.memory, 1234);
  const steps = [requests.tuneStep(), requests.tuneStep()];
  // step 1 trains on the six examples (fewer than a batch of 8), as does step 2
  const batch = labelled.train.map(example);
  assert.deepEqual(steps[0], { step: 1, ...own.step(batch) });
  assert.deepEqual(steps[1], { step: 2, ...own.step(batch) });
  assert.ok(steps[1].task !== steps[0].task && steps[1].lm !== steps[0].lm, 'the losses move');
  const after = requests.tuneEnd();
  const ownAfter = own.evaluate(labelled.test.map(example));
  assert.deepEqual(after, { task: ownAfter.task, accuracy: ownAfter.accuracy,
    lm: own.evaluate(labelled.heldOut.map((text) => example({ text, label: 0 }))).lm });
  own.free();
  assert.throws(() => requests.tuneStep(), /^Error: no fine-tuning is under way$/, 'the copy is dropped after it was measured');
});

test('fine-tuning refuses, naming the line or the option: too long a line, too many blocks, another vocabulary', async () => {
  const long = { ...labelled, train: [...labelled.train.slice(0, 2), { text: 'tea '.repeat(63), label: 0, line: 3 }] };
  await assert.rejects(requests.tuneStart({ ...long, ...options }), /^Error: line 3: 65 tokens with _start_ and _classify_; GPT-1 reads at most 64$/);
  await assert.rejects(requests.tuneStart({ ...labelled, heldOut: ['a', 'tea '.repeat(70)], ...options }), /^Error: held-out line 2: 72 tokens/);
  await assert.rejects(requests.tuneStart({ ...labelled, ...options, blocks: 3 }), /trainBlocks/);
  const other = smallModel(500);
  const theirs = experimentRequests(() => other, async () => bpe, () => 0);
  await assert.rejects(theirs.requests.tuneStart({ ...labelled, ...options }),
    /^Error: fine-tuning needs the model's vocabulary to be the tokenizer's: this model has 500 vocabulary rows, GPT-1's tokenizer 40478 tokens$/);
  other.free();
  // Stop: a copy started, then dropped
  await requests.tuneStart({ ...labelled, ...options });
  assert.equal(requests.tuneStop(), true);
  assert.throws(() => requests.tuneEnd(), /no fine-tuning is under way/);
  free();
});
