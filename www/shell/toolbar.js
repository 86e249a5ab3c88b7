// Page-wide controls: copy link, copy embed code, presentation mode and the keyboard shortcuts.
import { $ } from '../drawing/dom.js';
import { flush } from '../state/saving.js';
import { STORAGE_KEYS } from '../state/keys.js';
import { setupEmbedButton } from './embed.js';

const PRESENTATION_KEY = STORAGE_KEYS.presentation;

/** Copies text: the Clipboard API where allowed, else a selected hidden textarea and execCommand. */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = Object.assign(document.createElement('textarea'), { value: text, readOnly: true });
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** True when a key press belongs to a field the user is typing in. */
function typing(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest('textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
  return target instanceof HTMLInputElement && !['range', 'checkbox', 'radio', 'button', 'submit'].includes(target.type);
}

export function setupToolbar({ resample, step }) {
  const copyStatus = $('copy-status');
  let clearTimer = 0;
  $('copy-link').addEventListener('click', async () => {
    flush(); // the address must hold the latest edit
    const ok = await copyText(location.href);
    copyStatus.textContent = ok ? 'Copied' : 'Copy failed: select the address bar and copy it from there.';
    clearTimeout(clearTimer);
    clearTimer = setTimeout(() => { copyStatus.textContent = ''; }, 4000);
  });
  setupEmbedButton({ flush, copy: copyText });

  const toggle = $('presentation');
  function present(on) {
    document.documentElement.classList.toggle('presentation', on);
    toggle.setAttribute('aria-pressed', String(on));
    try { localStorage.setItem(PRESENTATION_KEY, on ? '1' : ''); } catch { /* storage unavailable */ }
  }
  let saved = '';
  try { saved = localStorage.getItem(PRESENTATION_KEY) ?? ''; } catch { /* storage unavailable */ }
  present(saved === '1');
  toggle.addEventListener('click', () => present(toggle.getAttribute('aria-pressed') !== 'true'));

  // R resample, S step, P presentation — never while typing, never with Ctrl/Alt/Meta
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.repeat || typing(e.target)) return;
    const action = { r: resample, s: step, p: () => toggle.click() }[e.key.toLowerCase()];
    if (!action) return;
    e.preventDefault();
    action();
  });
}
