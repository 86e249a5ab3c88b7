//! Properties of the core on random corpora, checked against a straightforward dense reference written here.

use std::collections::HashMap;

use crate::util::words;
use gpt1_playground::encode::{TaskInput, encode};
use gpt1_playground::error::number_text;
use gpt1_playground::loss::{SUM_TOLERANCE, combined_loss, cross_entropy};
use gpt1_playground::sampling::{Mt19937, SampleOptions, Sampler, generate, generate_many, random_sample, reshape};
use gpt1_playground::{Error, LanguageModel, NgramModel};
use rand::Rng;

/// A random corpus: a few lines of words drawn from a small, skewed word list, with stray whitespace.
fn random_corpus(rng: &mut Mt19937) -> String {
    let words = ["chai", "bahut", "garam", "hai", "acha", "nahi", "Chai", "thandi", "é", "a,b", "!", "日本"];
    let spaces = [" ", "  ", "\t", " \u{3000}"];
    let lines = 1 + rng.next_u32() % 8;
    let mut corpus = String::new();
    for _ in 0..lines {
        let n = rng.next_u32() % 7; // an empty line now and then
        for i in 0..n {
            if i > 0 {
                corpus.push_str(spaces[(rng.next_u32() % 4) as usize]);
            }
            let w = (rng.next_u32() % words.len() as u32).min(rng.next_u32() % words.len() as u32);
            corpus.push_str(words[w as usize]);
        }
        corpus.push_str(if rng.next_u32() % 5 == 0 { "\r\n" } else { "\n" });
    }
    corpus.push_str("chai hai"); // never empty
    corpus
}

/// The lesson's algorithm, written out densely: ones-like matrix, += 1 per pair, divide by row sums.
struct Reference {
    vocab: Vec<String>,
    probs: Vec<Vec<f64>>,
    loss: f64,
}

fn reference(corpus: &str, k: f64) -> Reference {
    let mut vocab: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut sentences = Vec::new();
    for line in corpus.split('\n') {
        let words: Vec<&str> = line.trim_end_matches('\r').split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        for w in &words {
            if !index.contains_key(*w) {
                index.insert(w.to_string(), vocab.len());
                vocab.push(w.to_string());
            }
        }
        sentences.push(words);
    }
    let (start, end) = (vocab.len(), vocab.len() + 1);
    vocab.push("[START]".into());
    vocab.push("[END]".into());
    let v = vocab.len();
    let mut counts = vec![vec![k; v]; v];
    let mut pairs = Vec::new();
    for words in &sentences {
        let ids: Vec<usize> =
            std::iter::once(start).chain(words.iter().map(|w| index[*w])).chain(std::iter::once(end)).collect();
        for pair in ids.windows(2) {
            counts[pair[0]][pair[1]] += 1.0;
            pairs.push((pair[0], pair[1]));
        }
    }
    let probs: Vec<Vec<f64>> = counts
        .iter()
        .map(|row| {
            let sum: f64 = row.iter().sum();
            row.iter().map(|c| c / sum).collect()
        })
        .collect();
    let loss = pairs.iter().map(|&(a, b)| -probs[a][b].ln()).sum::<f64>() / pairs.len() as f64;
    Reference { vocab, probs, loss }
}

/// numpy's choice, written independently: cumsum, divide by the last, binary search for side='right'.
fn reference_choice(p: &[f64], u: f64) -> usize {
    let mut cdf = Vec::with_capacity(p.len());
    let mut acc = 0.0;
    for x in p {
        acc += x;
        cdf.push(acc);
    }
    let last = *cdf.last().unwrap();
    let cdf: Vec<f64> = cdf.iter().map(|c| c / last).collect();
    let (mut lo, mut hi) = (0, cdf.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if cdf[mid] <= u { lo = mid + 1 } else { hi = mid }
    }
    lo
}

fn reference_generate(r: &Reference, seed: u32, max_len: usize) -> Vec<String> {
    let mut rng = Mt19937::new(seed);
    let (start, end) = (r.vocab.len() - 2, r.vocab.len() - 1);
    let mut tokens = vec![start];
    for _ in 0..max_len - 1 {
        let next = reference_choice(&r.probs[*tokens.last().unwrap()], random_sample(&mut rng));
        tokens.push(next);
        if next == end {
            break;
        }
    }
    tokens.iter().map(|&t| r.vocab[t].clone()).collect()
}

#[test]
fn agrees_with_the_dense_reference_on_random_corpora() {
    let mut rng = Mt19937::new(2024);
    for case in 0..200 {
        let corpus = random_corpus(&mut rng);
        let k = [0.0, 1.0, 2.0, 3.0, 0.5, 0.1, 1.7][case % 7];
        let model = NgramModel::new(&corpus, k).unwrap();
        let r = reference(&corpus, k);
        assert_eq!(model.vocab().tokens(), r.vocab.as_slice(), "case {case}");
        let v = r.vocab.len();
        let ours = model.probabilities().unwrap();
        for (prev, row) in r.probs.iter().enumerate() {
            for (next, &p) in row.iter().enumerate() {
                let q = ours[prev * v + next];
                if k.fract() == 0.0 {
                    // integer k: sums are exact, so the result is the same to the last bit
                    assert!(q.to_bits() == p.to_bits() || (q.is_nan() && p.is_nan()), "case {case} ({prev},{next})");
                } else {
                    assert!((q - p).abs() <= 1e-12, "case {case} ({prev},{next}): {q} vs {p}");
                }
            }
        }
        assert!((model.loss() - r.loss).abs() <= 1e-12 * r.loss.max(1.0), "case {case}: loss");
        for seed in [0, 42, rng.next_u32()] {
            let ours = words(
                &model,
                &generate(&model, SampleOptions { seed: Some(seed), max_len: 80, ..Default::default() }).unwrap(),
            );
            if k > 0.0 || case % 7 == 0 {
                assert_eq!(ours, reference_generate(&r, seed, 80), "case {case} seed {seed}");
            }
        }
    }
}

#[test]
fn rows_are_distributions() {
    let mut rng = Mt19937::new(7);
    for case in 0..100 {
        let corpus = random_corpus(&mut rng);
        let k = [1.0, 0.5, 0.01, 4.0][case % 4];
        let model = NgramModel::new(&corpus, k).unwrap();
        for prev in 0..model.vocab().len() {
            let row = model.row(prev as f64).unwrap();
            let sum: f64 = row.iter().sum();
            assert!((sum - 1.0).abs() < 1e-12, "case {case} row {prev} sums to {sum}");
            assert!(row.iter().all(|&p| p > 0.0 && p <= 1.0), "case {case} row {prev}: {row:?}");
        }
    }
}

#[test]
fn with_k_zero_only_seen_pairs_have_probability() {
    let model = NgramModel::new("a b\nb a b", 0.0).unwrap();
    let (a, b) = (0, 1);
    let row = model.row(f64::from(a)).unwrap();
    assert_eq!(row, [0.0, 1.0, 0.0, 0.0]);
    let row_b = model.row(f64::from(b)).unwrap();
    assert_eq!(row_b, [1.0 / 3.0, 0.0, 0.0, 2.0 / 3.0], "b → a once, b → [END] twice");
    // [END] is never followed by anything: 0/0, as numpy gives
    assert!(model.row(3.0).unwrap().iter().all(|p| p.is_nan()));
    assert!(model.loss().is_finite());
}

#[test]
fn same_seed_same_output_and_many_continues_one_stream() {
    let model = NgramModel::new("chai bahut garam hai\nchai acha\nchai bahut acha hai", 1.0).unwrap();
    let options = SampleOptions { seed: Some(99), max_len: 30, ..Default::default() };
    assert_eq!(generate(&model, options).unwrap(), generate(&model, options).unwrap());
    let many = generate_many(&model, 4, options).unwrap();
    assert_eq!(many[0], generate(&model, options).unwrap(), "the first of many is generate()");
    assert_ne!(many[1..], [many[0].clone(), many[0].clone(), many[0].clone()], "the stream moves on");
    assert!(generate_many(&model, 0, options).unwrap().is_empty());
    // every sequence starts at [START], ends at [END] or the length limit
    for seq in generate_many(&model, 200, options).unwrap() {
        assert_eq!(seq[0], model.prompt()[0]);
        assert!(seq.len() <= 30);
        assert!(seq.len() == 30 || seq.last().copied() == model.end());
        assert!(!seq[..seq.len() - 1].contains(&model.end().unwrap()));
    }
    // without a seed, two generations are (almost surely) different random streams
    let unseeded = SampleOptions { seed: None, max_len: 100, ..Default::default() };
    let runs: Vec<_> = (0..5).map(|_| generate_many(&model, 20, unseeded).unwrap()).collect();
    assert!(runs.windows(2).any(|w| w[0] != w[1]));
}

#[test]
fn stepping_gives_the_same_tokens_as_generate_and_shows_numpys_cdf() {
    let model = NgramModel::new("the cat sat\nthe dog sat on the mat\na cat", 1.0).unwrap();
    for seed in 0..50 {
        let options = SampleOptions { seed: Some(seed), max_len: 15, ..Default::default() };
        let mut sampler = Sampler::new(&model, options).unwrap();
        while let Some(step) = sampler.step(&model) {
            let chosen = step.token as usize;
            assert!(step.cdf[chosen] > step.uniform);
            assert!(chosen == 0 || step.cdf[chosen - 1] <= step.uniform);
            assert_eq!(*step.cdf.last().unwrap(), 1.0);
            assert_eq!(reference_choice(&step.probabilities, step.uniform), chosen);
        }
        assert_eq!(sampler.tokens(), generate(&model, options).unwrap().as_slice(), "seed {seed}");
    }
}

#[test]
fn top_k_and_temperature_reshape_the_row() {
    let mut row = vec![0.1, 0.4, 0.2, 0.2, 0.1];
    reshape(&mut row, 1.0, 2);
    // keeps 0.4 and the first of the tied 0.2s (the lower id), renormalised
    let kept = [0.0, 2.0 / 3.0, 1.0 / 3.0, 0.0, 0.0];
    assert!(row.iter().zip(kept).all(|(a, b)| (a - b).abs() < 1e-15), "{row:?}");

    let mut row = vec![0.1, 0.4, 0.2, 0.3];
    let original = row.clone();
    reshape(&mut row, 1.0, 0);
    assert_eq!(row, original, "T = 1 and top-k 0 leave the row untouched, bit for bit");
    reshape(&mut row, 1.0, 4);
    assert_eq!(row, original, "top-k ≥ V keeps every token");

    let mut cold = vec![0.1, 0.4, 0.2, 0.3];
    reshape(&mut cold, 1e-5, 0);
    assert_eq!(cold, [0.0, 1.0, 0.0, 0.0], "T → 0 is the argmax");
    let mut hot = vec![0.1, 0.4, 0.2, 0.3];
    reshape(&mut hot, 1e6, 0);
    assert!(hot.iter().all(|p| (p - 0.25).abs() < 1e-5), "T → ∞ is uniform: {hot:?}");
    let mut half = vec![0.2, 0.8];
    reshape(&mut half, 0.5, 0);
    assert!((half[0] - 0.04 / 0.68).abs() < 1e-15 && (half[1] - 0.64 / 0.68).abs() < 1e-15, "p² renormalised");

    // generation with top-k 1 is greedy: always the most likely next word
    let model = NgramModel::new("a b c\na b c\na d", 1.0).unwrap();
    for seed in 0..20 {
        let ids =
            generate(&model, SampleOptions { seed: Some(seed), max_len: 10, top_k: 1, ..Default::default() }).unwrap();
        assert_eq!(words(&model, &ids), ["[START]", "a", "b", "c", "[END]"]);
    }
}

#[test]
fn bad_numbers_are_errors_not_panics() {
    let corpus = "chai bahut garam hai";
    let weird =
        [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, -1.0, 0.5, 1e308, 9_007_199_254_740_992.0, 4_294_967_296.0];
    for &x in &weird {
        let built = NgramModel::new(corpus, x);
        assert_eq!(built.is_ok(), x.is_finite() && x >= 0.0, "smoothing {x}");
        let options = SampleOptions::from_numbers(Some(x), Some(x), Some(x), Some(x));
        assert!(options.is_err(), "{x} is not valid for every option at once");
        let model = NgramModel::new(corpus, 1.0).unwrap();
        assert_eq!(model.row(x).is_ok(), x == 0.0, "row({x}): only -0 names a token here");
        assert!(cross_entropy(&[x, 1.0 - x], 0).is_ok() == (0.0..=1.0).contains(&x));
        assert!(combined_loss(1.0, 1.0, x).is_ok() == (x.is_finite() && x >= 0.0));
    }
    let message = SampleOptions::from_numbers(Some(-1.0), None, None, None).unwrap_err().to_string();
    assert_eq!(message, "seed must be a whole number from 0 to 4294967295; got -1");
    let message = NgramModel::new("a", f64::NAN).unwrap_err().to_string();
    assert_eq!(message, "smoothing must be a finite number ≥ 0; got NaN");
    assert!(matches!(NgramModel::new(" \n\t\r\n", 1.0), Err(Error::EmptyCorpus)));
    assert!(matches!(NgramModel::new("x [END]", 1.0), Err(Error::ReservedToken { .. })));
    assert!(cross_entropy(&[0.5, 0.4], 0).is_err(), "must sum to 1");
    assert!(cross_entropy(&[], 0).is_err());
    assert!(cross_entropy(&[0.5, 0.5], 2).is_err());
}

/// Errors keep their numbers raw; the caller decides how they are written, and Display writes them as JavaScript
/// would for the numbers messages show.
#[test]
fn messages_write_numbers_the_way_they_are_asked() {
    let error = cross_entropy(&[0.25, -0.5, 1.25], 0).unwrap_err();
    assert_eq!(error.to_string(), "probs must be probabilities from 0 to 1; got -0.5 at index 1");
    assert_eq!(
        error.message(&|x| format!("<{x:e}>")),
        "probs must be probabilities from 0 to 1; got <-5e-1> at index 1"
    );
    let error = cross_entropy(&[0.5, 0.25], 0).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("probs must be probabilities that sum to 1 (within {}); got a list summing to 0.75", SUM_TOLERANCE)
    );
    let error = combined_loss(1.0, 1.0, -2.5).unwrap_err();
    assert_eq!(error.message(&|x| format!("[{x}]")), "lambda must be a finite number ≥ 0; got [-2.5]");
    let written = [-0.0, f64::NAN, f64::NEG_INFINITY, 4_294_967_296.0, 0.1 + 0.2, 1e-7].map(number_text);
    assert_eq!(written, ["-0", "NaN", "-Infinity", "4294967296", "0.30000000000000004", "1e-7"]);
}

#[test]
fn arbitrary_text_never_panics() {
    let mut rng = Mt19937::new(1);
    for _ in 0..300 {
        let len = rng.next_u32() % 64;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next_u32() % 256) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(model) = NgramModel::new(&text, 1.0) {
            let ids = generate(&model, SampleOptions { seed: Some(3), max_len: 8, ..Default::default() }).unwrap();
            assert!(ids.iter().all(|&id| (id as usize) < model.vocab().len()));
            let _ = encode(&model, &TaskInput::Classification { text: text.to_string() });
            let _ = encode(&model, &TaskInput::Similarity { a: text.to_string(), b: "\u{0}".into() });
        }
    }
}

#[test]
fn unknown_and_special_words_in_encode_inputs_are_named() {
    let model = NgramModel::new("chai bahut garam hai\nchai acha\nchai bahut acha hai", 1.0).unwrap();
    let error =
        encode(&model, &TaskInput::Entailment { premise: "chai hai".into(), hypothesis: "chai thandi hai".into() })
            .unwrap_err();
    assert_eq!(error, Error::UnknownWord { word: "thandi".into(), field: "hypothesis".into() });
    assert!(error.to_string().contains("\"thandi\" in hypothesis"));
    let error = encode(
        &model,
        &TaskInput::MultipleChoice { context: "chai".into(), answers: vec!["hai".into(), "tea".into()] },
    )
    .unwrap_err();
    assert_eq!(error, Error::UnknownWord { word: "tea".into(), field: "answers[1]".into() });
    let error = encode(&model, &TaskInput::Classification { text: "chai [DELIM] hai".into() }).unwrap_err();
    assert!(matches!(error, Error::ReservedToken { .. }), "{error}");
    assert!(encode(&model, &TaskInput::MultipleChoice { context: "chai".into(), answers: vec![] }).is_err());
}

#[test]
fn dense_exports_refuse_past_the_limit_but_rows_still_work() {
    let corpus: String = (0..2100).map(|i| format!("w{i} ")).collect();
    let model = NgramModel::new(&corpus, 1.0).unwrap();
    assert_eq!(model.vocab().len(), 2102);
    assert!(matches!(model.probabilities(), Err(Error::TooLarge { limit: 2048, .. })));
    assert!(model.counts().is_err());
    assert_eq!(model.distinct_pairs(), 2101, "memory follows distinct pairs, not V²");
    let row = model.row(0.0).unwrap();
    assert_eq!(row[1], 2.0 / (1.0 + 2102.0));
}
