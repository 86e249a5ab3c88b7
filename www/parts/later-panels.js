// The panels the first load does without: Part A's step-through sampler (a/stepper.js) and evaluation grid
// (a/eval-panel.js), and the outputs of Parts B and C (b/encode-panel.js, c/loss-panel.js; their controls are bound
// from the first load on). Each module loads at the first `load()` — on the page when its section first comes into
// sight (www/main.js), in a widget when its section is first shown (www/component.js) — and its panel is made then.
// Until then nothing pressed is lost: a press of Step (or S, on the page) loads the sampler, waits for its first row
// and steps. A module that could not be loaded says why where the panel's output shows, and the next try (the next
// press, or edit) loads it again.
import { messageOf } from '../drawing/dom.js';

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
  const load = once(() => import('./a/stepper.js').then(({ createStepper }) => {
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
 * A panel made at the first `load()` (`make`: a promise of it), which resolves it (null when its module could not
 * be loaded: `fail(message)` says so, and the next edit tries again).
 */
export function laterPanel(store, make, fail) {
  let failed = false;
  const load = once(() => make().then((panel) => {
    failed = false;
    return panel;
  }), (message) => {
    failed = true;
    fail(message);
  });
  store.subscribe(() => { if (failed) load(); });
  return load;
}

/** The evaluation grid, made and computed at the first `load()`: `options` are createEvalPanel's (apply, engine). */
export function laterEvalPanel(ui, store, options) {
  return laterPanel(store, () => import('./a/eval-panel.js').then(({ createEvalPanel }) => {
    const panel = createEvalPanel(ui, store, options);
    panel.recover(); // its grid, now: later edits compute it again as they come
    return panel;
  }), (message) => {
    ui.$('eval-status').textContent = `The evaluation could not be loaded: ${message}. Your next edit tries again.`;
  });
}
