// Part E, every head of GPT-1 at once: a grid of small maps (a row per layer, a column per head), each one head's
// attention over the prompt, asked layer by layer so the first rows appear while the rest are worked out. Pressing
// a map shows it large as the page's attention heatmap, whose cells explain themselves (attention-map.js).
import { $, el, setError, messageOf } from '../../drawing/dom.js';
import { rgbFor } from '../../drawing/colour.js';
import { attentionTable, explainAttention, readingHint } from '../../drawing/attention-map.js';

const PIXELS = 4; // canvas pixels per cell of a small map

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

/** Part E's grid of heads. `session`: gpt1-session.js. */
export function createHeads(session) {
  const ui = { grid: $('gpt1-heads'), big: $('gpt1-head-big'), explain: $('gpt1-cell-explain'), prompt: $('gpt1-prompt') };
  let drawing = 0; // counts drawings: a newer one ends an older one
  let tokens = [];
  const maps = new Map(); // 'layer,head' → Float32Array

  function enlarge(layer, head) {
    const map = maps.get(`${layer},${head}`);
    if (!map) return;
    for (const button of ui.grid.querySelectorAll('button[aria-pressed="true"]')) button.setAttribute('aria-pressed', 'false');
    ui.grid.querySelector(`button[data-layer="${layer}"][data-head="${head}"]`)?.setAttribute('aria-pressed', 'true');
    ui.big.replaceChildren(attentionTable(tokens, map, `Attention weights of GPT-1, layer ${layer + 1}, head ${head + 1}`, 'gpt1-head-table'));
    ui.explain.replaceChildren(readingHint());
  }

  async function draw() {
    const mine = ++drawing;
    const { layers, heads } = session.model ?? {};
    if (!layers) return;
    setError('gpt1-heads', '');
    ui.grid.replaceChildren();
    ui.big.replaceChildren();
    ui.explain.replaceChildren();
    maps.clear();
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
          row.append(el('button', { type: 'button', class: 'head-map', 'data-layer': layer, 'data-head': head,
            'aria-pressed': 'false', 'aria-label': `layer ${layer + 1}, head ${head + 1}` }, smallMap(map, T)));
        }
        ui.grid.append(row);
        if (layer === 0) enlarge(0, 0);
      }
    } catch (error) {
      if (mine === drawing) setError('gpt1-heads', messageOf(error));
    }
  }

  ui.grid.addEventListener('click', (event) => {
    const button = event.target.closest('button.head-map');
    if (button) enlarge(Number(button.dataset.layer), Number(button.dataset.head));
  });
  explainAttention(ui.big, ui.explain, () => tokens);
  $('gpt1-run').addEventListener('click', () => draw());

  return {
    draw,
    clear() {
      drawing += 1;
      ui.grid.replaceChildren();
      ui.big.replaceChildren();
      ui.explain.replaceChildren();
      maps.clear();
      setError('gpt1-heads', '');
    },
  };
}
