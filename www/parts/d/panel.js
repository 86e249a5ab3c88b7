// Part D: a tiny GPT trained in the page. main.js imports this module when the lab is first opened; the transformer
// (its own wasm module) lives in the engine's 'gpt' lane (kinds/gpt/kind.js: a worker), which starts then. This
// module builds the section's controls (lab.js) and wires its parts: its settings (settings.js), the model it knows
// (session.js), pre-training (trainer.js), looking inside (inspect.js) and fine-tuning (finetune.js).
import { $ } from '../../drawing/dom.js';
import { adoptStyle } from '../../drawing/sheet.js';
import { LAB_CSS } from '../../drawing/lab-style.js';
import { TEXT_FIELDS, createSettings } from './settings.js';
import { createSession } from './session.js';
import { createLookInside } from './inspect.js';
import { createTrainer } from './trainer.js';
import { createFineTune } from './finetune.js';
import { createWeights } from './weights.js';
import { buildLab } from './lab.js';

// the lab's chart, baselines, architecture picture and weights controls: styles adopted when the panel is made, so
// the page's first stylesheet carries none of them
const CSS = `
.gpt-figure { margin: 0.6rem 0 0; max-width: 52rem; }
.gpt-figure svg { width: 100%; height: auto; overflow: hidden; }
.gpt-figure text { fill: var(--muted); font-size: 12px; font-family: system-ui, sans-serif; }
.gpt-figure .axis { stroke: var(--muted); fill: none; }
.gpt-figure .gridline { stroke: var(--line); stroke-dasharray: 2 3; fill: none; }
.gpt-figure path.curve, .gpt-figure path.ref { fill: none; }
.gpt-figure .curve.train { stroke: var(--k0); stroke-width: 1.2; opacity: 0.75; }
.gpt-figure .curve.val { stroke: var(--k1); stroke-width: 2.8; }
.gpt-figure .curve.lm0 { stroke: var(--k0); stroke-width: 2.8; }
.gpt-figure .curve.undone { stroke: var(--muted); opacity: 0.55; }
.gpt-figure .ref { stroke-width: 1.8; stroke-dasharray: 6 4; }
.gpt-figure .mark { fill: var(--panel); stroke-width: 2.5; }
.gpt-figure .mark-drop { stroke-width: 1; stroke-dasharray: 1 3; }
.gpt-figure .n2, .gpt-baselines .n2 .swatch { stroke: var(--k2); }
.gpt-figure .n3, .gpt-baselines .n3 .swatch { stroke: var(--k3); }
.gpt-figure .n4, .gpt-baselines .n4 .swatch { stroke: var(--muted); }
.gpt-figure text.ref-label.n2 { fill: var(--k2); }
.gpt-figure text.ref-label.n3 { fill: var(--k3); }
.gpt-figure text.ref-label.n4 { fill: var(--muted); }
.gpt-figure text.ref-label { font-weight: 600; }
.gpt-baselines { list-style: none; padding: 0; margin: 0.4rem 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1.5rem; }
.gpt-baselines .value { font-weight: 700; font-variant-numeric: tabular-nums; }
.gpt-baselines .swatch { display: inline-block; width: 1.4rem; height: 0; margin-right: 0.4rem; vertical-align: middle; border-top: 2px dashed; }
.gpt-baselines .n2 .swatch { border-color: var(--k2); }
.gpt-baselines .n3 .swatch { border-color: var(--k3); }
.gpt-baselines .n4 .swatch { border-color: var(--muted); }
.arch-figure { margin: 0.5rem 0 1rem; }
.arch-pictures { display: flex; flex-wrap: wrap; gap: 1rem; }
.arch-column p { margin: 0 0 0.25rem; }
.arch-picture { max-width: 100%; height: auto; font-family: inherit; }
.arch-picture text { fill: #222; }
.arch-picture text.arch-repeat { fill: var(--fg); font-weight: 700; } /* outside the boxes: the page's own colour */
.arch-sizes { border-collapse: collapse; margin-top: 0.5rem; }
.arch-sizes th, .arch-sizes td { padding: 0.15rem 0.6rem; text-align: right; }
.arch-sizes th[scope="row"] { text-align: left; font-weight: normal; }
.arch-sizes thead th:first-child { text-align: left; }
.weights-controls { margin: 0.5rem 0; }
.weights-controls.dropping { outline: 2px dashed currentColor; outline-offset: 4px; }
`;

/**
 * Sets up Part D. `store` and `engine` are the page's: Part A's corpus, tokenizer, boundaries and merges are read
 * from the store; the tiny GPT's lane is added to the engine.
 */
export function createGptPanel(store, engine) {
  adoptStyle($('gpt-lab').getRootNode(), LAB_CSS);
  adoptStyle($('gpt-lab').getRootNode(), CSS);
  buildLab($('gpt-lab'));
  const settings = createSettings(store);
  const session = createSession(engine);
  const inside = createLookInside({ settings, session });
  const trainer = createTrainer({ store, settings, session, inside });
  const fineTune = createFineTune({ settings, session, trainer });
  const weights = createWeights({ store, settings, session, inside, trainer });
  const { values } = settings;

  // what each text field's edit changes beside its own value
  const after = {
    genSeed: inside.sampleSoon, genLen: inside.sampleSoon, genTemp: inside.sampleSoon, genTopk: inside.sampleSoon,
    line: inside.inspectSoon, seed: trainer.showPending,
    lambda: fineTune.stale, ftSteps: fineTune.stale, ftSeed: fineTune.stale,
  };
  for (const [key, id] of Object.entries(TEXT_FIELDS)) {
    const field = $(id);
    field.value = values[key];
    field.addEventListener('input', () => {
      settings.set(key, field.value);
      if (settings.parsed(key)) settings.read(key);
      after[key]?.();
    });
  }
  const size = $('gpt-size');
  size.value = values.size;
  size.addEventListener('change', () => { settings.set('size', size.value); trainer.showPending(); weights.draw(); });
  const speed = $('gpt-speed'); // read before each chunk: a change applies at once, training or not
  speed.value = values.speed;
  speed.addEventListener('change', () => settings.set('speed', speed.value));
  // what the section would train on changed: say so, and draw the model it would make (once edits rest a moment)
  let redraw = 0;
  const sourceChanged = () => {
    trainer.showSource();
    clearTimeout(redraw);
    redraw = setTimeout(weights.draw, 300);
  };
  for (const radio of document.querySelectorAll('input[name="gpt-source"]')) {
    radio.checked = radio.value === values.source;
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      settings.set('source', radio.value);
      sourceChanged();
    });
  }
  // Part A's settings change what the section would train on
  store.subscribe((changed) => {
    if (['corpus', 'tokenizer', 'boundaries', 'merges'].some((key) => changed.has(key))) sourceChanged();
  });
  session.on('loaded', trainer.showSource);
  const lab = $('gpt-lab');
  // once open: the transformer loads, and the weights saved last (downloaded or loaded) come back
  const opened = () => { if (lab.open) session.ready().then(weights.restore, () => {}); };
  lab.addEventListener('toggle', opened);

  trainer.showSource();
  inside.fillPickers();
  trainer.setButtons();
  trainer.showProgress();
  opened(); // main.js loads this module when the lab opens: that toggle came before the listener
}
