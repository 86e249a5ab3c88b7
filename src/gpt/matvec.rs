//! Kernels for one position at a time (decoding with a KV cache): a vector times a weight matrix, and the tied
//! output layer's logits. Both read each weight once, in memory order, which is what decoding a large model is
//! bound by.
//!
//! Each output is summed in exactly the order of [`super::kernels::matmul`] and [`super::kernels::matmul_bt`]
//! (from the bias, or 0, then `+ x[s]·w[s]` for s from 0 to k−1), so a cached step gives the very bits of a
//! full forward pass. The speed comes from summing several outputs side by side, never from reordering a sum.

/// `y[n] += x[k]·w[k×n]`: row s of `w` scaled by `x[s]` and added to `y`, rows in order. Four rows are added to
/// a register-held piece of `y` before it is stored again; the loops along a row auto-vectorise.
pub fn add_vec_mat(y: &mut [f32], x: &[f32], w: &[f32], (k, n): (usize, usize)) {
    assert!(x.len() >= k && w.len() >= k * n && y.len() >= n, "vector-matrix shapes");
    let y = &mut y[..n];
    let mut rows = w[..k * n].chunks_exact(4 * n);
    let mut s = 0;
    for four in &mut rows {
        let (w0, rest) = four.split_at(n);
        let (w1, rest) = rest.split_at(n);
        let (w2, w3) = rest.split_at(n);
        let (x0, x1, x2, x3) = (x[s], x[s + 1], x[s + 2], x[s + 3]);
        for ((((y, &a), &b), &c), &e) in y.iter_mut().zip(w0).zip(w1).zip(w2).zip(w3) {
            // the same rounding sequence as four separate passes: ((((y + x0·a) + x1·b) + x2·c) + x3·e)
            *y = (((*y + x0 * a) + x1 * b) + x2 * c) + x3 * e;
        }
        s += 4;
    }
    for row in rows.remainder().chunks_exact(n) {
        let xs = x[s];
        for (y, &a) in y.iter_mut().zip(row) {
            *y += xs * a;
        }
        s += 1;
    }
}

/// `out[rows] = h[d]·Wᵀ` for `w[rows×d]`: the logit of each row of the tied embedding, each a dot product summed
/// from 0 in order.
pub fn tied_logits(out: &mut [f32], h: &[f32], w: &[f32], (rows, d): (usize, usize)) {
    assert!(h.len() >= d && w.len() >= rows * d && out.len() >= rows, "logit shapes");
    let h = &h[..d];
    let done = lanes::tied_logits_side_by_side(out, h, w, rows, d);
    for (o, row) in out[done..rows].iter_mut().zip(w[done * d..].chunks_exact(d)) {
        *o = dot_in_order(h, row);
    }
}

/// `Σ a[s]·b[s]` from 0, s in order.
fn dot_in_order(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).fold(0.0, |sum, (&x, &y)| sum + x * y)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_splat, i32x4_shuffle, v128, v128_load, v128_store};

    /// Four rows at once, one per lane: every 4×4 block of the rows is transposed in registers so that lane q
    /// adds `h[s]·w[q][s]` for s in order, the same sum as [`super::dot_in_order`]. Returns the rows done.
    pub fn tied_logits_side_by_side(out: &mut [f32], h: &[f32], w: &[f32], rows: usize, d: usize) -> usize {
        if d % 4 != 0 {
            return 0;
        }
        let groups = rows / 4;
        for g in 0..groups {
            let base = &w[g * 4 * d..(g + 1) * 4 * d];
            let mut acc = f32x4_splat(0.0);
            for s in (0..d).step_by(4) {
                // SAFETY: s + 4 ≤ d, so each 16-byte load lies inside its row of `base`, and inside `h`
                let [r0, r1, r2, r3] = std::array::from_fn(|q| unsafe {
                    v128_load(base[q * d + s..q * d + s + 4].as_ptr().cast::<v128>())
                });
                // transpose: c_i holds element s + i of the four rows
                let t0 = i32x4_shuffle::<0, 4, 1, 5>(r0, r1);
                let t1 = i32x4_shuffle::<2, 6, 3, 7>(r0, r1);
                let t2 = i32x4_shuffle::<0, 4, 1, 5>(r2, r3);
                let t3 = i32x4_shuffle::<2, 6, 3, 7>(r2, r3);
                let c0 = i32x4_shuffle::<0, 1, 4, 5>(t0, t2);
                let c1 = i32x4_shuffle::<2, 3, 6, 7>(t0, t2);
                let c2 = i32x4_shuffle::<0, 1, 4, 5>(t1, t3);
                let c3 = i32x4_shuffle::<2, 3, 6, 7>(t1, t3);
                acc = f32x4_add(acc, f32x4_mul(f32x4_splat(h[s]), c0));
                acc = f32x4_add(acc, f32x4_mul(f32x4_splat(h[s + 1]), c1));
                acc = f32x4_add(acc, f32x4_mul(f32x4_splat(h[s + 2]), c2));
                acc = f32x4_add(acc, f32x4_mul(f32x4_splat(h[s + 3]), c3));
            }
            // SAFETY: out has at least `rows` ≥ 4·(g + 1) elements
            unsafe { v128_store(out[g * 4..g * 4 + 4].as_mut_ptr().cast::<v128>(), acc) };
        }
        groups * 4
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    /// Eight rows at once, one accumulator each, s in order: the compiler may keep them in vector registers.
    pub fn tied_logits_side_by_side(out: &mut [f32], h: &[f32], w: &[f32], rows: usize, d: usize) -> usize {
        let groups = rows / 8;
        for g in 0..groups {
            let block: [&[f32]; 8] = std::array::from_fn(|q| &w[(g * 8 + q) * d..][..d]);
            let mut acc = [0.0f32; 8];
            for (s, &hs) in h.iter().enumerate() {
                for q in 0..8 {
                    acc[q] += hs * block[q][s];
                }
            }
            out[g * 8..g * 8 + 8].copy_from_slice(&acc);
        }
        groups * 8
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
        for (k, n) in [(1, 1), (3, 5), (8, 9), (13, 32), (64, 37)] {
            let (x, w, bias) = (numbers(k, 1), numbers(k * n, 2), numbers(n, 3));
            let mut full = vec![0.0; n];
            matmul(&mut full, &x, &w, (1, k, n), Some(&bias), false);
            let mut one = bias.clone();
            add_vec_mat(&mut one, &x, &w, (k, n));
            assert_eq!(full, one, "k {k}, n {n}");
            // the tied output: rows of w are the embedding, x the state
            let (rows, d) = (n, k);
            let (mut full, mut one, mut panel) = (vec![0.0; rows], vec![0.0; rows], Vec::new());
            matmul_bt(&mut full, &x, &w, (1, d, rows), &mut panel);
            tied_logits(&mut one, &x, &w, (rows, d));
            assert_eq!(full, one, "rows {rows}, d {d}");
        }
    }
}
