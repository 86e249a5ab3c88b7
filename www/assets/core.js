// The files the page's first load and the web component name, each written once in the form browsers and bundlers
// (esbuild, Vite) understand. The static build and the single file hand the bundler their own version of this module
// (scripts/assets.mjs: the content-hashed copies, or the single file's Blob URLs); no source is rewritten.

export const CORE_WASM = new URL('../pkg/gpt1_playground_bg.wasm', import.meta.url);
/** The core's glue again: a fresh wasm instance after a trap imports it as a module of its own. */
export const CORE_GLUE = new URL('../pkg/gpt1_playground.js', import.meta.url);
export const STYLE = new URL('../style.css', import.meta.url);
export const PAGE = new URL('../../index.html', import.meta.url);
/** Whether requests may run in workers (file:// starts none: the single file runs every lane on the page thread). */
export const WORKERS = true;
