//! Part C: the cross-entropy of one prediction and GPT-1's combined fine-tuning loss.

use crate::error::{Error, Given, Result, invalid_number, non_negative};

/// Added inside the logarithm so that a probability of 0 gives a large but finite loss, as in the lesson.
pub const EPSILON: f64 = 1e-9;
/// GPT-1's weight of the language-model loss during fine-tuning.
pub const LAMBDA: f64 = 0.5;
/// How far from 1 the probabilities given to [`cross_entropy`] may sum.
pub const SUM_TOLERANCE: f64 = 1e-6;
/// [`SUM_TOLERANCE`] as messages write it (a test checks that the two agree).
pub const SUM_TOLERANCE_TEXT: &str = "0.000001";

/// `−ln(probs[target] + 1e-9)`: the loss of predicting `probs` when the truth is `target`.
pub fn cross_entropy(probs: &[f64], target: usize) -> Result<f64> {
    if probs.is_empty() {
        return Err(Error::InvalidParameter {
            name: "probs",
            value: "an empty list".into(),
            allowed: "a non-empty list of probabilities".into(),
        });
    }
    if let Some((i, &p)) = probs.iter().enumerate().find(|(_, p)| !(0.0..=1.0).contains(*p)) {
        return Err(Error::InvalidParameter {
            name: "probs",
            value: Given::Item { number: p, index: i },
            allowed: "probabilities from 0 to 1".into(),
        });
    }
    let sum: f64 = probs.iter().sum();
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        return Err(Error::InvalidParameter {
            name: "probs",
            value: Given::Sum(sum),
            allowed: format!("probabilities that sum to 1 (within {SUM_TOLERANCE_TEXT})"),
        });
    }
    if target >= probs.len() {
        return Err(invalid_number(
            "target",
            target as f64,
            format!("the index of the true class, from 0 to {}", probs.len() - 1),
        ));
    }
    Ok(-(probs[target] + EPSILON).ln())
}

/// `L_total = L_task + λ·L_lm`: fine-tuning keeps the language-model loss as an auxiliary objective.
pub fn combined_loss(task_loss: f64, lm_loss: f64, lambda: f64) -> Result<f64> {
    let task_loss = non_negative("taskLoss", task_loss)?;
    let lm_loss = non_negative("lmLoss", lm_loss)?;
    let lambda = non_negative("lambda", lambda)?;
    Ok(task_loss + lambda * lm_loss)
}
