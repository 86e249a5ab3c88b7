// Part A, generation: seed, max length, temperature and top-k, and whether [START] may be drawn; one sample, or five
// from the same seed.
import { newest } from '../../engine/engine.js';
import { el, fillChips, messageOf } from '../../drawing/dom.js';
import { parseSeed, parseMaxLen, parseTemperature, parseTopK } from '../../state/numbers.js';

const FIELDS = { seed: parseSeed, maxLen: parseMaxLen, temperature: parseTemperature, topK: parseTopK };
const IDS = { seed: 'seed', maxLen: 'max-len', temperature: 'temperature', topK: 'top-k' };
const TYPED_KEYS = Object.keys(FIELDS);
/** Every field generation reads: the typed ones and the Never sample [START] box. */
export const GENERATION_KEYS = [...TYPED_KEYS, 'neverStart'];

/** The options for generate()/Sampler from the typed text, or the errors per field. */
export function generationOptions(state) {
  const parsed = Object.fromEntries(TYPED_KEYS.map((key) => [key, FIELDS[key](state[key])]));
  const errors = Object.fromEntries(TYPED_KEYS.map((key) => [key, parsed[key].error]));
  if (Object.values(errors).some(Boolean)) return { errors };
  const { seed, maxLen, temperature, topK } = parsed;
  return { errors, options: { seed: seed.value, maxLen: maxLen.value, temperature: temperature.value, topK: topK.value,
    neverStart: state.neverStart === 'on' } };
}

export function createGeneratePanel(ui, store, engine) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const generated = $('generated');
  const samples = $('samples');

  const ask = newest(); // an older answer is ignored

  /** Temperature, top-k and the seed only resample: the model stays as it is. */
  function render() {
    const model = store.model;
    if (!model) return;
    const { errors, options } = generationOptions(store.state);
    for (const key of TYPED_KEYS) setError(IDS[key], errors[key]);
    // keep the last good output visible but marked stale while a field is invalid
    generated.classList.toggle('stale', !options);
    if (!options) return;
    ask(model.ask('generateView', options, $('samples-details').open)).then((answer) => {
      fillChips(generated, answer.tokens);
      setError('generate', '');
      if (!answer.samples) return;
      samples.replaceChildren(...answer.samples.map((tokens) => {
        const list = el('ol', { class: 'chips' });
        fillChips(list, tokens);
        return el('li', {}, list);
      }));
    }, (error) => setError('generate', messageOf(error)));
  }

  for (const key of TYPED_KEYS) {
    const input = $(IDS[key]);
    input.addEventListener('input', () => store.set({ [key]: input.value }));
  }
  const neverStart = $('never-start');
  neverStart.addEventListener('change', () => store.set({ neverStart: neverStart.checked ? 'on' : 'off' }));
  $('samples-details').addEventListener('toggle', render);

  /** Draws a fresh seed and shows it, so this sample can be reproduced later. */
  function resample() {
    engine.request('page', 'randomSeed').then((drawn) => {
      const seed = String(drawn);
      $('seed').value = seed;
      store.set({ seed });
    }, (error) => setError('generate', messageOf(error)));
  }
  $('resample').addEventListener('click', resample);

  store.subscribe((changed) => {
    if (changed.has('model') || GENERATION_KEYS.some((key) => changed.has(key))) render();
  });

  return {
    fill(state) {
      for (const key of TYPED_KEYS) $(IDS[key]).value = state[key];
      neverStart.checked = state.neverStart === 'on';
    },
    resample,
  };
}
