// A heatmap table's reading aids, shared by the n-gram matrix (matrix.js) and the attention map (gpt-inspect.js):
// hovering over or focusing a cell explains it, and the arrow keys (Home and End along the row) move the focus from
// cell to cell, with one cell in the tab order at a time; and the hint that says so, for the device in hand.

const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Home: [0, -Infinity],
  End: [0, Infinity] };

/** True when the device's main pointer cannot hover: a phone's or a tablet's touch screen. */
export const touchOnly = () => typeof matchMedia === 'function' && matchMedia('(hover: none)').matches;

/**
 * How to read a cell, for `purpose` ("to read it"), on the device in hand: a mouse hovers; a touch screen only taps,
 * and a tapped cell is focused, which explains it. `into` names what Tab goes into.
 */
export const readCellHint = (purpose, into = 'the table') => (touchOnly() ? `Tap a cell ${purpose}.`
  : `Hover over a cell, or focus it (Tab into ${into}, then arrow keys), ${purpose}.`);

/** `n` within [lo, hi]. */
export const clamp = (n, lo, hi) => Math.max(lo, Math.min(hi, n));

/**
 * Makes the cells (matching the selector `cells`) under `container` explain themselves and move by keyboard:
 * `explain(cell, how)` (how: 'hover' or 'focus'), `neighbour(cell, [rows, columns])` the cell a move lands on (null
 * for none; a move of ±Infinity columns is Home or End).
 */
export function explainCells(container, { cells, explain, neighbour }) {
  const target = (event) => event.target.closest?.(cells) ?? null;
  container.addEventListener('mouseover', (event) => {
    const cell = target(event);
    if (cell) explain(cell, 'hover');
  });
  container.addEventListener('focusin', (event) => {
    const cell = target(event);
    if (cell) explain(cell, 'focus');
  });
  container.addEventListener('keydown', (event) => {
    const cell = target(event);
    const move = MOVES[event.key];
    if (!cell || !move) return;
    event.preventDefault();
    const to = neighbour(cell, move);
    if (!to || to === cell) return;
    cell.setAttribute('tabindex', '-1');
    to.setAttribute('tabindex', '0');
    to.focus();
  });
}
