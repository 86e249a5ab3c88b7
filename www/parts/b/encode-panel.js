// Part B, GPT-1's input transformations: each task's input rewritten as token sequences with ids.
import { el, fillChips, shown } from '../../drawing/dom.js';
import { newest } from '../../engine/engine.js';
import { TASKS } from '../../state/store.js';
import { answerLines, taskTexts } from './task-texts.js';

// For each task: its state keys (and the input ids showing them), and how to build encode()'s input.
const SPEC = {
  classification: { fields: { text: 'text' }, input: (s) => ({ text: s.text }) },
  entailment: {
    fields: { premise: 'premise', hypothesis: 'hypothesis' },
    input: (s) => ({ premise: s.premise, hypothesis: s.hypothesis }),
  },
  similarity: {
    fields: { similarityA: 'sim-a', similarityB: 'sim-b' },
    input: (s) => ({ a: s.similarityA, b: s.similarityB }),
  },
  multipleChoice: {
    fields: { choiceContext: 'mc-context', choiceAnswers: 'mc-answers' },
    input: (s) => ({ context: s.choiceContext, answers: answerLines(s.choiceAnswers) }),
  },
};

export function createEncodePanel(ui, store) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const ask = newest();

  /** Marks, under a field, each token the model does not know, with the BPE hint. */
  function checkWords(id, words, tokenizer) {
    const slot = $(`${id}-words`);
    const unknown = words.filter(([, known]) => !known).map(([w]) => w);
    if (unknown.length) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
    if (!unknown.length) return slot.replaceChildren();
    const kind = tokenizer === 'word' ? 'word' : 'token';
    slot.replaceChildren(
      el('span', { class: 'words' }, words.map(([w, known]) => (known
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
    const fields = Object.fromEntries(Object.entries(spec.fields).map(([key, id]) => [id, state[key]]));
    ask(model.ask('encodeView', task, spec.input(state), fields)).then((answer) => draw(model, task, answer),
      () => {});
  }

  function draw(model, task, { checks, sequences, error }) {
    for (const [id, words] of Object.entries(checks)) checkWords(id, words, model.tokenizer);
    const lists = $(`out-${task}-sequences`);
    setError(`out-${task}`, error ?? '');
    if (error) return lists.replaceChildren(); // no tokens of an earlier text stay under the error
    const labels = taskTexts(store.state).map((t) => t.label);
    lists.replaceChildren(...sequences.map((seq, i) => {
      const list = el('ol', { class: 'chips', 'aria-label': labels[i] ?? `Sequence ${i + 1}` });
      fillChips(list, seq.tokens, seq.ids);
      return el('li', {}, el('p', { class: 'seq-label', text: labels[i] ?? '' }), list);
    }));
  }

  const radios = ui.all('input[name="task"]');
  function showTask(task) {
    for (const t of TASKS) $(`task-${t}`).hidden = t !== task;
    for (const radio of radios) radio.checked = radio.value === task;
  }

  for (const radio of radios) {
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
