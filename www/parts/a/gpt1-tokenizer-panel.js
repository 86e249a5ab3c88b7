// GPT-1's own tokenizer in the page. Part A's tokens section: the text after each of GPT-1's steps before BPE, then
// its pieces with ids (a click steps through the merges that built the word), and each word holding a token the toy
// model has no id for, spelt whole from GPT-1's pieces. Part B: what GPT-1 itself is fed for the current task.
// Nothing loads until the reader asks; then GPT-1's lane (kinds/gpt1/kind.js) is added to the engine, and its worker
// builds the tokenizer and answers (kinds/gpt1/tokenizer-requests.js).
import { adoptStyle } from '../../drawing/sheet.js';
import { el, messageOf, shown } from '../../drawing/dom.js';
import { newest } from '../../engine/engine.js';
import { addGpt1Lane } from '../../kinds/gpt1/kind.js';
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

/** An error as a list item, for the list that would have shown the answer. */
const failed = (error) => el('li', { class: 'error', text: messageOf(error) });

/** The panel: `ui` the page's (or a widget's) lookups, `store` its state, `engine` the engine GPT-1's lane joins. */
export function createGpt1TokenizerPanel(ui, store, engine) {
  const { $ } = ui;
  adoptStyle($('gpt1-out').getRootNode(), CSS);
  $('gpt1-out').replaceChildren(...outputParts());
  /** Asks GPT-1's lane (added to the engine at the first question). */
  const ask = (type, payload) => addGpt1Lane(engine).then(() => engine.request('gpt1', type, payload));
  // each output draws only the answer to its latest question (newest(): a restart's WorkerGone is not an error)
  const asks = { pieces: newest(), unknown: newest(), fed: newest() };
  const steps = createMergeSteps($, (word) => ask('merges', { word }));
  const open = { pieces: () => !$('gpt1-out').hidden, fed: () => !$('gpt1-fed-out').hidden };
  let built = false; // the lane has answered 'tokenizer' once: later openings need no loading message

  /** Builds the tokenizer in GPT-1's lane, saying so beside the button that asked; whether it is there. */
  async function load(button, status) {
    if (built) return true;
    button.disabled = true;
    status.textContent = 'Loading GPT-1’s merges and vocabulary (about 440 KB, once)…';
    try {
      await ask('tokenizer');
      status.textContent = '';
      built = true;
    } catch (error) {
      status.textContent = `GPT-1’s tokenizer did not load: ${messageOf(error)}`;
    } finally {
      button.disabled = false;
    }
    return built;
  }

  /** A press of a button that shows (or hides again) its output: the button stays, and says which it will do. */
  async function toggle(id, out, draw) {
    const button = $(id);
    const opening = button.getAttribute('aria-expanded') !== 'true';
    if (opening && !(await load(button, $(`${id.replace(/-load$/, '')}-status`)))) return;
    button.setAttribute('aria-expanded', String(opening));
    $(out).hidden = !opening;
    if (opening) draw();
  }

  /** The text after each step, then its pieces; the merge step-through is kept only while its word is there. */
  function drawPieces() {
    const text = store.state.segmentText;
    asks.pieces(Promise.all([ask('stages', { text }), ask('words', { texts: [text] })])).then(([stages, [words]]) => {
      $('gpt1-stages').replaceChildren(...stageItems(stages, text));
      const count = words.reduce((n, w) => n + w.pieces.length, 0);
      $('gpt1-pieces').replaceChildren(...wordChips(words, steps.show));
      $('gpt1-note').textContent = `${count} piece${count === 1 ? '' : 's'} from GPT-1’s vocabulary of 40,478 `
        + '(a piece ending in </w> ends a word). Click a piece to step through the merges that built its word.';
      if (steps.word !== null && !words.some((w) => w.word === steps.word)) steps.hide();
    }, (error) => {
      $('gpt1-stages').replaceChildren();
      $('gpt1-pieces').replaceChildren(failed(error));
      $('gpt1-note').textContent = '';
    });
    drawUnknownWords();
  }

  /** The words holding a token the toy model has no id for, each spelt whole by GPT-1: it never meets an unknown
   * word. */
  function drawUnknownWords() {
    const model = store.model;
    const slot = $('gpt1-unknown');
    if (!model) return slot.replaceChildren();
    const spelt = model.ask('tokenizerView', store.state.segmentText).then(async ({ tokens }) => {
      const words = unknownByWord(tokens, model.tokenizer);
      return { words, spellings: words.length ? await ask('words', { texts: words.map((w) => w.word) }) : [] };
    });
    asks.unknown(spelt).then(({ words, spellings }) => {
      slot.replaceChildren(...words.map(({ word, unknown }, i) => el('li', {},
        el('span', { text: unknown.length === 1 && unknown[0] === word
          ? `“${word}” has no id in the toy model; GPT-1 spells the whole word `
          : `“${word}”: the toy model has no id for ${listed(unknown.map((t) => `“${shown(t)}”`))}; GPT-1 spells the whole word ` }),
        el('ol', { class: 'chips inline' }, ...spellings[i].flatMap((w) => w.pieces).map((p) => pieceChip(p))))));
    }, () => slot.replaceChildren());
  }

  /** Part B's task as GPT-1 is fed it, each sequence under its label (parts/b/task-texts.js names them). */
  function drawFed() {
    asks.fed(ask('fed', { sequences: taskTexts(store.state) })).then((fed) => {
      $('gpt1-fed').replaceChildren(...fed.map(({ label, pieces }) =>
        el('li', {}, el('p', { class: 'seq-label', text: label }),
          el('ol', { class: 'chips', 'aria-label': label }, ...pieces.map((p) => pieceChip(p))))));
    }, (error) => $('gpt1-fed').replaceChildren(failed(error)));
  }

  const OPEN = { 'gpt1-load': () => toggle('gpt1-load', 'gpt1-out', drawPieces),
    'gpt1-fed-load': () => toggle('gpt1-fed-load', 'gpt1-fed-out', drawFed) };
  for (const [id, show] of Object.entries(OPEN)) $(id).addEventListener('click', show);
  store.subscribe((changed) => {
    if (open.pieces() && (changed.has('segmentText') || changed.has('model'))) drawPieces();
    if (open.fed() && TASK_FIELDS.some((name) => changed.has(name))) drawFed();
  });
  // GPT-1's lane restarted (a trap, or its worker died): what is shown is asked again of the fresh worker, which
  // builds its tokenizer anew; when the retry crashed too, the outputs say so and wait for the next edit
  engine.onCrash(({ lane, reason, givingUp }) => {
    if (lane !== 'gpt1') return;
    if (givingUp) {
      const stopped = failed(new Error(`GPT-1’s tokenizer stopped twice (${reason}); edit the text to try again.`));
      if (open.pieces()) $('gpt1-pieces').replaceChildren(stopped);
      if (open.fed()) $('gpt1-fed').replaceChildren(stopped.cloneNode(true));
      return;
    }
    if (open.pieces()) {
      drawPieces();
      steps.retry();
    }
    if (open.fed()) drawFed();
  });

  return {
    /** Answers a press of the button with this id made before this module was loaded. */
    open(id) { OPEN[id](); },
  };
}
