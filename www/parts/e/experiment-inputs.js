// What the student types into Part E's experiments, read as plain data (no DOM, tested in Node): a Winograd sentence
// with its pronoun in brackets, lists written one item a line, labelled examples as "text, a tab, label", and the
// fine-tuning settings. Each reader returns `{ value }` or `{ error }`, the error saying what is wrong and what is
// allowed, for the panel to show beside the field; the text itself is never changed.
import { decimal, parseLambda, whole } from '../../state/numbers.js';

export const MAX_CLASSES = 16; // the fine-tuner's head takes 2 to 16 classes

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A sentence with its pronoun in square brackets (“… because [it] was too big.”): `{ before, pronoun, after }`,
 * where `after` is the rest of the sentence, which the heuristic scores.
 */
export function splitPronoun(sentence) {
  const marks = sentence.match(/\[[^\[\]]*\]/g) ?? [];
  if (marks.length !== 1 || /[\[\]]/.test(sentence.replace(marks[0], ''))) {
    return { error: `Put the pronoun in square brackets, once: “The cup would not fit on the shelf because [it] was too tall.” This sentence has ${marks.length ? plural(marks.length, 'bracketed part') : 'none'}${marks.length <= 1 && /[\[\]]/.test(sentence) ? ' and a bracket without its pair' : ''}.` };
  }
  const at = sentence.indexOf(marks[0]);
  const pronoun = marks[0].slice(1, -1).trim();
  const after = sentence.slice(at + marks[0].length);
  if (!pronoun) return { error: 'The brackets are empty: put the pronoun inside them, as in “[it]”.' };
  if (!/[^\s.,;:!?'"’”)]/u.test(after)) {
    return { error: 'Nothing after the pronoun but punctuation: the heuristic scores the rest of the sentence after it, so the sentence must go on.' };
  }
  return { value: { before: sentence.slice(0, at), pronoun, after } };
}

/** The non-empty lines of `text` (trimmed), `min` to `max` of them, named `what` in an error. */
export function itemLines(text, what, min, max) {
  const items = text.split('\n').map((line) => line.trim()).filter(Boolean);
  if (items.length < min || items.length > max) {
    return { error: `Write ${min} to ${max} ${what}, one a line; there ${items.length === 1 ? 'is' : 'are'} ${items.length}.` };
  }
  return { value: items };
}

/**
 * Labelled examples, one a line: text, a tab, then its label (any word; the classes are the labels in the order
 * they first appear, 2 to 16 of them). The last quarter of the examples (at least one) is held out for testing.
 * Returns `{ value: { labels, train, test } }` (examples `{ text, label, line }`, label an index) or `{ error }`.
 */
export function parseLabelled(text) {
  const examples = [];
  const labels = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (!line.trim()) continue;
    const fields = line.split('\t').map((f) => f.trim());
    if (fields.length !== 2 || !fields[0] || !fields[1]) {
      return { error: `Line ${i + 1} should be text, a tab, then a label; it has ${plural(fields.filter(Boolean).length, 'field')}${fields.length === 1 ? ' and no tab' : ''}.` };
    }
    if (!labels.includes(fields[1])) labels.push(fields[1]);
    if (labels.length > MAX_CLASSES) {
      return { error: `Line ${i + 1} brings a ${labels.length}th label, “${fields[1]}”: the classifier takes 2 to ${MAX_CLASSES} classes.` };
    }
    examples.push({ text: fields[0], label: labels.indexOf(fields[1]), line: i + 1 });
  }
  if (labels.length < 2) return { error: `The examples need at least 2 different labels; they have ${labels.length}.` };
  if (examples.length < 4) return { error: `At least 4 examples are needed (3 to train on, 1 to test); there are ${examples.length}.` };
  const held = Math.max(1, Math.round(examples.length / 4));
  return { value: { labels, train: examples.slice(0, -held), test: examples.slice(-held) } };
}

/** The fine-tuning settings, each field's reader (`{ value }` or `{ error }`). */
export const TUNING_SETTINGS = {
  lambda: parseLambda,
  steps: (t) => whole(t, 'Steps', 1, 500),
  rate: (t) => decimal(t, 'The learning rate', { above: 0, max: 1 }),
  blocks: (t) => whole(t, 'Blocks that train', 0, 12),
  seed: (t) => whole(t, 'The seed', 0, 4294967295),
};

/** The paper's warm-up: 0.2% of the steps, here at least one. */
export const warmupFor = (steps) => Math.max(1, Math.round(steps * 0.002));
