#![cfg(feature = "gpt")]
#![allow(clippy::needless_range_loop)] // the references are plain index loops on purpose
//! The dense kernels against plain loops that sum in each kernel's documented order: the same bits, whatever the
//! tiles, blocks, packing and vector lanes do; and the digest of every kernel's bits pinned for every target.

use crate::kernel_digest::{INT8_BITS, KERNEL_BITS, int8_bits, kernel_bits, numbers};
use gpt1_playground::gpt::attention::{attention, attention_backward};
use gpt1_playground::gpt::kernels::{layer_norm, layer_norm_backward, matmul, matmul_at_b, matmul_bt};

/// Shapes that take every path: products read in place and packed ones (k·n ≥ 16,384, at least 8 rows, more
/// than one block of 256 along k, more than one group of 32 panels; a tall one read in place), rows past a multiple
/// of 4, columns past a multiple of 8 and of 4.
const SHAPES: [(usize, usize, usize); 10] = [
    (1, 1, 1),
    (5, 3, 27),
    (8, 32, 96),
    (7, 13, 21),
    (33, 40, 19),
    (9, 300, 61),
    (16, 600, 40),
    (64, 96, 200),
    (9, 270, 525),
    (1027, 300, 61),
];

/// `C = A·B (+ bias) (+ old)` summed as documented: from the bias and/or old value, then `+ a·b` along k.
fn plain_product(
    a: &[f32],
    b: &[f32],
    (m, k, n): (usize, usize, usize),
    at: bool,
    bias: Option<&[f32]>,
    old: Option<&[f32]>,
) -> Vec<f32> {
    let mut c = vec![0.0f32; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0.0f32;
            if let Some(bias) = bias {
                acc = bias[j];
            }
            if let Some(old) = old {
                acc += old[i * n + j];
            }
            for p in 0..k {
                let x = if at { a[p * m + i] } else { a[i * k + p] };
                acc += x * b[p * n + j];
            }
            c[i * n + j] = acc;
        }
    }
    c
}

#[test]
fn products_sum_in_their_documented_order() {
    for (s, &(m, k, n)) in SHAPES.iter().enumerate() {
        let seed = 100 * s as u32;
        let (a, b, bias, old) =
            (numbers(m * k, seed), numbers(k * n, seed + 1), numbers(n, seed + 2), numbers(m * n, seed + 3));
        for (with_bias, accumulate) in [(true, true), (true, false), (false, true), (false, false)] {
            let mut c = old.clone();
            matmul(&mut c, &a, &b, (m, k, n), with_bias.then_some(&bias[..]), accumulate);
            let want =
                plain_product(&a, &b, (m, k, n), false, with_bias.then_some(&bias[..]), accumulate.then_some(&old[..]));
            assert_eq!(bits(&c), bits(&want), "matmul ({m},{k},{n}), bias {with_bias}, accumulate {accumulate}");
        }
        // Aᵀ stored (k×m)
        let at = numbers(k * m, seed + 4);
        let mut c = old.clone();
        matmul_at_b(&mut c, &at, &b, (m, k, n));
        assert_eq!(bits(&c), bits(&plain_product(&at, &b, (m, k, n), true, None, Some(&old))), "aᵀ·b ({m},{k},{n})");
        // B given as its transpose (n×k): four lanes, each in order, then (l0 + l1) + (l2 + l3)
        let bt = numbers(n * k, seed + 5);
        let mut c = vec![0.0; m * n];
        matmul_bt(&mut c, &a, &bt, (m, k, n));
        for i in 0..m {
            for j in 0..n {
                let mut lanes = [0.0f32; 4];
                for p in 0..k {
                    lanes[p % 4] += a[i * k + p] * bt[j * k + p];
                }
                let want = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
                assert_eq!(c[i * n + j].to_bits(), want.to_bits(), "a·btᵀ ({m},{k},{n}) at {i},{j}");
            }
        }
    }
}

fn bits(xs: &[f32]) -> Vec<u32> {
    xs.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn attention_sums_in_its_documented_order() {
    // (rows, len, d, heads): heads of 3 and 4 numbers, 12 and 2 and 8 problems (lanes left idle), any length
    for &(rows, len, d, heads) in &[(3, 5, 12, 4), (1, 7, 8, 2), (2, 16, 32, 4), (1, 9, 24, 3)] {
        let hd = d / heads;
        let scale = (1.0 / (hd as f64).sqrt()) as f32;
        let qkv = numbers(rows * len * 3 * d, len as u32);
        let d_out = numbers(rows * len * d, 7 + len as u32);
        let (mut out, mut probs) = (vec![0.0; rows * len * d], vec![0.0; rows * heads * len * len]);
        attention(&mut out, &mut probs, &qkv, rows, len, d, heads);
        let mut d_qkv = vec![0.0; qkv.len()];
        attention_backward(&mut d_qkv, &d_out, &probs, &qkv, rows, len, d, heads);
        // the plain loops: one problem at a time, each sum from 0 in its documented order, masked terms left out
        let at =
            |r: usize, i: usize, part: usize, h: usize, c: usize| qkv[(r * len + i) * 3 * d + part * d + h * hd + c];
        let (mut want_out, mut want_probs, mut want_d) =
            (vec![0.0f32; out.len()], vec![0.0f32; probs.len()], vec![0.0f32; d_qkv.len()]);
        for r in 0..rows {
            for h in 0..heads {
                let p = &mut want_probs[(r * heads + h) * len * len..][..len * len];
                for i in 0..len {
                    let row = &mut p[i * len..][..len];
                    for j in 0..=i {
                        let mut s = 0.0f32;
                        for c in 0..hd {
                            s += at(r, i, 0, h, c) * scale * at(r, j, 1, h, c);
                        }
                        row[j] = s;
                    }
                    let max = row[..=i].iter().fold(row[0], |m, &x| m.max(x));
                    for x in &mut row[..=i] {
                        *x = gpt1_playground::gpt::float::exp_f32(*x - max);
                    }
                    let sum = row[..=i].iter().fold(0.0f32, |s, &x| s + x);
                    let inv = 1.0 / sum;
                    for x in &mut row[..=i] {
                        *x *= inv;
                    }
                    for c in 0..hd {
                        let mut o = 0.0f32;
                        for j in 0..=i {
                            o += row[j] * at(r, j, 2, h, c);
                        }
                        want_out[(r * len + i) * d + h * hd + c] = o;
                    }
                }
                // backward: dP, dS row by row; dQ over j, dK and dV over i, each from 0
                let g = |i: usize, c: usize| d_out[(r * len + i) * d + h * hd + c];
                let mut ds = vec![0.0f32; len * len];
                for i in 0..len {
                    let mut dp = vec![0.0f32; i + 1];
                    for (j, dp) in dp.iter_mut().enumerate() {
                        for c in 0..hd {
                            *dp += g(i, c) * at(r, j, 2, h, c);
                        }
                    }
                    let dot = (0..=i).fold(0.0f32, |acc, j| acc + p[i * len + j] * dp[j]);
                    for j in 0..=i {
                        ds[i * len + j] = p[i * len + j] * (dp[j] - dot);
                    }
                }
                for i in 0..len {
                    for c in 0..hd {
                        let (mut dq, mut dk, mut dv) = (0.0f32, 0.0f32, 0.0f32);
                        for j in 0..=i {
                            dq += ds[i * len + j] * at(r, j, 1, h, c);
                        }
                        for t in i..len {
                            dk += ds[t * len + i] * (at(r, t, 0, h, c) * scale);
                            dv += p[t * len + i] * g(t, c);
                        }
                        let row = &mut want_d[(r * len + i) * 3 * d..][..3 * d];
                        row[h * hd + c] = dq * scale;
                        row[d + h * hd + c] = dk;
                        row[2 * d + h * hd + c] = dv;
                    }
                }
            }
        }
        let shape = format!("rows {rows}, len {len}, d {d}, heads {heads}");
        assert_eq!(bits(&probs), bits(&want_probs), "weights, {shape}");
        assert_eq!(bits(&out), bits(&want_out), "outputs, {shape}");
        assert_eq!(bits(&d_qkv), bits(&want_d), "gradients, {shape}");
    }
}

#[test]
fn layer_norm_sums_along_each_row() {
    let (rows, d) = (7, 24);
    let (x, g, b, dy) = (numbers(rows * d, 1), numbers(d, 2), numbers(d, 3), numbers(rows * d, 4));
    let (mut y, mut stats) = (vec![0.0; rows * d], vec![0.0; 2 * rows]);
    layer_norm(&mut y, &mut stats, &x, &g, &b, d);
    let (mut dx, mut dg, mut db) = (numbers(rows * d, 5), numbers(d, 6), numbers(d, 7));
    let (mut want_dx, mut want_dg, mut want_db) = (dx.clone(), dg.clone(), db.clone());
    layer_norm_backward(&mut dx, &mut dg, &mut db, &dy, &x, &stats, &g, d);
    let inv_d = (1.0 / d as f64) as f32;
    for r in 0..rows {
        let x = &x[r * d..][..d];
        let mean = x.iter().fold(0.0f32, |s, &v| s + v) * inv_d;
        let var = x.iter().fold(0.0f32, |s, &v| s + (v - mean) * (v - mean)) * inv_d;
        let rstd = 1.0 / (var + 1e-5f64 as f32).sqrt();
        assert_eq!([stats[2 * r].to_bits(), stats[2 * r + 1].to_bits()], [mean.to_bits(), rstd.to_bits()], "row {r}");
        for i in 0..d {
            assert_eq!(y[r * d + i].to_bits(), ((x[i] - mean) * rstd * g[i] + b[i]).to_bits(), "y at {r},{i}");
        }
        let dy = &dy[r * d..][..d];
        let (mut m1, mut m2) = (0.0f32, 0.0f32);
        for i in 0..d {
            let xhat = (x[i] - mean) * rstd;
            m1 += dy[i] * g[i];
            m2 += dy[i] * g[i] * xhat;
            want_dg[i] += dy[i] * xhat;
            want_db[i] += dy[i];
        }
        let (m1, m2) = (m1 * inv_d, m2 * inv_d);
        for i in 0..d {
            let xhat = (x[i] - mean) * rstd;
            want_dx[r * d + i] += (dy[i] * g[i] - m1 - xhat * m2) * rstd;
        }
    }
    assert_eq!((bits(&dx), bits(&dg), bits(&db)), (bits(&want_dx), bits(&want_dg), bits(&want_db)));
}

#[test]
fn every_kernel_gives_the_pinned_bits() {
    assert_eq!(kernel_bits(), KERNEL_BITS, "{:#018x}", kernel_bits());
    assert_eq!(int8_bits(), INT8_BITS, "{:#018x}", int8_bits());
}
