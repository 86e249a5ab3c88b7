//! The compact form of a GPT: every matrix of its blocks and the tied token embedding as signed 8-bit weights, with
//! one scale per block of 32 consecutive inputs (llama.cpp's Q8_0 arrangement). It holds GPT-1 in about 133 MB of
//! memory instead of 466 MB, and each decoded token reads a quarter of the bytes. What stays float32: the
//! LayerNorm gains and biases, the other biases, the position embedding, the classifier W_y, the KV cache and
//! every activation.
//!
//! ## The weights
//! A matrix is held `outputs × inputs` (row j is what output j reads, `y = W·x`: the token embedding as it is,
//! GPT-1's `[in, out]` matrices transposed). Each row is cut into blocks of 32 inputs; a block's scale is
//! `s = f16(max|w| / 127)` (f32 division, then rounded to the nearest float16, ties to even) and its weights are
//! `q = clamp(round_ties_even(w / s), −127, 127)` (f32 division; `q = 0` when `s = 0`). The weight it stands for
//! is `q·s`, exact in f32.
//!
//! The scale is a float16 number: it halves the scales' share of the file (7.3 of GPT-1's 125.3 MB, against 14.5
//! as float32, which would pass 130 MB), and costs nothing measurable, since the weights are quantized with the
//! rounded scale (`|w − q·s| ≤ s/2` still holds): on GPT-1's shape the largest |Δlogit| against float32 was 0.116
//! with float16 scales and 0.124 with float32 ones (tests/fixtures/gpt1_int8.json). In memory each scale is held
//! as the f32 of the same value, so the products read it with no conversion. Weights whose block maximum is
//! 65,520 × 127 or more cannot be held (the scale would overflow float16): loading them in this form is an error
//! naming the tensor.
//!
//! ## The products ([`kernels`])
//! The activations stay float32. At each product with a compact matrix, each input row is cut into blocks of 32,
//! and each block is written as 16-bit integers of its own scale `t = m / 32767`, `m = max|x|`: with
//! `y = x · (32767 / m)` (f32), an integer part `h = round_ties_even(y)` and a fraction
//! `f = round_ties_even((y − h) · 32768)` in 32768ths (all zero when `m = 0`). `(h + f/32768)·t` is `x` to float32's
//! own precision, so the compact model computes what its weights `q·s` stand for, as a float32 model would.
//! (With the integer part alone, 16 bits, the rounding moved a random GPT-1's logits by up to 7e-4, and no
//! reference could follow it: numpy's float32 and float64 versions of the same rounding differed by up to 8e-4
//! (tests/fixtures/gpt1_int8.json), and ours missed numpy's by 3e-4, above the 1e-4 the tests hold the form to.)
//! Then, for output j:
//!
//! 1. per block b, the 32 products `q·h` and the 32 products `q·f` are summed exactly in i32, each as four
//!    partial sums: lane l holds inputs `8g + 2l` and `8g + 2l + 1` for g = 0…3 (the lanes of WebAssembly's
//!    widening multiply-add `i32x4.dot_i16x8_s`); integer sums are exact, so their order does not matter;
//! 2. four f32 accumulators, from 0: `a_l = a_l + (f32(H_l) + f32(F_l) · 2⁻¹⁵) · (s_jb · t_b)`, blocks in order;
//! 3. `dot = (a₀ + a₁) + (a₂ + a₃)`, and `y_j = init + dot` where init is the bias (and, for a residual sum,
//!    `bias + residual`, in that order).
//!
//! Every step is one IEEE f32 operation in a fixed order, with no fused multiply-add, so the SIMD128 kernel and
//! the portable one give the same bits, natively and in WebAssembly, and a position's outputs do not depend on
//! the other rows of a batch: the KV-cached decoder gives a full pass's bits in this form as in float32.
//!
//! ## Storage ([`storage`])
//! In a safetensors file each compact matrix is an `I8` tensor `[outputs, inputs]` under its `openai-gpt` name
//! (so the Conv1D matrices appear transposed, as `nn.Linear` holds them) and an `F16` tensor `<name>_scale`
//! `[outputs, inputs / 32]`; the other tensors are F32 as in the float32 file, and the metadata says
//! `"form": "int8"` and `"block": "32"`.

pub mod dispatch;
pub mod kernels;
pub mod model;
pub mod storage;

use crate::error::{Error, Result};
use crate::gpt::formats::safetensors::f16_to_f32;
use crate::gpt::formats::safetensors::f32_to_f16;
use crate::gpt::net::Net;
use crate::gpt::params::Config;

/// Inputs per block: each block of a row has one scale.
pub const BLOCK: usize = 32;

/// The largest |q|: the scale maps a block's largest weight to ±127.
const LEVELS: f32 = 127.0;

/// One of a block's four matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The query, key and value projections (3d outputs of d inputs).
    Qkv,
    /// The attention's output projection (d of d).
    Proj,
    /// The MLP's first layer (4d of d).
    Fc,
    /// The MLP's second layer (d of 4d).
    Out,
}

/// A compact matrix of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixId {
    /// The token embedding, also the output layer (rows of d).
    Embedding,
    /// A block's matrix.
    Block(usize, Which),
}

impl MatrixId {
    /// Every compact matrix of a network of `layers` blocks, in the file's order.
    pub fn all(layers: usize) -> Vec<MatrixId> {
        let blocks = (0..layers).flat_map(|l| [Which::Qkv, Which::Proj, Which::Fc, Which::Out].map(|w| (l, w)));
        std::iter::once(MatrixId::Embedding).chain(blocks.map(|(l, w)| MatrixId::Block(l, w))).collect()
    }

    /// Its name in an `openai-gpt` file.
    pub fn name(self) -> String {
        match self {
            MatrixId::Embedding => "tokens_embed.weight".into(),
            MatrixId::Block(l, which) => format!(
                "h.{l}.{}",
                match which {
                    Which::Qkv => "attn.c_attn.weight",
                    Which::Proj => "attn.c_proj.weight",
                    Which::Fc => "mlp.c_fc.weight",
                    Which::Out => "mlp.c_proj.weight",
                }
            ),
        }
    }

    /// The matrix named `name` (without a `transformer.` prefix), if it is one of the compact ones.
    pub fn of_name(name: &str, layers: usize) -> Option<MatrixId> {
        MatrixId::all(layers).into_iter().find(|m| m.name() == name)
    }

    /// `(outputs, inputs)` in a network of shape `config`.
    pub fn shape(self, config: &Config) -> (usize, usize) {
        let (d, rows) = (config.d_model, config.embeddings);
        match self {
            MatrixId::Embedding => (rows, d),
            MatrixId::Block(_, Which::Qkv) => (3 * d, d),
            MatrixId::Block(_, Which::Proj) => (d, d),
            MatrixId::Block(_, Which::Fc) => (4 * d, d),
            MatrixId::Block(_, Which::Out) => (d, 4 * d),
        }
    }

    /// Whether the float32 file stores it `[inputs, outputs]` (GPT-1's Conv1D matrices) rather than
    /// `[outputs, inputs]` (the embedding).
    pub fn transposed_in_float_files(self) -> bool {
        self != MatrixId::Embedding
    }
}

/// A matrix in the compact form: `outputs × inputs` signed 8-bit weights (row j: what output j reads) and one
/// scale per block of [`BLOCK`] inputs of a row (`outputs × inputs / 32`).
#[derive(Debug, Clone, PartialEq)]
pub struct Int8Matrix {
    /// Rows.
    pub outputs: usize,
    /// Columns: a multiple of [`BLOCK`].
    pub inputs: usize,
    /// The weights, row after row.
    pub weights: Vec<i8>,
    /// Each block's scale: a float16 value, held as the f32 of the same number.
    pub scales: Vec<f32>,
}

impl Int8Matrix {
    /// A matrix of zeros, allocated once: a size the platform refuses is an error, never an abort.
    pub fn zeros(outputs: usize, inputs: usize) -> Result<Int8Matrix> {
        debug_assert_eq!(inputs % BLOCK, 0);
        let refused = || {
            Error::Unsupported(format!(
                "the compact weights need {} MB of memory, and this browser or device refused to give it",
                (outputs * inputs).div_ceil(1_000_000)
            ))
        };
        let (mut weights, mut scales) = (Vec::new(), Vec::new());
        weights.try_reserve_exact(outputs * inputs).map_err(|_| refused())?;
        scales.try_reserve_exact(outputs * inputs / BLOCK).map_err(|_| refused())?;
        weights.resize(outputs * inputs, 0);
        scales.resize(outputs * inputs / BLOCK, 0.0);
        Ok(Int8Matrix { outputs, inputs, weights, scales })
    }

    /// Quantizes block `b` of row `row` from its 32 values; `Err(max|w|)` when the scale would overflow float16.
    pub fn set_block(&mut self, row: usize, b: usize, values: &[f32; BLOCK]) -> std::result::Result<(), f32> {
        let at = row * self.inputs + b * BLOCK;
        let scale = quantize_block(values, (&mut self.weights[at..at + BLOCK]).try_into().expect("a block"))?;
        self.scales[row * (self.inputs / BLOCK) + b] = scale;
        Ok(())
    }

    /// Weight (row, column) as the form holds it: `q·s`.
    pub fn weight(&self, row: usize, column: usize) -> f32 {
        f32::from(self.weights[row * self.inputs + column]) * self.scales[(row * self.inputs + column) / BLOCK]
    }

    /// Bytes the matrix takes in memory.
    pub fn bytes(&self) -> usize {
        self.weights.len() + 4 * self.scales.len()
    }
}

/// One block of values as its scale and its 32 weights; `Err(max|w|)` when the scale would overflow float16.
pub fn quantize_block(values: &[f32; BLOCK], out: &mut [i8; BLOCK]) -> std::result::Result<f32, f32> {
    // the scale maps the largest magnitude to ±127, rounded to a float16 number
    let max = values.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
    let scale = f16_to_f32(f32_to_f16(max / LEVELS));
    if !scale.is_finite() {
        return Err(max);
    }
    // each weight divided by the scale, rounded to the nearest whole number (ties to even), within ±127
    for (q, &v) in out.iter_mut().zip(values) {
        *q = if scale == 0.0 { 0 } else { (v / scale).round_ties_even().clamp(-LEVELS, LEVELS) as i8 };
    }
    Ok(scale)
}

/// An error unless a model of width `d` can be held in the int8 form (d a multiple of [`BLOCK`]).
pub(crate) fn require_blocks(d: usize) -> Result<()> {
    if d % BLOCK != 0 {
        return Err(Error::Unsupported(format!(
            "the int8 form needs d to be a multiple of {BLOCK} (it scales blocks of {BLOCK} inputs); this model has \
             d = {d}"
        )));
    }
    Ok(())
}

/// The message for a weight too large for the form.
pub(crate) fn too_large(max: f32) -> String {
    format!(
        "holds a weight of magnitude {max}, more than the int8 form can hold: its float16 scales stop at 65504, so \
         |w| must stay below 65520 × 127 = 8,321,040"
    )
}

/// A block's four matrices in the compact form.
#[derive(Debug, Clone, PartialEq)]
pub struct Int8Block {
    /// Queries, keys and values: 3d outputs of d inputs.
    pub qkv: Int8Matrix,
    /// The attention's output projection: d of d.
    pub proj: Int8Matrix,
    /// The MLP's first layer: 4d of d.
    pub fc: Int8Matrix,
    /// The MLP's second layer: d of 4d.
    pub out: Int8Matrix,
}

/// Every compact matrix of a network.
#[derive(Debug, Clone, PartialEq)]
pub struct Int8Weights {
    /// The token embedding and output layer: rows of d.
    pub wte: Int8Matrix,
    /// The blocks, first to last.
    pub blocks: Vec<Int8Block>,
}

impl Int8Weights {
    /// Zeroed matrices for a network of shape `config` (d a multiple of 32).
    pub fn zeros(config: &Config) -> Result<Int8Weights> {
        let zeros = |id: MatrixId| {
            let (outputs, inputs) = id.shape(config);
            Int8Matrix::zeros(outputs, inputs)
        };
        let mut blocks = Vec::with_capacity(config.layers);
        for l in 0..config.layers {
            blocks.push(Int8Block {
                qkv: zeros(MatrixId::Block(l, Which::Qkv))?,
                proj: zeros(MatrixId::Block(l, Which::Proj))?,
                fc: zeros(MatrixId::Block(l, Which::Fc))?,
                out: zeros(MatrixId::Block(l, Which::Out))?,
            });
        }
        Ok(Int8Weights { wte: zeros(MatrixId::Embedding)?, blocks })
    }

    /// A matrix by its identity.
    pub fn matrix(&self, id: MatrixId) -> &Int8Matrix {
        match id {
            MatrixId::Embedding => &self.wte,
            MatrixId::Block(l, which) => {
                let b = &self.blocks[l];
                match which {
                    Which::Qkv => &b.qkv,
                    Which::Proj => &b.proj,
                    Which::Fc => &b.fc,
                    Which::Out => &b.out,
                }
            }
        }
    }

    /// A matrix by its identity, to fill.
    pub fn matrix_mut(&mut self, id: MatrixId) -> &mut Int8Matrix {
        match id {
            MatrixId::Embedding => &mut self.wte,
            MatrixId::Block(l, which) => {
                let b = &mut self.blocks[l];
                match which {
                    Which::Qkv => &mut b.qkv,
                    Which::Proj => &mut b.proj,
                    Which::Fc => &mut b.fc,
                    Which::Out => &mut b.out,
                }
            }
        }
    }

    /// How many weights the matrices hold.
    pub fn len(&self) -> usize {
        MatrixId::all(self.blocks.len()).into_iter().map(|id| self.matrix(id).weights.len()).sum()
    }

    /// Whether there are no weights at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the matrices take in memory (weights and f32 scales).
    pub fn bytes(&self) -> usize {
        MatrixId::all(self.blocks.len()).into_iter().map(|id| self.matrix(id).bytes()).sum()
    }

    /// The compact matrices of a float32 network, quantized block by block.
    pub fn quantize(net: &Net<f32>) -> Result<Int8Weights> {
        let (config, layout, p) = (&net.config, &net.layout, &net.params);
        let mut all = Int8Weights::zeros(config)?;
        for id in MatrixId::all(config.layers) {
            let range = match id {
                MatrixId::Embedding => &layout.wte,
                MatrixId::Block(l, which) => {
                    let t = &layout.blocks[l];
                    match which {
                        Which::Qkv => &t.w_qkv,
                        Which::Proj => &t.w_proj,
                        Which::Fc => &t.w_fc,
                        Which::Out => &t.w_out,
                    }
                }
            };
            let values = &p[range.clone()];
            let m = all.matrix_mut(id);
            let (outputs, inputs) = (m.outputs, m.inputs);
            let mut block = [0.0f32; BLOCK];
            for row in 0..outputs {
                for b in 0..inputs / BLOCK {
                    for (i, v) in block.iter_mut().enumerate() {
                        let column = b * BLOCK + i;
                        // the network holds the blocks' matrices [inputs, outputs]
                        *v = if id.transposed_in_float_files() {
                            values[column * outputs + row]
                        } else {
                            values[row * inputs + column]
                        };
                    }
                    m.set_block(row, b, &block).map_err(|max| {
                        Error::Unsupported(format!("the compact form of {}: {}", id.name(), too_large(max)))
                    })?;
                }
            }
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float16_rounds_to_the_nearest_ties_to_even() {
        // every half survives the trip through f32
        for h in 0..=u16::MAX {
            let x = f16_to_f32(h);
            if !x.is_nan() {
                assert_eq!(f32_to_f16(x), h, "{h:#06x} = {x}");
            }
        }
        // between two neighbours: below the midpoint down, above it up, on it to the even one
        for h in [0x0000u16, 0x0001, 0x0002, 0x03ff, 0x0400, 0x3c00, 0x3c01, 0x7bfe, 0x8001, 0xbc00] {
            let (a, b) = (f16_to_f32(h), f16_to_f32(h + 1));
            let mid = (a + b) / 2.0;
            assert_eq!(f32_to_f16(mid), if h % 2 == 0 { h } else { h + 1 }, "midpoint above {h:#06x}");
            let below = f32::from_bits(mid.to_bits() - if mid > 0.0 { 1 } else { 0 });
            let above = f32::from_bits(mid.to_bits() + 1);
            if mid > 0.0 {
                assert_eq!(f32_to_f16(below), h);
                assert_eq!(f32_to_f16(above), h + 1);
            }
        }
        // too large: infinity (65520 is the midpoint past 65504); too small: zero
        assert_eq!(f32_to_f16(65519.0), 0x7bff);
        assert_eq!(f32_to_f16(65520.0), 0x7c00);
        assert_eq!(f32_to_f16(1e-9), 0);
        assert_eq!(f32_to_f16(-1e-9), 0x8000);
        assert_eq!(f32_to_f16(f32::INFINITY), 0x7c00);
        assert!(f16_to_f32(f32_to_f16(f32::NAN)).is_nan());
    }

    #[test]
    fn a_block_keeps_each_weight_within_half_a_step() {
        let values: [f32; BLOCK] = std::array::from_fn(|i| ((i as f32) * 0.37).sin() * 0.05);
        let mut q = [0i8; BLOCK];
        let s = quantize_block(&values, &mut q).unwrap();
        // the scale is a float16 number near max/127
        assert_eq!(f16_to_f32(f32_to_f16(s)), s);
        let max = values.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
        assert!((s - max / 127.0).abs() <= s / 2048.0);
        assert_eq!(q.iter().map(|q| q.unsigned_abs()).max(), Some(127));
        for (&v, &q) in values.iter().zip(&q) {
            assert!((v - f32::from(q) * s).abs() <= s / 2.0 + 1e-9, "{v} as {q}·{s}");
        }
        // a block of zeros has scale 0 and weights 0; a tie rounds to the even number
        let mut q = [1i8; BLOCK];
        assert_eq!(quantize_block(&[0.0; BLOCK], &mut q), Ok(0.0));
        assert_eq!(q, [0; BLOCK]);
        let mut ties = [0.0f32; BLOCK];
        ties[0] = 127.0;
        ties[1] = 2.5;
        ties[2] = -3.5;
        quantize_block(&ties, &mut q).unwrap();
        assert_eq!(&q[..3], &[127, 2, -4]);
        // too large for float16 scales
        let mut huge = [0.0f32; BLOCK];
        huge[5] = 9e6;
        assert_eq!(quantize_block(&huge, &mut q), Err(9e6));
    }
}
