// The smoothed matrix's parts, drawn from a matrix view (views.js) as plain elements: the accessible table, the
// canvas picture of a large model, a cell's arithmetic in words, and what the picture and the table leave out.
import { el, shown } from '../../drawing/dom.js';
import { cellColours, rgbFor } from '../../drawing/colour.js';
import { readCellHint, touchOnly } from '../../drawing/heatmap.js';
import { short } from '../../state/numbers.js';
import { TABLE_MAX } from '../../kinds/ngram/views.js';

const NUMBERS_UP_TO = 12; // print probabilities in the cells only while they fit

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a context is printed: its tokens, or a mark for the unigram's empty context. */
export const contextLabel = (context) => (context.length ? context.map(shown).join(' ') : '(no context)');

/** A cell's arithmetic in words: the counts and (count + k) / (total + k·V) filled in (paragraphs). */
export function cellExplanation(data, vocab, vr, vc) {
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
  return lines;
}

/** The accessible table: up to TABLE_MAX rows and columns (a bigram's in id order, contexts most frequent first). */
export function matrixTable(data, vocab, focused) {
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

/** The canvas heatmap of a large model, `room` pixels wide at most: R × C cells of `size` CSS pixels. */
export function matrixCanvas(data, room) {
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

/** What the rows and columns are, and how to read a cell. */
export function helpText(data, big) {
  return `${data.bigram
    ? 'Rows are the previous token, columns the next one'
    : `Rows are contexts — the ${plural(data.order - 1, 'token')} before — most frequent first; columns are the `
      + 'next token'}; each row is a probability distribution and sums to 1. `
    + readCellHint('to see how its number was made', big ? 'the picture or the table' : 'the table');
}

/** What the picture and the table leave out, and why. */
export function notesText(data, rows, cols, big) {
  const { V, bigram } = data;
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
      notes.push(`Too many cells to print every number: ${touchOnly() ? 'tap' : 'hover over or focus'} a cell to read it.`);
    }
  
  return notes.join(' ');
}

/**
 * Paints the canvas of `view` (matrixCanvas's, with its data): every cell as one pixel of its small image, scaled up
 * without smoothing; then the sampled row and chosen cell `marked` (view indices, -1: none) and the `cursor`.
 */
export function paint({ canvas, image, size, data }, marked, cursor, focusColour) {
  const context = canvas.getContext('2d');
  const scale = canvas.width / (data.cols.length * size);
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  context.setTransform(scale, 0, 0, scale, 0, 0);
  const mark = focusColour ?? '#c2410c';
  const { r, c } = marked;
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
