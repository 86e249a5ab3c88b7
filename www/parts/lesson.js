// Parts A–C, the lesson, assembled once for whoever shows them: the page (main.js) and each <gpt1-playground> widget
// (component.js). Their panels over one store and one engine, each panel's `fill` registered with the store (so a
// replaced state reaches every control); the sampler, the evaluation grid and the outputs of Parts B and C ready to
// load when first needed (later-panels.js: each caller says when; Parts B and C's controls work from the start),
// Part B's Figure 1 drawn when it first comes into sight, and GPT-1's own tokenizer at the first press of one of its
// buttons, where the caller ships it.
import { messageOf, onFirstSight, svg } from '../drawing/dom.js';
import { createModelPanel } from './a/model-panel.js';
import { createTokenizerPanel } from './a/tokenizer-panel.js';
import { createMatrix } from './a/matrix.js';
import { createGeneratePanel } from './a/generate-panel.js';
import { createValidationField } from './a/validation-field.js';
import { laterStepper, laterEvalPanel, laterPanel } from './later-panels.js';
import { createEncodeControls } from './b/encode-controls.js';
import { createLossControls } from './c/loss-controls.js';

const GPT1_BUTTONS = { 'gpt1-load': 'gpt1-status', 'gpt1-fed-load': 'gpt1-fed-status' }; // each button, its status

/**
 * Makes Parts A–C's panels over `ui` (lookups of the markup), `store` and `engine`. `gpt1Tokenizer`, where given,
 * loads GPT-1's tokenizer panel (a Promise of its module); without it, its buttons are hidden and say where it runs.
 * Returns the model panel, the step-through sampler (`stepper.load`, `stepper.step`), and the loads of the evaluation
 * grid (`evalPanel`) and of Parts B's and C's outputs (`encodePanel`, `lossPanel`).
 */
export function assembleLesson(ui, store, engine, { gpt1Tokenizer = null } = {}) {
  const modelPanel = createModelPanel(ui, store, engine);
  const matrix = createMatrix(ui, store);
  const [encodeControls, lossControls] = [createEncodeControls(ui, store), createLossControls(ui, store)];
  const panels = [modelPanel, createTokenizerPanel(ui, store), createGeneratePanel(ui, store, engine),
    createValidationField(ui, store), encodeControls, lossControls];
  for (const panel of panels) store.onReplace(panel.fill);
  const figure = ui.$('figure1'); // Part B's Figure 1, drawn once Part B is in sight
  onFirstSight(figure, () => import('./b/figure1-panel.js').then((panel) => panel.showFigure(figure, store, svg)));
  wireGpt1Tokenizer(ui, store, engine, gpt1Tokenizer);
  return {
    modelPanel,
    stepper: laterStepper(ui, store, matrix),
    evalPanel: laterEvalPanel(ui, store, { apply: modelPanel.apply, engine }),
    encodePanel: laterPanel(store,
      () => import('./b/encode-panel.js').then((m) => m.createEncodePanel(ui, store, encodeControls.inputs)),
      (message) => ui.setError(`out-${store.state.task}`,
        `Part B’s tokens could not be loaded: ${message}. Your next edit tries again.`)),
    lossPanel: laterPanel(store, () => import('./c/loss-panel.js').then((m) => {
      ui.$('combined-equation').textContent = ''; // (a failed load's message)
      return m.createLossPanel(ui, store, engine, lossControls.fields);
    }), (message) => {
      ui.$('combined-equation').textContent =
        `Part C’s losses could not be loaded: ${message}. Your next edit tries again.`;
    }),
  };
}

/**
 * GPT-1's tokenizer buttons: the first press loads its panel (`load`), which then shows what was asked for and
 * answers later presses itself. A panel that could not be loaded says why beside the button, and the next press
 * tries again.
 */
function wireGpt1Tokenizer(ui, store, engine, load) {
  if (!load) {
    for (const [id, status] of Object.entries(GPT1_BUTTONS)) {
      ui.$(id).hidden = true;
      ui.$(status).textContent = 'GPT-1’s own tokenizer runs on the playground’s page.';
    }
    return;
  }
  let panel = null;
  const buttons = Object.keys(GPT1_BUTTONS).map((id) => ui.$(id));
  function press({ currentTarget: button }) {
    panel ??= load().then(({ createGpt1TokenizerPanel }) => createGpt1TokenizerPanel(ui, store, engine));
    panel.then((made) => {
      for (const each of buttons) each.removeEventListener('click', press); // the panel's own listeners answer now
      made.open(button.id);
    }, (error) => {
      panel = null;
      ui.$(GPT1_BUTTONS[button.id]).textContent = `GPT-1’s tokenizer did not load: ${messageOf(error)}`;
    });
  }
  for (const button of buttons) button.addEventListener('click', press);
}
