// Part D, looking inside the tiny GPT: samples from it, one head's attention over a line as a heatmap, and the
// next-token distribution at each position. Asked again while it trains, and whenever their settings change.
import { $, el, setError, messageOf, shown, tokenText } from '../../drawing/dom.js';
import { attentionTable, explainAttention, readingHint } from '../../drawing/attention-map.js';

const SOON = 150; // ms after the last edit of a setting before asking again

/** The five most likely next tokens at each position. */
function nextTable({ tokens, next }) {
  return el('table', { class: 'loss-table gpt-next-table' },
    el('caption', { text: 'The next-token distribution at each position (the five most likely tokens)' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'position' }), el('th', { scope: 'col', text: 'after' }),
      ...[1, 2, 3, 4, 5].map((n) => el('th', { scope: 'col', text: `#${n}` })))),
    el('tbody', {}, ...tokens.map((t, i) => el('tr', {}, el('td', { text: String(i) }), el('th', { scope: 'row', text: shown(t) }),
      ...next[i].map(({ token, p }) => el('td', {}, el('span', { class: 'next-tok', text: shown(token) }), ` ${p.toFixed(2)}`))))));
}

/** Part D's look inside: `lab` = { settings, session }. */
export function createLookInside({ settings, session }) {
  const { values } = settings;
  const ui = { samples: $('gpt-samples'), attention: $('gpt-attention'), explain: $('gpt-cell-explain'),
    next: $('gpt-next'), empty: $('gpt-inspect-empty'), layer: $('gpt-layer'), head: $('gpt-head') };
  let tokens = []; // the line's tokens in the attention map shown
  let sampleAsked = 0;
  let inspectAsked = 0;
  let timers = {};

  function sample() {
    if (!session.made) return;
    const [seed, maxLen, temperature, topK] = ['genSeed', 'genLen', 'genTemp', 'genTopk'].map(settings.read);
    if ([seed, maxLen, temperature, topK].includes(undefined)) return;
    const asked = ++sampleAsked;
    session.request('sample', { count: 3, options: { seed, maxLen, temperature, topK } }).then((samples) => {
      if (asked !== sampleAsked) return;
      ui.samples.replaceChildren(...samples.map((line) => el('li', { class: 'gpt-sample' }, ...line.map(tokenText))));
    }, (error) => setError('gpt', messageOf(error)));
  }

  function inspect() {
    if (!session.made) return;
    const asked = ++inspectAsked;
    const layer = Number(ui.layer.value) || 0;
    const head = Number(ui.head.value) || 0;
    session.request('inspect', { line: values.line, layer, head, top: 5 }).then((view) => {
      if (asked !== inspectAsked) return;
      setError('gpt-line', '');
      ui.empty.hidden = true;
      tokens = view.tokens;
      ui.attention.replaceChildren(attentionTable(view.tokens, view.attention, `Attention weights, layer ${layer + 1}, head ${head + 1}`, 'gpt-attention-table'));
      ui.explain.replaceChildren(readingHint());
      ui.next.replaceChildren(nextTable(view));
    }, (error) => {
      if (asked !== inspectAsked) return;
      setError('gpt-line', messageOf(error));
      clear(); // the tables of the last line that worked would look like this line's
    });
  }

  /** Empties the attention map, its explanation and the next-token table. */
  function clear() {
    tokens = [];
    ui.attention.replaceChildren();
    ui.next.replaceChildren();
    ui.explain.textContent = '';
  }

  /** Asks `what` again once its settings rest for SOON ms. */
  function soon(what) {
    clearTimeout(timers[what.name]);
    timers[what.name] = setTimeout(what, SOON);
  }

  /** The pickers for the current model's layers and heads, keeping the saved choice where it exists. */
  function fillPickers() {
    const made = session.made;
    const options = (n, word) => Array.from({ length: n }, (_, i) => el('option', { value: String(i), text: `${word} ${i + 1}` }));
    ui.layer.replaceChildren(...options(made?.layers ?? 0, 'layer'));
    ui.head.replaceChildren(...options(made?.heads ?? 0, 'head'));
    if (made) {
      ui.layer.value = String(Math.min(Number(values.layer) || 0, made.layers - 1));
      ui.head.value = String(Math.min(Number(values.head) || 0, made.heads - 1));
    }
  }

  explainAttention(ui.attention, ui.explain, () => tokens);
  for (const key of ['layer', 'head']) {
    ui[key].addEventListener('change', () => { settings.set(key, ui[key].value); soon(inspect); });
  }
  $('gpt-resample').addEventListener('click', () => {
    const seed = String(crypto.getRandomValues(new Uint32Array(1))[0]);
    $('gpt-gen-seed').value = seed;
    settings.set('genSeed', seed);
    settings.read('genSeed');
    sample();
  });
  session.on('forget', () => {
    fillPickers();
    ui.samples.replaceChildren();
    clear();
    ui.empty.hidden = false;
    setError('gpt-line', '');
  });
  return { sample, inspect, fillPickers, sampleSoon: () => soon(sample), inspectSoon: () => soon(inspect) };
}
