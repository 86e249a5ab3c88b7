// Part E's controls, made when its lab is first opened so that they are not part of the page's first load. Plain
// elements with their labels, hints and inline error slots (drawing/controls.js).
import { el } from '../../drawing/dom.js';
import { textInput, field, menu, button, heading, explain, code, sub } from '../../drawing/controls.js';
import { SCORES } from './head-scores.js';

const short = (props = {}) => ({ class: 'short', ...props });
const HUB = 'https://huggingface.co/openai-community/openai-gpt';
const RELEASE = 'https://github.com/openai/finetune-transformer-lm';
/** A link to a source, opened in a new tab (the page and a loaded model stay as they are). */
const link = (href, ...children) => el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, ...children);

/** Fills the lab (a <details> holding only its summary) with Part E's controls and outputs. */
export function buildLab(lab) {
  lab.append(
    el('div', { id: 'gpt1-form-box', class: 'gpt1-download' }), // (filled by form.js)
    el('div', { id: 'gpt1-download-box', class: 'gpt1-download' },
      button('gpt1-download', 'Download GPT-1 from Hugging Face', { 'aria-describedby': 'gpt1-download-what gpt1-download-error' }),
      el('p', { id: 'gpt1-download-what', class: 'hint' }, 'Fetches ', code('model.safetensors'), ' of ', code('openai-community/openai-gpt'),
        ' from ', el('span', { id: 'gpt1-hub-name' }), ': about 479 MB, MIT licence. It is kept in this browser’s storage only (in the compact form, the compact file made from it), and its SHA-256 is checked against the hub’s record of the file before it runs. Nothing is fetched until you press the button; a download cut short goes on from where it stopped.'),
      el('p', { class: 'error', id: 'gpt1-download-error', role: 'alert', hidden: true }),
      el('p', { id: 'gpt1-download-numbers', class: 'hint gpt1-numbers', hidden: true }),
      // a live log of what happened (a list's own role stays: the log role goes on a box around it)
      el('div', { role: 'log', 'aria-label': 'What happened during the download' }, el('ul', { id: 'gpt1-download-log', class: 'hint' }))),
    el('progress', { id: 'gpt1-progress', max: 1, value: 0, 'aria-label': 'Reading the weights file', hidden: true }),
    el('div', { class: 'inline' },
      el('p', { id: 'gpt1-weights-status', class: 'gpt-status', role: 'status', 'aria-live': 'polite', text: 'No weights yet.' }),
      button('gpt1-cancel', 'Stop reading', { hidden: true }),
      button('gpt1-forget', 'Forget the weights', { disabled: true })),
    el('p', { class: 'error', id: 'gpt1-error', role: 'alert', hidden: true }),
    el('p', { class: 'hint', id: 'gpt1-notice', hidden: true }),
    el('p', { class: 'hint', id: 'gpt1-timing' }),
    el('p', { class: 'hint', id: 'gpt1-source', hidden: true }),
    el('p', { id: 'gpt1-about' }, 'Or give the page the file yourself: it is on the “Files and versions” tab of ', link(HUB, code('openai-community/openai-gpt')),
      ' on Hugging Face. OpenAI’s own release works too: the ten files ',
      code('params_0.npy'), ' … ', code('params_9.npy'), ' in the ', code('model'), ' folder of its ', link(RELEASE, code('openai/finetune-transformer-lm')),
      ' repository on GitHub (the same weights in ten pieces, without the attention masks the safetensors file also holds); pick or drop all ten at once, with ', code('params_shapes.json'),
      ' if you have it. It holds the 117M weights of Radford, Narasimhan, Salimans and Sutskever (2018), “Improving Language Understanding by Generative Pre-Training”: the pre-trained model, never fine-tuned. It runs with GPT-1’s own tokenizer (40,000 merges) and Part A’s seeded sampler. The page keeps the file in your browser’s storage for your next visit until you press ',
      el('em', { text: 'Forget the weights' }), '. As released (float32) it needs about 500 MB of memory, which a phone may not have; its compact int8 form, made from the same file, about a third of that.'),
    el('div', { id: 'gpt1-drop', class: 'drop-zone' },
      el('label', { htmlFor: 'gpt1-file' }, 'The weights file, ', code('model.safetensors'), ', or OpenAI’s ten ', code('.npy'), ' files'),
      el('input', { type: 'file', id: 'gpt1-file', accept: '.safetensors,.npy,.json', multiple: true, 'aria-describedby': 'gpt1-drop-hint' }),
      el('p', { class: 'hint', id: 'gpt1-drop-hint', text: 'Pick it, or drop it onto this box. For OpenAI’s release, pick or drop params_0.npy … params_9.npy together (and params_shapes.json, if you have it), named as released.' })),
    el('div', { id: 'gpt1-ready', hidden: true },
      heading('h3', '1. Continue a prompt'),
      el('div', { class: 'controls' },
        field('gpt1-prompt', 'Prompt for GPT-1', { wide: true }),
        field('gpt1-seed', 'GPT-1 seed', short({ inputMode: 'numeric' })),
        field('gpt1-temp', 'GPT-1 temperature', short({ inputMode: 'decimal' })),
        field('gpt1-topk', 'GPT-1 top-k', short({ inputMode: 'numeric', hint: '0 keeps all tokens.' })),
        field('gpt1-len', 'New tokens', short({ inputMode: 'numeric' })),
        el('div', { class: 'field field-button' }, button('gpt1-run', 'Continue'), button('gpt1-stop', 'Stop', { disabled: true }))),
      el('p', { id: 'gpt1-output', class: 'gpt1-output', 'aria-label': 'The prompt and its continuation' }),
      el('p', { id: 'gpt1-run-status', class: 'hint', role: 'status', 'aria-live': 'polite' }),
      el('h4', { class: 'subhead', text: 'The next token after the prompt' }),
      explain('Tokens are GPT-1’s pieces as its vocabulary spells them: a piece that ends a word ends in ', code('</w>'),
        ' (Part A’s Tokens shows the steps that cut a text into them). The continuation above joins them into text.'),
      el('div', { id: 'gpt1-next', class: 'table-wrap', 'aria-label': 'The next token’s table (scrolls sideways on small screens)' }),
      el('div', { class: 'field' },
        el('label', { htmlFor: 'gpt1-word', text: 'Where does this word rank?' }),
        textInput({ id: 'gpt1-word', class: 'short', 'aria-describedby': 'gpt1-rank gpt1-word-error' }),
        el('p', { id: 'gpt1-rank', class: 'hint', 'aria-live': 'polite' }),
        el('p', { class: 'error', id: 'gpt1-word-error', hidden: true })),
      heading('h3', '2. All 144 heads'),
      explain('Each small map is one head’s attention over the prompt (for prompts of up to 24 tokens): row i is what position i looks at, among itself and the tokens before it. The grid’s rows are GPT-1’s 12 layers, numbered from the input up (layer 1 reads the embeddings, layer 12 gives the final state), and its columns are each layer’s 12 heads. Under each map is the head’s score: its mean attention on the previous token (or on the first token, if you choose), over every position of the prompt after the first. A head that scores near 1 on the previous token looks back one token. The five highest are outlined and listed. Press a map or a listed head to see it large, cell by cell.'),
      menu('gpt1-head-score', 'Score each head by its mean attention on', Object.entries(SCORES)),
      el('p', { id: 'gpt1-head-top-note', class: 'hint' }),
      el('ol', { id: 'gpt1-head-top', class: 'head-top', 'aria-labelledby': 'gpt1-head-top-note' }),
      el('p', { class: 'error', id: 'gpt1-heads-error', hidden: true }),
      el('div', { class: 'table-wrap heads-scroll', 'aria-label': 'Every head’s attention map, by layer and head (scrolls sideways on small screens)' },
        el('div', { id: 'gpt1-heads', class: 'heads-grid', role: 'group', 'aria-label': 'GPT-1’s 144 attention maps: rows are layers 1 to 12, columns heads 1 to 12' })),
      el('div', { class: 'matrix-layout' },
        el('div', { id: 'gpt1-head-big', class: 'matrix-wrap', 'aria-label': 'The enlarged head’s attention weights (scrolls sideways on small screens)' }),
        el('div', { class: 'matrix-side' }, el('div', { id: 'gpt1-cell-explain', class: 'cell-explain', 'aria-live': 'polite' }))),
      heading('h3', '3. Part B’s input, with GPT-1’s ids'),
      explain('The task chosen in Part B, written in GPT-1’s tokens: ', code('_start_'), ', ', code('_delimiter_'), ' and ',
        code('_classify_'), ' are ids 40,478, 40,479 and 40,480, after the 40,478 tokens of the vocabulary. Fine-tuning would feed the final state at ',
        code('_classify_'), ' to a new linear layer W', sub('y'), '. The released model was never fine-tuned: it has no W', sub('y'),
        ', and so it makes no prediction for the task. Below is the state W', sub('y'), ' would read: for similarity, the two',
        ' orders’ states added element-wise.'),
      el('div', { id: 'gpt1-task', class: 'gpt1-task' })));
}
