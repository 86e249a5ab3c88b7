// GPT-1's own tokenizer in the page. Part A's tokens section: the text cut by GPT-1's BPE, pieces with ids (a click
// steps through the merges that built the word), and each word the toy model has no id for, spelt from GPT-1's
// pieces. Part B: what GPT-1 itself is fed for the current task. Nothing loads until the reader asks; then GPT-1's
// lane (kinds/gpt1/kind.js) is added to the engine, and its worker builds the tokenizer and answers.
import { adoptStyle } from '../../drawing/sheet.js';
import { el, messageOf } from '../../drawing/dom.js';
import { newest } from '../../engine/engine.js';
import { addGpt1Lane } from '../../kinds/gpt1/kind.js';
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

/** An error as a list item, for the list that would have shown the answer. */
const failed = (error) => el('li', { class: 'error', text: messageOf(error) });

/** The panel: `ui` the page's (or a widget's) lookups, `store` its state, `engine` the engine GPT-1's lane joins. */
export function createGpt1TokenizerPanel(ui, store, engine) {
  adoptStyle(ui.$('gpt1-unknown').getRootNode(), CSS);
  const { $ } = ui;
  /** Asks GPT-1's lane (added to the engine at the first question). */
  const ask = (type, payload) => addGpt1Lane(engine).then(() => engine.request('gpt1', type, payload));
  // each output draws only the answer to its latest question (newest(): a restart's WorkerGone is not an error)
  const asks = { pieces: newest(), steps: newest(), unknown: newest(), fed: newest() };
  const shown = { pieces: () => !$('gpt1-out').hidden, fed: () => !$('gpt1-fed-out').hidden };

  /** Builds the tokenizer in GPT-1's lane, saying so beside the button that asked; whether it is there. */
  async function load(button, status) {
    button.disabled = true;
    status.textContent = 'Loading GPT-1’s merges and vocabulary (about 440 KB, once)…';
    try {
      await ask('tokenizer');
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
    asks.pieces(ask('words', { texts: [store.state.segmentText] })).then(([words]) => {
      const count = words.reduce((n, w) => n + w.pieces.length, 0);
      $('gpt1-pieces').replaceChildren(...wordChips(words, showMerges));
      $('gpt1-note').textContent = `${count} piece${count === 1 ? '' : 's'} from GPT-1’s vocabulary of 40,478 `
        + '(a piece ending in </w> ends a word). Click a piece to see the merges that built its word.';
    }, (error) => {
      $('gpt1-pieces').replaceChildren(failed(error));
      $('gpt1-note').textContent = '';
    });
    drawUnknownWords();
  }

  function showMerges(word) {
    $('gpt1-steps-box').hidden = false;
    $('gpt1-steps-title').textContent = `How GPT-1’s merges build “${word}”, lowest rank first`;
    asks.steps(ask('merges', { word })).then((steps) => $('gpt1-steps').replaceChildren(...mergeStepItems(steps)),
      (error) => $('gpt1-steps').replaceChildren(failed(error)));
  }

  /** The words the toy model cannot see, each spelt from GPT-1's pieces: why GPT-1 never meets an unknown word. */
  function drawUnknownWords() {
    const model = store.model;
    const slot = $('gpt1-unknown');
    if (!model) return slot.replaceChildren();
    const spelt = model.ask('tokenizerView', store.state.segmentText).then(async ({ tokens }) => {
      const unknown = [...new Set(tokens.filter(([, id]) => id < 0).map(([token]) => token))];
      return { unknown, words: unknown.length ? await ask('words', { texts: unknown }) : [] };
    });
    asks.unknown(spelt).then(({ unknown, words }) => {
      slot.replaceChildren(...unknown.map((word, i) => el('li', {},
        el('span', { text: `“${word}” has no id in the toy model; GPT-1 spells it ` }),
        el('ol', { class: 'chips inline' }, ...words[i].flatMap((w) => w.pieces).map((p) => pieceChip(p))))));
    }, () => slot.replaceChildren());
  }

  function drawFed() {
    const { state } = store;
    const input = Object.fromEntries(TASK_FIELDS.map((name) => [name, state[name]]));
    asks.fed(ask('fed', { task: state.task, input })).then((sequences) => {
      $('gpt1-fed').replaceChildren(...sequences.map((sequence) =>
        el('li', {}, el('ol', { class: 'chips' }, ...sequence.map((p) => pieceChip(p))))));
    }, (error) => $('gpt1-fed').replaceChildren(failed(error)));
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
    if (shown.pieces() && (changed.has('segmentText') || changed.has('model'))) drawPieces();
    if (shown.fed() && TASK_FIELDS.some((name) => changed.has(name))) drawFed();
  });
  // GPT-1's lane restarted (a trap, or its worker died): what is shown is asked again of the fresh worker, which
  // builds its tokenizer anew; when the retry crashed too, the outputs say so and wait for the next edit
  engine.onCrash(({ lane, reason, givingUp }) => {
    if (lane !== 'gpt1') return;
    if (givingUp) {
      const stopped = failed(new Error(`GPT-1’s tokenizer stopped twice (${reason}); edit the text to try again.`));
      if (shown.pieces()) $('gpt1-pieces').replaceChildren(stopped);
      if (shown.fed()) $('gpt1-fed').replaceChildren(stopped.cloneNode(true));
      return;
    }
    if (shown.pieces()) drawPieces();
    if (shown.fed()) drawFed();
  });

  return {
    /** Shows what the button with this id asked for (the first press, which loaded this module). */
    open(id) { OPEN[id](); },
  };
}
