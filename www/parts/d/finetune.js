// Part D, fine-tuning twice: labelled examples (built-in or typed) fine-tune two copies of the pre-trained model, one
// for the task alone (λ = 0) and one with the language-model term, and the section compares them.
import { $, el, setError, messageOf } from '../../drawing/dom.js';
import { drawCurves } from '../../drawing/line-chart.js';
import { four, grouped } from '../../state/numbers.js';


const TASKS = {
  sentiment: {
    fields: 2, labels: ['negative', 'positive'], task: 'classification',
    hint: 'One example per line: text, a tab, then positive or negative. The last quarter of the lines is held out for testing.',
    input: ([text]) => ({ text }),
  },
  entailment: {
    fields: 3, labels: ['contradiction', 'entailment'], task: 'entailment',
    hint: 'One example per line: premise, a tab, hypothesis, a tab, then entailment or contradiction. The last quarter of the lines is held out for testing.',
    input: ([premise, hypothesis]) => ({ premise, hypothesis }),
  },
};

/** Parses labelled TSV: { examples } (each with its line number) or { error } naming the line. */
export function parseLabelled(text, taskName) {
  const spec = TASKS[taskName];
  const examples = [];
  const lines = text.split('\n');
  const shape = spec.fields === 2 ? 'text, a tab, then a label' : 'premise, a tab, hypothesis, a tab, then a label';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (!line.trim()) continue;
    const fields = line.split('\t').map((f) => f.trim());
    if (fields.length !== spec.fields || fields.slice(0, -1).some((f) => !f)) {
      return { error: `Line ${i + 1} should be ${shape} (${spec.labels.join(' or ')}); it has ${fields.length} field${fields.length === 1 ? '' : 's'}.` };
    }
    const label = spec.labels.indexOf(fields.at(-1));
    if (label < 0) return { error: `Line ${i + 1}: the label “${fields.at(-1)}” is not ${spec.labels.join(' or ')}.` };
    examples.push({ task: spec.task, input: spec.input(fields), label, line: i + 1 });
  }
  if (examples.length < 4) return { error: `At least 4 examples are needed (3 to train on, 1 to test); there are ${examples.length}.` };
  const held = Math.max(1, Math.round(examples.length / 4));
  return { examples, train: examples.slice(0, -held), test: examples.slice(-held) };
}

const label = (lambda) => (lambda === 0 ? 'λ = 0 (task only)' : `λ = ${lambda}`);
const signed = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the paper found about keeping the language-model loss when fine-tuning (its ablation, Table 5). */
export const PAPER_FINDING = 'In the paper\'s ablation (Table 5) the language-model term helped on its larger data sets '
  + '(QQP, MNLI, QNLI) and not on the smaller ones; averaged over its tasks, GPT-1 scored 74.7 with it and 75.0 without.';

/** How a summary names the language model's loss and the text it is measured on: Part D's words by default. */
const PART_D_WORDS = { loss: 'the language model\'s validation loss', lower: 'the validation loss', text: 'the corpus\'s sentences' };

/**
 * What this run shows, in words, from its own numbers only: the two copies' held-out accuracy (as examples right, of
 * `tested`) and how far each moved the language model's loss on held-out text (named by `words`); then what the
 * paper found. Never says the language-model term helped where this run says it did not.
 */
export function runSummary({ before, runs: [plain, mixed] }, tested, words = PART_D_WORDS) {
  const right = (run) => Math.round(run.accuracy * tested);
  const more = right(mixed) - right(plain);
  const effect = more === 0 ? 'the language-model term made no difference to the task'
    : more > 0 ? `the language-model term helped the task, by ${plural(more, 'example')}`
      : `the language-model term cost the task ${plural(-more, 'example')}`;
  const task = `On the ${plural(tested, 'held-out example')}, the task alone (λ = 0) got ${right(plain)} right and `
    + `λ = ${mixed.lambda} got ${right(mixed)}: in this run ${effect} (one example is ${(100 / tested).toFixed(0)} `
    + 'percentage points).';
  const lm = `Fine-tuning for the task alone changed ${words.loss} by ${signed(plain.lm - before)}; `
    + `with λ = ${mixed.lambda} by ${signed(mixed.lm - before)}. ${mixed.lm < plain.lm
      ? 'The language-model term kept more of what pre-training learnt.'
      : `Here the language-model term did not keep ${words.lower} lower: it trains on the task's own sequences, which can differ from ${words.text}.`}`;
  return `${task} ${lm} ${PAPER_FINDING}`;
}

/** The two runs side by side: accuracy held out and on the training examples, and the LM loss after each. */
function resultsTable({ before, runs }, parsed) {
  const cell = (value, name, lambda) => el('td', { 'data-lambda': String(lambda), 'data-name': name,
    'data-value': String(value), text: name === 'lm' ? four(value) : `${Math.round(value * 100)}%` });
  const row = (heading, key, name) => el('tr', {}, el('th', { scope: 'row', text: heading }),
    ...runs.map((r) => cell(r[key], name, r.lambda)));
  return el('table', { class: 'loss-table gpt-ft-table' },
    el('caption', { text: 'Two fine-tunings of the same pre-trained model' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'measure' }), ...runs.map((r) => el('th', { scope: 'col', text: label(r.lambda) })))),
    el('tbody', {},
      row(`task accuracy on the ${parsed.test.length} held-out examples`, 'accuracy', 'accuracy'),
      row(`task accuracy on the ${parsed.train.length} training examples`, 'trainAccuracy', 'train-accuracy'),
      row(`LM loss on the validation lines (before: ${four(before)})`, 'lm', 'lm')));
}

/** Part D's fine-tuning: `lab` = { settings, session, trainer } (the trainer pauses and sets the buttons). */
export function createFineTune({ settings, session, trainer }) {
  const { values } = settings;
  const ui = { labelled: $('gpt-labelled'), hint: $('gpt-labelled-hint'), restore: $('gpt-labelled-restore'),
    button: $('gpt-finetune'), status: $('gpt-ft-status'), results: $('gpt-ft-results'), figure: $('gpt-ft-figure'),
    chart: $('gpt-ft-chart'), chartDesc: $('gpt-ft-chart-desc') };

  /** Validates the labelled text as typed: an inline error naming the line, the text kept as it is. */
  function check() {
    if (session.builtin[values.task] === null && values[values.task] === null) return null;
    ui.restore.disabled = values[values.task] === null;
    const parsed = parseLabelled(ui.labelled.value, values.task);
    setError('gpt-labelled', parsed.error);
    return parsed.error ? null : parsed;
  }

  function showLabelled() {
    ui.hint.textContent = TASKS[values.task].hint;
    const text = values[values.task] ?? session.builtin[values.task];
    if (text !== null && ui.labelled.value !== text) ui.labelled.value = text;
    ui.restore.disabled = values[values.task] === null;
    check();
  }

  function stale() {
    if (ui.results.firstChild) ui.results.classList.add('stale');
  }

  function show(result, parsed) {
    const [plain] = result.runs;
    const summary = el('p', { class: 'note gpt-ft-summary', text: runSummary(result, parsed.test.length) });
    ui.results.classList.remove('stale');
    ui.results.replaceChildren(resultsTable(result, parsed), summary);
    ui.figure.hidden = false;
    drawCurves(ui.chart, {
      series: result.runs.map((r, i) => ({ points: Array.from(r.lmLoss, (v, s) => [s + 1, v]), className: i ? 'val' : 'lm0', label: `L_lm, ${label(r.lambda)}` })),
      xMax: plain.lmLoss.length, xLabel: 'fine-tuning step', height: 220,
    });
    ui.chartDesc.textContent = result.runs.map((r) => `${label(r.lambda)}: language-model loss on the fine-tuning batches from ${four(r.lmLoss[0])} to ${four(r.lmLoss.at(-1))}`).join('; ');
  }

  async function fineTune() {
    setError('gpt-ft', '');
    const parsed = check();
    const [lambda, steps, seed] = ['lambda', 'ftSteps', 'ftSeed'].map(settings.read);
    if (!parsed) return setError('gpt-ft', 'Fix the labelled examples first.');
    if ([lambda, steps, seed].includes(undefined)) return undefined;
    if (!session.made) return setError('gpt-ft', 'Pre-train a model first (press Train).');
    if (session.phase === 'training') trainer.pause();
    const mine = session.generation;
    ui.button.disabled = true;
    ui.status.textContent = `Fine-tuning two copies of the model for ${steps} steps each…`;
    try {
      await session.request('check', { examples: parsed.train.concat(parsed.test) });
      const result = await session.request('fineTune', {
        train: parsed.train, test: parsed.test, lambdas: [0, lambda], options: { steps, seed, batchSize: 16 },
      });
      show(result, parsed);
      ui.status.textContent = `Done: both copies fine-tuned from the model at step ${grouped(session.history.step.at(-1) ?? 0)}.`;
    } catch (error) {
      if (mine !== session.generation) return undefined;
      ui.status.textContent = '';
      const message = messageOf(error);
      if (/^line \d+:/.test(message)) setError('gpt-labelled', `L${message.slice(1)}`);
      setError('gpt-ft', message);
    } finally {
      if (mine === session.generation) trainer.setButtons();
    }
    return undefined;
  }

  for (const radio of document.querySelectorAll('input[name="gpt-task"]')) {
    radio.checked = radio.value === values.task;
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      settings.set('task', radio.value);
      showLabelled();
      stale();
    });
  }
  ui.labelled.addEventListener('input', () => {
    const own = session.builtin[values.task];
    settings.set(values.task, own !== null && ui.labelled.value === own ? null : ui.labelled.value);
    check();
    stale();
  });
  ui.restore.addEventListener('click', () => {
    settings.set(values.task, null);
    showLabelled();
    stale();
  });
  ui.button.addEventListener('click', fineTune);
  session.on('loaded', showLabelled);
  session.on('forget', () => {
    ui.results.replaceChildren();
    ui.figure.hidden = true;
    ui.status.textContent = '';
    setError('gpt-ft', '');
  });
  return { stale };
}
