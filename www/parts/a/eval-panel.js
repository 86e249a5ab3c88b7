// Part A, evaluation: training vs validation loss over every order and a few smoothing values — the overfitting lesson.
// Loaded when its section is first in sight (later-panels.js); the validation text it scores is validation-field.js's.
import { el, messageOf } from '../../drawing/dom.js';
import { four, short } from '../../state/numbers.js';
import { countingOptions } from './counting.js';
import { corpusTooLarge } from '../../state/limits.js';
import { newest, WorkerGone } from '../../engine/engine.js';
import { ORDERS, KS } from '../../kinds/ngram/views.js';
import { CHART_CSS, drawLossChart } from './chart.js';

export { ORDERS, KS };
const WAIT_MS = 150; // after the last keystroke, before the grid is computed again
// a grid over a corpus this long takes a core for a second or more (six counts): it waits for a real pause, so that
// it does not start, compete with the next keystroke's count on a two-core laptop, and be stopped, at every key
const LONG = 1000000;
const LONG_WAIT_MS = 1000;
const GRID_KEYS = ['corpus', 'tokenizer', 'boundaries', 'merges', 'validation'];


/** "as confused as choosing among N equally likely tokens", with N printed briefly. */
export const confusion = (perplexity) => `as confused as choosing among ${short(perplexity, 2)} equally likely tokens`;

/** The setting with the lowest validation loss: indices into ORDERS and KS (the first one on ties). */
function bestOf(val) {
  let best = null;
  val?.forEach((row, o) => row.forEach((v, k) => {
    if (Number.isFinite(v) && (!best || v < val[best.o][best.k])) best = { o, k };
  }));
  return best;
}

/** The number table behind the chart: one row per order, training and validation loss for each k. */
function lossTable(train, val, best) {
  const table = el('table', { class: 'loss-table' }, el('caption', { text: 'Loss by order and smoothing' }));
  const groupRow = el('tr', {}, el('td'), KS.map((k) => el('th', { scope: 'colgroup', colSpan: 2, text: `k = ${short(k, 4)}` })));
  const kindRow = el('tr', {}, el('th', { scope: 'col', text: 'order' }),
    KS.map(() => [el('th', { scope: 'col', text: 'training' }), el('th', { scope: 'col', text: 'validation' })]));
  const body = ORDERS.map((order, o) => el('tr', {}, el('th', { scope: 'row', text: String(order) }),
    KS.map((k, j) => {
      const isBest = best && best.o === o && best.k === j;
      const v = val ? val[o][j] : NaN;
      return [
        el('td', { text: four(train[o][j]), 'data-order': order, 'data-k': k, 'data-kind': 'training' }),
        el('td', { class: isBest ? 'best' : '', 'data-order': order, 'data-k': k, 'data-kind': 'validation' },
          four(v), isBest ? el('span', { class: 'visually-hidden', text: ' (best)' }) : null),
      ];
    })));
  table.append(el('thead', {}, groupRow, kindRow), el('tbody', {}, body));
  return table;
}

/** The validation text's problem, beside it; an unknown token gets the two ways out. */
function validationMessage(valError) {
  const message = valError || '';
  return /unknown token/.test(message)
    ? `${message}. Try Tokenizer char (or bpe, whose pieces cover new words), or a larger corpus that has it.` : message;
}

/** How the grid was computed, and how long it took. */
const timing = (ms) => `${ORDERS.length * KS.length} settings computed in ${short(ms, 1)} ms in a background worker: `
  + `${ORDERS.length} models counted once each, then re-smoothed for ${KS.length} values of k, the validation text cut `
  + 'once for all of them (measured with performance.now).';

/** The best setting in words (or why there is none). */
function bestText(val, best) {
  if (!best) return 'No best setting yet: the validation text has no loss to compare.';
  const loss = val[best.o][best.k];
  return `Best on the validation text: order ${ORDERS[best.o]}, k = ${short(KS[best.k], 4)}`
    + ` — validation loss ${four(loss)}, perplexity ${short(Math.exp(loss), 2)} (${confusion(Math.exp(loss))}).`;
}

export function createEvalPanel(ui, store, { apply, engine }) {
  const { $, setError } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const plot = $('eval-chart');
  ui.adopt(CHART_CSS);
  const applyButton = $('apply-best');
  const results = $('eval-results');
  let run = 0; // the latest computation; an older answer is ignored
  const ask = newest(); // the latest question about the model above
  let timer = 0;
  let grid = null; // the last finished grid

  /** Computes the grid in the evaluation worker (schedule() has stopped a stale one: a new worker takes over). */
  function compute() {
    // while the model above is still being counted, wait for it: two counts of a book at once on a two-core
    // laptop slow down the one the person is watching
    if ($('model-status').dataset.state === 'busy') {
      timer = setTimeout(compute, WAIT_MS);
      return;
    }
    const id = ++run;
    const { state } = store;
    const counting = countingOptions(state);
    const tooLarge = counting.error ? '' : corpusTooLarge(state.corpus);
    $('eval-status').textContent = counting.error ? 'Fix Merges above to compare settings.'
      : tooLarge ? 'The corpus is above the size limit (see the message under it): nothing to compare.' : '';
    if (counting.error || tooLarge) return; // a corpus the core would refuse is not sent to the worker
    engine.request('eval', 'grid', { corpus: state.corpus, options: counting.options, val: state.validation }).then((answer) => {
      if (id !== run) return; // the settings changed meanwhile: a newer run is on its way
      grid = answer;
      show();
      results.setAttribute('aria-busy', 'false');
    }, (error) => {
      if (id !== run || error instanceof WorkerGone) return; // superseded, or the worker failed: recover() retries
      $('eval-status').textContent = `The evaluation failed: ${messageOf(error)}.`;
    });
  }

  function show() {
    if (!grid) return;
    const { train, val, valError, skipped, ms } = grid;
    const best = bestOf(val);
    const current = ORDERS.indexOf(Number(store.state.order));
    drawLossChart(plot, { orders: ORDERS, ks: KS, train, val, best, current: current >= 0 ? current : null },
      shownWidth || undefined);
    $('eval-table').replaceChildren(lossTable(train, val, best));
    setError('val', validationMessage(valError));
    $('eval-empty').hidden = valError !== '';
    $('eval-skipped').textContent = skipped.length ? `Not computed — ${skipped.join('; ')}.` : '';
    $('eval-time').textContent = timing(ms);
    applyButton.disabled = !best;
    $('eval-best').textContent = bestText(val, best);
    $('eval-chart-desc').textContent = best ? `${$('eval-best').textContent} Training loss falls as the order rises.`
      : 'Training loss by order, one line per smoothing k.';
    showCurrent();
  }

  /** The model above on the validation text: its loss and perplexity, in words (asked of the worker if it has it). */
  function showCurrent() {
    const model = store.model;
    const slot = $('eval-current');
    if (!model || !store.state.validation.trim()) return slot.replaceChildren();
    const setting = `The model above (order ${model.order}, k = ${short(model.smoothing, 4)})`;
    ask(model.ask('currentView', store.state.validation)).then((answer) => {
      if (answer.error) return slot.replaceChildren(`${setting} cannot score the validation text: see the message beside it.`);
      const perplexity = Math.exp(answer.val);
      slot.replaceChildren(`${setting}: training loss ${four(answer.train)}, validation loss ${four(answer.val)}. `,
        el('strong', { text: `Perplexity ${short(perplexity, 2)}` }),
        ` = e^${four(answer.val)}: on text it never saw, it is ${confusion(perplexity)} at every step.`);
    }, () => {});
  }

  engine.onCrash(({ lane, reason, givingUp }) => { if (lane === 'eval') recover(reason, givingUp); });

  /** The evaluation worker failed and was replaced: compute the grid again (unless it keeps failing). */
  function recover(reason, givingUp = false) {
    if (!givingUp) return schedule();
    // it failed again before answering: retrying would only start worker after worker
    results.setAttribute('aria-busy', 'false');
    $('eval-status').textContent = `The evaluation worker keeps failing (${reason}); edit the corpus or the `
      + 'validation text to try again.';
  }

  function schedule() {
    results.setAttribute('aria-busy', 'true'); // what is shown is about to be replaced
    // a grid still running is stale now: stopped at once, so it does not take a core from this edit's count (every
    // grid is asked for by compute(), which runs only from this timer: no other place needs to stop one)
    if (engine.busySince('eval') !== null) engine.restart('eval', 'superseded');
    clearTimeout(timer);
    timer = setTimeout(compute, store.state.corpus.length > LONG ? LONG_WAIT_MS : WAIT_MS);
  }

  // the chart is drawn at its shown width: draw it again when that changes
  let shownWidth = 0;
  new ResizeObserver(() => {
    const width = plot.parentElement.clientWidth;
    if (Math.abs(width - shownWidth) < 8) return;
    shownWidth = width;
    if (grid) show();
  }).observe(plot.parentElement);

  applyButton.addEventListener('click', () => {
    const best = bestOf(grid?.val);
    if (best) apply({ order: String(ORDERS[best.o]), smoothing: String(KS[best.k]) });
  });
  store.subscribe((changed) => {
    if (GRID_KEYS.some((key) => changed.has(key))) schedule();
    // order or k moved: the grid stands, the marker and the line move (unless a new grid is on its way anyway: the
    // corpus changed, so the one shown is stale)
    else if (changed.has('model') && results.getAttribute('aria-busy') !== 'true') show();
  });

  return {
    /** Computes the grid now (the panel is made when its section is first needed, after the page's first edits). */
    recover,
  };
}
