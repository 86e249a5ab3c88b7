//! Scoring a sequence, the primitive of Part E's zero-shot heuristics (the paper's Figure 2): each token's
//! log-probability given the tokens before it, from one full forward pass.

use crate::error::Result;
use crate::gpt::float::{exp_f32, ln_f64};
use crate::gpt::model::TinyGpt;

impl TinyGpt {
    /// `ln P(ids[t+1] | ids[..=t])` for t from 0 to n − 2 (n − 1 numbers; none for one id): 1 to `context` ids,
    /// each a row of the token embedding. The softmax runs over the vocabulary's rows only, as the model's text
    /// distributions do: a special token after the vocabulary (`_start_`, `_delimiter_`, `_classify_` once
    /// fine-tuning added them) is never predicted, so its entry is −∞.
    pub fn token_log_probs(&self, ids: &[u32]) -> Result<Vec<f32>> {
        let logits = self.logits(ids)?;
        let (rows, vocab) = (self.config().embeddings, self.config().vocab);
        Ok(logits.chunks_exact(rows).zip(&ids[1..]).map(|(row, &next)| log_prob(&row[..vocab], next)).collect())
    }
}

/// `ln softmax(logits)[target]`, or −∞ for a target past the logits (a token that is never predicted).
pub(crate) fn log_prob(logits: &[f32], target: u32) -> f32 {
    match logits.get(target as usize) {
        Some(&x) => (f64::from(x) - log_sum_exp(logits)) as f32,
        None => f32::NEG_INFINITY,
    }
}

/// `ln Σ e^x` over a row of logits: its maximum plus `ln Σ e^(x − max)`, each `e^·` in `f32` (the network's
/// [`exp_f32`]) and the sum in `f64`, so that forty thousand terms add up without losing digits and every target
/// gets the same bits.
pub(crate) fn log_sum_exp(row: &[f32]) -> f64 {
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
    let sum: f64 = row.iter().map(|&x| f64::from(exp_f32(x - max))).sum();
    f64::from(max) + ln_f64(sum)
}
