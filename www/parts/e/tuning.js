// Part E's fine-tuning panel (section 5): its fields (kept in the store as typed; the two texts show the built-in
// ones until typed in), the buttons that start, pause and stop a run (tuning-run.js: two copies, one after the other,
// in GPT-1's worker), its progress and status, and what it shows (tuning-view.js). A problem is said beside the field
// that caused it.
import { $, setError, messageOf } from '../../drawing/dom.js';
import { LAB_NAMES } from '../../state/store.js';
import { parseLabelled, TUNING_SETTINGS } from './experiment-inputs.js';
import { TuningRun } from './tuning-run.js';
import { resultsTable, drawLosses, summaryText } from './tuning-view.js';

const FIELD = LAB_NAMES.gpt1;
/** The settings' fields: id → [store name, the setting's name]. */
const SETTINGS = { 'gpt1-ft-lambda': ['ftLambda', 'lambda'], 'gpt1-ft-steps': ['ftSteps', 'steps'],
  'gpt1-ft-rate': ['ftRate', 'rate'], 'gpt1-ft-blocks': ['ftBlocks', 'blocks'], 'gpt1-ft-seed': ['ftSeed', 'seed'] };
/** The two texts: id → [store name, the built-in text's name]. */
const TEXTS = { 'gpt1-labelled': ['labelled', 'labelled'], 'gpt1-held-out': ['heldOut', 'heldOut'] };
const STOPPED = 'Stopped: the copy under way was dropped; the numbers above are those measured so far.';

/** The field a worker's error is about, by what it says (the core's messages name the option or the line). */
function blame(message) {
  if (/^held-out line/.test(message)) return 'gpt1-held-out';
  if (/^line \d+/.test(message)) return 'gpt1-labelled';
  if (/trainBlocks|blocks/.test(message)) return 'gpt1-ft-blocks';
  if (/learningRate|learning rate/.test(message)) return 'gpt1-ft-rate';
  if (/lambda/.test(message)) return 'gpt1-ft-lambda';
  return 'gpt1-ft';
}

/** The settings and texts read from the fields, or undefined (each problem said beside its field). */
function readFields() {
  const values = {};
  let ok = true;
  for (const [id, [, name]] of Object.entries(SETTINGS)) {
    const { value, error } = TUNING_SETTINGS[name]($(id).value);
    setError(id, error ?? '');
    if (error) ok = false;
    else values[name] = value;
  }
  const labelled = parseLabelled($('gpt1-labelled').value);
  setError('gpt1-labelled', labelled.error ?? '');
  const heldOut = $('gpt1-held-out').value.split('\n').map((line) => line.trim()).filter(Boolean);
  setError('gpt1-held-out', heldOut.length ? '' : 'Write at least one line of plain text for L_lm to be measured on.');
  return ok && !labelled.error && heldOut.length ? { ...values, ...labelled.value, heldOut } : undefined;
}

/** Keeps the fields in the store as typed; `changed()` hears every edit. The texts show `builtin`'s until typed in. */
function bindFields(store, builtin, changed) {
  for (const [id, [name]] of Object.entries(SETTINGS)) {
    $(id).value = store.state[FIELD[name]];
    $(id).addEventListener('input', () => { store.set({ [FIELD[name]]: $(id).value }); changed(); });
  }
  for (const [id, [name, builtinName]] of Object.entries(TEXTS)) {
    const restore = $(`${id}-restore`);
    $(id).value = store.state[FIELD[name]] ?? '';
    restore.disabled = true; // (until the built-in texts are here)
    $(id).addEventListener('input', () => {
      store.set({ [FIELD[name]]: $(id).value });
      restore.disabled = false;
      changed();
    });
    builtin.then((texts) => {
      if (store.state[FIELD[name]] === null) $(id).value = texts[builtinName];
      restore.disabled = store.state[FIELD[name]] === null;
      restore.addEventListener('click', () => {
        store.set({ [FIELD[name]]: null });
        $(id).value = texts[builtinName];
        restore.disabled = true;
        setError(id, '');
        changed();
      });
    }, (error) => setError('gpt1-ft', `The built-in examples could not be loaded: ${messageOf(error)}`));
  }
}

/** Part E's fine-tuning. `session`: kinds/gpt1/session.js; `store`: the page's; `builtin`: a Promise of the texts. */
export function createTuning(session, store, builtin) {
  const ui = { run: $('gpt1-ft-run'), pause: $('gpt1-ft-pause'), stop: $('gpt1-ft-stop'), progress: $('gpt1-ft-progress'),
    status: $('gpt1-ft-status'), results: $('gpt1-ft-results'), summary: $('gpt1-ft-summary'), figure: $('gpt1-ft-figure'),
    stale: $('gpt1-ft-stale') };
  let current = null; // the run under way
  let said = ''; // the status line's last news ("Paused." goes before it while paused)

  const status = (text) => {
    said = text;
    ui.status.textContent = current?.paused ? `Paused. ${text}` : text;
  };
  const show = (runs, data) => {
    ui.results.classList.remove('gpt1-stale');
    ui.stale.hidden = true;
    ui.results.replaceChildren(resultsTable(runs, data.test.length, data.heldOut.length));
    ui.figure.hidden = false;
    drawLosses($('gpt1-ft-task-chart'), runs, 'task', data.steps);
    drawLosses($('gpt1-ft-lm-chart'), runs, 'lm', data.steps);
    ui.summary.textContent = summaryText(runs, data.test.length);
  };
  const buttons = (running) => {
    ui.run.disabled = running;
    ui.pause.disabled = !running;
    ui.stop.disabled = !running;
    ui.progress.hidden = !running;
    ui.pause.textContent = 'Pause fine-tuning';
  };

  async function fineTune() {
    setError('gpt1-ft', '');
    const data = readFields();
    if (!data) return;
    const run = new TuningRun(session, data, ({ runs, status: news, done, total }) => {
      if (runs) show(runs, data);
      if (news) status(news);
      if (done) Object.assign(ui.progress, { value: done, max: total });
    });
    current?.stop();
    current = run;
    buttons(true);
    ui.progress.value = 0;
    ui.summary.textContent = '';
    const started = performance.now();
    try {
      if (await run.run()) status(`Done: both copies fine-tuned for ${data.steps} step${data.steps === 1 ? '' : 's'} each, in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    } catch (error) {
      if (run !== current) return;
      status('');
      const message = messageOf(error).replace(/^(held-out )?line/, (m) => m[0].toUpperCase() + m.slice(1));
      setError(blame(messageOf(error)), message);
    } finally {
      if (run === current) {
        current = null;
        buttons(false);
      }
    }
  }

  /** Ends the run under way, if any. */
  function end() {
    current?.stop();
    current = null;
    buttons(false);
  }

  bindFields(store, builtin, () => {
    if (!ui.results.firstChild) return;
    ui.results.classList.add('gpt1-stale');
    ui.stale.hidden = false;
  });
  ui.run.addEventListener('click', fineTune);
  ui.pause.addEventListener('click', () => {
    if (!current) return;
    if (current.paused) current.resume();
    else current.pause();
    ui.pause.textContent = current.paused ? 'Go on fine-tuning' : 'Pause fine-tuning';
    status(said);
  });
  ui.stop.addEventListener('click', () => {
    end();
    status(STOPPED);
  });

  return {
    /** Ends any run and forgets its numbers (the model they came from is gone). */
    clear() {
      end();
      status('');
      setError('gpt1-ft', '');
      ui.results.replaceChildren();
      ui.stale.hidden = true;
      ui.summary.textContent = '';
      ui.figure.hidden = true;
    },
  };
}
