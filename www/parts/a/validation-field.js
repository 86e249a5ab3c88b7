// Part A, evaluation: the validation text, typed, pasted or read from a file. It is part of the first load, the grid
// that scores it is not (eval-panel.js, loaded when its section is first in sight): a link's or the saved
// validation text shows at once, and what is typed before the grid arrives is kept.
import { guardPaste } from '../../state/limits.js';

const MAX_FILE_CHARS = 500000;

/** The validation text box (`#val`) and its file input (`#val-file`), found through `ui`: the page's or a widget's. */
export function createValidationField(ui, store) {
  const { $, setError } = ui;
  const textarea = $('val');
  const file = $('val-file');
  guardPaste(textarea, (message) => setError('val', message), 'the validation text');
  textarea.addEventListener('input', () => store.set({ validation: textarea.value }));
  // a local file, read in the browser: nothing is uploaded
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      const text = String(reader.result);
      if (text.length > MAX_FILE_CHARS) {
        setError('val-file', `${chosen.name} has ${text.length} characters; at most ${MAX_FILE_CHARS} fit in the link.`);
        return;
      }
      setError('val-file', '');
      textarea.value = text;
      store.set({ validation: text });
    });
    reader.addEventListener('error', () => setError('val-file', `Could not read ${chosen.name}: ${reader.error?.message ?? 'unknown error'}.`));
    reader.readAsText(chosen);
  });
  return {
    fill(state) { textarea.value = state.validation; },
  };
}
