//! `C = A·B` and `C += Aᵀ·B` by register tiles: every element of `C` starts from its bias and/or its old value
//! (`bias + old`, each when present, from 0) and then adds `A[i][p]·B[p][j]` for p = 0, 1, …, k−1, one rounding
//! after each product and each sum. Tiles, strips, blocks along k and packed copies only decide which elements are
//! computed side by side and where their operands are read from, never that order.

use crate::gpt::float::Float;

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

/// Tiles of `MR` rows (then single rows) by strips of `NR` columns (then 4, then single columns). A small product
/// runs band by band of rows, each band along every strip: `B` stays in cache where it is, and each row of `C` is
/// written once. A large one runs in blocks of `KC` steps along k, and each strip of `B` in a block is first copied
/// into a contiguous panel that every tile then reads from cache: `B` is read from memory once, however many rows
/// `A` has. The panels of `GROUP` strips are filled together, along `B`'s rows: copying one strip at a time read
/// 32 bytes of each row, a row apart, and GPT-1's 64-token prompt spent a tenth of its time waiting for them. `A`'s
/// rows are then interleaved by tiles too (`Aᵀ`, when stored, is already in that order), so that a tile reads one
/// stream.
///
/// A tall product whose `B` fits in cache but whose interleaved `A` would not (the fine-tuner's language-model head:
/// 40,478 rows of the embedding by a few dozen states) runs band by band too: interleaved, `A` would be read from
/// memory again for every strip (2–2.7× slower in a scratch benchmark of this file).
#[inline(always)]
fn product<F: Float, const AT: bool>(c: &mut [F], p: Product<'_, F>) {
    let tall = p.k * p.n <= IN_CACHE && p.m * p.k.min(KC) > IN_CACHE;
    if p.m < 2 * MR || p.k * p.n < PACK_FROM || tall {
        let mut i = 0;
        while i + MR <= p.m {
            band::<F, MR, AT>(c, &p, i);
            i += MR;
        }
        for i in i..p.m {
            band::<F, 1, AT>(c, &p, i);
        }
        return;
    }
    let kc_max = p.k.min(KC);
    let whole = p.m - p.m % MR;
    let strips = p.n / NR;
    let stride = kc_max * NR + PAD;
    let mut panels = vec![F::ZERO; stride * strips.min(GROUP)];
    let mut panel = vec![F::ZERO; kc_max * 4];
    let mut a_tiles = vec![F::ZERO; if AT { 0 } else { kc_max * whole }];
    for s0 in (0..p.k).step_by(KC) {
        let kc = KC.min(p.k - s0);
        // A's rows i..i + MR for steps s0..s0 + kc, as kc columns of MR
        let a_tiles = &mut a_tiles[..if AT { 0 } else { kc * whole }];
        for (t, tile) in a_tiles.chunks_exact_mut(kc * MR).enumerate() {
            for r in 0..MR {
                let row = &p.a[(t * MR + r) * p.k + s0..][..kc];
                for (s, &x) in row.iter().enumerate() {
                    tile[s * MR + r] = x;
                }
            }
        }
        // the panels of GROUP strips at a time, filled along B's rows; panel t starts at t·stride
        for g0 in (0..strips).step_by(GROUP) {
            let g = GROUP.min(strips - g0);
            for s in 0..kc {
                let b_row = &p.b[(s0 + s) * p.n + g0 * NR..][..g * NR];
                for (t, from) in b_row.chunks_exact(NR).enumerate() {
                    panels[t * stride + s * NR..][..NR].copy_from_slice(from);
                }
            }
            for (t, panel) in panels.chunks_exact(stride).take(g).enumerate() {
                strip::<F, { NR / 4 }, AT>(c, &p, ((g0 + t) * NR, s0), &panel[..kc * NR], a_tiles);
            }
        }
        let mut j = strips * NR;
        if j + 4 <= p.n {
            let panel = &mut panel[..kc * 4];
            for (row, b_row) in panel.chunks_exact_mut(4).zip(p.b[s0 * p.n..(s0 + kc) * p.n].chunks_exact(p.n)) {
                row.copy_from_slice(&b_row[j..j + 4]);
            }
            strip::<F, 1, AT>(c, &p, (j, s0), panel, a_tiles);
            j += 4;
        }
        for j in j..p.n {
            column::<F, AT>(c, &p, j, s0, kc);
        }
    }
}

/// Rows of `C` per tile.
const MR: usize = 4;
/// Columns of `C` per strip: two wasm SIMD vectors of `f32`.
const NR: usize = 8;
/// Steps along k per block: a panel of `KC × NR` (8 KB of `f32`) stays in the first-level cache.
const KC: usize = 256;
/// Strips whose panels are filled together: 256 columns of `B`, 1 KB of each row read at once, and the group's
/// panels (264 KB) stay in the second-level cache.
const GROUP: usize = 32;
/// Numbers between one panel and the next beyond the panel's own `KC × NR`: 8 KB apart exactly, the panels would
/// all fall into the same sets of the first-level cache while they are filled.
const PAD: usize = 16;
/// Products whose `B` has fewer elements than this (64 KB of `f32`) read it where it is.
const PACK_FROM: usize = 1 << 14;
/// Numbers that stay in the second-level cache (1 MB of `f32`), for telling a tall product.
const IN_CACHE: usize = 1 << 18;

/// Rows `i..i + R` of `C`, every column, over all of k, with `A` and `B` read where they are.
#[inline(always)]
fn band<F: Float, const R: usize, const AT: bool>(c: &mut [F], p: &Product<'_, F>, i: usize) {
    let n = p.n;
    let mut j = 0;
    while j + NR <= n {
        band_tile::<F, R, { NR / 4 }, AT>(c, p, i, j);
        j += NR;
    }
    if j + 4 <= n {
        band_tile::<F, R, 1, AT>(c, p, i, j);
        j += 4;
    }
    for j in j..n {
        for r in i..i + R {
            let [mut acc] = start(c, p, r, j, 0);
            for s in 0..p.k {
                let a = if AT { p.a[s * p.m + r] } else { p.a[r * p.k + s] };
                acc += a * p.b[s * n + j];
            }
            c[r * n + j] = acc;
        }
    }
}

/// The R×4V tile at (i, j) over all of k, with `A` and `B` read where they are.
#[inline(always)]
fn band_tile<F: Float, const R: usize, const V: usize, const AT: bool>(
    c: &mut [F],
    p: &Product<'_, F>,
    i: usize,
    j: usize,
) {
    let (m, k, n) = (p.m, p.k, p.n);
    let b_rows = p.b[..k * n].chunks_exact(n).map(|row| &row[j..j + 4 * V]);
    if AT {
        let a = p.a[..k * m].chunks_exact(m).map(|col| as_array::<F, R>(&col[i..i + R]));
        tile::<F, R, V>(c, p, (i, j, 0), a, b_rows);
    } else {
        let rows: [&[F]; R] = std::array::from_fn(|r| &p.a[(i + r) * k..][..k]);
        let a = (0..k).map(|s| std::array::from_fn(|r| rows[r][s]));
        tile::<F, R, V>(c, p, (i, j, 0), a, b_rows);
    }
}

/// Columns `j..j + 4V` of `C`, every row, over the steps `s0..` of k that `panel` has room for: the panel is
/// filled from `B` here, and `A`'s whole tiles are read from `a_tiles` (or from `Aᵀ`, stored).
#[inline(always)]
fn strip<F: Float, const V: usize, const AT: bool>(
    c: &mut [F],
    p: &Product<'_, F>,
    (j, s0): (usize, usize),
    panel: &[F],
    a_tiles: &[F],
) {
    let cols = 4 * V;
    let (m, k) = (p.m, p.k);
    let kc = panel.len() / cols;
    let mut i = 0;
    while i + MR <= m {
        if AT {
            let a = p.a[s0 * m..(s0 + kc) * m].chunks_exact(m).map(|col| as_array::<F, MR>(&col[i..i + MR]));
            tile::<F, MR, V>(c, p, (i, j, s0), a, panel.chunks_exact(cols));
        } else {
            let a = a_tiles[i * kc..][..MR * kc].chunks_exact(MR).map(as_array::<F, MR>);
            tile::<F, MR, V>(c, p, (i, j, s0), a, panel.chunks_exact(cols));
        }
        i += MR;
    }
    for i in i..m {
        if AT {
            let a = p.a[s0 * m..(s0 + kc) * m].chunks_exact(m).map(|col| [col[i]]);
            tile::<F, 1, V>(c, p, (i, j, s0), a, panel.chunks_exact(cols));
        } else {
            let a = p.a[i * k + s0..][..kc].iter().map(|&x| [x]);
            tile::<F, 1, V>(c, p, (i, j, s0), a, panel.chunks_exact(cols));
        }
    }
}

/// A slice of exactly `R` elements as an array.
#[inline(always)]
fn as_array<F: Float, const R: usize>(x: &[F]) -> [F; R] {
    x.try_into().expect("R elements")
}

/// Column j of `C` over steps `s0..s0 + kc` of k, every row, read from `B` in place.
fn column<F: Float, const AT: bool>(c: &mut [F], p: &Product<'_, F>, j: usize, s0: usize, kc: usize) {
    for i in 0..p.m {
        let [mut acc] = start(c, p, i, j, s0);
        for s in s0..s0 + kc {
            let a = if AT { p.a[s * p.m + i] } else { p.a[i * p.k + s] };
            acc += a * p.b[s * p.n + j];
        }
        c[i * p.n + j] = acc;
    }
}

/// The values a row of a tile starts a block of k from: the partial sums the block before stored; in the first
/// block, the bias and/or the old values (`bias + old`, each when present, from 0).
#[inline(always)]
fn start<F: Float, const C: usize>(c: &[F], p: &Product<'_, F>, i: usize, j: usize, s0: usize) -> [F; C] {
    let old = &c[i * p.n + j..][..C];
    if s0 > 0 {
        return old.try_into().expect("C");
    }
    let mut acc = [F::ZERO; C];
    if let Some(bias) = p.bias {
        acc.copy_from_slice(&bias[j..j + C]);
    }
    if p.accumulate {
        for (x, &o) in acc.iter_mut().zip(old) {
            *x += o;
        }
    }
    acc
}

/// One R×4V tile of `C` at (i, j) from step s0 of k on (`a`: the tile's column of `A` at each step; `b`: `B`'s row
/// at each step, columns `j..j + 4V`): R·V vectors of accumulators held in registers. Each element is summed in
/// one sequence over k, from its start (as [`start`] gives it, here a vector at a time from the tile's rows of `C`,
/// sliced once).
#[inline(always)]
fn tile<'b, F: Float + 'b, const R: usize, const V: usize>(
    c: &mut [F],
    p: &Product<'_, F>,
    (i, j, s0): (usize, usize, usize),
    a: impl Iterator<Item = [F; R]>,
    b: impl Iterator<Item = &'b [F]>,
) {
    let n = p.n;
    let rows = &mut c[i * n..(i + R) * n];
    let bias = p.bias.map(|b| &b[j..j + 4 * V]);
    let mut acc = [[F::x4_splat(F::ZERO); V]; R];
    for (acc_row, row) in acc.iter_mut().zip(rows.chunks_exact(n)) {
        for (v, (x, old)) in acc_row.iter_mut().zip(row[j..j + 4 * V].chunks_exact(4)).enumerate() {
            let old = F::x4_load(old.try_into().expect("4"));
            *x = match (s0 > 0, bias) {
                (true, _) => old,
                // the first block: `bias + old`, each when present, from 0
                (false, Some(b)) => match p.accumulate {
                    true => F::x4_add(F::x4_load(b[4 * v..4 * v + 4].try_into().expect("4")), old),
                    false => F::x4_load(b[4 * v..4 * v + 4].try_into().expect("4")),
                },
                (false, None) => match p.accumulate {
                    true => F::x4_add(F::x4_splat(F::ZERO), old),
                    false => F::x4_splat(F::ZERO),
                },
            };
        }
    }
    // acc[r][q] += A[i+r][s] · B[s][j+q], s in order
    for (a_col, b_row) in a.zip(b) {
        let mut b = [F::x4_splat(F::ZERO); V];
        for (v, x) in b.iter_mut().enumerate() {
            *x = F::x4_load(b_row[4 * v..4 * v + 4].try_into().expect("4"));
        }
        for r in 0..R {
            let a = F::x4_splat(a_col[r]);
            for v in 0..V {
                acc[r][v] = F::x4_mul_add(acc[r][v], a, b[v]);
            }
        }
    }
    for (acc_row, row) in acc.iter().zip(rows.chunks_exact_mut(n)) {
        for (&x, out) in acc_row.iter().zip(row[j..j + 4 * V].chunks_exact_mut(4)) {
            F::x4_store(x, out.try_into().expect("4 lanes"));
        }
    }
}
