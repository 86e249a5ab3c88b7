// Wires the panels to one store; the URL hash and localStorage follow every edit. Large corpora are counted by a
// background worker (engine.js), the evaluation grid by a second one, so typing never waits for them.
import './embed.js'; // first: in iframe mode the chrome and the unchosen sections hide before anything is drawn
import init from './pkg/gpt1_playground.js';
import { createStore, load, readLink, applyLink, save, onStorageProblem } from './state.js';
import { Engine } from './engine.js';
import { keepModule, simulateTraps, coreGeneration, onTrap } from './core.js';
import { createLinkBox } from './link-box.js';
import { createModelPanel } from './model-panel.js';
import { createTokenizerPanel } from './tokenizer-panel.js';
import { createMatrix } from './matrix.js';
import { createGeneratePanel } from './generate-panel.js';
import { createStepper } from './stepper.js';
import { createEvalPanel } from './eval-panel.js';
import { createEncodePanel } from './encode-panel.js';
import { createLossPanel } from './loss-panel.js';
import { setupToolbar } from './toolbar.js';
import { lookups, setError, messageOf } from './dom.js';

// compiled once, shared with the workers: a new worker starts without fetching or compiling again
const module = await WebAssembly.compileStreaming(fetch(new URL('./pkg/gpt1_playground_bg.wasm', import.meta.url)));
await init({ module_or_path: module });
keepModule(module); // a trap on this thread is survived by a fresh instance of it

const opened = load();
const store = createStore(opened.state);
const ui = lookups(document);
let modelPanel = null;
let evalPanel = null;
const engine = new Engine(module, { onCrash: (reason, givingUp) => modelPanel?.recover(reason, givingUp) });
const evalEngine = new Engine(module, { onCrash: (reason, givingUp) => evalPanel?.recover(reason, givingUp) });
modelPanel = createModelPanel(ui, store, engine);
const matrix = createMatrix(ui, store);
evalPanel = createEvalPanel(ui, store, { apply: modelPanel.apply, engine: evalEngine });
const panels = [modelPanel, createTokenizerPanel(ui, store), createGeneratePanel(ui, store), evalPanel,
  createEncodePanel(ui, store), createLossPanel(ui, store)];
const stepper = createStepper(ui, store, matrix);
openGptLab(); // Part D: its panel's module, and from there the transformer's, loads only when the lab is opened
onTrap((error) => modelPanel.recoverTrap(error));
onStorageProblem((message) => {
  const slot = document.getElementById('storage-notice');
  if (slot.textContent !== message) slot.textContent = message;
  slot.hidden = !message;
});

/**
 * Loads Part D's panel (www/gpt-panel.js, not part of the first load) once the lab is open, now or at its first
 * toggle. Until the panel runs, the lab's controls are disabled: nothing typed or pressed meanwhile is lost.
 */
function openGptLab() {
  const lab = document.getElementById('gpt-lab');
  const controls = [...lab.querySelectorAll('input, select, textarea, button')].filter((c) => !c.disabled);
  for (const control of controls) control.disabled = true;
  let loading = null;
  const open = () => {
    if (!lab.open || loading) return;
    loading = import('./gpt-panel.js').then(({ createGptPanel }) => {
      lab.removeEventListener('toggle', open);
      for (const control of controls) control.disabled = false;
      setError('gpt', ''); // a failed earlier try's message
      createGptPanel(store);
    }, (error) => {
      loading = null; // the next opening tries again
      setError('gpt', `Part D could not be loaded: ${messageOf(error)}`);
    });
  };
  lab.addEventListener('toggle', open);
  open();
}

/** Shows a state: its text in every control, then everything computed from it. */
function show(state) {
  Object.assign(store.state, state);
  for (const panel of panels) panel.fill(store.state);
  save(store.state);
  store.notify(new Set(Object.keys(store.state)));
}

const linkBox = createLinkBox({ use: modelPanel.useCorpus }); // the link's corpus, once the user chose it

show(store.state);
linkBox.report(opened);
// a link pasted into this tab's address bar changes only the hash: show its state (asking before its corpus
// replaces the one on the page)
window.addEventListener('hashchange', () => {
  const link = readLink();
  if (!link) return; // an in-page anchor, not a state
  const applied = applyLink(store.state, link, true);
  show(applied.state);
  linkBox.report(applied);
});
setupToolbar({ resample: () => document.getElementById('resample').click(), step: stepper.step });

// hooks for the page tests, only with ?test in the address: make the model worker fail as a wasm trap would
if (new URLSearchParams(location.search).has('test')) {
  window.__gpt1Test = {
    crashWorker: () => engine.post('crash'),
    crashEvalWorker: () => evalEngine.post('crash'),
    workerGeneration: () => engine.generation,
    /** The next `count` wasm calls at `site` ('build': counting on the page, 'compute': a panel's question) trap. */
    trap: (site = 'build', count = 1) => simulateTraps(site, count),
    coreGeneration: () => coreGeneration,
    /** The whole corpus the page counts (the corpus box may show only a window of it). */
    corpus: () => store.state.corpus,
  };
}
document.documentElement.dataset.ready = 'true';
