// Part E's experiments on GPT-1, their controls and outputs: the paper's four zero-shot heuristics (section 4) and
// fine-tuning two copies with L_task + λ·L_lm (section 5). Made when the lab first opens, inside the part shown once
// weights are loaded, so the first load carries none of it. Plain elements with labels, hints and error slots.
import { el, svg } from '../../drawing/dom.js';
import { field, button, heading, explain, code, sub } from '../../drawing/controls.js';
import { PAPER_FINDING } from '../d/finetune.js';
import { BATCH } from '../../kinds/gpt1/experiments.js';

const decimal = { inputMode: 'decimal' };
const numeric = { inputMode: 'numeric' };

/** A labelled multi-line text box with its hint and error slot (`<id>-hint`, `<id>-error`). */
function area(id, label, hint, rows = 3) {
  return el('div', { class: 'field gpt1-area' },
    el('label', { htmlFor: id, text: label }),
    el('p', { class: 'hint', id: `${id}-hint`, text: hint }),
    el('textarea', { id, rows, spellcheck: false, autocapitalize: 'off', autocomplete: 'off', 'aria-describedby': `${id}-hint ${id}-error` }),
    el('p', { class: 'error', id: `${id}-error`, hidden: true }));
}

/**
 * One heuristic: its heading, what it does, its fields (`inputs`), a button for the student's input and one for the
 * built-in examples, a live status line, the numbers for the input, and the built-in examples' table.
 */
function heuristic(key, title, what, inputs) {
  const id = (part) => `gpt1-zs-${key}-${part}`;
  return el('section', { class: 'gpt1-zs', 'aria-labelledby': id('title') },
    heading('h4', title, { id: id('title'), class: 'subhead' }),
    el('p', {}, ...what),
    ...inputs,
    el('div', { class: 'inline' },
      button(id('run'), 'Score your input'),
      button(id('builtin'), 'Score the built-in examples', { disabled: true })),
    el('p', { id: id('status'), class: 'hint', role: 'status', 'aria-live': 'polite' }),
    el('p', { class: 'error', id: id('error'), role: 'alert', hidden: true }),
    el('div', { id: id('out'), class: 'gpt1-zs-out' }),
    el('div', { id: id('examples'), class: 'table-wrap', tabindex: '0', role: 'region',
      'aria-label': `${title}: the built-in examples (scrolls sideways on small screens)` }));
}

/** Section 4: the paper's zero-shot heuristics, each on the student's input and on built-in examples. */
function zeroShot() {
  return [
    heading('h3', '4. Zero-shot: tasks from the language model alone'),
    explain('Does pre-training teach a model things that tasks need, before any fine-tuning? The paper (its Figure 2, right) answered with four heuristics that use nothing but the probabilities the pre-trained model gives to text. They are heuristics, not a fine-tuned model: no weight changes and there is no W', sub('y'),
      '. The paper ran them on the model at points during pre-training and found their scores rising steadily with it. It reports them only on a scale from random guessing (0) to the state of the art of the time (1), not as raw accuracies. Here they run on the weights loaded above, and every number they use is shown: a log-probability is ln P of a token given every token before it (0 is certain; −10 is about 1 in 22,000), each computed by one full pass of GPT-1. The built-in examples were written for this playground.'),
    heuristic('sentiment', 'Sentiment (SST-2)', ['Append the token ', code('very'), ' to the text, then look at what GPT-1 would write next: keep only the probabilities of ', code('positive'), ' and ', code('negative'), ', divide each by their sum, and guess the more probable word.'],
      [field('gpt1-zs-text', 'Text to judge', { wide: true })]),
    heuristic('acceptability', 'Acceptability (CoLA)', ['Average the log-probabilities of the sentence’s tokens (each after the first, which has nothing before it), and call the sentence acceptable when the average reaches the threshold. The colour of a token is its probability.'],
      [field('gpt1-zs-sentence', 'Sentence to judge', { wide: true }),
        el('div', { class: 'field gpt1-threshold' },
          el('label', { htmlFor: 'gpt1-threshold', text: 'Threshold on the average log-probability' }),
          el('input', { type: 'range', id: 'gpt1-threshold', min: '-20', max: '0', step: '0.1', 'aria-describedby': 'gpt1-threshold-hint' }),
          el('output', { id: 'gpt1-threshold-value', htmlFor: 'gpt1-threshold' }),
          el('p', { class: 'hint', id: 'gpt1-threshold-hint', text: 'Move it: every sentence scored here, yours and the built-in ones, is judged again against it at once.' }))]),
    heuristic('choice', 'Multiple choice (RACE, Story Cloze)', ['Score each answer’s tokens after the document and the question, and pick the answer whose tokens have the highest average log-probability.'],
      [area('gpt1-zs-context', 'Document and question', 'The text the answers continue: a story, or a passage and its question.'),
        area('gpt1-zs-answers', 'Answers to choose from', 'One answer a line, 2 to 8 of them.')]),
    heuristic('winograd', 'Winograd schemas (DPRD)', ['Replace the pronoun with each candidate, and pick the candidate under which the rest of the sentence, after it, has the higher average log-probability.'],
      [field('gpt1-zs-schema', 'Sentence, its pronoun in [brackets]', { wide: true }),
        area('gpt1-zs-candidates', 'Candidates', 'Who or what the pronoun may be, one a line: 2 to 4.', 2)]),
  ];
}

/** A line chart's drawing surface, named by its title and described by its desc (line-chart.js keeps both). */
const chart = (id, title) => svg('svg', { id, viewBox: '0 0 600 240', role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
  svg('title', { id: `${id}-title` }, title), svg('desc', { id: `${id}-desc` }, 'No fine-tuning yet.'));

/** Section 5: fine-tuning two copies of GPT-1's top blocks, λ = 0 and the student's λ, one after the other. */
function fineTune() {
  return [
    heading('h3', '5. Fine-tune GPT-1 with L_task + λ·L_lm'),
    explain('The paper’s recipe on the real model: a new linear layer W', sub('y'), ' (with a bias) reads the final state at ', code('_classify_'),
      ' and gives P(y | x), and a copy of the model is trained on the labelled examples with L = L_task + λ·L_lm (Part C). L_task is the cross-entropy of the label; L_lm is the mean −ln P of each example’s next tokens. A browser tab cannot hold Adam’s state for all 117M weights, so only the top blocks train (the ones below, and the embeddings, stay as released). The three special rows ',
      code('_start_'), ', ', code('_delimiter_'), ' and ', code('_classify_'), ' are new, drawn at random from the seed, and train only when every block does. Two copies are tuned with the same examples, steps and seed, one with λ = 0 (the task alone) and one with your λ. They train one after the other, so the worker holds the model and one copy’s trainable part at a time: with GPT-1 and one block training, the project’s benchmark measured 636 MB of module memory for one copy and 804 MB for two side by side. Each copy is measured before and after: held-out accuracy and L_task, and L_lm on held-out plain text, which shows how much of the language model it forgot. ',
      PAPER_FINDING),
    el('div', { class: 'gpt1-two' },
      el('div', {}, area('gpt1-labelled', 'Labelled examples', 'One a line: text, a tab, then its label. The labels are the classes (2 to 16). The last quarter of the lines is held out for testing. The built-in set (32 reviews, written for this playground) is sentiment: positive or negative.', 6),
        button('gpt1-labelled-restore', 'Restore the built-in examples')),
      el('div', {}, area('gpt1-held-out', 'Held-out plain text', 'Text neither copy trains on, one passage a line: L_lm on it before and after.', 4),
        button('gpt1-held-out-restore', 'Restore the built-in text'))),
    el('div', { class: 'controls' },
      field('gpt1-ft-lambda', 'λ of the second copy', { ...decimal, hint: '0 to 100; the paper used 0.5.' }),
      field('gpt1-ft-steps', 'Steps per copy', { ...numeric, hint: `1 to 500, each a batch of ${BATCH} training examples in order. The paper trained for 3 epochs.` }),
      field('gpt1-ft-rate', 'Learning rate', { ...decimal, hint: 'The paper’s is 6.25e-5 (Adam, after a warm-up of 0.2% of the steps).' }),
      field('gpt1-ft-blocks', 'Blocks that train', { ...numeric, hint: 'From the top, 0 to 12. For GPT-1 more than 5 pass the module’s memory budget of 1.5 GB, and are refused.' }),
      field('gpt1-ft-seed', 'Seed of the new weights', { ...numeric, hint: 'Draws W_y and the special rows.' })),
    el('div', { class: 'inline' },
      button('gpt1-ft-run', 'Fine-tune both copies'),
      button('gpt1-ft-pause', 'Pause fine-tuning', { disabled: true }),
      button('gpt1-ft-stop', 'Stop fine-tuning', { disabled: true })),
    el('progress', { id: 'gpt1-ft-progress', max: 1, value: 0, 'aria-label': 'Fine-tuning: steps done of both copies', hidden: true }),
    el('p', { id: 'gpt1-ft-status', class: 'gpt-status', role: 'status', 'aria-live': 'polite' }),
    el('p', { class: 'error', id: 'gpt1-ft-error', role: 'alert', hidden: true }),
    el('p', { id: 'gpt1-ft-stale', class: 'hint', hidden: true, text: 'The examples or settings changed since this run: press Fine-tune both copies to see what they give.' }),
    el('div', { id: 'gpt1-ft-results', class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Fine-tuning results (scrolls sideways on small screens)' }),
    el('p', { id: 'gpt1-ft-summary', class: 'note gpt-ft-summary' }),
    el('figure', { class: 'gpt1-ft-figure', id: 'gpt1-ft-figure', hidden: true },
      chart('gpt1-ft-task-chart', 'L_task on each step’s batch, for both copies'),
      chart('gpt1-ft-lm-chart', 'L_lm on each step’s batch, for both copies'),
      el('figcaption', { text: 'The losses of each step’s batch before its update: the task’s cross-entropy above, the language model’s loss on the same examples below. With λ = 0 nothing holds L_lm down.' })),
  ];
}

/** Adds sections 4 and 5 to `ready` (the part of the lab shown once weights are loaded). */
export function buildExperiments(ready) {
  ready.append(...zeroShot(), ...fineTune());
}
