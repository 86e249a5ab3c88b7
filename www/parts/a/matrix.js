// Part A, the smoothed matrix: rows = contexts (the previous token for a bigram), columns = next token. A small model
// is an accessible heatmap table; a large one is a canvas of its most frequent rows and columns (one pixel block per
// cell, drawn in one go, so it stays quick at any vocabulary) with the top of it as a table beside for screen readers.
import { el } from '../../drawing/dom.js';
import { gradient, position } from '../../drawing/colour.js';
import { TABLE_MAX } from '../../kinds/ngram/views.js';
import { clamp, explainCells } from '../../drawing/heatmap.js';
import { cellExplanation, helpText, matrixCanvas, matrixTable, notesText, paint } from './matrix-parts.js';

const keyOf = (context) => context.join('\u0000');

export function createMatrix(ui, store) {
  const { $ } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const wrap = $('matrix');
  // the room the picture may take, kept by an observer: reading clientWidth while drawing forced a layout of the
  // whole page (~10 ms with a book in the corpus box) on every count
  let room = 0;
  new ResizeObserver(() => { room = wrap.parentElement.clientWidth; }).observe(wrap.parentElement);
  // the theme's focus colour for the canvas outline, read in an animation frame (when the styles are worked out
  // anyway) rather than while drawing, where reading it forced a style recalculation of the page
  let focusColour = null;
  const readFocusColour = () => requestAnimationFrame(() => {
    const colour = getComputedStyle(wrap).getPropertyValue('--focus').trim() || null;
    if (colour !== focusColour) {
      focusColour = colour;
      if (view?.canvas) paintCanvas();
    }
  });
  const explain = $('cell-explain');
  let view = null; // what is drawn: the matrix view, the table's rows and columns (indices into it), the canvas
  let highlight = { context: null, col: null };
  let focused = { r: 0, c: 0 }; // table indices
  let cursor = { r: 0, c: 0 }; // canvas (view) indices

  /** Puts the cell's arithmetic in words beside the matrix. */
  function describe(vr, vc) {
    explain.replaceChildren(...cellExplanation(view.data, view.vocab, vr, vc));
  }

  function cell(r, c) {
    return view?.table.tBodies[0].rows[r]?.cells[c + 1];
  }

  /** The view row being sampled, and the view column of the chosen token (-1 when not drawn). */
  function highlighted() {
    if (!view || !highlight.context) return { r: -1, c: -1 };
    const key = keyOf(highlight.context);
    return { r: view.data.rows.findIndex((row) => keyOf(row.context) === key), c: view.data.cols.indexOf(highlight.col) };
  }

  function applyHighlight() {
    if (!view) return;
    const { table } = view;
    for (const tr of table.querySelectorAll('.sampling, .chosen')) tr.classList.remove('sampling', 'chosen');
    const { r, c } = highlighted();
    if (view.canvas) paintCanvas();
    const tr = table.tBodies[0].rows[view.rows.indexOf(r)];
    if (r < 0 || !tr) return;
    tr.classList.add('sampling');
    const tc = view.cols.indexOf(c);
    if (c >= 0 && tc >= 0) tr.cells[tc + 1].classList.add('chosen');
  }

  /** The canvas again: its picture, the sampled row and chosen cell, the cursor. */
  function paintCanvas() {
    paint(view, highlighted(), cursor, focusColour);
  }

  function cellAt(event) {
    const box = view.canvas.getBoundingClientRect();
    const r = Math.floor((event.clientY - box.top) / view.size);
    const c = Math.floor((event.clientX - box.left) / view.size);
    if (r < 0 || c < 0 || r >= view.data.rows.length || c >= view.data.cols.length) return null;
    return { r, c };
  }

  function moveCursor(r, c) {
    cursor = { r: clamp(r, 0, view.data.rows.length - 1), c: clamp(c, 0, view.data.cols.length - 1) };
    describe(cursor.r, cursor.c);
    paintCanvas();
  }

  function render() {
    const model = store.model;
    const data = store.matrixView;
    if (!model || !data) return;
    const vocab = model.vocab;
    const big = data.V > TABLE_MAX || data.contexts > TABLE_MAX;
    const { table, rows, cols } = matrixTable(data, vocab, focused);
    focused = { r: Math.min(focused.r, rows.length - 1), c: Math.min(focused.c, cols.length - 1) };
    const active = ui.focused();
    const hadFocus = wrap.contains(active);
    const canvasFocus = hadFocus && active.tagName === 'CANVAS';
    view = { data, vocab, rows, cols, table, canvas: null };
    if (big) {
      room ||= wrap.parentElement.clientWidth; // before the observer's first report
      Object.assign(view, matrixCanvas(data, room));
      cursor = { r: Math.min(cursor.r, data.rows.length - 1), c: Math.min(cursor.c, data.cols.length - 1) };
      const tableBox = el('div', { class: 'matrix-table-alt' },
        el('p', { class: 'hint', text: `The top ${rows.length} × ${cols.length} of the picture, as a table.` }), table);
      paintCanvas(); // before it is in the page: drawing on an attached canvas made the browser work out styles first
      wrap.replaceChildren(el('div', { class: 'canvas-scroll' }, view.canvas), tableBox);
      readFocusColour(); // (the theme may have changed since the last picture)
    } else {
      wrap.replaceChildren(table);
    }
    cell(focused.r, focused.c)?.setAttribute('tabindex', '0');
    if (canvasFocus) view.canvas.focus();
    else if (hadFocus) cell(focused.r, focused.c)?.focus();
    if (big && !hadFocus) describe(cursor.r, cursor.c);
    else if (canvasFocus) describe(cursor.r, cursor.c);
    else describe(rows[focused.r], cols[focused.c]);
    applyHighlight();
    $('matrix-help').textContent = helpText(data, big);
    $('matrix-note').textContent = notesText(data, rows, cols, big);
  }

  // hover and keyboard focus both explain a cell, in the table (heatmap.js) and on the canvas
  explainCells(wrap, {
    cells: 'td[data-r]',
    explain(td, how) {
      const at = { r: Number(td.dataset.r), c: Number(td.dataset.c) };
      if (how === 'focus') focused = at;
      describe(view.rows[at.r], view.cols[at.c]);
    },
    neighbour: (td, [down, right]) => cell(clamp(Number(td.dataset.r) + down, 0, view.rows.length - 1),
      clamp(Number(td.dataset.c) + right, 0, view.cols.length - 1)),
  });
  wrap.addEventListener('mousemove', (e) => {
    if (!view?.canvas || e.target !== view.canvas) return;
    const at = cellAt(e);
    if (at) moveCursor(at.r, at.c);
  });
  wrap.addEventListener('click', (e) => {
    if (!view?.canvas || e.target !== view.canvas) return;
    const at = cellAt(e);
    view.canvas.focus();
    if (at) moveCursor(at.r, at.c);
  });
  wrap.addEventListener('focusin', (e) => {
    if (view?.canvas && e.target === view.canvas) describe(cursor.r, cursor.c);
  });
  // the canvas: the arrow keys move its cursor
  wrap.addEventListener('keydown', (e) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (!view?.canvas || e.target !== view.canvas) return;
    let target = null;
    if (moves[e.key]) target = [cursor.r + moves[e.key][0], cursor.c + moves[e.key][1]];
    else if (e.key === 'Home') target = [cursor.r, 0];
    else if (e.key === 'End') target = [cursor.r, Infinity];
    if (!target) return;
    e.preventDefault();
    moveCursor(...target);
  });

  $('legend-bar').style.background = gradient();
  for (const p of [0, 0.1, 0.25, 0.5, 1]) {
    $('legend-ticks').append(el('span', { text: String(p), style: { left: `${position(p) * 100}%` } }));
  }

  store.subscribe((changed) => { if (changed.has('model')) render(); });

  return {
    /** Marks the row being sampled (its context, a list of tokens) and the cell chosen (an id); null clears. */
    setHighlight(context, col) {
      highlight = { context, col };
      applyHighlight();
    },
  };
}
