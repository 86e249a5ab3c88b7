// Part E, Part B's input transformation with GPT-1's own ids: the task chosen in Part B, each of its sequences in
// GPT-1's tokens between _start_, _delimiter_ and _classify_, and the final state at _classify_ — the vector a
// fine-tuned GPT-1 would multiply by W_y (for similarity, the two orders' states added). The released model has no
// W_y, so no prediction is made.
import { $, el, chip, messageOf } from '../../drawing/dom.js';
import { rgbFor } from '../../drawing/colour.js';
import { taskTexts } from '../b/task-texts.js';

/** The d numbers of a state as a strip of colours (each value scaled by the largest magnitude). */
function stateStrip(state, label) {
  const d = state.length;
  const canvas = el('canvas', { class: 'gpt1-state', width: d, height: 1, role: 'img',
    'aria-label': `${label}: its ${d} numbers, as colours` });
  const context = canvas.getContext('2d');
  const image = context.createImageData(d, 1);
  const largest = state.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  state.forEach((v, i) => image.data.set([...rgbFor(0.5 + v / (2 * largest)), 255], i * 4));
  context.putImageData(image, 0, 0);
  return canvas;
}

/** A state drawn and said in numbers: `where` names it. */
function showState(state, where) {
  const norm = Math.sqrt(state.reduce((s, v) => s + v * v, 0));
  const first = Array.from(state.slice(0, 6), (v) => v.toFixed(3)).join(', ');
  return [stateStrip(state, where),
    el('p', { class: 'hint', text: `${where}: ${state.length} numbers, length ${norm.toFixed(2)}; the first six are ${first}, …` })];
}

/** Similarity's two final states added element-wise: what the linear layer W_y reads (Figure 1). */
function summedState(sequences) {
  const [one, two] = sequences.map((s) => s.state);
  if (!one || !two) return null;
  const sum = one.map((v, i) => v + two[i]);
  const where = sequences[0].note ? 'the two orders’ states at their texts’ last tokens' : 'the two orders’ states at _classify_';
  return el('div', { class: 'gpt1-sum' },
    el('p', { class: 'seq-label', text: 'Order 1 + order 2: the one vector W_y would read' }),
    ...showState(sum, `The sum of ${where}, added element-wise`));
}

/** Part E's view of Part B's task. `session`: gpt1-session.js; `store`: the page's (Part B's fields). */
export function createTask(session, store) {
  const slot = $('gpt1-task');
  let asked = 0;
  let timer = 0;

  async function draw() {
    if (!session.model) return;
    const mine = ++asked;
    const tasks = taskTexts(store.state);
    try {
      const sequences = await session.request('transform', { sequences: tasks.map((t) => t.texts) });
      if (mine !== asked) return;
      const list = el('ol', { class: 'sequences' }, ...sequences.map(({ ids, tokens, state, problem, note }, i) => el('li', {},
        el('p', { class: 'seq-label', text: tasks[i].label }),
        el('ol', { class: 'chips', 'aria-label': `${tasks[i].label}: GPT-1 tokens and their ids` }, ...tokens.map((t, k) => chip(t, ids[k]))),
        state ? [note && el('p', { class: 'hint', text: note }),
          showState(state, note ? 'The final state at the text\'s last token' : 'The final state at _classify_')]
          : el('p', { class: 'hint', text: `No final state: ${problem}` }))));
      slot.replaceChildren(list, store.state.task === 'similarity' ? summedState(sequences) : '');
    } catch (error) {
      if (mine === asked) slot.replaceChildren(el('p', { class: 'error', text: messageOf(error) }));
    }
  }

  const PART_B = ['task', 'text', 'premise', 'hypothesis', 'similarityA', 'similarityB', 'choiceContext', 'choiceAnswers'];
  store.subscribe((changed) => {
    if (!PART_B.some((name) => changed.has(name))) return;
    clearTimeout(timer);
    timer = setTimeout(draw, 200);
  });

  return { draw, clear() { asked += 1; slot.replaceChildren(); } };
}
