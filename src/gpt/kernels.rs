//! Dense kernels: matrix products, transposes, LayerNorm and GELU, each with its backward pass.
//!
//! Every matrix is row-major and contiguous. The one product kernel computes `C = A·B` by tiles of a few rows of
//! `C` times a block of its columns held in local accumulators; the innermost loop runs along a row of `B`, so
//! it auto-vectorises (SSE natively, `simd128` in wasm). Each element of `C` is summed in the same order (`p` from
//! 0 to k−1) whatever the tile, so results do not depend on the vector width: the same bits on every target.

use super::float::Float;

/// Rows of `C` per tile.
const TILE_ROWS: usize = 4;

/// One product `C = A·B (+ bias) (+ C)`: `A` is m×k (stored as is, or as its k×m transpose), `B` is k×n.
#[derive(Clone, Copy)]
struct Product<'a, F> {
    a: &'a [F],
    b: &'a [F],
    m: usize,
    k: usize,
    n: usize,
    bias: Option<&'a [F]>,
    accumulate: bool,
}

/// `c[m×n] = a[m×k]·b[k×n]`, plus `bias[n]` on every row if given, plus the old `c` if `accumulate`.
pub fn matmul<F: Float>(
    c: &mut [F],
    a: &[F],
    b: &[F],
    (m, k, n): (usize, usize, usize),
    bias: Option<&[F]>,
    accumulate: bool,
) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul shapes");
    product::<F, false>(c, Product { a, b, m, k, n, bias, accumulate });
}

/// `c[m×n] += aᵀ·b` for `a[k×m]`, `b[k×n]`: a weight's gradient `xᵀ·dy`, without transposing `x`.
pub fn matmul_at_b<F: Float>(c: &mut [F], a: &[F], b: &[F], (m, k, n): (usize, usize, usize)) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul shapes");
    product::<F, true>(c, Product { a, b, m, k, n, bias: None, accumulate: true });
}

/// `c[m×n] = a[m×k]·btᵀ` for `bt[n×k]`: the tied output layer's `h·Wₑᵀ`, without a transposed copy of the whole
/// embedding. Both operands are read along their rows, and each element is a dot product summed in lanes
/// ([`dot_in_lanes`]), the order that the one-position kernel [`super::infer::matvec::tied_logits`] keeps too, so that a
/// decoder's logits are the bits of a full pass. Blocks of `BT_BLOCK` rows of `bt` stay in cache while every row
/// of `a` meets them.
pub fn matmul_bt<F: Float>(c: &mut [F], a: &[F], bt: &[F], (m, k, n): (usize, usize, usize)) {
    assert!(a.len() >= m * k && bt.len() >= k * n && c.len() >= m * n, "matmul shapes");
    for j in (0..n).step_by(BT_BLOCK) {
        let end = (j + BT_BLOCK).min(n);
        for (a_row, c_row) in a[..m * k].chunks_exact(k).zip(c.chunks_exact_mut(n)) {
            // four rows of bt side by side, then one at a time
            let mut q = j;
            while q + 4 <= end {
                let rows: [&[F]; 4] = std::array::from_fn(|r| &bt[(q + r) * k..][..k]);
                c_row[q..q + 4].copy_from_slice(&lane_sums(a_row, rows));
                q += 4;
            }
            for q in q..end {
                c_row[q] = dot_in_lanes(a_row, &bt[q * k..][..k]);
            }
        }
    }
}

/// Rows of `bt` per block in [`matmul_bt`] (8 rows of GPT-1's 768 numbers: 24 KB).
const BT_BLOCK: usize = 8;

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

/// [`dot_in_lanes`] of `a` with each of `C` rows at once (independent sums side by side).
#[inline(always)]
pub fn lane_sums<F: Float, const C: usize>(a: &[F], rows: [&[F]; C]) -> [F; C] {
    let k = a.len().min(rows.iter().map(|r| r.len()).min().unwrap_or(0));
    let whole = k - k % LANES;
    let mut acc = [[F::ZERO; LANES]; C];
    for (s, x) in a[..whole].chunks_exact(LANES).enumerate() {
        for (acc, row) in acc.iter_mut().zip(&rows) {
            let y = &row[s * LANES..s * LANES + LANES];
            for l in 0..LANES {
                acc[l] += x[l] * y[l];
            }
        }
    }
    for s in whole..k {
        for (acc, row) in acc.iter_mut().zip(&rows) {
            acc[s - whole] += a[s] * row[s];
        }
    }
    acc.map(|[l0, l1, l2, l3]| (l0 + l1) + (l2 + l3))
}

/// Tiles of `TILE_ROWS` rows (then single rows) by column blocks of 8, 4, then 1.
#[inline(always)]
fn product<F: Float, const AT: bool>(c: &mut [F], p: Product<'_, F>) {
    let mut i = 0;
    while i < p.m {
        let rows = if i + TILE_ROWS <= p.m { TILE_ROWS } else { 1 };
        let mut j = 0;
        while j < p.n {
            let cols = if j + 8 <= p.n {
                8
            } else if j + 4 <= p.n {
                4
            } else {
                1
            };
            match (rows, cols) {
                (TILE_ROWS, 8) => tile::<F, TILE_ROWS, 8, AT>(c, &p, i, j),
                (TILE_ROWS, 4) => tile::<F, TILE_ROWS, 4, AT>(c, &p, i, j),
                (TILE_ROWS, _) => tile::<F, TILE_ROWS, 1, AT>(c, &p, i, j),
                (_, 8) => tile::<F, 1, 8, AT>(c, &p, i, j),
                (_, 4) => tile::<F, 1, 4, AT>(c, &p, i, j),
                _ => tile::<F, 1, 1, AT>(c, &p, i, j),
            }
            j += cols;
        }
        i += rows;
    }
}

/// One R×C tile of `C` at (i, j): R·C accumulators in registers, one pass over k.
#[inline(always)]
fn tile<F: Float, const R: usize, const C: usize, const AT: bool>(c: &mut [F], p: &Product<'_, F>, i: usize, j: usize) {
    let (m, k, n) = (p.m, p.k, p.n);
    // start from the bias and/or the old values
    let mut acc = [[F::ZERO; C]; R];
    for (r, acc_row) in acc.iter_mut().enumerate() {
        if let Some(bias) = p.bias {
            acc_row.copy_from_slice(&bias[j..j + C]);
        }
        if p.accumulate {
            let old = &c[(i + r) * n + j..(i + r) * n + j + C];
            for (x, &o) in acc_row.iter_mut().zip(old) {
                *x += o;
            }
        }
    }
    // acc[r][q] += A[i+r][s] · B[s][j+q], s in order
    let b_rows = p.b[..k * n].chunks_exact(n).map(|row| -> &[F; C] { row[j..j + C].try_into().expect("C") });
    if AT {
        // Aᵀ is stored: column s of A is row s of the storage
        for (a_row, b_row) in p.a[..k * m].chunks_exact(m).zip(b_rows) {
            let a_col: &[F; R] = a_row[i..i + R].try_into().expect("R rows");
            add_outer(&mut acc, a_col, b_row);
        }
    } else {
        let a_rows: [&[F]; R] = std::array::from_fn(|r| &p.a[(i + r) * k..][..k]);
        for (s, b_row) in b_rows.enumerate() {
            let a_col: [F; R] = std::array::from_fn(|r| a_rows[r][s]);
            add_outer(&mut acc, &a_col, b_row);
        }
    }
    for (r, acc_row) in acc.iter().enumerate() {
        c[(i + r) * n + j..(i + r) * n + j + C].copy_from_slice(acc_row);
    }
}

/// `acc += a ⊗ b`: one step of a tile.
#[inline(always)]
fn add_outer<F: Float, const R: usize, const C: usize>(acc: &mut [[F; C]; R], a: &[F; R], b: &[F; C]) {
    for r in 0..R {
        for q in 0..C {
            acc[r][q] += a[r] * b[q];
        }
    }
}

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

/// The backward pass of `y[rows×out] = x[rows×in]·w[in×out] + b`: adds `xᵀ·dy` to `dw`, the column sums of `dy`
/// to `db`, and `dy·wᵀ` to `dx` (when given). `scratch` holds `wᵀ`.
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
    // dx += dy·wᵀ
    if let Some(dx) = dx {
        transpose(scratch, w, inputs, outputs);
        matmul(dx, dy, scratch, (rows, outputs, inputs), None, true);
    }
}

/// LayerNorm's ε inside the square root.
const LN_EPSILON: f64 = 1e-5;

/// `y = g·(x − mean)/√(var + ε) + b` for every row of `x[rows×d]`; keeps each row's mean and 1/√(var + ε).
pub fn layer_norm<F: Float>(y: &mut [F], stats: &mut [F], x: &[F], g: &[F], b: &[F], d: usize) {
    let inv_d = F::of(1.0 / d as f64);
    for ((y, x), stats) in y.chunks_exact_mut(d).zip(x.chunks_exact(d)).zip(stats.chunks_exact_mut(2)) {
        // mean and (biased) variance of the row
        let mut mean = F::ZERO;
        for &v in x {
            mean += v;
        }
        mean *= inv_d;
        let mut var = F::ZERO;
        for &v in x {
            var += (v - mean) * (v - mean);
        }
        var *= inv_d;
        let rstd = F::ONE / (var + F::of(LN_EPSILON)).sqrt();
        // normalise, then scale and shift
        for i in 0..d {
            y[i] = (x[i] - mean) * rstd * g[i] + b[i];
        }
        stats[0] = mean;
        stats[1] = rstd;
    }
}

/// LayerNorm's backward pass: adds to `dx`, `dg` and `db` given `dy`.
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
    let inv_d = F::of(1.0 / d as f64);
    for (((dx, dy), x), stats) in
        dx.chunks_exact_mut(d).zip(dy.chunks_exact(d)).zip(x.chunks_exact(d)).zip(stats.chunks_exact(2))
    {
        let (mean, rstd) = (stats[0], stats[1]);
        // dx̂ = dy·g; the means of dx̂ and of dx̂·x̂
        let (mut mean_dxhat, mut mean_dxhat_xhat) = (F::ZERO, F::ZERO);
        for i in 0..d {
            let xhat = (x[i] - mean) * rstd;
            let dxhat = dy[i] * g[i];
            mean_dxhat += dxhat;
            mean_dxhat_xhat += dxhat * xhat;
            dg[i] += dy[i] * xhat;
            db[i] += dy[i];
        }
        mean_dxhat *= inv_d;
        mean_dxhat_xhat *= inv_d;
        // dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / σ
        for i in 0..d {
            let xhat = (x[i] - mean) * rstd;
            dx[i] += (dy[i] * g[i] - mean_dxhat - xhat * mean_dxhat_xhat) * rstd;
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
