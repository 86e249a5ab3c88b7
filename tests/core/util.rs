//! Helpers the core's tests share.

use gpt1_playground::NgramModel;

/// The lesson's three-sentence corpus.
pub const LESSON: &str = "chai bahut garam hai\nchai acha\nchai bahut acha hai";

/// The tokens of `ids` in `model`'s vocabulary.
pub fn words(model: &NgramModel, ids: &[u32]) -> Vec<String> {
    ids.iter().map(|&id| model.vocab().token(id).to_string()).collect()
}

/// A JSON array of numbers, as f64 (the transformer's references).
#[cfg(feature = "gpt")]
pub fn floats(value: &serde_json::Value) -> Vec<f64> {
    value.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}
