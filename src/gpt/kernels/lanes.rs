//! Products whose every element is a dot product summed in four lanes ([`dot_in_lanes`]): the tied output layer
//! `h·Wₑᵀ`, whose order the one-position decoder ([`crate::gpt::infer::matvec::tied_logits`]) keeps too.

use crate::gpt::float::Float;

/// `c[m×n] = a[m×k]·btᵀ` for `bt[n×k]`: the tied output layer's `h·Wₑᵀ`, without a transposed copy of the whole
/// embedding. Both operands are read along their rows, and each element is a dot product summed in lanes
/// ([`dot_in_lanes`]), the order that the one-position kernel [`super::infer::matvec::tied_logits`] keeps too, so that a
/// decoder's logits are the bits of a full pass. Tiles of 4 rows of `a` by 2 rows of `bt` keep eight such sums in
/// registers; `bt` is read in blocks of `BT_BLOCK` rows, each from memory once while every row of `a` meets it.
pub fn matmul_bt<F: Float>(c: &mut [F], a: &[F], bt: &[F], (m, k, n): (usize, usize, usize)) {
    assert!(a.len() >= m * k && bt.len() >= k * n && c.len() >= m * n, "matmul shapes");
    for j0 in (0..n).step_by(BT_BLOCK) {
        let end = (j0 + BT_BLOCK).min(n);
        let mut i = 0;
        while i + 4 <= m {
            let mut j = j0;
            while j + 2 <= end {
                lane_tile::<F, 4, 2>(c, a, bt, (k, n), (i, j));
                j += 2;
            }
            if j < end {
                lane_tile::<F, 4, 1>(c, a, bt, (k, n), (i, j));
            }
            i += 4;
        }
        for i in i..m {
            for j in j0..end {
                lane_tile::<F, 1, 1>(c, a, bt, (k, n), (i, j));
            }
        }
    }
}

/// Rows of `bt` per block in [`matmul_bt`] (32 rows of GPT-1's 768 numbers: 96 KB).
const BT_BLOCK: usize = 32;

/// The R×Q elements of `a·btᵀ` at (i, j), each summed in lanes as [`dot_in_lanes`] sums it.
#[inline(always)]
fn lane_tile<F: Float, const R: usize, const Q: usize>(
    c: &mut [F],
    a: &[F],
    bt: &[F],
    (k, n): (usize, usize),
    (i, j): (usize, usize),
) {
    let whole = k - k % LANES;
    let a_rows: [&[F]; R] = std::array::from_fn(|r| &a[(i + r) * k..][..k]);
    let b_rows: [&[F]; Q] = std::array::from_fn(|q| &bt[(j + q) * k..][..k]);
    let mut acc = [[F::x4_splat(F::ZERO); Q]; R];
    for s in (0..whole).step_by(LANES) {
        let mut y = [F::x4_splat(F::ZERO); Q];
        for (y, row) in y.iter_mut().zip(&b_rows) {
            *y = F::x4_load(row[s..s + LANES].try_into().expect("4 lanes"));
        }
        for (acc, row) in acc.iter_mut().zip(&a_rows) {
            let x = F::x4_load(row[s..s + LANES].try_into().expect("4 lanes"));
            for (acc, &y) in acc.iter_mut().zip(&y) {
                *acc = F::x4_mul_add(*acc, x, y);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        for (q, &acc) in acc.iter().enumerate() {
            c[(i + r) * n + j + q] = finish_lanes::<F>(acc, &a_rows[r][whole..], &b_rows[q][whole..]);
        }
    }
}

/// A dot product's four lane sums, with the last `k mod 4` terms added to lanes 0, 1, 2 in order, reduced as
/// [`dot_in_lanes`] reduces them: `(lane₀ + lane₁) + (lane₂ + lane₃)`.
#[inline(always)]
fn finish_lanes<F: Float>(acc: F::X4, a_tail: &[F], b_tail: &[F]) -> F {
    let mut lanes = [F::ZERO; LANES];
    F::x4_store(acc, &mut lanes);
    for ((lane, &a), &b) in lanes.iter_mut().zip(a_tail).zip(b_tail) {
        *lane += a * b;
    }
    let [l0, l1, l2, l3] = lanes;
    (l0 + l1) + (l2 + l3)
}

/// Partial sums per dot product in [`dot_in_lanes`]: one wasm SIMD vector of `f32`.
pub const LANES: usize = 4;

/// `Σ a[s]·b[s]` in the order every tied logit is summed: lane l adds the terms with s ≡ l (mod 4) in order of
/// s, from 0; the result is `(lane₀ + lane₁) + (lane₂ + lane₃)`. Four independent sums keep a vector unit busy
/// without a transpose, and the order does not depend on the vector width, so every target gets the same bits.
pub fn dot_in_lanes<F: Float>(a: &[F], b: &[F]) -> F {
    let k = a.len().min(b.len());
    let [sum] = lane_sums::<F, 1>(a, [&b[..k]]);
    sum
}

/// [`dot_in_lanes`] of `a` with each of `C` rows at once (independent sums side by side), each sum a vector of
/// four lanes, written with the vector operations of [`Float`] as [`matmul_bt`]'s tiles are. (A throwaway wasm
/// microbenchmark, with the embedding in cache, ran this form 1.6× faster than sums written a lane at a time;
/// GPT-1's decode, which reads the embedding from memory, runs at the same speed with either.)
#[inline(always)]
pub fn lane_sums<F: Float, const C: usize>(a: &[F], rows: [&[F]; C]) -> [F; C] {
    let k = a.len().min(rows.iter().map(|r| r.len()).min().unwrap_or(0));
    let whole = k - k % LANES;
    let mut acc = [F::x4_splat(F::ZERO); C];
    for s in (0..whole).step_by(LANES) {
        let x = F::x4_load(a[s..s + LANES].try_into().expect("4 lanes"));
        for (acc, row) in acc.iter_mut().zip(&rows) {
            *acc = F::x4_mul_add(*acc, x, F::x4_load(row[s..s + LANES].try_into().expect("4 lanes")));
        }
    }
    std::array::from_fn(|r| finish_lanes::<F>(acc[r], &a[whole..k], &rows[r][whole..k]))
}
