// Part E's controls, made when its lab is first opened so that they are not part of the page's first load. Plain
// elements with their labels, hints and inline error slots, as the page's own markup writes them (dom.js's el()).
import { el } from '../../drawing/dom.js';

/** A text input that the browser neither completes nor spell-checks. */
function text(props) {
  const input = el('input', { type: 'text', autocomplete: 'off', ...props });
  input.setAttribute('spellcheck', 'false');
  return input;
}

/** A labelled text field with an error slot (and a hint): `id`, its label, and the input's extra attributes. */
function field(id, label, { hint, wide, ...input } = {}) {
  const described = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ');
  return el('div', { class: wide ? 'field gpt-line-field' : 'field' },
    el('label', { htmlFor: id, text: label }),
    text({ id, class: wide ? null : 'short', 'aria-describedby': described, ...input }),
    hint && el('p', { class: 'hint', id: `${id}-hint`, text: hint }),
    el('p', { class: 'error', id: `${id}-error`, hidden: true }));
}

const button = (id, text, props = {}) => el('button', { type: 'button', id, text, ...props });
const heading = (level, text) => el(level, { text });
const explain = (...text) => el('div', { class: 'explain' }, el('p', {}, ...text));
const code = (text) => el('code', { text });
const sub = (text) => el('sub', { text });

/** Fills the lab (a <details> holding only its summary) with Part E's controls and outputs. */
export function buildLab(lab) {
  lab.append(
    el('p', { id: 'gpt1-about' }, 'The file is on the model’s “Files and versions” tab. OpenAI’s own release works too: the ten files ',
      code('params_0.npy'), ' … ', code('params_9.npy'), ' in the ', code('model'), ' folder of its ', code('openai/finetune-transformer-lm'),
      ' repository on GitHub (the same 479 MB in ten pieces); pick or drop all ten at once, with ', code('params_shapes.json'),
      ' if you have it. It holds the 117M weights of Radford, Narasimhan, Salimans and Sutskever (2018), “Improving Language Understanding by Generative Pre-Training”: the pre-trained model, never fine-tuned. It runs with GPT-1’s own tokenizer (40,000 merges) and Part A’s seeded sampler. The page keeps the file in your browser’s storage for your next visit until you press ',
      el('em', { text: 'Forget the weights' }), '. It needs about 500 MB of memory (its weights are 466 MB): a phone may not have it.'),
    el('div', { id: 'gpt1-drop', class: 'drop-zone' },
      el('label', { htmlFor: 'gpt1-file' }, 'The weights file, ', code('model.safetensors'), ', or OpenAI’s ten ', code('.npy'), ' files'),
      el('input', { type: 'file', id: 'gpt1-file', accept: '.safetensors,.npy,.json', multiple: true, 'aria-describedby': 'gpt1-drop-hint' }),
      el('p', { class: 'hint', id: 'gpt1-drop-hint', text: 'Pick it, or drop it onto this box. For OpenAI’s release, pick or drop params_0.npy … params_9.npy together (and params_shapes.json, if you have it), named as released.' })),
    el('progress', { id: 'gpt1-progress', max: 1, value: 0, 'aria-label': 'Reading the weights file', hidden: true }),
    el('div', { class: 'inline' },
      el('p', { id: 'gpt1-weights-status', class: 'gpt-status', role: 'status', 'aria-live': 'polite', text: 'No weights yet.' }),
      button('gpt1-cancel', 'Stop reading', { hidden: true }),
      button('gpt1-forget', 'Forget the weights', { disabled: true })),
    el('p', { class: 'error', id: 'gpt1-error', role: 'alert', hidden: true }),
    el('p', { class: 'hint', id: 'gpt1-notice', hidden: true }),
    el('p', { class: 'hint', id: 'gpt1-timing' }),
    el('div', { id: 'gpt1-ready', hidden: true },
      heading('h3', '1. Continue a prompt'),
      el('div', { class: 'controls' },
        field('gpt1-prompt', 'Prompt for GPT-1', { wide: true }),
        field('gpt1-seed', 'GPT-1 seed', { inputMode: 'numeric' }),
        field('gpt1-temp', 'GPT-1 temperature', { inputMode: 'decimal' }),
        field('gpt1-topk', 'GPT-1 top-k', { inputMode: 'numeric', hint: '0 keeps all tokens.' }),
        field('gpt1-len', 'New tokens', { inputMode: 'numeric' }),
        el('div', { class: 'field field-button' }, button('gpt1-run', 'Continue'), button('gpt1-stop', 'Stop', { disabled: true }))),
      el('p', { id: 'gpt1-output', class: 'gpt1-output', 'aria-label': 'The prompt and its continuation' }),
      el('p', { id: 'gpt1-run-status', class: 'hint', role: 'status', 'aria-live': 'polite' }),
      el('h4', { class: 'subhead', text: 'The next token after the prompt' }),
      explain('Tokens are GPT-1’s pieces as its vocabulary spells them: a piece that ends a word ends in ', code('</w>'),
        ' (Part A’s Tokens shows the steps that cut a text into them). The continuation above joins them into text.'),
      el('div', { id: 'gpt1-next', class: 'table-wrap' }),
      el('div', { class: 'field' },
        el('label', { htmlFor: 'gpt1-word', text: 'Where does this word rank?' }),
        text({ id: 'gpt1-word', class: 'short', 'aria-describedby': 'gpt1-rank gpt1-word-error' }),
        el('p', { id: 'gpt1-rank', class: 'hint', 'aria-live': 'polite' }),
        el('p', { class: 'error', id: 'gpt1-word-error', hidden: true })),
      heading('h3', '2. All 144 heads'),
      explain('Each small map is one head’s attention over the prompt (for prompts of up to 24 tokens): row i is what position i looks at, among itself and the tokens before it. Rows are GPT-1’s 12 layers, columns its 12 heads. Press a map to see it large, cell by cell.'),
      el('p', { class: 'error', id: 'gpt1-heads-error', hidden: true }),
      el('div', { id: 'gpt1-heads', class: 'heads-grid', role: 'group', 'aria-label': 'GPT-1’s 144 attention maps' }),
      el('div', { class: 'matrix-layout' },
        el('div', { id: 'gpt1-head-big', class: 'matrix-wrap' }),
        el('div', { class: 'matrix-side' }, el('div', { id: 'gpt1-cell-explain', class: 'cell-explain', 'aria-live': 'polite' }))),
      heading('h3', '3. Part B’s input, with GPT-1’s ids'),
      explain('The task chosen in Part B, written in GPT-1’s tokens: ', code('_start_'), ', ', code('_delimiter_'), ' and ',
        code('_classify_'), ' are ids 40,478, 40,479 and 40,480, after the 40,478 tokens of the vocabulary. Fine-tuning would feed the final state at ',
        code('_classify_'), ' to a new linear layer W', sub('y'), '. The released model was never fine-tuned: it has no W', sub('y'),
        ', and so it makes no prediction for the task. Below is the state W', sub('y'), ' would read: for similarity, the two',
        ' orders’ states added element-wise.'),
      el('div', { id: 'gpt1-task', class: 'gpt1-task' })));
}
