// Part C's controls: P(positive), the true label, L_lm (typed, or the model's) and λ, bound to the store from the
// first load on (an edit written with set(), a replaced state filled in). What they make, the two losses with their
// equations and the point on −ln p, is drawn by loss-panel.js, loaded when Part C first comes into sight
// (parts/lesson.js).

const INPUTS = { pPositive: 'p-positive', lambda: 'lambda', lmLoss: 'lm-loss' }; // each field, its input's id
const RADIOS = { label: 'label', lmmode: 'lmSource' }; // each radio group's name, and its field
/** Part C's controls; `fields` are the fields Part C's numbers are computed from (besides the model), for the output
 * (its module imports nothing of this one, which the first load carries alone). */
export function createLossControls(ui, store) {
  const { $ } = ui; // this part's elements: in the page, or in one widget's shadow root
  const radios = ui.all('input[name="label"], input[name="lmmode"]');
  /** L_lm is typed only while "typed" is chosen. */
  const typedOnly = (state) => { $('lm-loss').disabled = state.lmSource === 'model'; };

  for (const [key, id] of Object.entries(INPUTS)) {
    $(id).addEventListener('input', () => store.set({ [key]: $(id).value }));
  }
  for (const radio of radios) {
    radio.addEventListener('change', () => { if (radio.checked) store.set({ [RADIOS[radio.name]]: radio.value }); });
  }
  store.subscribe((changed) => { if (changed.has('lmSource')) typedOnly(store.state); });

  return {
    fields: [...Object.keys(INPUTS), ...Object.values(RADIOS)],
    fill(state) {
      for (const [key, id] of Object.entries(INPUTS)) $(id).value = state[key];
      for (const radio of radios) radio.checked = radio.value === state[RADIOS[radio.name]];
      typedOnly(state);
    },
  };
}
