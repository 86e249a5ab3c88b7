// Part D, pre-training: Train makes a model from the chosen corpus (cut by Part A's tokenizer settings) and trains it
// a chunk of steps per request, so Pause is immediate between chunks and other questions interleave with them;
// Reset forgets it. While it trains, the look-inside parts are asked again every few seconds. The chosen speed paces
// the requests (down to a few steps a second, to watch), and the model can return to its best validation step.
import { $, setError, messageOf } from '../../drawing/dom.js';
import { CHUNK, SIZES } from './settings.js';
import { drawChart, progressText, showBaselines, showBest, showReadout } from './progress.js';
import { grouped } from '../../state/numbers.js';
import { pace } from './lab-watch.js';

const SAMPLE_EVERY = 3000; // ms between samples (and attention refreshes) while training
const ANNOUNCE_EVERY = 5000; // ms between training-progress announcements to screen readers

/** The corpus cut into training and validation lines: the last tenth (at least one line) is held out. */
function split(text) {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim());
  if (lines.length < 2) throw new Error('The corpus needs at least two non-empty lines: one to train on and one to validate.');
  const held = Math.max(1, Math.round(lines.length / 10));
  return { train: lines.slice(0, -held).join('\n'), held: lines.slice(-held), lines: lines.length };
}

/** Part A's corpus and the settings that cut it into tokens. */
function partA(store) {
  const s = store.state;
  return { corpus: s.corpus, tokenizer: s.tokenizer, boundaries: s.boundaries, merges: Number(s.merges) || 0 };
}

/** What a model made now would be made from: compared with the current model's to say Reset is needed. */
function recipeKey(store, values) {
  const a = partA(store);
  const corpus = values.source === 'part-a' ? a.corpus : 'builtin';
  return JSON.stringify([values.size, values.seed, values.source, corpus.length, corpus.slice(0, 2000), a.tokenizer, a.boundaries, a.merges]);
}

/** Where the training text comes from and how it is cut, in words. */
function sourceHint(store, values) {
  const a = partA(store);
  const cut = `${a.tokenizer} tokens${a.tokenizer === 'bpe' ? ` (${a.merges} merges)` : ''}, ${a.boundaries}`;
  const lines = a.corpus.split('\n').filter((l) => l.trim()).length;
  return `Cut by Part A's settings: ${cut}. ${values.source === 'part-a'
    ? `Part A's corpus has ${lines.toLocaleString('en-US')} non-empty line${lines === 1 ? '' : 's'}.`
    : 'The built-in corpus is 416 lines about chai: the link above downloads it.'}`;
}

/** The create request for a model of the chosen size and seed: its options and split, and what the section keeps. */
function recipe(store, values, builtin, seed) {
  const a = partA(store);
  const size = SIZES[values.size];
  const parts = split(values.source === 'part-a' ? a.corpus : builtin.corpus);
  const context = a.tokenizer === 'word' ? 16 : 64;
  const options = { ...size, context, seed, batchSize: 16, tokenizer: a.tokenizer, boundaries: a.boundaries,
    ...(a.tokenizer === 'bpe' ? { merges: a.merges } : {}) }; // merges are refused with other tokenizers
  return {
    request: { train: parts.train, held: parts.held, options },
    kept: { key: recipeKey(store, values), layers: size.layers, heads: size.heads, context,
      trainLines: parts.lines - parts.held.length },
  };
}

/**
 * What Train would make a model from now: `{ train, cut, context }` (the training lines, how they are cut, the
 * context), or null while the corpus is too short to split.
 */
function plan(store, values, builtin) {
  try {
    const { request: { train, options } } = recipe(store, values, builtin, 0);
    const { tokenizer, boundaries, merges } = options;
    return { train, cut: merges === undefined ? { tokenizer, boundaries } : { tokenizer, boundaries, merges }, context: options.context };
  } catch {
    return null;
  }
}

// The trainer is small functions of its state `t` (made by createTrainer): the lab's parts, its elements, and what
// the training loop keeps between chunks.

/** The trainer's elements. */
function trainerElements() {
  return { lab: $('gpt-lab'), train: $('gpt-train'), pause: $('gpt-pause'), status: $('gpt-status'),
    announce: $('gpt-announce'), pending: $('gpt-pending'), sourceHint: $('gpt-source-hint'),
    finetune: $('gpt-finetune'), finetuneWhy: $('gpt-finetune-why') };
}

/** The status line (always the last point); screen readers hear it at most every ANNOUNCE_EVERY ms, or `now`. */
function say(t, text, now = true) {
  t.ui.status.textContent = text;
  if (now || performance.now() - t.lastAnnounce > ANNOUNCE_EVERY) {
    t.lastAnnounce = performance.now();
    t.ui.announce.textContent = text;
  }
}

/** The "Stop after" setting (undefined while it is invalid). */
const maxSteps = (t) => t.settings.read('maxSteps');

/** Says whether the settings changed since the model was made (they apply after Reset). */
function showPending(t) {
  const { session, ui } = t;
  const differs = session.made !== null && session.made.key !== recipeKey(t.store, t.values);
  ui.pending.hidden = !differs;
  ui.pending.textContent = differs ? 'The settings changed since this model was made: they apply after Reset.' : '';
}

/** Where the training text comes from, in words, and whether it differs from the model's. */
function showSource(t) {
  t.ui.sourceHint.textContent = sourceHint(t.store, t.values);
  showPending(t);
}

/** Train, Pause and Fine-tune enabled (and named) for the session's phase. */
function setButtons(t) {
  const { session, ui } = t;
  const { phase } = session;
  const running = phase === 'training' || phase === 'creating';
  ui.train.disabled = running;
  ui.train.textContent = (phase === 'paused' || phase === 'done') && session.history.step.length ? 'Resume' : 'Train';
  ui.pause.disabled = !running;
  const why = session.made === null ? 'Pre-train a model first (Train, above): fine-tuning starts from it.'
    : phase === 'creating' ? 'Wait until the model is made.' : '';
  ui.finetune.disabled = why !== '';
  ui.finetuneWhy.textContent = why;
  ui.lab.dataset.phase = phase;
}

/** The readout, the best step and the loss chart. */
function showProgress(t) {
  showReadout(t.session);
  showBest(t.session);
  drawChart(t.session, () => maxSteps(t));
}

/** A fresh model, the n-gram baselines on the same split, and the loss before any step. */
async function create(t) {
  const { session } = t;
  const seed = t.settings.read('seed');
  if (seed === undefined) throw new Error('Fix the weights seed first.');
  await session.ready(); // (the built-in corpus comes with the transformer)
  const { request, kept } = recipe(t.store, t.values, session.builtin, seed);
  session.made = { ...(await session.request('create', request)), ...kept };
  session.history = { step: [], train: [], val: [] };
  session.announceMade();
  t.inside.fillPickers();
  showBaselines(session);
  showPending(t);
  showProgress(t);
}

/** Train (or Resume): makes the model first if there is none, then asks for chunks until the limit or Pause. */
async function train(t) {
  const { session } = t;
  if (session.phase === 'training' || session.phase === 'creating') return;
  setError('gpt', '');
  const max = maxSteps(t);
  if (max === undefined) return;
  const mine = session.generation;
  const fresh = session.made === null;
  session.phase = fresh ? 'creating' : 'training';
  setButtons(t);
  say(t, progressText(session));
  try {
    if (fresh) await create(t);
    else await session.ready();
  } catch (error) {
    if (mine !== session.generation) return;
    session.phase = 'empty';
    setButtons(t);
    say(t, '');
    setError('gpt', messageOf(error));
    return;
  }
  if ((session.history.step.at(-1) ?? 0) >= max) {
    session.phase = 'done';
    setButtons(t);
    say(t, `${progressText(session)} Already at the “Stop after” limit: raise it to train on.`);
    return;
  }
  session.phase = 'training';
  setButtons(t);
  say(t, progressText(session));
  t.clock = null;
  t.inside.sample();
  startSampling(t);
  if (!t.looping) loop(t);
}

/** One chunk of steps, when the chosen speed says it is due; false when the limit is reached. */
async function chunk(t) {
  const { session } = t;
  const max = maxSteps(t) ?? Infinity;
  const done = session.history.step.at(-1) ?? 0;
  if (done >= max) return false;
  const speed = Number(t.values.speed) || 0;
  const plan = pace(speed, CHUNK);
  if (t.clock?.speed !== speed) t.clock = { at: performance.now(), step: done, speed };
  const wait = plan.due(t.clock.at, done - t.clock.step) - performance.now();
  if (wait > 0) await new Promise((resolve) => { setTimeout(resolve, wait); });
  if (session.phase !== 'training') return true; // paused while waiting
  const answer = await session.request('train', { count: Math.min(plan.chunk, max - done) });
  const { history } = session;
  history.step.push(answer.step);
  history.train.push(answer.train);
  history.val.push(answer.val);
  showProgress(t);
  say(t, progressText(session), false);
  return true;
}

/**
 * Early stopping: the model goes back to its best validation step. The curves after it are kept apart
 * (`history.undone`, drawn greyed): training from the best step draws new ones beside them.
 */
async function rewind(t) {
  const { session } = t;
  const mine = session.generation;
  pause(t);
  while (t.looping) await new Promise((resolve) => { setTimeout(resolve, 20); }); // the chunk in flight ends first
  if (mine !== session.generation) return;
  try {
    const back = await session.request('rewind');
    const { history } = session;
    const keep = history.step.findIndex((s) => s > back.step);
    if (keep >= 0) {
      // from the best point on, so that the greyed curves start where the kept ones end
      const undone = Object.fromEntries(['step', 'train', 'val'].map((key) => [key, history[key].slice(Math.max(0, keep - 1))]));
      history.undone = [...(history.undone ?? []), undone];
      for (const key of ['step', 'train', 'val']) history[key].length = keep;
    }
    session.phase = 'paused';
    setButtons(t);
    showProgress(t);
    say(t, `Back at step ${grouped(back.step)}, the lowest validation loss: early stopping. ${progressText(session)}`);
    t.inside.sample();
    t.inside.inspect();
  } catch (error) {
    if (mine === session.generation) setError('gpt', messageOf(error));
  }
}

/** Asks for one chunk after another while training; Pause ends it after the chunk in flight. */
async function loop(t) {
  const { session } = t;
  t.looping = true;
  const mine = session.generation;
  try {
    while (session.phase === 'training' && mine === session.generation) {
      if (!(await chunk(t))) session.phase = 'done';
    }
  } catch (error) {
    if (mine !== session.generation) return;
    session.phase = session.made ? 'paused' : 'empty';
    setError('gpt', messageOf(error));
  } finally {
    if (mine === session.generation) t.looping = false;
  }
  if (mine !== session.generation) return;
  stopSampling(t);
  setButtons(t);
  if (session.phase === 'paused' || session.phase === 'done') say(t, progressText(session));
  t.inside.sample();
  t.inside.inspect();
}

/** Pause: training stops after the chunk in flight. */
function pause(t) {
  if (t.session.phase !== 'training') return;
  t.session.phase = 'paused';
  setButtons(t);
  say(t, 'Pausing after the current steps…');
  t.clock = null;
}

/** The look-inside parts asked again every SAMPLE_EVERY ms while training. */
function startSampling(t) {
  stopSampling(t);
  t.sampleTimer = setInterval(() => { t.inside.sample(); t.inside.inspect(); }, SAMPLE_EVERY);
}

function stopSampling(t) {
  clearInterval(t.sampleTimer);
  t.sampleTimer = null;
}

/** Part D's trainer: `lab` = { store, settings, session, inside } (the look-inside parts it refreshes). */
export function createTrainer({ store, settings, session, inside }) {
  // the trainer's state: the training loop runs, when the last announcement was, the sampling timer, and `clock`
  // = { at, step, speed }: when the pace's count started (performance.now()), at which step
  const t = { store, settings, values: settings.values, session, inside, ui: trainerElements(),
    looping: false, lastAnnounce: 0, sampleTimer: null, clock: null };
  t.ui.train.addEventListener('click', () => train(t));
  t.ui.pause.addEventListener('click', () => pause(t));
  $('gpt-rewind').addEventListener('click', () => rewind(t));
  $('gpt-reset').addEventListener('click', async () => {
    await session.reset();
    setError('gpt', '');
    say(t, 'Reset: Train starts again from random weights.');
  });
  session.on('forget', () => {
    t.looping = false;
    stopSampling(t);
    showBaselines(session);
    showPending(t);
    showProgress(t);
    setButtons(t);
  });
  return { pause: () => pause(t), setButtons: () => setButtons(t), showSource: () => showSource(t),
    showPending: () => showPending(t), showProgress: () => showProgress(t),
    plan: () => plan(store, t.values, session.builtin) };
}
