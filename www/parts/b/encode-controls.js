// Part B's controls: the task picker and each task's fields, bound to the store from the first load on (an edit
// written with set(), a replaced state filled in). What they make, each task's token sequences and the words the
// model does not know, is drawn by encode-panel.js, loaded when Part B first comes into sight (parts/lesson.js).
import { TASKS } from '../../state/store.js';

/** Each task's fields: the state key, and the id of the input showing it. */
const TASK_INPUTS = {
  classification: { text: 'text' },
  entailment: { premise: 'premise', hypothesis: 'hypothesis' },
  similarity: { similarityA: 'sim-a', similarityB: 'sim-b' },
  multipleChoice: { choiceContext: 'mc-context', choiceAnswers: 'mc-answers' },
};

/** Part B's controls; `inputs` is TASK_INPUTS, for the output (its module imports nothing of this one, which the
 * first load carries alone). */
export function createEncodeControls(ui, store) {
  const { $ } = ui; // this part's elements: in the page, or in one widget's shadow root
  const radios = ui.all('input[name="task"]');
  /** Shows the chosen task's fields and output, and checks its radio. */
  function showTask(task) {
    for (const t of TASKS) $(`task-${t}`).hidden = t !== task;
    for (const radio of radios) radio.checked = radio.value === task;
  }

  for (const radio of radios) {
    radio.addEventListener('change', () => { if (radio.checked) store.set({ task: radio.value }); });
  }
  for (const fields of Object.values(TASK_INPUTS)) {
    for (const [key, id] of Object.entries(fields)) {
      $(id).addEventListener('input', () => store.set({ [key]: $(id).value }));
    }
  }
  store.subscribe((changed) => { if (changed.has('task')) showTask(store.state.task); });

  return {
    inputs: TASK_INPUTS,
    fill(state) {
      for (const fields of Object.values(TASK_INPUTS)) {
        for (const [key, id] of Object.entries(fields)) $(id).value = state[key];
      }
      showTask(state.task);
    },
  };
}
