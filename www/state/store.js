// The page's state, declared: every field its controls hold (text, exactly as typed), what each may hold and its
// default; beside them, what the panels share that is computed (the model and its matrix). A panel subscribes and
// is told which names changed ('model' when the model did). The link codec (link.js) alone knows the URL's short
// keys; saving (saving.js) keeps the state in the link and in localStorage.

export const LESSON_CORPUS = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';
export const TASKS = ['classification', 'entailment', 'similarity', 'multipleChoice'];
export const ORDERS = ['1', '2', '3', '4', '5', '6'];
export const TOKENIZERS = ['word', 'char', 'bpe'];
export const BOUNDARIES = ['lines', 'stream'];

// How long a field's text may be in a link (browsers cap addresses near 2 MB): a short setting, a text, the
// validation text. A corpus above `text` stays out of the link and is kept in localStorage.
export const SIZES = { setting: 1000, text: 100000, validation: 500000 };

const text = (value, size = 'text') => ({ default: value, size });
const choice = (value, choices) => ({ default: value, size: 'setting', choices });
const number = (value, range) => ({ default: value, size: 'setting', range }); // a slider: only numbers in its range
const setting = (value) => ({ default: value, size: 'setting' }); // typed: any text, the panel says what is wrong

/** Every field: its default, its size class (SIZES), and the menu's choices or the slider's range where it has one. */
export const FIELDS = Object.freeze({
  corpus: text(LESSON_CORPUS),
  smoothing: number('1', [0, 5]),
  order: choice('2', ORDERS),
  tokenizer: choice('word', TOKENIZERS),
  boundaries: choice('lines', BOUNDARIES),
  merges: setting('100'),
  segmentText: text('chaiwala chai garam hai'),
  validation: text('chai bahut acha\nchai garam hai', 'validation'),
  seed: setting('42'),
  maxLen: setting('6'),
  temperature: setting('1'),
  topK: setting('0'),
  neverStart: choice('off', ['off', 'on']), // 'on': [START]'s column gets no probability when sampling
  task: choice('classification', TASKS),
  text: text('chai bahut garam hai'),
  premise: text('chai bahut garam hai'),
  hypothesis: text('chai acha hai'),
  similarityA: text('chai acha hai'),
  similarityB: text('chai bahut acha hai'),
  choiceContext: text('chai bahut'),
  choiceAnswers: text('garam hai\nacha hai'),
  pPositive: number('0.72', [0.01, 0.99]),
  label: choice('positive', ['positive', 'negative']),
  lambda: setting('0.5'),
  lmLoss: setting('1.5'),
  lmSource: choice('typed', ['typed', 'model']),
});

export const DEFAULTS = Object.freeze(Object.fromEntries(Object.entries(FIELDS).map(([name, f]) => [name, f.default])));

/** A value as a notice quotes it: short, on one line. */
export const quote = (value) => `“${value.length > 24 ? `${value.slice(0, 24)}…` : value}”`.replace(/\s+/g, ' ');

/**
 * Why `value` cannot be field `name`'s, or '' when it can: `label` is how the message names the field (the link's
 * key), `max` the most characters allowed.
 */
export function invalid(name, value, label = name, max = SIZES[FIELDS[name].size]) {
  const { choices, range } = FIELDS[name];
  if (typeof value !== 'string') return `${label} is not text`;
  if (value.length > max) return `${label} is ${value.length.toLocaleString('en-US')} characters long, above the ${max.toLocaleString('en-US')} a link may carry`;
  if (choices && !choices.includes(value)) return `${label} ${quote(value)} is not one of ${choices.join(', ')}`;
  const number = value.trim() === '' ? NaN : Number(value);
  if (range && !(number >= range[0] && number <= range[1])) {
    return `${label} ${quote(value)} is not a number from ${range[0]} to ${range[1]}`;
  }
  return '';
}

/** Keeps only known fields whose values are valid, filling the rest from `base`. */
export function complete(partial, base = DEFAULTS) {
  const state = { ...base };
  for (const name of Object.keys(FIELDS)) {
    if (Object.hasOwn(partial, name) && !invalid(name, partial[name], name, Infinity)) state[name] = partial[name];
  }
  return state;
}

/**
 * The store: `state` (the fields), `model` (a ModelHandle, engine.js) and `matrixView` (its matrix, views.js), and
 * listeners told which names changed. `keep(state)` saves each edit: the page's goes into the URL hash and
 * localStorage (saving.js); a web component's widget passes one that keeps nothing.
 */
export function createStore(initial, keep = () => {}) {
  const listeners = [];
  const store = {
    state: { ...initial },
    model: null,
    matrixView: null,
    subscribe(fn) { listeners.push(fn); },
    /** Applies a patch, saves it, and tells every listener which fields changed. */
    set(patch) {
      Object.assign(store.state, patch);
      keep(store.state);
      store.notify(new Set(Object.keys(patch)));
    },
    /** Shows a new model (and its matrix) to every listener. */
    setModel(model, matrixView) {
      if (store.model !== model) store.model?.free(); // the old model lives in wasm memory until freed
      Object.assign(store, { model, matrixView });
      store.notify(new Set(['model']));
    },
    notify(changed) { for (const fn of listeners) fn(changed); },
  };
  return store;
}
