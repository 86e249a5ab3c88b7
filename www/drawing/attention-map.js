// An attention map drawn as a heatmap table (Part D's tiny GPT, Part E's GPT-1): row i is what position i attends
// to, over columns 0…i; the cells after the diagonal are masked. Hovering over or focusing a cell explains it, and
// the arrow keys move along the causal triangle (heatmap.js).
import { el, shown } from './dom.js';
import { cellColours } from './colour.js';
import { clamp, explainCells, readCellHint } from './heatmap.js';

const quoted = (token) => `“${shown(token)}”`;

/** Why a cell of the attention map has its weight, in words. */
function explanation(cell, tokens) {
  const i = Number(cell.dataset.i);
  const j = Number(cell.dataset.j);
  return [
    el('p', { class: 'step-explain', text: `Position ${i} (${quoted(tokens[i])}) attends to position ${j} (${quoted(tokens[j])}) with weight ${Number(cell.dataset.w).toFixed(3)}.` }),
    el('p', { class: 'hint', text: `Row ${i} sums to 1 over positions 0 to ${i}: a position can look at itself and at the tokens before it, never after (the cells right of the diagonal are masked).` }),
  ];
}

/** The T×T weights `attention` over `tokens` as a table with `caption`; `id` names the table. */
export function attentionTable(tokens, attention, caption, id) {
  const T = tokens.length;
  const columns = el('tr', {}, el('th', { class: 'corner', scope: 'col', text: 'position ↓ attends to →' }),
    ...tokens.map((t, j) => el('th', { scope: 'col', title: `${j}: ${shown(t)}`, text: shown(t) })));
  const rows = tokens.map((t, i) => el('tr', {}, el('th', { scope: 'row', text: `${i} ${shown(t)}` }),
    ...tokens.map((_, j) => {
      if (j > i) return el('td', { class: 'masked', 'data-i': i, 'data-j': j });
      const w = attention[i * T + j];
      const cell = el('td', { 'data-i': i, 'data-j': j, 'data-w': w, tabindex: i === 0 && j === 0 ? 0 : -1,
        'aria-label': `position ${i} to position ${j}: ${w.toFixed(2)}`, text: w.toFixed(2) });
      Object.assign(cell.style, cellColours(w));
      return cell;
    })));
  return el('table', { class: `heatmap gpt-attn${T > 12 ? ' compact' : ''}`, id },
    el('caption', { text: caption }), el('thead', {}, columns), el('tbody', {}, ...rows));
}

/**
 * Makes the attention tables drawn inside `container` explain their cells in `slot`; `tokens()` is the token list of
 * the table shown.
 */
export function explainAttention(container, slot, tokens) {
  explainCells(container, {
    cells: 'td[data-w]',
    explain: (cell) => slot.replaceChildren(...explanation(cell, tokens())),
    neighbour(cell, [down, right]) {
      const i = clamp(Number(cell.dataset.i) + down, 0, tokens().length - 1);
      const j = clamp(Number(cell.dataset.j) + right, 0, i); // stay in the causal triangle
      return container.querySelector(`td[data-i="${i}"][data-j="${j}"]`);
    },
  });
}

/** The hint shown before any cell is read (a touch screen is told to tap). */
export const readingHint = () => el('p', { class: 'hint', text: readCellHint('to read it') });
