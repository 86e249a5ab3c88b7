// Part B's output, GPT-1's input transformations: each task's input rewritten as token sequences with ids, and under
// each field the words the model does not know. Loaded when Part B first comes into sight (parts/lesson.js); its
// controls (encode-controls.js) are bound to the store from the first load on, and name each task's inputs.
import { el, fillChips, shown } from '../../drawing/dom.js';
import { newest } from '../../engine/engine.js';
import { answerLines, taskTexts } from './task-texts.js';

// how each task's fields become encode()'s input
const INPUT = {
  classification: (s) => ({ text: s.text }),
  entailment: (s) => ({ premise: s.premise, hypothesis: s.hypothesis }),
  similarity: (s) => ({ a: s.similarityA, b: s.similarityB }),
  multipleChoice: (s) => ({ context: s.choiceContext, answers: answerLines(s.choiceAnswers) }),
};

/** Draws Part B's output now and after every edit it depends on (`inputs`: each task's fields, key → input id). */
export function createEncodePanel(ui, store, inputs) {
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
    const fields = Object.fromEntries(Object.entries(inputs[task]).map(([key, id]) => [id, state[key]]));
    ask(model.ask('encodeView', task, INPUT[task](state), fields)).then((answer) => draw(model, task, answer),
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

  const keys = new Set(['model', 'task', ...Object.values(inputs).flatMap((fields) => Object.keys(fields))]);
  store.subscribe((changed) => { if ([...changed].some((k) => keys.has(k))) render(); });
  render();
}
