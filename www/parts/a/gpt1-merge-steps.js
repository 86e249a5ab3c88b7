// The step-through of GPT-1's merges for one word: its characters first, then one merge pass at a press of Next,
// back with Back, or every pass at once. The steps come from the tokenizer (`merges(word)`); drawn here as a list
// that grows, the newest pass last and marked, and a status line that says which pass it is.
import { el, messageOf } from '../../drawing/dom.js';
import { mergeStepItem } from './gpt1-pieces.js';

/** The step-through in the panel's elements (`$`: the panel's lookups). */
export function createMergeSteps($) {
  const box = $('gpt1-steps-box');
  const list = $('gpt1-steps');
  const status = $('gpt1-step-status');
  const buttons = { back: $('gpt1-step-back'), next: $('gpt1-step-next'), all: $('gpt1-step-all') };
  let word = null;
  let steps = [];
  let at = 0; // the last pass shown: 0 is the word's characters

  function draw() {
    list.replaceChildren(...steps.slice(0, at + 1).map((step, i) => {
      const item = mergeStepItem(step);
      if (i === at && at > 0) item.classList.add('current');
      return item;
    }));
    buttons.back.disabled = at === 0;
    buttons.next.disabled = buttons.all.disabled = at === steps.length - 1;
    const passes = steps.length - 1;
    const step = steps[at];
    status.textContent = at === 0
      ? `The characters of “${word}”, the last marked </w>. ${passes ? `${passes} merge pass${passes === 1 ? '' : 'es'} to go: press Next merge.`
        : 'No merge applies: each character stays a piece.'}`
      : `Pass ${at} of ${passes}: ${step.pair.join(' + ')} is merge ${(step.rank + 1).toLocaleString('en-US')} of 40,000, `
        + `the lowest-ranked pair in the word now${at === passes ? '; no pair left has a merge, so these are its pieces.' : '.'}`;
  }

  function move(to) {
    at = Math.max(0, Math.min(steps.length - 1, to));
    draw();
    // a button that has just turned itself off hands the keyboard's focus to the one that still works
    const focused = box.getRootNode().activeElement;
    if (focused?.disabled && Object.values(buttons).includes(focused)) (at ? buttons.back : buttons.next).focus();
  }
  buttons.back.addEventListener('click', () => move(at - 1));
  buttons.next.addEventListener('click', () => move(at + 1));
  buttons.all.addEventListener('click', () => move(steps.length - 1));

  return {
    /** The word being stepped through, or null. */
    get word() { return word; },
    /** Starts stepping through `word` from its characters (`tokenizer`: GPT-1's). */
    show(tokenizer, shownWord) {
      box.hidden = false;
      word = shownWord;
      $('gpt1-steps-title').textContent = `How GPT-1’s merges build “${shownWord}”, lowest rank first`;
      try {
        steps = tokenizer.merges(shownWord);
        move(0);
      } catch (error) {
        steps = [];
        list.replaceChildren(el('li', { class: 'error', text: messageOf(error) }));
        status.textContent = '';
        for (const button of Object.values(buttons)) button.disabled = true;
      }
    },
    /** Hides the step-through: its word is no longer in the text. */
    hide() {
      word = null;
      steps = [];
      box.hidden = true;
      list.replaceChildren();
      status.textContent = '';
    },
  };
}
