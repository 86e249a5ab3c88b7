#![cfg(feature = "gpt")]
//! Decoding with a KV cache: the same logits, bit for bit, and so the same tokens, as recomputing the whole
//! sequence each step; the distribution and rank views; and errors for bad input.

use gpt1_playground::Error;
use gpt1_playground::gpt::infer::decode::{draw, probabilities};
use gpt1_playground::gpt::{DecodeOptions, GptOptions, Norm, TinyGpt};
use gpt1_playground::ngram::TokenizerKind;
use gpt1_playground::sampling::Mt19937;
use gpt1_playground::tokens::Boundaries;

const CORPUS: &str = "the cat sat on the mat and the dog sat on the log while the bird sang in the tree";

/// A small character model, trained a little so that its distributions are not flat.
fn model(seed: u32, norm: Norm, context: usize) -> TinyGpt {
    let options = GptOptions {
        tokenizer: TokenizerKind::Char,
        boundaries: Boundaries::Stream,
        d_model: 24,
        layers: 2,
        heads: 3,
        context,
        seed,
        norm,
        batch_size: 4,
        ..GptOptions::default()
    };
    let mut gpt = TinyGpt::new(CORPUS, &options).unwrap();
    gpt.step(15).unwrap();
    gpt
}

/// The last row of a full forward pass over `ids`.
fn last_logits(gpt: &TinyGpt, ids: &[u32]) -> Vec<f32> {
    let all = gpt.logits(ids).unwrap();
    let rows = gpt.config().embeddings;
    all[all.len() - rows..].to_vec()
}

/// Recomputes the whole sequence for every token, drawing from the same sampler.
fn recomputed(gpt: &TinyGpt, prompt: &[u32], count: usize, options: DecodeOptions) -> Vec<u32> {
    let mut rng = Mt19937::new(options.seed.unwrap());
    let mut ids = prompt.to_vec();
    for _ in 0..count {
        let mut row = probabilities(&last_logits(gpt, &ids));
        ids.push(draw(&mut row, &options, &mut rng).unwrap());
    }
    ids[prompt.len()..].to_vec()
}

#[test]
fn the_cache_gives_the_bits_and_tokens_of_recomputing() {
    for seed in [1, 7, 2024] {
        for norm in [Norm::Post, Norm::Pre] {
            let gpt = model(seed, norm, 20);
            let prompt = [3, 1, 4, 1, 5];
            for (temperature, top_k) in [(1.0, 0), (0.8, 5)] {
                let options = DecodeOptions { seed: Some(seed + 11), temperature, top_k };
                // every step's logits are the full forward's last row, to the bit
                let mut decoder = gpt.decoder(&prompt, options).unwrap();
                for _ in 0..10 {
                    let cached = decoder.logits().unwrap().to_vec();
                    assert_eq!(cached, last_logits(&gpt, decoder.ids()), "seed {seed}, {norm:?}");
                    decoder.next_token().unwrap();
                }
                // and continue() draws the tokens a recomputing sampler draws, up to a full context
                let count = 20 + 1 - prompt.len();
                let tokens = gpt.continue_ids(&prompt, count, options).unwrap();
                assert_eq!(tokens, recomputed(&gpt, &prompt, count, options), "seed {seed}, {norm:?}");
                assert_eq!(tokens.len(), count);
                assert!(tokens.iter().all(|&t| (t as usize) < gpt.config().embeddings));
            }
        }
    }
}

#[test]
fn same_seed_same_tokens_and_different_seeds_differ() {
    let gpt = model(3, Norm::Post, 32);
    let with = |seed| gpt.continue_ids(&[0, 1], 30, DecodeOptions { seed: Some(seed), ..Default::default() });
    assert_eq!(with(5).unwrap(), with(5).unwrap());
    assert_ne!(with(5).unwrap(), with(6).unwrap());
}

#[test]
fn distribution_rank_and_final_state_agree_with_the_logits() {
    let gpt = model(9, Norm::Post, 16);
    let prompt = [2, 0, 6];
    let mut decoder = gpt.decoder(&prompt, DecodeOptions { seed: Some(1), ..Default::default() }).unwrap();
    let p = probabilities(&last_logits(&gpt, &prompt));
    let (ids, probs) = decoder.distribution(5).unwrap();
    assert_eq!(ids.len(), 5);
    // sorted by probability, each the softmax's value, and nothing left out is more likely than the last
    for (i, (&id, &q)) in ids.iter().zip(&probs).enumerate() {
        assert_eq!(q, p[id as usize]);
        assert_eq!(decoder.rank(id).unwrap(), i + 1);
        if i > 0 {
            assert!(q <= probs[i - 1]);
        }
    }
    let weakest = p.iter().copied().fold(f64::INFINITY, f64::min);
    let last_id = p.iter().rposition(|&q| q == weakest).unwrap() as u32;
    assert_eq!(decoder.rank(last_id).unwrap(), p.len());
    // k larger than the rows gives every row, summing to 1
    let (all, probs) = decoder.distribution(10_000).unwrap();
    assert_eq!(all.len(), gpt.config().embeddings);
    assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-6);
    // the final state h gives the logits through the tied embedding: h·Wₑᵀ, each logit summed in four lanes
    // (lane l takes the terms s ≡ l mod 4, in order), then (lane₀ + lane₁) + (lane₂ + lane₃)
    let h = gpt.final_state(&prompt).unwrap();
    let d = gpt.config().d_model;
    let wte = &gpt.weights()[..gpt.config().embeddings * d];
    let logits = last_logits(&gpt, &prompt);
    for (row, &logit) in wte.chunks_exact(d).zip(&logits) {
        let mut lanes = [0.0f32; 4];
        for (s, (&a, &b)) in h.iter().zip(row).enumerate() {
            lanes[s % 4] += a * b;
        }
        assert_eq!((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]), logit);
    }
}

#[test]
fn bad_input_is_a_clear_error() {
    let gpt = model(4, Norm::Post, 8);
    let options = DecodeOptions { seed: Some(1), ..Default::default() };
    let message = |e: Error| e.to_string();
    let too_many = message(gpt.continue_ids(&[1, 2, 3], 7, options).unwrap_err());
    assert!(too_many.contains("1 to 6 new tokens after 3 ids"), "{too_many}");
    assert!(gpt.continue_ids(&[1, 2, 3], 6, options).is_ok());
    assert!(message(gpt.continue_ids(&[1], 0, options).unwrap_err()).contains("count"));
    assert!(message(gpt.continue_ids(&[], 3, options).unwrap_err()).contains("1 to 8 token ids"));
    let rows = gpt.config().embeddings as u32;
    let unknown = message(gpt.continue_ids(&[rows], 1, options).unwrap_err());
    assert!(unknown.contains(&format!("from 0 to {}", rows - 1)), "{unknown}");
    // a decoder stops at a full context with a message, not a panic
    let mut decoder = gpt.decoder(&[1; 8], options).unwrap();
    decoder.next_token().unwrap();
    let full = message(decoder.next_token().unwrap_err());
    assert!(full.contains("context of 8 tokens"), "{full}");
    let mut decoder = gpt.decoder(&[1; 7], options).unwrap();
    let unknown = message(decoder.rank(rows).unwrap_err());
    assert!(unknown.contains("rows of the token embedding"), "{unknown}");
}

#[test]
fn training_after_making_a_decoder_leaves_its_weights_alone() {
    let mut gpt = model(6, Norm::Post, 16);
    let before = gpt.clone();
    let options = DecodeOptions { seed: Some(2), ..Default::default() };
    let mut decoder = gpt.decoder(&[1, 2], options).unwrap();
    gpt.step(3).unwrap();
    assert_ne!(gpt.weights(), before.weights());
    let drawn: Vec<u32> = (0..6).map(|_| decoder.next_token().unwrap()).collect();
    assert_eq!(drawn, before.continue_ids(&[1, 2], 6, options).unwrap());
}
