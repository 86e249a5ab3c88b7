//! What a GPT-1 fine-tuner is asked for and what it costs: its options, checked, and the memory it needs beside
//! the model, held to the module's budget before anything is allocated.

use crate::error::{Error, Result, invalid_number, whole_number};
use crate::gpt::model::TinyGpt;
use crate::gpt::options::{MAX_CLASSES, MAX_STEPS, learning_rate};
use crate::gpt::params::{Config, Layout};
use crate::gpt::train::tuner_pass::{CACHE_BYTES, LM_ROWS, PASS_POSITIONS};

/// The most memory the module may spend on a model and its tuner: wasm32 addresses 4 GB, and browsers give a page
/// less.
pub const MEMORY_BUDGET: u64 = 1_500_000_000;
/// GPT-1's fine-tuning learning rate (the paper's 6.25e-5), the default.
pub const GPT1_LEARNING_RATE: f32 = 6.25e-5;
/// Steps of linear warm-up by default.
pub const DEFAULT_WARMUP: u32 = 10;

/// How to fine-tune: `gpt.fineTuner(options)`'s options, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TunerOptions {
    /// Classes of the new head, 2 to 16.
    pub classes: usize,
    /// How many blocks train, counted from the top: 0 to the model's blocks (default 1).
    pub train_blocks: usize,
    /// λ, the weight of `L_lm`, 0 to 100 (default 0.5, GPT-1's).
    pub lambda: f64,
    /// Adam's learning rate after the warm-up (default 6.25e-5, GPT-1's).
    pub learning_rate: f32,
    /// Seeds `W_y` and the special rows.
    pub seed: u32,
    /// Steps of linear warm-up from 0 to the learning rate (default 10).
    pub warmup: u32,
}

impl TunerOptions {
    /// The defaults for a head of `classes` classes.
    pub fn new(classes: usize) -> TunerOptions {
        TunerOptions {
            classes,
            train_blocks: 1,
            lambda: crate::loss::LAMBDA,
            learning_rate: GPT1_LEARNING_RATE,
            seed: 42,
            warmup: DEFAULT_WARMUP,
        }
    }

    /// Checks options given as JavaScript values (`classes` is required).
    pub fn from_js(input: &TunerOptionsInput) -> Result<TunerOptions> {
        let classes = input.classes.ok_or_else(|| Error::InvalidParameter {
            name: "classes",
            value: "nothing".into(),
            allowed: format!("a whole number from 2 to {MAX_CLASSES}: the classes of the new head"),
        })?;
        let mut o = TunerOptions::new(whole_number("classes", classes, 2, MAX_CLASSES as u64)? as usize);
        if let Some(k) = input.train_blocks {
            o.train_blocks = whole_number("trainBlocks", k, 0, 1_000)? as usize;
        }
        if let Some(lambda) = input.lambda {
            o.lambda = lambda;
        }
        if let Some(lr) = input.learning_rate {
            o.learning_rate = learning_rate(lr)?;
        }
        if let Some(seed) = input.seed {
            o.seed = whole_number("seed", seed, 0, u64::from(u32::MAX))? as u32;
        }
        if let Some(warmup) = input.warmup {
            o.warmup = whole_number("warmup", warmup, 0, MAX_STEPS as u64)? as u32;
        }
        o.validate()?;
        Ok(o)
    }

    /// Checks every field but `train_blocks`, whose range depends on the model.
    pub fn validate(&self) -> Result<()> {
        whole_number("classes", self.classes as f64, 2, MAX_CLASSES as u64)?;
        if !(self.lambda.is_finite() && (0.0..=100.0).contains(&self.lambda)) {
            return Err(invalid_number("lambda", self.lambda, "a number from 0 to 100"));
        }
        learning_rate(f64::from(self.learning_rate))?;
        whole_number("warmup", f64::from(self.warmup), 0, MAX_STEPS as u64)?;
        Ok(())
    }
}

/// [`TunerOptions`] as JavaScript gives them: any field but `classes` may be missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TunerOptionsInput {
    /// Classes.
    pub classes: Option<f64>,
    /// Blocks that train.
    pub train_blocks: Option<f64>,
    /// λ.
    pub lambda: Option<f64>,
    /// Learning rate.
    pub learning_rate: Option<f64>,
    /// Seed.
    pub seed: Option<f64>,
    /// Warm-up steps.
    pub warmup: Option<f64>,
}

/// What a [`Tuner`](super::tuner::Tuner) needs besides the model, in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TunerMemory {
    /// The model's own weights (shared, not copied).
    pub model: u64,
    /// The trainable copy, its gradients and Adam's two moments.
    pub state: u64,
    /// The most the passes use: activations, the language model's logits, and the kept states below.
    pub work: u64,
}

impl TunerMemory {
    /// All of it.
    pub fn total(&self) -> u64 {
        self.model + self.state + self.work
    }

    /// What a tuner of `gpt` that trains the top `k` blocks would need.
    pub fn of(gpt: &TinyGpt, k: usize, classes: usize) -> TunerMemory {
        let config = *gpt.config();
        let top = Layout::new(&top_config(&config, k, classes));
        let (d, heads, context) = (config.d_model as u64, config.heads as u64, config.context as u64);
        // a pass: up to PASS_POSITIONS positions, or one example of the whole context
        let p = (PASS_POSITIONS as u64).max(context);
        let block = p * (19 * d + 4 + heads * context);
        let top_blocks = k as u64 * block + (k as u64 + 1) * p * d;
        let backward = 14 * p * d + 4 * d * d;
        let below = if k < config.layers { block + 2 * p * d } else { 0 };
        let v = config.vocab as u64;
        let head = LM_ROWS as u64 * (2 * d + v) + p * d;
        let cache = if k < config.layers { CACHE_BYTES } else { 0 };
        TunerMemory {
            model: 4 * gpt.parameters() as u64,
            state: 16 * top.total as u64,
            work: 4 * (top_blocks + backward + below + head) + cache,
        }
    }
}

/// Megabytes, rounded up, for messages.
pub(crate) fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1_000_000)
}

/// The shape of the trainable part: the top `k` blocks and the head, plus the three special rows when every
/// block trains (no position rows).
pub(crate) fn top_config(config: &Config, k: usize, classes: usize) -> Config {
    Config { vocab: 0, embeddings: if k == config.layers { 3 } else { 0 }, layers: k, context: 0, classes, ..*config }
}

/// The error for a tuner that would pass the budget, with its sizes.
pub(crate) fn over_budget(memory: &TunerMemory, k: usize, fits: Option<usize>) -> Error {
    let advice = match fits {
        Some(k) => format!("train at most {k} blocks"),
        None => "even a head alone does not fit beside this model".into(),
    };
    Error::Unsupported(format!(
        "fine-tuning the top {k} blocks needs {} MB for the trainable copy, its gradients and Adam's two moments, and \
         up to {} MB to work in, beside the model's own {} MB: {} MB, above the module's budget of {} MB ({advice})",
        mb(memory.state),
        mb(memory.work),
        mb(memory.model),
        mb(memory.total()),
        mb(MEMORY_BUDGET)
    ))
}

/// Asks for `bytes` once and gives them back, so that a size the platform refuses is an error, never an abort.
pub(crate) fn refuse_if_unavailable(bytes: u64, what: &str) -> Result<()> {
    let mut probe: Vec<u8> = Vec::new();
    probe.try_reserve_exact(bytes as usize).map_err(|_| {
        Error::Unsupported(format!(
            "{what} needs {} MB of memory, and this browser or device refused to give it (close other tabs, train \
             fewer blocks, or use a computer with more memory)",
            mb(bytes)
        ))
    })
}
