// Types of www/component.js: importing it defines the <gpt1-playground> element.

/**
 * The sections a widget can show, in the order it shows them: Part A's corpus and settings with the vocabulary
 * (`model`), its tokens (`tokenizer`), smoothed matrix (`matrix`), generation (`generate`), step-through sampling
 * (`step`) and training/validation loss (`eval`); Part B (`encode`) and Part C (`loss`).
 */
export declare const SECTIONS: readonly ['model', 'tokenizer', 'matrix', 'generate', 'step', 'eval', 'encode', 'loss'];

/**
 * `<gpt1-playground corpus seed smoothing max-len sections>`: the playground's Parts A–C, the page's own panels, in
 * a shadow root. Each widget has its own state (nothing is saved) and model; a `gpt1-render` event follows every
 * model it draws.
 */
export declare class Gpt1Playground extends HTMLElement {
  static observedAttributes: string[];
  /** Applies every attribute again (replacing what was typed in those fields); resolves once applied. */
  update(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap { 'gpt1-playground': Gpt1Playground }
}
