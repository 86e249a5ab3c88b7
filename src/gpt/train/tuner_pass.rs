//! The fine-tuner's passes over a batch (see [`super::tuner`]): the state below the trainable blocks (kept per
//! example), the trainable blocks, the two heads on the final states h, and the backward pass into the trainable
//! part only.
//!
//! The language model's head is the costly part at GPT-1's size: each predicted position needs its logits over
//! all 40,478 rows of the tied embedding, and their gradient goes back through the same matrix. Only positions
//! with a vocabulary token next are computed, their logits transposed (a row per token, a column per position) so
//! that the tiled product reads the 124 MB embedding once per 64 positions, and the backward product takes it in
//! blocks that stay in cache.

use std::ops::Range;

use crate::error::Result;
use crate::gpt::float::{exp_f32, ln_f64};
use crate::gpt::kernels::{matmul, matmul_at_b};
use crate::gpt::net::{Net, block_forward};
use crate::gpt::train::tuner::{TaskIds, Tuner, TunerLosses};

/// Padded positions per pass: examples are taken in order, as many at a time as fit (a longer example is a pass
/// of its own), so that the memory a call needs does not grow with its number of examples.
pub(crate) const PASS_POSITIONS: usize = 256;
/// Language-model positions whose logits over the vocabulary are held at once.
pub(crate) const LM_ROWS: usize = 64;
/// Rows of the token embedding per product in the language model's backward pass (a block stays in cache).
pub(crate) const LM_BLOCK: usize = 256;
/// The most memory the kept states below the trainable blocks may take; past it, new ones are recomputed at each
/// call instead of kept.
pub(crate) const CACHE_BYTES: u64 = 128_000_000;

/// What a call adds up over its passes.
#[derive(Debug, Default)]
pub(crate) struct Sums {
    /// Σ of each example's `L_task`.
    task: f64,
    /// Σ of each example's `L_lm`.
    lm: f64,
    /// Examples whose most likely class is their label.
    pub(crate) correct: usize,
    /// Each example's class probabilities, in order.
    pub(crate) probabilities: Vec<f64>,
}

impl Sums {
    /// The means over `examples`, and `L_task + λ·L_lm`.
    pub(crate) fn losses(&self, lambda: f64, examples: usize) -> TunerLosses {
        let (task, lm) = (self.task / examples as f64, self.lm / examples as f64);
        TunerLosses { task, lm, total: task + lambda * lm }
    }
}

/// Some examples of a batch, run together: padded to `len` positions, out of a batch of `batch` examples.
#[derive(Clone, Copy)]
struct Pass<'e> {
    examples: &'e [TaskIds],
    len: usize,
    batch: usize,
}

/// Consecutive examples grouped into passes of at most [`PASS_POSITIONS`] padded positions (an example longer than
/// that is a pass of its own).
fn passes(examples: &[TaskIds]) -> Vec<Range<usize>> {
    let (mut out, mut start, mut longest) = (Vec::new(), 0, 0);
    for (i, e) in examples.iter().enumerate() {
        let len = longest.max(e.ids.len());
        if i > start && (i + 1 - start) * len > PASS_POSITIONS {
            out.push(start..i);
            (start, longest) = (i, e.ids.len());
        } else {
            longest = len;
        }
    }
    out.push(start..examples.len());
    out
}

/// `x` = the token's row (from V on, a special row) + the position's row, for each id of one sequence.
fn embed(x: &mut [f32], ids: &[u32], net: &Net<f32>, special: &[f32], vocab: usize) {
    let d = net.config.d_model;
    for (t, (x, &id)) in x.chunks_exact_mut(d).zip(ids).enumerate() {
        let id = id as usize;
        let token = match id.checked_sub(vocab) {
            None => &net.params[net.layout.wte.start + id * d..][..d],
            Some(s) => &special[s * d..][..d],
        };
        let position = &net.params[net.layout.wpe.start + t * d..][..d];
        for ((x, &a), &b) in x.iter_mut().zip(token).zip(position) {
            *x = a + b;
        }
    }
}

impl Tuner {
    /// Checks `examples`, then runs every pass: the losses and, with `gradient`, the gradient of the batch's mean
    /// loss in `self.grads`.
    pub(crate) fn run(&mut self, examples: &[TaskIds], gradient: bool) -> Result<Sums> {
        self.check(examples)?;
        if gradient {
            self.grads.fill(0.0);
        }
        let mut sums = Sums::default();
        for range in passes(examples) {
            let part = &examples[range];
            let len = part.iter().map(|e| e.ids.len()).max().unwrap_or(1);
            self.pass(Pass { examples: part, len, batch: examples.len() }, gradient, &mut sums);
        }
        Ok(sums)
    }

    /// One pass: the forward pass, the heads, and with `gradient` the backward pass.
    fn pass(&mut self, pass: Pass<'_>, gradient: bool, sums: &mut Sums) {
        let (k, d) = (self.top.config.layers, self.top.config.d_model);
        let (examples, rows, len) = (pass.examples, pass.examples.len(), pass.len);
        self.ws.stream.resize_with(k + 1, Vec::new);
        self.ws.blocks.resize_with(k, Default::default);
        // the state entering the first trainable block, padded on the right with zeros
        self.input(examples, len);
        // the trainable blocks
        let (top, ws) = (&self.top, &mut self.ws);
        for j in 0..k {
            let (done, rest) = ws.stream.split_at_mut(j + 1);
            block_forward(
                &top.layout.blocks[j],
                &top.params,
                None,
                &top.config,
                (rows, len),
                &done[j],
                &mut ws.blocks[j],
                &mut rest[0],
            );
        }
        // the heads on the final states, and the gradient of those states when a block trains
        let backward = gradient && k > 0;
        let mut dh = std::mem::take(&mut self.scratch.dh);
        dh.clear();
        if backward {
            dh.resize(rows * len * d, 0.0);
        }
        self.task_head(pass, gradient, &mut dh, sums);
        self.lm_head(pass, backward && self.lambda > 0.0, &mut dh, sums);
        if backward {
            // back through the trainable blocks, and into the special rows when every block trains
            std::mem::swap(&mut self.ws.d_stream, &mut dh);
            self.top.blocks_backward(&mut self.ws, &mut self.grads, (rows, len));
            if self.first == 0 {
                self.special_gradient(examples, len);
            }
        }
        self.scratch.dh = dh;
    }

    /// Fills `ws.stream[0]` (`examples × len × d`) with each example's state entering the first trainable block:
    /// its embeddings when every block trains; otherwise the output of the frozen blocks, kept from an earlier
    /// call or computed now (and kept while the cache has room).
    fn input(&mut self, examples: &[TaskIds], len: usize) {
        let d = self.top.config.d_model;
        let mut x = std::mem::take(&mut self.ws.stream[0]);
        x.clear();
        x.resize(examples.len() * len * d, 0.0);
        if self.first == 0 {
            let special = &self.top.params[self.top.layout.wte.clone()];
            for (x, e) in x.chunks_exact_mut(len * d).zip(examples) {
                embed(x, &e.ids, &self.base.net, special, self.vocab);
            }
        } else {
            let missing: Vec<usize> =
                (0..examples.len()).filter(|&r| !self.below.contains_key(&examples[r].ids)).collect();
            let ids: Vec<&[u32]> = missing.iter().map(|&r| examples[r].ids.as_slice()).collect();
            let mut computed: Vec<Option<Vec<f32>>> = vec![None; examples.len()];
            for (&r, state) in missing.iter().zip(self.states_below(&ids)) {
                computed[r] = Some(state);
            }
            for ((x, e), state) in x.chunks_exact_mut(len * d).zip(examples).zip(computed) {
                let n = e.ids.len() * d;
                let Some(state) = state else {
                    x[..n].copy_from_slice(&self.below[&e.ids]);
                    continue;
                };
                x[..n].copy_from_slice(&state);
                let bytes = 4 * state.len() as u64;
                if self.below_bytes + bytes <= CACHE_BYTES && !self.below.contains_key(&e.ids) {
                    self.below_bytes += bytes;
                    self.below.insert(e.ids.clone(), state);
                }
            }
        }
        self.ws.stream[0] = x;
    }

    /// The states of `ids` (each `n × d`) after the frozen blocks, computed in one padded batch.
    fn states_below(&mut self, ids: &[&[u32]]) -> Vec<Vec<f32>> {
        if ids.is_empty() {
            return Vec::new();
        }
        let net = &self.base.net;
        let d = net.config.d_model;
        let (rows, len) = (ids.len(), ids.iter().map(|s| s.len()).max().unwrap_or(1));
        let s = &mut self.scratch;
        s.below_x.clear();
        s.below_x.resize(rows * len * d, 0.0);
        for (x, ids) in s.below_x.chunks_exact_mut(len * d).zip(ids) {
            embed(x, ids, net, &self.frozen_special, self.vocab);
        }
        for block in &net.layout.blocks[..self.first] {
            block_forward(
                block,
                &net.params,
                None,
                &net.config,
                (rows, len),
                &s.below_x,
                &mut s.below_block,
                &mut s.below_out,
            );
            std::mem::swap(&mut s.below_x, &mut s.below_out);
        }
        s.below_x.chunks_exact(len * d).zip(ids).map(|(x, ids)| x[..ids.len() * d].to_vec()).collect()
    }

    /// The classifier at each example's first `_classify_`: `P(y | x) = softmax(h·W_y + b)`, its cross-entropy and
    /// whether its most likely class is the label; with `gradient`, the gradients of W_y and b, and of h into
    /// `dh` (when it is not empty).
    fn task_head(&mut self, pass: Pass<'_>, gradient: bool, dh: &mut [f32], sums: &mut Sums) {
        let Pass { examples, len, batch } = pass;
        let (d, classes) = (self.top.config.d_model, self.top.config.classes);
        let lay = &self.top.layout;
        let (w, b) = (&self.top.params[lay.w_cls.clone()], &self.top.params[lay.b_cls.clone()]);
        let h = &self.ws.stream[self.top.config.layers];
        let classify = (self.vocab + 2) as u32;
        let mut z = vec![0.0f32; classes];
        for (r, e) in examples.iter().enumerate() {
            let at = e.ids.iter().position(|&id| id == classify).expect("checked: every example has _classify_");
            let position = (r * len + at) * d;
            let h_e = &h[position..][..d];
            // z = h·W_y + b
            matmul(&mut z, h_e, w, (1, d, classes), Some(b), false);
            // softmax(z), and the cross-entropy −ln p[label] = ln Σ e^z − z[label]
            let max = z.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
            let exps: Vec<f64> = z.iter().map(|&x| f64::from(exp_f32(x - max))).collect();
            let sum: f64 = exps.iter().sum();
            sums.task += f64::from(max) + ln_f64(sum) - f64::from(z[e.label]);
            let p: Vec<f64> = exps.iter().map(|&x| x / sum).collect();
            let best = (0..classes).fold(0, |best, c| if p[c] > p[best] { c } else { best });
            sums.correct += usize::from(best == e.label);
            sums.probabilities.extend_from_slice(&p);
            if gradient {
                // d z = (p − one-hot) / batch; d W_y += hᵀ·dz, d b += dz, d h += W_y·dz
                let dz: Vec<f32> = p
                    .iter()
                    .enumerate()
                    .map(|(c, &p)| ((p - f64::from(u8::from(c == e.label))) / batch as f64) as f32)
                    .collect();
                matmul(&mut self.grads[lay.w_cls.clone()], h_e, &dz, (d, 1, classes), None, true);
                for (g, &x) in self.grads[lay.b_cls.clone()].iter_mut().zip(&dz) {
                    *g += x;
                }
                if !dh.is_empty() {
                    for (c, dh) in dh[position..][..d].iter_mut().enumerate() {
                        *dh += w[c * classes..][..classes].iter().zip(&dz).fold(0.0, |s, (&w, &g)| s + w * g);
                    }
                }
            }
        }
    }

    /// The language model on every position whose next token is in the vocabulary: `−ln softmax(h·W_eᵀ)[next]`,
    /// the softmax over the vocabulary's rows of the tied embedding, averaged per example; with `gradient`, λ
    /// times its gradient of h, added to `dh`.
    fn lm_head(&mut self, pass: Pass<'_>, gradient: bool, dh: &mut [f32], sums: &mut Sums) {
        let Pass { examples, len, batch } = pass;
        let (d, v, lambda) = (self.top.config.d_model, self.vocab, self.lambda);
        let h = &self.ws.stream[self.top.config.layers];
        let embedding = &self.base.net.params[self.base.net.layout.wte.start..][..v * d];
        // (row of h, next token, 1 / the example's predicted tokens) for every prediction
        let mut targets = Vec::new();
        for (r, e) in examples.iter().enumerate() {
            let predicted = e.ids[1..].iter().filter(|&&next| (next as usize) < v).count();
            for (t, &next) in e.ids[1..].iter().enumerate() {
                if (next as usize) < v {
                    targets.push((r * len + t, next as usize, 1.0 / predicted as f64));
                }
            }
        }
        let s = &mut self.scratch;
        for block in targets.chunks(LM_ROWS) {
            let rows = block.len();
            // Hᵀ (d × rows): the states, gathered and transposed
            s.lm_h.resize(d * rows, 0.0);
            for (j, &(row, _, _)) in block.iter().enumerate() {
                for (c, &x) in h[row * d..][..d].iter().enumerate() {
                    s.lm_h[c * rows + j] = x;
                }
            }
            // logitsᵀ = W_e·Hᵀ (vocabulary × rows): the tied output layer, on the tiled product that reads the
            // embedding once
            s.lm_logits.resize(v * rows, 0.0);
            matmul(&mut s.lm_logits, embedding, &s.lm_h, (v, d, rows), None, false);
            // each column's softmax: e^(x − max) in place, summed in f64 in the vocabulary's order
            let next: Vec<f32> =
                block.iter().enumerate().map(|(j, &(_, next, _))| s.lm_logits[next * rows + j]).collect();
            let mut max = vec![f32::NEG_INFINITY; rows];
            for logits in s.lm_logits.chunks_exact(rows) {
                for (m, &x) in max.iter_mut().zip(logits) {
                    *m = m.max(x);
                }
            }
            let mut sum = vec![0.0f64; rows];
            for logits in s.lm_logits.chunks_exact_mut(rows) {
                for ((x, &m), sum) in logits.iter_mut().zip(&max).zip(&mut sum) {
                    *x = exp_f32(*x - m);
                    *sum += f64::from(*x);
                }
            }
            // −ln p[next] = max + ln Σ e^(x − max) − x[next], weighted by 1 / the example's predictions
            for (j, &(_, _, share)) in block.iter().enumerate() {
                sums.lm += (f64::from(max[j]) + ln_f64(sum[j]) - f64::from(next[j])) * share;
            }
            if !gradient {
                continue;
            }
            // d logits = λ·share/batch · (softmax − one-hot)
            let scale: Vec<f64> = block.iter().map(|&(_, _, share)| lambda * share / batch as f64).collect();
            let to_p: Vec<f32> = scale.iter().zip(&sum).map(|(&scale, &sum)| (scale / sum) as f32).collect();
            for logits in s.lm_logits.chunks_exact_mut(rows) {
                for (x, &to_p) in logits.iter_mut().zip(&to_p) {
                    *x *= to_p;
                }
            }
            for (j, &(_, next, _)) in block.iter().enumerate() {
                s.lm_logits[next * rows + j] -= scale[j] as f32;
            }
            // d Hᵀ = W_eᵀ·d logitsᵀ, a block of the embedding's rows at a time (each block stays in cache)
            s.lm_dh.clear();
            s.lm_dh.resize(d * rows, 0.0);
            for start in (0..v).step_by(LM_BLOCK) {
                let width = LM_BLOCK.min(v - start);
                let (w, g) =
                    (&embedding[start * d..(start + width) * d], &s.lm_logits[start * rows..(start + width) * rows]);
                matmul_at_b(&mut s.lm_dh, w, g, (d, width, rows));
            }
            for (j, &(row, _, _)) in block.iter().enumerate() {
                for (c, dh) in dh[row * d..][..d].iter_mut().enumerate() {
                    *dh += s.lm_dh[c * rows + j];
                }
            }
        }
    }

    /// When every block trains: the gradient at the embeddings, `ws.d_stream`, into the special rows of the ids
    /// that use them (the vocabulary's rows and the positions are frozen).
    fn special_gradient(&mut self, examples: &[TaskIds], len: usize) {
        let d = self.top.config.d_model;
        let grads = &mut self.grads[self.top.layout.wte.clone()];
        for (r, e) in examples.iter().enumerate() {
            for (t, &id) in e.ids.iter().enumerate() {
                if let Some(s) = (id as usize).checked_sub(self.vocab) {
                    let dx = &self.ws.d_stream[(r * len + t) * d..][..d];
                    for (g, &x) in grads[s * d..][..d].iter_mut().zip(dx) {
                        *g += x;
                    }
                }
            }
        }
    }
}
