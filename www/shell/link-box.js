// What the page says about the link it was opened with: the parts it ignored, and — when the link's corpus differs
// from the one saved in this browser — a question, answered with one of two buttons, before anything is replaced.
// (It imports nothing: main.js loads it on demand, and hands it the page's element lookups.)

const PREVIEW = 240; // characters of the link's corpus shown beside the question

export function createLinkBox({ ui: { $ }, use }) {
  const box = $('link-box');
  const notice = $('link-notice');
  const question = $('link-question');
  let offered = null; // the link's corpus, until the user chooses

  function update() {
    box.hidden = notice.hidden && question.hidden;
  }

  function answer(useLink) {
    const corpus = offered;
    offered = null;
    question.hidden = true;
    update();
    $('corpus').focus(); // the question is gone: focus goes where the answer shows
    if (useLink && corpus !== null) use(corpus);
  }
  $('use-link-corpus').addEventListener('click', () => answer(true));
  $('keep-saved-corpus').addEventListener('click', () => answer(false));
  question.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') answer(false); // Escape keeps what is saved, as the default does
  });

  return {
    /** Shows what `applyLink` found: ignored parts (a notice) and a corpus to ask about. */
    report({ problems, question: linkCorpus }) {
      notice.textContent = problems.length
        ? `Parts of this link were ignored, and your saved settings (or the lesson's) are used for them: ${problems.join('; ')}.`
        : '';
      notice.hidden = !problems.length;
      offered = linkCorpus;
      if (linkCorpus !== null) {
        const lines = linkCorpus.split('\n').length;
        $('link-question-text').textContent = `This link carries a different corpus (${linkCorpus.length.toLocaleString('en-US')} `
          + `characters, ${lines.toLocaleString('en-US')} line${lines === 1 ? '' : 's'}) from the one saved in this browser. `
          + 'Your saved corpus stays until you choose.';
        $('link-corpus-preview').textContent = linkCorpus.length > PREVIEW ? `${linkCorpus.slice(0, PREVIEW)}…` : linkCorpus;
      }
      question.hidden = linkCorpus === null;
      update();
    },
  };
}
