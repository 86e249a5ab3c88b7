// The page's limits, checked before text goes anywhere (the model, the workers, the link, localStorage).
import { grouped } from './numbers.js';

/** The core refuses texts above this many bytes of UTF-8 (its TooLarge error); the page checks first. */
export const CORPUS_MAX_BYTES = 33554432;

let measured = { text: '', bytes: 0 };

/** Bytes of `text` in UTF-8, without encoding it (remembered for the last text: a long corpus is measured once). */
export function utf8Bytes(text) {
  if (text === measured.text) return measured.bytes;
  let bytes = text.length; // one byte per UTF-16 unit at least
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 units
      i += 1;
    } else bytes += 2; // 3 bytes (a lone surrogate becomes U+FFFD, also 3)
  }
  measured = { text, bytes };
  return bytes;
}

/** Whether a text certainly fits without measuring it: at most 3 bytes of UTF-8 per UTF-16 unit. */
const surelyFits = (length) => length <= CORPUS_MAX_BYTES / 3;

/**
 * The message for pasting (or dropping) `pasted` over the selection of a text field, when the result would be
 * above the limit; '' otherwise. A browser takes tens of seconds to lay out a text field holding 50 MB, so such a
 * paste is refused before it reaches the field (the field keeps the text it had). `outside` is the rest of the
 * text when the field shows only a window of it (the corpus box: www/corpus-box.js).
 */
export function pasteTooLarge(field, pasted, what = 'the corpus', outside = '') {
  const { value, selectionStart: start, selectionEnd: end } = field;
  const size = measure(outside.length + value.length - (end - start) + pasted.length, () => utf8Bytes(outside)
    + utf8Bytes(value.slice(0, start)) + utf8Bytes(pasted) + utf8Bytes(value.slice(end)));
  return size ? `That paste would make ${what} ${size}, above the limit of ${LIMIT_TEXT}, so it was not pasted: `
    + 'the box keeps your text as it was.' : '';
}

const LIMIT_TEXT = `${grouped(CORPUS_MAX_BYTES)} bytes (32 MiB)`;

/**
 * The size of a text of `length` UTF-16 units in words when it is above the limit, else ''. `bytes()` counts its
 * UTF-8 exactly, and is called only when the length alone cannot tell (a text longer than the limit has at least
 * as many bytes as units: no need to walk 50 MB to say so).
 */
function measure(length, bytes) {
  if (surelyFits(length)) return '';
  if (length > CORPUS_MAX_BYTES) return `${grouped(length)} characters long, at least ${grouped(length)} bytes of UTF-8`;
  const exact = bytes();
  return exact > CORPUS_MAX_BYTES ? `${grouped(exact)} bytes of UTF-8` : '';
}

/** Refuses, with `say(message)`, any paste or drop that would take `field` (with the text `outside()`) past the limit. */
export function guardPaste(field, say, what, outside = () => '') {
  const refuse = (event, text) => {
    const message = pasteTooLarge(field, text, what, outside());
    if (!message) return;
    event.preventDefault();
    say(message);
  };
  field.addEventListener('paste', (event) => refuse(event, event.clipboardData?.getData('text/plain') ?? ''));
  field.addEventListener('drop', (event) => refuse(event, event.dataTransfer?.getData('text/plain') ?? ''));
}

/** The inline message for a corpus the core would refuse, or '' when it fits. */
export function corpusTooLarge(text) {
  const size = measure(text.length, () => utf8Bytes(text));
  return size ? `The corpus is ${size}, above the limit of ${LIMIT_TEXT}. It stays in the box but is not counted, `
    + 'saved or put in the link; the page still shows the last model that worked.' : '';
}
