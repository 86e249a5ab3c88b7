// Wires the panels to one store and one engine; the URL hash and localStorage follow every edit. Small corpora are
// counted on the page thread, large ones by a background worker, the evaluation grid by a second one (ngram-kind.js),
// so typing never waits for them.
import './shell/embed.js'; // first: in iframe mode the chrome and the unchosen sections hide before anything is drawn
import { CORE_WASM } from './assets/core.js';
import { createStore } from './state/store.js';
import { readLink, applyLink } from './state/link.js';
import { load, save, onStorageProblem } from './state/saving.js';
import { Engine } from './engine/engine.js';
import { ngramLanes } from './kinds/ngram/kind.js';
import { createModelPanel } from './parts/a/model-panel.js';
import { createTokenizerPanel } from './parts/a/tokenizer-panel.js';
import { createMatrix } from './parts/a/matrix.js';
import { createGeneratePanel } from './parts/a/generate-panel.js';
import { createValidationField } from './parts/a/validation-field.js';
import { laterStepper, laterEvalPanel } from './parts/a/later-panels.js';
import { createEncodePanel } from './parts/b/encode-panel.js';
import { createLossPanel } from './parts/c/loss-panel.js';
import { setupToolbar } from './shell/toolbar.js';
import { lookups, setError, messageOf, readOnOpen, onFirstSight, svg } from './drawing/dom.js';

// compiled once, shared with the workers and any fresh instance: none fetches or compiles it again
const module = await WebAssembly.compileStreaming(fetch(CORE_WASM));
/** The page's engine: what every panel asks (exported, with the store, for whatever drives the page: its tests). */
export const engine = new Engine(ngramLanes(module));
for (const lane of ['counter', 'eval']) engine.start(lane); // ready before the first long text arrives
await engine.ready('page');

const opened = load();
export const store = createStore(opened.state, save);
const ui = lookups(document);
const modelPanel = createModelPanel(ui, store, engine);
const matrix = createMatrix(ui, store);
const panels = [modelPanel, createTokenizerPanel(ui, store), createGeneratePanel(ui, store, engine),
  createValidationField(ui, store), createEncodePanel(ui, store), createLossPanel(ui, store, engine)];
// Part A's step-through sampler and evaluation grid load when their section first comes into sight (the sampler's
// also with the matrix, where it outlines the row it samples), or at the first press of Step, Reset or S
const section = (name) => document.querySelector(`[data-section="${name}"]`);
const stepper = laterStepper(ui, store, matrix);
for (const name of ['matrix', 'step']) onFirstSight(section(name), stepper.load);
onFirstSight(section('eval'), laterEvalPanel(ui, store, { apply: modelPanel.apply, engine }));
// GPT-1's own tokenizer: its panel, the on-demand module and the released files load at the first press of either
// button; a press made while they load is answered once the panel is made, and from then on its own listeners answer
const gpt1Buttons = ['gpt1-load', 'gpt1-fed-load'].map((id) => ui.$(id));
let gpt1TokenizerPanel = null;
function openGpt1Tokenizer(event) {
  const { id } = event.currentTarget;
  gpt1TokenizerPanel ??= import('./parts/a/gpt1-tokenizer-panel.js').then(({ createGpt1TokenizerPanel }) => {
    for (const button of gpt1Buttons) button.removeEventListener('click', openGpt1Tokenizer);
    return createGpt1TokenizerPanel(ui, store);
  });
  gpt1TokenizerPanel.then((panel) => panel.open(id), (error) => {
    gpt1TokenizerPanel = null; // the next press tries again
    ui.$(id).nextElementSibling.textContent = `GPT-1’s tokenizer did not load: ${messageOf(error)}`;
  });
}
for (const button of gpt1Buttons) button.addEventListener('click', openGpt1Tokenizer);
// Parts D and E: each panel's module, and from there the transformer's, loads only when its lab is opened
openLab('gpt-lab', 'gpt', 'Part D', () => import('./parts/d/panel.js').then((m) => m.createGptPanel));
openLab('gpt1-lab', 'gpt1', 'Part E', () => import('./parts/e/panel.js').then((m) => m.createGpt1Panel));
// GPT-1's weights kept from an earlier visit (gpt1-panel.js notes it): its lab opens and reads them back at once
try {
  if (localStorage.getItem('gpt1-playground/gpt1-kept')) document.getElementById('gpt1-lab').open = true;
} catch {
  // storage disabled (a sandboxed or third-party frame): nothing was kept
}
onStorageProblem((message) => {
  const slot = document.getElementById('storage-notice');
  if (slot.textContent !== message) slot.textContent = message;
  slot.hidden = !message;
});

/**
 * Loads a lab's panel (not part of the first load) once the lab (a <details>) is open, now or at its first toggle:
 * Part D's (gpt-panel.js) and Part E's (gpt1-panel.js), and from there the transformer's module. Until the panel
 * runs, the lab's controls are disabled: nothing typed or pressed meanwhile is lost.
 */
function openLab(id, errorId, part, load) {
  const lab = document.getElementById(id);
  const controls = [...lab.querySelectorAll('input, select, textarea, button')].filter((c) => !c.disabled);
  for (const control of controls) control.disabled = true;
  let loading = null;
  const open = () => {
    if (!lab.open || loading) return;
    loading = load().then((create) => {
      lab.removeEventListener('toggle', open);
      for (const control of controls) control.disabled = false;
      setError(errorId, ''); // a failed earlier try's message
      create(store);
    }, (error) => {
      loading = null; // the next opening tries again
      setError(errorId, `${part} could not be loaded: ${messageOf(error)}`);
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

let linkBox = null;
/**
 * Says what a link left out and asks before its corpus replaces the saved one (link-box.js: loaded only once a
 * link has something to say, which most visits never have).
 */
async function report(applied) {
  if (!linkBox && !applied.problems.length && applied.question === null) return;
  linkBox ??= import('./shell/link-box.js').then(({ createLinkBox }) => createLinkBox({ ui, use: modelPanel.useCorpus }));
  (await linkBox).report(applied);
}

show(store.state);
report(opened);
// a link pasted into this tab's address bar changes only the hash: show its state (asking before its corpus
// replaces the one on the page)
window.addEventListener('hashchange', () => {
  const link = readLink();
  if (!link) return; // an in-page anchor, not a state
  const applied = applyLink(store.state, link, true);
  show(applied.state);
  report(applied);
});
setupToolbar({ resample: () => document.getElementById('resample').click(), step: stepper.step });
readOnOpen(document, store);
const figure = document.getElementById('figure1'); // Part B's Figure 1, drawn once Part B is in sight
onFirstSight(figure, () => import('./parts/b/figure1-panel.js').then((panel) => panel.showFigure(figure, store, svg)));
// a Glossary link opens the glossary (its text loads then)
document.addEventListener('click', (event) => {
  if (event.target.closest?.('a[href="#glossary"]')) document.getElementById('glossary-terms').open = true;
});
// once the page is drawn: the matrix and the tables say when they scroll sideways (not needed to start)
(window.requestIdleCallback ?? setTimeout)(() => import('./shell/scroll-hint.js').then((hint) => hint.markScrollable(document)));
// a lesson-sized corpus is drawn by now (its requests answer on this thread, within the task's microtasks): the
// page is ready once they are
await new Promise((done) => { setTimeout(done); });
document.documentElement.dataset.ready = 'true';
