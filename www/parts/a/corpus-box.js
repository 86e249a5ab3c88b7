// The corpus box. Chromium spends 130–250 ms of its own on every keystroke in a textarea holding a 4 MB book, so a
// corpus longer than LONG characters is shown through a window: the box holds up to WINDOW characters of whole lines,
// the page keeps the lines before and after it, and the corpus is always before + box + after (`before` ends with
// the newline that joins it, `after` starts with one). An edit in the box changes only the window's lines; moving
// the window changes nothing.
import { grouped } from '../../state/numbers.js';

/** A corpus longer than this is windowed: up to here a keystroke costs Chromium under 16 ms (at 400,000: 16; 4 MB: 250). */
export const LONG = 200000;
const WINDOW = 100000; // the most characters the box holds (whole lines; one longer line is shown whole)

/** How many newlines `text` has in [from, to). */
function newlines(text, from = 0, to = text.length) {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/**
 * The window [start, end) of whole lines of `text` around the line holding character `at`: it grows backward to
 * `back` characters and forward to `ahead`, then, where it reached an end of the text, the other way to WINDOW.
 */
function span(text, at, back, ahead) {
  let start = at > 0 ? text.lastIndexOf('\n', at - 1) + 1 : 0;
  let end = text.indexOf('\n', at);
  if (end < 0) end = text.length;
  const backward = (limit) => {
    while (start > 0) {
      const previous = start > 1 ? text.lastIndexOf('\n', start - 2) + 1 : 0;
      if (end - previous > limit) return;
      start = previous;
    }
  };
  const forward = (limit) => {
    while (end < text.length) {
      let next = text.indexOf('\n', end + 1);
      if (next < 0) next = text.length;
      if (next - start > limit) return;
      end = next;
    }
  };
  backward(back);
  forward(ahead);
  if (end === text.length) backward(WINDOW);
  if (start === 0) forward(WINDOW);
  return [start, end];
}

/** The corpus textarea (`#corpus`) and its window controls, found through `ui` (the page's or a widget's). */
export function createCorpusBox(ui) {
  const { $ } = ui;
  const box = $('corpus');
  const status = $('corpus-window-status');
  const controls = $('corpus-window');
  const earlier = $('corpus-earlier');
  const later = $('corpus-later');
  const line = $('corpus-line');
  let before = '';
  let after = '';
  let first = 0; // lines before the window
  let rest = 0; // lines after it

  const value = () => before + box.value + after;

  /** Says which lines the box shows (nothing for a short corpus), and which ways the window can move. */
  function describe() {
    const windowed = Boolean(before || after) || box.value.length > LONG;
    const shown = newlines(box.value) + 1;
    const total = first + shown + rest;
    const size = value().length / 1e6;
    const text = windowed ? `Lines ${grouped(first + 1)}–${grouped(first + shown)} of ${grouped(total)} `
      + `(${size.toFixed(1)} million characters): the box shows only these lines, `
      + 'and edits change only them. Select all and delete removes these lines, not the rest of the corpus.' : '';
    if (status.textContent !== text) status.textContent = text; // a live region: said again only when it changes
    controls.hidden = !windowed;
    const focused = ui.focused();
    earlier.disabled = !before;
    later.disabled = !after;
    if (focused?.disabled) (focused === earlier ? later : earlier).focus(); // a disabled button would drop the focus
  }

  /**
   * Shows `text` with the window around character `at` (see `span`), or whole when it is short. Returns where `at` is
   * in the box.
   */
  function place(text, at, back = 0, ahead = WINDOW) {
    const [start, end] = text.length > LONG ? span(text, at, back, ahead) : [0, text.length];
    const shown = text.slice(start, end);
    before = text.slice(0, start);
    after = text.slice(end);
    first = newlines(before);
    rest = newlines(after);
    if (box.value !== shown) box.value = shown;
    describe();
    return at - start;
  }

  /** Moves the window; the corpus stays as it is. */
  const move = (at, back, ahead) => place(value(), at, back, ahead);

  earlier.addEventListener('click', () => {
    move(before.length - 1, WINDOW, 0); // the line before the window, and those before it
    box.setSelectionRange(box.value.length, box.value.length);
    box.scrollTop = box.scrollHeight;
  });
  later.addEventListener('click', () => {
    move(before.length + box.value.length + 1); // the line after the window, and those after it
    box.setSelectionRange(0, 0);
    box.scrollTop = 0;
  });
  $('corpus-goto').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = value();
    let at = 0; // the start of the wanted line (or of the last one)
    for (let n = 1, next; n < Number(line.value) && (next = text.indexOf('\n', at)) >= 0; n++) at = next + 1;
    const caret = place(text, at);
    box.setSelectionRange(caret, caret);
    box.blur(); // focusing again scrolls the caret's line into view
    box.focus();
  });

  return {
    /** The whole corpus after an edit in the box; a text that became long (a paste) is windowed around the caret. */
    edited() {
      const text = value();
      const windowed = Boolean(before || after);
      if (text.length > LONG ? box.value.length > LONG : windowed) {
        const caret = place(text, before.length + box.selectionEnd, WINDOW / 2);
        box.setSelectionRange(caret, caret);
      } else if (windowed) describe();
      return text;
    },
    /** Shows the state's corpus (on load, from a link or an attribute): the same text keeps its window and caret. */
    fill(text) {
      if (text !== value()) place(text, 0);
    },
    /** The text outside the box, for the paste guard's size check. */
    outside: () => before + after,
  };
}
