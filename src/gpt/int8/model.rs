//! A model's form: [`TinyGpt::compact`] makes the int8 form of a float32 model, [`TinyGpt::agreement`] measures
//! how far two models' predictions differ on a text, and training a compact model is refused.

use std::rc::Rc;

use super::dispatch::{embed, tied_logits};
use super::{Int8Weights, require_blocks};
use crate::error::{Error, Result};
use crate::gpt::float::{exp_f32, ln_f64};
use crate::gpt::kernels::layer_norm;
use crate::gpt::model::TinyGpt;
use crate::gpt::net::{BlockActivations, Net, Workspace, block_forward};
use crate::gpt::params::{Form, Layout};
use crate::gpt::train::adam::AdamW;

/// Positions whose logits [`TinyGpt::agreement`] computes together (GPT-1: 32 × 40,478 numbers, 5 MB a model).
pub const AGREEMENT_POSITIONS: usize = 32;

/// How closely two models predict the next token of the same ids, read teacher-forced: every position's
/// distribution, the reference's P against the other's Q.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    /// Positions compared (every id's next-token distribution).
    pub positions: usize,
    /// The share of positions whose most likely next token (ties: the lower id) is the same in both.
    pub top1: f64,
    /// The mean over positions of KL(P ‖ Q) = Σ p·(ln p − ln q), in nats.
    pub mean_kl: f64,
    /// The largest |logit − logit′| over every position and embedding row.
    pub max_logit_difference: f64,
    /// The mean |logit − logit′| over every position and embedding row.
    pub mean_logit_difference: f64,
}

impl TinyGpt {
    /// How the model holds its matrices: float32, or the compact int8 form.
    pub fn form(&self) -> Form {
        if self.net.int8.is_some() { Form::Int8 } else { Form::Float32 }
    }

    /// The int8 form's matrices (`None` in float32).
    pub fn int8_weights(&self) -> Option<&Int8Weights> {
        self.net.int8.as_ref()
    }

    /// A new model in the int8 form ([`super`]): the same vocabulary and shape, every block's matrices and the
    /// tied embedding quantized, the other weights as they are. A model already compact is returned as it is.
    pub fn compact(&self) -> Result<TinyGpt> {
        if self.form() == Form::Int8 {
            return Ok(self.clone());
        }
        let config = self.net.config;
        require_blocks(config.d_model)?;
        let int8 = Int8Weights::quantize(&self.net)?;
        // the float32 numbers that stay, tensor by tensor, into the compact layout (the matrices' ranges are empty)
        let layout = Layout::of_form(&config, Form::Int8);
        let mut params = vec![0.0; layout.total];
        for ((_, to, _, _), (_, from, _, _)) in
            layout.tensors(&config).into_iter().zip(self.net.layout.tensors(&config))
        {
            if !to.is_empty() {
                params[to].copy_from_slice(&self.net.params[from]);
            }
        }
        let mut compact = self.clone();
        compact.net = Rc::new(Net { config, layout, params, int8: Some(int8) });
        compact.optimiser = AdamW::new(0, self.options.learning_rate, Vec::new());
        compact.grads = Vec::new();
        compact.ws = Workspace::default();
        Ok(compact)
    }

    /// An error saying why a compact model cannot `what` (train, fine-tune…).
    pub(crate) fn require_float32(&self, what: &str) -> Result<()> {
        if self.form() == Form::Int8 {
            return Err(Error::Unsupported(format!(
                "this model is in the compact int8 form, which cannot {what}: its weights are rounded to 8 bits, \
                 too coarse for small updates; {what} the float32 model, then make its compact form"
            )));
        }
        Ok(())
    }

    /// How closely `other` (a model of the same shape, in either form) predicts as this one does over `ids`
    /// (1 to context ids, read teacher-forced): this model is the reference P. Only one block's activations and
    /// the logits of [`AGREEMENT_POSITIONS`] positions per model are held at a time.
    pub fn agreement(&self, other: &TinyGpt, ids: &[u32]) -> Result<Agreement> {
        let (a, b) = (self.net.config, other.net.config);
        if (a.d_model, a.layers, a.heads, a.context, a.embeddings, a.norm)
            != (b.d_model, b.layers, b.heads, b.context, b.embeddings, b.norm)
        {
            return Err(Error::InvalidParameter {
                name: "other",
                value: format!("a model of d = {}, {} blocks, {} rows", b.d_model, b.layers, b.embeddings).into(),
                allowed: format!(
                    "a model of this one's shape (d = {}, {} blocks, {} heads, context {}, {} rows)",
                    a.d_model, a.layers, a.heads, a.context, a.embeddings
                ),
            });
        }
        self.check_ids(ids, 1)?;
        let (d, rows) = (a.d_model, a.embeddings);
        let (states_p, states_q) = (final_states(&self.net, ids), final_states(&other.net, ids));
        let (mut p, mut q) = (Vec::new(), Vec::new());
        let (mut top1, mut kl, mut max, mut sum) = (0usize, 0.0, 0.0f64, 0.0);
        let chunk = AGREEMENT_POSITIONS * d;
        for (hp, hq) in states_p.chunks(chunk).zip(states_q.chunks(chunk)) {
            // the logits of a few positions at once: the embedding is read once for all of them
            let m = hp.len() / d;
            p.resize(m * rows, 0.0);
            q.resize(m * rows, 0.0);
            tied_logits(&mut p, hp, &self.net, m);
            tied_logits(&mut q, hq, &other.net, m);
            for (p, q) in p.chunks_exact(rows).zip(q.chunks_exact(rows)) {
                top1 += usize::from(most_likely(p) == most_likely(q));
                // KL from the log-softmaxes, in float64 (p itself from the f32 exp, to its 2 ulp)
                let (lp, lq) = (log_sum_exp(p), log_sum_exp(q));
                for (&x, &y) in p.iter().zip(q) {
                    let (log_p, log_q) = (f64::from(x) - lp, f64::from(y) - lq);
                    kl += f64::from(exp_f32(log_p as f32)) * (log_p - log_q);
                    let gap = (f64::from(x) - f64::from(y)).abs();
                    max = max.max(gap);
                    sum += gap;
                }
            }
        }
        let t = ids.len();
        Ok(Agreement {
            positions: t,
            top1: top1 as f64 / t as f64,
            mean_kl: kl / t as f64,
            max_logit_difference: max,
            mean_logit_difference: sum / (t * rows) as f64,
        })
    }
}

/// The final states h of every position of `ids` (`T × d`), one block at a time with its activations reused, as
/// the decoder's prompt pass runs (so each position's state has a full pass's bits).
fn final_states(net: &Net<f32>, ids: &[u32]) -> Vec<f32> {
    let (d, len) = (net.config.d_model, ids.len());
    let mut x = vec![0.0; len * d];
    for (i, (x, &id)) in x.chunks_exact_mut(d).zip(ids).enumerate() {
        embed(x, net, id, i);
    }
    let (mut a, mut out) = (BlockActivations::default(), Vec::new());
    for (l, t) in net.layout.blocks.iter().enumerate() {
        let q = net.int8.as_ref().map(|q| &q.blocks[l]);
        block_forward(t, &net.params, q, &net.config, (1, len), &x, &mut a, &mut out);
        std::mem::swap(&mut x, &mut out);
    }
    // pre-LN only: the final LayerNorm
    if let Some((g, b)) = &net.layout.final_norm {
        let mut stats = vec![0.0; 2 * len];
        out.resize(len * d, 0.0);
        layer_norm(&mut out, &mut stats, &x, &net.params[g.clone()], &net.params[b.clone()], d);
        return out;
    }
    x
}

/// The index of the largest logit (ties: the lower index).
fn most_likely(logits: &[f32]) -> usize {
    logits.iter().enumerate().fold(0, |best, (i, &x)| if x > logits[best] { i } else { best })
}

/// `ln Σ e^x` = max + ln Σ e^(x − max), the terms from the f32 exp and summed in float64: like every function of
/// the network, built from exactly rounded operations ([`crate::gpt::float`]), so the same bits on every target.
fn log_sum_exp(logits: &[f32]) -> f64 {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
    f64::from(max) + ln_f64(logits.iter().map(|&x| f64::from(exp_f32(x - max))).sum::<f64>())
}
