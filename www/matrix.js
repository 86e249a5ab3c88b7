// Part A, the smoothed matrix as a heatmap table: rows = contexts (the previous token for a bigram), columns = next token.
import { $, el, shown } from './dom.js';
import { cellColours, gradient, position } from './colour.js';
import { short } from './numbers.js';

const MAX_SHOWN = 40; // more rows/columns than this are not drawn: the most frequent ones are
const NUMBERS_UP_TO = 12; // print probabilities in the cells only while they fit

/** Ids of the `n` largest totals, in id order (ties: the smaller id). */
function largest(totals, n) {
  const ids = [...totals.keys()].sort((a, b) => totals[b] - totals[a] || a - b);
  return ids.slice(0, n).sort((a, b) => a - b);
}

const keyOf = (context) => context.join('\u0000');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a context is printed: its tokens, or a mark for the unigram's empty context. */
export const contextLabel = (context) => (context.length ? context.map(shown).join(' ') : '(no context)');

/** The rows to draw: every context for a small model, else the most frequent; with the cue to fetch each row. */
function pickRows(model, V) {
  const vocab = model.vocab;
  if (model.order === 2) {
    // the lesson's square matrix: one row per previous token, in id order
    const ids = V <= MAX_SHOWN ? [...vocab.keys()] : largest(model.rowTotals(), MAX_SHOWN);
    return { rows: ids.map((id) => ({ context: [vocab[id]], cue: id })), more: V > MAX_SHOWN };
  }
  const top = model.topContexts(MAX_SHOWN + 1); // one more than drawn, to know whether some were left out
  const rows = top.slice(0, MAX_SHOWN).map(({ context }) => ({ context, cue: context }));
  return { rows, more: top.length > MAX_SHOWN };
}

export function createMatrix(store) {
  const wrap = $('matrix');
  const explain = $('cell-explain');
  let view = null; // what is drawn: { model, vocab, rows, cols, k, table }
  let highlight = { context: null, col: null };
  let focused = { r: 0, c: 0 };

  /** Puts the cell's arithmetic in words: the counts from the core, and (count + k) / (total + k·V) filled in. */
  function describe(r, c) {
    const { model, vocab, rows, cols, k } = view;
    const V = vocab.length;
    const row = rows[r];
    const nextId = cols[c];
    const next = shown(vocab[nextId]);
    const context = contextLabel(row.context);
    const p = row.probabilities[nextId];
    const count = model.countsRow(row.cue)[nextId];
    const total = model.contextTotal(row.cue);
    const denominator = total + k * V;
    const bigram = model.order === 2;
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

  function moveFocus(r, c) {
    const next = cell(Math.max(0, Math.min(view.rows.length - 1, r)), Math.max(0, Math.min(view.cols.length - 1, c)));
    if (!next) return;
    cell(focused.r, focused.c)?.setAttribute('tabindex', '-1');
    next.setAttribute('tabindex', '0');
    next.focus();
  }

  function applyHighlight() {
    if (!view) return;
    const { rows, cols, table } = view;
    for (const tr of table.querySelectorAll('.sampling, .chosen')) tr.classList.remove('sampling', 'chosen');
    if (!highlight.context) return;
    const key = keyOf(highlight.context);
    const r = rows.findIndex((row) => keyOf(row.context) === key);
    if (r < 0) return;
    const tr = table.tBodies[0].rows[r];
    tr.classList.add('sampling');
    const c = cols.indexOf(highlight.col);
    if (c >= 0) tr.cells[c + 1].classList.add('chosen');
  }

  function render() {
    const model = store.model;
    if (!model) return;
    const vocab = model.vocab;
    const V = vocab.length;
    const bigram = model.order === 2;
    const { rows, more } = pickRows(model, V);
    // the columns: every token, or the ones predicted most often
    const cols = V <= MAX_SHOWN ? [...vocab.keys()] : largest(model.nextTotals(), MAX_SHOWN);
    for (const row of rows) row.probabilities = model.row(row.cue); // only the drawn rows, never all of them
    const numbers = rows.length <= NUMBERS_UP_TO && cols.length <= NUMBERS_UP_TO;
    const table = el('table', { class: numbers ? 'heatmap' : 'heatmap compact', 'aria-describedby': 'matrix-help' },
      el('caption', { text: bigram ? 'Smoothed bigram matrix' : 'Smoothed n-gram matrix' }));
    const head = el('tr', {}, el('td', { class: 'corner', text: bigram ? 'prev ↓ next →' : 'context ↓ next →' }),
      cols.map((id) => el('th', { scope: 'col', text: shown(vocab[id]), title: shown(vocab[id]) })),
      el('th', { scope: 'col', class: 'sum', text: 'Σ row' }));
    const body = rows.map((row, r) => {
      const label = contextLabel(row.context);
      return el('tr', {},
        el('th', { scope: 'row', text: label }),
        cols.map((nextId, c) => {
          const p = row.probabilities[nextId];
          const td = el('td', {
            tabindex: r === focused.r && c === focused.c ? 0 : -1,
            'aria-label': `P(${shown(vocab[nextId])} | ${label}) = ${short(p, 4)}`,
            'data-r': r, 'data-c': c, text: numbers ? short(p) : '',
          });
          if (Number.isFinite(p)) Object.assign(td.style, cellColours(p));
          else td.classList.add('undefined-cell');
          return td;
        }),
        el('td', { class: 'sum', text: short(row.probabilities.reduce((s, x) => s + x, 0)) }));
    });
    table.append(el('thead', {}, head), el('tbody', {}, body));
    focused = { r: Math.min(focused.r, rows.length - 1), c: Math.min(focused.c, cols.length - 1) };
    const hadFocus = wrap.contains(document.activeElement);
    view = { model, vocab, rows, cols, k: model.smoothing, table };
    wrap.replaceChildren(table);
    cell(focused.r, focused.c)?.setAttribute('tabindex', '0');
    if (hadFocus) cell(focused.r, focused.c)?.focus();
    describe(focused.r, focused.c);
    applyHighlight();
    $('matrix-help').textContent = `${bigram
      ? 'Rows are the previous token, columns the next one'
      : `Rows are contexts — the ${plural(model.order - 1, 'token')} before — most frequent first; columns are the `
        + 'next token'}; each row is a probability distribution and sums to 1. Hover over a cell, or focus it (Tab `
      + 'into the table, then arrow keys), to see how its number was made.';
    const notes = [];
    if (more) {
      notes.push(bigram ? `Showing the ${MAX_SHOWN} tokens that start the most pairs as rows.`
        : `Only the ${MAX_SHOWN} most frequent contexts are drawn; every other context, seen or not, has its own row too.`);
    }
    if (V > MAX_SHOWN) {
      notes.push(`The vocabulary has ${V} tokens, too many to draw: the columns are the ${MAX_SHOWN} predicted most `
        + `often. Each Σ row still adds all ${V} columns.`);
    }
    if (!numbers) notes.push('Too many cells to print every number: hover over or focus a cell to read it.');
    $('matrix-note').textContent = notes.join(' ');
  }

  // hover and keyboard focus both explain a cell
  wrap.addEventListener('mouseover', (e) => {
    const td = e.target.closest?.('td[data-r]');
    if (td) describe(Number(td.dataset.r), Number(td.dataset.c));
  });
  wrap.addEventListener('focusin', (e) => {
    const td = e.target.closest?.('td[data-r]');
    if (!td) return;
    focused = { r: Number(td.dataset.r), c: Number(td.dataset.c) };
    describe(focused.r, focused.c);
  });
  wrap.addEventListener('keydown', (e) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    let target = null;
    if (moves[e.key]) target = [focused.r + moves[e.key][0], focused.c + moves[e.key][1]];
    else if (e.key === 'Home') target = [focused.r, 0];
    else if (e.key === 'End') target = [focused.r, Infinity];
    if (!target || !view) return;
    e.preventDefault();
    moveFocus(...target);
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
