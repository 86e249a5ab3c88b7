// The stylesheet of a module loaded on demand (the numpy and glossary text, the scroll hints, Figure 1): adopted by
// the document or the widget's shadow root it draws into, so the page's first stylesheet carries none of it.
// Constructed, not a <style>: it works under the page's CSP, which allows no inline style.
const sheets = new Map(); // css text → its CSSStyleSheet

/** Adds `css` to `root` (a Document or a ShadowRoot) once. */
export function adoptStyle(root, css) {
  let sheet = sheets.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
