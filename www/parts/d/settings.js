// Part D's settings: the section's fields as typed, declared in the page's store (state/store.js: Part D's names,
// each a `gpt…` field) and kept with the rest of the state (state/saving.js); each parsed where it is read, with its
// inline error beside the field.
import { setError } from '../../drawing/dom.js';
import { parseTemperature, parseLambda, whole as wholeNumber, MAX_LEN, MAX_SEED } from '../../state/numbers.js';
import { GPT_NAMES } from '../../state/store.js';

export const CHUNK = 25; // optimisation steps per request: small enough to pause at once, large enough to be cheap
/** Each model size (the store's choices: GPT_SIZES) and its shape. */
export const SIZES = {
  tiny: { dModel: 16, layers: 1, heads: 2 },
  small: { dModel: 32, layers: 2, heads: 4 },
  medium: { dModel: 64, layers: 2, heads: 4 },
};
const whole = (text, name, min, max) => wholeNumber(text, name, min, max, (n) => n.toLocaleString('en-US'));
/** How each typed setting is read, and the id of its field (its error goes beside it). */
const PARSERS = {
  maxSteps: (t) => whole(t, 'Stop after', CHUNK, 20000),
  seed: (t) => whole(t, 'Weights seed', 0, MAX_SEED),
  genSeed: (t) => whole(t, 'Sample seed', 0, MAX_SEED),
  genLen: (t) => whole(t, 'Sample length', 1, MAX_LEN),
  genTemp: parseTemperature,
  genTopk: (t) => whole(t, 'Sample top-k', 0, 100000),
  lambda: parseLambda,
  ftSteps: (t) => whole(t, 'Fine-tuning steps', 1, 2000),
  ftSeed: (t) => whole(t, 'Batch seed', 0, MAX_SEED),
};
/** The text fields, by the id of their input. */
export const TEXT_FIELDS = { maxSteps: 'gpt-max-steps', seed: 'gpt-seed', genSeed: 'gpt-gen-seed', genLen: 'gpt-gen-len',
  genTemp: 'gpt-gen-temp', genTopk: 'gpt-gen-topk', line: 'gpt-line', lambda: 'gpt-lambda', ftSteps: 'gpt-ft-steps',
  ftSeed: 'gpt-ft-seed' };

/**
 * The settings over the page's `store`: `values` (Part D's fields as typed, by Part D's names, read live from the
 * store), `set(key, value)` (through the store, which keeps it), `read(key)` (parsed, or undefined).
 */
export function createSettings(store) {
  const values = {};
  for (const [name, field] of Object.entries(GPT_NAMES)) {
    Object.defineProperty(values, name, { get: () => store.state[field], enumerable: true });
  }
  return {
    values,
    set(key, value) { store.set({ [GPT_NAMES[key]]: value }); },
    /** The parsed value of a setting, showing (or clearing) its inline error; undefined when invalid. */
    read(key) {
      const parsed = PARSERS[key](values[key]);
      setError(TEXT_FIELDS[key], parsed.error);
      return parsed.error ? undefined : parsed.value;
    },
    parsed: (key) => Object.hasOwn(PARSERS, key),
  };
}
