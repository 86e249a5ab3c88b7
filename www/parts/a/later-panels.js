// Part A's two panels the first load does without: the step-through sampler (stepper.js) and the evaluation grid
// (eval-panel.js). Each module loads at the first `load()` — on the page when its section first comes into sight
// (www/main.js), in a widget when its section is first shown (www/component.js) — and its panel is made then. Until
// then nothing pressed is lost: a press of Step (or S, on the page) loads the sampler, waits for its first row and
// steps. A module that could not be loaded says why where the panel's errors show, and the next try loads it again.
import { messageOf } from '../../drawing/dom.js';

/** `make()` (a promise of a panel) once it succeeds; a failure calls `fail(message)`, resolves null and is retried. */
function once(make, fail) {
  let made = null;
  return () => {
    made ??= make().catch((error) => {
      made = null;
      fail(messageOf(error));
      return null;
    });
    return made;
  };
}

/**
 * The step-through sampler, made at the first `load()` (or press of Step or Reset) and reset then. `step()` is a
 * press of Step whenever it comes: before the sampler is made, it loads it first and steps once its row is in.
 */
export function laterStepper(ui, store, matrix) {
  const [stepButton, resetButton] = [ui.$('step'), ui.$('step-reset')];
  const load = once(() => import('./stepper.js').then(({ createStepper }) => {
    const stepper = createStepper(ui, store, matrix); // its own buttons' listeners take over from these
    stepButton.removeEventListener('click', step);
    resetButton.removeEventListener('click', load);
    return stepper.reset().then(() => stepper);
  }), (message) => ui.setError('step', `The step-through sampler could not be loaded: ${message}. Step tries again.`));
  function step() {
    load().then((stepper) => stepper?.step());
  }
  stepButton.addEventListener('click', step);
  resetButton.addEventListener('click', load);
  return { load, step };
}

/**
 * The evaluation grid, made and computed at the first `load()`: `options` are createEvalPanel's ({ apply, engine }).
 * A failed load is tried again at the next edit.
 */
export function laterEvalPanel(ui, store, options) {
  let failed = false;
  const load = once(() => import('./eval-panel.js').then(({ createEvalPanel }) => {
    failed = false;
    const panel = createEvalPanel(ui, store, options);
    panel.recover(); // its grid, now: later edits compute it again as they come
    return panel;
  }), (message) => {
    failed = true;
    ui.$('eval-status').textContent = `The evaluation could not be loaded: ${message}. Your next edit tries again.`;
  });
  store.subscribe(() => { if (failed) load(); });
  return load;
}
