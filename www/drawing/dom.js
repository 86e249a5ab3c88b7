// Small DOM helpers. All text goes through textContent: user data is never parsed as HTML.
import { adoptStyle } from './sheet.js';

/** Creates an element with attributes/properties and children (strings become text nodes). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('aria-') || key.startsWith('data-') || key === 'role' || key === 'tabindex') {
      node.setAttribute(key, value === true ? 'true' : String(value));
    } else node[key] = value;
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
/** Creates an SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children.flat(Infinity).filter(Boolean));
  return node;
}

/** The page's element with this id. Panels use the lookups of their root instead (`lookups`). */
export const $ = (id) => document.getElementById(id);

/**
 * Element lookups for a panel: in the page's document, or in a widget's shadow root and the fragment that holds its
 * sections not shown (`roots` are searched in order; ids are unique within a widget). The first root is the one
 * that has the focus.
 */
export function lookups(...roots) {
  const [shown] = roots;
  const find = (id) => {
    for (const root of roots) {
      const found = root.getElementById(id);
      if (found) return found;
    }
    return null;
  };
  return {
    $: find,
    all: (selector) => roots.flatMap((root) => [...root.querySelectorAll(selector)]),
    /** The focused element inside the first root (null, or the body of a page, when none is). */
    focused: () => shown.activeElement,
    setError: (id, message) => showError(find(id), find(`${id}-error`), message),
    /** Adopts a stylesheet of a module loaded on demand where its elements are shown, even while they are not. */
    adopt: (css) => adoptStyle(shown, css),
  };
}

export const SPECIAL = new Set(['[START]', '[END]', '[EXTRACT]', '[DELIM]', '_start_', '_delimiter_', '_classify_']);

/** A token as the page prints it: a line break as ↵ and a space as ␣, so char tokens stay visible (BPE pieces hold
 * no space: they mark a word's end with </w>). */
export const shown = (token) => token.replace(/\n/g, '↵').replace(/ /g, '␣');

/** A token as a word of running text (a sample's): special tokens look different. */
export const tokenText = (token) => el('span', { class: SPECIAL.has(token) ? 'tok special' : 'tok', text: shown(token) });

/** A token chip: the word, and its id when given; special tokens look different. */
export function chip(token, id) {
  const li = el('li', { class: SPECIAL.has(token) ? 'chip special' : 'chip' }, el('span', { class: 'tok', text: shown(token) }));
  if (id !== undefined) {
    li.append(el('span', { class: 'visually-hidden', text: ', id ' }), el('span', { class: 'id', text: String(id) }));
  }
  return li;
}

/** Replaces a list's children with chips for `tokens` (and their `ids`). */
export function fillChips(list, tokens, ids) {
  list.replaceChildren(...tokens.map((t, i) => chip(t, ids ? ids[i] : undefined)));
}

/** Shows (or clears, with a falsy message) the inline error of the page's control with this id. */
export const setError = (id, message) => showError($(id), $(`${id}-error`), message);

/** Shows (or clears) an error in `slot` and marks `control` invalid (either may be null). */
function showError(control, slot, message) {
  if (slot) {
    slot.textContent = message || '';
    slot.hidden = !message;
  }
  if (control) {
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}

/** The message of anything thrown, in plain words. */
export const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/**
 * Fills each <details data-reading> under `root` when first opened: the numpy (written for `store`'s state), the
 * answers to "why" questions and the glossary are text the first load does without (shell/reading.js).
 */
export function readOnOpen(root, store) {
  for (const details of root.querySelectorAll('details[data-reading]')) {
    details.addEventListener('toggle', () => import('../shell/reading.js').then((reading) => reading.fill(details, store),
      (error) => details.append(messageOf(error))), { once: true });
  }
}

/** Calls `then` once, when `element` first comes near the viewport: for what the first load does without. */
export function onFirstSight(element, then) {
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    seen.disconnect();
    then();
  }, { rootMargin: '300px' });
  seen.observe(element);
}
