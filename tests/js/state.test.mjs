// The store is the state: every field declared (the labs' included), written only through set() and replace(), and
// kept by saving.js in the formats a browser already holds — Parts A–C's under the link's keys, Part D's under its
// own names and key (Part E's likewise, under a key of its own) — so that what someone typed before still loads. Run in Node with a stand-in localStorage,
// location and history.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

/** localStorage as a browser has it: strings under keys. */
class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  removeItem(key) { this.#items.delete(key); }
  clear() { this.#items.clear(); }
}
globalThis.localStorage = new MemoryStorage();
globalThis.location = { hash: '' };
globalThis.history = { replaceState(_, __, url) { globalThis.location.hash = url; } };

const { FIELDS, DEFAULTS, GPT_NAMES, LAB_NAMES, GPT_SIZES, complete, createStore } = await import('../../www/state/store.js');
const { STORAGE_KEYS } = await import('../../www/state/keys.js');
const { load, save, flush } = await import('../../www/state/saving.js');
const { LINK_KEYS, encode, toHash } = await import('../../www/state/link.js');
const { SIZES } = await import('../../www/parts/d/settings.js');

beforeEach(() => {
  localStorage.clear();
  location.hash = '';
});

test('the labs\' fields are declared in the store with their defaults, and stay out of the link', () => {
  assert.equal(DEFAULTS.gptSize, 'small');
  assert.equal(DEFAULTS.gptMaxSteps, '2000');
  assert.equal(DEFAULTS.gptLine, 'chai bahut garam hai');
  assert.equal(DEFAULTS.gptSentiment, null, 'null: the built-in examples');
  assert.equal(LAB_NAMES.gpt, GPT_NAMES);
  assert.deepEqual(Object.keys(LAB_NAMES.gpt1), ['prompt', 'seed', 'temp', 'topk', 'len', 'word', 'sentiment', 'cola', 'threshold',
    'choiceContext', 'choiceAnswers', 'winograd', 'candidates', 'labelled', 'heldOut', 'ftLambda', 'ftSteps', 'ftRate', 'ftBlocks', 'ftSeed', 'form']);
  assert.deepEqual([DEFAULTS.gpt1Prompt, DEFAULTS.gpt1Topk, DEFAULTS.gpt1Len], ['The cat sat on the mat and', '40', '20']);
  // Part E's experiments: a text never typed is null (the built-in example's); the settings as the paper has them
  assert.deepEqual([DEFAULTS.gpt1Sentiment, DEFAULTS.gpt1Labelled, DEFAULTS.gpt1HeldOut], [null, null, null]);
  assert.deepEqual([DEFAULTS.gpt1FtLambda, DEFAULTS.gpt1FtRate, DEFAULTS.gpt1FtBlocks, DEFAULTS.gpt1Threshold], ['0.5', '6.25e-5', '1', '-7']);
  assert.equal(DEFAULTS.gpt1Form, '', 'the weights\' form: the device decides until the student chooses');
  assert.equal(complete({ gpt1Form: 'int4' }).gpt1Form, '', 'a form kept that is not one is let go');
  assert.equal(complete({ gpt1Form: 'int8' }).gpt1Form, 'int8');
  for (const field of [...Object.values(GPT_NAMES), ...Object.values(LAB_NAMES.gpt1)]) {
    assert.ok(Object.hasOwn(FIELDS, field), field);
    assert.equal(FIELDS[field].linked, false, field);
  }
  assert.deepEqual(GPT_SIZES.filter((size) => !Object.hasOwn(SIZES, size)), [], 'every size has a shape');
  const linked = Object.keys(FIELDS).filter((name) => FIELDS[name].linked !== false);
  assert.equal(LINK_KEYS.length, linked.length, 'every other field has a key in the link');
  assert.deepEqual(Object.keys(encode(DEFAULTS)).sort(), [...LINK_KEYS].sort());
  assert.ok(!/gpt|cat\+sat/i.test(toHash(DEFAULTS)), 'no field of the labs in the link');
});

test('the state is written only through set() and replace(); set() tells listeners which fields changed', () => {
  const kept = [];
  const store = createStore(DEFAULTS, (state) => kept.push(state));
  const heard = [];
  store.subscribe((changed) => heard.push([...changed]));
  const before = store.state;
  assert.throws(() => { store.state.corpus = 'x'; }, TypeError, 'a frozen snapshot');
  store.set({ gptSeed: '7', seed: '3' });
  assert.equal(store.state.gptSeed, '7');
  assert.equal(before.gptSeed, '1', 'an earlier snapshot never changes');
  assert.deepEqual(heard, [['gptSeed', 'seed']]);
  assert.equal(kept.at(-1), store.state, 'each write is kept');
  assert.throws(() => store.set({ gptSeeed: '7' }), /the store has no field gptSeeed/);
  assert.equal(store.state.gptSeed, '7');
});

test('replace() fills every control before any listener hears, then saves', () => {
  const order = [];
  const store = createStore(DEFAULTS, () => order.push('kept'));
  store.onReplace((state) => order.push(`fill ${state.corpus}`));
  store.onReplace((state) => order.push(`fill ${state.seed}`));
  store.subscribe((changed) => order.push(`told ${[...changed]}`));
  store.replace({ corpus: 'a b', seed: '9' });
  assert.deepEqual(order, ['kept', 'fill a b', 'fill 9', 'told corpus,seed']);
  order.length = 0;
  store.replace({ seed: '10' }, ['seed', 'corpus']);
  assert.deepEqual(order.at(-1), 'told seed,corpus');
  order.length = 0;
  store.set({ seed: '11' });
  assert.deepEqual(order, ['kept', 'told seed'], 'an edit in a control refills nothing');
});

test('Part D\'s settings saved in its old form load into the store; invalid or unknown ones fall back', () => {
  localStorage.setItem(STORAGE_KEYS.gpt, JSON.stringify({ size: 'medium', seed: '5', speed: '7', task: 'entailment',
    entailment: 'typed\tyes', sentiment: null, line: 42, unknown: 'x' }));
  const { state } = load();
  assert.equal(state.gptSize, 'medium');
  assert.equal(state.gptSeed, '5');
  assert.equal(state.gptSpeed, DEFAULTS.gptSpeed, '7 is not one of the speeds');
  assert.equal(state.gptTask, 'entailment');
  assert.equal(state.gptEntailment, 'typed\tyes');
  assert.equal(state.gptSentiment, null);
  assert.equal(state.gptLine, DEFAULTS.gptLine, 'not text');
  assert.equal(state.corpus, DEFAULTS.corpus);
});

test('Parts A–C\'s saved state loads under the link\'s keys; Part D\'s fields are saved under their own key', () => {
  localStorage.setItem(STORAGE_KEYS.state, JSON.stringify({ corpus: 'x y x', k: '0.5', seed: '8' }));
  const { state } = load();
  assert.deepEqual([state.corpus, state.smoothing, state.seed], ['x y x', '0.5', '8']);
  const store = createStore(state, save);
  store.set({ gptMaxSteps: '300', gptSentiment: 'good chai\tpositive', gpt1Prompt: 'Once upon' });
  flush();
  assert.equal(JSON.parse(localStorage.getItem(STORAGE_KEYS.gpt1)).prompt, 'Once upon', 'Part E\'s under its own key');
  const gpt = JSON.parse(localStorage.getItem(STORAGE_KEYS.gpt));
  assert.equal(gpt.maxSteps, '300');
  assert.equal(gpt.sentiment, 'good chai\tpositive');
  assert.equal(gpt.entailment, null);
  const saved = JSON.parse(localStorage.getItem(STORAGE_KEYS.state));
  assert.deepEqual([saved.corpus, saved.k, saved.seed], ['x y x', '0.5', '8']);
  assert.ok(!Object.keys(saved).some((key) => /gpt|maxSteps/.test(key)), 'Part D stays out of the link\'s form');
  assert.doesNotMatch(location.hash, /maxSteps|=300|good|Once/);
  // a reload reads them back
  const reloaded = load().state;
  assert.deepEqual([reloaded.gptMaxSteps, reloaded.gpt1Prompt, reloaded.corpus], ['300', 'Once upon', 'x y x']);
});
