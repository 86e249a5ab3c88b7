// Part A, the smoothed matrix as a heatmap table: rows = previous token, columns = next token.
import { $, el } from './dom.js';
import { cellColours, gradient, position } from './colour.js';
import { short } from './numbers.js';

const MAX_SHOWN = 40; // more rows/columns than this are not drawn: the most frequent ones are
const NUMBERS_UP_TO = 12; // print probabilities in the cells only while they fit

/** Ids of the `n` tokens that start the most pairs ([END] kept as a column), in id order. */
function mostFrequent(totals, n) {
  const end = totals.length - 1;
  const ids = [...totals.keys()].filter((i) => i !== end).sort((a, b) => totals[b] - totals[a] || a - b);
  return [...ids.slice(0, n - 1), end].sort((a, b) => a - b);
}

export function createMatrix(store) {
  const wrap = $('matrix');
  const explain = $('cell-explain');
  let view = null; // what is drawn: { vocab, ids, rows, totals, k, table }
  let highlight = { row: null, col: null };
  let focused = { r: 0, c: 0 };

  /** Puts the cell's arithmetic in words: the count, and (count + k) / (row total + k·V) filled in. */
  function describe(r, c) {
    const { vocab, ids, rows, totals, k } = view;
    const V = vocab.length;
    const prev = vocab[ids[r]];
    const next = vocab[ids[c]];
    const p = rows[r][ids[c]];
    const total = totals[ids[r]];
    const denominator = total + k * V;
    // the count is recovered from the probability: p · (total + kV) − k
    const count = Number.isFinite(p) ? Math.round(p * denominator - k) : 0;
    const lines = [
      el('p', { class: 'explain-title' }, el('strong', { text: `P(${next} | ${prev}) = ${short(p, 4)}` })),
      el('p', { text: `“${prev} ${next}” occurs ${count} time${count === 1 ? '' : 's'} in the corpus; `
        + `${total} pair${total === 1 ? '' : 's'} start with ${prev}; V = ${V}, k = ${short(k, 4)}.` }),
    ];
    if (denominator === 0) {
      lines.push(el('p', { text: `With k = 0 this row is 0 / 0: no pair starts with ${prev}, so it has no `
        + 'distribution. Any k > 0 makes it uniform.' }));
    } else {
      lines.push(el('p', { class: 'formula', text: `(count + k) / (row total + k·V) = (${count} + ${short(k, 4)}) / `
        + `(${total} + ${short(k, 4)}·${V}) = ${short(count + k, 4)} / ${short(denominator, 4)} = ${short(p, 4)}` }));
    }
    explain.replaceChildren(...lines);
  }

  function cell(r, c) {
    return view?.table.tBodies[0].rows[r]?.cells[c + 1];
  }

  function moveFocus(r, c) {
    const n = view.ids.length;
    const next = cell(Math.max(0, Math.min(n - 1, r)), Math.max(0, Math.min(n - 1, c)));
    if (!next) return;
    cell(focused.r, focused.c)?.setAttribute('tabindex', '-1');
    next.setAttribute('tabindex', '0');
    next.focus();
  }

  function applyHighlight() {
    if (!view) return;
    const { ids, table } = view;
    for (const tr of table.querySelectorAll('.sampling, .chosen')) tr.classList.remove('sampling', 'chosen');
    const r = ids.indexOf(highlight.row);
    if (r < 0) return;
    const tr = table.tBodies[0].rows[r];
    tr.classList.add('sampling');
    const c = ids.indexOf(highlight.col);
    if (c >= 0) tr.cells[c + 1].classList.add('chosen');
  }

  function render() {
    const model = store.model;
    if (!model) return;
    const vocab = model.vocab;
    const V = vocab.length;
    const totals = model.rowTotals();
    const ids = V <= MAX_SHOWN ? [...vocab.keys()] : mostFrequent(totals, MAX_SHOWN);
    const rows = ids.map((id) => model.row(id)); // only the drawn rows: never the whole V×V matrix
    const numbers = ids.length <= NUMBERS_UP_TO;
    const table = el('table', { class: numbers ? 'heatmap' : 'heatmap compact', 'aria-describedby': 'matrix-help' },
      el('caption', { text: 'Smoothed bigram matrix' }));
    const head = el('tr', {}, el('td', { class: 'corner', text: 'prev ↓ next →' }),
      ids.map((id) => el('th', { scope: 'col', text: vocab[id], title: vocab[id] })),
      el('th', { scope: 'col', class: 'sum', text: 'Σ row' }));
    const body = ids.map((prevId, r) => el('tr', {},
      el('th', { scope: 'row', text: vocab[prevId] }),
      ids.map((nextId, c) => {
        const p = rows[r][nextId];
        const td = el('td', {
          tabindex: r === focused.r && c === focused.c ? 0 : -1,
          'aria-label': `P(${vocab[nextId]} | ${vocab[prevId]}) = ${short(p, 4)}`,
          'data-r': r, 'data-c': c, text: numbers ? short(p) : '',
        });
        if (Number.isFinite(p)) Object.assign(td.style, cellColours(p));
        else td.classList.add('undefined-cell');
        return td;
      }),
      el('td', { class: 'sum', text: short(rows[r].reduce((s, x) => s + x, 0)) })));
    table.append(el('thead', {}, head), el('tbody', {}, body));
    focused = { r: Math.min(focused.r, ids.length - 1), c: Math.min(focused.c, ids.length - 1) };
    const hadFocus = wrap.contains(document.activeElement);
    view = { vocab, ids, rows, totals, k: model.smoothing, table };
    wrap.replaceChildren(table);
    cell(focused.r, focused.c)?.setAttribute('tabindex', '0');
    if (hadFocus) cell(focused.r, focused.c)?.focus();
    describe(focused.r, focused.c);
    applyHighlight();
    $('matrix-note').textContent = V > MAX_SHOWN
      ? `The vocabulary has ${V} tokens, too many to draw: showing the ${MAX_SHOWN} that start the most pairs `
        + `(and [END]). Each Σ row still adds all ${V} columns.`
      : numbers ? '' : 'Too many tokens to print every number: hover over or focus a cell to read it.';
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
    /** Marks the row being sampled and the cell chosen (ids; null clears). */
    setHighlight(row, col) {
      highlight = { row, col };
      applyHighlight();
    },
  };
}
