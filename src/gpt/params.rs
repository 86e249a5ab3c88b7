//! Where every weight lives: one flat vector, cut into named tensors, and their initialisation.
//!
//! The tensors are GPT-1's (Hugging Face's `openai-gpt` names in brackets): the token embedding `wte`
//! (`tokens_embed`, also the output layer), the position embedding `wpe` (`positions_embed`), and per block the
//! attention (`attn.c_attn`, `attn.c_proj`), the first LayerNorm (`ln_1`), the MLP (`mlp.c_fc`, `mlp.c_proj`) and
//! the second LayerNorm (`ln_2`). Only the pre-LN variant has a final LayerNorm (GPT-2's `ln_f`). Fine-tuning adds
//! the classifier `w_cls`, the paper's W_y (`score`).

use std::ops::Range;

use super::float::Float;
use crate::sampling::Mt19937;

/// Where a block puts its LayerNorms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Norm {
    /// GPT-1 (and the original Transformer): after each residual sum, `n = LN(x + attn(x))`,
    /// `h = LN(n + mlp(n))`; no final LayerNorm.
    #[default]
    Post,
    /// GPT-2: at each sub-layer's input, `m = x + attn(LN(x))`, `h = m + mlp(LN(m))`, and one final LayerNorm.
    Pre,
}

impl Norm {
    /// The name used in options and in a weights file's metadata.
    pub fn name(self) -> &'static str {
        match self {
            Norm::Post => "post",
            Norm::Pre => "pre",
        }
    }
}

/// How a network holds its matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Form {
    /// Every weight a float32 number, in [`Net::params`](super::net::Net::params).
    #[default]
    Float32,
    /// The compact form ([`super::int8`]): the blocks' matrices and the token embedding as signed 8-bit weights
    /// with a scale per block of 32 inputs; only the other tensors are in `params`.
    Int8,
}

impl Form {
    /// The name used in the API and in a weights file's metadata.
    pub fn name(self) -> &'static str {
        match self {
            Form::Float32 => "float32",
            Form::Int8 => "int8",
        }
    }

    /// The form named `name` (the `form` option).
    pub fn parse(name: &str) -> crate::error::Result<Form> {
        match name {
            "float32" => Ok(Form::Float32),
            "int8" => Ok(Form::Int8),
            _ => Err(crate::error::Error::InvalidParameter {
                name: "form",
                value: crate::error::quoted(name).into(),
                allowed: "\"float32\" or \"int8\" (8-bit weights with a scale per block of 32 inputs)".into(),
            }),
        }
    }
}

/// The shape of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Tokens of the text (the corpus vocabulary V): the targets of the language-model loss.
    pub vocab: usize,
    /// Rows of the token embedding: V, plus the special tokens once they are added. The output layer is tied to
    /// this matrix, so the logits have one entry per row.
    pub embeddings: usize,
    /// Width of the residual stream, d.
    pub d_model: usize,
    /// Transformer blocks.
    pub layers: usize,
    /// Attention heads per block (d is divisible by it).
    pub heads: usize,
    /// Longest input, and the rows of the position embedding.
    pub context: usize,
    /// Classes of the fine-tuning head (0: no head yet).
    pub classes: usize,
    /// Post-LN (GPT-1) or pre-LN (GPT-2).
    pub norm: Norm,
}

/// The tensors of one block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockTensors {
    /// The first LayerNorm, gain and bias (d): after the attention's residual sum (post-LN) or at its input (pre-LN).
    pub ln1_g: Range<usize>,
    /// See `ln1_g`.
    pub ln1_b: Range<usize>,
    /// Query, key and value projections side by side (d × 3d) and their bias (3d).
    pub w_qkv: Range<usize>,
    /// See `w_qkv`.
    pub b_qkv: Range<usize>,
    /// Attention output projection (d × d) and bias (d).
    pub w_proj: Range<usize>,
    /// See `w_proj`.
    pub b_proj: Range<usize>,
    /// The second LayerNorm: after the MLP's residual sum (post-LN) or at its input (pre-LN).
    pub ln2_g: Range<usize>,
    /// See `ln2_g`.
    pub ln2_b: Range<usize>,
    /// MLP up-projection (d × 4d) and bias (4d).
    pub w_fc: Range<usize>,
    /// See `w_fc`.
    pub b_fc: Range<usize>,
    /// MLP down-projection (4d × d) and bias (d).
    pub w_out: Range<usize>,
    /// See `w_out`.
    pub b_out: Range<usize>,
}

/// Every tensor's place in the flat parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Token embedding (embeddings × d), also the output layer: logits = h·wteᵀ.
    pub wte: Range<usize>,
    /// Position embedding (context × d).
    pub wpe: Range<usize>,
    /// The blocks, first to last.
    pub blocks: Vec<BlockTensors>,
    /// Pre-LN only: the final LayerNorm's gain and bias.
    pub final_norm: Option<(Range<usize>, Range<usize>)>,
    /// Fine-tuning head W_y (d × classes): the paper's `softmax(h·W_y)`.
    pub w_cls: Range<usize>,
    /// The head's bias (classes), as train.py's `clf` has one: the GPT-1 fine-tuner trains it; Part D's
    /// fine-tuning keeps the paper's `softmax(h·W_y)` and leaves it as it is (0 in a new head).
    pub b_cls: Range<usize>,
    /// How many numbers in all.
    pub total: usize,
}

/// How a tensor is initialised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Init {
    /// Uniform with this standard deviation.
    Random(f64),
    /// All ones (LayerNorm gains).
    Ones,
    /// All zeros (biases).
    Zeros,
}

/// GPT-1's initial spread of the weights: N(0, 0.02); here a uniform of the same standard deviation.
pub const INIT_STD: f64 = 0.02;

impl Layout {
    /// Lays out a network of shape `config` with every weight in float32.
    pub fn new(config: &Config) -> Layout {
        Layout::of_form(config, Form::Float32)
    }

    /// Lays out the float32 numbers of a network of shape `config` in `form`: in the int8 form the blocks'
    /// matrices and the token embedding are held apart ([`super::int8::Int8Weights`]), so their ranges here are
    /// empty.
    pub fn of_form(config: &Config, form: Form) -> Layout {
        let d = config.d_model;
        let mut at = 0;
        let mut take = |len: usize| {
            at += len;
            at - len..at
        };
        let matrix = |len: usize| if form == Form::Int8 { 0 } else { len };
        let wte = take(matrix(config.embeddings * d));
        let wpe = take(config.context * d);
        let blocks = (0..config.layers)
            .map(|_| BlockTensors {
                ln1_g: take(d),
                ln1_b: take(d),
                w_qkv: take(matrix(d * 3 * d)),
                b_qkv: take(3 * d),
                w_proj: take(matrix(d * d)),
                b_proj: take(d),
                ln2_g: take(d),
                ln2_b: take(d),
                w_fc: take(matrix(d * 4 * d)),
                b_fc: take(4 * d),
                w_out: take(matrix(4 * d * d)),
                b_out: take(d),
            })
            .collect();
        let final_norm = (config.norm == Norm::Pre).then(|| (take(d), take(d)));
        let w_cls = take(d * config.classes);
        let b_cls = take(config.classes);
        Layout { wte, wpe, blocks, final_norm, w_cls, b_cls, total: at }
    }

    /// Every tensor: its name, place, initialisation and whether weight decay applies (matrices only).
    pub fn tensors(&self, config: &Config) -> Vec<(String, Range<usize>, Init, bool)> {
        // GPT-1 draws every matrix with the same spread; GPT-2 (pre-LN) starts the residual projections smaller,
        // by 1/√(2·layers)
        let residual = match config.norm {
            Norm::Post => INIT_STD,
            Norm::Pre => INIT_STD / (2.0 * config.layers as f64).sqrt(),
        };
        let mut all = vec![
            ("wte".to_string(), self.wte.clone(), Init::Random(INIT_STD), false),
            ("wpe".to_string(), self.wpe.clone(), Init::Random(INIT_STD), false),
        ];
        for (l, b) in self.blocks.iter().enumerate() {
            let named = [
                ("ln1_g", &b.ln1_g, Init::Ones, false),
                ("ln1_b", &b.ln1_b, Init::Zeros, false),
                ("w_qkv", &b.w_qkv, Init::Random(INIT_STD), true),
                ("b_qkv", &b.b_qkv, Init::Zeros, false),
                ("w_proj", &b.w_proj, Init::Random(residual), true),
                ("b_proj", &b.b_proj, Init::Zeros, false),
                ("ln2_g", &b.ln2_g, Init::Ones, false),
                ("ln2_b", &b.ln2_b, Init::Zeros, false),
                ("w_fc", &b.w_fc, Init::Random(INIT_STD), true),
                ("b_fc", &b.b_fc, Init::Zeros, false),
                ("w_out", &b.w_out, Init::Random(residual), true),
                ("b_out", &b.b_out, Init::Zeros, false),
            ];
            all.extend(named.into_iter().map(|(n, r, i, wd)| (format!("block{l}.{n}"), r.clone(), i, wd)));
        }
        if let Some((g, b)) = &self.final_norm {
            all.push(("lnf_g".into(), g.clone(), Init::Ones, false));
            all.push(("lnf_b".into(), b.clone(), Init::Zeros, false));
        }
        all.push(("w_cls".into(), self.w_cls.clone(), Init::Random(INIT_STD), true));
        all.push(("b_cls".into(), self.b_cls.clone(), Init::Zeros, false));
        all
    }
}

/// A uniform number in [0, 1) from one 32-bit draw.
pub fn uniform(rng: &mut Mt19937) -> f64 {
    f64::from(rng.next_word()) / 4_294_967_296.0
}

/// A whole number in `0..n` (n ≥ 1) from one 32-bit draw.
pub fn below(rng: &mut Mt19937, n: usize) -> usize {
    ((u64::from(rng.next_word()) * n as u64) >> 32) as usize
}

/// Fills `values` as `init` says: a uniform on [−√3·σ, √3·σ] has standard deviation σ and needs no `ln` or `cos`
/// (whose last bits differ between targets), so the start is the same everywhere.
pub fn initialise<F: Float>(values: &mut [F], init: Init, rng: &mut Mt19937) {
    match init {
        Init::Ones => values.fill(F::ONE),
        Init::Zeros => values.fill(F::ZERO),
        Init::Random(std) => {
            let half_width = std * 3f64.sqrt();
            for v in values {
                *v = F::of((2.0 * uniform(rng) - 1.0) * half_width);
            }
        }
    }
}
