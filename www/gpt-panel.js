// Part D: a tiny GPT trained in the page. main.js imports this module when the lab is first opened; the transformer's
// module (www/gpt-api.js over its own wasm) lives in a worker (gpt-worker.js) that starts then or when Train is
// pressed. The page drives training a chunk of steps at a time, so Pause is immediate between chunks and other
// questions interleave with them. The section's settings are kept in localStorage under their own key.
import { $, el, setError, messageOf, shown, SPECIAL } from './dom.js';
import { drawCurves } from './gpt-chart.js';
import { cellColours } from './colour.js';
import { parseTemperature, parseLambda, four, MAX_LEN, MAX_SEED } from './numbers.js';

const STORAGE_KEY = 'gpt1-playground/gpt';
const CHUNK = 25; // optimisation steps per request: small enough to pause at once, large enough to be cheap
const SAMPLE_EVERY = 3000; // ms between samples (and attention refreshes) while training
const ANNOUNCE_EVERY = 5000; // ms between training-progress announcements to screen readers
const SIZES = {
  tiny: { dModel: 16, layers: 1, heads: 2 },
  small: { dModel: 32, layers: 2, heads: 4 },
  medium: { dModel: 64, layers: 2, heads: 4 },
};
const TASKS = {
  sentiment: {
    file: 'chai-sentiment.tsv', fields: 2, labels: ['negative', 'positive'], task: 'classification',
    hint: 'One example per line: text, a tab, then positive or negative. The last quarter of the lines is held out for testing.',
    input: ([text]) => ({ text }),
  },
  entailment: {
    file: 'chai-entailment.tsv', fields: 3, labels: ['contradiction', 'entailment'], task: 'entailment',
    hint: 'One example per line: premise, a tab, hypothesis, a tab, then entailment or contradiction. The last quarter of the lines is held out for testing.',
    input: ([premise, hypothesis]) => ({ premise, hypothesis }),
  },
};
const DEFAULTS = Object.freeze({
  size: 'small', source: 'builtin', maxSteps: '2000', seed: '1',
  genSeed: '42', genLen: '12', genTemp: '1', genTopk: '0',
  line: 'chai bahut garam hai', layer: '0', head: '0',
  task: 'sentiment', lambda: '0.5', ftSteps: '100', ftSeed: '9',
  sentiment: null, entailment: null, // the labelled text as typed; null = the built-in file
});

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
  if (!Object.hasOwn(TASKS, settings.task)) settings.task = DEFAULTS.task;
  return settings;
}

/** A whole number typed into a field, in [min, max], or { error }. */
function whole(text, name, min, max) {
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    return { error: `${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}; “${text}” is not.` };
  }
  return { value: Number(t) };
}

/** Parses labelled TSV: { examples } (each with its line number) or { error } naming the line. */
export function parseLabelled(text, taskName) {
  const spec = TASKS[taskName];
  const examples = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (!line.trim()) continue;
    const fields = line.split('\t').map((f) => f.trim());
    const shape = spec.fields === 2 ? 'text, a tab, then a label' : 'premise, a tab, hypothesis, a tab, then a label';
    if (fields.length !== spec.fields || fields.slice(0, -1).some((f) => !f)) {
      return { error: `Line ${i + 1} should be ${shape} (${spec.labels.join(' or ')}); it has ${fields.length} field${fields.length === 1 ? '' : 's'}.` };
    }
    const label = spec.labels.indexOf(fields.at(-1));
    if (label < 0) return { error: `Line ${i + 1}: the label “${fields.at(-1)}” is not ${spec.labels.join(' or ')}.` };
    examples.push({ task: spec.task, input: spec.input(fields), label, line: i + 1 });
  }
  if (examples.length < 4) return { error: `At least 4 examples are needed (3 to train on, 1 to test); there are ${examples.length}.` };
  const held = Math.max(1, Math.round(examples.length / 4));
  return { examples, train: examples.slice(0, -held), test: examples.slice(-held) };
}

/** The corpus cut into training and validation lines: the last tenth (at least one line) is held out. */
function split(text) {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim());
  if (lines.length < 2) throw new Error('The corpus needs at least two non-empty lines: one to train on and one to validate.');
  const held = Math.max(1, Math.round(lines.length / 10));
  return { train: lines.slice(0, -held).join('\n'), held: lines.slice(-held), lines: lines.length };
}

/** The worker, numbered requests and their replies; a crash rejects what is pending and calls `onCrash`. */
class GptWorker {
  constructor(module, onCrash) {
    this.pending = new Map();
    this.nextId = 1;
    this.worker = new Worker(new URL('./gpt-worker.js', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', ({ data }) => {
      const job = this.pending.get(data.id);
      if (!job) return;
      this.pending.delete(data.id);
      if (data.ok) job.resolve(data.value);
      else job.reject(new Error(data.error));
    });
    const fail = (reason) => {
      this.stop(reason);
      onCrash(reason);
    };
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      fail(event.message || 'the worker failed');
    });
    this.worker.addEventListener('messageerror', () => fail('a message could not be read'));
    this.ready = this.request('init', { module });
  }

  request(type, payload = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...payload });
    });
  }

  /** Ends the worker at once (even mid-step); what was pending fails with `reason`. */
  stop(reason = 'reset') {
    this.worker.terminate();
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(new Error(reason));
  }
}

/** Sets up Part D. `store` is the page's: Part A's corpus, tokenizer, boundaries and merges are read from it. */
export function createGptPanel(store) {
  const settings = loadSettings();
  const ui = {
    lab: $('gpt-lab'), size: $('gpt-size'), maxSteps: $('gpt-max-steps'), seed: $('gpt-seed'),
    train: $('gpt-train'), pause: $('gpt-pause'), reset: $('gpt-reset'), status: $('gpt-status'),
    pending: $('gpt-pending'), step: $('gpt-step'), trainLoss: $('gpt-train-loss'), valLoss: $('gpt-val-loss'),
    params: $('gpt-params'), chart: $('gpt-chart'), chartDesc: $('gpt-chart-desc'), baselines: $('gpt-baselines'),
    splitNote: $('gpt-split'), sourceHint: $('gpt-source-hint'),
    genSeed: $('gpt-gen-seed'), genLen: $('gpt-gen-len'), genTemp: $('gpt-gen-temp'), genTopk: $('gpt-gen-topk'),
    resample: $('gpt-resample'), samples: $('gpt-samples'),
    line: $('gpt-line'), layer: $('gpt-layer'), head: $('gpt-head'), attention: $('gpt-attention'),
    explain: $('gpt-cell-explain'), next: $('gpt-next'), inspectEmpty: $('gpt-inspect-empty'),
    labelled: $('gpt-labelled'), labelledHint: $('gpt-labelled-hint'), restore: $('gpt-labelled-restore'),
    lambda: $('gpt-lambda'), ftSteps: $('gpt-ft-steps'), ftSeed: $('gpt-ft-seed'), finetune: $('gpt-finetune'),
    ftStatus: $('gpt-ft-status'), ftResults: $('gpt-ft-results'), ftFigure: $('gpt-ft-figure'),
    ftChart: $('gpt-ft-chart'), ftChartDesc: $('gpt-ft-chart-desc'),
  };
  const builtin = { corpus: null, sentiment: null, entailment: null };
  let loading = null; // Promise of { module } once the section was opened
  let worker = null;
  let generation = 0; // bumped by Reset: replies of an older model are dropped
  let phase = 'empty'; // empty | creating | training | paused | done
  let looping = false;
  let made = null; // { key, layers, heads, baselines, … } of the current model
  let history = { step: [], train: [], val: [] };
  let lastAnnounce = 0;
  let sampleTimer = null;
  let inspectAsked = 0;

  function save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch {
      // storage full or disabled: the page still works, a reload starts from the defaults
    }
  }

  // ---- settings into the controls, and back on every edit ----
  const textFields = { maxSteps: ui.maxSteps, seed: ui.seed, genSeed: ui.genSeed, genLen: ui.genLen, genTemp: ui.genTemp,
    genTopk: ui.genTopk, line: ui.line, lambda: ui.lambda, ftSteps: ui.ftSteps, ftSeed: ui.ftSeed };
  for (const [key, field] of Object.entries(textFields)) field.value = settings[key];
  ui.size.value = settings.size;
  for (const radio of document.querySelectorAll('input[name="gpt-source"]')) radio.checked = radio.value === settings.source;
  for (const radio of document.querySelectorAll('input[name="gpt-task"]')) radio.checked = radio.value === settings.task;

  const parsers = {
    maxSteps: (t) => whole(t, 'Stop after', CHUNK, 20000),
    seed: (t) => whole(t, 'Weights seed', 0, MAX_SEED),
    genSeed: (t) => whole(t, 'Sample seed', 0, MAX_SEED), genLen: (t) => whole(t, 'Sample length', 1, MAX_LEN),
    genTemp: parseTemperature, genTopk: (t) => whole(t, 'Sample top-k', 0, 100000),
    lambda: parseLambda,
    ftSteps: (t) => whole(t, 'Fine-tuning steps', 1, 2000),
    ftSeed: (t) => whole(t, 'Batch seed', 0, MAX_SEED),
  };
  const errorIds = { maxSteps: 'gpt-max-steps', seed: 'gpt-seed', genSeed: 'gpt-gen-seed', genLen: 'gpt-gen-len',
    genTemp: 'gpt-gen-temp', genTopk: 'gpt-gen-topk', lambda: 'gpt-lambda', ftSteps: 'gpt-ft-steps', ftSeed: 'gpt-ft-seed' };

  /** The parsed value of a setting, showing (or clearing) its inline error; undefined when invalid. */
  function read(key) {
    const parsed = parsers[key](settings[key]);
    setError(errorIds[key], parsed.error);
    return parsed.error ? undefined : parsed.value;
  }

  for (const [key, field] of Object.entries(textFields)) {
    field.addEventListener('input', () => {
      settings[key] = field.value;
      save();
      if (parsers[key]) read(key);
      if (key.startsWith('gen')) sampleSoon();
      if (key === 'line') inspectSoon();
      if (key === 'seed') showPending();
      if (key === 'lambda' || key === 'ftSteps' || key === 'ftSeed') staleResults();
    });
  }
  ui.size.addEventListener('change', () => { settings.size = ui.size.value; save(); showPending(); });
  for (const radio of document.querySelectorAll('input[name="gpt-source"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      settings.source = radio.value;
      save();
      showSource();
    });
  }
  for (const radio of document.querySelectorAll('input[name="gpt-task"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      settings.task = radio.value;
      save();
      showLabelled();
      staleResults();
    });
  }
  ui.labelled.addEventListener('input', () => {
    const own = builtin[settings.task];
    settings[settings.task] = own !== null && ui.labelled.value === own ? null : ui.labelled.value;
    save();
    checkLabelled();
    staleResults();
  });
  ui.restore.addEventListener('click', () => {
    settings[settings.task] = null;
    save();
    showLabelled();
    staleResults();
  });
  ui.layer.addEventListener('change', () => { settings.layer = ui.layer.value; save(); inspectSoon(); });
  ui.head.addEventListener('change', () => { settings.head = ui.head.value; save(); inspectSoon(); });

  // ---- loading the transformer on demand ----
  function load() {
    if (!loading) {
      const data = (name) => fetch(new URL(`./data/${name}`, import.meta.url)).then((r) => {
        if (!r.ok) throw new Error(`could not load ${name} (${r.status})`);
        return r.text();
      });
      loading = Promise.all([
        WebAssembly.compileStreaming(fetch(new URL('./pkg/gpt1_playground_gpt_bg.wasm', import.meta.url))),
        data('chai-corpus.txt'), data(TASKS.sentiment.file), data(TASKS.entailment.file),
      ]).then(([module, corpus, sentiment, entailment]) => {
        Object.assign(builtin, { corpus, sentiment, entailment });
        showLabelled();
        showSource();
        return { module };
      });
      loading.catch((error) => {
        loading = null; // a later press tries again
        fail(`The transformer could not be loaded: ${messageOf(error)}`);
      });
    }
    return loading;
  }

  async function ready() {
    const { module } = await load();
    if (!worker) {
      const mine = new GptWorker(module, (reason) => {
        if (worker !== mine) return;
        worker = null;
        forget();
        fail(`The training worker stopped (${reason}). Press Train to start again.`);
      });
      worker = mine;
      await mine.ready;
    }
    return worker;
  }

  const opened = () => {
    if (ui.lab.open) ready().catch(() => {});
  };
  ui.lab.addEventListener('toggle', opened);

  // ---- what the section shows ----
  function fail(message) {
    setError('gpt', message);
  }

  function partA() {
    const s = store.state;
    return { corpus: s.corpus, tokenizer: s.tok, boundaries: s.bounds, merges: Number(s.merges) || 0 };
  }

  function showSource() {
    const a = partA();
    const cut = `${a.tokenizer} tokens${a.tokenizer === 'bpe' ? ` (${a.merges} merges)` : ''}, ${a.boundaries}`;
    const lines = a.corpus.split('\n').filter((l) => l.trim()).length;
    ui.sourceHint.textContent = `Cut by Part A's settings: ${cut}. ${settings.source === 'part-a'
      ? `Part A's corpus has ${lines.toLocaleString('en-US')} non-empty line${lines === 1 ? '' : 's'}.`
      : 'The built-in corpus is www/data/chai-corpus.txt.'}`;
    showPending();
  }

  /** What a model made now would be made from: compared with the current model's to say Reset is needed. */
  function recipeKey() {
    const a = partA();
    const corpus = settings.source === 'part-a' ? a.corpus : 'builtin';
    return JSON.stringify([settings.size, settings.seed, settings.source, corpus.length, corpus.slice(0, 2000), a.tokenizer, a.boundaries, a.merges]);
  }

  function showPending() {
    const differs = made !== null && made.key !== recipeKey();
    ui.pending.hidden = !differs;
    ui.pending.textContent = differs ? 'The settings changed since this model was made: they apply after Reset.' : '';
  }

  function showLabelled() {
    const spec = TASKS[settings.task];
    ui.labelledHint.textContent = spec.hint;
    const text = settings[settings.task] ?? builtin[settings.task];
    if (text !== null && ui.labelled.value !== text) ui.labelled.value = text;
    ui.restore.disabled = settings[settings.task] === null;
    checkLabelled();
  }

  /** Validates the labelled text as typed: an inline error naming the line, the text kept as it is. */
  function checkLabelled() {
    if (builtin[settings.task] === null && settings[settings.task] === null) return null;
    ui.restore.disabled = settings[settings.task] === null;
    const parsed = parseLabelled(ui.labelled.value, settings.task);
    setError('gpt-labelled', parsed.error);
    return parsed.error ? null : parsed;
  }

  function setButtons() {
    const running = phase === 'training' || phase === 'creating';
    ui.train.disabled = running;
    ui.train.textContent = (phase === 'paused' || phase === 'done') && history.step.length ? 'Resume' : 'Train';
    ui.pause.disabled = !running;
    ui.finetune.disabled = phase === 'creating' || made === null;
    ui.lab.dataset.phase = phase;
  }

  function say(text) {
    ui.status.textContent = text;
  }

  const bigramOf = () => made?.baselines.find((b) => b.order === 2)?.loss;

  function progressText() {
    const last = history.step.length - 1;
    if (last < 0) return 'Step 0.';
    const val = history.val[last];
    const bigram = bigramOf();
    const compare = bigram === undefined ? '' : val < bigram ? `, below the bigram's ${four(bigram)}` : `; the bigram's is ${four(bigram)}`;
    return `Step ${history.step[last].toLocaleString('en-US')}: validation loss ${four(val)}${compare}.`;
  }

  const NAMES = { 2: 'bigram', 3: 'trigram', 4: '4-gram' };
  let drawQueued = false;
  function drawChart() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      const max = read('maxSteps') ?? 2000;
      const points = (ys) => history.step.map((s, i) => [s, ys[i]]);
      drawCurves(ui.chart, {
        series: [
          { points: points(history.train), className: 'train', label: 'training (batch)' },
          { points: points(history.val), className: 'val', label: 'validation' },
        ],
        lines: (made?.baselines ?? []).map((b) => ({ y: b.loss, className: `n${b.order}`, label: NAMES[b.order] })),
        xMax: Math.max(max, history.step.at(-1) ?? 0),
        xLabel: 'optimisation step',
      });
      ui.chartDesc.textContent = history.step.length
        ? `${progressText()} ${(made?.baselines ?? []).map((b) => `${NAMES[b.order]} ${four(b.loss)}`).join(', ')}.`
        : 'No training yet.';
    });
  }

  function showReadout() {
    const last = history.step.length - 1;
    ui.step.textContent = last < 0 ? '0' : String(history.step[last]);
    ui.trainLoss.textContent = last < 0 ? '—' : four(history.train[last]);
    ui.valLoss.textContent = last < 0 ? (made ? four(made.val) : '—') : four(history.val[last]);
    ui.valLoss.dataset.value = last < 0 ? (made ? String(made.val) : '') : String(history.val[last]);
    ui.params.textContent = made ? made.parameters.toLocaleString('en-US') : '—';
  }

  function showBaselines() {
    ui.baselines.replaceChildren(...(made?.baselines ?? []).map((b) => el('li', { class: `n${b.order}`, 'data-order': b.order },
      el('span', { class: 'swatch', 'aria-hidden': 'true' }),
      `${NAMES[b.order]} (best k = ${b.k}): `, el('span', { class: 'value', 'data-value': String(b.loss), text: four(b.loss) }))));
    if (!made) {
      ui.splitNote.textContent = '';
      return;
    }
    const dropped = made.droppedCount
      ? ` ${made.droppedCount} held-out line${made.droppedCount === 1 ? ' was' : 's were'} left out of validation because a token in it never occurs in the training lines (e.g. “${made.dropped[0].token}”).`
      : '';
    ui.splitNote.textContent = `Trained on ${made.trainLines.toLocaleString('en-US')} lines, validated on ${made.valLines.toLocaleString('en-US')}; vocabulary ${made.vocab} tokens, context ${made.context}.${dropped}`;
  }

  function fillPickers() {
    const options = (n, word) => Array.from({ length: n }, (_, i) => el('option', { value: String(i), text: `${word} ${i + 1}` }));
    ui.layer.replaceChildren(...options(made?.layers ?? 0, 'layer'));
    ui.head.replaceChildren(...options(made?.heads ?? 0, 'head'));
    if (made) {
      ui.layer.value = String(Math.min(Number(settings.layer) || 0, made.layers - 1));
      ui.head.value = String(Math.min(Number(settings.head) || 0, made.heads - 1));
    }
  }

  // ---- training ----
  async function create(w) {
    const mine = generation;
    const a = partA();
    const size = SIZES[settings.size];
    const seed = read('seed');
    if (seed === undefined) throw new Error('Fix the weights seed first.');
    const text = settings.source === 'part-a' ? a.corpus : builtin.corpus;
    const parts = split(text);
    const context = a.tokenizer === 'word' ? 16 : 64;
    const key = recipeKey();
    const options = { ...size, context, seed, batchSize: 16, tokenizer: a.tokenizer, boundaries: a.boundaries,
      ...(a.tokenizer === 'bpe' ? { merges: a.merges } : {}) }; // merges are refused with other tokenizers
    const value = await w.request('create', { train: parts.train, held: parts.held, options });
    if (mine !== generation) return false;
    made = { ...value, key, layers: size.layers, heads: size.heads, context, trainLines: parts.lines - parts.held.length };
    history = { step: [], train: [], val: [] };
    fillPickers();
    showBaselines();
    showReadout();
    showPending();
    drawChart();
    return true;
  }

  async function train() {
    if (phase === 'training' || phase === 'creating') return;
    setError('gpt', '');
    const max = read('maxSteps');
    if (max === undefined) return;
    const mine = generation;
    const fresh = made === null;
    phase = fresh ? 'creating' : 'training';
    setButtons();
    say(fresh ? 'Loading the transformer and counting the n-gram models…' : 'Training…');
    try {
      const w = await ready();
      if (mine !== generation) return;
      if (fresh && !(await create(w))) return;
    } catch (error) {
      if (mine !== generation) return;
      phase = 'empty';
      setButtons();
      say('');
      fail(messageOf(error));
      return;
    }
    if ((history.step.at(-1) ?? 0) >= max) {
      phase = 'done';
      setButtons();
      say(`${progressText()} Already at the “Stop after” limit: raise it to train on.`);
      return;
    }
    phase = 'training';
    setButtons();
    say(`Training… ${progressText()}`);
    lastAnnounce = performance.now();
    sample();
    startSampling();
    if (!looping) loop();
  }

  /** Asks for one chunk after another while training; Pause ends it after the chunk in flight. */
  async function loop() {
    looping = true;
    const mine = generation;
    try {
      while (phase === 'training' && mine === generation) {
        const max = read('maxSteps') ?? Infinity;
        const done = history.step.at(-1) ?? 0;
        if (done >= max) {
          phase = 'done';
          break;
        }
        const answer = await worker.request('train', { count: Math.min(CHUNK, max - done) });
        if (mine !== generation) return;
        history.step.push(answer.step);
        history.train.push(answer.train);
        history.val.push(answer.val);
        showReadout();
        drawChart();
        if (performance.now() - lastAnnounce > ANNOUNCE_EVERY) {
          lastAnnounce = performance.now();
          say(`Training… ${progressText()}`);
        }
      }
    } catch (error) {
      if (mine !== generation) return;
      phase = made ? 'paused' : 'empty';
      fail(messageOf(error));
    } finally {
      if (mine === generation) looping = false;
    }
    if (mine !== generation) return;
    stopSampling();
    setButtons();
    if (phase === 'paused') say(`Paused at step ${history.step.at(-1) ?? 0}. ${progressText()}`);
    if (phase === 'done') say(`Finished: ${progressText()}`);
    sample();
    inspect();
  }

  function pause() {
    if (phase !== 'training') return;
    phase = 'paused';
    setButtons();
    say('Pausing after the current steps…');
  }

  /** Forgets the model: a new worker (the compiled module is kept), an empty chart and empty panels. */
  function forget() {
    generation += 1;
    phase = 'empty';
    looping = false;
    made = null;
    history = { step: [], train: [], val: [] };
    stopSampling();
    fillPickers();
    showBaselines();
    showReadout();
    showPending();
    drawChart();
    ui.samples.replaceChildren();
    ui.attention.replaceChildren();
    ui.next.replaceChildren();
    ui.explain.textContent = '';
    ui.inspectEmpty.hidden = false;
    ui.ftResults.replaceChildren();
    ui.ftFigure.hidden = true;
    ui.ftStatus.textContent = '';
    setError('gpt-ft', '');
    setError('gpt-line', '');
    setButtons();
  }

  function reset() {
    worker?.stop('reset');
    worker = null;
    forget();
    setError('gpt', '');
    say('Reset: Train starts again from random weights.');
  }

  ui.train.addEventListener('click', train);
  ui.pause.addEventListener('click', pause);
  ui.reset.addEventListener('click', reset);

  // ---- samples ----
  function startSampling() {
    stopSampling();
    sampleTimer = setInterval(() => { sample(); inspect(); }, SAMPLE_EVERY);
  }
  function stopSampling() {
    clearInterval(sampleTimer);
    sampleTimer = null;
  }

  let sampleAsked = 0;
  function sample() {
    if (!made || !worker) return;
    const [seed, maxLen, temperature, topK] = ['genSeed', 'genLen', 'genTemp', 'genTopk'].map(read);
    if ([seed, maxLen, temperature, topK].includes(undefined)) return;
    const asked = ++sampleAsked;
    const mine = generation;
    worker.request('sample', { count: 3, options: { seed, maxLen, temperature, topK } }).then((samples) => {
      if (asked !== sampleAsked || mine !== generation) return;
      ui.samples.replaceChildren(...samples.map((tokens) => el('li', { class: 'gpt-sample' },
        ...tokens.map((t) => el('span', { class: SPECIAL.has(t) ? 'tok special' : 'tok', text: shown(t) })))));
    }, (error) => {
      if (mine === generation) fail(messageOf(error));
    });
  }
  let sampleQueued = null;
  function sampleSoon() {
    clearTimeout(sampleQueued);
    sampleQueued = setTimeout(sample, 150);
  }
  ui.resample.addEventListener('click', () => {
    const seed = crypto.getRandomValues(new Uint32Array(1))[0];
    settings.genSeed = String(seed);
    ui.genSeed.value = settings.genSeed;
    save();
    read('genSeed');
    sample();
  });

  // ---- look inside: attention heatmap and next-token distributions ----
  let inspectQueued = null;
  function inspectSoon() {
    clearTimeout(inspectQueued);
    inspectQueued = setTimeout(inspect, 150);
  }

  function inspect() {
    if (!made || !worker) return;
    const asked = ++inspectAsked;
    const mine = generation;
    const layer = Number(ui.layer.value) || 0;
    const head = Number(ui.head.value) || 0;
    worker.request('inspect', { line: settings.line, layer, head, top: 5 }).then((view) => {
      if (asked !== inspectAsked || mine !== generation) return;
      setError('gpt-line', '');
      ui.inspectEmpty.hidden = true;
      drawAttention(view, layer, head);
      drawNext(view);
    }, (error) => {
      if (asked !== inspectAsked || mine !== generation) return;
      setError('gpt-line', messageOf(error));
    });
  }

  const quoted = (token) => `“${shown(token)}”`;
  function explainCell(cell, tokens) {
    const i = Number(cell.dataset.i);
    const j = Number(cell.dataset.j);
    ui.explain.replaceChildren(
      el('p', { class: 'step-explain', text: `Position ${i} (${quoted(tokens[i])}) attends to position ${j} (${quoted(tokens[j])}) with weight ${Number(cell.dataset.w).toFixed(3)}.` }),
      el('p', { class: 'hint', text: `Row ${i} sums to 1 over positions 0 to ${i}: a position can look at itself and at the tokens before it, never after (the cells right of the diagonal are masked).` }),
    );
  }

  function drawAttention({ tokens, attention }, layer, head) {
    const T = tokens.length;
    const head1 = el('tr', {}, el('th', { class: 'corner', scope: 'col', text: 'position ↓ attends to →' }),
      ...tokens.map((t, j) => el('th', { scope: 'col', title: `${j}: ${shown(t)}`, text: shown(t) })));
    const rows = tokens.map((t, i) => el('tr', {}, el('th', { scope: 'row', text: `${i} ${shown(t)}` }),
      ...tokens.map((_, j) => {
        if (j > i) return el('td', { class: 'masked', 'data-i': i, 'data-j': j });
        const w = attention[i * T + j];
        const cell = el('td', { 'data-i': i, 'data-j': j, 'data-w': w, tabindex: i === 0 && j === 0 ? 0 : -1,
          'aria-label': `position ${i} to position ${j}: ${w.toFixed(2)}`, text: w.toFixed(2) });
        Object.assign(cell.style, cellColours(w));
        return cell;
      })));
    const table = el('table', { class: `heatmap gpt-attn${T > 12 ? ' compact' : ''}`, id: 'gpt-attention-table' },
      el('caption', { text: `Attention weights, layer ${layer + 1}, head ${head + 1}` }),
      el('thead', {}, head1), el('tbody', {}, ...rows));
    table.addEventListener('pointerover', (event) => {
      const cell = event.target.closest?.('td[data-w]');
      if (cell) explainCell(cell, tokens);
    });
    table.addEventListener('focusin', (event) => {
      const cell = event.target.closest?.('td[data-w]');
      if (cell) explainCell(cell, tokens);
    });
    table.addEventListener('keydown', (event) => {
      const cell = event.target.closest?.('td[data-w]');
      if (!cell) return;
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Home: [0, -T], End: [0, T] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      const i = Math.max(0, Math.min(T - 1, Number(cell.dataset.i) + move[0]));
      const j = Math.max(0, Math.min(i, Number(cell.dataset.j) + move[1])); // stay in the causal triangle
      const to = table.querySelector(`td[data-i="${i}"][data-j="${j}"]`);
      if (!to) return;
      cell.tabIndex = -1;
      to.tabIndex = 0;
      to.focus();
    });
    ui.attention.replaceChildren(table);
    ui.explain.replaceChildren(el('p', { class: 'hint', text: 'Hover over a cell, or focus it (Tab into the table, then arrow keys), to read it.' }));
  }

  function drawNext({ tokens, next }) {
    const table = el('table', { class: 'loss-table gpt-next-table' },
      el('caption', { text: 'The next-token distribution at each position (the five most likely tokens)' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'position' }), el('th', { scope: 'col', text: 'after' }),
        ...[1, 2, 3, 4, 5].map((n) => el('th', { scope: 'col', text: `#${n}` })))),
      el('tbody', {}, ...tokens.map((t, i) => el('tr', {}, el('td', { text: String(i) }), el('th', { scope: 'row', text: shown(t) }),
        ...next[i].map(({ token, p }) => el('td', {}, el('span', { class: 'next-tok', text: shown(token) }), ` ${p.toFixed(2)}`))))));
    ui.next.replaceChildren(table);
  }

  // ---- fine-tuning, twice ----
  function staleResults() {
    if (ui.ftResults.firstChild) ui.ftResults.classList.add('stale');
  }

  async function fineTune() {
    setError('gpt-ft', '');
    const parsed = checkLabelled();
    const lambda = read('lambda');
    const steps = read('ftSteps');
    const seed = read('ftSeed');
    if (!parsed) {
      setError('gpt-ft', 'Fix the labelled examples first.');
      return;
    }
    if ([lambda, steps, seed].includes(undefined)) return;
    if (!made || !worker) {
      setError('gpt-ft', 'Pre-train a model first (press Train).');
      return;
    }
    if (phase === 'training') pause();
    const mine = generation;
    ui.finetune.disabled = true;
    ui.ftStatus.textContent = `Fine-tuning two copies of the model for ${steps} steps each…`;
    try {
      await worker.request('check', { examples: parsed.train.concat(parsed.test) });
      const result = await worker.request('fineTune', {
        train: parsed.train, test: parsed.test, lambdas: [0, lambda], options: { steps, seed, batchSize: 16 },
      });
      if (mine !== generation) return;
      showFineTune(result, parsed);
      ui.ftStatus.textContent = `Done: both copies fine-tuned from the model at step ${history.step.at(-1) ?? 0}.`;
    } catch (error) {
      if (mine !== generation) return;
      ui.ftStatus.textContent = '';
      const message = messageOf(error);
      if (/^line \d+:/.test(message)) setError('gpt-labelled', `L${message.slice(1)}`);
      setError('gpt-ft', message);
    } finally {
      if (mine === generation) setButtons();
    }
  }
  ui.finetune.addEventListener('click', fineTune);

  function showFineTune({ before, runs }, parsed) {
    const [plain, mixed] = runs;
    const cell = (value, name, lambda) => el('td', { 'data-lambda': String(lambda), 'data-name': name, 'data-value': String(value), text: name === 'lm' ? four(value) : `${Math.round(value * 100)}%` });
    const label = (lambda) => (lambda === 0 ? 'λ = 0 (task only)' : `λ = ${lambda}`);
    const table = el('table', { class: 'loss-table gpt-ft-table' },
      el('caption', { text: 'Two fine-tunings of the same pre-trained model' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: '' }), ...runs.map((r) => el('th', { scope: 'col', text: label(r.lambda) })))),
      el('tbody', {},
        el('tr', {}, el('th', { scope: 'row', text: `task accuracy on the ${parsed.test.length} held-out examples` }), ...runs.map((r) => cell(r.accuracy, 'accuracy', r.lambda))),
        el('tr', {}, el('th', { scope: 'row', text: `task accuracy on the ${parsed.train.length} training examples` }), ...runs.map((r) => cell(r.trainAccuracy, 'train-accuracy', r.lambda))),
        el('tr', {}, el('th', { scope: 'row', text: `LM loss on the validation lines (before: ${four(before)})` }), ...runs.map((r) => cell(r.lm, 'lm', r.lambda)))));
    const worse = plain.lm - before;
    const kept = mixed.lm - before;
    const summary = el('p', { class: 'note gpt-ft-summary', text: `Fine-tuning for the task alone (λ = 0) changed the language model's validation loss by ${worse >= 0 ? '+' : ''}${worse.toFixed(3)}; with λ = ${mixed.lambda} by ${kept >= 0 ? '+' : ''}${kept.toFixed(3)}. ${mixed.lm < plain.lm ? 'The language-model term kept more of what pre-training learnt.' : 'Here the language-model term did not keep the validation loss lower: it trains on the task\'s own sequences, which can differ from the corpus\'s sentences.'}` });
    ui.ftResults.classList.remove('stale');
    ui.ftResults.replaceChildren(table, summary);
    ui.ftFigure.hidden = false;
    drawCurves(ui.ftChart, {
      series: runs.map((r, i) => ({ points: Array.from(r.lmLoss, (v, s) => [s + 1, v]), className: i ? 'val' : 'lm0', label: `L_lm, ${label(r.lambda)}` })),
      xMax: plain.lmLoss.length, xLabel: 'fine-tuning step', height: 220,
    });
    ui.ftChartDesc.textContent = runs.map((r) => `${label(r.lambda)}: language-model loss on the fine-tuning batches from ${four(r.lmLoss[0])} to ${four(r.lmLoss.at(-1))}`).join('; ');
  }

  // Part A's settings change what the section would train on
  store.subscribe((changed) => {
    if (['corpus', 'tok', 'bounds', 'merges'].some((key) => changed.has(key))) showSource();
  });

  showSource();
  fillPickers();
  setButtons();
  drawChart();
  opened(); // main.js loads this module when the lab opens: that toggle came before the listener
  return { train, pause, reset };
}
