// Part A, the smoothed matrix: rows = contexts (the previous token for a bigram), columns = next token. A small model
// is an accessible heatmap table; a large one is a canvas of its most frequent rows and columns (one pixel block per
// cell, drawn in one go, so it stays quick at any vocabulary) with the top of it as a table beside for screen readers.
import { el, shown } from './dom.js';
import { cellColours, gradient, position, rgbFor } from './colour.js';
import { short } from './numbers.js';
import { TABLE_MAX } from './views.js';
import { clamp, explainCells } from './heatmap.js';

const NUMBERS_UP_TO = 12; // print probabilities in the cells only while they fit

const keyOf = (context) => context.join('\u0000');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a context is printed: its tokens, or a mark for the unigram's empty context. */
export const contextLabel = (context) => (context.length ? context.map(shown).join(' ') : '(no context)');

export function createMatrix(ui, store) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
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

  /** Puts the cell's arithmetic in words: the counts and (count + k) / (total + k·V) filled in. */
  function describe(vr, vc) {
    const { data, vocab } = view;
    const { V, k, bigram } = data;
    const C = data.cols.length;
    const row = data.rows[vr];
    const next = shown(vocab[data.cols[vc]]);
    const context = contextLabel(row.context);
    const p = data.probs[vr * C + vc];
    const count = data.counts[vr * C + vc];
    const total = row.total;
    const denominator = total + k * V;
    const what = bigram
      ? `“${context} ${next}” occurs ${plural(count, 'time')} in the corpus; ${plural(total, 'pair')} start with ${context}`
      : `${next} follows the context “${context}” ${plural(count, 'time')} in the corpus; the context makes `
        + `${plural(total, 'prediction')} in all`;
    const lines = [
      el('p', { class: 'explain-title' }, el('strong', { text: `P(${next} | ${context}) = ${short(p, 4)}` })),
      el('p', { text: `${what}; V = ${V}, k = ${short(k, 4)}.` }),
    ];
    if (denominator === 0) {
      lines.push(el('p', { text: `With k = 0 this row is 0 / 0: the context ${context} never occurs, so it has no `
        + 'distribution. Any k > 0 makes it uniform.' }));
    } else {
      const name = bigram ? 'row total' : 'context total';
      lines.push(el('p', { class: 'formula', text: `(count + k) / (${name} + k·V) = (${count} + ${short(k, 4)}) / `
        + `(${total} + ${short(k, 4)}·${V}) = ${short(count + k, 4)} / ${short(denominator, 4)} = ${short(p, 4)}` }));
    }
    explain.replaceChildren(...lines);
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

  /** The accessible table: up to TABLE_MAX rows and columns (a bigram's in id order, contexts most frequent first). */
  function buildTable(data, vocab) {
    const { bigram } = data;
    const C = data.cols.length;
    let rows = [...data.rows.keys()].slice(0, TABLE_MAX);
    if (bigram) rows.sort((a, b) => data.rows[a].cue - data.rows[b].cue);
    const cols = [...data.cols.keys()].slice(0, TABLE_MAX).sort((a, b) => data.cols[a] - data.cols[b]);
    const numbers = rows.length <= NUMBERS_UP_TO && cols.length <= NUMBERS_UP_TO;
    const table = el('table', { class: numbers ? 'heatmap' : 'heatmap compact', 'aria-describedby': 'matrix-help' },
      el('caption', { text: bigram ? 'Smoothed bigram matrix' : 'Smoothed n-gram matrix' }));
    const head = el('tr', {}, el('td', { class: 'corner', text: bigram ? 'prev ↓ next →' : 'context ↓ next →' }),
      cols.map((vc) => el('th', { scope: 'col', text: shown(vocab[data.cols[vc]]), title: shown(vocab[data.cols[vc]]) })),
      el('th', { scope: 'col', class: 'sum', text: 'Σ row' }));
    const colours = new Map(); // p → its cell colours: a row's unseen cells share one value
    const body = rows.map((vr, r) => {
      const label = contextLabel(data.rows[vr].context);
      return el('tr', {},
        el('th', { scope: 'row', text: label }),
        cols.map((vc, c) => {
          const p = data.probs[vr * C + vc];
          const td = el('td', {
            tabindex: r === focused.r && c === focused.c ? 0 : -1,
            'aria-label': `P(${shown(vocab[data.cols[vc]])} | ${label}) = ${short(p, 4)}`,
            'data-r': r, 'data-c': c, text: numbers ? short(p) : '',
          });
          if (Number.isFinite(p)) Object.assign(td.style, colours.get(p) ?? colours.set(p, cellColours(p)).get(p));
          else td.classList.add('undefined-cell');
          return td;
        }),
        el('td', { class: 'sum', text: short(data.sums[vr]) }));
    });
    table.append(el('thead', {}, head), el('tbody', {}, body));
    return { table, rows, cols };
  }

  /** Draws every cell as one pixel of a small image, scaled up without smoothing; then the cursor and highlight. */
  function paintCanvas() {
    const { canvas, image, size, data } = view;
    const context = canvas.getContext('2d');
    const scale = canvas.width / (data.cols.length * size);
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.imageSmoothingEnabled = false;
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    context.setTransform(scale, 0, 0, scale, 0, 0);
    const mark = focusColour ?? '#c2410c';
    const { r, c } = highlighted();
    context.lineWidth = 2 / scale;
    if (r >= 0) {
      context.strokeStyle = mark;
      context.strokeRect(0, r * size, data.cols.length * size, size);
      if (c >= 0) context.strokeRect(c * size - 1, r * size - 1, size + 2, size + 2);
    }
    context.strokeStyle = '#fff';
    context.lineWidth = 3 / scale;
    context.strokeRect(cursor.c * size - 1, cursor.r * size - 1, size + 2, size + 2);
    context.strokeStyle = '#000';
    context.lineWidth = 1.5 / scale;
    context.strokeRect(cursor.c * size - 1, cursor.r * size - 1, size + 2, size + 2);
  }

  /** The canvas heatmap of a large model: R × C cells of `size` CSS pixels. */
  function buildCanvas(data) {
    const R = data.rows.length;
    const C = data.cols.length;
    // an OffscreenCanvas: drawing a detached <canvas> element made the browser work out the page's styles first
    const image = new OffscreenCanvas(C, R);
    const pixels = new ImageData(C, R);
    const px = pixels.data;
    // a smoothed row repeats one value in all its unseen cells: each distinct value's colour is worked out once
    const colours = new Map();
    for (let i = 0; i < R * C; i++) {
      const p = data.probs[i];
      let rgb = colours.get(p);
      if (rgb === undefined) {
        rgb = Number.isFinite(p) ? rgbFor(p) : [128, 128, 128];
        colours.set(p, rgb);
      }
      px[4 * i] = rgb[0];
      px[4 * i + 1] = rgb[1];
      px[4 * i + 2] = rgb[2];
      px[4 * i + 3] = 255;
    }
    image.getContext('2d').putImageData(pixels, 0, 0);
    room ||= wrap.parentElement.clientWidth; // before the observer's first report
    const width = Math.max(200, Math.min(room - 24, 900));
    const size = Math.max(3, Math.min(12, Math.floor(width / C)));
    const canvas = el('canvas', {
      class: 'heatmap-canvas', tabindex: 0, role: 'img', 'aria-describedby': 'matrix-help',
      'aria-label': `Heatmap of the ${R} most frequent ${data.bigram ? 'previous tokens' : 'contexts'} by the ${C} most `
        + 'frequent next tokens. Arrow keys move the outlined cell; its explanation follows.',
    });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(C * size * ratio);
    canvas.height = Math.round(R * size * ratio);
    canvas.style.width = `${C * size}px`;
    canvas.style.height = `${R * size}px`;
    return { canvas, image, size };
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
    const { V, bigram } = data;
    const big = V > TABLE_MAX || data.contexts > TABLE_MAX;
    const { table, rows, cols } = buildTable(data, vocab);
    focused = { r: Math.min(focused.r, rows.length - 1), c: Math.min(focused.c, cols.length - 1) };
    const active = ui.focused();
    const hadFocus = wrap.contains(active);
    const canvasFocus = hadFocus && active.tagName === 'CANVAS';
    view = { data, vocab, rows, cols, table, canvas: null };
    if (big) {
      Object.assign(view, buildCanvas(data));
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
    $('matrix-help').textContent = `${bigram
      ? 'Rows are the previous token, columns the next one'
      : `Rows are contexts — the ${plural(data.order - 1, 'token')} before — most frequent first; columns are the `
        + 'next token'}; each row is a probability distribution and sums to 1. Hover over a cell, or focus it (Tab `
      + `into the ${big ? 'picture or the table' : 'table'}, then arrow keys), to see how its number was made.`;
    const notes = [];
    if (big) {
      notes.push(`The picture shows the top ${data.rows.length} of ${data.contexts} ${bigram ? 'rows' : 'contexts'} `
        + `and the top ${data.cols.length} of ${V} columns, by frequency (most frequent at the top left).`);
    }
    if (data.contexts > rows.length) {
      notes.push(bigram ? `The table shows the ${rows.length} tokens that start the most pairs as rows.`
        : `The table draws only the ${rows.length} most frequent contexts; every other context, seen or not, has its own row too.`);
    }
    if (V > TABLE_MAX) {
      notes.push(`The vocabulary has ${V} tokens, too many to draw in full: the table's columns are the ${cols.length} `
        + `predicted most often. Each Σ row still adds all ${V} columns.`);
    }
    if (rows.length > NUMBERS_UP_TO || cols.length > NUMBERS_UP_TO) {
      notes.push('Too many cells to print every number: hover over or focus a cell to read it.');
    }
    $('matrix-note').textContent = notes.join(' ');
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
