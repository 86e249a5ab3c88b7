//! The lesson's own numbers, worked out by hand, for its three-sentence corpus.

use crate::util::{LESSON, words};
use gpt1_playground::encode::{TaskInput, encode};
use gpt1_playground::loss::{LAMBDA, combined_loss, cross_entropy};
use gpt1_playground::sampling::{SampleOptions, Sampler, generate, generate_many};
use gpt1_playground::{LanguageModel, NgramModel};

fn lesson() -> NgramModel {
    NgramModel::new(LESSON, 1.0).unwrap()
}

#[test]
fn vocabulary_has_the_lesson_ids() {
    let model = lesson();
    assert_eq!(model.vocab().tokens(), ["chai", "bahut", "garam", "hai", "acha", "[START]", "[END]"]);
    assert_eq!((model.prompt(), model.end()), (vec![5], Some(6)));
}

#[test]
fn counts_are_the_adjacent_pairs() {
    let model = lesson();
    let counts = model.counts().unwrap();
    // rows: chai bahut garam hai acha [START] [END]
    #[rustfmt::skip]
    let expected = [
        0., 2., 0., 0., 1., 0., 0., // chai → bahut ×2, acha
        0., 0., 1., 0., 1., 0., 0., // bahut → garam, acha
        0., 0., 0., 1., 0., 0., 0., // garam → hai
        0., 0., 0., 0., 0., 0., 2., // hai → [END] ×2
        0., 0., 0., 1., 0., 0., 1., // acha → hai, [END]
        3., 0., 0., 0., 0., 0., 0., // [START] → chai ×3
        0., 0., 0., 0., 0., 0., 0., // [END] is never followed
    ];
    assert_eq!(counts, expected);
    // each row's sum: how many pairs start with that token
    assert_eq!(model.row_totals(), [3., 2., 1., 2., 2., 3., 0.]);
    assert_eq!(model.pair_total(), 13);
    assert_eq!(model.distinct_pairs(), 9);
}

#[test]
fn smoothed_matrix_is_counts_plus_one_over_row_sums() {
    let model = lesson();
    let p = model.probabilities().unwrap();
    // row totals 3, 2, 1, 2, 2, 3, 0; plus k·V = 7
    #[rustfmt::skip]
    let expected = [
        1./10., 3./10., 1./10., 1./10., 2./10., 1./10., 1./10.,
        1./9.,  1./9.,  2./9.,  1./9.,  2./9.,  1./9.,  1./9.,
        1./8.,  1./8.,  1./8.,  2./8.,  1./8.,  1./8.,  1./8.,
        1./9.,  1./9.,  1./9.,  1./9.,  1./9.,  1./9.,  3./9.,
        1./9.,  1./9.,  1./9.,  2./9.,  1./9.,  1./9.,  2./9.,
        4./10., 1./10., 1./10., 1./10., 1./10., 1./10., 1./10.,
        1./7.,  1./7.,  1./7.,  1./7.,  1./7.,  1./7.,  1./7.,
    ];
    assert_eq!(p, expected, "bit for bit");
    assert_eq!(model.row(0.0).unwrap()[1], 0.3, "P(bahut | chai)");
}

#[test]
fn loss_and_perplexity_of_the_lesson() {
    let model = lesson();
    // 3·(−ln .4) + 2·(−ln .3) + (−ln .2) + 4·(−ln 2/9) + (−ln 2/8) + 2·(−ln 3/9), over 13 pairs
    let by_hand = (3.0 * -(0.4f64).ln()
        + 2.0 * -(0.3f64).ln()
        + -(0.2f64).ln()
        + 4.0 * -(2.0f64 / 9.0).ln()
        + -(0.25f64).ln()
        + 2.0 * -(1.0f64 / 3.0).ln())
        / 13.0;
    assert!((model.loss() - by_hand).abs() < 1e-12);
    assert!((model.loss() - 1.258_929_557).abs() < 1e-9, "{}", model.loss());
    assert!((model.perplexity() - by_hand.exp()).abs() < 1e-12);
}

#[test]
fn seed_42_reproduces_the_notebook() {
    let model = lesson();
    let options = SampleOptions { seed: Some(42), ..SampleOptions::default() };
    assert_eq!(words(&model, &generate(&model, options).unwrap()), ["[START]", "chai", "[END]"]);
}

#[test]
fn smoothing_can_draw_start_mid_sentence_unless_told_not_to() {
    let model = lesson();
    // row "chai" by hand: counts bahut 2, acha 1 of 3; V = 7, so P([START] | chai) = 1 / 10, as every unseen column
    let row = model.row(0.0).unwrap();
    assert_eq!(row[5], 0.1);
    let mid_sentence = |samples: &[Vec<u32>]| samples.iter().filter(|s| s[1..].contains(&5)).count();
    let options = SampleOptions { seed: Some(3), max_len: 12, ..SampleOptions::default() };
    let plain = generate_many(&model, 200, options).unwrap();
    assert!(mid_sentence(&plain) > 10, "add-1 gives [START] its share: {}", mid_sentence(&plain));
    let never = SampleOptions { never_start: true, ..options };
    assert!(!never.is_exact(), "no longer the notebook's procedure");
    let without = generate_many(&model, 200, never).unwrap();
    assert_eq!(mid_sentence(&without), 0);
    // the row it draws from: [START]'s 0.1 removed, the rest divided by 0.9 (bahut: 0.3 / 0.9 = 1/3)
    let mut sampler = Sampler::new(&model, never).unwrap();
    let step = sampler.step(&model).unwrap();
    assert_eq!(step.probabilities[5], 0.0);
    let after_start = model.row(5.0).unwrap();
    for (j, &p) in step.probabilities.iter().enumerate().filter(|&(j, _)| j != 5) {
        assert!((p - after_start[j] / (1.0 - after_start[5])).abs() < 1e-15, "column {j}");
    }
    assert!((step.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    // off by default: seed 42 is still the notebook's sample, and the option changes nothing at k = 0
    assert_eq!(generate(&model, SampleOptions { seed: Some(42), ..SampleOptions::default() }).unwrap(), [5, 0, 6]);
    let hard = model.with_smoothing(0.0).unwrap();
    let exact = generate_many(&hard, 50, options).unwrap();
    assert_eq!(generate_many(&hard, 50, never).unwrap(), exact, "k = 0 never draws [START] anyway");
}

#[test]
fn lesson_encodings() {
    let model = lesson();
    let classification = encode(&model, &TaskInput::Classification { text: "chai bahut garam hai".into() });
    let seqs = classification.unwrap();
    assert_eq!(seqs.len(), 1);
    assert_eq!(seqs[0].tokens, ["[START]", "chai", "bahut", "garam", "hai", "[EXTRACT]"]);
    assert_eq!(seqs[0].ids, [5, 0, 1, 2, 3, 7]);

    let entailment =
        TaskInput::Entailment { premise: "chai bahut garam hai".into(), hypothesis: "chai acha hai".into() };
    let seqs = encode(&model, &entailment).unwrap();
    assert_eq!(
        seqs[0].tokens,
        ["[START]", "chai", "bahut", "garam", "hai", "[DELIM]", "chai", "acha", "hai", "[EXTRACT]"]
    );
    assert_eq!(seqs[0].ids, [5, 0, 1, 2, 3, 8, 0, 4, 3, 7]);
}

#[test]
fn similarity_gives_both_orders_and_multiple_choice_one_per_answer() {
    let model = lesson();
    let seqs = encode(&model, &TaskInput::Similarity { a: "chai acha".into(), b: "garam hai".into() }).unwrap();
    assert_eq!(seqs.len(), 2);
    assert_eq!(seqs[0].ids, [5, 0, 4, 8, 2, 3, 7]);
    assert_eq!(seqs[1].ids, [5, 2, 3, 8, 0, 4, 7]);

    let input = TaskInput::MultipleChoice {
        context: "chai bahut".into(),
        answers: vec!["garam".into(), "acha hai".into(), "".into()],
    };
    let seqs = encode(&model, &input).unwrap();
    let ids: Vec<_> = seqs.iter().map(|s| s.ids.clone()).collect();
    assert_eq!(ids, [vec![5, 0, 1, 8, 2, 7], vec![5, 0, 1, 8, 4, 3, 7], vec![5, 0, 1, 8, 7]]);
}

#[test]
fn task_and_combined_loss_of_the_lesson() {
    let task = cross_entropy(&[0.72, 0.28], 0).unwrap();
    assert_eq!(task, -(0.72f64 + 1e-9).ln());
    assert!((task - 0.3285).abs() < 5e-5);
    let total = combined_loss(task, 1.5, LAMBDA).unwrap();
    assert_eq!(total, task + 0.75);
    assert!((total - 1.0785).abs() < 5e-5);
    // a probability of 0 is capped by the epsilon, not infinite
    assert!((cross_entropy(&[1.0, 0.0], 1).unwrap() - 9.0 * 10f64.ln()).abs() < 1e-6);
}
