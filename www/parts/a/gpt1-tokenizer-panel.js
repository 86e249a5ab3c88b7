// GPT-1's own tokenizer in the page. Part A's tokens section: the text after each of GPT-1's steps before BPE, then
// its pieces with ids (a click steps through the merges that built the word), and each word holding a token the toy
// model has no id for, spelt whole from GPT-1's pieces. Part B: what GPT-1 itself is fed for the current task.
// Nothing loads until the reader asks.
import { adoptStyle } from '../../drawing/sheet.js';
import { el, messageOf, shown } from '../../drawing/dom.js';
import { fedToGpt1, gpt1Words, loadGpt1Tokenizer } from '../../kinds/gpt1/tokenizer.js';
import { taskTexts } from '../b/task-texts.js';
import { outputParts, pieceChip, stageItems, wordChips } from './gpt1-pieces.js';
import { createMergeSteps } from './gpt1-merge-steps.js';

const TASK_FIELDS = ['task', 'text', 'premise', 'hypothesis', 'similarityA', 'similarityB', 'choiceContext', 'choiceAnswers'];

// this panel's styles, adopted when it is made: the page's first stylesheet carries none of them
const CSS = `
.gpt1-tokens { margin-top: 0.75rem; }
.chip-button { all: unset; cursor: pointer; display: inline-flex; gap: 0.35rem; align-items: baseline; }
.chip-button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.gpt1-unknown { list-style: none; padding: 0; }
.chips.inline { display: inline-flex; margin: 0; }
.chip .role { font-size: 0.75em; font-style: italic; }
.gpt1-stages { padding-left: 1.4rem; }
.gpt1-stages > li { margin: 0.35rem 0; }
.stage-text { margin: 0.2rem 0; overflow-wrap: anywhere; }
.merges li.current { font-weight: 700; }
`;

const SPACE = /^\p{White_Space}$/u; // the core's whitespace (Rust's char::is_whitespace), one character

/**
 * The toy model's tokens of a text (`[token, id]`) grouped into the words they spell, each with the tokens the model
 * has no id for: `[{ word, unknown }]`. A word token is a word; BPE pieces run up to the one that ends in `</w>`;
 * characters run between whitespace characters.
 */
export function unknownByWord(tokens, tokenizer) {
  const words = [];
  let current = [];
  const end = () => {
    if (current.length) words.push({ word: current.map(([t]) => t).join('').replace(/<\/w>$/, ''),
      unknown: current.filter(([, id]) => id < 0).map(([t]) => t) });
    current = [];
  };
  for (const token of tokens) {
    if (tokenizer === 'char' && SPACE.test(token[0])) { end(); continue; }
    current.push(token);
    if (tokenizer === 'word' || (tokenizer === 'bpe' && token[0].endsWith('</w>'))) end();
  }
  end();
  return words.filter(({ unknown }) => unknown.length);
}

/** A list in words: “a”, “a and b”, “a, b and c”. */
const listed = (items) => (items.length < 2 ? items.join('')
  : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

export function createGpt1TokenizerPanel(ui, store) {
  const { $ } = ui;
  adoptStyle($('gpt1-out').getRootNode(), CSS);
  $('gpt1-out').replaceChildren(...outputParts());
  const steps = createMergeSteps($);
  let tokenizer = null;

  /** Loads the tokenizer once, saying so beside the button that asked. */
  async function load(button, status) {
    if (tokenizer) return true;
    button.disabled = true;
    status.textContent = 'Loading GPT-1’s merges and vocabulary (about 440 KB, once)…';
    try {
      tokenizer ??= await loadGpt1Tokenizer();
      status.textContent = '';
      return true;
    } catch (error) {
      status.textContent = `GPT-1’s tokenizer did not load: ${messageOf(error)}`;
      return false;
    } finally {
      button.disabled = false;
    }
  }

  /** A press of a button that shows (or hides again) its output: the button stays, and says which it will do. */
  async function toggle(id, out, draw) {
    const button = $(id);
    const open = button.getAttribute('aria-expanded') !== 'true';
    if (open && !(await load(button, $(`${id.replace(/-load$/, '')}-status`)))) return;
    button.setAttribute('aria-expanded', String(open));
    $(out).hidden = !open;
    if (open) draw();
  }

  /** The text after each step, then its pieces; the merge step-through is kept only while its word is there. */
  function drawPieces() {
    if (!tokenizer) return;
    const text = store.state.segmentText;
    $('gpt1-stages').replaceChildren(...stageItems(tokenizer.stages(text), text));
    const words = gpt1Words(tokenizer, text);
    const count = words.reduce((n, w) => n + w.pieces.length, 0);
    $('gpt1-pieces').replaceChildren(...wordChips(words, (word) => steps.show(tokenizer, word)));
    $('gpt1-note').textContent = `${count} piece${count === 1 ? '' : 's'} from GPT-1’s vocabulary of 40,478 `
      + '(a piece ending in </w> ends a word). Click a piece to step through the merges that built its word.';
    if (steps.word !== null && !words.some((w) => w.word === steps.word)) steps.hide();
    drawUnknownWords();
  }

  /** The words holding a token the toy model has no id for, each spelt whole by GPT-1: it never meets an unknown
   * word. */
  function drawUnknownWords() {
    const model = store.model;
    const slot = $('gpt1-unknown');
    if (!model || !tokenizer) return slot.replaceChildren();
    model.ask('tokenizerView', store.state.segmentText).then(({ tokens }) => {
      if (store.model !== model) return;
      slot.replaceChildren(...unknownByWord(tokens, model.tokenizer).map(({ word, unknown }) => el('li', {},
        el('span', { text: unknown.length === 1 && unknown[0] === word
          ? `“${word}” has no id in the toy model; GPT-1 spells the whole word `
          : `“${word}”: the toy model has no id for ${listed(unknown.map((t) => `“${shown(t)}”`))}; GPT-1 spells the whole word ` }),
        el('ol', { class: 'chips inline' }, ...gpt1Words(tokenizer, word).flatMap((w) => w.pieces).map((p) => pieceChip(p))))));
    }, () => slot.replaceChildren());
  }

  function drawFed() {
    if (!tokenizer) return;
    try {
      $('gpt1-fed').replaceChildren(...fedToGpt1(tokenizer, taskTexts(store.state)).map(({ label, pieces }) =>
        el('li', {}, el('p', { class: 'seq-label', text: label }),
          el('ol', { class: 'chips', 'aria-label': label }, ...pieces.map((p) => pieceChip(p))))));
    } catch (error) {
      $('gpt1-fed').replaceChildren(el('li', { class: 'error', text: messageOf(error) }));
    }
  }

  const OPEN = { 'gpt1-load': () => toggle('gpt1-load', 'gpt1-out', drawPieces),
    'gpt1-fed-load': () => toggle('gpt1-fed-load', 'gpt1-fed-out', drawFed) };
  for (const [id, show] of Object.entries(OPEN)) $(id).addEventListener('click', show);
  store.subscribe((changed) => {
    if (!$('gpt1-out').hidden && (changed.has('segmentText') || changed.has('model'))) drawPieces();
    if (!$('gpt1-fed-out').hidden && TASK_FIELDS.some((name) => changed.has(name))) drawFed();
  });

  return {
    /** Answers a press of the button with this id made before this module was loaded. */
    open(id) { OPEN[id](); },
  };
}
