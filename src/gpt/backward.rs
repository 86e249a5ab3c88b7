//! The backward pass, written by hand: the gradient of the batch's loss with respect to every weight.

use super::attention::attention_backward;
use super::float::Float;
use super::kernels::{gelu_backward, layer_norm_backward, linear_backward, matmul};
use super::net::{Batch, NO_TARGET, Net, Workspace};
use super::params::Config;

fn zeroed<F: Float>(v: &mut Vec<F>, len: usize) {
    v.clear();
    v.resize(len, F::ZERO);
}

impl<F: Float> Net<F> {
    /// After [`Net::forward`] and [`Net::losses`] on the same batch: writes into `grads` (same layout as the
    /// parameters) the gradient of `L_lm` (no task) or `L_task + λ·L_lm` (with a task). Uses up the
    /// probabilities in `ws`.
    pub fn backward(&self, batch: &Batch, ws: &mut Workspace<F>, grads: &mut [F]) {
        let Config { d_model: d, layers, heads, vocab, classes, .. } = self.config;
        let (rows, len) = (batch.rows, batch.len);
        let n = rows * len;
        let p = &self.params;
        let lay = &self.layout;
        grads.fill(F::ZERO);

        // d logits = (softmax − one-hot) / predicted positions, times λ when there is a task
        let predicted = batch.targets.iter().filter(|&&t| t != NO_TARGET).count();
        let weight = if batch.extract.is_empty() { 1.0 } else { batch.lambda };
        let scale = F::of(if predicted > 0 { weight / predicted as f64 } else { 0.0 });
        for (row, &target) in ws.logits.chunks_exact_mut(vocab).zip(&batch.targets) {
            if target == NO_TARGET {
                row.fill(F::ZERO);
            } else {
                row[target as usize] -= F::ONE;
                for x in row.iter_mut() {
                    *x *= scale;
                }
            }
        }
        // through the head: d W_head, d b_head, and d LN_f(x)
        zeroed(&mut ws.d_ln, n * d);
        let (dw, db) = pair_mut(grads, &lay.w_head, &lay.b_head);
        linear_backward(
            &ws.lnf,
            &ws.logits,
            &p[lay.w_head.clone()],
            (n, d, vocab),
            dw,
            Some(db),
            Some(&mut ws.d_ln),
            &mut ws.scratch,
        );
        // the classifier: d z = (softmax − one-hot) / rows; d W_y += hᵀ·dz, d h += W_y·dz
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
                let h = &ws.lnf[position..][..d];
                let dw = &mut grads[lay.w_cls.clone()];
                matmul(dw, h, dz, (d, 1, classes), None, true);
                let dh = &mut ws.d_ln[position..][..d];
                for (c, dh) in dh.iter_mut().enumerate() {
                    for (k, &g) in dz.iter().enumerate() {
                        *dh += w_cls[c * classes + k] * g;
                    }
                }
            }
        }
        // through the final LayerNorm into the residual stream
        zeroed(&mut ws.d_stream, n * d);
        let (dg, db) = pair_mut(grads, &lay.lnf_g, &lay.lnf_b);
        layer_norm_backward(
            &mut ws.d_stream,
            dg,
            db,
            &ws.d_ln,
            &ws.stream[layers],
            &ws.lnf_stats,
            &p[lay.lnf_g.clone()],
            d,
        );

        for l in (0..layers).rev() {
            let t = &lay.blocks[l];
            let a = &ws.blocks[l];
            // MLP: out = mid + W_out·GELU(fc); d_stream is d out, and becomes d mid (the residual passes through)
            zeroed(&mut ws.d_act, n * 4 * d);
            let (dw, db) = pair_mut(grads, &t.w_out, &t.b_out);
            linear_backward(
                &a.act,
                &ws.d_stream,
                &p[t.w_out.clone()],
                (n, 4 * d, d),
                dw,
                Some(db),
                Some(&mut ws.d_act),
                &mut ws.scratch,
            );
            zeroed(&mut ws.d_fc, n * 4 * d);
            gelu_backward(&mut ws.d_fc, &ws.d_act, &a.fc, &a.tanh);
            zeroed(&mut ws.d_ln, n * d);
            let (dw, db) = pair_mut(grads, &t.w_fc, &t.b_fc);
            linear_backward(
                &a.ln2,
                &ws.d_fc,
                &p[t.w_fc.clone()],
                (n, d, 4 * d),
                dw,
                Some(db),
                Some(&mut ws.d_ln),
                &mut ws.scratch,
            );
            let (dg, db) = pair_mut(grads, &t.ln2_g, &t.ln2_b);
            layer_norm_backward(&mut ws.d_stream, dg, db, &ws.d_ln, &a.mid, &a.ln2_stats, &p[t.ln2_g.clone()], d);
            // attention: mid = x + W_proj·att; d_stream becomes d x
            zeroed(&mut ws.d_att, n * d);
            let (dw, db) = pair_mut(grads, &t.w_proj, &t.b_proj);
            linear_backward(
                &a.att,
                &ws.d_stream,
                &p[t.w_proj.clone()],
                (n, d, d),
                dw,
                Some(db),
                Some(&mut ws.d_att),
                &mut ws.scratch,
            );
            zeroed(&mut ws.d_qkv, n * 3 * d);
            attention_backward(&mut ws.d_qkv, &ws.d_att, &a.probs, &a.qkv, rows, len, d, heads);
            zeroed(&mut ws.d_ln, n * d);
            let (dw, db) = pair_mut(grads, &t.w_qkv, &t.b_qkv);
            linear_backward(
                &a.ln1,
                &ws.d_qkv,
                &p[t.w_qkv.clone()],
                (n, d, 3 * d),
                dw,
                Some(db),
                Some(&mut ws.d_ln),
                &mut ws.scratch,
            );
            let (dg, db) = pair_mut(grads, &t.ln1_g, &t.ln1_b);
            layer_norm_backward(
                &mut ws.d_stream,
                dg,
                db,
                &ws.d_ln,
                &ws.stream[l],
                &a.ln1_stats,
                &p[t.ln1_g.clone()],
                d,
            );
        }

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
}

/// Two disjoint tensors of the gradient at once (a weight and its bias, a LayerNorm's gain and bias; the first comes first).
fn pair_mut<'g, F>(
    grads: &'g mut [F],
    g: &std::ops::Range<usize>,
    b: &std::ops::Range<usize>,
) -> (&'g mut [F], &'g mut [F]) {
    debug_assert!(g.end <= b.start);
    let (left, right) = grads.split_at_mut(b.start);
    (&mut left[g.clone()], &mut right[..b.len()])
}
