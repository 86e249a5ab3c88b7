//! Kernels for one position at a time (decoding with a KV cache): a vector times a weight matrix, and the tied
//! output layer's logits. Both read each weight once, in memory order, which is what decoding a large model is
//! bound by.
//!
//! Each output is summed in exactly the order of [`matmul`] (from the bias, then `+ x[s]·w[s]` for s from 0 to
//! k−1) and [`matmul_bt`] ([`dot_in_lanes`]), so a cached step gives the very bits of a full forward pass. The
//! speed comes from summing several outputs side by side and reading several places at once, never from
//! reordering a sum.

use crate::gpt::kernels::{dot_in_lanes, lane_sums};
#[cfg(doc)]
use crate::gpt::kernels::{matmul, matmul_bt};

/// `y[n] += x[k]·w[k×n]`: row s of `w` scaled by `x[s]` and added to `y`, rows in order. Sixteen rows are added
/// to a register-held piece of `y` before it is stored again (sixteen rows are as many pages read at once, which a
/// single core streams from memory faster than one); the loop along the rows auto-vectorises.
pub fn add_vec_mat(y: &mut [f32], x: &[f32], w: &[f32], (k, n): (usize, usize)) {
    assert!(x.len() >= k && w.len() >= k * n && y.len() >= n, "vector-matrix shapes");
    let y = &mut y[..n];
    let mut rows = w[..k * n].chunks_exact(ROWS_AT_ONCE * n);
    let mut s = 0;
    for block in &mut rows {
        let w: [&[f32]; ROWS_AT_ONCE] = std::array::from_fn(|r| &block[r * n..][..n]);
        let x: [f32; ROWS_AT_ONCE] = std::array::from_fn(|r| x[s + r]);
        for (j, y) in y.iter_mut().enumerate() {
            // the same rounding sequence as separate passes: ((y + x₀·w₀) + x₁·w₁) + …
            let mut sum = *y;
            for r in 0..ROWS_AT_ONCE {
                sum += x[r] * w[r][j];
            }
            *y = sum;
        }
        s += ROWS_AT_ONCE;
    }
    for row in rows.remainder().chunks_exact(n) {
        let xs = x[s];
        for (y, &a) in y.iter_mut().zip(row) {
            *y += xs * a;
        }
        s += 1;
    }
}

/// Rows of the weight matrix read side by side in [`add_vec_mat`].
const ROWS_AT_ONCE: usize = 16;

/// Regions of the embedding read side by side in [`tied_logits`] (more would not fit the registers: each sum
/// is a vector).
const REGIONS: usize = 8;

/// `out[rows] = h[d]·Wᵀ` for `w[rows×d]`: the logit of each row of the tied embedding, each a dot product summed
/// in lanes as [`matmul_bt`] sums it. The rows are cut into eight regions read side by side, one row of each at a
/// time: eight independent sums, and eight places in memory streamed at once.
pub fn tied_logits(out: &mut [f32], h: &[f32], w: &[f32], (rows, d): (usize, usize)) {
    assert!(h.len() >= d && w.len() >= rows * d && out.len() >= rows, "logit shapes");
    let h = &h[..d];
    let per = rows / REGIONS;
    for i in 0..per {
        let at: [usize; REGIONS] = std::array::from_fn(|q| q * per + i);
        let sums = lane_sums(h, at.map(|r| &w[r * d..][..d]));
        for (r, sum) in at.into_iter().zip(sums) {
            out[r] = sum;
        }
    }
    for r in REGIONS * per..rows {
        out[r] = dot_in_lanes(h, &w[r * d..][..d]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpt::kernels::{matmul, matmul_bt};

    fn numbers(n: usize, seed: u32) -> Vec<f32> {
        let mut rng = crate::sampling::Mt19937::new(seed);
        (0..n).map(|_| (rng.next_word() as f32 / 4.3e9) - 0.5).collect()
    }

    #[test]
    fn the_same_bits_as_the_matrix_kernels() {
        for (k, n) in [(1, 1), (3, 5), (8, 9), (13, 32), (64, 37), (19, 70), (24, 8)] {
            let (x, w, bias) = (numbers(k, 1), numbers(k * n, 2), numbers(n, 3));
            let mut full = vec![0.0; n];
            matmul(&mut full, &x, &w, (1, k, n), Some(&bias), false);
            let mut one = bias.clone();
            add_vec_mat(&mut one, &x, &w, (k, n));
            assert_eq!(full, one, "k {k}, n {n}");
            // the tied output: rows of w are the embedding, x the state
            let (rows, d) = (n, k);
            let (mut full, mut one) = (vec![0.0; rows], vec![0.0; rows]);
            matmul_bt(&mut full, &x, &w, (1, d, rows));
            tied_logits(&mut one, &x, &w, (rows, d));
            assert_eq!(full, one, "rows {rows}, d {d}");
        }
    }
}
