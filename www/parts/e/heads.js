// Part E, every head of GPT-1 at once: a grid of small maps (a row per layer, a column per head, both numbered), each
// one head's attention over the prompt, asked layer by layer so the first rows appear while the rest are worked out.
// Under each map is its score (its mean attention on the previous token, or on the first: head-scores.js); the five
// highest are outlined and listed, highest first. Pressing a map or a listed head shows it large as the page's
// attention heatmap, whose cells explain themselves (attention-map.js).
import { $, el, setError, messageOf } from '../../drawing/dom.js';
import { rgbFor } from '../../drawing/colour.js';
import { attentionTable, explainAttention, readingHint } from '../../drawing/attention-map.js';
import { SCORES, headScores, ranking } from './head-scores.js';

const PIXELS = 4; // canvas pixels per cell of a small map
const TOP = 5; // how many of the highest-scoring heads are outlined and listed
const name = (layer, head) => `layer ${layer + 1}, head ${head + 1}`;

/** One head's T×T map as a small canvas: a cell's colour is its weight; masked cells stay blank. */
function smallMap(map, T) {
  const canvas = el('canvas', { width: T * PIXELS, height: T * PIXELS });
  const context = canvas.getContext('2d');
  const image = context.createImageData(T * PIXELS, T * PIXELS);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j <= i; j++) {
      const [r, g, b] = rgbFor(map[i * T + j]);
      for (let y = i * PIXELS; y < (i + 1) * PIXELS; y++) {
        for (let x = j * PIXELS; x < (j + 1) * PIXELS; x++) image.data.set([r, g, b, 255], (y * T * PIXELS + x) * 4);
      }
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** The grid's first row: the heads' numbers over their columns (the buttons say them to a screen reader). */
const headNumbers = (heads) => el('div', { class: 'heads-row heads-numbers', 'aria-hidden': 'true' },
  el('span', { class: 'hint', text: '' }),
  Array.from({ length: heads }, (_, head) => el('span', { class: 'hint head-number', text: String(head + 1) })));

/** One head's button: its small map, and a slot for its score under it. */
const headButton = (layer, head, map, T) => el('button', { type: 'button', class: 'head-map', 'data-layer': layer,
  'data-head': head, 'aria-pressed': 'false', 'aria-label': name(layer, head) },
smallMap(map, T), el('span', { class: 'head-score' }));

/** Part E's grid of heads. `session`: gpt1-session.js. */
export function createHeads(session) {
  const ui = { grid: $('gpt1-heads'), big: $('gpt1-head-big'), explain: $('gpt1-cell-explain'), prompt: $('gpt1-prompt'),
    score: $('gpt1-head-score'), top: $('gpt1-head-top'), topNote: $('gpt1-head-top-note') };
  let drawing = 0; // counts drawings: a newer one ends an older one
  let tokens = [];
  let total = 0; // the heads of the model drawn: layers × heads
  const maps = new Map(); // 'layer,head' → Float32Array
  const scores = new Map(); // 'layer,head' → { previous, first }, or null (a one-token prompt)

  function enlarge(layer, head) {
    const map = maps.get(`${layer},${head}`);
    if (!map) return;
    for (const button of ui.grid.querySelectorAll('button[aria-pressed="true"]')) button.setAttribute('aria-pressed', 'false');
    ui.grid.querySelector(`button[data-layer="${layer}"][data-head="${head}"]`)?.setAttribute('aria-pressed', 'true');
    ui.big.replaceChildren(attentionTable(tokens, map, `Attention weights of GPT-1, ${name(layer, head)}`, 'gpt1-head-table'));
    ui.explain.replaceChildren(readingHint());
  }

  /** Each map's score by the chosen measure, the highest TOP outlined, and those listed highest first. */
  function showScores() {
    const key = ui.score.value;
    const heads = [...scores].map(([at, s]) => ({ layer: Number(at.split(',')[0]), head: Number(at.split(',')[1]), scores: s }));
    const ranked = ranking(heads, key);
    const top = new Set(ranked.slice(0, TOP).map((h) => `${h.layer},${h.head}`));
    for (const button of ui.grid.querySelectorAll('button.head-map')) {
      const { layer, head } = button.dataset;
      const at = `${layer},${head}`;
      const score = scores.get(at)?.[key];
      button.querySelector('.head-score').textContent = score === undefined ? '–' : score.toFixed(2);
      button.classList.toggle('top', top.has(at));
      button.setAttribute('aria-label', `${name(Number(layer), Number(head))}: ${score === undefined ? 'no score'
        : `${score.toFixed(2)} on ${SCORES[key]}`}${top.has(at) ? `, one of the ${TOP} highest` : ''}`);
    }
    const drawn = heads.length === total ? `all ${total}` : `the ${heads.length} drawn so far`;
    ui.topNote.textContent = !heads.length ? ''
      : !ranked.length ? 'A prompt of one token gives no scores: every head\'s only weight is 1, on that token.'
        : `The ${TOP} heads with the most attention on ${SCORES[key]}, of ${drawn}:`;
    ui.top.replaceChildren(...ranked.slice(0, TOP).map(({ layer, head, score }) => el('li', {}, el('button', {
      type: 'button', class: 'head-rank', 'data-layer': layer, 'data-head': head, text: `${name(layer, head)}: ${score.toFixed(2)}` }))));
  }

  function empty() {
    ui.grid.replaceChildren();
    ui.big.replaceChildren();
    ui.explain.replaceChildren();
    ui.top.replaceChildren();
    ui.topNote.textContent = '';
    maps.clear();
    scores.clear();
  }

  async function draw() {
    const mine = ++drawing;
    const { layers, heads } = session.model ?? {};
    if (!layers) return;
    setError('gpt1-heads', '');
    empty();
    total = layers * heads;
    ui.grid.append(headNumbers(heads));
    try {
      for (let layer = 0; layer < layers; layer++) {
        const answer = await session.request('heads', { text: ui.prompt.value, layer });
        if (mine !== drawing) return;
        tokens = answer.tokens;
        const T = tokens.length;
        const row = el('div', { class: 'heads-row', role: 'group', 'aria-label': `Layer ${layer + 1}` },
          el('span', { class: 'hint', 'aria-hidden': 'true', text: String(layer + 1) }));
        for (let head = 0; head < heads; head++) {
          const map = answer.maps.subarray(head * T * T, (head + 1) * T * T);
          maps.set(`${layer},${head}`, map);
          scores.set(`${layer},${head}`, headScores(map, T));
          row.append(headButton(layer, head, map, T));
        }
        ui.grid.append(row);
        showScores();
        if (layer === 0) enlarge(0, 0);
      }
    } catch (error) {
      if (mine === drawing) setError('gpt1-heads', messageOf(error));
    }
  }

  for (const list of [ui.grid, ui.top]) {
    list.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-layer]');
      if (button) enlarge(Number(button.dataset.layer), Number(button.dataset.head));
    });
  }
  ui.score.addEventListener('change', showScores);
  explainAttention(ui.big, ui.explain, () => tokens);
  $('gpt1-run').addEventListener('click', () => draw());

  return {
    draw,
    clear() {
      drawing += 1;
      empty();
      setError('gpt1-heads', '');
    },
  };
}
