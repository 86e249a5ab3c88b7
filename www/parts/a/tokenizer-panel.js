// Part A, tokens: a text split by the model's tokenizer, with ids; for BPE the merges in order and a rare word's pieces.
import { el, chip, shown } from '../../drawing/dom.js';
import { newest } from '../../engine/engine.js';
import { parseMerges, grouped } from '../../state/numbers.js';

const SETTLE_MS = 250; // see the subscription below
const MAX_MERGES_SHOWN = 2000; // a list longer than this is cut (the scroll box would hold tens of thousands)

export function createTokenizerPanel(ui, store) {
  const { $ } = ui; // this panel's elements: in the page, or in one widget's shadow root
  const input = $('segment-text');
  const list = $('segment-tokens');

  const ask = newest();

  function render() {
    const model = store.model;
    if (!model) return;
    ask(model.ask('tokenizerView', store.state.segmentText)).then((answer) => {
      if (store.model === model) draw(model, answer);
    }, () => {});
  }

  function draw(model, { tokens, rare }) {
    let unknown = 0;
    list.replaceChildren(...tokens.map(([token, id]) => {
      if (id >= 0) return chip(token, id);
      unknown += 1;
      const item = chip(token, '?');
      item.classList.add('unknown');
      item.querySelector('.tok').append(el('span', { class: 'visually-hidden', text: ' (unknown)' }));
      return item;
    }));
    const name = { word: 'words', char: 'characters', bpe: 'BPE pieces' }[model.tokenizer];
    $('segment-note').textContent = `${tokens.length} token${tokens.length === 1 ? '' : 's'} (${name}). `
      + (unknown ? `${unknown === 1 ? '1 never occurs' : `${unknown} never occur`} in the corpus (marked ?): `
        + `${unknown === 1 ? 'it has no id, so the model cannot use it' : 'they have no id, so the model cannot use them'}.`
        : 'Every one is in the vocabulary; the small number is its id (its index in the vocabulary).');
    showRareWord(model, rare);
    showMerges(model);
  }

  /** A word the model saw rarely or never, and what the current tokenizer makes of it. */
  function showRareWord(model, rare) {
    const slot = $('rare-word');
    if (!rare) return slot.replaceChildren();
    const { word, seen, known, pieces, allKnown, nextCounts } = rare;
    // (a word the text has and the corpus never does is not rare: it is new to the model)
    const lead = el('strong', { text: seen ? `A rare word: “${word}” occurs ${seen === 1 ? 'once' : `${seen} times`} in the corpus. `
      : `A word new to the corpus: “${word}” never occurs in it. ` });
    let text;
    if (model.tokenizer === 'word') {
      text = known ? 'The word tokenizer keeps it whole: one token, learnt from very few examples.'
        : 'The word tokenizer can only see it whole, and has no id for it. Choose bpe as Tokenizer to see it spelt '
          + 'from familiar pieces.';
    } else {
      text = `The ${model.tokenizer} tokenizer spells it as ${pieces.map(shown).join(' · ')}. `
        + (allKnown ? piecesSeen(pieces, nextCounts)
          : 'A piece marked ? is a character no line of the corpus has: the vocabulary holds every character of the '
            + 'corpus, so only those are unknown. GPT-1’s BPE, below, shows how GPT-1 spells the whole word.');
    }
    slot.replaceChildren(lead, text);
  }

  /** How often the corpus has each piece as a next token: what the model learnt of it beyond smoothing. */
  function piecesSeen(pieces, counts) {
    const listed = pieces.map((p, i) => `${shown(p)} ${grouped(counts[i])}`).join(', ');
    const unseen = counts.some((c) => c === 0);
    return `How often the corpus has each piece as a next token (its count in the piece’s column): ${listed}. `
      + (unseen ? 'A piece counted 0 occurs only inside longer pieces: the model knows it through smoothing alone.'
        : 'The model has counted every one of them.');
  }

  function showMerges(model) {
    const box = $('merges-box');
    box.hidden = model.tokenizer !== 'bpe';
    if (box.hidden) {
      $('merges-why').textContent = '';
      return $('merges-list').replaceChildren();
    }
    const merges = model.merges();
    const asked = parseMerges(store.state.merges).value;
    $('merges-count').textContent = `${grouped(merges.length)} merge${merges.length === 1 ? '' : 's'} learnt`
      + (merges.length > MAX_MERGES_SHOWN ? `; the first ${MAX_MERGES_SHOWN} are listed.` : '.');
    $('merges-why').textContent = asked > merges.length
      ? `Fewer than the ${grouped(asked)} asked for: after merge ${grouped(merges.length)} every word of the corpus is a `
        + 'single piece, so no pair of neighbouring pieces is left to merge.' : '';
    $('merges-list').replaceChildren(...merges.slice(0, MAX_MERGES_SHOWN).map(([left, right]) => el('li', {},
      el('code', { text: shown(left) }), ' + ', el('code', { text: shown(right) }), ' → ',
      el('code', { class: 'merged', text: shown(left + right) }))));
  }

  input.addEventListener('input', () => store.set({ segmentText: input.value }));
  // a model counted in the worker (a long corpus) is asked after typing pauses: its question walks every word of
  // the text (tens of milliseconds for a book) and would otherwise sit in the worker ahead of the next keystroke's count
  let timer = 0;
  store.subscribe((changed) => {
    if (!changed.has('model') && !changed.has('segmentText')) return;
    clearTimeout(timer);
    if (changed.has('model') && store.model?.lane === 'counter') timer = setTimeout(render, SETTLE_MS);
    else render();
  });

  return {
    fill(state) { input.value = state.segmentText; },
  };
}
