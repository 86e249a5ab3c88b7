// Part D's controls and outputs, made when its lab is first opened so that they are not part of the page's first
// load: the model's picture, pre-training, looking inside and fine-tuning, each with its labels, hints and inline
// error slots (drawing/controls.js).
import { el, svg } from '../../drawing/dom.js';
import { field, menu, radios, button, heading, explain, code, sub } from '../../drawing/controls.js';
import { DATA } from '../../assets/gpt.js';

const numeric = { inputMode: 'numeric' };
const decimal = { inputMode: 'decimal' };

/** A line chart's drawing surface: an <svg> named by its title and described by its desc (line-chart.js keeps both). */
const chart = (id, height, title, desc = '') => svg('svg', { id, viewBox: `0 0 600 ${height}`, role: 'img',
  'aria-labelledby': `${id}-title ${id}-desc` }, svg('title', { id: `${id}-title` }, title), svg('desc', { id: `${id}-desc` }, desc));

/** The picture of the architecture, and why GPT-1's LayerNorm sits where it does. */
function theModel() {
  return [
    heading('h3', 'The model'),
    el('p', { text: "Read the picture from the bottom: the embeddings, the blocks, then the two outputs that read the final state h. On the left is GPT-1's block, the one this model uses: each sub-layer's output is added to its input, then LayerNormed. On the right is GPT-2's arrangement (pre-LN): the LayerNorm moves to each sub-layer's input and one more comes after the last block. The table puts this model's sizes beside GPT-1's." }),
    el('p', { text: 'Which trains better here? Measured on 32,032 US first names cut into characters (30,032 to train on, 1,000 to validate: a benchmark of this project, not on the page), at the small size (d = 32, 2 blocks, 4 heads) and this page\'s learning rate (7e-3 after 200 warm-up steps), the validation loss after 4,500 steps was 2.078 post-LN and 2.098 pre-LN, where the best 4-gram gets 2.112: at two blocks, post-LN ends a little lower. GPT-2 moved the LayerNorm for depth. With pre-LN, the path from the loss back to the embeddings is a plain sum through every block, so the first blocks of a 48-block stack still get a strong gradient. Training is then stable without a long warm-up. With post-LN, that gradient passes through every LayerNorm above it.' }),
    el('div', { id: 'gpt-architecture', class: 'gpt-architecture' }),
  ];
}

/** The settings of pre-training, its buttons, readout, loss chart and the samples drawn as it trains. */
function preTrain() {
  return [
    heading('h3', '1. Pre-train'),
    el('div', { class: 'controls gpt-controls' },
      menu('gpt-size', 'Model size', [['tiny', 'tiny: 16-dim, 1 layer, 2 heads'], ['small', 'small: 32-dim, 2 layers, 4 heads'],
        ['medium', 'medium: 64-dim, 2 layers, 4 heads']], { hint: 'Width of the states, blocks, attention heads.', className: 'gpt-size-field' }),
      field('gpt-max-steps', 'Stop after', { ...numeric, hint: 'Steps, 25 to 20,000.' }),
      menu('gpt-speed', 'Steps per second', [['0', 'as fast as it goes'], ['100', '100'], ['20', '20'], ['5', '5'],
        ['2', '2: slow motion']], { hint: 'Slow it down to watch.' }),
      field('gpt-seed', 'Weights seed', { ...numeric, hint: 'The same seed starts from the same random weights.' })),
    radios('gpt-source', 'Corpus', [['builtin', 'the built-in chai corpus (416 sentences)'], ['part-a', 'the corpus from Part A']], {
      builtin: el('a', { class: 'hint', href: DATA.corpus.href, download: 'chai-corpus.txt', text: 'Download the built-in corpus' }),
      'part-a': el('p', { class: 'hint', id: 'gpt-source-hint' }),
    }),
    el('div', { class: 'inline' },
      button('gpt-train', 'Train'), button('gpt-pause', 'Pause', { disabled: true }), button('gpt-reset', 'Reset'),
      el('p', { id: 'gpt-status', class: 'gpt-status' }),
      el('p', { id: 'gpt-announce', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' })),
    el('p', { class: 'error', id: 'gpt-error', role: 'alert', hidden: true }),
    el('p', { class: 'hint', id: 'gpt-pending', hidden: true }),
    el('div', { id: 'gpt-weights' }),
    el('p', { class: 'error', id: 'gpt-weights-error', role: 'alert', hidden: true }),
    el('p', { class: 'hint', id: 'gpt-weights-status', role: 'status' }),
    el('dl', { class: 'results gpt-readout' }, [['Step', 'gpt-step', '0'], ['Training loss', 'gpt-train-loss', '—'],
      ['Validation loss', 'gpt-val-loss', '—'], ['Weights', 'gpt-params', '—']]
      .map(([term, id, value]) => el('div', {}, el('dt', { text: term }), el('dd', { id, text: value })))),
    el('figure', { class: 'gpt-figure' },
      chart('gpt-chart', 300, "The tiny GPT's training and validation loss per step, against the n-gram models' validation loss", 'No training yet.'),
      el('figcaption', { text: 'Thin: the loss of the last training batch. Thick: the loss on the held-out validation lines. Dashed: the validation loss of the counting models.' })),
    el('ul', { id: 'gpt-baselines', class: 'gpt-baselines', 'aria-label': 'Validation loss of the n-gram models' }),
    el('div', { class: 'inline', id: 'gpt-best-box', hidden: true },
      el('p', { id: 'gpt-best', class: 'hint' }), button('gpt-rewind', 'Return to the best step')),
    el('p', { class: 'hint', id: 'gpt-split' }),
    ...samples(),
  ];
}

/** The sampler's settings and the samples it draws from the model as it is now. */
function samples() {
  return [
    heading('h4', 'Samples from the model as it is now', { class: 'subhead' }),
    el('div', { class: 'controls' },
      field('gpt-gen-seed', 'Sample seed', numeric),
      field('gpt-gen-len', 'Sample length', numeric),
      field('gpt-gen-temp', 'Sample temperature', decimal),
      field('gpt-gen-topk', 'Sample top-k', { ...numeric, hint: '0 keeps all tokens.' }),
      el('div', { class: 'field field-button' }, button('gpt-resample', 'Resample'), el('p', { class: 'hint', text: 'A fresh random seed.' }))),
    el('p', { class: 'hint', id: 'gpt-samples-caption', text: 'Redrawn every few seconds while training, with the same seed: the same random draws from the model as it is now: better while validation loss falls, copying the training lines once it overfits.' }),
    el('ol', { id: 'gpt-samples', class: 'samples gpt-samples', 'aria-label': 'Samples' }),
  ];
}

/** A line's attention, head by head, and the next-token distribution at each position. */
function lookInside() {
  return [
    heading('h3', '2. Look inside'),
    explain('In each layer every head of the attention computes, for each position, weights over that position and the ones before it (never after: the mask makes the model left-to-right), and takes a weighted average of their states. Each row below sums to 1. Below it, the distribution the model predicts for the next token at each position.'),
    el('div', { class: 'controls gpt-inspect-controls' },
      field('gpt-line', 'Input line', { wide: true }),
      menu('gpt-layer', 'Layer'),
      menu('gpt-head', 'Head')),
    el('p', { class: 'hint', id: 'gpt-inspect-empty', text: 'Train the model first.' }),
    el('div', { class: 'matrix-layout' },
      el('div', { id: 'gpt-attention', class: 'matrix-wrap', 'aria-label': 'Attention weights (scroll sideways on small screens)' }),
      el('div', { class: 'matrix-side' }, el('div', { id: 'gpt-cell-explain', class: 'cell-explain', 'aria-live': 'polite' }))),
    el('div', { id: 'gpt-next', class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Next-token distributions (scrolls sideways on small screens)' }),
  ];
}

/** Two copies fine-tuned side by side (λ = 0 and the reader's λ): the task, its examples, settings and results. */
function fineTune() {
  return [
    heading('h3', '3. Fine-tune'),
    explain('Fine-tuning adds one new weight matrix W', sub('y'), ': the final state h at ', code('[EXTRACT]'),
      ' gives P(y | x) = softmax(h·W', sub('y'), "), and all the weights are trained on the labelled examples with L = L_task + λ·L_lm (Part C). The page fine-tunes two copies of the same pre-trained model side by side, one with λ = 0 (the task alone) and one with your λ, with the same examples, steps and seed, then tests both on the held-out quarter of the examples and on the corpus's validation lines."),
    radios('gpt-task', 'Task', [['sentiment', 'sentiment (classification)'], ['entailment', 'entailment']]),
    el('div', { class: 'field' },
      el('label', { htmlFor: 'gpt-labelled', text: 'Labelled examples' }),
      el('p', { class: 'hint', id: 'gpt-labelled-hint' }),
      el('textarea', { id: 'gpt-labelled', rows: 6, spellcheck: false, autocapitalize: 'off', autocomplete: 'off',
        'aria-describedby': 'gpt-labelled-hint gpt-labelled-error' }),
      el('p', { class: 'error', id: 'gpt-labelled-error', hidden: true }),
      button('gpt-labelled-restore', 'Restore the built-in examples')),
    el('div', { class: 'controls' },
      field('gpt-lambda', 'λ of the second copy', decimal),
      field('gpt-ft-steps', 'Fine-tuning steps', { ...numeric, hint: '1 to 2,000.' }),
      field('gpt-ft-seed', 'Batch seed', { ...numeric, hint: 'Order of the batches.' }),
      el('div', { class: 'field field-button' },
        button('gpt-finetune', 'Fine-tune both', { 'aria-describedby': 'gpt-finetune-why' }),
        el('p', { class: 'hint', id: 'gpt-finetune-why' }))),
    el('p', { id: 'gpt-ft-status', class: 'gpt-status', role: 'status', 'aria-live': 'polite' }),
    el('p', { class: 'error', id: 'gpt-ft-error', role: 'alert', hidden: true }),
    el('div', { id: 'gpt-ft-results', class: 'table-wrap', 'aria-label': 'Fine-tuning results (scroll sideways on small screens)' }),
    el('figure', { class: 'gpt-figure', id: 'gpt-ft-figure', hidden: true },
      chart('gpt-ft-chart', 240, 'Language-model loss on the fine-tuning batches, per step, for both values of λ'),
      el('figcaption', { text: 'The language-model loss on the examples being fine-tuned on, for both copies: with λ = 0 nothing in the objective holds it down; with λ > 0 it is part of what is minimised. The text above says how each copy did.' })),
  ];
}

/** Fills the lab (a <details> holding only its summary) with Part D's controls and outputs. */
export function buildLab(lab) {
  lab.append(...theModel(), ...preTrain(), ...lookInside(), ...fineTune());
}
