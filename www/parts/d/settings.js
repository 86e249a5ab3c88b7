// Part D's settings: the section's fields as typed, kept in localStorage under their own key, each parsed where it
// is read with its inline error beside the field.
import { setError } from '../../drawing/dom.js';
import { parseTemperature, parseLambda, whole as wholeNumber, MAX_LEN, MAX_SEED } from '../../state/numbers.js';

const STORAGE_KEY = 'gpt1-playground/gpt';
export const CHUNK = 25; // optimisation steps per request: small enough to pause at once, large enough to be cheap
export const SIZES = {
  tiny: { dModel: 16, layers: 1, heads: 2 },
  small: { dModel: 32, layers: 2, heads: 4 },
  medium: { dModel: 64, layers: 2, heads: 4 },
};
export const LABELLED = ['sentiment', 'entailment']; // the fine-tuning tasks (gpt-finetune.js)
export const SPEEDS = ['0', '100', '20', '5', '2']; // steps per second (0: as fast as it goes), as the menu offers
const DEFAULTS = Object.freeze({
  size: 'small', source: 'builtin', maxSteps: '2000', seed: '1', speed: '0',
  genSeed: '42', genLen: '12', genTemp: '1', genTopk: '0',
  line: 'chai bahut garam hai', layer: '0', head: '0',
  task: 'sentiment', lambda: '0.5', ftSteps: '100', ftSeed: '9',
  sentiment: null, entailment: null, // the labelled text as typed; null = the built-in file
});
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

/** The section's saved settings (only known keys of the right type), else the defaults. */
function loadSettings() {
  const settings = { ...DEFAULTS };
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (saved && typeof saved === 'object') {
      for (const key of Object.keys(DEFAULTS)) {
        if (typeof saved[key] === 'string' && saved[key].length <= 200000) settings[key] = saved[key];
      }
    }
  } catch {
    // storage disabled or damaged: the defaults
  }
  if (!Object.hasOwn(SIZES, settings.size)) settings.size = DEFAULTS.size;
  if (!['builtin', 'part-a'].includes(settings.source)) settings.source = DEFAULTS.source;
  if (!SPEEDS.includes(settings.speed)) settings.speed = DEFAULTS.speed;
  if (!LABELLED.includes(settings.task)) settings.task = DEFAULTS.task;
  return settings;
}

/** The settings: `values` (the text as typed), `set(key, value)` (kept at once), `read(key)` (parsed, or undefined). */
export function createSettings() {
  const values = loadSettings();
  return {
    values,
    set(key, value) {
      values[key] = value;
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(values));
      } catch {
        // storage full or disabled: the page still works, a reload starts from the defaults
      }
    },
    /** The parsed value of a setting, showing (or clearing) its inline error; undefined when invalid. */
    read(key) {
      const parsed = PARSERS[key](values[key]);
      setError(TEXT_FIELDS[key], parsed.error);
      return parsed.error ? undefined : parsed.value;
    },
    parsed: (key) => Object.hasOwn(PARSERS, key),
  };
}
