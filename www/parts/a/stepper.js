// Part A, step-through sampling: one token at a time, showing how np.random.choice turns a uniform draw into a token.
import { el, fillChips, messageOf, shown } from '../../drawing/dom.js';
import { short, four } from '../../state/numbers.js';
import { generationOptions, GENERATION_KEYS } from './generate-panel.js';
import { contextLabel } from './matrix-parts.js';
import { newest } from '../../engine/engine.js';

/** The table of slices: one slice of [0, 1) per token, and the uniform draw u as a line across them. */
const CSS = `
.slices { border-collapse: collapse; font-size: 0.88rem; width: min(100%, 48rem); margin-top: 0.5rem; }
.slices caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.slices th, .slices td { padding: 0.1rem 0.45rem; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.slices th[scope="row"] { font-family: ui-monospace, monospace; }
.slices td.strip, .slices .strip-head { position: relative; width: 60%; min-width: 9rem; padding: 0; }
.slices .strip-head { height: 1.6rem; font-weight: 400; font-size: 0.75rem; }
.slices .strip-head span:first-child { position: absolute; left: 0; bottom: 0; }
.slices .strip-head span:last-child { position: absolute; right: 0; bottom: 0; }
.slices .u-label { position: absolute; top: 0; transform: translateX(-50%); color: var(--focus); font-weight: 700; white-space: nowrap; }
.slices td.strip { height: 1.5rem; border-left: 1px solid var(--line); border-right: 1px solid var(--line); }
.slice { position: absolute; top: 0.25rem; bottom: 0.25rem; background: var(--accent); opacity: 0.55; border-radius: 2px; }
.u-line { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: var(--focus); }
.slices tr.chosen { background: var(--explain); font-weight: 700; }
.slices tr.chosen .slice { opacity: 1; }
`;

const ALL_ROWS_UP_TO = 24; // beyond this, rows far from the chosen token are merged into one slice

/** Row groups to draw: single tokens near the chosen id, merged ranges elsewhere, always covering 0…V−1. */
function groups(V, chosen) {
  if (V <= ALL_ROWS_UP_TO) return [...Array(V).keys()].map((i) => [i, i]);
  const lo = Math.max(0, chosen - 8);
  const hi = Math.min(V - 1, chosen + 8);
  const out = [];
  if (lo > 0) out.push([0, lo - 1]);
  for (let i = lo; i <= hi; i++) out.push([i, i]);
  if (hi < V - 1) out.push([hi + 1, V - 1]);
  return out;
}

/** numpy's cdf of a row: the cumulative sum divided by its last value. */
function cumulative(probabilities) {
  const cdf = new Float64Array(probabilities.length);
  let sum = 0;
  probabilities.forEach((p, i) => { sum += p; cdf[i] = sum; });
  return cdf.map((c) => c / sum);
}

/**
 * The distribution as slices of [0, 1): each token of `vocab` owns [cdf before it, its cdf); u (when drawn) picks
 * the slice, and a sentence says which. Before a draw there is no u and no chosen token.
 */
function slices({ probabilities, cdf, uniform, id }, context, vocab) {
  const drawn = uniform !== undefined;
  const around = drawn ? id : probabilities.reduce((best, p, i) => (p > probabilities[best] ? i : best), 0);
  const strip = el('th', { scope: 'col', class: 'strip-head' }, el('span', { text: '0' }));
  if (drawn) {
    strip.append(el('span', { class: 'u-label', text: `u = ${short(uniform, 4)}`, style: { left: `${uniform * 100}%` } }));
  }
  strip.append(el('span', { text: '1' }));
  const caption = drawn ? `Row ${contextLabel(context)} after temperature and top-k; u = ${four(uniform)}`
    : `Row ${contextLabel(context)} after temperature and top-k: the next draw's distribution`;
  const table = el('table', { class: 'slices' }, el('caption', { text: caption }),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: 'next' }), el('th', { scope: 'col', text: 'P' }),
      el('th', { scope: 'col', text: 'cumulative' }), strip)));
  const body = el('tbody');
  for (const [a, b] of groups(vocab.length, around)) {
    const start = a === 0 ? 0 : cdf[a - 1];
    const end = cdf[b];
    let p = 0;
    for (let i = a; i <= b; i++) p += probabilities[i];
    const name = a === b ? shown(vocab[a]) : `${shown(vocab[a])} … ${shown(vocab[b])} (${b - a + 1} tokens)`;
    const chosen = drawn && a <= id && id <= b && a === b;
    const cellStrip = el('td', { class: 'strip' },
      el('span', { class: 'slice', style: { left: `${start * 100}%`, width: `${(end - start) * 100}%` } }));
    if (drawn) cellStrip.append(el('span', { class: 'u-line', style: { left: `${uniform * 100}%` } }));
    body.append(el('tr', { class: chosen ? 'chosen' : '' },
      el('th', { scope: 'row', text: name }), el('td', { text: short(p, 4) }),
      el('td', { text: short(end, 4) }), cellStrip));
  }
  table.append(body);
  if (!drawn) return [table, el('p', { class: 'hint', text: 'Step draws u and picks the slice it falls in.' })];
  const start = id === 0 ? 0 : cdf[id - 1];
  const token = shown(vocab[id]);
  return [table, el('p', { class: 'step-explain', text: `u = ${short(uniform, 4)} falls in `
    + `[${short(start, 4)}, ${short(cdf[id], 4)}), the slice of “${token}”, so the next token is ${token}.` })];
}

export function createStepper(ui, store, matrix) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const stepButton = $('step');
  const tokensList = $('step-tokens');
  const view = $('step-view');
  const status = $('step-status');
  ui.adopt(CSS);
  let session = null; // the last answer: { tokens, done, context, seen }, or null when stepping is impossible
  const ask = newest(); // an older answer is ignored
  let busy = false; // a step is on its way (from the worker): another press waits for it
  const waiting = []; // reset()'s callers, until the newest reset has its answer
  const settle = () => { for (const done of waiting.splice(0)) done(); };

  // aria-disabled rather than disabled: a focused button keeps focus when sampling ends
  const enable = (on) => stepButton.setAttribute('aria-disabled', String(!on));

  /** Where the next draw comes from, in words; an unseen context is called out (its row is uniform). */
  function rowName(context, seen) {
    if (store.model.order === 1) return 'the single unigram row';
    return `the ${contextLabel(context)} row${seen ? '' : ' (a context the corpus never has: its row is uniform)'}`;
  }

  /** The row's slices, and where u fell (once drawn). */
  const draw = (row, context) => view.replaceChildren(...slices(row, context, store.model.vocab));

  /** Starts again at [START]; resolves once the newest reset has its answer (or failed): then Step can draw. */
  function reset() {
    const settled = new Promise((done) => { waiting.push(done); });
    session = null;
    busy = false;
    matrix.setHighlight(null, null);
    view.replaceChildren();
    const model = store.model;
    const { options } = generationOptions(store.state);
    if (!model || !options) {
      status.textContent = 'Fix the generation settings above to step.';
      enable(false);
      settle();
      return settled;
    }
    ask(model.ask('stepReset', options)).then((state) => {
      setError('step', '');
      session = state;
      fillChips(tokensList, state.tokens);
      enable(!state.done);
      matrix.setHighlight(state.context, null);
      const at = state.tokens.length ? shown(state.tokens[state.tokens.length - 1]) : 'the start';
      status.textContent = `At ${at}. Step draws the next token from ${rowName(state.context, state.seen)}.`;
      // before the first draw: the distribution it will use, without u
      if (state.peek) draw({ probabilities: state.peek, cdf: cumulative(state.peek) }, state.context);
      settle();
    }, (error) => {
      setError('step', messageOf(error));
      enable(false);
      settle();
    });
    return settled;
  }

  function step() {
    if (!session || session.done || busy) return;
    const context = session.context;
    busy = true;
    const done = () => { busy = false; };
    ask(store.model.ask('stepNext')).finally(done).then((state) => {
      session = state;
      const result = state.result;
      if (!result) return;
      fillChips(tokensList, state.tokens);
      matrix.setHighlight(context, result.id);
      draw(result, context);
      const token = shown(result.token);
      if (state.done) {
        enable(false);
        status.textContent = result.token === '[END]' ? 'Done: [END] was drawn. Reset to start again.'
          : 'Done: max length reached. Reset to start again.';
      } else {
        status.textContent = `Drew ${token}. Next, Step samples from ${rowName(state.context, state.seen)}.`;
      }
    }, (error) => setError('step', messageOf(error)));
  }

  stepButton.addEventListener('click', step);
  $('step-reset').addEventListener('click', reset);
  store.subscribe((changed) => {
    if (changed.has('model') || GENERATION_KEYS.some((key) => changed.has(key))) reset();
  });
  return { step, reset };
}
