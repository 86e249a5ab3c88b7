//! Fine-tuning GPT-1 itself (Part E), as OpenAI's `train.py` does it, on a budget a web page can hold.
//!
//! - **What is new**: the classifier `W_y` (d × classes) with its bias, and three embedding rows after the
//!   vocabulary's V, for `_start_` (id V), `_delimiter_` (V + 1) and `_classify_` (V + 2); `W_y` and the rows are
//!   drawn N(0, 0.02) from the seed (numpy's `RandomState(seed).normal`, the rows first), the bias is 0.
//! - **What trains**: the top k blocks (`trainBlocks`), `W_y` and its bias; the three special rows too when every
//!   block trains (their gradient has to pass through all of them). The lower blocks and the embeddings stay
//!   frozen, so each example's state below the trainable blocks is computed once and kept.
//! - **The loss** on each example (Part B's transformation, in GPT-1's ids): `L_task`, the cross-entropy of
//!   `softmax(h·W_y + b)` at the first `_classify_`, plus λ·`L_lm`, the mean of `−ln P(next)` over the example's
//!   next tokens that belong to the vocabulary, the softmax over the vocabulary's rows (the tied output layer);
//!   the batch's loss is the mean over its examples.
//! - **The optimiser**: Adam with a linear warm-up to the learning rate, then constant (β₁ 0.9, β₂ 0.999,
//!   ε 1e-8), the gradient clipped to a global norm of 1 and the weight matrices decayed by 0.01·lr a step, as
//!   `train.py`'s `adam` (whose schedule then decays linearly to 0 over a known number of updates).
//!
//! Gradients and Adam's moments exist for the trainable part only; the frozen weights are the model's own,
//! shared, never copied. The options and the memory budget are in [`super::tuner_options`], the forward and
//! backward passes in `tuner_pass.rs`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;

use crate::error::{Error, Given, Result, invalid_number, whole_number};
use crate::gpt::float::ln_f64;
use crate::gpt::formats::weights::block_tensors;
use crate::gpt::model::{TinyGpt, decayed};
use crate::gpt::net::{BlockActivations, Net, Workspace};
use crate::gpt::params::{Layout, Norm};
use crate::gpt::train::adam::AdamW;
use crate::gpt::train::tuner_options::{
    MEMORY_BUDGET, TunerMemory, TunerOptions, mb, over_budget, refuse_if_unavailable, top_config,
};
use crate::sampling::{Mt19937, random_sample};

/// The spread of the new weights: the paper's N(0, 0.02).
const NEW_STD: f64 = 0.02;
/// A labelled example in GPT-1's ids, already transformed as Part B does it: `_start_ … _classify_`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskIds {
    /// The ids, with `_classify_` (V + 2) where the classifier reads.
    pub ids: Vec<u32>,
    /// The class, below the head's classes.
    pub label: usize,
}

/// The losses of a batch, each the mean over its examples.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TunerLosses {
    /// `L_task`: the classifier's cross-entropy.
    pub task: f64,
    /// `L_lm`: each example's mean next-token loss over its vocabulary tokens (0 for an example with none).
    pub lm: f64,
    /// `L_task + λ·L_lm`.
    pub total: f64,
}

/// [`Tuner::evaluate`]'s answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The losses.
    pub losses: TunerLosses,
    /// The share of examples whose most likely class (ties: the lower) is their label.
    pub accuracy: f64,
    /// `P(y | x)` of every example, `examples × classes`, row-major.
    pub probabilities: Vec<f64>,
}

/// numpy's legacy `RandomState.standard_normal`: Marsaglia's polar method on pairs of `random_sample`, the second
/// value of each pair kept for the next draw. `ln` is [`ln_f64`], built from exactly rounded operations, so every
/// target draws the same numbers (and numpy the same to its last bit or so).
struct Normal {
    rng: Mt19937,
    spare: Option<f64>,
}

impl Normal {
    fn new(seed: u32) -> Normal {
        Normal { rng: Mt19937::new(seed), spare: None }
    }

    /// One draw of N(0, std²), rounded to `f32`.
    fn draw(&mut self, std: f64) -> f32 {
        (std * self.standard()) as f32
    }

    fn standard(&mut self) -> f64 {
        if let Some(x) = self.spare.take() {
            return x;
        }
        loop {
            // a point drawn uniformly in the unit disc (not its centre)
            let x1 = 2.0 * random_sample(&mut self.rng) - 1.0;
            let x2 = 2.0 * random_sample(&mut self.rng) - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                // two independent normals from it
                let f = (-2.0 * ln_f64(r2) / r2).sqrt();
                self.spare = Some(f * x1);
                return f * x2;
            }
        }
    }
}

/// A tuner: a copy of a model's trainable part, its gradients and Adam's moments, over the model's frozen weights.
#[derive(Debug, Clone)]
pub struct Tuner {
    /// The model, sharing its weights (frozen): the embeddings, the lower blocks, the tied output layer.
    pub(crate) base: TinyGpt,
    /// V: the vocabulary's rows; the special rows are V, V + 1, V + 2.
    pub(crate) vocab: usize,
    /// The first trainable block (the model's blocks minus k).
    pub(crate) first: usize,
    /// The trainable part as a network of k blocks: the special rows (when they train), the blocks, W_y, its bias.
    pub(crate) top: Net<f32>,
    /// The special rows when they do not train (k below the model's blocks).
    pub(crate) frozen_special: Vec<f32>,
    pub(crate) grads: Vec<f32>,
    pub(crate) optimiser: AdamW,
    pub(crate) lambda: f64,
    /// The state entering the first trainable block, kept per example (by its ids).
    pub(crate) below: BTreeMap<Vec<u32>, Vec<f32>>,
    pub(crate) below_bytes: u64,
    pub(crate) ws: Workspace<f32>,
    pub(crate) scratch: PassScratch,
}

/// The passes' buffers besides the trainable blocks' workspace, reused from call to call.
#[derive(Debug, Clone, Default)]
pub(crate) struct PassScratch {
    /// The frozen blocks' input and output, and one block's activations.
    pub(crate) below_x: Vec<f32>,
    pub(crate) below_out: Vec<f32>,
    pub(crate) below_block: BlockActivations<f32>,
    /// The gradient of the final states, `positions × d`.
    pub(crate) dh: Vec<f32>,
    /// Language model: the gathered states (transposed), their logits (then gradients), the states' gradient.
    pub(crate) lm_h: Vec<f32>,
    pub(crate) lm_logits: Vec<f32>,
    pub(crate) lm_dh: Vec<f32>,
}

impl TinyGpt {
    /// A tuner over a copy of this model's trainable part (see [`Tuner`]): `options.train_blocks` top blocks,
    /// a new head of `options.classes` classes and the three special rows. A model that already has the special
    /// rows (a tuner's [`Tuner::model`]) starts from its own, and from its head when it has the same classes.
    pub fn fine_tuner(&self, options: &TunerOptions) -> Result<Tuner> {
        Tuner::new(self, options)
    }
}

impl Tuner {
    fn new(gpt: &TinyGpt, options: &TunerOptions) -> Result<Tuner> {
        options.validate()?;
        // the tuner reads and copies float32 weights: a compact model has none to train
        gpt.require_float32("fine-tune")?;
        let config = *gpt.config();
        let k = whole_number("trainBlocks", options.train_blocks as f64, 0, config.layers as u64)? as usize;
        if config.norm != Norm::Post {
            return Err(Error::Unsupported(
                "the fine-tuner follows GPT-1's train.py, whose blocks are post-LN; this model is pre-LN (GPT-2's \
                 arrangement)"
                    .into(),
            ));
        }
        let (v, d, classes) = (config.vocab, config.d_model, options.classes);
        let has_special = match config.embeddings - v {
            0 => false,
            3 => true,
            extra => {
                return Err(Error::Unsupported(format!(
                    "the fine-tuner adds three rows after the vocabulary's {v} (_start_, _delimiter_, _classify_), \
                     but this model already has {extra} other rows after it"
                )));
            }
        };
        if config.classes != 0 && config.classes != classes {
            return Err(invalid_number(
                "classes",
                classes as f64,
                format!(
                    "{} (the classes of this model's classifier; a new head needs a model without one)",
                    config.classes
                ),
            ));
        }
        let memory = TunerMemory::of(gpt, k, classes);
        if memory.total() > MEMORY_BUDGET {
            let fits = (0..k).rev().find(|&k| TunerMemory::of(gpt, k, classes).total() <= MEMORY_BUDGET);
            return Err(over_budget(&memory, k, fits));
        }
        refuse_if_unavailable(memory.state, "the fine-tuner's trainable copy, gradients and Adam's moments")?;

        // the trainable part, copied from the model; then what is new
        let top_config = top_config(&config, k, classes);
        let mut top = Net { layout: Layout::new(&top_config), config: top_config, params: Vec::new(), int8: None };
        top.params = vec![0.0; top.layout.total];
        let (base, first) = (&gpt.net, config.layers - k);
        for (to, from) in top.layout.blocks.iter().zip(&base.layout.blocks[first..]) {
            // a block's tensors are consecutive, in the same order in both layouts
            top.params[to.ln1_g.start..to.b_out.end].copy_from_slice(&base.params[from.ln1_g.start..from.b_out.end]);
        }
        let mut normal = Normal::new(options.seed);
        let mut special: Vec<f32> = (0..3 * d).map(|_| normal.draw(NEW_STD)).collect();
        let w_y: Vec<f32> = (0..d * classes).map(|_| normal.draw(NEW_STD)).collect();
        if has_special {
            special.copy_from_slice(&base.params[base.layout.wte.start + v * d..][..3 * d]);
        }
        if config.classes == classes {
            top.params[top.layout.w_cls.clone()].copy_from_slice(&base.params[base.layout.w_cls.clone()]);
            top.params[top.layout.b_cls.clone()].copy_from_slice(&base.params[base.layout.b_cls.clone()]);
        } else {
            top.params[top.layout.w_cls.clone()].copy_from_slice(&w_y);
        }
        let frozen_special = if k == config.layers {
            top.params[top.layout.wte.clone()].copy_from_slice(&special);
            Vec::new()
        } else {
            special
        };

        let mut optimiser = AdamW::new(top.params.len(), options.learning_rate, decayed(&top));
        optimiser.beta2 = 0.999;
        optimiser.warmup = options.warmup;
        optimiser.decay_after = 0;
        // the model without its training state: only its weights (shared) and its text side are needed
        let mut base = gpt.clone();
        base.optimiser = AdamW::new(0, options.learning_rate, Vec::new());
        base.grads = Vec::new();
        base.ws = Workspace::default();
        Ok(Tuner {
            base,
            vocab: v,
            first,
            grads: vec![0.0; top.params.len()],
            top,
            frozen_special,
            optimiser,
            lambda: options.lambda,
            below: BTreeMap::new(),
            below_bytes: 0,
            ws: Workspace::default(),
            scratch: PassScratch::default(),
        })
    }

    /// How many blocks train.
    pub fn train_blocks(&self) -> usize {
        self.top.config.layers
    }

    /// Classes of the head.
    pub fn classes(&self) -> usize {
        self.top.config.classes
    }

    /// How many numbers train.
    pub fn trainable(&self) -> usize {
        self.top.params.len()
    }

    /// Updates made so far.
    pub fn steps(&self) -> u32 {
        self.optimiser.steps()
    }

    /// What this tuner needs, in bytes (as checked against [`MEMORY_BUDGET`] when it was made).
    pub fn memory(&self) -> TunerMemory {
        TunerMemory::of(&self.base, self.top.config.layers, self.top.config.classes)
    }

    /// One update on `examples`: the gradient of their mean loss, then Adam. Returns the losses before the update.
    pub fn step(&mut self, examples: &[TaskIds]) -> Result<TunerLosses> {
        let sums = self.run(examples, true)?;
        self.optimiser.update(&mut self.top.params, &mut self.grads);
        Ok(sums.losses(self.lambda, examples.len()))
    }

    /// The losses, accuracy and class probabilities on `examples`, with no update.
    pub fn evaluate(&mut self, examples: &[TaskIds]) -> Result<Evaluation> {
        let sums = self.run(examples, false)?;
        Ok(Evaluation {
            losses: sums.losses(self.lambda, examples.len()),
            accuracy: sums.correct as f64 / examples.len() as f64,
            probabilities: sums.probabilities,
        })
    }

    /// The gradient of the mean loss on `examples` for every trainable tensor, with no update: Hugging Face's
    /// names and layouts (see [`Tuner::tensors`]).
    pub fn gradients(&mut self, examples: &[TaskIds]) -> Result<Vec<(String, Vec<f32>)>> {
        self.run(examples, true)?;
        Ok(self.named(&self.grads))
    }

    /// The trainable tensors' values: `tokens_embed.weight` (only when every block trains: the three special
    /// rows, 3 × d), `h.N.…` for each trainable block N as the weights file names them (matrices [in, out]),
    /// `classifier.weight` (W_yᵀ, classes × d, as `score.weight` in a file) and `classifier.bias` (classes).
    pub fn tensors(&self) -> Vec<(String, Vec<f32>)> {
        self.named(&self.top.params)
    }

    /// Replaces a trainable tensor's values (named and laid out as [`Tuner::tensors`] gives them).
    pub fn set_tensor(&mut self, name: &str, values: &[f32]) -> Result<()> {
        let d = self.top.config.d_model;
        let (_, range) = self.places().into_iter().find(|(n, _)| n == name).ok_or_else(|| Error::InvalidParameter {
            name: "tensor",
            value: crate::error::quoted(name).into(),
            allowed: format!(
                "one of the trainable tensors: {}",
                self.places().into_iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
            ),
        })?;
        if values.len() != range.len() {
            return Err(Error::InvalidParameter {
                name: "values",
                value: format!("{} numbers", values.len()).into(),
                allowed: format!("{} numbers, the size of {name}", range.len()),
            });
        }
        let to = &mut self.top.params[range];
        if name == CLASSIFIER {
            // W_yᵀ [classes, d] into W_y (d × classes)
            let classes = self.top.config.classes;
            for (i, &x) in values.iter().enumerate() {
                to[(i % d) * classes + i / d] = x;
            }
        } else {
            to.copy_from_slice(values);
        }
        Ok(())
    }

    /// The model with the tuned weights: the frozen ones, the trainable part, the special rows after the
    /// vocabulary and the classifier (which `to_safetensors` saves as `score.weight` and `score.bias`).
    pub fn model(&self) -> Result<TinyGpt> {
        let base = &self.base.net;
        let (v, d) = (self.vocab, base.config.d_model);
        let mut config = base.config;
        config.embeddings = v + 3;
        config.classes = self.top.config.classes;
        let layout = Layout::new(&config);
        let new = 4 * layout.total as u64;
        let memory = self.memory();
        if memory.total() + new > MEMORY_BUDGET {
            return Err(Error::Unsupported(format!(
                "a model with the tuned weights needs {} MB more, beside the model's {} MB and this tuner's {} MB: \
                 {} MB, above the module's budget of {} MB",
                mb(new),
                mb(memory.model),
                mb(memory.state + memory.work),
                mb(memory.total() + new),
                mb(MEMORY_BUDGET)
            )));
        }
        refuse_if_unavailable(new, "a model with the tuned weights")?;
        let mut params = vec![0.0f32; layout.total];
        // the vocabulary's rows and the positions, frozen; then the special rows
        params[layout.wte.start..][..v * d].copy_from_slice(&base.params[base.layout.wte.start..][..v * d]);
        params[layout.wte.start + v * d..layout.wte.end].copy_from_slice(self.special_rows());
        params[layout.wpe.clone()].copy_from_slice(&base.params[base.layout.wpe.clone()]);
        // the blocks: frozen below, tuned above
        for (l, to) in layout.blocks.iter().enumerate() {
            let (from, source) = match l.checked_sub(self.first) {
                None => (&base.layout.blocks[l], &base.params),
                Some(j) => (&self.top.layout.blocks[j], &self.top.params),
            };
            params[to.ln1_g.start..to.b_out.end].copy_from_slice(&source[from.ln1_g.start..from.b_out.end]);
        }
        params[layout.w_cls.clone()].copy_from_slice(&self.top.params[self.top.layout.w_cls.clone()]);
        params[layout.b_cls.clone()].copy_from_slice(&self.top.params[self.top.layout.b_cls.clone()]);
        let mut model = self.base.clone();
        model.net = Rc::new(Net { config, layout, params, int8: None });
        Ok(model)
    }

    /// The special rows `_start_`, `_delimiter_`, `_classify_` (3 × d), trained or frozen.
    pub(crate) fn special_rows(&self) -> &[f32] {
        if self.frozen_special.is_empty() {
            &self.top.params[self.top.layout.wte.clone()]
        } else {
            &self.frozen_special
        }
    }

    /// Every trainable tensor's name and place in the trainable part.
    fn places(&self) -> Vec<(String, Range<usize>)> {
        let lay = &self.top.layout;
        let mut all = Vec::new();
        if !lay.wte.is_empty() {
            all.push(("tokens_embed.weight".to_string(), lay.wte.clone()));
        }
        for (j, b) in lay.blocks.iter().enumerate() {
            let block = block_tensors(b, self.top.config.d_model);
            all.extend(block.into_iter().map(|(name, range, _)| (format!("h.{}.{name}", self.first + j), range)));
        }
        all.push((CLASSIFIER.to_string(), lay.w_cls.clone()));
        all.push(("classifier.bias".to_string(), lay.b_cls.clone()));
        all
    }

    /// `values` (laid out as the trainable part) cut into the named tensors, W_y transposed to [classes, d].
    fn named(&self, values: &[f32]) -> Vec<(String, Vec<f32>)> {
        let (d, classes) = (self.top.config.d_model, self.top.config.classes);
        self.places()
            .into_iter()
            .map(|(name, range)| {
                let part = &values[range];
                let out = if name == CLASSIFIER {
                    (0..classes * d).map(|i| part[(i % d) * classes + i / d]).collect()
                } else {
                    part.to_vec()
                };
                (name, out)
            })
            .collect()
    }

    /// Checks a batch: at least one example, each 1 to `context` ids from the vocabulary and the three special
    /// tokens, with a `_classify_`, and a label below the classes.
    pub(crate) fn check(&self, examples: &[TaskIds]) -> Result<()> {
        if examples.is_empty() {
            return Err(Error::InvalidParameter {
                name: "examples",
                value: "[]".into(),
                allowed: "a list of at least one labelled example { ids, label }".into(),
            });
        }
        let (v, context, classes) = (self.vocab, self.base.config().context, self.top.config.classes);
        let classify = (v + 2) as u32;
        for (i, e) in examples.iter().enumerate() {
            if e.ids.is_empty() || e.ids.len() > context {
                return Err(Error::InvalidParameter {
                    name: "ids",
                    value: format!("{} ids in examples[{i}]", e.ids.len()).into(),
                    allowed: format!("1 to {context} token ids (the model's context)"),
                });
            }
            if let Some(&id) = e.ids.iter().find(|&&id| id > classify) {
                return Err(Error::InvalidParameter {
                    name: "ids",
                    value: format!("{id} in examples[{i}]").into(),
                    allowed: format!(
                        "token ids from 0 to {classify}: the vocabulary's {v}, then _start_ ({v}), _delimiter_ ({}) \
                         and _classify_ ({classify})",
                        v + 1
                    ),
                });
            }
            if !e.ids.contains(&classify) {
                return Err(Error::InvalidParameter {
                    name: "ids",
                    value: format!("examples[{i}], which has no _classify_ ({classify})").into(),
                    allowed: "a sequence transformed as in Part B, _start_ … _classify_: the classifier reads the \
                              final state at _classify_"
                        .into(),
                });
            }
            if e.label >= classes {
                return Err(Error::InvalidParameter {
                    name: "label",
                    value: Given::Item { number: e.label as f64, index: i },
                    allowed: format!("a class from 0 to {} (classes = {classes})", classes - 1),
                });
            }
        }
        Ok(())
    }
}

/// The head's name among the trainable tensors.
const CLASSIFIER: &str = "classifier.weight";
