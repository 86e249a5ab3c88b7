// What Part E's zero-shot heuristics show, drawn from a worker's answer (kinds/gpt1/experiments.js): the tokens GPT-1
// read, each token's log-probability as a coloured strip whose every value is written out, the averages or
// probabilities the heuristic compared, and its guess. Every number also sits, unrounded, in a data-value.
import { el, chip, shown } from '../../drawing/dom.js';
import { cellColours } from '../../drawing/colour.js';

/** A log-probability as the page prints it. */
export const logProbText = (x) => (Number.isFinite(x) ? x.toFixed(3) : '−∞');
/** A probability, readable however small. */
export const probabilityText = (p) => (p >= 1e-3 ? p.toFixed(4) : p.toExponential(2));

/** A number in an element: printed by `print`, exact in data-value; `name` says what it is (for tests and styles). */
const number = (tag, value, name, print = logProbText) => el(tag, { class: 'num', 'data-name': name, 'data-value': String(value), text: print(value) });

/** A token as the strips show it: its piece (a word's last piece ends in </w>). */
const piece = (token) => el('span', { class: 'tok', text: shown(token) });

/**
 * Tokens with their log-probabilities: a list whose items are coloured by the probability e^(log-probability) and
 * carry the value as text. The first `unscored` tokens have no value (nothing before them, or context shown).
 */
export function strip(tokens, logProbs, label, unscored = 0) {
  return el('ol', { class: 'lp-strip', 'aria-label': label }, tokens.map((token, i) => {
    const value = i < unscored ? null : logProbs[i - unscored];
    const colours = value === null ? {} : cellColours(Math.exp(value));
    return el('li', { class: value === null ? 'none' : null, style: colours },
      piece(token), ' ', value === null ? el('span', { class: 'num', text: '—' }) : number('span', value, 'token'));
  }));
}

/** A small table: a caption, column heads, and rows of cells (a cell given as an element, or text). */
export function table(caption, heads, rows, className = '') {
  const cell = (c) => (c instanceof Node ? c : el('td', { text: String(c) }));
  return el('table', { class: `loss-table gpt1-zs-table ${className}` }, el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map(cell)))));
}

/** A table in a box of its own that scrolls sideways where the screen is narrower (a phone). */
const scrolling = (...args) => el('div', { class: 'table-wrap', tabindex: '0', role: 'region',
  'aria-label': `${args[0]} (scrolls sideways on small screens)` }, table(...args));

const td = (...children) => el('td', {}, ...children);
const mark = (picked, word = 'picked') => el('td', { class: picked ? 'picked' : null, text: picked ? word : '' });

/** Sentiment: the prompt GPT-1 read, each word's probability raw and restricted to the two, and the guess. */
export function sentimentView({ tokens, words, guess }) {
  return [
    el('p', {}, 'GPT-1 reads the text and “very”: '),
    el('ol', { class: 'chips', 'aria-label': 'The tokens GPT-1 reads' }, tokens.map((t) => chip(t))),
    scrolling('The next word after the text and “very”', ['word', 'its tokens, ln P of each', 'ln P(word)', 'P(word)', 'P restricted to the two', 'guess'],
      words.map((w, i) => [el('th', { scope: 'row', text: w.word }), td(strip(w.pieces, w.logProbs, `${w.word}: the log-probability of each of its tokens`)),
        td(number('span', w.logProb, 'log-prob')), td(number('span', w.probability, 'probability', probabilityText)),
        td(number('span', w.restricted, 'restricted', (p) => p.toFixed(4))), mark(i === guess, 'guess')])),
    el('p', { class: 'gpt1-zs-verdict', text: `Guess: ${words[guess].word}. Restricted to the two words, P(${words[guess].word}) = `
      + `${probabilityText(words[guess].probability)} / (${words.map((w) => probabilityText(w.probability)).join(' + ')}) = ${words[guess].restricted.toFixed(4)}.` }),
  ];
}

/** Acceptability's verdict for an average against the threshold, in words. */
export function verdictText(mean, threshold) {
  return mean >= threshold ? `${logProbText(mean)} ≥ ${threshold.toFixed(1)}: acceptable`
    : `${logProbText(mean)} < ${threshold.toFixed(1)}: unacceptable`;
}

/** Acceptability: each token's log-probability, their average, and the verdict at `threshold`. */
export function acceptabilityView({ tokens, logProbs, mean }, threshold) {
  return [
    strip(tokens, logProbs, 'The sentence’s tokens and the log-probability of each after the first', 1),
    el('p', { class: 'gpt1-zs-verdict' }, `The average of the ${logProbs.length} log-probabilities: `, number('strong', mean, 'mean'),
      el('span', { class: 'gpt1-verdict', text: `. Against the threshold: ${verdictText(mean, threshold)}.` })),
  ];
}

/** Multiple choice: each answer's tokens with their log-probabilities, their average, and the pick. */
export function choiceView({ context, answers, guess }, texts) {
  return [
    el('p', { text: `Each answer is scored after the ${context.length} tokens of the document and question.` }),
    scrolling('Each answer’s tokens after the document and question', ['answer', 'its tokens, ln P of each', 'average', 'pick'],
      answers.map((a, i) => [el('th', { scope: 'row', text: `${i + 1}. ${texts[i]}` }),
        td(strip(a.tokens, a.logProbs, `Answer ${i + 1}: the log-probability of each of its tokens`)), td(number('span', a.mean, 'mean')), mark(i === guess)])),
    el('p', { class: 'gpt1-zs-verdict', text: `Picked: answer ${guess + 1}, “${texts[guess]}”, whose tokens average ${logProbText(answers[guess].mean)}.` }),
  ];
}

/** Winograd: the sentence with each candidate, the rest's log-probabilities under it, their average, the pick. */
export function winogradView({ rest, candidates, guess }, { before, after }, names) {
  return [
    scrolling('The rest of the sentence, scored after each candidate', ['candidate', 'the sentence with it', 'the rest, ln P of each token', 'average', 'pick'],
      candidates.map((c, i) => [el('th', { scope: 'row', text: names[i] }), el('td', { class: 'wrap', text: `${before}${names[i]}${after}` }),
        td(strip(rest, c.logProbs, `The rest of the sentence after ${names[i]}: the log-probability of each token`)), td(number('span', c.mean, 'mean')), mark(i === guess)])),
    el('p', { class: 'gpt1-zs-verdict', text: `Picked: ${names[guess]}, under which the rest of the sentence averages ${logProbText(candidates[guess].mean)}.` }),
  ];
}
