// Part E's zero-shot section (section 4): each heuristic (heuristics.js) reads its fields (kept in the store as
// typed; never typed in, they show the first built-in example), asks GPT-1's worker to score the student's input or
// the built-in examples one by one, and draws every number it used. Moving the acceptability threshold judges every
// sentence scored again, without asking the model.
import { $, setError, messageOf } from '../../drawing/dom.js';
import { LAB_NAMES } from '../../state/store.js';
import { HEURISTICS, examplesTable } from './heuristics.js';

const FIELD = LAB_NAMES.gpt1;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const passes = (n) => `${n} pass${n === 1 ? '' : 'es'}`;

/** One heuristic's part of the section: its answers (the student's input's, the built-in examples'), asked and drawn. */
class Heuristic {
  own = null; // { payload, result } for the student's input
  scored = []; // the same for each built-in example
  examples = null; // the built-in examples, once loaded
  #asked = 0; // a newer ask (or clear) ends an older one

  /** `key`: the heuristic's name (its request, and its elements' ids); `threshold()`: acceptability's, as set. */
  constructor(key, session, threshold) {
    this.key = key;
    this.spec = HEURISTICS[key];
    this.session = session;
    this.threshold = threshold;
  }

  part(name) { return $(`gpt1-zs-${this.key}-${name}`); }

  say(text) { this.part('status').textContent = text; }

  /** The student's input's numbers, and the built-in examples' table. */
  draw() {
    const { own, spec } = this;
    this.part('out').replaceChildren(...(own ? spec.view(own.result, own.payload, this.threshold()) : []));
    if (this.examples) this.part('examples').replaceChildren(examplesTable(spec, this.examples, this.scored, this.threshold()));
  }

  /** The fields read into the request's payload, or undefined (the error said beside the field at fault). */
  read() {
    const ids = Object.keys(this.spec.fields);
    for (const id of ids) setError(id, '');
    setError(`gpt1-zs-${this.key}`, '');
    const parsed = this.spec.read(Object.fromEntries(ids.map((id) => [id, $(id).value])));
    if (parsed.error) setError(parsed.id, parsed.error);
    return parsed.payload;
  }

  async scoreOwn() {
    const payload = this.read();
    if (!payload) return;
    const mine = ++this.#asked;
    const n = this.spec.passes(payload);
    this.say(`Scoring with GPT-1: ${passes(n)}…`);
    const started = performance.now();
    try {
      const result = await this.session.request(this.key, payload);
      if (mine !== this.#asked) return;
      this.own = { payload, result };
      this.draw();
      this.say(`GPT-1’s guess: ${this.spec.guess(result, payload, this.threshold())} (${passes(n)} in ${seconds(performance.now() - started)}).`);
    } catch (error) {
      if (mine !== this.#asked) return;
      this.say('');
      // (the worker's errors are about one of the fields: too many tokens, or none)
      const message = messageOf(error);
      setError(this.spec.blame?.(message) ?? Object.keys(this.spec.fields)[0], message);
    }
  }

  async scoreExamples() {
    const { spec, examples } = this;
    const mine = ++this.#asked;
    this.scored = [];
    setError(`gpt1-zs-${this.key}`, '');
    this.draw();
    const started = performance.now();
    try {
      for (const [i, example] of examples.entries()) {
        this.say(`Scoring built-in example ${i + 1} of ${examples.length}…`);
        const payload = spec.read(spec.example(example)).payload;
        const result = await this.session.request(this.key, payload);
        if (mine !== this.#asked) return;
        this.scored[i] = { payload, result };
        this.draw();
      }
      const right = examples.filter((e, i) => spec.guess(this.scored[i].result, this.scored[i].payload, this.threshold()) === spec.expected(e)).length;
      this.say(`The ${examples.length} built-in examples are scored (${seconds(performance.now() - started)}): ${right} guessed right.`);
    } catch (error) {
      if (mine !== this.#asked) return;
      this.say('');
      setError(`gpt1-zs-${this.key}`, messageOf(error));
    }
  }

  /** Forgets every answer (the model they came from is gone). */
  clear() {
    this.#asked += 1;
    this.own = null;
    this.scored = [];
    this.say('');
    setError(`gpt1-zs-${this.key}`, '');
    this.draw();
  }
}

/** Part E's zero-shot section. `session`: kinds/gpt1/session.js; `store`: the page's; `builtin`: a Promise of the examples. */
export function createZeroShot(session, store, builtin) {
  const threshold = () => Number(store.state[FIELD.threshold]);
  const heuristics = Object.keys(HEURISTICS).map((key) => new Heuristic(key, session, threshold));
  for (const h of heuristics) {
    for (const [id, name] of Object.entries(h.spec.fields)) {
      $(id).value = store.state[FIELD[name]] ?? '';
      $(id).addEventListener('input', () => store.set({ [FIELD[name]]: $(id).value }));
    }
    h.part('run').addEventListener('click', () => h.scoreOwn());
    h.part('builtin').addEventListener('click', () => h.scoreExamples());
  }
  const slider = $('gpt1-threshold');
  const showThreshold = () => { $('gpt1-threshold-value').textContent = threshold().toFixed(1); };
  slider.value = store.state[FIELD.threshold];
  showThreshold();
  slider.addEventListener('input', () => {
    store.set({ [FIELD.threshold]: slider.value });
    showThreshold();
    heuristics.find((h) => h.key === 'acceptability').draw();
  });

  builtin.then((loaded) => {
    for (const h of heuristics) {
      h.examples = loaded[h.key];
      // a field never typed in shows the first built-in example
      const first = h.spec.example(h.examples[0]);
      for (const [id, name] of Object.entries(h.spec.fields)) if (store.state[FIELD[name]] === null) $(id).value = first[id];
      h.part('builtin').disabled = false;
      h.draw();
    }
  }, (error) => {
    for (const h of heuristics) setError(`gpt1-zs-${h.key}`, `The built-in examples could not be loaded: ${messageOf(error)}`);
  });

  return { clear() { for (const h of heuristics) h.clear(); } };
}
