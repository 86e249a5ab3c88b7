//! The seam between the forms: the forward pass and the decoder ask here for a block's matrices and the token
//! embedding, and each product goes to the float32 kernels or the int8 ones.

use super::{Int8Block, Int8Matrix, kernels};
use crate::gpt::float::Float;
use crate::gpt::infer::matvec::{self, add_vec_mat};
use crate::gpt::kernels::{matmul, matmul_bt};
use crate::gpt::net::Net;
use crate::gpt::params::BlockTensors;

/// A weight matrix in either form.
#[derive(Debug, Clone, Copy)]
pub enum Matrix<'a, F> {
    /// Float32, stored `inputs × outputs` as the network's parameters hold it.
    Float(&'a [F]),
    /// The compact form, stored `outputs × inputs`.
    Int8(&'a Int8Matrix),
}

/// A block's four matrices, in the form the network holds them.
#[derive(Debug, Clone, Copy)]
pub struct BlockMatrices<'a, F> {
    /// Queries, keys and values.
    pub qkv: Matrix<'a, F>,
    /// The attention's output projection.
    pub proj: Matrix<'a, F>,
    /// The MLP's first layer.
    pub fc: Matrix<'a, F>,
    /// The MLP's second layer.
    pub out: Matrix<'a, F>,
}

/// Block `t`'s matrices: from the parameters `p`, or the compact block `q` when the network has one.
pub fn block_matrices<'a, F>(t: &BlockTensors, p: &'a [F], q: Option<&'a Int8Block>) -> BlockMatrices<'a, F> {
    match q {
        Some(q) => BlockMatrices {
            qkv: Matrix::Int8(&q.qkv),
            proj: Matrix::Int8(&q.proj),
            fc: Matrix::Int8(&q.fc),
            out: Matrix::Int8(&q.out),
        },
        None => BlockMatrices {
            qkv: Matrix::Float(&p[t.w_qkv.clone()]),
            proj: Matrix::Float(&p[t.w_proj.clone()]),
            fc: Matrix::Float(&p[t.w_fc.clone()]),
            out: Matrix::Float(&p[t.w_out.clone()]),
        },
    }
}

/// `c[m×n] = a[m×k]·W (+ bias) (+ c)`, whichever form `w` is in.
pub fn product<F: Float>(
    c: &mut [F],
    a: &[F],
    w: Matrix<'_, F>,
    (m, k, n): (usize, usize, usize),
    bias: Option<&[F]>,
    accumulate: bool,
) {
    match w {
        Matrix::Float(w) => matmul(c, a, w, (m, k, n), bias, accumulate),
        Matrix::Int8(w) => kernels::matmul(c, a, w, m, bias, accumulate),
    }
}

/// One position's `y[n] += x[k]·W`, whichever form `w` is in: the same bits as [`product`] gives that row.
pub fn add_product(y: &mut [f32], x: &[f32], w: Matrix<'_, f32>, (k, n): (usize, usize)) {
    match w {
        Matrix::Float(w) => add_vec_mat(y, x, w, (k, n)),
        Matrix::Int8(w) => kernels::matmul(y, x, w, 1, None, true),
    }
}

/// `x = token embedding of id + position embedding of pos`, in either form (the compact row's `q·s` is exact).
pub fn embed<F: Float>(x: &mut [F], net: &Net<F>, id: u32, pos: usize) {
    let d = net.config.d_model;
    let position = &net.params[net.layout.wpe.start + pos * d..][..d];
    match &net.int8 {
        Some(q) => {
            for (c, (x, &p)) in x.iter_mut().zip(position).enumerate() {
                *x = F::of(f64::from(q.wte.weight(id as usize, c))) + p;
            }
        }
        None => {
            let token = &net.params[net.layout.wte.start + id as usize * d..][..d];
            for ((x, &t), &p) in x.iter_mut().zip(token).zip(position) {
                *x = t + p;
            }
        }
    }
}

/// The tied output layer for `m` rows of final states `h`: `logits[m × rows] = h·Wₑᵀ`, whichever form the embedding
/// is in.
pub fn tied_logits<F: Float>(logits: &mut [F], h: &[F], net: &Net<F>, m: usize) {
    let (d, rows) = (net.config.d_model, net.config.embeddings);
    match &net.int8 {
        Some(q) => kernels::matmul(logits, h, &q.wte, m, None, false),
        None => matmul_bt(logits, h, &net.params[net.layout.wte.clone()], (m, d, rows)),
    }
}

/// One position's logits `h·Wₑᵀ` (one per embedding row), whichever form the embedding is in: the same bits as a
/// full pass gives that position.
pub fn output_logits(net: &Net<f32>, h: &[f32], logits: &mut [f32]) {
    let (d, rows) = (net.config.d_model, net.config.embeddings);
    match &net.int8 {
        Some(q) => kernels::matmul(logits, h, &q.wte, 1, None, false),
        None => matvec::tied_logits(logits, h, &net.params[net.layout.wte.clone()], (rows, d)),
    }
}
