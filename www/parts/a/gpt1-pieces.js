// GPT-1's pieces drawn: chips of pieces and ids, and the merge steps of one word (the data: kinds/gpt1/tokenizer.js).
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

/** The merge steps of one word: its characters, then each pass (pair, rank) and the word after it. */
export function mergeStepItems(steps) {
  return steps.map(({ pair, rank, pieces }) => el('li', {},
    pair ? el('span', { class: 'merge' }, el('code', { text: shown(pair[0]) }), ' + ', el('code', { text: shown(pair[1]) }),
      ` (merge ${rank + 1} of 40,000) → `) : el('span', { class: 'merge', text: 'characters: ' }),
    ...pieces.flatMap((p, i) => [i ? ' · ' : '', el('code', { class: 'merged', text: shown(p) })])));
}
