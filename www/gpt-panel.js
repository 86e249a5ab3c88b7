// Part D: a tiny GPT trained in the page. main.js imports this module when the lab is first opened; the transformer
// (its own wasm module) lives in the engine's 'gpt' lane (gpt-kind.js: a worker), which starts then. This module
// wires the section's parts: its settings (gpt-settings.js), the model it knows (gpt-session.js), pre-training
// (gpt-trainer.js), looking inside (gpt-inspect.js) and fine-tuning (gpt-finetune.js).
import { $ } from './dom.js';
import { TEXT_FIELDS, createSettings } from './gpt-settings.js';
import { createSession } from './gpt-session.js';
import { createLookInside } from './gpt-inspect.js';
import { createTrainer } from './gpt-trainer.js';
import { createFineTune } from './gpt-finetune.js';
import { createWeights } from './gpt-weights.js';

/** Sets up Part D. `store` is the page's: Part A's corpus, tokenizer, boundaries and merges are read from it. */
export function createGptPanel(store) {
  const settings = createSettings();
  const session = createSession();
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
  for (const radio of document.querySelectorAll('input[name="gpt-source"]')) {
    radio.checked = radio.value === values.source;
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      settings.set('source', radio.value);
      trainer.showSource();
    });
  }
  // Part A's settings change what the section would train on
  store.subscribe((changed) => {
    if (['corpus', 'tokenizer', 'boundaries', 'merges'].some((key) => changed.has(key))) trainer.showSource();
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
