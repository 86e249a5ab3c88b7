// Figure 1 of the paper as Part B draws it: the layout, as plain data, for each task and width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureLayout, sequences, wrap } from '../../www/parts/b/figure1.js';

/** Each row's kinds, left to right: the boxes that share a top edge, in x order. */
function rows(layout) {
  const tops = [...new Set(layout.boxes.map((b) => b.y))].sort((a, b) => a - b);
  return tops.map((y) => layout.boxes.filter((b) => b.y === y).sort((a, b) => a.x - b.x).map((b) => b.kind));
}

/** No two boxes overlap, and everything lies inside the figure. */
function assertTidy(layout) {
  for (const b of layout.boxes) {
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= layout.width && b.y + b.h <= layout.height, `${b.kind} inside`);
  }
  for (const [i, a] of layout.boxes.entries()) {
    for (const b of layout.boxes.slice(i + 1)) {
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      assert.ok(apart, `${a.kind} at ${a.x},${a.y} and ${b.kind} at ${b.x},${b.y} overlap`);
    }
  }
}

test('classification and entailment: one sequence, Transformer, Linear on one line when wide', () => {
  const c = figureLayout('classification', { text: 'chai garam hai' }, 800);
  assert.deepEqual(rows(c), [['start', 'text', 'extract', 'transformer', 'linear']]);
  assert.equal(c.boxes.find((b) => b.kind === 'text').text, 'chai garam hai');
  assert.equal(c.arrows.length, 2, 'sequence → Transformer → Linear');
  assertTidy(c);
  const e = figureLayout('entailment', { premise: 'chai garam hai', hypothesis: 'chai acha hai' }, 800);
  assert.deepEqual(rows(e), [['start', 'text', 'delim', 'text', 'extract', 'transformer', 'linear']]);
  assert.deepEqual(e.boxes.filter((b) => b.kind === 'text').map((b) => [b.label, b.text]),
    [['Premise', 'chai garam hai'], ['Hypothesis', 'chai acha hai']]);
  assert.match(e.description, /\[START\] premise \[DELIM\] hypothesis \[EXTRACT\]/);
  assertTidy(e);
});

test('similarity: both orders, their final states added, then one Linear', () => {
  const s = figureLayout('similarity', { a: 'chai acha', b: 'chai garam' }, 800);
  const texts = s.boxes.filter((b) => b.kind === 'text').map((b) => b.text);
  assert.deepEqual(texts, ['chai acha', 'chai garam', 'chai garam', 'chai acha'], 'order 1, then order 2');
  assert.equal(s.boxes.filter((b) => b.kind === 'transformer').length, 2);
  assert.equal(s.boxes.filter((b) => b.kind === 'linear').length, 1, 'one linear layer, after the sum');
  const add = s.boxes.find((b) => b.kind === 'add');
  const linear = s.boxes.find((b) => b.kind === 'linear');
  assert.ok(linear.x > add.x + add.w, 'Linear comes after +');
  // both Transformers feed +
  assert.equal(s.arrows.filter((a) => a.x2 === add.x).length, 2);
  assertTidy(s);
});

test('multiple choice: one row per answer, each scored, a softmax over all', () => {
  const m = figureLayout('multipleChoice', { context: 'chai kaisi hai', answers: ['garam', 'thandi', 'meethi'] }, 900);
  assert.equal(m.boxes.filter((b) => b.kind === 'linear').length, 3);
  const softmax = m.boxes.find((b) => b.kind === 'softmax');
  assert.ok(softmax, 'a softmax box');
  assert.equal(m.arrows.filter((a) => a.x2 === softmax.x).length, 3, 'every score feeds the softmax');
  assert.deepEqual(m.boxes.filter((b) => b.label.startsWith('Answer')).map((b) => b.text), ['garam', 'thandi', 'meethi']);
  assert.match(m.description, /^3 sequences, one per answer/);
  assertTidy(m);
  // no answer yet: one row with an empty answer box
  assert.equal(sequences('multipleChoice', { context: 'x', answers: [] }).length, 1);
});

/** Every text box's lines fit inside it, and together they spell its role and its whole text. */
function assertWrapped(layout) {
  for (const b of layout.boxes.filter((x) => x.kind === 'text')) {
    for (const line of b.lines) assert.ok([...line.text].length * 7 <= b.w - 16, `“${line.text}” fits ${b.w} px`);
    // a line ends at a space or inside a word longer than a line: without the spaces, they spell it all
    const letters = (role) => b.lines.filter((l) => l.role === role).map((l) => l.text).join('').replace(/ /g, '');
    assert.equal(letters(true), b.label.replace(/ /g, ''), 'the role, whole');
    assert.equal(letters(false), b.text.replace(/ /g, ''), 'the text, whole');
    assert.ok(15 + (b.lines.length - 1) * 15 + 10 <= b.h, 'the box holds its lines');
  }
}

test('narrow: each sequence on its own line, the layers below it, texts wrapped (never cut) to fit', () => {
  const long = 'chai bahut garam hai aur meethi bhi hai';
  const wide = figureLayout('entailment', { premise: long, hypothesis: 'chai acha hai' }, 1400);
  assert.equal(rows(wide).length, 1);
  const phone = figureLayout('entailment', { premise: long, hypothesis: 'chai acha hai' }, 340);
  assert.deepEqual(rows(phone), [['start', 'text', 'delim', 'text', 'extract'], ['transformer', 'linear']]);
  assert.equal(phone.width, 340, 'fits the width it was given');
  const premise = phone.boxes.find((b) => b.label === 'Premise');
  assert.equal(premise.text, long);
  assert.ok(premise.lines.length > 2, 'the premise takes several lines');
  assertWrapped(phone);
  assertTidy(phone);
  for (const task of ['similarity', 'multipleChoice']) {
    const input = { a: long, b: long, context: long, answers: ['garam', 'thandi'] };
    const l = figureLayout(task, input, 340);
    assert.ok(l.width <= 360, `${task}: ${l.width}`);
    // the roles are whole: Text 1, Text 2, Context, Answer 2 (never “Tex…”)
    assert.ok(l.boxes.filter((b) => b.kind === 'text').every((b) => !b.lines.some((x) => x.text.includes('…'))));
    assertWrapped(l);
    assertTidy(l);
  }
});

test('the caption says what happens to each task\'s token lists, in their number', () => {
  assert.match(figureLayout('classification', { text: 'x' }).caption, /the token list goes through .* its final state/);
  assert.match(figureLayout('similarity', { a: 'x', b: 'y' }).caption,
    /the two token lists, one per order, each go through .*their final states at \[EXTRACT\] are added/);
  assert.match(figureLayout('multipleChoice', { context: 'x', answers: ['a', 'b', 'c'] }).caption,
    /the 3 token lists, one per answer, .*scores each final state/);
});

test('texts are wrapped by characters, not bytes; an unknown task is a clear error', () => {
  assert.deepEqual(wrap('चाय गरम है', 4), ['चाय', 'गरम', 'है']);
  assert.deepEqual(wrap('chaiwala', 3), ['cha', 'iwa', 'la']);
  assert.deepEqual(wrap('chai', 4), ['chai']);
  assert.deepEqual(wrap('', 4), ['']);
  assert.equal(figureLayout('classification', { text: '' }).boxes.find((b) => b.kind === 'text').text, '(empty)');
  assert.throws(() => figureLayout('translation', {}), /unknown task "translation": expected classification/);
});
