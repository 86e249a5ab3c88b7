//! The int8 form in a safetensors file, and the quantizer that makes it from a float32 file as the bytes stream in.
//!
//! The layout: every tensor of the float32 file under its `openai-gpt` name, except that each compact matrix
//! (`tokens_embed.weight` and, per block N, `h.N.attn.c_attn.weight`, `h.N.attn.c_proj.weight`,
//! `h.N.mlp.c_fc.weight`, `h.N.mlp.c_proj.weight`) is
//!
//! - `<name>`: `I8`, shape `[outputs, inputs]`: row j holds output j's weights, so the Conv1D matrices, stored
//!   `[inputs, outputs]` in the float32 file, appear transposed (as `nn.Linear` holds its weight);
//! - `<name>_scale`: `F16`, shape `[outputs, inputs / 32]`: the scale of each block of 32 consecutive inputs.
//!
//! The metadata adds `"form": "int8"` and `"block": "32"` to the float32 file's (heads, architecture, vocabulary…).
//! GPT-1 in this layout is 125.3 MB.

use super::{BLOCK, Int8Matrix, Int8Weights, MatrixId, too_large};
use crate::error::{Error, Result};
use crate::gpt::formats::safetensors::{Dtype, File, Tensor};
use crate::gpt::params::{Config, Form};

fn bad(tensor: Option<&str>, problem: impl Into<String>) -> Error {
    Error::BadWeights { tensor: tensor.map(str::to_string), problem: problem.into() }
}

/// The form a file holds, from its metadata (`form`, absent in a float32 file).
pub fn stored_form(file: &File<'_>) -> Result<Form> {
    match file.meta("form") {
        None | Some("float32") => Ok(Form::Float32),
        Some("int8") => match file.meta("block") {
            Some(b) if b == BLOCK.to_string() => Ok(Form::Int8),
            other => Err(bad(None, format!("metadata block is {other:?}: the int8 form has blocks of \"{BLOCK}\""))),
        },
        Some(other) => Err(bad(None, format!("metadata form is {other:?}: expected \"float32\" or \"int8\""))),
    }
}

/// Checks an int8 file's matrix `t` and its scales against the shapes of `config`.
pub fn check_compact(id: MatrixId, config: &Config, t: &Tensor<'_>, scales: Option<&Tensor<'_>>) -> Result<()> {
    let (outputs, inputs) = id.shape(config);
    let name = id.name();
    if t.dtype != Dtype::I8 || t.shape != [outputs, inputs] {
        return Err(bad(
            Some(&name),
            format!(
                "is {:?} of shape {:?}: the int8 form holds it as I8 of shape [{outputs}, {inputs}] (outputs, inputs)",
                t.dtype, t.shape
            ),
        ));
    }
    let scale_name = format!("{name}_scale");
    let scales = scales.ok_or_else(|| bad(Some(&scale_name), "is missing: each int8 matrix has its scales"))?;
    if scales.dtype != Dtype::F16 || scales.shape != [outputs, inputs / BLOCK] {
        return Err(bad(
            Some(&scale_name),
            format!(
                "is {:?} of shape {:?}: expected F16 of shape [{outputs}, {}] (one scale per block of {BLOCK} inputs)",
                scales.dtype,
                scales.shape,
                inputs / BLOCK
            ),
        ));
    }
    Ok(())
}

impl Int8Weights {
    /// Bytes the compact matrices of a network of shape `config` take in memory (weights and f32 scales).
    pub fn bytes_for(config: &Config) -> usize {
        let elements: usize = MatrixId::all(config.layers)
            .into_iter()
            .map(|id| {
                let (outputs, inputs) = id.shape(config);
                outputs * inputs
            })
            .sum();
        elements + 4 * elements / BLOCK
    }
}

/// Quantizes a float32 matrix whose values arrive in the file's order, a chunk at a time: the embedding's rows are
/// already `[outputs, inputs]`, so each 32 values are a block; a Conv1D matrix is `[inputs, outputs]`, so 32 of its
/// rows (32 × outputs values) make one block of every output. Only those wait here: at most 32 rows.
#[derive(Debug, Default)]
pub struct Streaming {
    waiting: Vec<f32>,
    /// Panels of the current matrix already quantized.
    done: usize,
}

impl Streaming {
    /// Takes the next `values` of matrix `id` (named `name` in the file), quantizing each panel once it is whole.
    pub fn take(
        &mut self,
        m: &mut Int8Matrix,
        id: MatrixId,
        name: &str,
        values: impl Iterator<Item = Result<f32>>,
    ) -> Result<()> {
        let (outputs, inputs) = (m.outputs, m.inputs);
        let panel = if id.transposed_in_float_files() { BLOCK * outputs } else { BLOCK };
        for value in values {
            self.waiting.push(value?);
            if self.waiting.len() < panel {
                continue;
            }
            let blocks = inputs / BLOCK;
            let result = if id.transposed_in_float_files() {
                // block `done` of every output: column j of the 32 rows
                (0..outputs).try_for_each(|j| {
                    let block: [f32; BLOCK] = std::array::from_fn(|r| self.waiting[r * outputs + j]);
                    m.set_block(j, self.done, &block)
                })
            } else {
                let block: &[f32; BLOCK] = self.waiting[..].try_into().expect("a block");
                m.set_block(self.done / blocks, self.done % blocks, block)
            };
            result.map_err(|max| bad(Some(name), too_large(max)))?;
            self.waiting.clear();
            self.done += 1;
            if self.done * panel == outputs * inputs {
                // the matrix is whole: the next one starts from its first panel
                self.done = 0;
            }
        }
        Ok(())
    }
}
