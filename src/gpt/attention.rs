//! Causal multi-head self-attention, forward and backward. Every (sequence, head) pair is an independent problem
//! of the same shape; four of them run side by side, one in each lane of a vector, so that the small products of
//! one head (scores, weights times values, and their gradients) run at the vector unit's width whatever the head's
//! size, and every sum in every lane runs in exactly the order a scalar loop would give it.
//!
//! The orders are those of the matrix products these loops spell out: a score `S_ij = Σ_c (q_ic/√hd)·k_jc` over c
//! from 0; an output `o_ic = Σ_j P_ij·v_jc` over j from 0; in the backward pass `dP_ij = Σ_c dO_ic·v_jc`,
//! `dV_jc = Σ_i P_ij·dO_ic` and `dK_jc = Σ_i dS_ij·(q_ic/√hd)` over i from 0, `dQ_ic = Σ_j dS_ij·k_jc` over j from 0,
//! each from a zero. Position i attends only to j ≤ i, so the weights `P_ij` with j > i are exact zeros: their
//! products are left out of the sums (adding a zero leaves a sum as it was, but for the sign of a sum that is
//! exactly zero), as the KV-cached decoder leaves them out too.

use super::float::Float;

/// Problems (sequence, head) side by side: the lanes of [`Float::X4`].
const SIDE: usize = 4;

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

/// [`causal_softmax`] of row `row[..=i]` in each lane, the same operations lane by lane (each step a loop the
/// compiler vectorises).
fn causal_softmax_lanes<F: Float>(row: &mut [[F; SIDE]], i: usize) {
    let seen = &mut row[..=i];
    let mut max = seen[0];
    for x in seen.iter() {
        for l in 0..SIDE {
            max[l] = max[l].max(x[l]);
        }
    }
    for x in seen.iter_mut() {
        for l in 0..SIDE {
            x[l] -= max[l];
        }
    }
    for x in seen.as_flattened_mut() {
        *x = x.exp();
    }
    let mut sum = [F::ZERO; SIDE];
    for x in seen.iter() {
        for l in 0..SIDE {
            sum[l] += x[l];
        }
    }
    let inv = sum.map(|s| F::ONE / s);
    for x in seen.iter_mut() {
        for l in 0..SIDE {
            x[l] *= inv[l];
        }
    }
}

/// A group of up to [`SIDE`] problems: which (sequence, head) each lane holds (`None`: an idle lane, all zeros).
type Lanes = [Option<(usize, usize)>; SIDE];

/// The groups of problems, in order of sequence then head.
fn groups(rows: usize, heads: usize) -> impl Iterator<Item = Lanes> {
    (0..rows * heads).step_by(SIDE).map(move |first| {
        std::array::from_fn(|l| (first + l < rows * heads).then(|| ((first + l) / heads, (first + l) % heads)))
    })
}

/// The problems of a group whose every lane is busy.
fn full(lanes: &Lanes) -> Option<[(usize, usize); SIDE]> {
    match *lanes {
        [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
        _ => None,
    }
}

/// Copies `len × hd` numbers of every lane's problem into `out` (`len × hd` lanes): from `x`, whose position i of
/// sequence r starts at `(r·len + i)·width`, at column `at + h·hd`, times `scale`.
#[allow(clippy::too_many_arguments)]
fn gather<F: Float>(
    out: &mut [[F; SIDE]],
    x: &[F],
    lanes: &Lanes,
    len: usize,
    hd: usize,
    width: usize,
    at: usize,
    scale: F,
) {
    if let Some(problems) = full(lanes) {
        if hd % SIDE == 0 {
            // every lane busy: four numbers of each of the four rows at once, turned by a 4×4 transpose
            let scale = F::x4_splat(scale);
            for (i, row) in out.chunks_exact_mut(hd).enumerate() {
                let from: [&[F]; SIDE] = problems.map(|(r, h)| &x[(r * len + i) * width + at + h * hd..][..hd]);
                for (c, o) in row.chunks_exact_mut(SIDE).enumerate() {
                    let m = from.map(|f| F::x4_load(f[c * SIDE..][..SIDE].try_into().expect("4")));
                    for (o, v) in o.iter_mut().zip(F::x4_transpose(m)) {
                        F::x4_store(F::x4_mul(v, scale), o);
                    }
                }
            }
            return;
        }
        // every lane busy: each position's four rows read side by side, each lane-vector written once
        for (i, row) in out.chunks_exact_mut(hd).enumerate() {
            let from: [&[F]; SIDE] = problems.map(|(r, h)| &x[(r * len + i) * width + at + h * hd..][..hd]);
            for (c, o) in row.iter_mut().enumerate() {
                *o = std::array::from_fn(|l| from[l][c] * scale);
            }
        }
        return;
    }
    for (l, lane) in lanes.iter().enumerate() {
        match *lane {
            Some((r, h)) => {
                for (i, row) in out.chunks_exact_mut(hd).enumerate() {
                    let from = &x[(r * len + i) * width + at + h * hd..][..hd];
                    for (o, &v) in row.iter_mut().zip(from) {
                        o[l] = v * scale;
                    }
                }
            }
            None => out.iter_mut().for_each(|o| o[l] = F::ZERO),
        }
    }
}

/// The inverse of [`gather`] for one position i: lane l of `row` (`hd` lanes) into its problem's columns.
fn scatter<F: Float>(
    x: &mut [F],
    row: &[[F; SIDE]],
    lanes: &Lanes,
    i: usize,
    (len, hd, width, at): (usize, usize, usize, usize),
) {
    if let Some(problems) = full(lanes) {
        let starts = problems.map(|(r, h)| (r * len + i) * width + at + h * hd);
        if hd % SIDE == 0 {
            // four lane-vectors at once, turned by a 4×4 transpose into four numbers of each problem
            for (c, v) in row[..hd].chunks_exact(SIDE).enumerate() {
                let m: [F::X4; SIDE] = std::array::from_fn(|q| F::x4_load(&v[q]));
                for (&start, t) in starts.iter().zip(F::x4_transpose(m)) {
                    F::x4_store(t, (&mut x[start + c * SIDE..][..SIDE]).try_into().expect("4"));
                }
            }
            return;
        }
        for (c, v) in row[..hd].iter().enumerate() {
            for (&start, &v) in starts.iter().zip(v) {
                x[start + c] = v;
            }
        }
        return;
    }
    for (l, lane) in lanes.iter().enumerate() {
        if let Some((r, h)) = *lane {
            for (o, v) in x[(r * len + i) * width + at + h * hd..][..hd].iter_mut().zip(row) {
                *o = v[l];
            }
        }
    }
}

/// `acc + Σ_c a[c]·b[c]` lane by lane, c in order.
#[inline(always)]
fn dot<F: Float>(a: &[[F; SIDE]], b: &[[F; SIDE]]) -> [F; SIDE] {
    let mut acc = F::x4_splat(F::ZERO);
    for (a, b) in a.iter().zip(b) {
        acc = F::x4_mul_add(acc, F::x4_load(a), F::x4_load(b));
    }
    let mut out = [F::ZERO; SIDE];
    F::x4_store(acc, &mut out);
    out
}

/// `y[c] += w·x[c]` lane by lane.
#[inline(always)]
fn add_scaled<F: Float>(y: &mut [[F; SIDE]], w: &[F; SIDE], x: &[[F; SIDE]]) {
    let w = F::x4_load(w);
    for (y, x) in y.iter_mut().zip(x) {
        F::x4_store(F::x4_mul_add(F::x4_load(y), w, F::x4_load(x)), y);
    }
}

/// Attention on `qkv` (`rows·len × 3d`: queries, keys, values side by side): writes the heads' outputs side by
/// side into `out` (`rows·len × d`) and the weights into `probs` (`rows × heads × len × len`).
#[allow(clippy::too_many_arguments)]
pub fn attention<F: Float>(out: &mut [F], probs: &mut [F], qkv: &[F], rows: usize, len: usize, d: usize, heads: usize) {
    match d / heads {
        8 => attention_of::<F, 8>(out, probs, qkv, rows, len, d, heads),
        16 => attention_of::<F, 16>(out, probs, qkv, rows, len, d, heads),
        _ => attention_of::<F, 0>(out, probs, qkv, rows, len, d, heads),
    }
}

/// [`attention`] for heads of `HD` numbers, known when compiled (0: any size), so that a row of a head is held in
/// registers rather than memory.
#[allow(clippy::too_many_arguments)]
fn attention_of<F: Float, const HD: usize>(
    out: &mut [F],
    probs: &mut [F],
    qkv: &[F],
    rows: usize,
    len: usize,
    d: usize,
    heads: usize,
) {
    let hd = if HD > 0 { HD } else { d / heads };
    let scale = F::of(1.0 / (hd as f64).sqrt());
    let zero = [F::ZERO; SIDE];
    let (mut q, mut k, mut v) = (vec![zero; len * hd], vec![zero; len * hd], vec![zero; len * hd]);
    let mut p = vec![zero; len];
    let (mut o_fixed, mut o_any) = ([zero; HD], vec![zero; if HD > 0 { 0 } else { hd }]);
    let o: &mut [[F; SIDE]] = if HD > 0 { &mut o_fixed } else { &mut o_any };
    for lanes in groups(rows, heads) {
        // the queries scaled by 1/√hd, the keys, the values
        gather(&mut q, qkv, &lanes, len, hd, 3 * d, 0, scale);
        gather(&mut k, qkv, &lanes, len, hd, 3 * d, d, F::ONE);
        gather(&mut v, qkv, &lanes, len, hd, 3 * d, 2 * d, F::ONE);
        for (i, q_i) in q.chunks_exact(hd).enumerate() {
            // scores: S_ij = (q_i/√hd)·k_j for j ≤ i; weights: their causal softmax
            for (s, k_j) in p[..=i].iter_mut().zip(k.chunks_exact(hd)) {
                *s = dot(q_i, k_j);
            }
            causal_softmax_lanes(&mut p, i);
            for (l, lane) in lanes.iter().enumerate() {
                if let Some((r, h)) = *lane {
                    let row = &mut probs[((r * heads + h) * len + i) * len..][..len];
                    for (x, s) in row.iter_mut().zip(&p[..=i]) {
                        *x = s[l];
                    }
                    row[i + 1..].fill(F::ZERO);
                }
            }
            // output: o_i = Σ_{j ≤ i} P_ij v_j
            o.fill(zero);
            for (w, v_j) in p[..=i].iter().zip(v.chunks_exact(hd)) {
                add_scaled(o, w, v_j);
            }
            scatter(out, o, &lanes, i, (len, hd, d, 0));
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
    match d / heads {
        8 => attention_backward_of::<F, 8>(d_qkv, d_out, probs, qkv, rows, len, d, heads),
        16 => attention_backward_of::<F, 16>(d_qkv, d_out, probs, qkv, rows, len, d, heads),
        _ => attention_backward_of::<F, 0>(d_qkv, d_out, probs, qkv, rows, len, d, heads),
    }
}

/// [`attention_backward`] for heads of `HD` numbers (0: any size), as [`attention_of`].
#[allow(clippy::too_many_arguments)]
fn attention_backward_of<F: Float, const HD: usize>(
    d_qkv: &mut [F],
    d_out: &[F],
    probs: &[F],
    qkv: &[F],
    rows: usize,
    len: usize,
    d: usize,
    heads: usize,
) {
    let hd = if HD > 0 { HD } else { d / heads };
    let scale = F::of(1.0 / (hd as f64).sqrt());
    let zero = [F::ZERO; SIDE];
    let (mut q, mut k, mut v) = (vec![zero; len * hd], vec![zero; len * hd], vec![zero; len * hd]);
    let (mut d_o, mut dk, mut dv) = (vec![zero; len * hd], vec![zero; len * hd], vec![zero; len * hd]);
    let (mut p, mut ds) = (vec![zero; len], vec![zero; len]);
    let (mut dq_fixed, mut dq_any) = ([zero; HD], vec![zero; if HD > 0 { 0 } else { hd }]);
    let dq: &mut [[F; SIDE]] = if HD > 0 { &mut dq_fixed } else { &mut dq_any };
    for lanes in groups(rows, heads) {
        gather(&mut q, qkv, &lanes, len, hd, 3 * d, 0, scale);
        gather(&mut k, qkv, &lanes, len, hd, 3 * d, d, F::ONE);
        gather(&mut v, qkv, &lanes, len, hd, 3 * d, 2 * d, F::ONE);
        gather(&mut d_o, d_out, &lanes, len, hd, d, 0, F::ONE);
        dk.fill(zero);
        dv.fill(zero);
        // position by position, i in order: the sums over i (dK_j, dV_j) then run in order of i too
        for (i, (q_i, d_o_i)) in q.chunks_exact(hd).zip(d_o.chunks_exact(hd)).enumerate() {
            for (l, lane) in lanes.iter().enumerate() {
                match *lane {
                    Some((r, h)) => {
                        let row = &probs[((r * heads + h) * len + i) * len..][..=i];
                        for (x, &w) in p[..=i].iter_mut().zip(row) {
                            x[l] = w;
                        }
                    }
                    None => p[..=i].iter_mut().for_each(|x| x[l] = F::ZERO),
                }
            }
            // dP_ij = dO_i·v_j; dV_j += P_ij dO_i
            for ((dp, v_j), (w, dv_j)) in
                ds[..=i].iter_mut().zip(v.chunks_exact(hd)).zip(p.iter().zip(dv.chunks_exact_mut(hd)))
            {
                *dp = dot(d_o_i, v_j);
                add_scaled(dv_j, w, d_o_i);
            }
            // softmax: dS_ij = P_ij (dP_ij − Σ_k P_ik dP_ik)
            let mut total = zero;
            for (w, dp) in p[..=i].iter().zip(&ds[..=i]) {
                for l in 0..SIDE {
                    total[l] += w[l] * dp[l];
                }
            }
            for (dp, w) in ds[..=i].iter_mut().zip(&p) {
                for l in 0..SIDE {
                    dp[l] = w[l] * (dp[l] - total[l]);
                }
            }
            // S = (Q/√hd)·Kᵀ: dQ_i = Σ_j dS_ij k_j (÷√hd when written), dK_j += dS_ij (q_i/√hd)
            dq.fill(zero);
            for ((g, k_j), dk_j) in ds[..=i].iter().zip(k.chunks_exact(hd)).zip(dk.chunks_exact_mut(hd)) {
                add_scaled(dq, g, k_j);
                add_scaled(dk_j, g, q_i);
            }
            for x in dq.iter_mut() {
                *x = x.map(|g| g * scale);
            }
            scatter(d_qkv, dq, &lanes, i, (len, hd, 3 * d, 0));
        }
        for (i, (dk_i, dv_i)) in dk.chunks_exact(hd).zip(dv.chunks_exact(hd)).enumerate() {
            scatter(d_qkv, dk_i, &lanes, i, (len, hd, 3 * d, d));
            scatter(d_qkv, dv_i, &lanes, i, (len, hd, 3 * d, 2 * d));
        }
    }
}
