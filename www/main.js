// Wires the panels to one store and one engine; the URL hash and localStorage follow every edit. Small corpora are
// counted on the page thread, large ones by a background worker, the evaluation grid by a second one
// (kinds/ngram/kind.js), so typing never waits for them. The labs (Parts D and E) and GPT-1's tokenizer add their
// lanes to the same engine when first opened.
import './shell/embed.js'; // first: in iframe mode the chrome and the unchosen sections hide before anything is drawn
import { CORE_WASM } from './assets/core.js';
import { createStore } from './state/store.js';
import { readLink, applyLink } from './state/link.js';
import { load, save, onStorageProblem } from './state/saving.js';
import { gpt1WeightsKept } from './state/keys.js';
import { Engine } from './engine/engine.js';
import { ngramLanes } from './kinds/ngram/kind.js';
import { assembleLesson } from './parts/lesson.js';
import { setupToolbar } from './shell/toolbar.js';
import { lookups, messageOf, readOnOpen, onFirstSight } from './drawing/dom.js';

// compiled once, shared with the workers and any fresh instance: none fetches or compiles it again
const module = await WebAssembly.compileStreaming(fetch(CORE_WASM));
/** The page's engine: what every panel asks (exported, with the store, for whatever drives the page: its tests). */
export const engine = new Engine(ngramLanes(module));
for (const lane of ['counter', 'eval']) engine.start(lane); // ready before the first long text arrives
await engine.ready('page');

const opened = load();
export const store = createStore(opened.state, save);
const ui = lookups(document);
// GPT-1's own tokenizer: its panel, GPT-1's lane and the released files load at the first press of a button
const { modelPanel, stepper, evalPanel, encodePanel, lossPanel } = assembleLesson(ui, store, engine,
  { gpt1Tokenizer: () => import('./parts/a/gpt1-tokenizer-panel.js') });
// Part A's step-through sampler and evaluation grid, and Parts B's and C's outputs, load when their section first
// comes into sight (the sampler's also with the matrix, where it outlines the row it samples, or at the first press
// of Step, Reset or S)
const section = (name) => document.querySelector(`[data-section="${name}"]`);
for (const name of ['matrix', 'step']) onFirstSight(section(name), stepper.load);
for (const [name, load] of [['eval', evalPanel], ['encode', encodePanel], ['loss', lossPanel]]) {
  onFirstSight(section(name), load);
}
// Parts D and E: each panel's module, and from there the transformer's, loads only when its lab is opened
openLab('gpt-lab', 'Part D', () => import('./parts/d/panel.js').then((m) => m.createGptPanel));
openLab('gpt1-lab', 'Part E', () => import('./parts/e/panel.js').then((m) => m.createGpt1Panel));
// GPT-1's weights (or a download of them) kept from an earlier visit (parts/e/panel.js notes it): its lab opens and
// reads them back at once (or offers to go on with the download)
if (gpt1WeightsKept()) document.getElementById('gpt1-lab').open = true;
onStorageProblem((message) => {
  const slot = document.getElementById('storage-notice');
  if (slot.textContent !== message) slot.textContent = message;
  slot.hidden = !message;
});

/**
 * Loads a lab's panel (not part of the first load) once the lab (a <details>) is open, now or at its first toggle:
 * Part D's (parts/d/panel.js) and Part E's (parts/e/panel.js), which make the lab's controls, and from there the
 * transformer's module. A panel that could not be loaded says why in the lab, and the next opening tries again.
 */
function openLab(id, part, load) {
  const lab = document.getElementById(id);
  let loading = null;
  let problem = null; // the message of a failed load
  const open = () => {
    if (!lab.open || loading) return;
    loading = load().then((create) => {
      lab.removeEventListener('toggle', open);
      problem?.remove();
      create(store, engine);
      markScrollable(); // the regions the lab's controls brought
    }, (error) => {
      loading = null; // the next opening tries again
      problem ??= lab.appendChild(Object.assign(document.createElement('p'), { className: 'error' }));
      problem.setAttribute('role', 'alert');
      problem.textContent = `${part} could not be loaded: ${messageOf(error)}. Close the lab and open it again to retry.`;
    });
  };
  lab.addEventListener('toggle', open);
  open();
}

/** Marks the page's sideways-scrolling regions not marked yet (scroll-hint.js: loaded once the page is drawn). */
function markScrollable() {
  import('./shell/scroll-hint.js').then((hint) => hint.markScrollable(document));
}

/** Shows a state: its text in every control, then everything computed from it. */
function show(state) {
  store.replace(state, Object.keys(store.state));
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
// a Glossary link opens the glossary (its text loads then)
document.addEventListener('click', (event) => {
  if (event.target.closest?.('a[href="#glossary"]')) document.getElementById('glossary-terms').open = true;
});
// once the page is drawn: the matrix and the tables say when they scroll sideways (not needed to start)
(window.requestIdleCallback ?? setTimeout)(markScrollable);
// a lesson-sized corpus is drawn by now (its requests answer on this thread, within the task's microtasks): the
// page is ready once they are
await new Promise((done) => { setTimeout(done); });
document.documentElement.dataset.ready = 'true';
