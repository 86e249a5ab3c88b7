// The step-through of GPT-1's merges for one word: its characters first, then one merge pass at a press of Next,
// back with Back, or every pass at once. The steps come from GPT-1's lane (its `merges` request); drawn here as a
// list that grows, the newest pass last and marked, and a status line that says which pass it is.
import { el, messageOf } from '../../drawing/dom.js';
import { newest } from '../../engine/engine.js';
import { mergeStepItem } from './gpt1-pieces.js';

/** The step-through in the panel's elements (`$`: the panel's lookups); `merges(word)` asks for a word's steps. */
export function createMergeSteps($, merges) {
  const box = $('gpt1-steps-box');
  const list = $('gpt1-steps');
  const status = $('gpt1-step-status');
  const buttons = { back: $('gpt1-step-back'), next: $('gpt1-step-next'), all: $('gpt1-step-all') };
  let word = null;
  let steps = [];
  let at = 0; // the last pass shown: 0 is the word's characters
  let waiting = false; // the steps of `word` were asked for and have not come
  const asked = newest(); // only the latest word's steps are drawn

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

  /** Starts stepping through `shownWord` from its characters, once its steps come. */
  function show(shownWord) {
    box.hidden = false;
    word = shownWord;
    waiting = true;
    $('gpt1-steps-title').textContent = `How GPT-1’s merges build “${shownWord}”, lowest rank first`;
    list.replaceChildren(); // (no steps of an earlier word under this title while its own are asked for)
    status.textContent = '';
    for (const button of Object.values(buttons)) button.disabled = true;
    asked(merges(shownWord)).then((answer) => {
      if (word !== shownWord) return; // hidden meanwhile
      waiting = false;
      steps = answer;
      move(0);
    }, (error) => {
      if (word !== shownWord) return;
      waiting = false;
      steps = [];
      list.replaceChildren(el('li', { class: 'error', text: messageOf(error) }));
      status.textContent = '';
      for (const button of Object.values(buttons)) button.disabled = true;
    });
  }

  return {
    /** The word being stepped through, or null. */
    get word() { return word; },
    show,
    /** Asks again for steps that never came (the lane restarted meanwhile). */
    retry() {
      if (waiting) show(word);
    },
    /** Hides the step-through: its word is no longer in the text. */
    hide() {
      word = null;
      waiting = false;
      steps = [];
      box.hidden = true;
      list.replaceChildren();
      status.textContent = '';
    },
  };
}
