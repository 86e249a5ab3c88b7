// The page's state, declared: every field its controls hold (text, exactly as typed), what each may hold and its
// default; beside them, what the panels share that is computed (the model and its matrix). A field is written only
// through the store (`set` from its control, `replace` from outside the controls: a link, a widget's attributes);
// `state` is a frozen snapshot, new at every write. A panel subscribes and is told which names changed ('model'
// when the model did). The link codec (link.js) alone knows the URL's short keys; saving (saving.js) keeps Parts
// A–C's fields in the link and in localStorage, and the labs' (Parts D and E) in localStorage only.

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
const examples = () => ({ default: null, size: 'validation', orNull: true }); // as typed; null: the built-in file's

/** Part D's model sizes, its speeds (steps per second; '0': as fast as it goes) and its fine-tuning tasks. */
export const GPT_SIZES = ['tiny', 'small', 'medium'];
export const GPT_SPEEDS = ['0', '100', '20', '5', '2'];
export const GPT_TASKS = ['sentiment', 'entailment'];

/** The labs' fields (Part D's tiny GPT, Part E's GPT-1), by the names their code uses. They stay out of the link. */
const GPT_FIELDS = {
  size: choice('small', GPT_SIZES),
  source: choice('builtin', ['builtin', 'part-a']), // the corpus trained on: the built-in one, or Part A's
  maxSteps: setting('2000'),
  seed: setting('1'),
  speed: choice('0', GPT_SPEEDS),
  genSeed: setting('42'),
  genLen: setting('12'),
  genTemp: setting('1'),
  genTopk: setting('0'),
  line: text('chai bahut garam hai'),
  layer: setting('0'),
  head: setting('0'),
  task: choice('sentiment', GPT_TASKS),
  lambda: setting('0.5'),
  ftSteps: setting('100'),
  ftSeed: setting('9'),
  sentiment: examples(),
  entailment: examples(),
};
const GPT1_FIELDS = {
  prompt: text('The cat sat on the mat and'),
  seed: setting('42'),
  temp: setting('1'),
  topk: setting('40'),
  len: setting('20'),
  word: setting('the'),
  // the experiments' inputs (null: the built-in example's text) and the fine-tuning settings
  sentiment: examples(),
  cola: examples(),
  threshold: number('-7', [-20, 0]),
  choiceContext: examples(),
  choiceAnswers: examples(),
  winograd: examples(),
  candidates: examples(),
  labelled: examples(),
  heldOut: examples(),
  ftLambda: setting('0.5'),
  ftSteps: setting('9'),
  ftRate: setting('6.25e-5'),
  ftBlocks: setting('1'),
  ftSeed: setting('42'),
  form: choice('', ['', 'float32', 'int8']), // the weights' form: '' until the student chooses (the device decides)
};
const LAB_FIELDS = { gpt: GPT_FIELDS, gpt1: GPT1_FIELDS };

/** Each lab's names, and each name's field in the state: the lab, then the name (`gpt` `size` → `gptSize`). */
export const LAB_NAMES = Object.freeze(Object.fromEntries(Object.entries(LAB_FIELDS).map(([lab, fields]) => [lab,
  Object.freeze(Object.fromEntries(Object.keys(fields).map((name) => [name, `${lab}${name[0].toUpperCase()}${name.slice(1)}`])))])));
export const GPT_NAMES = LAB_NAMES.gpt;

/**
 * Every field: its default, its size class (SIZES), the menu's choices or the slider's range where it has one, and
 * `linked: false` for a field the link leaves out (the labs').
 */
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
  ...Object.fromEntries(Object.entries(LAB_FIELDS).flatMap(([lab, fields]) => Object.entries(fields)
    .map(([name, field]) => [LAB_NAMES[lab][name], { ...field, linked: false }]))),
});

export const DEFAULTS = Object.freeze(Object.fromEntries(Object.entries(FIELDS).map(([name, f]) => [name, f.default])));

/** A value as a notice quotes it: short, on one line. */
export const quote = (value) => `“${value.length > 24 ? `${value.slice(0, 24)}…` : value}”`.replace(/\s+/g, ' ');

/**
 * Why `value` cannot be field `name`'s, or '' when it can: `label` is how the message names the field (the link's
 * key), `max` the most characters allowed.
 */
export function invalid(name, value, label = name, max = SIZES[FIELDS[name].size]) {
  const { choices, range, orNull } = FIELDS[name];
  if (value === null && orNull) return '';
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
 * The store: `state` (the fields: a frozen snapshot, replaced at every write), `model` (a ModelHandle, engine.js) and
 * `matrixView` (its matrix, views.js), and listeners told which names changed. `keep(state)` saves each write: the
 * page's goes into the URL hash and localStorage (saving.js); a web component's widget passes one that keeps nothing.
 */
export function createStore(initial, keep = () => {}) {
  const listeners = [];
  const fillers = [];
  const write = (patch) => {
    for (const name of Object.keys(patch)) if (!Object.hasOwn(FIELDS, name)) throw new Error(`the store has no field ${name}`);
    store.state = Object.freeze({ ...store.state, ...patch });
    keep(store.state);
  };
  const store = {
    state: Object.freeze({ ...initial }),
    model: null,
    matrixView: null,
    subscribe(fn) { listeners.push(fn); },
    /** `fill(state)` puts the fields' text into a panel's controls whenever the state is replaced from outside them. */
    onReplace(fill) { fillers.push(fill); },
    /** A control's edit: applies the patch, saves it, and tells every listener which fields changed. */
    set(patch) {
      write(patch);
      store.notify(new Set(Object.keys(patch)));
    },
    /**
     * Fields from outside their controls (saved state, a link, a widget's attributes): applies the patch, fills every
     * control, saves, then tells every listener that `changed` changed (by default the patch's fields).
     */
    replace(patch, changed = Object.keys(patch)) {
      write(patch);
      for (const fill of fillers) fill(store.state);
      store.notify(new Set(changed));
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
