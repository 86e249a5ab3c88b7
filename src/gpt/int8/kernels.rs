//! Products with a compact matrix, in the order [`super`] documents: each block of 32 inputs written as 16-bit
//! integers and 16-bit fractions of its own scale, exact integer sums in four lanes, then four f32 accumulators
//! over the blocks.
//!
//! In WebAssembly with SIMD128 (the page's on-demand module) each block is two loads of 16 weights, widened to
//! 16 bits and multiplied-and-added pairwise into 32-bit lanes by `i32x4.dot_i16x8_s`, once with the integers and
//! once with the fractions: fixed-width SIMD only, so every browser that runs the module runs this. Elsewhere
//! (native, and WebAssembly without SIMD) the same sums are computed a number at a time; both give the same bits.

use super::{BLOCK, Int8Matrix};
use crate::gpt::float::Float;

/// The largest |x̂|: a block's largest activation maps to ±32767.
const ACTIVATION_LEVELS: f32 = 32767.0;

/// Rows of inputs as the products read them: each block of 32 numbers as 16-bit integers and fractions of its
/// scale.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `rows × k` integer parts.
    whole: Vec<i16>,
    /// `rows × k` fractions, in 32768ths.
    fractions: Vec<i16>,
    /// `rows × k / 32` scales.
    scales: Vec<f32>,
    k: usize,
}

impl Inputs {
    /// Rounds `rows` rows of `k` numbers (k a multiple of 32) block by block.
    pub fn quantize<F: Float>(x: &[F], rows: usize, k: usize) -> Inputs {
        let len = rows * k;
        let (mut whole, mut fractions, mut scales) = (vec![0; len], vec![0; len], vec![0.0; len / BLOCK]);
        let parts = whole.chunks_exact_mut(BLOCK).zip(fractions.chunks_exact_mut(BLOCK)).zip(&mut scales);
        for (block, ((whole, fractions), scale)) in x[..len].chunks_exact(BLOCK).zip(parts) {
            let block: [f32; BLOCK] = std::array::from_fn(|i| block[i].f64() as f32);
            let parts = (whole.try_into().expect("a block"), fractions.try_into().expect("a block"));
            *scale = quantize_activations(&block, parts);
        }
        Inputs { whole, fractions, scales, k }
    }

    /// Row `i`: its integer parts, its fractions and its blocks' scales.
    fn row(&self, i: usize) -> Row<'_> {
        let (at, k) = (i * self.k, self.k);
        Row {
            whole: &self.whole[at..][..k],
            fractions: &self.fractions[at..][..k],
            scales: &self.scales[at / BLOCK..][..k / BLOCK],
        }
    }
}

/// One row of [`Inputs`].
#[derive(Clone, Copy)]
struct Row<'a> {
    whole: &'a [i16],
    fractions: &'a [i16],
    scales: &'a [f32],
}

/// One block of activations in the scale `t = m / 32767` of its largest magnitude `m`: with `y = x · (32767 / m)`
/// (f32), the integer part `h = round_ties_even(y)` and the fraction `f = round_ties_even((y − h) · 32768)` in
/// 32768ths (`y − h` is exact), so `x ≈ (h + f/32768) · t` to float32's own precision. Writes `h` and `f`, and
/// returns `t`; all zero when `m = 0`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub fn quantize_activations(x: &[f32; BLOCK], (whole, fractions): (&mut [i16; BLOCK], &mut [i16; BLOCK])) -> f32 {
    let max = x.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
    if max == 0.0 {
        (*whole, *fractions) = ([0; BLOCK], [0; BLOCK]);
        return 0.0;
    }
    let inv = ACTIVATION_LEVELS / max;
    for ((&x, h), f) in x.iter().zip(whole).zip(fractions) {
        let y = x * inv;
        // |y| ≤ 32767 up to rounding, which the nearest whole number absorbs; `as` saturates regardless
        let rounded = y.round_ties_even();
        *h = rounded as i16;
        *f = ((y - rounded) * FRACTION).round_ties_even() as i16;
    }
    max / ACTIVATION_LEVELS
}

/// [`quantize_activations`] with SIMD128, four numbers at a time, with the same bits (tests/core/kernel_digest.rs
/// holds both versions to one constant): `f32x4.pmax` skips a NaN as `f32::max` does (the running maximum stays
/// when the comparison fails), `f32x4.nearest` rounds ties to even, and `i32x4.trunc_sat_f32x4_s` then
/// `i16x8.narrow_i32x4_s` saturate as `as i16` does (a NaN becomes 0). The scalar version calls `fmaxf` for every
/// number in WebAssembly, and was 3 % of int8 decoding.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn quantize_activations(x: &[f32; BLOCK], (whole, fractions): (&mut [i16; BLOCK], &mut [i16; BLOCK])) -> f32 {
    use core::arch::wasm32::*;
    let v: [v128; BLOCK / 4] = std::array::from_fn(|i| f32x4(x[4 * i], x[4 * i + 1], x[4 * i + 2], x[4 * i + 3]));
    let lanes = v.iter().fold(f32x4_splat(0.0), |m, &v| f32x4_pmax(m, f32x4_abs(v)));
    let lanes = [
        f32x4_extract_lane::<0>(lanes),
        f32x4_extract_lane::<1>(lanes),
        f32x4_extract_lane::<2>(lanes),
        f32x4_extract_lane::<3>(lanes),
    ];
    let max = lanes.into_iter().fold(0.0f32, |m, l| if l > m { l } else { m });
    if max == 0.0 {
        (*whole, *fractions) = ([0; BLOCK], [0; BLOCK]);
        return 0.0;
    }
    let (inv, unit) = (f32x4_splat(ACTIVATION_LEVELS / max), f32x4_splat(FRACTION));
    for (i, (h, f)) in whole.chunks_exact_mut(8).zip(fractions.chunks_exact_mut(8)).enumerate() {
        let parts = [v[2 * i], v[2 * i + 1]].map(|v| {
            let y = f32x4_mul(v, inv);
            let rounded = f32x4_nearest(y);
            let fraction = f32x4_nearest(f32x4_mul(f32x4_sub(y, rounded), unit));
            (i32x4_trunc_sat_f32x4(rounded), i32x4_trunc_sat_f32x4(fraction))
        });
        store_i16x8(i16x8_narrow_i32x4(parts[0].0, parts[1].0), h);
        store_i16x8(i16x8_narrow_i32x4(parts[0].1, parts[1].1), f);
    }
    max / ACTIVATION_LEVELS
}

/// The eight lanes of `v` into `out` (the compiler makes this one `v128.store`).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn store_i16x8(v: core::arch::wasm32::v128, out: &mut [i16]) {
    use core::arch::wasm32::i16x8_extract_lane as lane;
    out[..8].copy_from_slice(&[
        lane::<0>(v),
        lane::<1>(v),
        lane::<2>(v),
        lane::<3>(v),
        lane::<4>(v),
        lane::<5>(v),
        lane::<6>(v),
        lane::<7>(v),
    ]);
}

/// The fractions' unit: 1/32768 of the scale.
const FRACTION: f32 = 32768.0;

/// `c[m×n] = a[m×k]·Wᵀ (+ bias) (+ c)` for a compact `w` of n outputs and k inputs: element (i, j) is
/// `init + dot(row j of w, row i of a)`, init being `bias[j]`, plus the old `c` if `accumulate` (as
/// [`crate::gpt::kernels::matmul`] starts its sums). Each element is computed alone, so a row's results do not
/// depend on the rest of the batch.
///
/// One position (m = 1, decoding) reads each weight once, and what limits is reading them: the rows of `w` are cut
/// into [`REGIONS`] regions and one row of each is read side by side, four places in memory streamed at once, each
/// block of inputs loaded once for the four. One stream of int8 weights comes from memory far slower than a core
/// sums it (a throwaway microbenchmark on a 2-core Xeon: 2.7 G weights/s with one stream, 7.5 G with four). A batch
/// (a prompt) takes each row of weights in turn and meets every input row with it while it is in cache: there the
/// sums limit, and the four rows at once cost registers (GPT-1's 64-token prompt took 0.78 CPU s against 0.71).
pub fn matmul<F: Float>(c: &mut [F], a: &[F], w: &Int8Matrix, m: usize, bias: Option<&[F]>, accumulate: bool) {
    let (k, n) = (w.inputs, w.outputs);
    assert!(a.len() >= m * k && c.len() >= m * n && bias.is_none_or(|b| b.len() >= n), "int8 product shapes");
    let inputs = Inputs::quantize(a, m, k);
    let blocks = k / BLOCK;
    let row = |j: usize| WeightRow { q: &w.weights[j * k..][..k], s: &w.scales[j * blocks..][..blocks] };
    let mut put = |i: usize, j: usize, dot: f32| {
        let out = &mut c[i * n + j];
        let mut init = bias.map_or(F::ZERO, |b| b[j]);
        if accumulate {
            init += *out;
        }
        *out = init + F::of(f64::from(dot));
    };
    if m != 1 {
        for j in 0..n {
            for i in 0..m {
                put(i, j, dot(row(j), inputs.row(i)));
            }
        }
        return;
    }
    let x = inputs.row(0);
    let per = n / REGIONS;
    for r in 0..per {
        let at: [usize; REGIONS] = std::array::from_fn(|q| q * per + r);
        for (j, dot) in at.into_iter().zip(dots(at.map(row), x)) {
            put(0, j, dot);
        }
    }
    for j in REGIONS * per..n {
        put(0, j, dot(row(j), x));
    }
}

/// Rows of weights read side by side in [`matmul`].
const REGIONS: usize = 4;

/// One row of a compact matrix: its weights and its blocks' scales.
#[derive(Clone, Copy)]
struct WeightRow<'a> {
    q: &'a [i8],
    s: &'a [f32],
}

/// The dot products of [`REGIONS`] rows of weights with one row of inputs, each exactly as [`dot`] computes it.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn dots(rows: [WeightRow<'_>; REGIONS], x: Row<'_>) -> [f32; REGIONS] {
    rows.map(|w| dot(w, x))
}

/// The dot product of a row of weights with a row of inputs.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn dot(w: WeightRow<'_>, x: Row<'_>) -> f32 {
    let mut acc = [0.0f32; 4];
    let blocks = x.whole.chunks_exact(BLOCK).zip(x.fractions.chunks_exact(BLOCK)).zip(x.scales);
    for ((q, &s), ((whole, fractions), &t)) in w.q.chunks_exact(BLOCK).zip(w.s).zip(blocks) {
        let (whole, fractions) = (lane_sums(q, whole), lane_sums(q, fractions));
        let scale = s * t;
        for (a, (w, f)) in acc.iter_mut().zip(whole.into_iter().zip(fractions)) {
            *a += (w as f32 + f as f32 * (1.0 / FRACTION)) * scale;
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// A block's four exact partial sums: lane l adds inputs `8g + 2l` and `8g + 2l + 1` for g = 0…3.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn lane_sums(q: &[i8], x: &[i16]) -> [i32; 4] {
    let mut lanes = [0i32; 4];
    for (q, x) in q.chunks_exact(8).zip(x.chunks_exact(8)) {
        for (l, lane) in lanes.iter_mut().enumerate() {
            let pair = |i: usize| i32::from(q[i]) * i32::from(x[i]);
            *lane += pair(2 * l) + pair(2 * l + 1);
        }
    }
    lanes
}

/// The dot products with SIMD128, block by block: the block's inputs loaded once, then for each row its weights
/// widened to 16 bits and multiplied-and-added pairwise with the inputs' integer parts and fractions
/// (`i32x4.dot_i16x8_s`), the four results of each added lane by lane into the block's exact sums.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn dots(rows: [WeightRow<'_>; REGIONS], x: Row<'_>) -> [f32; REGIONS] {
    use core::arch::wasm32::*;
    let mut acc = [f32x4_splat(0.0); REGIONS];
    let unit = f32x4_splat(1.0 / FRACTION);
    let blocks = x.whole.chunks_exact(BLOCK).zip(x.fractions.chunks_exact(BLOCK)).zip(x.scales);
    for (b, ((whole, fractions), &t)) in blocks.enumerate() {
        let whole: [v128; 4] = std::array::from_fn(|i| halves(&whole[8 * i..8 * i + 8]));
        let fractions: [v128; 4] = std::array::from_fn(|i| halves(&fractions[8 * i..8 * i + 8]));
        for (acc, w) in acc.iter_mut().zip(rows) {
            *acc = f32x4_add(*acc, block_sum(&w.q[b * BLOCK..][..BLOCK], &whole, &fractions, w.s[b] * t, unit));
        }
    }
    acc.map(|a| {
        (f32x4_extract_lane::<0>(a) + f32x4_extract_lane::<1>(a))
            + (f32x4_extract_lane::<2>(a) + f32x4_extract_lane::<3>(a))
    })
}

/// The dot product of one row of weights with a row of inputs, with SIMD128: per block, the weights widened to 16
/// bits and multiplied-and-added pairwise with the inputs' integer parts and fractions (`i32x4.dot_i16x8_s`), the
/// four results of each added lane by lane into the block's exact sums.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn dot(w: WeightRow<'_>, x: Row<'_>) -> f32 {
    use core::arch::wasm32::*;
    let mut acc = f32x4_splat(0.0);
    let unit = f32x4_splat(1.0 / FRACTION);
    let blocks = x.whole.chunks_exact(BLOCK).zip(x.fractions.chunks_exact(BLOCK)).zip(x.scales);
    for ((q, &s), ((whole, fractions), &t)) in w.q.chunks_exact(BLOCK).zip(w.s).zip(blocks) {
        let q = widened(q);
        let sums = |x: &[i16]| {
            let x: [v128; 4] = std::array::from_fn(|i| halves(&x[8 * i..8 * i + 8]));
            i32x4_add(
                i32x4_add(i32x4_dot_i16x8(q[0], x[0]), i32x4_dot_i16x8(q[1], x[1])),
                i32x4_add(i32x4_dot_i16x8(q[2], x[2]), i32x4_dot_i16x8(q[3], x[3])),
            )
        };
        let (whole, fractions) = (sums(whole), sums(fractions));
        let block = f32x4_add(f32x4_convert_i32x4(whole), f32x4_mul(f32x4_convert_i32x4(fractions), unit));
        acc = f32x4_add(acc, f32x4_mul(block, f32x4_splat(s * t)));
    }
    (f32x4_extract_lane::<0>(acc) + f32x4_extract_lane::<1>(acc))
        + (f32x4_extract_lane::<2>(acc) + f32x4_extract_lane::<3>(acc))
}

/// One block's term of a dot product, `(f32(H) + f32(F) · 2⁻¹⁵) · scale` in four lanes: the 32 weights `q` widened
/// to 16 bits and multiplied-and-added pairwise with the inputs' integer parts and fractions.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn block_sum(
    q: &[i8],
    whole: &[core::arch::wasm32::v128; 4],
    fractions: &[core::arch::wasm32::v128; 4],
    scale: f32,
    unit: core::arch::wasm32::v128,
) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    let q = widened(q);
    let sums = |x: &[v128; 4]| {
        i32x4_add(
            i32x4_add(i32x4_dot_i16x8(q[0], x[0]), i32x4_dot_i16x8(q[1], x[1])),
            i32x4_add(i32x4_dot_i16x8(q[2], x[2]), i32x4_dot_i16x8(q[3], x[3])),
        )
    };
    let block = f32x4_add(f32x4_convert_i32x4(sums(whole)), f32x4_mul(f32x4_convert_i32x4(sums(fractions)), unit));
    f32x4_mul(block, f32x4_splat(scale))
}

/// A block's 32 weights widened to 16 bits, in four vectors of eight.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn widened(q: &[i8]) -> [core::arch::wasm32::v128; 4] {
    use core::arch::wasm32::*;
    let (low, high) = (bytes(&q[..16]), bytes(&q[16..]));
    [
        i16x8_extend_low_i8x16(low),
        i16x8_extend_high_i8x16(low),
        i16x8_extend_low_i8x16(high),
        i16x8_extend_high_i8x16(high),
    ]
}

/// 16 bytes as a vector (the compiler makes this one unaligned `v128.load`).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn bytes(b: &[i8]) -> core::arch::wasm32::v128 {
    let b: &[i8; 16] = b.try_into().expect("16 bytes");
    core::arch::wasm32::i8x16(
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15],
    )
}

/// 8 sixteen-bit integers as a vector (one `v128.load`).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn halves(h: &[i16]) -> core::arch::wasm32::v128 {
    let h: &[i16; 8] = h.try_into().expect("8 numbers");
    core::arch::wasm32::i16x8(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::Mt19937;

    /// [`quantize_activations`] as a value: the integer parts, the fractions and the scale.
    fn quantized(x: &[f32; BLOCK]) -> ([i16; BLOCK], [i16; BLOCK], f32) {
        let (mut whole, mut fractions) = ([0; BLOCK], [0; BLOCK]);
        let t = quantize_activations(x, (&mut whole, &mut fractions));
        (whole, fractions, t)
    }

    fn numbers(n: usize, seed: u32, scale: f32) -> Vec<f32> {
        let mut rng = Mt19937::new(seed);
        (0..n).map(|_| ((rng.next_word() as f32 / 4.3e9) - 0.5) * scale).collect()
    }

    /// A compact matrix from values laid out `outputs × inputs`.
    fn compact(values: &[f32], outputs: usize, inputs: usize) -> Int8Matrix {
        let mut m = Int8Matrix::zeros(outputs, inputs).unwrap();
        for row in 0..outputs {
            for b in 0..inputs / BLOCK {
                let block: [f32; BLOCK] = values[row * inputs + b * BLOCK..][..BLOCK].try_into().unwrap();
                m.set_block(row, b, &block).unwrap();
            }
        }
        m
    }

    #[test]
    fn products_follow_the_documented_order_and_are_near_the_float_ones() {
        for (m, k, n) in [(1, 32, 1), (3, 64, 5), (2, 96, 7), (5, 128, 3)] {
            let (a, w, bias) = (numbers(m * k, 1, 4.0), numbers(n * k, 2, 0.2), numbers(n, 3, 1.0));
            let q = compact(&w, n, k);
            let mut c = numbers(m * n, 4, 1.0);
            let old = c.clone();
            matmul(&mut c, &a, &q, m, Some(&bias), true);
            for i in 0..m {
                for j in 0..n {
                    // the documented order, written out: exact lanes, then four f32 sums over the blocks
                    let mut acc = [0.0f32; 4];
                    for b in 0..k / BLOCK {
                        let x: [f32; BLOCK] = a[i * k + b * BLOCK..][..BLOCK].try_into().unwrap();
                        let (whole, fractions, t) = quantized(&x);
                        let (mut lanes, mut parts) = ([0i64; 4], [0i64; 4]);
                        for e in 0..BLOCK {
                            let w = i64::from(q.weights[j * k + b * BLOCK + e]);
                            lanes[(e % 8) / 2] += w * i64::from(whole[e]);
                            parts[(e % 8) / 2] += w * i64::from(fractions[e]);
                        }
                        for l in 0..4 {
                            let block = lanes[l] as f32 + parts[l] as f32 / 32768.0;
                            acc[l] += block * (q.scales[j * k / BLOCK + b] * t);
                        }
                    }
                    let want = (bias[j] + old[i * n + j]) + ((acc[0] + acc[1]) + (acc[2] + acc[3]));
                    assert_eq!(c[i * n + j], want, "({m},{k},{n}) at {i},{j}");
                    // and near the float product with the weights the form stands for
                    let exact: f64 = (0..k).map(|s| f64::from(a[i * k + s]) * f64::from(q.weight(j, s))).sum();
                    let exact = f64::from(bias[j]) + f64::from(old[i * n + j]) + exact;
                    assert!((f64::from(c[i * n + j]) - exact).abs() < 1e-5, "{} vs {exact}", c[i * n + j]);
                }
            }
            // one row at a time gives the batch's bits
            for i in 0..m {
                let mut one = old[i * n..(i + 1) * n].to_vec();
                matmul(&mut one, &a[i * k..(i + 1) * k], &q, 1, Some(&bias), true);
                assert_eq!(one, c[i * n..(i + 1) * n], "row {i} alone");
            }
        }
    }

    #[test]
    fn activations_keep_float32s_precision() {
        let x: [f32; BLOCK] = std::array::from_fn(|i| ((i as f32) * 0.77).sin() * 3.0 + 0.001 * i as f32);
        let (whole, fractions, t) = quantized(&x);
        assert_eq!(whole.iter().map(|v| v.unsigned_abs()).max(), Some(32767));
        assert!(fractions.iter().all(|f| f.unsigned_abs() <= 16384));
        let max = x.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
        for ((&v, &h), &f) in x.iter().zip(&whole).zip(&fractions) {
            let back = (f64::from(h) + f64::from(f) / 32768.0) * f64::from(t);
            assert!((f64::from(v) - back).abs() <= f64::from(max) * 2e-7, "{v} as {back}");
        }
        assert_eq!(quantized(&[0.0; BLOCK]), ([0; BLOCK], [0; BLOCK], 0.0));
    }
}
