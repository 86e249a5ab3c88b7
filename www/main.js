// Wires the panels to one store; the URL hash and localStorage follow every edit.
import init from './pkg/gpt1_playground.js';
import { createStore, load, fromHash, save } from './state.js';
import { createModelPanel } from './model-panel.js';
import { createTokenizerPanel } from './tokenizer-panel.js';
import { createMatrix } from './matrix.js';
import { createGeneratePanel } from './generate-panel.js';
import { createStepper } from './stepper.js';
import { createEvalPanel } from './eval-panel.js';
import { createEncodePanel } from './encode-panel.js';
import { createLossPanel } from './loss-panel.js';
import { setupToolbar } from './toolbar.js';

await init();

const store = createStore(load());
const modelPanel = createModelPanel(store);
const matrix = createMatrix(store);
const panels = [modelPanel, createTokenizerPanel(store), createGeneratePanel(store),
  createEvalPanel(store, { apply: modelPanel.apply }), createEncodePanel(store), createLossPanel(store)];
const stepper = createStepper(store, matrix);

/** Shows a state: its text in every control, then everything computed from it. */
function show(state) {
  Object.assign(store.state, state);
  for (const panel of panels) panel.fill(store.state);
  save(store.state);
  store.notify(new Set(Object.keys(store.state)));
}

show(store.state);
// a link pasted into this tab's address bar changes only the hash: show its state
window.addEventListener('hashchange', () => {
  const state = fromHash();
  if (state) show(state);
});
setupToolbar({ resample: () => document.getElementById('resample').click(), step: stepper.step });
document.documentElement.dataset.ready = 'true';
