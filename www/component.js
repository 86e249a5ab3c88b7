// <gpt1-playground>: a smaller playground for other pages, inside a shadow root. One script tag (or an import of
// 'gpt1-playground/component') defines it; the wasm core is loaded once for every widget on the page.
//   <gpt1-playground corpus="…" seed="42" smoothing="1" max-len="6" sections="model,generate,encode,loss">
// Sections: model (the vocabulary and the smoothed bigram matrix), generate (one seeded generation), encode (the
// classification input of the corpus's first line) and loss (the model's loss on its corpus and GPT-1's combined
// loss with λ = 0.5). It is not the full page: no step-through, no evaluation, no Part D. Styled by the custom
// properties --gpt1-fg, --gpt1-bg, --gpt1-accent, --gpt1-accent-fg, --gpt1-line, --gpt1-font.
import init, { NgramModel, generate, encode, loss, combinedLoss } from './pkg/gpt1_playground.js';

const ready = init(); // once per page, shared by every widget (the default path: the .wasm next to the glue)
const LESSON = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';
export const SECTIONS = ['model', 'generate', 'encode', 'loss'];

const CSS = `
:host { display: block; color: var(--gpt1-fg, #1b1b1f); background: var(--gpt1-bg, transparent);
  font-family: var(--gpt1-font, system-ui, sans-serif); }
:host([hidden]) { display: none; }
section { margin: 0 0 1rem; }
h3 { font-size: 1rem; margin: 0 0 0.4rem; }
.chips { display: flex; flex-wrap: wrap; gap: 0.3rem; list-style: none; margin: 0; padding: 0; }
.chip { border: 1px solid var(--gpt1-line, #c8c8d0); border-radius: 6px; padding: 0.1rem 0.4rem;
  font-family: ui-monospace, monospace; }
.special { background: var(--gpt1-accent, #3344cc); color: var(--gpt1-accent-fg, #fff); border-color: transparent; }
table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 0.85rem; }
th, td { border: 1px solid var(--gpt1-line, #c8c8d0); padding: 0.15rem 0.35rem; text-align: right; }
.error { color: #b3261e; }
`;
let sheet = null; // one constructed stylesheet for all widgets (no inline <style>: it works under a strict CSP)
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

const make = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};
const chips = (tokens, label) => {
  const list = make('ol', undefined, 'chips');
  list.setAttribute('aria-label', label);
  for (const token of tokens) list.append(make('li', token, /^\[[A-Z]+\]$/.test(token) ? 'chip special' : 'chip'));
  return list;
};
const section = (title, ...children) => {
  const node = make('section');
  node.setAttribute('aria-label', title);
  node.append(make('h3', title), ...children);
  return node;
};

export class Gpt1Playground extends HTMLElement {
  static observedAttributes = ['corpus', 'seed', 'smoothing', 'max-len', 'sections'];

  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).adoptedStyleSheets = [styles()];
    this.rendering = null;
  }

  connectedCallback() { this.update(); }
  attributeChangedCallback() { if (this.isConnected) this.update(); }

  /** Draws again after the attributes changed (several changes in one task draw once). */
  update() {
    this.rendering ??= ready.then(() => {
      this.rendering = null;
      this.render();
      this.dispatchEvent(new Event('gpt1-render'));
    });
    return this.rendering;
  }

  number(name, fallback) {
    const value = this.getAttribute(name);
    return value === null || value.trim() === '' ? fallback : Number(value);
  }

  render() {
    const corpus = this.getAttribute('corpus') ?? LESSON;
    const names = (this.getAttribute('sections') ?? '').split(',').map((s) => s.trim()).filter((s) => SECTIONS.includes(s));
    const shown = names.length ? names : SECTIONS;
    let model;
    try {
      model = new NgramModel(corpus, { smoothing: this.number('smoothing', 1) });
      const parts = shown.map((name) => this[name](model, corpus));
      this.shadowRoot.replaceChildren(...parts);
    } catch (error) {
      this.shadowRoot.replaceChildren(make('p', error.message, 'error'));
    } finally {
      model?.free();
    }
  }

  model(model) {
    const vocab = model.vocab;
    const table = make('table');
    table.setAttribute('aria-label', 'Smoothed bigram matrix');
    const head = make('tr');
    head.append(make('th', 'prev ↓ next →'), ...vocab.map((t) => make('th', t)));
    table.append(head);
    for (const prev of vocab) {
      if (prev === '[END]') continue;
      let probs;
      try { probs = model.row([prev]); } catch { continue; }
      const tr = make('tr');
      tr.append(make('th', prev), ...Array.from(probs, (p) => make('td', String(Number(p.toFixed(3))))));
      table.append(tr);
    }
    return section('Model', chips(vocab, 'Vocabulary'), table);
  }

  generate(model) {
    const tokens = generate(model, { seed: this.number('seed', 42), maxLen: this.number('max-len', 6) });
    return section('Generated', chips(tokens, 'Generated'));
  }

  encode(model, corpus) {
    const text = corpus.split('\n')[0];
    const [sequence] = encode(model, 'classification', { text });
    return section('Classification input', chips(sequence.tokens, 'Classification input'));
  }

  loss(model) {
    const lm = model.loss();
    const task = loss([0.72, 0.28], 0);
    return section('Combined loss',
      make('p', `L_lm = ${lm.toFixed(4)} (the model on its corpus), L_task = −ln 0.72 = ${task.toFixed(4)}`),
      make('p', `L = L_task + 0.5 · L_lm = ${combinedLoss(task, lm, 0.5).toFixed(4)}`));
  }
}

if (!customElements.get('gpt1-playground')) customElements.define('gpt1-playground', Gpt1Playground);
