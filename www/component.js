// <gpt1-playground>: Parts A–C of the playground inside a shadow root — the page's own panels on the page's own
// markup. One script tag (or an import of 'gpt1-playground/component') defines it:
//   <gpt1-playground corpus="…" seed="42" smoothing="1" max-len="6" sections="model,matrix,generate">
// - The markup is index.html's, fetched once beside this module: each of its `data-section` elements is a section
//   a widget can show (SECTIONS). Sections not shown wait in a fragment of the widget, so every panel always finds
//   its elements, and a `sections` change only moves them.
// - The stylesheet is the page's, adopted into every shadow root; the host page's --gpt1-fg, --gpt1-bg,
//   --gpt1-accent, --gpt1-accent-fg, --gpt1-line and --gpt1-font set its colours and font (www/style.css).
// - Each widget has its own store, which saves nothing (no URL hash, no localStorage), and its own engine. Its
//   background workers (the page's: one counts a corpus of 20,000 characters or more, one computes the evaluation
//   grid) start only when first asked. The core wasm is fetched and compiled once for the page; the widgets'
//   workers get the compiled module. A browser starts no worker from another origin's URL: a widget loaded from
//   another site starts a blob: worker that imports it (transport.js), which the host's CSP must allow in worker-src;
//   where it does not, the widget shows why beside the corpus or the grid, and works otherwise.
// Left out: Part D (the tiny GPT), the page's toolbar (link, embed code, presentation) and its R/S/P keys.
import { CORE_WASM, PAGE, STYLE } from './assets/core.js';
import { Engine } from './engine/engine.js';
import { ngramLanes } from './kinds/ngram/kind.js';
import { DEFAULTS, createStore } from './state/store.js';
import { lookups, messageOf, readOnOpen } from './drawing/dom.js';
import { assembleLesson } from './parts/lesson.js';

/** The sections a widget can show, in the order it shows them (the page's). */
export const SECTIONS = Object.freeze(['model', 'tokenizer', 'matrix', 'generate', 'step', 'eval', 'encode', 'loss']);
/** Each attribute, and the key of the page's state it sets (absent: the page's default). */
const ATTRIBUTES = { corpus: 'corpus', seed: 'seed', smoothing: 'smoothing', 'max-len': 'maxLen' };

// what the page's body gives its parts; sized to its content
const HOST_CSS = `:host { display: block; color: var(--fg); background: var(--gpt1-bg, transparent); }
:host([hidden]) { display: none; }
.part:last-child { margin-bottom: 0; }`;

async function fetched(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.href} could not be loaded (HTTP ${response.status})`);
  return response;
}

/** The core, compiled once (compileStreaming needs the application/wasm type; a host sending another is slower). */
async function compile() {
  const response = await fetched(CORE_WASM);
  return /^application\/wasm\b/.test(response.headers.get('content-type') ?? '')
    ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

let shared = null;
/** What every widget of the page shares, loaded once: the compiled core, the page's markup and its stylesheets. */
function load() {
  shared ??= (async () => {
    const [module, html, css] = await Promise.all([compile(), fetched(PAGE).then((r) => r.text()),
      fetched(STYLE).then((r) => r.text())]);
    const page = new CSSStyleSheet(); // constructed, not a <style>: it works under a CSP without 'unsafe-inline'
    await page.replace(css);
    const host = new CSSStyleSheet();
    host.replaceSync(HOST_CSS);
    // the page's own file, parsed inertly (no script runs); widgets copy their sections from it
    return { module, markup: new DOMParser().parseFromString(html, 'text/html'), sheets: [page, host] };
  })();
  shared.catch(() => { shared = null; }); // the next widget tries again
  return shared;
}

/** The known names in `sections` (comma-separated, any case), or every section when none is known. */
function chosenSections(value) {
  const names = (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => SECTIONS.includes(s));
  return new Set(names.length ? names : SECTIONS);
}

/**
 * The widget's own copy of every section of `markup`: name → { node, card }, where `card` is the copy of the part
 * it sits in (Part A's card with its heading), or null when the section is a whole part (Parts B and C).
 */
function copySections(markup) {
  const cards = new Map();
  const sections = new Map();
  for (const name of SECTIONS) {
    const source = markup.querySelector(`[data-section="${name}"]`);
    if (!source) throw new Error(`the page (index.html) has no section “${name}”`);
    const part = source.closest('.part');
    if (part !== source && !cards.has(part)) {
      const card = document.importNode(part, false);
      card.append(...[...part.children].filter((c) => !c.hasAttribute('data-section')).map((c) => document.importNode(c, true)));
      cards.set(part, card);
    }
    sections.set(name, { node: document.importNode(source, true), card: cards.get(part) ?? null });
  }
  return sections;
}

export class Gpt1Playground extends HTMLElement {
  static observedAttributes = ['sections', ...Object.keys(ATTRIBUTES)];

  #ready = null; // the build, once started
  #widget = null; // once built: { engine, store, sections, offstage, later }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  connectedCallback() {
    if (!this.#ready) this.update().catch(() => {}); // a failure is shown in the widget
  }

  attributeChangedCallback(name, before, after) {
    if (!this.#widget || before === after) return; // before the build, update() reads them all
    if (name === 'sections') this.#show();
    else this.#widget.store.replace({ [ATTRIBUTES[name]]: after ?? DEFAULTS[ATTRIBUTES[name]] });
  }

  /**
   * Applies every attribute again (replacing what was typed in those fields); resolves once applied and, for a
   * corpus counted on the page thread, drawn (its requests answer within the task's microtasks).
   */
  update() {
    this.#ready ??= load().then((shared) => this.#build(shared)).catch((error) => {
      this.#ready = null;
      const message = document.createElement('p');
      message.setAttribute('role', 'alert');
      message.textContent = `The playground could not be loaded: ${messageOf(error)}`;
      this.shadowRoot.replaceChildren(message);
      throw error;
    });
    return this.#ready.then(() => {
      const state = {};
      for (const [name, key] of Object.entries(ATTRIBUTES)) state[key] = this.getAttribute(name) ?? DEFAULTS[key];
      const loading = this.#show();
      this.#widget.store.replace(state, Object.keys(this.#widget.store.state));
      return Promise.all(loading).then(() => new Promise((done) => { setTimeout(done); }));
    });
  }

  /** Makes the widget: its copy of the sections, its store and engine, and Parts A–C's panels (lesson.js). */
  async #build({ module, markup, sheets }) {
    this.shadowRoot.adoptedStyleSheets = sheets;
    const offstage = document.createDocumentFragment(); // the sections not shown
    const sections = copySections(markup);
    for (const { node } of sections.values()) offstage.append(node);
    const ui = lookups(this.shadowRoot, offstage);
    const store = createStore(DEFAULTS, () => {}); // saves nothing: the page's link and storage stay the page's
    readOnOpen(offstage, store);
    // lanes start at their first request: a widget whose corpus is small and whose evaluation is not shown never
    // starts a worker (one that cannot start rejects the request, and the panel says why)
    const engine = new Engine(ngramLanes(module));
    await engine.ready('page');
    // (GPT-1's tokenizer is not part of the widget's files: its buttons say it runs on the playground's page)
    const { stepper, evalPanel, encodePanel, lossPanel } = assembleLesson(ui, store, engine);
    store.subscribe((changed) => { if (changed.has('model')) this.dispatchEvent(new Event('gpt1-render')); });
    // what loads when its section is first shown
    const later = { step: stepper.load, eval: evalPanel, encode: encodePanel, loss: lossPanel };
    this.#widget = { engine, store, sections, offstage, later };
  }

  /**
   * Shows the chosen sections, in the page's order, and moves the others out of the shadow root. The sampler, the
   * evaluation grid and the outputs of Parts B and C (later-panels.js) load when their section is first shown: until
   * then no row of the matrix is outlined for a sampling nobody sees, and nothing is computed or drawn that nobody
   * sees. Returns their loads.
   */
  #show() {
    const widget = this.#widget;
    const chosen = chosenSections(this.getAttribute('sections'));
    const loading = [];
    for (const [name, load] of Object.entries(widget.later)) if (chosen.has(name)) loading.push(load());
    const shown = [];
    for (const name of SECTIONS) {
      const { node, card } = widget.sections.get(name);
      if (!chosen.has(name)) {
        widget.offstage.append(node);
        continue;
      }
      if (card && !shown.includes(card)) shown.push(card);
      if (card) card.append(node);
      else shown.push(node);
    }
    this.shadowRoot.replaceChildren(...shown);
    return loading;
  }
}

if (!customElements.get('gpt1-playground')) customElements.define('gpt1-playground', Gpt1Playground);
