// Part B's current task as texts: each sequence's label and the texts that go between the special tokens
// (`[START] a [EXTRACT]` or `[START] a [DELIM] b [EXTRACT]`). Part B's encoding, what GPT-1 itself is fed and
// Part E's task view all read the task this way, so their sequences come in one order under the same names.

/** Multiple choice's answers: one per non-empty line, trimmed. */
export const answerLines = (text) => text.split('\n').map((a) => a.trim()).filter(Boolean);

/** The sequences of the task in `state` (Part B's fields): `[{ label, texts }]`. */
export function taskTexts(state) {
  switch (state.task) {
    case 'entailment':
      return [{ label: 'One sequence: premise, then hypothesis', texts: [state.premise, state.hypothesis] }];
    case 'similarity':
      return [{ label: 'Order 1: text 1 first', texts: [state.similarityA, state.similarityB] },
        { label: 'Order 2: text 2 first', texts: [state.similarityB, state.similarityA] }];
    case 'multipleChoice':
      return answerLines(state.choiceAnswers).map((answer, i) => ({ label: `Choice ${i + 1}: ${answer}`,
        texts: [state.choiceContext, answer] }));
    default:
      return [{ label: 'One sequence', texts: [state.text] }];
  }
}
