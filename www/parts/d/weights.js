// Part D, the model's picture and its weights: the architecture drawn from the current model's shape (or, before there
// is one, the model Train would make from the chosen size and corpus), GPT-1's post-LN beside GPT-2's pre-LN; *Download weights* and *Load weights* (picker or
// drop). The weights downloaded or loaded last are kept in IndexedDB and come back after a reload.
import { $, setError, messageOf } from '../../drawing/dom.js';
import { SIZES } from './settings.js';
import { architectureFigure } from './architecture.js';
import { weightsControls, weightsFileName, saveWeights, loadSavedWeights } from './weights-file.js';

/**
 * The shape to draw before a model is made: the chosen size's, with the rows Train would give it (`rows`: the size of
 * the vocabulary of the chosen corpus's training lines, or null while that is not known).
 */
function plannedShape(values, store, rows) {
  const size = SIZES[values.size];
  const context = store.state.tokenizer === 'word' ? 16 : 64;
  return { norm: 'post', dModel: size.dModel, layers: size.layers, heads: size.heads, context, rows };
}

/** What the section keeps of a model loaded from a file (no corpus, no n-gram lines, no curve). */
function loadedMade(answer, name) {
  const { shape } = answer;
  return {
    ...answer, key: `loaded:${name}`, loaded: name, layers: shape.layers, heads: shape.heads, context: shape.context,
    vocab: shape.vocab, baselines: [], trainLines: 0, valLines: 0, droppedCount: 0, dropped: [], val: Number.NaN,
  };
}

/** Part D's weights and picture: `lab` = { store, settings, session, inside, trainer }. */
export function createWeights({ store, settings, session, inside, trainer }) {
  const { values } = settings;
  const picture = $('gpt-architecture');
  const status = $('gpt-weights-status');

  let drawn = 0; // counts drawings: an answer for an older one is dropped

  /** The picture of the current model; before one is made, of the model Train would make (its rows asked first). */
  async function draw() {
    const mine = ++drawn;
    if (session.made?.shape) {
      picture.replaceChildren(architectureFigure(session.made.shape, { compare: true }));
      return;
    }
    picture.replaceChildren(architectureFigure(plannedShape(values, store, null), { compare: true, planned: true }));
    const made = await session.ready().then(() => trainer.plan(), () => null);
    const rows = made && await session.request('vocabSize', { train: made.train, cut: made.cut }).catch(() => null);
    if (mine !== drawn || session.made || rows === null) return;
    picture.replaceChildren(architectureFigure(plannedShape(values, store, rows), { compare: true, planned: true }));
  }

  /** Puts `bytes` into the lane as the section's model; `how` says where they came from. A file that does not load
   * leaves the current model as it was (the lane replaces it only once the new one is read). */
  async function adopt(bytes, name, how) {
    trainer.pause();
    const answer = await session.request('load', { bytes });
    session.forget(); // the section's old model is gone from the lane: every part empties, then shows this one
    session.made = loadedMade(answer, name);
    session.phase = 'done';
    session.announceMade();
    inside.fillPickers();
    trainer.showProgress();
    trainer.setButtons();
    const { shape } = answer;
    const text = answer.hasVocabulary ? `vocabulary of ${shape.vocab} tokens` : 'no vocabulary (it works on token ids only)';
    const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
    $('gpt-split').textContent = `${how} ${name}: ${shape.norm}-LN, d = ${shape.dModel}, ${plural(shape.layers, 'block')}, ${plural(shape.heads, 'head')}, context ${shape.context}, ${text}. It can be sampled and looked inside; a file holds no corpus, so to train, press Reset.`;
    if (answer.hasVocabulary) {
      inside.sample();
      inside.inspect();
    }
  }

  async function load(bytes, name) {
    setError('gpt-weights', '');
    try {
      await adopt(bytes, name, 'Loaded');
      await saveWeights(bytes, name);
      status.textContent = `Loaded ${name}; it will be here again after a reload.`;
    } catch (error) {
      setError('gpt-weights', messageOf(error));
    }
  }

  async function bytesToDownload() {
    if (!session.made) throw new Error('There is no model yet: press Train (or load weights) first.');
    const bytes = await session.request('weights', {});
    const name = weightsFileName(session.made.shape);
    await saveWeights(bytes, name);
    status.textContent = `Downloaded ${name}; it will be here again after a reload.`;
    return bytes;
  }

  $('gpt-weights').replaceChildren(weightsControls({
    getBytes: bytesToDownload,
    getName: () => weightsFileName(session.made.shape),
    onLoad: load,
    onError: (message) => setError('gpt-weights', message),
  }));

  /** After a reload: the weights downloaded or loaded last, when the section has no model of its own. */
  let restored = false;
  async function restore() {
    if (restored) return;
    restored = true;
    try {
      const saved = await loadSavedWeights();
      if (!saved || session.made) return;
      await adopt(saved.bytes, saved.source, 'Restored');
      status.textContent = `Restored ${saved.source} from this browser's storage.`;
    } catch (error) {
      setError('gpt-weights', `The saved weights could not be restored: ${messageOf(error)}`);
    }
  }

  session.on('forget', draw);
  session.on('made', draw);
  draw();
  return { draw, restore };
}
