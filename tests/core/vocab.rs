//! The learnt BPE's vocabulary, built as GPT-1 built its own: every character of the corpus, alone and ending a word
//! (`</w>`), then one token per merge, in merge order. Worked out by hand on tiny corpora, then the lesson's corpus as the page shows it.

use crate::util::LESSON;
use gpt1_playground::encode::{TaskInput, encode};
use gpt1_playground::ngram::{ModelOptions, TokenizerKind};
use gpt1_playground::tokens::{Boundaries, Tokenizer};
use gpt1_playground::{Error, NgramModel};

fn bpe(corpus: &str, merges: usize, boundaries: Boundaries, k: f64) -> NgramModel {
    let options = ModelOptions {
        smoothing: k,
        tokenizer: TokenizerKind::Bpe,
        merges: Some(merges),
        boundaries,
        ..ModelOptions::default()
    };
    NgramModel::with_options(corpus, &options).unwrap()
}

#[test]
fn tiny_corpus_by_hand() {
    // words "ab" ×2, "abc" ×1, spelt a b</w> and a b c</w>; the base symbols are the characters in order of first
    // appearance, then each of them ending a word. Merges: (a, b</w>) ×2, then (a, b) and (b, c</w>) once each:
    // a < b, so (a, b) first, then (ab, c</w>)
    let model = bpe("ab ab abc", 10, Boundaries::Lines, 1.0);
    let base = ["a", "b", "c", "a</w>", "b</w>", "c</w>"];
    let mut want: Vec<&str> = base.to_vec();
    want.extend(["ab</w>", "ab", "abc</w>", "[START]", "[END]"]);
    assert_eq!(model.vocab().tokens(), want);
    // the sentence is [START] ab</w> ab</w> abc</w> [END]: the base symbols are never a next token, yet each keeps
    // a column, and smoothing gives it (0 + 1) / (1 + 1·11)
    let start = model.row_for(&["[START]".to_string()]).unwrap();
    assert_eq!(start[0], 1. / 12., "P(a | [START])");
    assert_eq!(start[6], 2. / 12., "P(ab</w> | [START])");
    assert_eq!(model.next_totals()[..6], [0.; 6], "the characters are swallowed by the merges");
    // a word of the corpus's characters is never unknown: c, then (a, b</w>)
    assert_eq!(model.token_ids("cab").unwrap(), [vec![9, 2, 6, 10]]);
    // k = 0: the unused pieces get nothing
    let hard = bpe("ab ab abc", 10, Boundaries::Lines, 0.0);
    assert_eq!(hard.row_for(&["[START]".to_string()]).unwrap()[..7], [0., 0., 0., 0., 0., 0., 1.]);
}

#[test]
fn fewer_merges_and_stream_mode() {
    // one merge: the characters alone and ending a word, then "ab</w>"
    assert_eq!(
        bpe("ab ab abc", 1, Boundaries::Lines, 1.0).vocab().tokens(),
        ["a", "b", "c", "a</w>", "b</w>", "c</w>", "ab</w>", "[START]", "[END]"]
    );
    // no merge: the characters alone and ending a word
    assert_eq!(
        bpe("ba ab", 0, Boundaries::Lines, 1.0).vocab().tokens(),
        ["b", "a", "b</w>", "a</w>", "[START]", "[END]"]
    );
    // stream mode: the newline is the stream's own token, not BPE's: it follows the merges
    assert_eq!(
        bpe("ab\nab b", 1, Boundaries::Stream, 1.0).vocab().tokens(),
        ["a", "b", "a</w>", "b</w>", "ab</w>", "\n"]
    );
    // a stream of one line has no newline token
    assert_eq!(bpe("ab ab", 1, Boundaries::Stream, 1.0).vocab().tokens(), ["a", "b", "a</w>", "b</w>", "ab</w>"]);
}

#[test]
fn special_names_stay_special() {
    // the 4th merge spells "[END]" at the start of "[END]a" (D,] then E,N then EN,D] then [,END]); later merges
    // join it to a</w> and b</w>, so the corpus never uses it as a token. The special token takes that id: one
    // [END], and every sentence ends with it
    let model = bpe("[END]a\n[END]b", 10, Boundaries::Lines, 1.0);
    let Tokenizer::Bpe(learnt) = model.tokenizer() else { unreachable!() };
    assert_eq!(learnt.merged_symbols()[..4], ["D]", "EN", "END]", "[END]"]);
    let tokens = model.vocab().tokens();
    assert_eq!(tokens.iter().filter(|t| *t == "[END]").count(), 1);
    let end = model.vocab().id("[END]").unwrap();
    assert_eq!(model.token_ids("[END]a").unwrap()[0].last(), Some(&end));
    assert_eq!(model.next_totals()[end as usize], 2.0, "both sentences end");
    // a corpus whose segmentation yields a special name as a token still fails, naming it: with four merges,
    // "[END]" is the piece before a</w>
    let options =
        |merges| ModelOptions { tokenizer: TokenizerKind::Bpe, merges: Some(merges), ..ModelOptions::default() };
    let err = NgramModel::with_options("[END]a\n[END]b", &options(4)).unwrap_err();
    assert!(matches!(err, Error::ReservedToken { .. }), "{err}");
    // a whole word "[END]" ends in </w>: the piece "[END]</w>" is not the special token
    let word = NgramModel::with_options("[END]\n[END]", &options(10)).unwrap();
    assert!(word.vocab().tokens().iter().any(|t| t == "[END]</w>"));
    // whitespace alone is still an empty corpus
    let err = NgramModel::with_options("  \n ", &options(10)).unwrap_err();
    assert!(matches!(err, Error::EmptyCorpus), "{err}");
}

#[test]
fn the_lessons_corpus() {
    let model = bpe(LESSON, 100, Boundaries::Lines, 1.0);
    let Tokenizer::Bpe(learnt) = model.tokenizer() else { unreachable!() };
    // the characters of "chai bahut garam hai" in order of first appearance (the other lines add none), then
    // each of them ending a word
    let characters = ["c", "h", "a", "i", "b", "u", "t", "g", "r", "m"];
    let base: Vec<String> =
        characters.iter().map(|c| c.to_string()).chain(characters.iter().map(|c| format!("{c}</w>"))).collect();
    assert_eq!(learnt.base_symbols(), base);
    // (c,h), (h,a) and (a,i</w>) occur 5 times each (chai ×3 with acha ×2 or hai ×2): a < c < h, so (a,i</w>)
    // first; then (c,h) 5; then (ch,ai</w>) 3
    let pair = |l: &str, r: &str| (l.to_string(), r.to_string());
    assert_eq!(learnt.merges()[..3], [pair("a", "i</w>"), pair("c", "h"), pair("ch", "ai</w>")]);
    let merged: Vec<String> = learnt.merges().iter().map(|(l, r)| format!("{l}{r}")).collect();
    // learning stops when every word of the corpus is one piece: fewer than 100 merges exist
    assert_eq!(merged.len(), 14);
    for word in ["chai", "bahut", "garam", "hai", "acha"] {
        assert_eq!(learnt.segment(word), [format!("{word}</w>")], "{word} is one piece");
    }
    let mut want = base.clone();
    want.extend(merged);
    want.extend(["[START]".to_string(), "[END]".to_string()]);
    assert_eq!(model.vocab().tokens(), want);

    // a word is spelt the same at the start of a line and after a space
    assert_eq!(learnt.segment("garam chai"), ["garam</w>", "chai</w>"]);
    assert_eq!(learnt.segment("chai garam"), ["chai</w>", "garam</w>"]);

    // "chaiwala": c·h is the only merge that applies inside a word (chai</w> is a whole word); w and l were never
    // in the corpus, and the word ends with a</w>
    let pieces = learnt.segment("chaiwala chai garam hai");
    assert_eq!(pieces, ["ch", "a", "i", "w", "a", "l", "a</w>", "chai</w>", "garam</w>", "hai</w>"]);
    let unknown: Vec<&str> = pieces.iter().map(|p| p.as_ref()).filter(|p| model.vocab().id(p).is_none()).collect();
    assert_eq!(unknown, ["w", "l"]);
    // a character never seen keeps </w> when it ends a word
    assert_eq!(learnt.segment("chaix"), ["ch", "a", "i", "x</w>"]);

    // Part B: a new word spelt with the corpus's letters is encoded
    let encoded = encode(&model, &TaskInput::Classification { text: "chaat".into() }).unwrap();
    assert_eq!(encoded[0].tokens, ["[START]", "ch", "a", "a", "t</w>", "[EXTRACT]"]);
    let v = model.vocab().len() as u32;
    let id = |t: &str| model.vocab().id(t).unwrap();
    assert_eq!(encoded[0].ids, [id("[START]"), id("ch"), 2, 2, 16, v]);
    // "chaiwala" is still refused, and the message names w
    let err = encode(&model, &TaskInput::Classification { text: "chaiwala".into() }).unwrap_err();
    assert!(err.to_string().contains("\"w\""), "{err}");
}

#[cfg(feature = "gpt")]
#[test]
fn the_tiny_gpt_numbers_tokens_the_same_way() {
    use gpt1_playground::gpt::train::data::Corpus;
    for boundaries in [Boundaries::Lines, Boundaries::Stream] {
        let corpus = Corpus::new(LESSON, TokenizerKind::Bpe, Some(6), boundaries).unwrap();
        assert_eq!(corpus.vocab.tokens(), bpe(LESSON, 6, boundaries, 1.0).vocab().tokens(), "{boundaries:?}");
    }
}
