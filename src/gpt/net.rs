//! The network and its forward pass, GPT-1's: token + position embeddings, post-LayerNorm blocks (causal
//! multi-head attention and a GELU MLP, each added to its input and then normalised), no final LayerNorm, the
//! output layer tied to the token embedding (logits = h·Wₑᵀ), and the fine-tuning head at `[EXTRACT]`. GPT-2's
//! pre-LayerNorm arrangement is the other [`Norm`].

use super::attention::attention;
use super::float::{Float, ln_f64};
use super::int8::dispatch::{block_matrices, embed, product, tied_logits};
use super::int8::{Int8Block, Int8Weights};
use super::kernels::{gelu, layer_norm, matmul};
use super::params::{BlockTensors, Config, Layout, Norm, initialise};
use crate::sampling::Mt19937;

/// A target id meaning "nothing to predict here" (padding, or a special token the head cannot output).
pub const NO_TARGET: u32 = u32::MAX;

/// A batch: `rows` sequences of `len` positions, padded on the right.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batch {
    /// Sequences in the batch.
    pub rows: usize,
    /// Positions per sequence (≤ the context).
    pub len: usize,
    /// Input token ids, `rows × len` (padding: any valid id).
    pub inputs: Vec<u32>,
    /// The next token at each position, or [`NO_TARGET`].
    pub targets: Vec<u32>,
    /// Fine-tuning: the position of `[EXTRACT]` in each sequence (empty: no task loss).
    pub extract: Vec<usize>,
    /// Fine-tuning: each sequence's class.
    pub labels: Vec<usize>,
    /// Weight λ of the language-model loss when there is a task loss.
    pub lambda: f64,
}

/// The two halves of a fine-tuning loss (`task` is 0 without a task).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Losses {
    /// Mean cross-entropy of the classifier over the batch's sequences.
    pub task: f64,
    /// Mean −ln P(next token) over the batch's predicted positions (NaN when there are none).
    pub lm: f64,
    /// The sum behind `lm`.
    pub lm_total: f64,
    /// How many positions had a target.
    pub predicted: usize,
}

/// What the forward pass keeps for the backward pass, for one block (x is the stream entering it).
#[derive(Debug, Clone, Default)]
pub struct BlockActivations<F> {
    /// Pre-LN: `LN₁(x)`, the attention's input. Post-LN: `n = LN₁(x + attn(x))`, the MLP's input.
    pub(crate) ln1: Vec<F>,
    pub(crate) ln1_stats: Vec<F>,
    pub(crate) qkv: Vec<F>,
    /// Attention weights, `rows × heads × len × len`.
    pub(crate) probs: Vec<F>,
    pub(crate) att: Vec<F>,
    /// `x + attn(…)`: the attention's residual sum.
    pub(crate) mid: Vec<F>,
    /// Pre-LN: `LN₂(mid)`, the MLP's input. Post-LN: `n + mlp(n)`, the MLP's residual sum.
    pub(crate) ln2: Vec<F>,
    pub(crate) ln2_stats: Vec<F>,
    pub(crate) fc: Vec<F>,
    pub(crate) act: Vec<F>,
    /// GELU's tanh at each hidden unit, kept for the backward pass.
    pub(crate) tanh: Vec<F>,
}

/// Activations and scratch space, reused from batch to batch.
#[derive(Debug, Clone, Default)]
pub struct Workspace<F> {
    /// The residual stream entering each block, then leaving the last (layers + 1 of `rows·len × d`).
    pub(crate) stream: Vec<Vec<F>>,
    pub(crate) blocks: Vec<BlockActivations<F>>,
    /// Pre-LN only: the final LayerNorm of the last block's output.
    pub(crate) lnf: Vec<F>,
    pub(crate) lnf_stats: Vec<F>,
    /// Logits, then (after [`Net::losses`]) probabilities, `rows·len × embeddings` (one per embedding row).
    pub(crate) logits: Vec<F>,
    /// Fine-tuning head: class probabilities, `rows × classes`.
    pub(crate) class_probs: Vec<F>,
    // backward scratch
    pub(crate) d_stream: Vec<F>,
    pub(crate) d_ln: Vec<F>,
    pub(crate) d_att: Vec<F>,
    pub(crate) d_qkv: Vec<F>,
    pub(crate) d_fc: Vec<F>,
    pub(crate) d_act: Vec<F>,
    pub(crate) scratch: Vec<F>,
}

impl<F> Workspace<F> {
    /// After a forward pass: the final states h that the output layer and the classifier read (`rows·len × d`).
    pub(crate) fn hidden(&self, norm: Norm) -> &[F] {
        hidden(&self.stream, &self.lnf, norm)
    }

    /// After a forward pass: the attention weights of `head` in block `layer` for sequence `row` of a batch of
    /// `len` positions (`len × len`, row-major).
    pub fn attention_weights(&self, layer: usize, row: usize, head: usize, heads: usize, len: usize) -> &[F] {
        &self.blocks[layer].probs[(row * heads + head) * len * len..][..len * len]
    }

    /// After a forward pass (before [`Net::losses`]): the logits, `rows·len × embeddings`.
    pub fn logits(&self) -> &[F] {
        &self.logits
    }
}

/// The final states h: the last block's output (post-LN), or its final LayerNorm (pre-LN).
pub(crate) fn hidden<'a, F>(stream: &'a [Vec<F>], lnf: &'a [F], norm: Norm) -> &'a [F] {
    match norm {
        Norm::Post => stream.last().map_or(&[], Vec::as_slice),
        Norm::Pre => lnf,
    }
}

/// Gives a buffer `len` elements; the forward pass overwrites every one, so old values may stay.
fn sized<F: Float>(v: &mut Vec<F>, len: usize) {
    v.resize(len, F::ZERO);
}

/// A transformer's shape and weights.
#[derive(Debug, Clone)]
pub struct Net<F> {
    /// The shape.
    pub config: Config,
    /// Where each tensor lives in `params`.
    pub layout: Layout,
    /// Every weight, flat (in the int8 form, every weight but the compact matrices).
    pub params: Vec<F>,
    /// The int8 form's matrices ([`super::int8`]); `None` in float32, where `params` holds them.
    pub int8: Option<Int8Weights>,
}

impl<F: Float> Net<F> {
    /// A network of shape `config` with weights drawn from a generator seeded with `seed`.
    pub fn new(config: Config, seed: u32) -> Net<F> {
        let layout = Layout::new(&config);
        let mut params = vec![F::ZERO; layout.total];
        let mut rng = Mt19937::new(seed);
        for (_, range, init, _) in layout.tensors(&config) {
            initialise(&mut params[range], init, &mut rng);
        }
        Net { config, layout, params, int8: None }
    }

    /// The same weights in a wider shape (more embedding rows, a classifier head): tensors that exist in both are
    /// copied, new rows and new tensors are initialised from `seed`.
    pub fn reshaped(&self, config: Config, seed: u32) -> Net<F> {
        let mut next = Net::new(config, seed);
        let old = self.layout.tensors(&self.config);
        for ((name, to, _, _), (_, from, _, _)) in next.layout.tensors(&config).into_iter().zip(old) {
            // the token embedding grows by rows at the end, so its old values are a prefix; other tensors are
            // copied only when their shape is unchanged
            if name == "wte" || from.len() == to.len() {
                let n = from.len().min(to.len());
                next.params[to.start..to.start + n].copy_from_slice(&self.params[from.start..from.start + n]);
            }
        }
        next
    }

    /// Runs the network on `batch`: fills `ws` with every activation and the logits.
    pub fn forward(&self, batch: &Batch, ws: &mut Workspace<F>) {
        let Config { d_model: d, layers, embeddings, .. } = self.config;
        let (rows, len) = (batch.rows, batch.len);
        let n = rows * len;
        let p = &self.params;
        let lay = &self.layout;
        assert!(len <= self.config.context && batch.inputs.len() == n, "batch shape");

        ws.stream.resize_with(layers + 1, Vec::new);
        ws.blocks.resize_with(layers, BlockActivations::default);
        // x = token embedding + position embedding
        let x = &mut ws.stream[0];
        sized(x, n * d);
        for (i, (x, &id)) in x.chunks_exact_mut(d).zip(&batch.inputs).enumerate() {
            embed(x, self, id, i % len);
        }
        for l in 0..layers {
            let (done, rest) = ws.stream.split_at_mut(l + 1);
            let q = self.int8.as_ref().map(|q| &q.blocks[l]);
            let (x, a, out) = (&done[l], &mut ws.blocks[l], &mut rest[0]);
            block_forward(&lay.blocks[l], p, q, &self.config, (rows, len), x, a, out);
        }
        // pre-LN only: a final LayerNorm
        if let Some((g, b)) = &lay.final_norm {
            sized(&mut ws.lnf, n * d);
            sized(&mut ws.lnf_stats, n * 2);
            layer_norm(&mut ws.lnf, &mut ws.lnf_stats, &ws.stream[layers], &p[g.clone()], &p[b.clone()], d);
        }
        // the tied output layer: logits = h·Wₑᵀ, one per row of the token embedding
        sized(&mut ws.logits, n * embeddings);
        let h = hidden(&ws.stream, &ws.lnf, self.config.norm);
        tied_logits(&mut ws.logits, h, self, n);
    }

    /// After [`Net::forward`]: the losses, with the logits turned into probabilities (and the classifier's
    /// probabilities computed when the batch has a task).
    pub fn losses(&self, batch: &Batch, ws: &mut Workspace<F>) -> Losses {
        let Config { d_model: d, embeddings, classes, norm, .. } = self.config;
        // language model: mean over predicted positions of −ln softmax(logits)[target], the softmax over every
        // embedding row
        let (mut lm_total, mut predicted) = (0.0, 0usize);
        for (row, &target) in ws.logits.chunks_exact_mut(embeddings).zip(&batch.targets) {
            let logit = if target != NO_TARGET { row[target as usize].f64() } else { 0.0 };
            let log_sum = softmax(row);
            if target != NO_TARGET {
                lm_total += log_sum - logit;
                predicted += 1;
            }
        }
        let lm = if predicted > 0 { lm_total / predicted as f64 } else { f64::NAN };
        // classifier: P(y | x) = softmax(h·W_y + b) at [EXTRACT] (b stays 0 in Part D: the paper's softmax(h·W_y))
        let mut task = 0.0;
        if !batch.extract.is_empty() {
            let w_cls = &self.params[self.layout.w_cls.clone()];
            let b_cls = &self.params[self.layout.b_cls.clone()];
            sized(&mut ws.class_probs, batch.rows * classes);
            for (r, (&at, &label)) in batch.extract.iter().zip(&batch.labels).enumerate() {
                let h = &hidden(&ws.stream, &ws.lnf, norm)[(r * batch.len + at) * d..][..d];
                let z = &mut ws.class_probs[r * classes..][..classes];
                matmul(z, h, w_cls, (1, d, classes), Some(b_cls), false);
                let logit = z[label].f64();
                task += softmax(z) - logit;
            }
            task /= batch.rows as f64;
        }
        Losses { task, lm, lm_total, predicted }
    }
}

/// One block's forward pass from `x` into `out`, keeping its activations in `a`; its matrices are in `p`, or in
/// `q` for the int8 form.
#[allow(clippy::too_many_arguments)]
pub(crate) fn block_forward<F: Float>(
    t: &BlockTensors,
    p: &[F],
    q: Option<&Int8Block>,
    config: &Config,
    (rows, len): (usize, usize),
    x: &[F],
    a: &mut BlockActivations<F>,
    out: &mut Vec<F>,
) {
    let Config { d_model: d, heads, norm, .. } = *config;
    let n = rows * len;
    let w = block_matrices(t, p, q);
    sized(&mut a.ln1, n * d);
    sized(&mut a.ln1_stats, n * 2);
    sized(&mut a.ln2, n * d);
    sized(&mut a.ln2_stats, n * 2);
    // pre-LN: the attention reads LN₁(x)
    if norm == Norm::Pre {
        layer_norm(&mut a.ln1, &mut a.ln1_stats, x, &p[t.ln1_g.clone()], &p[t.ln1_b.clone()], d);
    }
    // attention: mid = x + W_proj·attention(W_qkv·input)
    sized(&mut a.qkv, n * 3 * d);
    let input = if norm == Norm::Pre { &a.ln1 } else { x };
    product(&mut a.qkv, input, w.qkv, (n, d, 3 * d), Some(&p[t.b_qkv.clone()]), false);
    sized(&mut a.probs, rows * heads * len * len);
    sized(&mut a.att, n * d);
    attention(&mut a.att, &mut a.probs, &a.qkv, rows, len, d, heads);
    a.mid.clear();
    a.mid.extend_from_slice(x);
    product(&mut a.mid, &a.att, w.proj, (n, d, d), Some(&p[t.b_proj.clone()]), true);
    // post-LN: n = LN₁(mid) is the MLP's input; pre-LN: LN₂(mid) is
    match norm {
        Norm::Post => layer_norm(&mut a.ln1, &mut a.ln1_stats, &a.mid, &p[t.ln1_g.clone()], &p[t.ln1_b.clone()], d),
        Norm::Pre => layer_norm(&mut a.ln2, &mut a.ln2_stats, &a.mid, &p[t.ln2_g.clone()], &p[t.ln2_b.clone()], d),
    }
    // MLP: W_out·GELU(W_fc·input), added to the residual (n, or mid)
    sized(&mut a.fc, n * 4 * d);
    let input = if norm == Norm::Pre { &a.ln2 } else { &a.ln1 };
    product(&mut a.fc, input, w.fc, (n, d, 4 * d), Some(&p[t.b_fc.clone()]), false);
    sized(&mut a.act, n * 4 * d);
    sized(&mut a.tanh, n * 4 * d);
    gelu(&mut a.act, &mut a.tanh, &a.fc);
    let sum = match norm {
        Norm::Post => &mut a.ln2,
        Norm::Pre => &mut *out,
    };
    sum.clear();
    sum.extend_from_slice(match norm {
        Norm::Post => &a.ln1,
        Norm::Pre => &a.mid,
    });
    product(sum, &a.act, w.out, (n, 4 * d, d), Some(&p[t.b_out.clone()]), true);
    // post-LN: h = LN₂(n + mlp(n))
    if norm == Norm::Post {
        sized(out, n * d);
        layer_norm(out, &mut a.ln2_stats, &a.ln2, &p[t.ln2_g.clone()], &p[t.ln2_b.clone()], d);
    }
}

/// Turns `row` into softmax probabilities in place and returns `ln Σ e^x` (= max + ln Σ e^(x − max)), so that
/// `−ln p_i = that − x_i` is computed from the logits, exactly, even when `p_i` underflows.
fn softmax<F: Float>(row: &mut [F]) -> f64 {
    let (max, sum) = softmax_in_place(row);
    max.f64() + ln_f64(sum.f64())
}

/// Turns `row` into softmax probabilities in place; returns its old maximum and `Σ e^(x − max)`.
pub(crate) fn softmax_in_place<F: Float>(row: &mut [F]) -> (F, F) {
    // subtract the max so that every e^x ≤ 1
    let max = row.iter().fold(row[0], |m, &x| m.max(x));
    // exponentiate (a loop the compiler vectorises), then sum
    for x in row.iter_mut() {
        *x = (*x - max).exp();
    }
    let sum = row.iter().fold(F::ZERO, |s, &x| s + x);
    // normalise
    let inv = F::ONE / sum;
    for x in row.iter_mut() {
        *x *= inv;
    }
    (max, sum)
}
