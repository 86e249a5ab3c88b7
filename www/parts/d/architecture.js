// Part D's picture of the model: embeddings → N × block (drawn as GPT-1 arranges it, post-LN; or GPT-2's pre-LN
// beside it as a lesson) → the tied output layer and the classifier at [EXTRACT], with this model's sizes beside
// GPT-1's. What to draw is computed as plain data (architectureSteps, sizeRows); the drawing only lays it out.
import { el, svg } from '../../drawing/dom.js';
import { GPT1 } from '../../kinds/gpt1/shape.js';

/**
 * The steps of one block, in order, for `norm` ("post": GPT-1; "pre": GPT-2). Each step is
 * `{ kind: 'attention' | 'mlp' | 'add' | 'norm', label }`. x is the block's input; an `add` step adds a step's input
 * back to its output (the residual), and n (GPT-1) or m (GPT-2) names the state halfway through the block.
 */
export function architectureSteps(norm, { dModel, heads }) {
  const heading = `${heads} head${heads === 1 ? '' : 's'} of ${dModel / heads}`;
  const units = `${4 * dModel} units, GELU`;
  if (norm === 'pre') {
    return [
      { kind: 'norm', label: 'LayerNorm of x, the block\'s input' },
      { kind: 'attention', label: `masked self-attention: ${heading}` },
      { kind: 'add', label: '+ x, added back → m' },
      { kind: 'norm', label: 'LayerNorm of m' },
      { kind: 'mlp', label: `MLP: ${units}` },
      { kind: 'add', label: '+ m, added back → the block\'s output' },
    ];
  }
  return [
    { kind: 'attention', label: `masked self-attention on x: ${heading}` },
    { kind: 'add', label: '+ x, the block\'s input, added back' },
    { kind: 'norm', label: 'LayerNorm → n' },
    { kind: 'mlp', label: `MLP on n: ${units}` },
    { kind: 'add', label: '+ n, added back' },
    { kind: 'norm', label: 'LayerNorm → the block\'s output' },
  ];
}

/**
 * The whole model from bottom to top: `[{ kind, label }]`, the block's steps marked `inBlock`. A label is one line,
 * or a list of lines (the two outputs share the top row, each half as wide). `rows` null: not known yet (V).
 */
export function architectureLayout(shape) {
  const { norm, dModel, layers, context, rows } = shape;
  const steps = [
    { kind: 'embed', label: `token embedding Wₑ (${rows ?? 'V'} × ${dModel}) + position (${context} × ${dModel})` },
    ...architectureSteps(norm, shape).map((step) => ({ ...step, inBlock: true })),
  ];
  if (norm === 'pre') steps.push({ kind: 'norm', label: 'final LayerNorm' });
  // both heads read the final state h: side by side on the top row
  steps.push({ kind: 'output', label: ['logits = h·Wₑᵀ', '(tied to Wₑ)'], tied: true, side: 'left' });
  steps.push({ kind: 'classifier', label: ['softmax(h·W_y)', 'at [EXTRACT]'], side: 'right' });
  return { steps, repeat: `${layers} ×` };
}

/** This model's sizes beside GPT-1's: `[[what, ours, GPT-1's]]`. */
export function sizeRows(shape) {
  const n = (x) => x.toLocaleString('en-US');
  return [
    ['width d', n(shape.dModel), n(GPT1.dModel)],
    ['blocks', n(shape.layers), n(GPT1.layers)],
    ['attention heads', n(shape.heads), n(GPT1.heads)],
    ['context (tokens)', n(shape.context), n(GPT1.context)],
    ['embedding rows', shape.rows === null ? '—' : n(shape.rows), n(GPT1.rows)],
    ['LayerNorm', shape.norm === 'pre' ? 'pre (GPT-2)' : 'post', 'post'],
  ];
}

const WIDTH = 380; // room for the longest label: a 20,000-row, 64-wide embedding with 64 positions
const BOX = 26;
const GAP = 10;
const LINE = 12; // each further line of a label makes its box this much taller
const COLOURS = { embed: '#e8eefc', attention: '#fde8d7', mlp: '#e3f4e1', add: '#ffffff', norm: '#f1e6fa', output: '#e8eefc', classifier: '#fff6cc' };

/** An SVG drawing of `shape`'s architecture, read from bottom (embeddings) to top (outputs), as GPT-1's figure. */
export function architecturePicture(shape) {
  const { steps, repeat } = architectureLayout(shape);
  const rows = steps.length - 1; // the two heads share the top row
  const lines = (step) => [step.label].flat();
  const taller = LINE * (Math.max(...steps.map((s) => lines(s).length)) - 1); // the top row's extra lines
  const height = 16 + rows * (BOX + GAP) + taller;
  const y = (row) => height - 8 - (row + 1) * (BOX + GAP) + GAP; // row 0 at the bottom
  const x = 50;
  const w = WIDTH - x - 14;
  const parts = [];
  // the block's frame, with how many times it repeats
  const block = steps.flatMap((s, i) => (s.inBlock ? [i] : []));
  const [first, last] = [block[0], block[block.length - 1]];
  parts.push(svg('rect', { x: x - 6, y: y(last) - 5, width: w + 12, height: y(first) - y(last) + BOX + 10, rx: 8, fill: 'none', stroke: '#888', 'stroke-dasharray': '4 3', class: 'arch-block' }));
  parts.push(svg('text', { x: 4, y: (y(first) + y(last) + BOX) / 2 + 5, 'font-size': 14, class: 'arch-repeat' }, repeat));
  steps.forEach((step, i) => {
    const row = Math.min(i, rows - 1);
    const half = (w - 6) / 2;
    const bx = step.side === 'right' ? x + half + 6 : x;
    const bw = step.side ? half : w;
    const extra = LINE * (lines(step).length - 1); // a box of several lines grows upwards
    parts.push(svg('rect', { x: bx, y: y(row) - extra, width: bw, height: BOX + extra, rx: 4, fill: COLOURS[step.kind], stroke: '#555', class: `arch-${step.kind}` }));
    lines(step).forEach((line, i) => parts.push(svg('text', { x: bx + 6, y: y(row) - extra + BOX / 2 + 4 + i * LINE, 'font-size': 10.5 }, line)));
    // an arrow up from the row below (both heads read the same h)
    if (row > 0) {
      const ax = bx + bw / 2;
      parts.push(svg('line', { x1: ax, y1: y(row - 1), x2: ax, y2: y(row) + BOX + 1, stroke: '#555', 'marker-end': 'url(#arch-arrow)' }));
    }
  });
  // the tie: the output layer reuses the token embedding's matrix
  parts.push(svg('path', { d: `M ${x} ${y(0) + BOX / 2} C ${x - 40} ${y(0)}, ${x - 40} ${y(rows - 1) + BOX}, ${x} ${y(rows - 1) + BOX / 2}`, fill: 'none', stroke: '#3366cc', 'stroke-dasharray': '2 2', class: 'arch-tie' }));
  const title = `${shape.norm === 'pre' ? 'GPT-2-style pre-LN' : "GPT-1's post-LN"} architecture, from the bottom: ${steps.map((s) => lines(s).join(' ')).join('; ')}`;
  // (named by its <title>, not aria-label: a label would also match the page's form-field lookups by label)
  return svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img', class: 'arch-picture', 'data-norm': shape.norm },
    svg('title', {}, title),
    svg('defs', {}, svg('marker', { id: 'arch-arrow', viewBox: '0 0 6 6', refX: 5, refY: 3, markerWidth: 6, markerHeight: 6, orient: 'auto' }, svg('path', { d: 'M0,0 L6,3 L0,6 z', fill: '#555' }))),
    parts);
}

/** How to read the pictures, their letters and their arrows. */
const CAPTION = 'Read from the bottom: the embeddings, the blocks, then the two outputs that read the final state h. x is a '
  + 'block\'s input. Each + adds a step\'s input back to its output (a residual connection), so a block only adds a '
  + 'correction to the state it was given; n (GPT-1) and m (GPT-2) name the state halfway through a block. The dotted '
  + 'line is the tie: the logits for the next token are h times the token embedding Wₑ itself. Beside them, the '
  + 'classifier that fine-tuning adds reads h at [EXTRACT].';

/** The sizes table: this model beside GPT-1. */
export function sizeTable(shape) {
  return el('table', { class: 'arch-sizes' },
    el('thead', {}, el('tr', {}, ['size', 'this model', 'GPT-1'].map((text) => el('th', { text, scope: 'col' })))),
    el('tbody', {}, sizeRows(shape).map(([what, ours, theirs]) => el('tr', {}, el('th', { text: what, scope: 'row' }), el('td', { text: ours }), el('td', { text: theirs })))));
}

/**
 * The figure Part D shows: the picture and the sizes; with `compare`, GPT-1's post-LN and GPT-2's pre-LN block side by
 * side at this model's sizes (the lesson of the norm option).
 */
export function architectureFigure(shape, { compare = false, planned = false } = {}) {
  const pictures = compare
    ? ['post', 'pre'].map((norm) => el('div', { class: 'arch-column' }, el('p', { class: 'hint', text: norm === 'post' ? 'GPT-1: post-LN' : 'GPT-2: pre-LN' }), architecturePicture({ ...shape, norm })))
    : [architecturePicture(shape)];
  const rows = shape.rows === null ? 'one row for each token of its vocabulary (V, counted once the transformer has loaded)'
    : `${shape.rows.toLocaleString('en-US')} rows, one for each token of the chosen corpus's training lines cut by Part A's settings`;
  return el('figure', { class: 'arch-figure' }, el('div', { class: 'arch-pictures' }, pictures), sizeTable(shape),
    planned && el('p', { class: 'hint arch-planned', text: `No model yet: these are the sizes of the one Train will make, its embedding with ${rows}.` }),
    el('figcaption', { text: CAPTION }));
}
