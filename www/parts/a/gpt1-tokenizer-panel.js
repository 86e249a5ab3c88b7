// GPT-1's own tokenizer in the page. Part A's tokens section: the text cut by GPT-1's BPE, pieces with ids (a click
// steps through the merges that built the word), and each word the toy model has no id for, spelt from GPT-1's
// pieces. Part B: what GPT-1 itself is fed for the current task. Nothing loads until the reader asks.
import { adoptStyle } from '../../drawing/sheet.js';
import { el, messageOf } from '../../drawing/dom.js';
import { fedToGpt1, gpt1Words, loadGpt1Tokenizer } from '../../kinds/gpt1/tokenizer.js';
import { mergeStepItems, pieceChip, wordChips } from './gpt1-pieces.js';

const TASK_FIELDS = ['task', 'text', 'premise', 'hypothesis', 'similarityA', 'similarityB', 'choiceContext', 'choiceAnswers'];

// this panel's styles, adopted when it is made: the page's first stylesheet carries none of them
const CSS = `
.gpt1-tokens { margin-top: 0.75rem; }
.chip-button { all: unset; cursor: pointer; display: inline-flex; gap: 0.35rem; align-items: baseline; }
.chip-button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.gpt1-unknown { list-style: none; padding: 0; }
.chips.inline { display: inline-flex; margin: 0; }
.chip .role { font-size: 0.75em; font-style: italic; }
`;

export function createGpt1TokenizerPanel(ui, store) {
  adoptStyle(ui.$('gpt1-unknown').getRootNode(), CSS);
  const { $ } = ui;
  let tokenizer = null;

  /** Loads the tokenizer once, saying so beside the button that asked. */
  async function load(button, status) {
    button.disabled = true;
    status.textContent = 'Loading GPT-1’s merges and vocabulary (about 440 KB, once)…';
    try {
      tokenizer ??= await loadGpt1Tokenizer();
      status.textContent = '';
      button.hidden = true;
      return true;
    } catch (error) {
      status.textContent = `GPT-1’s tokenizer did not load: ${messageOf(error)}`;
      button.disabled = false;
      return false;
    }
  }

  function drawPieces() {
    if (!tokenizer) return;
    const words = gpt1Words(tokenizer, store.state.segmentText);
    const count = words.reduce((n, w) => n + w.pieces.length, 0);
    $('gpt1-pieces').replaceChildren(...wordChips(words, showMerges));
    $('gpt1-note').textContent = `${count} piece${count === 1 ? '' : 's'} from GPT-1’s vocabulary of 40,478 `
      + '(a piece ending in </w> ends a word). Click a piece to see the merges that built its word.';
    drawUnknownWords();
  }

  function showMerges(word) {
    $('gpt1-steps-box').hidden = false;
    $('gpt1-steps-title').textContent = `How GPT-1’s merges build “${word}”, lowest rank first`;
    try {
      $('gpt1-steps').replaceChildren(...mergeStepItems(tokenizer.merges(word)));
    } catch (error) {
      $('gpt1-steps').replaceChildren(el('li', { class: 'error', text: messageOf(error) }));
    }
  }

  /** The words the toy model cannot see, each spelt from GPT-1's pieces: why GPT-1 never meets an unknown word. */
  function drawUnknownWords() {
    const model = store.model;
    const slot = $('gpt1-unknown');
    if (!model || !tokenizer) return slot.replaceChildren();
    model.ask('tokenizerView', store.state.segmentText).then(({ tokens }) => {
      if (store.model !== model) return;
      const unknown = [...new Set(tokens.filter(([, id]) => id < 0).map(([token]) => token))];
      slot.replaceChildren(...unknown.map((word) => el('li', {},
        el('span', { text: `“${word}” has no id in the toy model; GPT-1 spells it ` }),
        el('ol', { class: 'chips inline' }, ...gpt1Words(tokenizer, word).flatMap((w) => w.pieces).map((p) => pieceChip(p))))));
    }, () => slot.replaceChildren());
  }

  function drawFed() {
    if (!tokenizer) return;
    const state = store.state;
    try {
      const sequences = fedToGpt1(tokenizer, state.task, state);
      $('gpt1-fed').replaceChildren(...sequences.map((sequence) =>
        el('li', {}, el('ol', { class: 'chips' }, ...sequence.map((p) => pieceChip(p))))));
    } catch (error) {
      $('gpt1-fed').replaceChildren(el('li', { class: 'error', text: messageOf(error) }));
    }
  }

  async function showPieces() {
    if (!(await load($('gpt1-load'), $('gpt1-status')))) return;
    $('gpt1-out').hidden = false;
    drawPieces();
  }

  async function showFed() {
    if (!(await load($('gpt1-fed-load'), $('gpt1-fed-status')))) return;
    $('gpt1-fed-out').hidden = false;
    drawFed();
  }

  const OPEN = { 'gpt1-load': showPieces, 'gpt1-fed-load': showFed };
  for (const [id, show] of Object.entries(OPEN)) $(id).addEventListener('click', show);
  store.subscribe((changed) => {
    if (!$('gpt1-out').hidden && (changed.has('segmentText') || changed.has('model'))) drawPieces();
    if (!$('gpt1-fed-out').hidden && TASK_FIELDS.some((name) => changed.has(name))) drawFed();
  });

  return {
    /** Shows what the button with this id asked for (the first press, which loaded this module). */
    open(id) { OPEN[id](); },
  };
}
