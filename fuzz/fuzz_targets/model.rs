//! Any bytes → a corpus, held-out text and options: build the model and use every part of it. Nothing may panic,
//! and the exact sampler must agree with the plain dense procedure (cumsum of the row, divide, search).
#![no_main]

use gpt1_playground::encode::{TaskInput, encode};
use gpt1_playground::ngram::{ModelOptions, TokenizerKind};
use gpt1_playground::sampling::{Mt19937, SampleMode, SampleOptions, choose, generate, random_sample};
use gpt1_playground::tokens::Boundaries;
use gpt1_playground::{LanguageModel, NgramModel};
use libfuzzer_sys::fuzz_target;

/// The notebook's loop over dense rows, written plainly.
fn dense_generate(model: &NgramModel, seed: u32, max_len: usize) -> Vec<u32> {
    let mut rng = Mt19937::new(seed);
    let mut tokens = model.prompt();
    while tokens.len() < max_len && (model.end().is_none() || tokens.last().copied() != model.end()) {
        let mut row = model.row_of_context(&tokens);
        let u = random_sample(&mut rng);
        match choose(&mut row, u) {
            Some(t) => tokens.push(t as u32),
            None => break,
        }
    }
    tokens
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, rest) = data.split_at(8);
    let tokenizer = [TokenizerKind::Word, TokenizerKind::Char, TokenizerKind::Bpe][head[1] as usize % 3];
    let smoothing = match head[3] % 8 {
        0 => 0.0,
        1 => 1.0,
        2 => 0.5,
        3 => 1e-300,
        4 => f64::NAN,
        5 => -1.0,
        6 => 1e300,
        _ => f64::from(head[4]) / 7.0,
    };
    let options = ModelOptions {
        smoothing,
        order: 1 + head[0] as usize % 6,
        tokenizer,
        merges: (tokenizer == TokenizerKind::Bpe).then_some(head[5] as usize % 64),
        boundaries: if head[2] & 1 == 0 { Boundaries::Lines } else { Boundaries::Stream },
    };
    let text = String::from_utf8_lossy(rest);
    let (corpus, held_out) = text.split_once('\u{1}').unwrap_or((&text, "a b"));
    let Ok(model) = NgramModel::with_options(corpus, &options) else { return };
    let v = model.vocab().len();

    let loss = model.loss();
    assert!(loss.is_finite() && loss >= 0.0, "training loss {loss}");
    let _ = model.loss_on(held_out);
    let _ = model.losses_on(held_out, &[0.0, 0.1, 1.0]);

    let seed = u32::from(head[6]) * 7919;
    let max_len = 1 + head[7] as usize % 40;
    for mode in [SampleMode::Exact, SampleMode::Fast] {
        for (temperature, top_k) in [(1.0, 0), (0.5, 2), (3.0, 0), (1.0, 1)] {
            let never_start = head[6] & 1 == 1; // [START]'s column given no probability, half the time
            let sample = SampleOptions { seed: Some(seed), max_len, temperature, top_k, mode, never_start };
            let ids = generate(&model, sample).expect("a seed is given");
            assert!(ids.iter().all(|&id| (id as usize) < v));
            assert!(ids.len() <= max_len.max(model.prompt().len()));
        }
    }
    let exact = generate(&model, SampleOptions { seed: Some(seed), max_len, ..SampleOptions::default() }).unwrap();
    assert_eq!(exact, dense_generate(&model, seed, max_len), "run cdf vs dense cumsum");

    let _ = encode(&model, &TaskInput::Classification { text: held_out.into() });
    let _ = encode(&model, &TaskInput::Similarity { a: corpus.chars().take(20).collect(), b: held_out.into() });
    let _ = encode(&model, &TaskInput::MultipleChoice { context: held_out.into(), answers: vec![corpus.into()] });

    for (context, total) in model.top_contexts(4) {
        assert!(total > 0);
        let row = model.row_of_context(&context);
        if smoothing > 0.0 && smoothing < 1e300 {
            let sum: f64 = row.iter().sum();
            assert!((sum - 1.0).abs() < 1e-9, "row sums to {sum}");
        }
    }
    if model.order() == 2 && v <= 64 {
        let _ = model.probabilities().unwrap();
        let _ = model.counts().unwrap();
    }
    let _ = model.with_smoothing(0.25).map(|m| m.loss());
});
