//! The number type the network is written over: `f32` for training, `f64` for the gradient check.
//!
//! Training must give the same loss curve, bit for bit, natively and in WebAssembly. Addition, multiplication,
//! division and square root are exactly rounded IEEE operations everywhere, but `exp`, `tanh` and `ln` come from
//! different maths libraries on different targets. So `f32` uses the approximations below, built from those four
//! operations only; `f64` (tests only) uses the standard library so that finite differences see a smooth function.

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// A floating-point type the network can run in.
pub trait Float:
    Copy
    + Default
    + Debug
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + 'static
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// Rounds an `f64` to this type.
    fn of(x: f64) -> Self;
    /// Widens to `f64`.
    fn f64(self) -> f64;
    /// The exactly rounded square root.
    fn sqrt(self) -> Self;
    /// `e^x`.
    fn exp(self) -> Self;
    /// `tanh(x)`.
    fn tanh(self) -> Self;
    /// The larger of two numbers (for numbers that are not NaN; of two zeros, `self`).
    fn max(self, other: Self) -> Self;
    /// Four numbers side by side: one wasm SIMD vector of `f32` where the target has SIMD, else an array.
    type X4: Copy;
    /// Four consecutive numbers.
    fn x4_load(v: &[Self; 4]) -> Self::X4;
    /// One number in every lane.
    fn x4_splat(x: Self) -> Self::X4;
    /// `acc + a·b` in each lane, the product rounded and then the sum (no fused multiply-add): the bits of the
    /// scalar `acc += a * b`.
    fn x4_mul_add(acc: Self::X4, a: Self::X4, b: Self::X4) -> Self::X4;
    /// Stores the four lanes.
    fn x4_store(v: Self::X4, out: &mut [Self; 4]);
    /// `a·b` in each lane, one rounding.
    fn x4_mul(a: Self::X4, b: Self::X4) -> Self::X4;
    /// `a + b` in each lane, one rounding.
    fn x4_add(a: Self::X4, b: Self::X4) -> Self::X4;
    /// `a − b` in each lane, one rounding.
    fn x4_sub(a: Self::X4, b: Self::X4) -> Self::X4;
    /// The transpose of four vectors as the rows of a 4×4 matrix: lane l of vector c is lane c of vector l (the
    /// numbers move, unchanged).
    fn x4_transpose(m: [Self::X4; 4]) -> [Self::X4; 4];
}

impl Float for f32 {
    const ZERO: f32 = 0.0;
    const ONE: f32 = 1.0;
    fn of(x: f64) -> f32 {
        x as f32
    }
    fn f64(self) -> f64 {
        f64::from(self)
    }
    fn sqrt(self) -> f32 {
        f32::sqrt(self)
    }
    fn exp(self) -> f32 {
        exp_f32(self)
    }
    fn tanh(self) -> f32 {
        tanh_f32(self)
    }
    #[inline(always)]
    fn max(self, other: f32) -> f32 {
        // a compare and a select (`f32x4.pmax` when vectorised), not `f32::max`, whose NaN rule costs a call to
        // `fmaxf` in wasm; the softmaxes, its users, give the same bits for either zero as their maximum
        if self < other { other } else { self }
    }
    type X4 = x4::F32x4;
    #[inline(always)]
    fn x4_load(v: &[f32; 4]) -> Self::X4 {
        x4::load(v)
    }
    #[inline(always)]
    fn x4_splat(x: f32) -> Self::X4 {
        x4::splat(x)
    }
    #[inline(always)]
    fn x4_mul_add(acc: Self::X4, a: Self::X4, b: Self::X4) -> Self::X4 {
        x4::mul_add(acc, a, b)
    }
    #[inline(always)]
    fn x4_store(v: Self::X4, out: &mut [f32; 4]) {
        x4::store(v, out)
    }
    #[inline(always)]
    fn x4_mul(a: Self::X4, b: Self::X4) -> Self::X4 {
        x4::mul(a, b)
    }
    #[inline(always)]
    fn x4_add(a: Self::X4, b: Self::X4) -> Self::X4 {
        x4::add(a, b)
    }
    #[inline(always)]
    fn x4_sub(a: Self::X4, b: Self::X4) -> Self::X4 {
        x4::sub(a, b)
    }
    #[inline(always)]
    fn x4_transpose(m: [Self::X4; 4]) -> [Self::X4; 4] {
        x4::transpose(m)
    }
}

impl Float for f64 {
    const ZERO: f64 = 0.0;
    const ONE: f64 = 1.0;
    fn of(x: f64) -> f64 {
        x
    }
    fn f64(self) -> f64 {
        self
    }
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
    fn exp(self) -> f64 {
        f64::exp(self)
    }
    fn tanh(self) -> f64 {
        f64::tanh(self)
    }
    fn max(self, other: f64) -> f64 {
        f64::max(self, other)
    }
    type X4 = [f64; 4];
    #[inline(always)]
    fn x4_load(v: &[f64; 4]) -> Self::X4 {
        *v
    }
    #[inline(always)]
    fn x4_splat(x: f64) -> Self::X4 {
        [x; 4]
    }
    #[inline(always)]
    fn x4_mul_add(acc: Self::X4, a: Self::X4, b: Self::X4) -> Self::X4 {
        lanes_mul_add(acc, a, b)
    }
    #[inline(always)]
    fn x4_store(v: Self::X4, out: &mut [f64; 4]) {
        *out = v;
    }
    #[inline(always)]
    fn x4_mul(a: Self::X4, b: Self::X4) -> Self::X4 {
        [a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]]
    }
    #[inline(always)]
    fn x4_add(a: Self::X4, b: Self::X4) -> Self::X4 {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
    }
    #[inline(always)]
    fn x4_sub(a: Self::X4, b: Self::X4) -> Self::X4 {
        [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]]
    }
    #[inline(always)]
    fn x4_transpose(m: [Self::X4; 4]) -> [Self::X4; 4] {
        lanes_transpose(m)
    }
}

/// `acc + a·b` lane by lane, in arrays.
#[inline(always)]
pub(crate) fn lanes_mul_add<T: Copy + Add<Output = T> + Mul<Output = T>>(acc: [T; 4], a: [T; 4], b: [T; 4]) -> [T; 4] {
    [acc[0] + a[0] * b[0], acc[1] + a[1] * b[1], acc[2] + a[2] * b[2], acc[3] + a[3] * b[3]]
}

/// The transpose of a 4×4 matrix held as four arrays.
#[inline(always)]
pub(crate) fn lanes_transpose<T: Copy>(m: [[T; 4]; 4]) -> [[T; 4]; 4] {
    std::array::from_fn(|c| std::array::from_fn(|l| m[l][c]))
}

/// Four `f32` side by side: one wasm SIMD128 vector where the module is built with SIMD, else an array. Each lane
/// is rounded as the scalar operation rounds it (IEEE products and sums, never fused), so both give the same bits.
mod x4 {
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    pub use array::*;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    pub use simd::*;

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    mod simd {
        use std::arch::wasm32::{
            f32x4, f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, f32x4_sub, i32x4_shuffle, v128,
        };

        pub type F32x4 = v128;
        #[inline(always)]
        pub fn load(v: &[f32; 4]) -> F32x4 {
            f32x4(v[0], v[1], v[2], v[3])
        }
        #[inline(always)]
        pub fn splat(x: f32) -> F32x4 {
            f32x4_splat(x)
        }
        #[inline(always)]
        pub fn mul_add(acc: F32x4, a: F32x4, b: F32x4) -> F32x4 {
            f32x4_add(acc, f32x4_mul(a, b))
        }
        #[inline(always)]
        pub fn store(v: F32x4, out: &mut [f32; 4]) {
            *out = [
                f32x4_extract_lane::<0>(v),
                f32x4_extract_lane::<1>(v),
                f32x4_extract_lane::<2>(v),
                f32x4_extract_lane::<3>(v),
            ];
        }
        #[inline(always)]
        pub fn mul(a: F32x4, b: F32x4) -> F32x4 {
            f32x4_mul(a, b)
        }
        #[inline(always)]
        pub fn add(a: F32x4, b: F32x4) -> F32x4 {
            f32x4_add(a, b)
        }
        #[inline(always)]
        pub fn sub(a: F32x4, b: F32x4) -> F32x4 {
            f32x4_sub(a, b)
        }
        #[inline(always)]
        pub fn transpose([r0, r1, r2, r3]: [F32x4; 4]) -> [F32x4; 4] {
            // pairs of rows interleaved, then pairs of those
            let (t0, t1) = (i32x4_shuffle::<0, 4, 1, 5>(r0, r1), i32x4_shuffle::<2, 6, 3, 7>(r0, r1));
            let (t2, t3) = (i32x4_shuffle::<0, 4, 1, 5>(r2, r3), i32x4_shuffle::<2, 6, 3, 7>(r2, r3));
            [
                i32x4_shuffle::<0, 1, 4, 5>(t0, t2),
                i32x4_shuffle::<2, 3, 6, 7>(t0, t2),
                i32x4_shuffle::<0, 1, 4, 5>(t1, t3),
                i32x4_shuffle::<2, 3, 6, 7>(t1, t3),
            ]
        }
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    mod array {
        pub type F32x4 = [f32; 4];
        #[inline(always)]
        pub fn load(v: &[f32; 4]) -> F32x4 {
            *v
        }
        #[inline(always)]
        pub fn splat(x: f32) -> F32x4 {
            [x; 4]
        }
        pub(crate) use super::super::lanes_mul_add as mul_add;
        pub(crate) use super::super::lanes_transpose as transpose;
        #[inline(always)]
        pub fn store(v: F32x4, out: &mut [f32; 4]) {
            *out = v;
        }
        #[inline(always)]
        pub fn mul(a: F32x4, b: F32x4) -> F32x4 {
            [a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]]
        }
        #[inline(always)]
        pub fn add(a: F32x4, b: F32x4) -> F32x4 {
            [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
        }
        #[inline(always)]
        pub fn sub(a: F32x4, b: F32x4) -> F32x4 {
            [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]]
        }
    }
}

/// `e^x` in `f32` to within about 2 ulp, from `+ − × ÷` and bit operations only (so it auto-vectorises and gives
/// the same bits on every target).
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two: the first part has few mantissa bits, so n·LN2_HI is exact
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // adding 1.5·2^23 rounds to the nearest integer, which then sits in the low mantissa bits
    const SHIFT: f32 = 12_582_912.0;
    // keep 2^n a normal number
    let x = x.clamp(-87.0, 88.0);
    // x = n·ln 2 + r with n whole and |r| ≤ ln 2 / 2
    let shifted = x * LOG2_E + SHIFT;
    let n_float = shifted - SHIFT;
    let n = shifted.to_bits() as i32 - SHIFT.to_bits() as i32;
    let r = (x - n_float * LN2_HI) - n_float * LN2_LO;
    // e^r by its Taylor series to r^7 (error below 6e-9 for |r| ≤ 0.35), in Horner form
    let p = 1.0
        + r * (1.0
            + r * (1.0 / 2.0
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    // times 2^n, built directly from its exponent bits
    p * f32::from_bits(((n + 127) as u32) << 23)
}

/// `tanh(x)` in `f32` (absolute error below 1e-7), through [`exp_f32`].
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    // tanh|x| = (1 − e^(−2|x|)) / (1 + e^(−2|x|)), then the sign of x
    let e = exp_f32(-2.0 * x.abs());
    ((1.0 - e) / (1.0 + e)).copysign(x)
}

/// `ln(x)` in `f64` for a finite `x ≥ 1e-300`, from `+ − × ÷` only: the same bits on every target.
pub fn ln_f64(x: f64) -> f64 {
    debug_assert!(x.is_finite() && x > 1e-300, "ln_f64 of {x}");
    // x = m · 2^e with m in [√½, √2)
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …) with s = (m − 1)/(m + 1), |s| ≤ 0.172
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let (mut term, mut sum) = (s, 0.0);
    for k in 0..12 {
        sum += term / f64::from(2 * k + 1);
        term *= s2;
    }
    e as f64 * std::f64::consts::LN_2 + 2.0 * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_tanh_are_accurate() {
        let mut x = -20.0f32;
        while x < 20.0 {
            let (ours, exact) = (exp_f32(x) as f64, (x as f64).exp());
            assert!((ours - exact).abs() <= 4e-7 * exact, "exp({x}) = {ours}, exact {exact}");
            let (ours, exact) = (tanh_f32(x) as f64, (x as f64).tanh());
            assert!((ours - exact).abs() <= 2e-7, "tanh({x}) = {ours}, exact {exact}");
            x += 0.001_3;
        }
        assert_eq!(exp_f32(-200.0), exp_f32(-87.0));
        assert!(exp_f32(200.0).is_finite());
    }

    #[test]
    fn ln_is_accurate() {
        for &x in &[1.0, 1.5, 2.0, std::f64::consts::E, 10.0, 1e-5, 12345.678, 1e200, 1e-200] {
            assert!((ln_f64(x) - x.ln()).abs() <= 1e-14 * x.ln().abs().max(1.0), "ln({x})");
        }
    }
}
