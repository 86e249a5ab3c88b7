// Iframe mode. With `?embed` in the address the page shows only the sections named by `sections=` (all four parts
// when absent), without the site's header and footer, and tells the page that frames it its height on every change
// (postMessage { type: 'gpt1-playground:height', height }) so the iframe can size itself to its content. Without
// `?embed` it only offers the embed code: a Copy embed code button in the toolbar.

/** The names `sections=` accepts, each the id of one part of the page. */
export const SECTIONS = { model: 'part-a', encode: 'part-b', loss: 'part-c', gpt: 'part-d', gpt1: 'part-e' };
/** What the copied embed code shows. */
export const DEFAULT_SECTIONS = ['model', 'encode', 'loss'];
export const HEIGHT_MESSAGE = 'gpt1-playground:height';

const params = new URLSearchParams(location.search);
export const embedded = params.has('embed');

/** The known section names in `sections=` (comma-separated, in any case), or every section when none is known. */
export function chosenSections(value) {
  const names = (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s in SECTIONS);
  return names.length ? new Set(names) : new Set(Object.keys(SECTIONS));
}

/** Hides the site chrome and the unchosen sections; reports the content's height to the parent as it changes. */
function embed() {
  document.documentElement.classList.add('embed');
  const chosen = chosenSections(params.get('sections'));
  for (const [name, id] of Object.entries(SECTIONS)) document.getElementById(id).hidden = !chosen.has(name);
  if (window.parent === window) return; // opened on its own: nobody to tell
  let last = -1;
  const report = () => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // only a height: any page may frame the playground and read it
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  };
  new ResizeObserver(report).observe(document.body);
  report();
}

/**
 * The toolbar's Copy embed code: shows the code in a read-only field and copies it. `flush()` first writes the latest
 * edit into the address (whose hash the code keeps); `copy(text)` resolves to whether the copy worked.
 */
export function setupEmbedButton({ flush, copy }) {
  const button = document.getElementById('copy-embed');
  const box = document.getElementById('embed-box');
  const code = document.getElementById('embed-code');
  const status = document.getElementById('embed-status');
  button.addEventListener('click', async () => {
    flush();
    // the code's template (embed-code.js) loads at the first press: most visits never ask for it
    const { embedCode } = await import('./embed-code.js');
    code.value = embedCode(location.href, DEFAULT_SECTIONS, HEIGHT_MESSAGE); // the current state travels in the hash
    box.hidden = false;
    code.select();
    status.textContent = (await copy(code.value)) ? 'Copied.' : 'Select the code above and copy it.';
  });
}

if (embedded) embed();
