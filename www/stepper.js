// Part A, step-through sampling: one token at a time, showing how np.random.choice turns a uniform draw into a token.
import { Sampler } from './pkg/gpt1_playground.js';
import { $, el, fillChips, setError, messageOf } from './dom.js';
import { short, four } from './numbers.js';
import { generationOptions, GENERATION_KEYS } from './generate-panel.js';

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

export function createStepper(store, matrix) {
  const stepButton = $('step');
  const tokensList = $('step-tokens');
  const view = $('step-view');
  const status = $('step-status');
  let sampler = null;

  // aria-disabled rather than disabled: a focused button keeps focus when sampling ends
  const enable = (on) => stepButton.setAttribute('aria-disabled', String(!on));

  function reset() {
    sampler?.free();
    sampler = null;
    matrix.setHighlight(null, null);
    view.replaceChildren();
    const model = store.model;
    const { options } = generationOptions(store.state);
    if (!model || !options) {
      status.textContent = 'Fix the generation settings above to step.';
      enable(false);
      return;
    }
    try {
      sampler = new Sampler(model, options);
      setError('step', '');
    } catch (error) {
      setError('step', messageOf(error));
      enable(false);
      return;
    }
    fillChips(tokensList, sampler.tokens);
    enable(true);
    status.textContent = 'At [START]. Step draws the next token from the [START] row.';
  }

  /** Draws the distribution as slices of [0, 1): each token owns [cdf before it, its cdf); u picks the slice. */
  function draw(result, prevToken) {
    const vocab = store.model.vocab;
    const { probabilities, cdf, uniform, id } = result;
    const table = el('table', { class: 'slices' },
      el('caption', { text: `Row ${prevToken} after temperature and top-k; u = ${four(uniform)}` }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: 'next' }), el('th', { scope: 'col', text: 'P' }),
        el('th', { scope: 'col', text: 'cumulative' }),
        el('th', { scope: 'col', class: 'strip-head' }, el('span', { text: '0' }),
          el('span', { class: 'u-label', text: `u = ${short(uniform, 4)}`, style: { left: `${uniform * 100}%` } }),
          el('span', { text: '1' })))));
    const body = el('tbody');
    for (const [a, b] of groups(vocab.length, id)) {
      const start = a === 0 ? 0 : cdf[a - 1];
      const end = cdf[b];
      let p = 0;
      for (let i = a; i <= b; i++) p += probabilities[i];
      const name = a === b ? vocab[a] : `${vocab[a]} … ${vocab[b]} (${b - a + 1} tokens)`;
      const chosen = a <= id && id <= b && a === b;
      const strip = el('td', { class: 'strip' },
        el('span', { class: 'slice', style: { left: `${start * 100}%`, width: `${(end - start) * 100}%` } }),
        el('span', { class: 'u-line', style: { left: `${uniform * 100}%` } }));
      body.append(el('tr', { class: chosen ? 'chosen' : '' },
        el('th', { scope: 'row', text: name }), el('td', { text: short(p, 4) }),
        el('td', { text: short(end, 4) }), strip));
    }
    table.append(body);
    const start = id === 0 ? 0 : cdf[id - 1];
    view.replaceChildren(table, el('p', { class: 'step-explain', text: `u = ${short(uniform, 4)} falls in `
      + `[${short(start, 4)}, ${short(cdf[id], 4)}), the slice of “${vocab[id]}”, so the next token is ${vocab[id]}.` }));
  }

  function step() {
    if (!sampler || sampler.done) return;
    const before = sampler.tokens;
    const prevToken = before[before.length - 1];
    const result = sampler.step();
    if (!result) return;
    const vocab = store.model.vocab;
    fillChips(tokensList, sampler.tokens);
    matrix.setHighlight(vocab.indexOf(prevToken), result.id);
    draw(result, prevToken);
    if (sampler.done) {
      enable(false);
      status.textContent = result.token === '[END]' ? 'Done: [END] was drawn. Reset to start again.'
        : 'Done: max length reached. Reset to start again.';
    } else {
      status.textContent = `Drew ${result.token}. Next, Step samples from the ${result.token} row.`;
    }
  }

  stepButton.addEventListener('click', step);
  $('step-reset').addEventListener('click', reset);
  store.subscribe((changed) => {
    if (changed.has('model') || GENERATION_KEYS.some((key) => changed.has(key))) reset();
  });
  return { step, reset };
}
