//! Dense kernels: matrix products, transposes, LayerNorm and GELU, each with its backward pass.
//!
//! Every matrix is row-major and contiguous. Every sum runs in one fixed order, given with its kernel, that does
//! not depend on tile sizes, on the vector width or on the target: natively, in wasm with SIMD and in wasm without,
//! the same bits. Vector units only ever run independent sums side by side (the f32 lanes of [`Float::X4`]):
//!
//! - [`matmul`], [`matmul_at_b`]: each element of `C` from its bias and/or old value, then
//!   `+ a·b` along k in order, p = 0 … k−1;
//! - [`matmul_bt`], [`dot_in_lanes`]: lane l sums the terms with p ≡ l (mod 4) in order, then
//!   `(lane₀ + lane₁) + (lane₂ + lane₃)`;
//! - [`layer_norm`]: a row's mean and variance summed along the row in order; [`layer_norm_backward`]: a row's two
//!   means along the row, and `dg`, `db` over the rows in order; [`add_column_sums`]: over the rows in order;
//! - [`gelu`] and [`gelu_backward`]: element by element.

use super::float::Float;

mod lanes;
mod product;

pub use lanes::{LANES, dot_in_lanes, lane_sums, matmul_bt};
pub use product::{matmul, matmul_at_b};

/// `dst[cols×rows] = srcᵀ` for `src[rows×cols]`.
pub fn transpose<F: Float>(dst: &mut [F], src: &[F], rows: usize, cols: usize) {
    for (r, row) in src[..rows * cols].chunks_exact(cols).enumerate() {
        for (col, &x) in row.iter().enumerate() {
            dst[col * rows + r] = x;
        }
    }
}

/// `sums[n] += Σ_rows x[row][·]`: the gradient of a bias.
pub fn add_column_sums<F: Float>(sums: &mut [F], x: &[F], n: usize) {
    for row in x.chunks_exact(n) {
        for (s, &v) in sums.iter_mut().zip(row) {
            *s += v;
        }
    }
}

/// The backward pass of `y[rows×out] = x[rows×in]·w[in×out] + b`: adds `xᵀ·dy` to `dw` and the column sums of `dy`
/// to `db`, and writes `dy·wᵀ` into `dx` (when given). `scratch` holds `wᵀ`.
#[allow(clippy::too_many_arguments)]
pub fn linear_backward<F: Float>(
    x: &[F],
    dy: &[F],
    w: &[F],
    (rows, inputs, outputs): (usize, usize, usize),
    dw: &mut [F],
    db: Option<&mut [F]>,
    dx: Option<&mut [F]>,
    scratch: &mut Vec<F>,
) {
    scratch.resize(inputs * outputs, F::ZERO);
    // dw += xᵀ·dy
    matmul_at_b(dw, x, dy, (inputs, rows, outputs));
    // db += Σ dy
    if let Some(db) = db {
        add_column_sums(db, dy, outputs);
    }
    // dx = dy·wᵀ
    if let Some(dx) = dx {
        transpose(scratch, w, inputs, outputs);
        matmul(dx, dy, scratch, (rows, outputs, inputs), None, false);
    }
}

/// LayerNorm's ε inside the square root.
const LN_EPSILON: f64 = 1e-5;

/// `y = g·(x − mean)/√(var + ε) + b` for every row of `x[rows×d]`; keeps each row's mean and 1/√(var + ε). Each
/// row's sums run along the row, in order; four rows run side by side (independent sums keep the adder busy).
pub fn layer_norm<F: Float>(y: &mut [F], stats: &mut [F], x: &[F], g: &[F], b: &[F], d: usize) {
    let rows = x.len() / d;
    let mut r = 0;
    while r < rows {
        let (y, stats, x) = (&mut y[r * d..], &mut stats[2 * r..], &x[r * d..]);
        if r + 4 <= rows {
            layer_norm_rows::<F, 4>(y, stats, x, g, b, d);
            r += 4;
        } else {
            layer_norm_rows::<F, 1>(y, stats, x, g, b, d);
            r += 1;
        }
    }
}

/// [`layer_norm`] of R rows.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // along the rows (i), the R rows side by side (r)
fn layer_norm_rows<F: Float, const R: usize>(y: &mut [F], stats: &mut [F], x: &[F], g: &[F], b: &[F], d: usize) {
    let inv_d = F::of(1.0 / d as f64);
    let x: [&[F]; R] = std::array::from_fn(|r| &x[r * d..][..d]);
    // mean and (biased) variance of each row
    let mut mean = [F::ZERO; R];
    for i in 0..d {
        for r in 0..R {
            mean[r] += x[r][i];
        }
    }
    let mean = mean.map(|m| m * inv_d);
    let mut var = [F::ZERO; R];
    for i in 0..d {
        for r in 0..R {
            var[r] += (x[r][i] - mean[r]) * (x[r][i] - mean[r]);
        }
    }
    let rstd = var.map(|v| F::ONE / (v * inv_d + F::of(LN_EPSILON)).sqrt());
    // normalise, then scale and shift
    for (r, y) in y[..R * d].chunks_exact_mut(d).enumerate() {
        for i in 0..d {
            y[i] = (x[r][i] - mean[r]) * rstd[r] * g[i] + b[i];
        }
        stats[2 * r] = mean[r];
        stats[2 * r + 1] = rstd[r];
    }
}

/// LayerNorm's backward pass: adds to `dx`, `dg` and `db` given `dy`. Each row's sums run along the row, and
/// `dg`, `db` take the rows in order; four rows run side by side.
#[allow(clippy::too_many_arguments)]
pub fn layer_norm_backward<F: Float>(
    dx: &mut [F],
    dg: &mut [F],
    db: &mut [F],
    dy: &[F],
    x: &[F],
    stats: &[F],
    g: &[F],
    d: usize,
) {
    let rows = x.len() / d;
    let mut r = 0;
    while r < rows {
        let (dx, dy, x, stats) = (&mut dx[r * d..], &dy[r * d..], &x[r * d..], &stats[2 * r..]);
        if r + 4 <= rows && d % 4 == 0 {
            layer_norm_backward_4x4(dx, dg, db, dy, x, stats, g, d);
            r += 4;
        } else if r + 4 <= rows {
            layer_norm_backward_rows::<F, 4>(dx, dg, db, dy, x, stats, g, d);
            r += 4;
        } else {
            layer_norm_backward_rows::<F, 1>(dx, dg, db, dy, x, stats, g, d);
            r += 1;
        }
    }
}

/// [`layer_norm_backward_rows`] of 4 rows for a width `d` of whole vectors: the same operations on each number, in
/// vectors. Along a row, 4 columns at a time: `dg` and `db` of those columns take the 4 rows in order, and the rows'
/// two sums take those columns in order, turned by a 4×4 transpose into one lane per row.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn layer_norm_backward_4x4<F: Float>(
    dx: &mut [F],
    dg: &mut [F],
    db: &mut [F],
    dy: &[F],
    x: &[F],
    stats: &[F],
    g: &[F],
    d: usize,
) {
    let inv_d = F::of(1.0 / d as f64);
    let x: [&[F]; 4] = std::array::from_fn(|r| &x[r * d..][..d]);
    let dy: [&[F]; 4] = std::array::from_fn(|r| &dy[r * d..][..d]);
    let (mean, rstd): ([F; 4], [F; 4]) =
        (std::array::from_fn(|r| stats[2 * r]), std::array::from_fn(|r| stats[2 * r + 1]));
    let (mean_v, rstd_v) = (mean.map(F::x4_splat), rstd.map(F::x4_splat));
    let load = |v: &[F]| F::x4_load(v.try_into().expect("4"));
    // dx̂ = dy·g; the means of dx̂ and of dx̂·x̂, row r in lane r
    let (mut sum_dxhat, mut sum_dxhat_xhat) = (F::x4_splat(F::ZERO), F::x4_splat(F::ZERO));
    for i in (0..d).step_by(4) {
        let g_v = load(&g[i..i + 4]);
        let mut dg_v = load(&dg[i..i + 4]);
        let mut db_v = load(&db[i..i + 4]);
        let mut dxhat = [F::x4_splat(F::ZERO); 4];
        let mut dxhat_xhat = [F::x4_splat(F::ZERO); 4];
        for r in 0..4 {
            let dy_r = load(&dy[r][i..i + 4]);
            let xhat = F::x4_mul(F::x4_sub(load(&x[r][i..i + 4]), mean_v[r]), rstd_v[r]);
            dxhat[r] = F::x4_mul(dy_r, g_v);
            dxhat_xhat[r] = F::x4_mul(dxhat[r], xhat);
            dg_v = F::x4_add(dg_v, F::x4_mul(dy_r, xhat));
            db_v = F::x4_add(db_v, dy_r);
        }
        F::x4_store(dg_v, (&mut dg[i..i + 4]).try_into().expect("4"));
        F::x4_store(db_v, (&mut db[i..i + 4]).try_into().expect("4"));
        for (a, b) in F::x4_transpose(dxhat).into_iter().zip(F::x4_transpose(dxhat_xhat)) {
            sum_dxhat = F::x4_add(sum_dxhat, a);
            sum_dxhat_xhat = F::x4_add(sum_dxhat_xhat, b);
        }
    }
    let (mut mean_dxhat, mut mean_dxhat_xhat) = ([F::ZERO; 4], [F::ZERO; 4]);
    F::x4_store(sum_dxhat, &mut mean_dxhat);
    F::x4_store(sum_dxhat_xhat, &mut mean_dxhat_xhat);
    let mean_dxhat = mean_dxhat.map(|m| m * inv_d);
    let mean_dxhat_xhat = mean_dxhat_xhat.map(|m| m * inv_d);
    // dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / σ
    for (r, dx) in dx[..4 * d].chunks_exact_mut(d).enumerate() {
        for i in 0..d {
            let xhat = (x[r][i] - mean[r]) * rstd[r];
            dx[i] += (dy[r][i] * g[i] - mean_dxhat[r] - xhat * mean_dxhat_xhat[r]) * rstd[r];
        }
    }
}

/// [`layer_norm_backward`] of R rows.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn layer_norm_backward_rows<F: Float, const R: usize>(
    dx: &mut [F],
    dg: &mut [F],
    db: &mut [F],
    dy: &[F],
    x: &[F],
    stats: &[F],
    g: &[F],
    d: usize,
) {
    let inv_d = F::of(1.0 / d as f64);
    let x: [&[F]; R] = std::array::from_fn(|r| &x[r * d..][..d]);
    let dy: [&[F]; R] = std::array::from_fn(|r| &dy[r * d..][..d]);
    let (mean, rstd): ([F; R], [F; R]) =
        (std::array::from_fn(|r| stats[2 * r]), std::array::from_fn(|r| stats[2 * r + 1]));
    // dx̂ = dy·g; the means of dx̂ and of dx̂·x̂
    let (mut mean_dxhat, mut mean_dxhat_xhat) = ([F::ZERO; R], [F::ZERO; R]);
    for i in 0..d {
        for r in 0..R {
            let xhat = (x[r][i] - mean[r]) * rstd[r];
            let dxhat = dy[r][i] * g[i];
            mean_dxhat[r] += dxhat;
            mean_dxhat_xhat[r] += dxhat * xhat;
            dg[i] += dy[r][i] * xhat;
            db[i] += dy[r][i];
        }
    }
    let mean_dxhat = mean_dxhat.map(|m| m * inv_d);
    let mean_dxhat_xhat = mean_dxhat_xhat.map(|m| m * inv_d);
    // dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / σ
    for (r, dx) in dx[..R * d].chunks_exact_mut(d).enumerate() {
        for i in 0..d {
            let xhat = (x[r][i] - mean[r]) * rstd[r];
            dx[i] += (dy[r][i] * g[i] - mean_dxhat[r] - xhat * mean_dxhat_xhat[r]) * rstd[r];
        }
    }
}

/// √(2/π), GELU's constant.
const GELU_SCALE: f64 = 0.797_884_560_802_865_4;
/// The cubic term of GELU's tanh form.
const GELU_CUBIC: f64 = 0.044_715;

/// GELU in GPT-1's tanh form: `y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))`; keeps the tanh for the backward pass.
pub fn gelu<F: Float>(y: &mut [F], tanh: &mut [F], x: &[F]) {
    let (s, c, half) = (F::of(GELU_SCALE), F::of(GELU_CUBIC), F::of(0.5));
    for ((y, t), &x) in y.iter_mut().zip(tanh.iter_mut()).zip(x) {
        *t = (s * (x + c * x * x * x)).tanh();
        *y = half * x * (F::ONE + *t);
    }
}

/// GELU's backward pass: `dx = dy · gelu'(x)`, given the forward pass's tanh values.
pub fn gelu_backward<F: Float>(dx: &mut [F], dy: &[F], x: &[F], tanh: &[F]) {
    let (s, c3, half) = (F::of(GELU_SCALE), F::of(3.0 * GELU_CUBIC), F::of(0.5));
    for (((dx, &dy), &x), &t) in dx.iter_mut().zip(dy).zip(x).zip(tanh) {
        // d/dx ½x(1 + t) = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
        let slope = half * (F::ONE + t) + half * x * (F::ONE - t * t) * s * (F::ONE + c3 * x * x);
        *dx = dy * slope;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matmul_matches_the_definition() {
        for &(m, k, n) in &[(1, 1, 1), (5, 3, 27), (8, 32, 96), (7, 13, 21), (4, 5, 16)] {
            let a: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.37).sin()).collect();
            let b: Vec<f64> = (0..k * n).map(|i| (i as f64 * 0.11).cos()).collect();
            let bias: Vec<f64> = (0..n).map(|i| i as f64).collect();
            let mut c = vec![1.0; m * n];
            matmul(&mut c, &a, &b, (m, k, n), Some(&bias), true);
            for i in 0..m {
                for j in 0..n {
                    let want: f64 = 1.0 + bias[j] + (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum::<f64>();
                    assert!((c[i * n + j] - want).abs() < 1e-12, "({m},{k},{n}) at {i},{j}");
                }
            }
            // b given as its transpose (n×k)
            let mut bt = vec![0.0; k * n];
            transpose(&mut bt, &b, k, n);
            let mut c3 = vec![0.0; m * n];
            matmul_bt(&mut c3, &a, &bt, (m, k, n));
            for i in 0..m {
                for j in 0..n {
                    // four lanes, each summed in order, then (l0 + l1) + (l2 + l3)
                    let mut lanes = [0.0; 4];
                    for p in 0..k {
                        lanes[p % 4] += a[i * k + p] * b[p * n + j];
                    }
                    let want = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
                    assert_eq!(c3[i * n + j], want, "a·btᵀ ({m},{k},{n}) at {i},{j}, summed in lanes");
                }
            }
            // the transposed form: aᵀ stored k×m
            let mut at = vec![0.0; m * k];
            transpose(&mut at, &a, m, k);
            let mut c2 = vec![1.0; m * n];
            matmul_at_b(&mut c2, &at, &b, (m, k, n));
            for i in 0..m {
                for j in 0..n {
                    let want: f64 = 1.0 + (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum::<f64>();
                    assert!((c2[i * n + j] - want).abs() < 1e-12, "aᵀ·b ({m},{k},{n}) at {i},{j}");
                }
            }
        }
    }
}
