// Regions that scroll sideways (the matrix, the loss tables, the attention tables) say so: each is a named,
// focusable region (so a keyboard can scroll it and a screen reader hears that it does), and while its content is
// wider than it, the edge with more to see fades out (style.css, [data-overflow]). Self-contained: it watches the
// regions and their content, and needs nothing from the panels that fill them. Loaded once the page is drawn.
import { adoptStyle } from '../drawing/sheet.js';

const CSS = `[data-overflow="right"] { mask-image: linear-gradient(to left, transparent, #000 2.5rem); }
[data-overflow="left"] { mask-image: linear-gradient(to right, transparent, #000 2.5rem); }
[data-overflow="both"] { mask-image: linear-gradient(to right, transparent, #000 2.5rem, #000 calc(100% - 2.5rem), transparent); }
[data-overflow="right"]::before {
  content: "Scroll sideways for more →"; display: block; position: sticky; left: 0; font-size: 0.8rem; color: var(--muted);
}`;

/** The page's sideways-scrolling regions. */
export const SCROLLERS = '.matrix-wrap, .table-wrap, .step-view, .canvas-scroll, .matrix-table-alt';

/** Which edges of `el` hide content: 'none', 'left', 'right' or 'both' (a pixel of rounding is not overflow). */
export function overflowOf({ scrollLeft, scrollWidth, clientWidth }) {
  const left = scrollLeft > 1;
  const right = scrollLeft + clientWidth < scrollWidth - 1;
  return left && right ? 'both' : left ? 'left' : right ? 'right' : 'none';
}

const watched = new WeakSet(); // every region marked so far, whichever call marked it

/**
 * Marks every region matching `selector` under `root` (a Document or a ShadowRoot) that is not marked yet: a name
 * from its aria-label, tabindex 0, and data-overflow kept up to date on resize, scroll and content change. Called
 * again once a lab has made its controls, it marks only the lab's new regions.
 */
export function markScrollable(root, selector = SCROLLERS) {
  adoptStyle(root, CSS);
  const update = (el) => {
    const overflow = overflowOf(el);
    if (el.dataset.overflow !== overflow) el.dataset.overflow = overflow;
  };
  const resized = new ResizeObserver((entries) => { for (const entry of entries) update(entry.target.closest(selector) ?? entry.target); });
  const watch = (el) => {
    if (watched.has(el)) return;
    watched.add(el);
    if (!el.hasAttribute('role')) el.setAttribute('role', 'region');
    if (!el.hasAttribute('tabindex')) el.tabIndex = 0;
    if (!el.hasAttribute('aria-label') && !el.hasAttribute('aria-labelledby')) el.setAttribute('aria-label', 'Scrolls sideways on small screens');
    el.addEventListener('scroll', () => update(el), { passive: true });
    resized.observe(el);
    new MutationObserver(() => {
      // the content was replaced: watch its new first child's size too
      if (el.firstElementChild) resized.observe(el.firstElementChild);
      update(el);
    }).observe(el, { childList: true, subtree: true });
    if (el.firstElementChild) resized.observe(el.firstElementChild);
    update(el);
  };
  for (const el of root.querySelectorAll(selector)) watch(el);
  return { watch, update };
}
