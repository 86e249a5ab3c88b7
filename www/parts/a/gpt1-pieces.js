// GPT-1's pieces drawn: chips of pieces and ids, the steps of its pipeline before BPE, and one merge pass of a word
// (the data: kinds/gpt1/tokenizer.js and the tokenizer's stages() and merges()).
import { el, shown } from '../../drawing/dom.js';

/** One chip: a piece (its `</w>` shown) and its id, a special token's role in the paper beside it; a button when
 * `onPick` is given. */
export function pieceChip({ piece, id, special }, onPick) {
  const body = [el('span', { class: special ? 'tok special' : 'tok', text: shown(piece) }),
    ...(special ? [el('span', { class: 'role', text: `(${special})` })] : []),
    el('span', { class: 'id', text: String(id) })];
  if (!onPick) return el('li', { class: 'chip' }, ...body);
  const button = el('button', { type: 'button', class: 'chip-button', title: 'Step through the merges that built this word' }, ...body);
  button.addEventListener('click', onPick);
  return el('li', { class: 'chip' }, button);
}

/** Chips of every piece of `words`; clicking one calls `onPick(word)` with the word it belongs to. */
export function wordChips(words, onPick) {
  return words.flatMap(({ word, pieces }) => pieces.map((p) => pieceChip(p, () => onPick(word))));
}

/** One merge pass of a word: its characters (the first), or the pair merged (rank) and the word after it. */
export function mergeStepItem({ pair, rank, pieces }) {
  return el('li', {},
    pair ? el('span', { class: 'merge' }, el('code', { text: shown(pair[0]) }), ' + ', el('code', { text: shown(pair[1]) }),
      ` (merge ${(rank + 1).toLocaleString('en-US')} of 40,000) → `) : el('span', { class: 'merge', text: 'characters: ' }),
    ...pieces.flatMap((p, i) => [i ? ' · ' : '', el('code', { class: 'merged', text: shown(p) })]));
}

// GPT-1's four steps before BPE (text_utils.py), what each does and why
const STAGES = [
  ['ftfy.fix_text', 'repairs the text: HTML entities decoded, curly quotes straightened, ligatures and full-width '
    + 'letters folded, control characters dropped, Unicode composed (NFC). The original also repairs text decoded in '
    + 'the wrong encoding (naÃ¯ve for naïve); this page leaves that repair out.', 'fixed'],
  ['text_standardize', 'turns dashes into - and … into ..., sets runs of - ~ ! " ; ? + , ) ( \\ / * [ ] } { | _ '
    + 'apart with spaces, and collapses whitespace (a line break stays, as a token of its own).', 'standardized'],
  ['spaCy’s English rules', 'cut the text into words, punctuation and contractions: don\'t is do + n\'t, so every such '
    + 'verb shares the piece n\'t, and a full stop is not glued to its word.', 'tokens'],
  ['Lower-casing', 'each token: GPT-1’s vocabulary has no capital letters, so Chai and chai are one word to it.', 'lowered'],
];

/** The text after each of GPT-1's steps before BPE (`stages`: the tokenizer's stages() of `typed`). */
export function stageItems(stages, typed) {
  let before = typed;
  return STAGES.map(([name, why, key]) => {
    const after = stages[key];
    let result;
    if (typeof after === 'string') {
      result = el('p', { class: 'stage-text' }, el('q', { text: after }), after === before ? ' (unchanged)' : '');
      before = after;
    } else {
      result = el('ol', { class: 'chips', 'aria-label': `After ${name}` },
        ...after.map((token) => el('li', { class: 'chip' }, el('span', { class: 'tok', text: shown(token) }))));
    }
    return el('li', {}, el('strong', { text: name }), ` ${why}`, result);
  });
}

/** What the output section holds, made with the panel (the first load carries none of it): the steps, the pieces,
 * the words the toy model cannot spell, and the merge step-through with its controls. */
export function outputParts() {
  const button = (id, text) => el('button', { type: 'button', id, text });
  return [
    el('h4', { class: 'output-title', text: 'The same text as GPT-1 reads it, step by step' }),
    el('p', { class: 'hint' }, 'GPT-1’s merges were learnt on books prepared by the steps of OpenAI’s ',
      el('code', { text: 'text_utils.py' }), ', so every text goes through the same steps before the merges apply. '
        + 'Your text after each one:'),
    el('ol', { id: 'gpt1-stages', class: 'gpt1-stages', 'aria-label': 'GPT-1’s steps before BPE' }),
    el('h5', { class: 'output-title', text: '5. BPE, word by word: GPT-1’s pieces, with their ids' }),
    el('ol', { id: 'gpt1-pieces', class: 'chips big', 'aria-label': 'GPT-1’s pieces' }),
    el('p', { id: 'gpt1-note', class: 'hint' }),
    el('ul', { id: 'gpt1-unknown', class: 'gpt1-unknown', 'aria-label': 'Unknown words spelt by GPT-1' }),
    el('div', { id: 'gpt1-steps-box', hidden: true },
      el('h5', { class: 'subhead', id: 'gpt1-steps-title' }),
      el('ol', { id: 'gpt1-steps', class: 'merges', tabindex: '0', 'aria-label': 'Merge steps' }),
      el('div', { class: 'inline' }, button('gpt1-step-back', 'Back'), button('gpt1-step-next', 'Next merge'),
        button('gpt1-step-all', 'All steps'), el('p', { id: 'gpt1-step-status', class: 'hint', role: 'status' }))),
  ];
}
