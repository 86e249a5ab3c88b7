// The labs' controls as the page's markup writes them, made when a lab first opens (Parts D and E) so that the first
// load carries none of them: a field is a label, its control, an optional hint and an inline error slot, tied
// together by ids (`<id>-hint`, `<id>-error`) and aria-describedby. Text only through dom.js's el().
import { el } from './dom.js';

/** A text input that the browser neither completes nor spell-checks. */
export function textInput(props) {
  const input = el('input', { type: 'text', autocomplete: 'off', ...props });
  input.setAttribute('spellcheck', 'false');
  return input;
}

/** The ids a field's control is described by: its hint (when it has one) and, when `error`, its error slot. */
const describedBy = (id, hint, error = true) => [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || null;

const hintOf = (id, hint) => hint && el('p', { class: 'hint', id: `${id}-hint`, text: hint });
const errorSlot = (id) => el('p', { class: 'error', id: `${id}-error`, hidden: true });

/**
 * A labelled text field with an error slot: `id`, its label, an optional `hint`, `wide` (spans two columns),
 * `className` (the field's own class beside `field`) and the input's other attributes.
 */
export function field(id, label, { hint, wide, className, ...input } = {}) {
  return el('div', { class: ['field', wide && 'gpt-line-field', className].filter(Boolean).join(' ') },
    el('label', { htmlFor: id, text: label }),
    textInput({ id, 'aria-describedby': describedBy(id, hint), ...input }),
    hintOf(id, hint),
    errorSlot(id));
}

/** A labelled menu: `id`, its label, its `options` ([value, text] pairs), an optional `hint` and the field's class. */
export function menu(id, label, options = [], { hint, className } = {}) {
  return el('div', { class: ['field', className].filter(Boolean).join(' ') },
    el('label', { htmlFor: id, text: label }),
    el('select', { id, 'aria-describedby': describedBy(id, hint, false) },
      options.map(([value, text]) => el('option', { value, text }))),
    hintOf(id, hint));
}

/** A fieldset of radio buttons named `name`: `options` are [value, label] pairs; `extra` follows each given value. */
export function radios(name, legend, options, extra = {}) {
  return el('fieldset', {}, el('legend', { text: legend }),
    options.map(([value, text]) => [el('label', {}, el('input', { type: 'radio', name, value }), ` ${text}`), extra[value]]));
}

/** A plain button. */
export const button = (id, text, props = {}) => el('button', { type: 'button', id, text, ...props });
/** A heading of `level` ('h3', 'h4'). */
export const heading = (level, text, props = {}) => el(level, { text, ...props });
/** The page's explaining text: a paragraph in a `.explain` box. */
export const explain = (...text) => el('div', { class: 'explain' }, el('p', {}, ...text));
/** Code in running text. */
export const code = (text) => el('code', { text });
/** A subscript (W<sub>y</sub>). */
export const sub = (text) => el('sub', { text });
