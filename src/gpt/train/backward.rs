//! The backward pass, written by hand: the gradient of the batch's loss with respect to every weight.

use std::ops::Range;

use crate::gpt::attention::attention_backward;
use crate::gpt::float::Float;
use crate::gpt::kernels::{gelu_backward, layer_norm_backward, linear_backward, matmul, matmul_at_b};
use crate::gpt::net::{Batch, BlockActivations, NO_TARGET, Net, Workspace, hidden};
use crate::gpt::params::{BlockTensors, Config, Norm};

/// Gives a buffer `len` zeros, for a pass that adds into it.
fn zeroed<F: Float>(v: &mut Vec<F>, len: usize) {
    v.clear();
    v.resize(len, F::ZERO);
}

/// Gives a buffer `len` elements, for a pass that writes every one: old values may stay.
fn sized<F: Float>(v: &mut Vec<F>, len: usize) {
    v.resize(len, F::ZERO);
}

/// Backward scratch buffers, borrowed apart from the activations.
struct Scratch<'w, F> {
    d_ln: &'w mut Vec<F>,
    d_att: &'w mut Vec<F>,
    d_qkv: &'w mut Vec<F>,
    d_fc: &'w mut Vec<F>,
    d_act: &'w mut Vec<F>,
    scratch: &'w mut Vec<F>,
}

impl<F: Float> Net<F> {
    /// After [`Net::forward`] and [`Net::losses`] on the same batch: writes into `grads` (same layout as the
    /// parameters) the gradient of `L_lm` (no task) or `L_task + λ·L_lm` (with a task). Uses up the
    /// probabilities in `ws`.
    pub fn backward(&self, batch: &Batch, ws: &mut Workspace<F>, grads: &mut [F]) {
        let Config { d_model: d, layers, embeddings, classes, norm, .. } = self.config;
        let (rows, len) = (batch.rows, batch.len);
        let n = rows * len;
        let p = &self.params;
        let lay = &self.layout;
        grads.fill(F::ZERO);

        // d logits = (softmax − one-hot) / predicted positions, times λ when there is a task
        let predicted = batch.targets.iter().filter(|&&t| t != NO_TARGET).count();
        let weight = if batch.extract.is_empty() { 1.0 } else { batch.lambda };
        let scale = F::of(if predicted > 0 { weight / predicted as f64 } else { 0.0 });
        for (row, &target) in ws.logits.chunks_exact_mut(embeddings).zip(&batch.targets) {
            if target == NO_TARGET {
                row.fill(F::ZERO);
            } else {
                row[target as usize] -= F::ONE;
                for x in row.iter_mut() {
                    *x *= scale;
                }
            }
        }
        // through the tied output layer, logits = h·Wₑᵀ: d h = d logits·Wₑ, d Wₑ += d logitsᵀ·h
        sized(&mut ws.d_ln, n * d);
        matmul(&mut ws.d_ln, &ws.logits, &p[lay.wte.clone()], (n, embeddings, d), None, false);
        matmul_at_b(&mut grads[lay.wte.clone()], &ws.logits, ws.hidden(norm), (embeddings, n, d));
        // the classifier: d z = (softmax − one-hot) / rows; d W_y += hᵀ·dz, d b += dz, d h += W_y·dz
        if !batch.extract.is_empty() {
            let w_cls = &p[lay.w_cls.clone()];
            let inv_rows = F::of(1.0 / rows as f64);
            for (r, (&at, &label)) in batch.extract.iter().zip(&batch.labels).enumerate() {
                let dz = &mut ws.class_probs[r * classes..][..classes];
                dz[label] -= F::ONE;
                for x in dz.iter_mut() {
                    *x *= inv_rows;
                }
                let position = (r * len + at) * d;
                let h = &hidden(&ws.stream, &ws.lnf, norm)[position..][..d];
                let dw = &mut grads[lay.w_cls.clone()];
                matmul(dw, h, dz, (d, 1, classes), None, true);
                for (db, &g) in grads[lay.b_cls.clone()].iter_mut().zip(dz.iter()) {
                    *db += g;
                }
                let dh = &mut ws.d_ln[position..][..d];
                for (c, dh) in dh.iter_mut().enumerate() {
                    for (k, &g) in dz.iter().enumerate() {
                        *dh += w_cls[c * classes + k] * g;
                    }
                }
            }
        }
        // into the last block's output: directly (post-LN), or through the final LayerNorm (pre-LN)
        match &lay.final_norm {
            None => {
                sized(&mut ws.d_stream, n * d);
                ws.d_stream.copy_from_slice(&ws.d_ln);
            }
            Some((g, b)) => {
                zeroed(&mut ws.d_stream, n * d);
                let (dg, db) = pair_mut(grads, g, b);
                let (x, stats) = (&ws.stream[layers], &ws.lnf_stats);
                layer_norm_backward(&mut ws.d_stream, dg, db, &ws.d_ln, x, stats, &p[g.clone()], d);
            }
        }

        self.blocks_backward(ws, grads, (rows, len));

        // embeddings: each position's gradient goes to its token's row and its position's row
        for (i, (dx, &id)) in ws.d_stream.chunks_exact(d).zip(&batch.inputs).enumerate() {
            let token = &mut grads[lay.wte.start + id as usize * d..][..d];
            for c in 0..d {
                token[c] += dx[c];
            }
            let position = &mut grads[lay.wpe.start + (i % len) * d..][..d];
            for c in 0..d {
                position[c] += dx[c];
            }
        }
    }

    /// Every block's backward pass, last to first, after a forward pass that left each block's input in
    /// `ws.stream` and its activations in `ws.blocks`: turns `ws.d_stream` from the gradient of the last block's
    /// output into that of the first block's input, adding each block's weight gradients to `grads`.
    pub(crate) fn blocks_backward(&self, ws: &mut Workspace<F>, grads: &mut [F], (rows, len): (usize, usize)) {
        let mut s = Scratch {
            d_ln: &mut ws.d_ln,
            d_att: &mut ws.d_att,
            d_qkv: &mut ws.d_qkv,
            d_fc: &mut ws.d_fc,
            d_act: &mut ws.d_act,
            scratch: &mut ws.scratch,
        };
        for l in (0..self.config.layers).rev() {
            let (t, a, x) = (&self.layout.blocks[l], &ws.blocks[l], &ws.stream[l]);
            match self.config.norm {
                Norm::Post => self.post_block_backward(t, a, x, &mut ws.d_stream, &mut s, grads, (rows, len)),
                Norm::Pre => self.pre_block_backward(t, a, x, &mut ws.d_stream, &mut s, grads, (rows, len)),
            }
        }
    }

    /// A post-LN block, `n = LN₁(x + attn(x))`, `h = LN₂(n + mlp(n))`: turns `d_stream` from d h into d x.
    #[allow(clippy::too_many_arguments)]
    fn post_block_backward(
        &self,
        t: &BlockTensors,
        a: &BlockActivations<F>,
        x: &[F],
        d_stream: &mut Vec<F>,
        s: &mut Scratch<'_, F>,
        grads: &mut [F],
        shape: (usize, usize),
    ) {
        let (d, p) = (self.config.d_model, &self.params);
        // h = LN₂(sum): d_stream becomes d sum
        zeroed(s.d_ln, d_stream.len());
        let (dg, db) = pair_mut(grads, &t.ln2_g, &t.ln2_b);
        layer_norm_backward(s.d_ln, dg, db, d_stream, &a.ln2, &a.ln2_stats, &p[t.ln2_g.clone()], d);
        std::mem::swap(d_stream, s.d_ln);
        // sum = n + mlp(n): d n = d sum + the MLP's gradient of its input
        self.mlp_backward(t, a, &a.ln1, d_stream, s, grads, shape);
        add(d_stream, s.d_ln);
        // n = LN₁(mid): d_stream becomes d mid
        zeroed(s.d_ln, d_stream.len());
        let (dg, db) = pair_mut(grads, &t.ln1_g, &t.ln1_b);
        layer_norm_backward(s.d_ln, dg, db, d_stream, &a.mid, &a.ln1_stats, &p[t.ln1_g.clone()], d);
        std::mem::swap(d_stream, s.d_ln);
        // mid = x + attn(x): d x = d mid + the attention's gradient of its input
        self.attention_backward(t, a, x, d_stream, s, grads, shape);
        add(d_stream, s.d_ln);
    }

    /// A pre-LN block, `m = x + attn(LN₁(x))`, `h = m + mlp(LN₂(m))`: turns `d_stream` from d h into d x.
    #[allow(clippy::too_many_arguments)]
    fn pre_block_backward(
        &self,
        t: &BlockTensors,
        a: &BlockActivations<F>,
        x: &[F],
        d_stream: &mut [F],
        s: &mut Scratch<'_, F>,
        grads: &mut [F],
        shape: (usize, usize),
    ) {
        let (d, p) = (self.config.d_model, &self.params);
        // h = m + mlp(LN₂(m)): d m = d h (the residual) + LN₂'s backward of the MLP's input gradient
        self.mlp_backward(t, a, &a.ln2, d_stream, s, grads, shape);
        let (dg, db) = pair_mut(grads, &t.ln2_g, &t.ln2_b);
        layer_norm_backward(d_stream, dg, db, s.d_ln, &a.mid, &a.ln2_stats, &p[t.ln2_g.clone()], d);
        // m = x + attn(LN₁(x)): d x = d m + LN₁'s backward of the attention's input gradient
        self.attention_backward(t, a, &a.ln1, d_stream, s, grads, shape);
        let (dg, db) = pair_mut(grads, &t.ln1_g, &t.ln1_b);
        layer_norm_backward(d_stream, dg, db, s.d_ln, x, &a.ln1_stats, &p[t.ln1_g.clone()], d);
    }

    /// The MLP `W_out·GELU(W_fc·input)` given `d_y`, the gradient of its output: adds its weights' gradients and
    /// writes the gradient of its input into `s.d_ln`.
    #[allow(clippy::too_many_arguments)]
    fn mlp_backward(
        &self,
        t: &BlockTensors,
        a: &BlockActivations<F>,
        input: &[F],
        d_y: &[F],
        s: &mut Scratch<'_, F>,
        grads: &mut [F],
        (rows, len): (usize, usize),
    ) {
        let (d, p, n) = (self.config.d_model, &self.params, rows * len);
        sized(s.d_act, n * 4 * d);
        let (dw, db) = pair_mut(grads, &t.w_out, &t.b_out);
        linear_backward(&a.act, d_y, &p[t.w_out.clone()], (n, 4 * d, d), dw, Some(db), Some(s.d_act), s.scratch);
        sized(s.d_fc, n * 4 * d);
        gelu_backward(s.d_fc, s.d_act, &a.fc, &a.tanh);
        sized(s.d_ln, n * d);
        let (dw, db) = pair_mut(grads, &t.w_fc, &t.b_fc);
        linear_backward(input, s.d_fc, &p[t.w_fc.clone()], (n, d, 4 * d), dw, Some(db), Some(s.d_ln), s.scratch);
    }

    /// The attention sub-layer `W_proj·attention(W_qkv·input)` given `d_y`, the gradient of its output: adds its
    /// weights' gradients and writes the gradient of its input into `s.d_ln`.
    #[allow(clippy::too_many_arguments)]
    fn attention_backward(
        &self,
        t: &BlockTensors,
        a: &BlockActivations<F>,
        input: &[F],
        d_y: &[F],
        s: &mut Scratch<'_, F>,
        grads: &mut [F],
        (rows, len): (usize, usize),
    ) {
        let (d, p, n) = (self.config.d_model, &self.params, rows * len);
        sized(s.d_att, n * d);
        let (dw, db) = pair_mut(grads, &t.w_proj, &t.b_proj);
        linear_backward(&a.att, d_y, &p[t.w_proj.clone()], (n, d, d), dw, Some(db), Some(s.d_att), s.scratch);
        // every element is written: each (sequence, head) problem's queries, keys and values at every position
        sized(s.d_qkv, n * 3 * d);
        attention_backward(s.d_qkv, s.d_att, &a.probs, &a.qkv, rows, len, d, self.config.heads);
        sized(s.d_ln, n * d);
        let (dw, db) = pair_mut(grads, &t.w_qkv, &t.b_qkv);
        linear_backward(input, s.d_qkv, &p[t.w_qkv.clone()], (n, d, 3 * d), dw, Some(db), Some(s.d_ln), s.scratch);
    }
}

/// `into += from`, element by element.
fn add<F: Float>(into: &mut [F], from: &[F]) {
    for (a, &b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// Two disjoint tensors of the gradient at once (a weight and its bias, a LayerNorm's gain and bias; the first comes first).
fn pair_mut<'g, F>(grads: &'g mut [F], g: &Range<usize>, b: &Range<usize>) -> (&'g mut [F], &'g mut [F]) {
    debug_assert!(g.end <= b.start);
    let (left, right) = grads.split_at_mut(b.start);
    (&mut left[g.clone()], &mut right[..b.len()])
}
