// Part B's Figure 1, live: redrawn for the chosen task and the texts as typed, at the width the figure has. Loaded
// when Part B first comes into view (dom.js's onFirstSight, from main.js and component.js); it reads the page's
// store and draws with the page's svg(), both handed in, so the first load carries none of it.
import { figureLayout, drawFigure1, FIGURE_CSS } from './figure1.js';
import { adoptStyle } from '../../drawing/sheet.js';

const KEYS = ['task', 'text', 'premise', 'hypothesis', 'similarityA', 'similarityB', 'choiceContext', 'choiceAnswers'];

/** The figure's input from the page's state (the answers: one per non-empty line, as Part B encodes them). */
export const figureInput = (s) => ({ text: s.text, premise: s.premise, hypothesis: s.hypothesis, a: s.similarityA,
  b: s.similarityB, context: s.choiceContext, answers: s.choiceAnswers.split('\n').map((a) => a.trim()).filter(Boolean) });

/** Fills `figure` (an empty <figure>) and keeps it drawn for `store`'s task and texts. */
export function showFigure(figure, store, svg) {
  adoptStyle(figure.getRootNode(), FIGURE_CSS);
  const drawing = document.createElement('div');
  const caption = document.createElement('figcaption');
  figure.replaceChildren(drawing, caption);
  let width = 0;
  const draw = () => {
    const { state } = store;
    const layout = figureLayout(state.task, figureInput(state), width || 640);
    drawing.replaceChildren(drawFigure1(layout, svg, `${figure.id}-svg`));
    caption.textContent = layout.caption;
  };
  new ResizeObserver(([entry]) => {
    const now = Math.floor(entry.contentRect.width);
    if (now && now !== width) {
      width = now;
      draw();
    }
  }).observe(figure);
  store.subscribe((changed) => { if (KEYS.some((key) => changed.has(key))) draw(); });
  draw();
}
