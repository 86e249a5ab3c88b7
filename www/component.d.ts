// Types of www/component.js: importing it defines the <gpt1-playground> element.

/** The sections a widget can show, in the order it shows them. */
export declare const SECTIONS: readonly ['model', 'generate', 'encode', 'loss'];

/** `<gpt1-playground corpus seed smoothing max-len sections>`: a smaller playground in a shadow root. */
export declare class Gpt1Playground extends HTMLElement {
  static observedAttributes: string[];
  /** Draws again from the current attributes; resolves once drawn (a `gpt1-render` event follows). */
  update(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap { 'gpt1-playground': Gpt1Playground }
}
