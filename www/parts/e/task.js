// Part E, Part B's input transformation with GPT-1's own ids: the task chosen in Part B, each of its sequences in
// GPT-1's tokens between _start_, _delimiter_ and _classify_, and the final state at _classify_ — the vector a
// fine-tuned GPT-1 would multiply by W_y. The released model has no W_y, so no prediction is made.
import { $, el, chip, messageOf } from '../../drawing/dom.js';
import { rgbFor } from '../../drawing/colour.js';

/** The texts of each sequence of the task in `state` (Part B's fields), between the special tokens. */
export function taskSequences(state) {
  switch (state.task) {
    case 'entailment': return [[state.premise, state.hypothesis]];
    case 'similarity': return [[state.similarityA, state.similarityB], [state.similarityB, state.similarityA]];
    case 'multipleChoice': return state.choiceAnswers.split('\n').filter((a) => a.trim()).map((a) => [state.choiceContext, a]);
    default: return [[state.text]];
  }
}

/** The d numbers of a state as a strip of colours (each value scaled by the largest magnitude). */
function stateStrip(state) {
  const d = state.length;
  const canvas = el('canvas', { class: 'gpt1-state', width: d, height: 1, role: 'img',
    'aria-label': `the ${d} numbers of the final state, as colours` });
  const context = canvas.getContext('2d');
  const image = context.createImageData(d, 1);
  const largest = state.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  state.forEach((v, i) => image.data.set([...rgbFor(0.5 + v / (2 * largest)), 255], i * 4));
  context.putImageData(image, 0, 0);
  return canvas;
}

function describeState(state, note) {
  const norm = Math.sqrt(state.reduce((s, v) => s + v * v, 0));
  const first = Array.from(state.slice(0, 6), (v) => v.toFixed(3)).join(', ');
  const where = note ? 'The final state at the text\'s last token' : 'The final state at _classify_';
  return [note && el('p', { class: 'hint', text: note }),
    el('p', { class: 'hint', text: `${where}: ${state.length} numbers, length ${norm.toFixed(2)}; the first six are ${first}, …` })];
}

/** Part E's view of Part B's task. `session`: gpt1-session.js; `store`: the page's (Part B's fields). */
export function createTask(session, store) {
  const slot = $('gpt1-task');
  let asked = 0;
  let timer = 0;

  async function draw() {
    if (!session.model) return;
    const mine = ++asked;
    try {
      const sequences = await session.request('transform', { sequences: taskSequences(store.state) });
      if (mine !== asked) return;
      slot.replaceChildren(el('ol', { class: 'sequences' }, ...sequences.map(({ ids, tokens, state, problem, note }) => el('li', {},
        el('ol', { class: 'chips', 'aria-label': 'GPT-1 tokens and their ids' }, ...tokens.map((t, i) => chip(t.trim() || t, ids[i]))),
        state ? [stateStrip(state), describeState(state, note)]
          : el('p', { class: 'hint', text: `No final state: ${problem}` })))));
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
