//! # gpt1-playground
//!
//! The core of a playground that teaches how GPT-1 works, in the lesson's parts:
//!
//! - **Part A, a causal language model** — [`ngram`] counts the adjacent pairs of `[START] w1 … wn [END]` and
//!   smooths them with add-k; [`sampling`] generates by drawing the next token from the last token's row, with
//!   numpy's legacy random generator reproduced bit for bit ([`cdf`]: numpy's running sums of a row, in runs).
//!   [`tokens`] cuts text into words, characters or byte-pair pieces ([`bpe`]) and holds the vocabulary.
//! - **Part B, input transformations** — [`encode`] turns a classification, entailment, similarity or
//!   multiple-choice input into GPT-1's flat token sequences.
//! - **Part C, the combined loss** — [`loss`] has the cross-entropy and `L_task + λ·L_lm`.
//! - **Parts D and E, a transformer** (feature `gpt`, the page's second module, loaded on demand) — `gpt`: GPT-1's
//!   network, a tiny one trained in the page and the released 117M model read from its file; `gpt1_tokenizer`:
//!   GPT-1's own tokenizer; `json`: the one JSON reader they share.
//!
//! [`error`] is the one error type; [`select`] sorts and picks the top k. The core is plain Rust with no
//! WebAssembly types and no `unsafe` (forbidden crate-wide); `wasm` (a folder, wasm32 only) is the one thin binding
//! to JavaScript.

#![forbid(unsafe_code)]

pub mod bpe;
pub mod cdf;
pub mod encode;
pub mod error;
#[cfg(feature = "gpt")]
pub mod gpt;
#[cfg(feature = "gpt")]
pub mod gpt1_tokenizer;
#[cfg(feature = "gpt")]
pub mod json;
pub mod loss;
pub mod ngram;
pub mod sampling;
pub mod select;
pub mod tokens;

/// The JavaScript binding (wasm32 only): thin wrappers that convert values and errors.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
pub use ngram::NgramModel;
pub use tokens::Vocab;

/// What sampling needs of a model: its tokens and the next-token distribution after a context.
///
/// The n-gram model implements it today; a small transformer can sit beside it and share tokens, sampling and
/// losses.
pub trait LanguageModel {
    /// The model's vocabulary.
    fn vocab(&self) -> &Vocab;

    /// Writes `P(next | context)` for every token id into `out` (length V). `context` is everything generated
    /// so far, the prompt included.
    fn next_probabilities(&self, context: &[u32], out: &mut [f64]);

    /// The tokens generation starts from, returned as part of the output: `[START]` for sentence models.
    fn prompt(&self) -> Vec<u32>;

    /// The token every sentence starts with (`[START]`), if the model has one: a sampler can be told never to
    /// draw it.
    fn start(&self) -> Option<u32> {
        None
    }

    /// The token after which generation stops (`[END]`), if the model has one.
    fn end(&self) -> Option<u32>;

    /// numpy's running sums of the row after `context`, in runs ([`cdf::RunCdf`]), for models whose rows are one
    /// background value plus a few counted entries. `None` (the default): the sampler adds up the dense row.
    fn exact_cdf(&self, _context: &[u32]) -> Option<std::rc::Rc<cdf::RunCdf>> {
        None
    }

    /// True when [`LanguageModel::sample_fast`] is implemented.
    fn has_fast_path(&self) -> bool {
        false
    }

    /// Draws the next token from the same distribution in a model-specific fast way, given a uniform draw in
    /// [0, 1); `None` when there is no distribution after `context`.
    fn sample_fast(&self, _context: &[u32], _uniform: f64) -> Option<u32> {
        None
    }
}
