#![cfg(feature = "gpt")]
//! One digest of every dense kernel's output bits on fixed inputs, shared by the native tests and the wasm-bindgen
//! tests (included by path in both crates): the same constant natively, in wasm without SIMD and with it says that
//! every target sums in the same order.

use gpt1_playground::gpt::attention::{attention, attention_backward};
use gpt1_playground::gpt::infer::matvec::{add_vec_mat, tied_logits};
use gpt1_playground::gpt::int8::{BLOCK, Int8Matrix, kernels as int8};
use gpt1_playground::gpt::kernels::{
    gelu, gelu_backward, layer_norm, layer_norm_backward, matmul, matmul_at_b, matmul_bt,
};
use gpt1_playground::sampling::Mt19937;

/// The digest `kernel_bits()` gives on every target.
pub const KERNEL_BITS: u64 = 0x9e72_57b6_bf61_b269;

/// The digest `int8_bits()` gives on every target.
pub const INT8_BITS: u64 = 0xaa83_d67f_acc9_cc6c;

/// `n` numbers in (−1, 1) from a seeded stream.
pub fn numbers(n: usize, seed: u32) -> Vec<f32> {
    let mut rng = Mt19937::new(seed);
    (0..n).map(|_| (rng.next_word() as f64 / 2_147_483_648.0 - 1.0) as f32).collect()
}

/// FNV-1a over the bits of every number.
fn fold(hash: u64, xs: &[f32]) -> u64 {
    xs.iter().fold(hash, |h, x| (h ^ u64::from(x.to_bits())).wrapping_mul(0x0100_0000_01b3))
}

/// Every kernel on a few shapes (small products read in place, large ones packed in blocks; remainders of rows,
/// columns and lanes), folded into one number.
pub fn kernel_bits() -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for (i, &(m, k, n)) in [(5, 3, 27), (33, 40, 19), (9, 300, 61), (16, 600, 40)].iter().enumerate() {
        let seed = 10 * i as u32;
        let (a, b, bias) = (numbers(m * k, seed), numbers(k * n, seed + 1), numbers(n, seed + 2));
        let mut c = numbers(m * n, seed + 3);
        matmul(&mut c, &a, &b, (m, k, n), Some(&bias), true);
        hash = fold(hash, &c);
        matmul_at_b(&mut c, &numbers(k * m, seed + 4), &b, (m, k, n));
        hash = fold(hash, &c);
        matmul_bt(&mut c, &a, &numbers(n * k, seed + 5), (m, k, n));
        hash = fold(hash, &c);
        // the one-position kernels of decoding, on the first row
        let mut y = bias.clone();
        add_vec_mat(&mut y, &a, &b, (k, n));
        tied_logits(&mut c, &a, &numbers(n * k, seed + 5), (n, k));
        hash = fold(fold(hash, &y), &c[..n]);
    }
    let (rows, d) = (7, 24);
    let (x, g, b) = (numbers(rows * d, 40), numbers(d, 41), numbers(d, 42));
    let (mut y, mut stats) = (vec![0.0; rows * d], vec![0.0; rows * 2]);
    layer_norm(&mut y, &mut stats, &x, &g, &b, d);
    let (mut dx, mut dg, mut db) = (numbers(rows * d, 43), vec![0.0; d], vec![0.0; d]);
    layer_norm_backward(&mut dx, &mut dg, &mut db, &numbers(rows * d, 44), &x, &stats, &g, d);
    let (mut act, mut tanh, mut dfc) = (vec![0.0; rows * d], vec![0.0; rows * d], vec![0.0; rows * d]);
    gelu(&mut act, &mut tanh, &x);
    gelu_backward(&mut dfc, &y, &x, &tanh);
    for part in [&y, &stats, &dx, &dg, &db, &act, &dfc] {
        hash = fold(hash, part);
    }
    for &(rows, len, d, heads) in &[(3, 5, 12, 4), (1, 7, 8, 2), (2, 16, 32, 4)] {
        let qkv = numbers(rows * len * 3 * d, 50 + len as u32);
        let (mut out, mut probs) = (vec![0.0; rows * len * d], vec![0.0; rows * heads * len * len]);
        attention(&mut out, &mut probs, &qkv, rows, len, d, heads);
        let mut d_qkv = vec![0.0; qkv.len()];
        attention_backward(&mut d_qkv, &numbers(out.len(), 60), &probs, &qkv, rows, len, d, heads);
        for part in [&out, &probs, &d_qkv] {
            hash = fold(hash, part);
        }
    }
    hash
}

/// The compact form's product on one row and on a batch (each row alone, and four regions read side by side), with
/// blocks of activations that test its rounding: in the second row, a block all zero, one of signed zeros and
/// subnormals beside ordinary numbers, and one with a NaN (skipped by the block's maximum, then counted as 0); in
/// the third, magnitudes of 1e30.
pub fn int8_bits() -> u64 {
    let (n, k) = (11, 4 * BLOCK);
    let mut w = Int8Matrix::zeros(n, k).expect("a small matrix");
    let values = numbers(n * k, 70);
    for (i, block) in values.chunks_exact(BLOCK).enumerate() {
        w.set_block(i / (k / BLOCK), i % (k / BLOCK), block.try_into().expect("a block")).expect("small weights");
    }
    let mut a = numbers(3 * k, 71);
    a[k..k + BLOCK].fill(0.0);
    for (i, x) in a[k + BLOCK..k + 2 * BLOCK].iter_mut().enumerate() {
        *x = [-0.0, 1e-40, -3e-39, *x][i % 4];
    }
    // the NaN comes before the block's largest magnitude, in the same lane of four
    (a[k + 2 * BLOCK + 1], a[k + 2 * BLOCK + 5]) = (f32::NAN, -2.0);
    for x in &mut a[2 * k + 3 * BLOCK..3 * k] {
        *x *= 1e30;
    }
    let bias = numbers(n, 72);
    let mut hash = 0xcbf2_9ce4_8422_2325;
    let mut batch = numbers(3 * n, 73);
    int8::matmul(&mut batch, &a, &w, 3, Some(&bias), true);
    assert!(batch.iter().all(|x| x.is_finite()), "every block's sum stays finite, so every bit counts");
    hash = fold(hash, &batch);
    for row in a.chunks_exact(k) {
        let mut one = numbers(n, 74);
        int8::matmul(&mut one, row, &w, 1, None, true);
        hash = fold(hash, &one);
    }
    hash
}
