// Part E's four zero-shot heuristics as the panel knows them (zero-shot.js asks, this says what to ask and show): for
// each, its fields, how they are read into the worker's request (kinds/gpt1/experiments.js), what is drawn of the
// answer (zero-shot-views.js), the guess in words, and the built-in examples' table. No requests here.
import { el } from '../../drawing/dom.js';
import { itemLines, splitPronoun } from './experiment-inputs.js';
import { acceptable } from '../../kinds/gpt1/zero-shot.js';
import { sentimentView, acceptabilityView, choiceView, winogradView, verdictText, logProbText, probabilityText, table } from './zero-shot-views.js';

const joined = (values, print = logProbText) => values.map(print).join(', ');

/**
 * The four heuristics: their fields (id → store name), the fields' text from a built-in example, how the fields
 * are read into the worker's request (or an error beside one field), which field a worker's error is about (the
 * first, unless `blame` says), how many passes of GPT-1 it takes, what is drawn, the guess in words and, for the built-in examples' table, the numbers compared and the right answer.
 */
export const HEURISTICS = {
  sentiment: {
    fields: { 'gpt1-zs-text': 'sentiment' },
    example: (e) => ({ 'gpt1-zs-text': e.text }),
    read: (v) => ({ payload: { text: v['gpt1-zs-text'] } }),
    passes: () => 2,
    view: (r) => sentimentView(r),
    guess: (r) => r.words[r.guess].word,
    numbers: (r) => `P: ${r.words.map((w) => `${w.word} ${probabilityText(w.probability)}`).join(', ')}; restricted ${joined(r.words.map((w) => w.restricted), (p) => p.toFixed(3))}`,
    expected: (e) => e.answer,
    shown: (e) => e.text,
  },
  acceptability: {
    fields: { 'gpt1-zs-sentence': 'cola' },
    example: (e) => ({ 'gpt1-zs-sentence': e.text }),
    read: (v) => ({ payload: { text: v['gpt1-zs-sentence'] } }),
    passes: () => 1,
    view: (r, _, threshold) => acceptabilityView(r, threshold),
    guess: (r, _, threshold) => (acceptable(r.mean, threshold) ? 'acceptable' : 'unacceptable'),
    numbers: (r, _, threshold) => `average ${verdictText(r.mean, threshold)}`,
    expected: (e) => e.answer,
    shown: (e) => e.text,
  },
  choice: {
    fields: { 'gpt1-zs-context': 'choiceContext', 'gpt1-zs-answers': 'choiceAnswers' },
    blame: (message) => (/^Answer/.test(message) ? 'gpt1-zs-answers' : 'gpt1-zs-context'),
    example: (e) => ({ 'gpt1-zs-context': e.context, 'gpt1-zs-answers': e.answers.join('\n') }),
    read(v) {
      const answers = itemLines(v['gpt1-zs-answers'], 'answers', 2, 8);
      if (answers.error) return { id: 'gpt1-zs-answers', error: answers.error };
      return { payload: { context: v['gpt1-zs-context'], answers: answers.value } };
    },
    passes: (p) => p.answers.length,
    view: (r, p) => choiceView(r, p.answers),
    guess: (r, p) => `${r.guess + 1}. ${p.answers[r.guess]}`,
    numbers: (r) => `averages ${joined(r.answers.map((a) => a.mean))}`,
    expected: (e) => `${e.answer + 1}. ${e.answers[e.answer]}`,
    shown: (e) => `${e.context} ${e.answers.map((a, i) => `(${i + 1}) ${a}`).join(' ')}`,
  },
  winograd: {
    fields: { 'gpt1-zs-schema': 'winograd', 'gpt1-zs-candidates': 'candidates' },
    blame: (message) => (/up to candidate/.test(message) ? 'gpt1-zs-candidates' : 'gpt1-zs-schema'),
    example: (e) => ({ 'gpt1-zs-schema': e.sentence, 'gpt1-zs-candidates': e.candidates.join('\n') }),
    read(v) {
      const parts = splitPronoun(v['gpt1-zs-schema']);
      if (parts.error) return { id: 'gpt1-zs-schema', error: parts.error };
      const candidates = itemLines(v['gpt1-zs-candidates'], 'candidates', 2, 4);
      if (candidates.error) return { id: 'gpt1-zs-candidates', error: candidates.error };
      const { before, after } = parts.value;
      return { payload: { before, after, candidates: candidates.value } };
    },
    passes: (p) => p.candidates.length,
    view: (r, p) => winogradView(r, p, p.candidates),
    guess: (r, p) => p.candidates[r.guess],
    numbers: (r, p) => `averages ${r.candidates.map((c, i) => `${p.candidates[i]} ${logProbText(c.mean)}`).join(', ')}`,
    expected: (e) => e.candidates[e.answer],
    shown: (e) => `${e.sentence} (${e.candidates.join(' or ')})`,
  },
};

/** The built-in examples' table: each example, the right answer, the numbers compared, GPT-1's guess, and every number. */
export function examplesTable(spec, examples, scored, threshold) {
  const rows = examples.map((example, i) => {
    const done = scored[i];
    if (!done) return [spec.shown(example), spec.expected(example), '—', '—', '—', ''];
    const { payload, result } = done;
    const guess = spec.guess(result, payload, threshold);
    return [spec.shown(example), spec.expected(example), spec.numbers(result, payload, threshold), guess,
      guess === spec.expected(example) ? 'yes' : 'no',
      el('td', {}, el('details', {}, el('summary', { text: 'every number' }), spec.view(result, payload, threshold)))];
  });
  const right = scored.filter((done, i) => done && spec.guess(done.result, done.payload, threshold) === spec.expected(examples[i])).length;
  const count = scored.filter(Boolean).length;
  const caption = count ? `The built-in examples: ${right} of the ${count} scored guessed right` : 'The built-in examples (not scored yet)';
  return table(caption, ['example', 'right answer', 'numbers compared', 'GPT-1’s guess', 'right?', 'every number'], rows, 'gpt1-zs-examples');
}
