// Figure 1 (right) of the GPT-1 paper, drawn for the chosen task with the user's own texts: each input becomes
// Start, text, (Delim, text,) Extract, goes through the one pre-trained Transformer, and a linear layer scores it.
// Similarity adds the two orders' final states before the linear layer; multiple choice scores each answer and a
// softmax picks one. figureLayout() is plain data (no DOM, tested in Node); drawFigure1() turns it into SVG with
// the page's svg() (dom.js), passed in: this module imports nothing, so it can load on its own when Part B is seen.

/** Its stylesheet, for whoever shows the figure to adopt (sheet.js): the first load carries none of it. */
export const FIGURE_CSS = `.figure1 { display: block; max-width: 100%; height: auto; }
.figure1 text { font-size: 12px; font-family: system-ui, sans-serif; text-anchor: middle; fill: var(--fg); }
.figure1 .figure1-role { fill: var(--muted); font-size: 10px; }
.figure1 rect { fill: var(--bg); stroke: var(--line); stroke-width: 1.5; }
.figure1-start rect, .figure1-delim rect, .figure1-extract rect { fill: var(--special-bg); stroke: var(--special-line); stroke-dasharray: 4 2; }
.figure1-start text, .figure1-delim text, .figure1-extract text { fill: var(--special-fg); }
.figure1-transformer rect { fill: var(--accent); stroke: var(--accent); }
.figure1-transformer text { fill: var(--accent-fg); font-weight: 700; }
.figure1-linear rect, .figure1-add rect, .figure1-softmax rect { fill: var(--explain); stroke: var(--fg); }
.figure1-add text { font-size: 18px; font-weight: 700; }
.figure1-arrow { stroke: var(--muted); stroke-width: 1.5; }
.figure1-head { fill: var(--muted); }`;

const CHAR = 7; // px per character at the figure's 12 px type (a generous average, so text never overflows)
const BOX_H = 40;
const LINE_H = 15; // a line of a text box: its role, then its text, wrapped to the box's width
const TEXT_TOP = 15; // the first line's baseline below the box's top
const ROW_GAP = 14;
const ARROW = 26; // room for an arrow between two boxes
const PAD = 8; // inside a box, left and right
const TRANSFORMER_W = 104;
const LINEAR_W = 64;
const JOIN_W = { similarity: 30, multipleChoice: 76 };
const SPECIAL_W = { start: 52, delim: 52, extract: 64 };
const SPECIAL_LABEL = { start: 'Start', delim: 'Delim', extract: 'Extract' };
const SPECIAL_TOKEN = { start: '[START]', delim: '[DELIM]', extract: '[EXTRACT]' };

/** The sequences of a task's input: each a list of parts, `{ kind: 'text', role, text }` or a special kind. */
export function sequences(task, input) {
  const one = (role, text) => ({ kind: 'text', role, text: String(text ?? '') });
  const pair = (first, second) => [{ kind: 'start' }, first, { kind: 'delim' }, second, { kind: 'extract' }];
  switch (task) {
    case 'classification':
      return [[{ kind: 'start' }, one('Text', input.text), { kind: 'extract' }]];
    case 'entailment':
      return [pair(one('Premise', input.premise), one('Hypothesis', input.hypothesis))];
    case 'similarity':
      return [pair(one('Text 1', input.a), one('Text 2', input.b)), pair(one('Text 2', input.b), one('Text 1', input.a))];
    case 'multipleChoice': {
      const answers = input.answers?.length ? input.answers : [''];
      return answers.map((answer, k) => pair(one('Context', input.context), one(`Answer ${k + 1}`, answer)));
    }
    default:
      throw new Error(`unknown task "${task}": expected classification, entailment, similarity or multipleChoice`);
  }
}

/**
 * `text` in lines of at most `max` characters (at least one): broken at spaces, and a word longer than a line cut
 * into line-long pieces. Characters, not bytes, are counted.
 */
export function wrap(text, max) {
  const width = Math.max(1, max);
  const lines = [];
  let line = [];
  for (const word of text.split(' ').filter(Boolean).map((w) => [...w])) {
    if (line.length && line.length + 1 + word.length <= width) {
      line.push(' ', ...word);
      continue;
    }
    if (line.length) lines.push(line.join(''));
    for (line = word; line.length > width; line = line.slice(width)) lines.push(line.slice(0, width).join(''));
  }
  if (line.length || !lines.length) lines.push(line.join(''));
  return lines;
}

/** The width a text box wants on one line: its role or its text, whichever is longer. */
const wants = (part) => PAD * 2 + CHAR * Math.max(part.role.length, [...(part.text || '(empty)')].length);

/**
 * Where everything goes for `task` and `input` in a figure `width` px wide: `{ width, height, boxes, arrows,
 * description, caption }`. Boxes are `{ x, y, w, h, kind, label, text?, lines?, title }` (kind: start, text, delim,
 * extract, transformer, linear, add, softmax); a text box's `lines` are its role's and its text's lines, wrapped
 * to its width (`{ text, role }`), and the box is as tall as they need. Arrows are `{ x1, y1, x2, y2 }`. When the
 * sequence and the layers do not fit on one line, each sequence gets its own line and its Transformer and Linear
 * go on the line below it; the figure is then as wide as `width` unless its narrowest form is wider (the page
 * scales it down to fit).
 */
export function figureLayout(task, input, width = 640) {
  const rows = sequences(task, input);
  const join = JOIN_W[task] ?? 0;
  // the layers after a sequence: Transformer, then Linear per row (not for similarity: after the join)
  const perRow = ARROW + TRANSFORMER_W + (task === 'similarity' ? 0 : ARROW + LINEAR_W);
  const after = join ? ARROW + join + (task === 'similarity' ? ARROW + LINEAR_W : 0) : 0; // when inline
  const wanted = Math.max(...rows.map((row) => row.reduce((sum, p) => sum + partWidth(p, Infinity), 0)));
  const inline = wanted + perRow + after <= width;
  // stacked, the join's column on the right runs past every row: the sequences keep clear of it
  const room = inline ? width - perRow - after : width - (join ? ARROW + join : 0);
  const boxes = [];
  const arrows = [];
  const layerEnds = []; // where each row's last layer ends: { x, y } (its right edge, its middle)
  const seqEnds = [];
  const sized = rows.map((row) => shrink(row, room));
  const longest = Math.max(...sized.map((row) => row.reduce((sum, p) => sum + p.w, 0)));
  let y = 0;
  for (const row of sized) {
    // the parts of a sequence touch: they are one token list, as tall as its most wrapped text
    const parts = row.map(({ part, w }) => box(part, w));
    const rowH = Math.max(...parts.map((b) => b.h));
    let x = 0;
    for (const b of parts) {
      boxes.push({ ...b, x, y, h: rowH });
      x += b.w;
    }
    const seqEnd = x;
    let layerY = y + (rowH - BOX_H) / 2;
    let lx = inline ? longest + ARROW : 0;
    if (inline) arrows.push({ x1: seqEnd, y1: y + rowH / 2, x2: lx, y2: y + rowH / 2 });
    else {
      layerY = y + rowH + ROW_GAP + 6;
      lx = Math.min(24, seqEnd / 2);
      arrows.push({ x1: lx + TRANSFORMER_W / 2, y1: y + rowH, x2: lx + TRANSFORMER_W / 2, y2: layerY });
    }
    boxes.push({ x: lx, y: layerY, w: TRANSFORMER_W, h: BOX_H, kind: 'transformer', label: 'Transformer', title: 'The pre-trained Transformer, the same for every task' });
    let end = lx + TRANSFORMER_W;
    if (task !== 'similarity') {
      arrows.push({ x1: end, y1: layerY + BOX_H / 2, x2: end + ARROW, y2: layerY + BOX_H / 2 });
      boxes.push({ x: end + ARROW, y: layerY, w: LINEAR_W, h: BOX_H, kind: 'linear', label: 'Linear', title: 'The new linear layer W_y on the final state at Extract' });
      end += ARROW + LINEAR_W;
    }
    layerEnds.push({ x: end, y: layerY + BOX_H / 2 });
    seqEnds.push(seqEnd);
    y = Math.max(layerY + BOX_H, y + rowH) + ROW_GAP;
  }
  let right = Math.max(...boxes.map((b) => b.x + b.w));
  if (join) {
    // one tall box on the right that every row's last layer feeds
    const jx = Math.max(...layerEnds.map((e) => e.x), ...(inline ? [] : seqEnds)) + ARROW;
    const top = layerEnds[0].y - BOX_H / 2;
    const bottom = layerEnds[layerEnds.length - 1].y + BOX_H / 2;
    for (const e of layerEnds) arrows.push({ x1: e.x, y1: e.y, x2: jx, y2: e.y });
    if (task === 'similarity') {
      boxes.push({ x: jx, y: top, w: join, h: bottom - top, kind: 'add', label: '+', title: 'The two orders\' final states added element-wise' });
      const linear = { w: LINEAR_W, h: BOX_H, kind: 'linear', label: 'Linear', title: 'The new linear layer W_y on the sum' };
      if (inline) {
        // to the right of +, at its middle
        const mid = (top + bottom) / 2;
        arrows.push({ x1: jx + join, y1: mid, x2: jx + join + ARROW, y2: mid });
        boxes.push({ ...linear, x: jx + join + ARROW, y: mid - BOX_H / 2 });
      } else {
        // below +, right-aligned with it, on a line of its own
        const lx = jx + join - LINEAR_W;
        arrows.push({ x1: jx + join / 2, y1: bottom, x2: jx + join / 2, y2: bottom + ROW_GAP + 6 });
        boxes.push({ ...linear, x: lx, y: bottom + ROW_GAP + 6 });
        y = bottom + ROW_GAP + 6 + BOX_H + ROW_GAP;
      }
    } else {
      boxes.push({ x: jx, y: top, w: join, h: bottom - top, kind: 'softmax', label: 'Softmax', title: `A softmax over the ${rows.length} answers' scores` });
    }
    right = Math.max(...boxes.map((b) => b.x + b.w));
  }
  return { width: Math.max(width, Math.ceil(right)), height: Math.ceil(y - ROW_GAP), boxes, arrows,
    description: describe(task, rows), caption: caption(task, rows.length) };
}

/** A part's box width, given at most `room` px for its text. */
function partWidth(part, room) {
  if (part.kind !== 'text') return SPECIAL_W[part.kind];
  return Math.min(wants(part), Math.max(room, PAD * 2 + CHAR * 4));
}

/** A row's parts with widths that fit `room`: the text boxes share what the special boxes leave. */
function shrink(row, room) {
  const fixed = row.filter((p) => p.kind !== 'text').reduce((s, p) => s + SPECIAL_W[p.kind], 0);
  const texts = row.filter((p) => p.kind === 'text');
  let share = (room - fixed) / texts.length;
  // a text that wants less than its share gives the rest to the others
  const modest = texts.filter((p) => wants(p) <= share);
  if (modest.length && modest.length < texts.length) {
    share = (room - fixed - modest.reduce((s, p) => s + wants(p), 0)) / (texts.length - modest.length);
  }
  return row.map((part) => ({ part, w: Math.floor(partWidth(part, share)) }));
}

/** A part's box, `w` px wide (placed by the caller): a text box holds its role and text wrapped to fit. */
function box(part, w) {
  if (part.kind !== 'text') {
    return { w, h: BOX_H, kind: part.kind, label: SPECIAL_LABEL[part.kind], title: `${SPECIAL_TOKEN[part.kind]}, a special token` };
  }
  const max = Math.max(1, Math.floor((w - PAD * 2) / CHAR));
  const text = part.text || '(empty)';
  const lines = [...wrap(part.role, max).map((line) => ({ text: line, role: true })),
    ...wrap(text, max).map((line) => ({ text: line, role: false }))];
  const h = Math.max(BOX_H, TEXT_TOP + (lines.length - 1) * LINE_H + 10);
  return { w, h, kind: 'text', label: part.role, text, lines, title: `${part.role}: ${text}` };
}

/** The figure's caption: what happens to the token lists, in the number the task has. */
function caption(task, count) {
  const lead = 'Figure 1 of the paper (right), for your input: ';
  switch (task) {
    case 'similarity':
      return `${lead}the two token lists, one per order, each go through the same pre-trained Transformer; their final `
        + 'states at [EXTRACT] are added element-wise, and a new linear layer reads the sum.';
    case 'multipleChoice':
      return `${lead}the ${count} token list${count === 1 ? '' : 's'}, one per answer, each go through the same `
        + 'pre-trained Transformer; a new linear layer scores each final state at [EXTRACT], and a softmax over the '
        + 'scores picks the answer.';
    default:
      return `${lead}the token list goes through the pre-trained Transformer, and a new linear layer reads its final `
        + 'state at [EXTRACT].';
  }
}

/** The figure in words, for its <desc>. */
function describe(task, rows) {
  const seq = (row) => row.map((p) => (p.kind === 'text' ? p.role.toLowerCase() : SPECIAL_TOKEN[p.kind])).join(' ');
  switch (task) {
    case 'classification':
    case 'entailment':
      return `${seq(rows[0])} goes through the Transformer; a linear layer on the final state at [EXTRACT] predicts the label.`;
    case 'similarity':
      return `Both orders, ${seq(rows[0])} and ${seq(rows[1])}, go through the Transformer; their final states are added and a linear layer predicts the label.`;
    default:
      return `${rows.length} sequence${rows.length === 1 ? '' : 's'}, one per answer (${seq(rows[0]).replace('answer 1', 'answer')}), each through the Transformer and a linear layer that gives it a score; a softmax over the scores picks the answer.`;
  }
}

/**
 * Draws a layout as a new <svg> element with `svg(tag, attributes, ...children)` (dom.js's: texts become text
 * nodes, never markup); `id` names its title and arrow head.
 */
export function drawFigure1(layout, svg, id = 'figure1') {
  const { width, height, boxes, arrows, description } = layout;
  const node = svg('svg', { class: 'figure1', viewBox: `-1 -1 ${width + 2} ${height + 2}`, width, height, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    svg('title', { id: `${id}-title` }, 'Figure 1 of the GPT-1 paper for this input'),
    svg('desc', { id: `${id}-desc` }, description),
    svg('defs', {}, svg('marker', { id: `${id}-arrow`, viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' },
      svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'figure1-head' }))));
  for (const a of arrows) {
    node.append(svg('line', { x1: a.x1, y1: a.y1, x2: a.x2 - 1, y2: a.y2 - (a.y2 > a.y1 ? 1 : 0), class: 'figure1-arrow', 'marker-end': `url(#${id}-arrow)` }));
  }
  for (const b of boxes) {
    const g = svg('g', { class: `figure1-box figure1-${b.kind}` }, svg('title', {}, b.title),
      svg('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 5 }));
    const cx = b.x + b.w / 2;
    if (b.kind === 'text') {
      const top = b.y + (b.h - (TEXT_TOP + (b.lines.length - 1) * LINE_H + 10)) / 2; // the lines centred in the box
      g.append(...b.lines.map((line, i) => svg('text', { x: cx, y: top + TEXT_TOP + i * LINE_H,
        ...(line.role ? { class: 'figure1-role' } : {}) }, line.text)));
    } else {
      g.append(svg('text', { x: cx, y: b.y + b.h / 2 + 4 }, b.label));
    }
    node.append(g);
  }
  return node;
}
