//! The learnt BPE's vocabulary, built as GPT-1 built its own: every base symbol of the corpus, then one token per
//! merge, in merge order. Worked out by hand on tiny corpora, then the lesson's corpus as the page shows it.

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
    // chunks "ab", " ab", " abc"; characters in order of first appearance: a, b, " ", c;
    // merges (a,b) ×3, (" ",ab) ×2, (" ab",c) ×1
    let model = bpe("ab ab abc", 10, Boundaries::Lines, 1.0);
    assert_eq!(model.vocab().tokens(), ["a", "b", " ", "c", "ab", " ab", " abc", "[START]", "[END]"]);
    // the sentence is [START] ab " ab" " abc" [END]: the base symbols are never a next token, yet each keeps a
    // column, and smoothing gives it (0 + 1) / (1 + 1·9)
    let start = model.row_for(&["[START]".to_string()]).unwrap();
    assert_eq!(start[0], 1. / 10., "P(a | [START])");
    assert_eq!(start[4], 2. / 10., "P(ab | [START])");
    assert_eq!(model.next_totals()[..4], [0., 0., 0., 0.], "a, b, space and c are swallowed by the merges");
    // a word of the corpus's characters is never unknown
    assert_eq!(model.token_ids("cab").unwrap(), [vec![7, 3, 4, 8]]);
    // k = 0: the unused pieces get nothing
    let hard = bpe("ab ab abc", 10, Boundaries::Lines, 0.0);
    assert_eq!(hard.row_for(&["[START]".to_string()]).unwrap()[..5], [0., 0., 0., 0., 1.]);
}

#[test]
fn fewer_merges_and_stream_mode() {
    // one merge: the four characters, then "ab"
    assert_eq!(
        bpe("ab ab abc", 1, Boundaries::Lines, 1.0).vocab().tokens(),
        ["a", "b", " ", "c", "ab", "[START]", "[END]"]
    );
    // no merge: the characters alone, as the char tokenizer's vocabulary
    assert_eq!(bpe("ba ab", 0, Boundaries::Lines, 1.0).vocab().tokens(), ["b", "a", " ", "[START]", "[END]"]);
    // stream mode: the newline is the stream's own token, not BPE's: it follows the merges
    assert_eq!(bpe("ab\nab b", 1, Boundaries::Stream, 1.0).vocab().tokens(), ["a", "b", " ", "ab", "\n"]);
    // a stream of one line has no newline token
    assert_eq!(bpe("ab ab", 1, Boundaries::Stream, 1.0).vocab().tokens(), ["a", "b", " ", "ab"]);
}

#[test]
fn special_names_stay_special() {
    // the 4th merge spells "[END]" inside "a[END]" (D,] then E,N then EN,D] then [,END]); later merges join it
    // to a and b, so the corpus never uses it as a token. The special token takes that id: one [END], and every
    // sentence ends with it
    let model = bpe("a[END]\nb[END]", 10, Boundaries::Lines, 1.0);
    let Tokenizer::Bpe(learnt) = model.tokenizer() else { unreachable!() };
    assert_eq!(learnt.merged_symbols()[..4], ["D]", "EN", "END]", "[END]"]);
    let tokens = model.vocab().tokens();
    assert_eq!(tokens.iter().filter(|t| *t == "[END]").count(), 1);
    let end = model.vocab().id("[END]").unwrap();
    assert_eq!(model.token_ids("a[END]").unwrap()[0].last(), Some(&end));
    assert_eq!(model.next_totals()[end as usize], 2.0, "both sentences end");
    // a corpus whose segmentation yields a special name as a token still fails, naming it
    let options = ModelOptions { tokenizer: TokenizerKind::Bpe, merges: Some(10), ..ModelOptions::default() };
    let err = NgramModel::with_options("[END]\n[END]", &options).unwrap_err();
    assert!(matches!(err, Error::ReservedToken { .. }), "{err}");
    // whitespace alone is still an empty corpus, though its space is a base symbol
    let err = NgramModel::with_options("  \n ", &options).unwrap_err();
    assert!(matches!(err, Error::EmptyCorpus), "{err}");
}

#[test]
fn the_lessons_corpus() {
    let model = bpe(LESSON, 100, Boundaries::Lines, 1.0);
    let Tokenizer::Bpe(learnt) = model.tokenizer() else { unreachable!() };
    // the characters of "chai bahut garam hai" in order of first appearance; the other lines add none
    let base = ["c", "h", "a", "i", " ", "b", "u", "t", "g", "r", "m"];
    assert_eq!(learnt.base_symbols(), base);
    // (h,a) occurs 7 times (chai ×3, hai ×2, acha ×2), then (c,ha) and (ha,i) 5 each: c < ha, so (c,ha) first
    assert_eq!(learnt.merges()[..3], [("h".into(), "a".into()), ("c".into(), "ha".into()), ("cha".into(), "i".into())]);
    let merged: Vec<String> = learnt.merges().iter().map(|(l, r)| format!("{l}{r}")).collect();
    assert_eq!(merged.len(), 17, "every pair of the corpus merged: fewer than 100 merges exist");
    let mut want: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    want.extend(merged);
    want.extend(["[START]".to_string(), "[END]".to_string()]);
    assert_eq!(model.vocab().tokens(), want);

    // "chaiwala": chai, then letters; only w and l were never in the corpus
    let Tokenizer::Bpe(learnt) = model.tokenizer() else { unreachable!() };
    let pieces = learnt.segment("chaiwala chai garam hai");
    assert_eq!(pieces, ["chai", "w", "a", "l", "a", " ", "chai", " garam", " hai"]);
    let unknown: Vec<&str> = pieces.iter().copied().filter(|p| model.vocab().id(p).is_none()).collect();
    assert_eq!(unknown, ["w", "l"]);

    // Part B: a new word spelt with the corpus's letters is encoded
    let encoded = encode(&model, &TaskInput::Classification { text: "chaat".into() }).unwrap();
    assert_eq!(encoded[0].tokens, ["[START]", "cha", "a", "t", "[EXTRACT]"]);
    let v = model.vocab().len() as u32;
    let id = |t: &str| model.vocab().id(t).unwrap();
    assert_eq!(encoded[0].ids, [id("[START]"), id("cha"), 2, 7, v]);
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
