//! Causal multi-head self-attention, forward and backward. Each head's queries, keys and values are gathered
//! into small contiguous matrices so that the score and mixing products run on the tiled kernel.

use super::float::Float;
use super::kernels::{matmul, matmul_at_b, transpose};

/// Per-head scratch matrices (`len × hd`, and `len × len` for gradients of the weights).
struct Heads<F> {
    q: Vec<F>,
    k: Vec<F>,
    v: Vec<F>,
    kt: Vec<F>,
    o: Vec<F>,
    dp: Vec<F>,
}

impl<F: Float> Heads<F> {
    fn new(len: usize, hd: usize) -> Heads<F> {
        let z = || vec![F::ZERO; len * hd];
        Heads { q: z(), k: z(), v: z(), kt: z(), o: z(), dp: vec![F::ZERO; len * len] }
    }

    /// Copies head `h` of one sequence's `qkv` (`len × 3d`) out, scaling the queries by 1/√hd.
    fn gather(&mut self, seq: &[F], h: usize, d: usize, hd: usize, scale: F) {
        for (i, row) in seq.chunks_exact(3 * d).enumerate() {
            for c in 0..hd {
                self.q[i * hd + c] = row[h * hd + c] * scale;
                self.k[i * hd + c] = row[d + h * hd + c];
                self.v[i * hd + c] = row[2 * d + h * hd + c];
            }
        }
    }
}

/// Writes softmax over `row[..=i]` in place and zeroes the rest: position i sees only itself and the past.
pub(crate) fn causal_softmax<F: Float>(row: &mut [F], i: usize) {
    let (seen, future) = row.split_at_mut(i + 1);
    let max = seen.iter().fold(seen[0], |m, &x| m.max(x));
    // exponentiate (a loop the compiler vectorises), then sum, then normalise
    for x in seen.iter_mut() {
        *x = (*x - max).exp();
    }
    let sum = seen.iter().fold(F::ZERO, |s, &x| s + x);
    let inv = F::ONE / sum;
    for x in seen.iter_mut() {
        *x *= inv;
    }
    future.fill(F::ZERO);
}

/// Attention on `qkv` (`rows·len × 3d`: queries, keys, values side by side): writes the heads' outputs side by
/// side into `out` (`rows·len × d`) and the weights into `probs` (`rows × heads × len × len`).
#[allow(clippy::too_many_arguments)]
pub fn attention<F: Float>(out: &mut [F], probs: &mut [F], qkv: &[F], rows: usize, len: usize, d: usize, heads: usize) {
    let hd = d / heads;
    let scale = F::of(1.0 / (hd as f64).sqrt());
    let mut s = Heads::new(len, hd);
    for r in 0..rows {
        let seq = &qkv[r * len * 3 * d..(r + 1) * len * 3 * d];
        for h in 0..heads {
            s.gather(seq, h, d, hd, scale);
            // scores: S = (Q/√hd)·Kᵀ
            let p = &mut probs[(r * heads + h) * len * len..][..len * len];
            transpose(&mut s.kt, &s.k, len, hd);
            matmul(p, &s.q, &s.kt, (len, hd, len), None, false);
            // weights: a causal softmax of each row
            for (i, row) in p.chunks_exact_mut(len).enumerate() {
                causal_softmax(row, i);
            }
            // outputs: O = P·V, into this head's columns
            matmul(&mut s.o, p, &s.v, (len, len, hd), None, false);
            for (i, o) in s.o.chunks_exact(hd).enumerate() {
                out[(r * len + i) * d + h * hd..][..hd].copy_from_slice(o);
            }
        }
    }
}

/// Backward pass of [`attention`]: writes `d_qkv` given the gradient `d_out` of the heads' outputs.
#[allow(clippy::too_many_arguments)]
pub fn attention_backward<F: Float>(
    d_qkv: &mut [F],
    d_out: &[F],
    probs: &[F],
    qkv: &[F],
    rows: usize,
    len: usize,
    d: usize,
    heads: usize,
) {
    let hd = d / heads;
    let scale = F::of(1.0 / (hd as f64).sqrt());
    let mut s = Heads::new(len, hd);
    let (mut d_o, mut dq, mut dk, mut dv) = (s.o.clone(), s.o.clone(), s.o.clone(), s.o.clone());
    for r in 0..rows {
        let seq = &qkv[r * len * 3 * d..(r + 1) * len * 3 * d];
        for h in 0..heads {
            s.gather(seq, h, d, hd, scale);
            let p = &probs[(r * heads + h) * len * len..][..len * len];
            for i in 0..len {
                d_o[i * hd..(i + 1) * hd].copy_from_slice(&d_out[(r * len + i) * d + h * hd..][..hd]);
            }
            // dP = dO·Vᵀ
            transpose(&mut s.kt, &s.v, len, hd);
            matmul(&mut s.dp, &d_o, &s.kt, (len, hd, len), None, false);
            // dV = Pᵀ·dO
            dv.fill(F::ZERO);
            matmul_at_b(&mut dv, p, &d_o, (len, len, hd));
            // softmax: dS_ij = P_ij (dP_ij − Σ_k P_ik dP_ik)
            for (p_row, dp_row) in p.chunks_exact(len).zip(s.dp.chunks_exact_mut(len)) {
                let dot = p_row.iter().zip(dp_row.iter()).fold(F::ZERO, |acc, (&a, &b)| acc + a * b);
                for (x, &w) in dp_row.iter_mut().zip(p_row) {
                    *x = w * (*x - dot);
                }
            }
            // S = (Q/√hd)·Kᵀ: dQ = dS·K/√hd, dK = dSᵀ·(Q/√hd)
            matmul(&mut dq, &s.dp, &s.k, (len, len, hd), None, false);
            dk.fill(F::ZERO);
            matmul_at_b(&mut dk, &s.dp, &s.q, (len, len, hd));
            let d_seq = &mut d_qkv[r * len * 3 * d..(r + 1) * len * 3 * d];
            for (i, row) in d_seq.chunks_exact_mut(3 * d).enumerate() {
                for c in 0..hd {
                    row[h * hd + c] = dq[i * hd + c] * scale;
                    row[d + h * hd + c] = dk[i * hd + c];
                    row[2 * d + h * hd + c] = dv[i * hd + c];
                }
            }
        }
    }
}
