// Part B, GPT-1's input transformations: each task's input rewritten as token sequences with ids.
import { encode } from './pkg/gpt1_playground.js';
import { $, el, fillChips, setError, messageOf, shown } from './dom.js';
import { TASKS } from './state.js';

// For each task: its state keys (and the input ids showing them), and how to build encode()'s input.
const SPEC = {
  classification: { fields: { text: 'text' }, input: (s) => ({ text: s.text }), labels: () => ['One sequence'] },
  entailment: {
    fields: { premise: 'premise', hypothesis: 'hypothesis' },
    input: (s) => ({ premise: s.premise, hypothesis: s.hypothesis }),
    labels: () => ['One sequence: premise, then hypothesis'],
  },
  similarity: {
    fields: { a: 'sim-a', b: 'sim-b' },
    input: (s) => ({ a: s.a, b: s.b }),
    labels: () => ['Order 1: text 1 first', 'Order 2: text 2 first'],
  },
  multipleChoice: {
    fields: { context: 'mc-context', answers: 'mc-answers' },
    input: (s) => ({ context: s.context, answers: answerLines(s.answers) }),
    labels: (s) => answerLines(s.answers).map((a, i) => `Choice ${i + 1}: ${a}`),
  },
};

const answerLines = (text) => text.split('\n').map((a) => a.trim()).filter(Boolean);

export function createEncodePanel(store) {
  /** Marks, under a field, each token the model does not know, with the BPE hint. */
  function checkWords(id, text, known) {
    const slot = $(`${id}-words`);
    const model = store.model;
    // the model's own tokenizer, line by line (the answers field has one answer per line)
    const words = text.split('\n').flatMap((line) => model.segment(line)).filter((w) => w.trim());
    const unknown = words.filter((w) => !known.has(w));
    if (unknown.length) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
    if (!unknown.length) return slot.replaceChildren();
    const kind = model.tokenizer === 'word' ? 'word' : 'token';
    slot.replaceChildren(
      el('span', { class: 'words' }, words.map((w) => (known.has(w)
        ? el('span', { class: 'word', text: shown(w) })
        : el('mark', { class: 'word unknown', text: shown(w) }, el('span', { class: 'visually-hidden', text: ` (unknown ${kind})` }))))),
      el('span', { class: 'hint', text: ` Unknown ${kind}${unknown.length > 1 ? 's' : ''}: ${unknown.map(shown).join(', ')}. `
        + `The model only knows the ${kind}s of its corpus — add them there. GPT-1 never has this problem: `
        + 'its byte-pair encoding splits any word into known sub-word pieces, so no word is unknown.' }));
  }

  function render() {
    const model = store.model;
    if (!model) return;
    const { state } = store;
    const task = state.task;
    const spec = SPEC[task];
    const known = new Set(model.vocab);
    for (const [key, id] of Object.entries(spec.fields)) checkWords(id, state[key], known);
    const lists = $(`out-${task}-sequences`);
    let sequences;
    try {
      sequences = encode(model, task, spec.input(state));
      setError(`out-${task}`, '');
    } catch (error) {
      setError(`out-${task}`, messageOf(error));
      lists.classList.add('stale'); // the last good encoding stays, faded; the error does not fade
      return;
    }
    lists.classList.remove('stale');
    const labels = spec.labels(state);
    lists.replaceChildren(...sequences.map((seq, i) => {
      const list = el('ol', { class: 'chips', 'aria-label': labels[i] ?? `Sequence ${i + 1}` });
      fillChips(list, seq.tokens, seq.ids);
      return el('li', {}, el('p', { class: 'seq-label', text: labels[i] ?? '' }), list);
    }));
  }

  function showTask(task) {
    for (const t of TASKS) $(`task-${t}`).hidden = t !== task;
    for (const radio of document.querySelectorAll('input[name="task"]')) radio.checked = radio.value === task;
  }

  for (const radio of document.querySelectorAll('input[name="task"]')) {
    radio.addEventListener('change', () => { if (radio.checked) store.set({ task: radio.value }); });
  }
  for (const spec of Object.values(SPEC)) {
    for (const [key, id] of Object.entries(spec.fields)) {
      $(id).addEventListener('input', () => store.set({ [key]: $(id).value }));
    }
  }
  const keys = new Set(['model', 'task', ...Object.values(SPEC).flatMap((s) => Object.keys(s.fields))]);
  store.subscribe((changed) => {
    if (changed.has('task')) showTask(store.state.task);
    if ([...changed].some((k) => keys.has(k))) render();
  });

  return {
    fill(state) {
      for (const spec of Object.values(SPEC)) {
        for (const [key, id] of Object.entries(spec.fields)) $(id).value = state[key];
      }
      showTask(state.task);
    },
  };
}
