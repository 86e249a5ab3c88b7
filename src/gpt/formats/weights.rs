//! Weights out and in, in Hugging Face's `openai-gpt` layout (safetensors).
//!
//! Tensor names and shapes: `tokens_embed.weight` [rows, d] (the vocabulary, then the special tokens),
//! `positions_embed.weight` [context, d], and per block N: `h.N.attn.c_attn.weight` [d, 3d] and `.bias` [3d],
//! `h.N.attn.c_proj.weight` [d, d] and `.bias`, `h.N.ln_1.weight` / `.bias` [d], `h.N.mlp.c_fc.weight` [d, 4d] and
//! `.bias` [4d], `h.N.mlp.c_proj.weight` [4d, d] and `.bias`, `h.N.ln_2.weight` / `.bias`. Matrices are stored
//! [in, out] (Hugging Face's `Conv1D`), as the network holds them. The pre-LN variant adds GPT-2's final
//! `ln_f.weight` / `.bias`; the fine-tuning head W_y is `score.weight` [classes, d], as Hugging Face's
//! `OpenAIGPTForSequenceClassification` names it, and its bias `score.bias`, one number per class (absent: 0).
//!
//! `__metadata__` says what the shapes cannot: `heads`, `architecture` (`post` or `pre`), and, for a model that
//! reads text, `tokenizer`, `boundaries`, `vocabulary` (a JSON array of the V tokens) and, for BPE, `merges` (a
//! JSON array of `[left, right]` pairs). A model that works on ids only and has special rows after its V tokens
//! (GPT-1 fine-tuned: `_start_`, `_delimiter_`, `_classify_`) says V in `vocab`.

use std::ops::Range;
use std::rc::Rc;

use crate::bpe::Bpe;
use crate::error::{Error, Result};
use crate::gpt::formats::loader::Loader;
use crate::gpt::formats::safetensors::{self, Dtype, Output, Tensor, Values};
use crate::gpt::int8::storage::{check_compact, stored_form};
use crate::gpt::int8::{BLOCK, Int8Weights, MatrixId, require_blocks};
use crate::gpt::model::TinyGpt;
use crate::gpt::net::{Net, Workspace};
use crate::gpt::options::{GptOptions, parse_norm};
use crate::gpt::params::{BlockTensors, Config, Form, Layout, Norm};
use crate::gpt::train::adam::AdamW;
use crate::gpt::train::data::Corpus;
use crate::json::{self, Json};
use crate::ngram::{TokenizerKind, parse_boundaries};
use crate::sampling::Mt19937;
use crate::tokens::{Boundaries, END, START, Tokenizer, Vocab};

/// Heads when neither the file's metadata nor the caller says: GPT-1's 12.
pub const DEFAULT_HEADS: usize = 12;

/// Every tensor of the network except the classifier: its `openai-gpt` name, place and shape.
fn named_tensors(layout: &Layout, config: &Config) -> Vec<(String, Range<usize>, Vec<usize>)> {
    let d = config.d_model;
    let mut all = vec![
        ("tokens_embed.weight".to_string(), layout.wte.clone(), vec![config.embeddings, d]),
        ("positions_embed.weight".to_string(), layout.wpe.clone(), vec![config.context, d]),
    ];
    for (l, b) in layout.blocks.iter().enumerate() {
        all.extend(block_tensors(b, d).into_iter().map(|(name, range, shape)| (format!("h.{l}.{name}"), range, shape)));
    }
    if let Some((g, b)) = &layout.final_norm {
        all.push(("ln_f.weight".into(), g.clone(), vec![d]));
        all.push(("ln_f.bias".into(), b.clone(), vec![d]));
    }
    all
}

/// One block's tensors, in file order: the name after `h.N.`, the place and the shape (matrices [in, out]).
pub(crate) fn block_tensors(b: &BlockTensors, d: usize) -> [(&'static str, Range<usize>, Vec<usize>); 12] {
    [
        ("attn.c_attn.weight", b.w_qkv.clone(), vec![d, 3 * d]),
        ("attn.c_attn.bias", b.b_qkv.clone(), vec![3 * d]),
        ("attn.c_proj.weight", b.w_proj.clone(), vec![d, d]),
        ("attn.c_proj.bias", b.b_proj.clone(), vec![d]),
        ("ln_1.weight", b.ln1_g.clone(), vec![d]),
        ("ln_1.bias", b.ln1_b.clone(), vec![d]),
        ("mlp.c_fc.weight", b.w_fc.clone(), vec![d, 4 * d]),
        ("mlp.c_fc.bias", b.b_fc.clone(), vec![4 * d]),
        ("mlp.c_proj.weight", b.w_out.clone(), vec![4 * d, d]),
        ("mlp.c_proj.bias", b.b_out.clone(), vec![d]),
        ("ln_2.weight", b.ln2_g.clone(), vec![d]),
        ("ln_2.bias", b.ln2_b.clone(), vec![d]),
    ]
}

/// The classifier's name in the file.
const SCORE: &str = "score.weight";
/// The classifier's bias.
const SCORE_BIAS: &str = "score.bias";

/// Where a tensor of a written file takes its values from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    /// This range of the float32 parameters, as F32.
    Params(Range<usize>),
    /// The classifier W_y, as the file holds it ([`score_rows`]), as F32.
    Score,
    /// A compact matrix's weights, as I8.
    Weights(MatrixId),
    /// A compact matrix's scales, as F16.
    Scales(MatrixId),
}

/// One tensor of a written file: its name, shape and where its values come from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) shape: Vec<usize>,
    pub(crate) source: Source,
}

/// Every tensor of `net`'s file, in the file's order: `openai-gpt`'s (in the int8 form each compact matrix as its
/// I8 weights and F16 scales), then the classifier when there is one.
pub(crate) fn file_parts(net: &Net<f32>) -> Vec<Part> {
    let (config, layout) = (&net.config, &net.layout);
    let mut parts = Vec::new();
    for (name, range, shape) in named_tensors(layout, config) {
        match net.int8.as_ref().zip(MatrixId::of_name(&name, config.layers)) {
            Some((int8, id)) => {
                let m = int8.matrix(id);
                let scales = format!("{name}_scale");
                parts.push(Part { name, shape: vec![m.outputs, m.inputs], source: Source::Weights(id) });
                parts.push(Part { name: scales, shape: vec![m.outputs, m.inputs / BLOCK], source: Source::Scales(id) });
            }
            None => parts.push(Part { name, shape, source: Source::Params(range) }),
        }
    }
    if config.classes > 0 {
        let (classes, d) = (config.classes, config.d_model);
        parts.push(Part { name: SCORE.into(), shape: vec![classes, d], source: Source::Score });
        parts.push(Part {
            name: SCORE_BIAS.into(),
            shape: vec![classes],
            source: Source::Params(layout.b_cls.clone()),
        });
    }
    parts
}

/// W_y as the file holds it, `[classes, d]` (the network holds it d × classes).
pub(crate) fn score_rows(net: &Net<f32>) -> Vec<f32> {
    let (d, classes) = (net.config.d_model, net.config.classes);
    let w_cls = &net.params[net.layout.w_cls.clone()];
    (0..classes * d).map(|i| w_cls[(i % d) * classes + i / d]).collect()
}

/// A part's values, from `net` (and `score`: [`score_rows`]).
pub(crate) fn values<'a>(net: &'a Net<f32>, score: &'a [f32], source: &Source) -> Values<'a> {
    let matrix = |id: MatrixId| net.int8.as_ref().expect("a compact matrix of an int8 model").matrix(id);
    match source {
        Source::Params(range) => Values::F32(&net.params[range.clone()]),
        Source::Score => Values::F32(score),
        Source::Weights(id) => Values::I8(&matrix(*id).weights),
        Source::Scales(id) => Values::F16(&matrix(*id).scales),
    }
}

/// The tensors to write, from `parts` of `net`.
pub(crate) fn outputs<'a>(net: &'a Net<f32>, score: &'a [f32], parts: &[Part]) -> Vec<Output<'a>> {
    parts
        .iter()
        .map(|p| Output { name: p.name.clone(), shape: p.shape.clone(), values: values(net, score, &p.source) })
        .collect()
}

/// A JSON array of strings.
fn json_array<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_string(item, &mut out);
    }
    out.push(']');
    out
}

fn bad(tensor: Option<&str>, problem: impl Into<String>) -> Error {
    Error::BadWeights { tensor: tensor.map(str::to_string), problem: problem.into() }
}

impl TinyGpt {
    /// The model's weights as a safetensors file in `openai-gpt`'s layout, with the metadata that rebuilds it (in
    /// the int8 form, the layout of [`crate::gpt::int8::storage`]). [`TinyGpt::safetensors_writer`] gives the same
    /// bytes a slice at a time.
    pub fn to_safetensors(&self) -> Vec<u8> {
        let (parts, score) = (file_parts(&self.net), score_rows(&self.net));
        safetensors::write(&outputs(&self.net, &score, &parts), &self.metadata())
    }

    /// The metadata a weights file carries: what the shapes cannot say.
    pub(crate) fn metadata(&self) -> Vec<(&'static str, String)> {
        let config = &self.net.config;
        let mut metadata = vec![
            ("format", "pt".to_string()),
            ("heads", config.heads.to_string()),
            ("architecture", config.norm.name().to_string()),
        ];
        if self.net.int8.is_some() {
            metadata.push(("form", Form::Int8.name().to_string()));
            metadata.push(("block", BLOCK.to_string()));
        }
        let vocab = self.vocab();
        if !vocab.is_empty() {
            metadata.push(("tokenizer", self.tokenizer().name().to_string()));
            metadata.push(("boundaries", self.boundaries().name().to_string()));
            metadata.push(("vocabulary", json_array(vocab.tokens().iter().map(String::as_str))));
            if let Tokenizer::Bpe(bpe) = self.tokenizer() {
                let pairs: Vec<String> =
                    bpe.merges().iter().map(|(l, r)| json_array([l.as_str(), r.as_str()].into_iter())).collect();
                metadata.push(("merges", format!("[{}]", pairs.join(","))));
            }
        } else if config.vocab < config.embeddings {
            metadata.push(("vocab", config.vocab.to_string()));
        }
        metadata
    }

    /// A model from a safetensors file in `openai-gpt`'s layout (names with or without a `transformer.` prefix;
    /// the causal-mask buffers `h.N.attn.bias` are ignored). d, layers, context and rows come from the shapes;
    /// `heads` from the argument, else the metadata, else 12. Without a vocabulary in the metadata the model
    /// works on token ids only.
    pub fn from_safetensors(bytes: &[u8], heads: Option<usize>) -> Result<TinyGpt> {
        TinyGpt::from_safetensors_as(bytes, heads, None)
    }

    /// [`TinyGpt::from_safetensors`] into `form` (`None`: the form the file holds). A float32 file becomes an int8
    /// model block by block as it is read; an int8 file cannot become float32.
    pub fn from_safetensors_as(bytes: &[u8], heads: Option<usize>, form: Option<Form>) -> Result<TinyGpt> {
        let file = safetensors::read(bytes)?;
        let plan = Plan::new(&file, heads, form)?;
        if plan.form == Form::Int8 {
            // the streaming loader quantizes (or copies) the compact matrices
            let header = safetensors::header_length(bytes)?;
            let mut loader = Loader::new(&bytes[..header], heads, Some(bytes.len() as u64), form)?;
            loader.write(&bytes[header..])?;
            return loader.finish();
        }
        let mut params = plan.allocate()?;
        for (t, place) in file.tensors.iter().zip(&plan.places) {
            match place {
                Place::Params(range) => t.read_into(&mut params[range.clone()])?,
                Place::Score => {
                    let mut score = vec![0.0f32; plan.config.classes * plan.config.d_model];
                    t.read_into(&mut score)?;
                    for (i, &w) in score.iter().enumerate() {
                        params[plan.score_index(i)] = w;
                    }
                }
                Place::Skip => {}
                Place::Quantize(_) | Place::Int8(_) | Place::Scales(_) => unreachable!("a float32 plan"),
            }
        }
        Ok(plan.into_model(params, None))
    }
}

/// Where one tensor of a file goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Place {
    /// Into this range of the parameters, as it is.
    Params(Range<usize>),
    /// The classifier `[classes, d]`, transposed into `W_y` (d × classes).
    Score,
    /// Nowhere: a causal-mask buffer.
    Skip,
    /// A float32 matrix, quantized into the int8 form as it arrives.
    Quantize(MatrixId),
    /// An int8 file's matrix: its I8 weights, as they are.
    Int8(MatrixId),
    /// An int8 file's matrix: its F16 scales.
    Scales(MatrixId),
}

/// A model's shape and where each tensor of its file goes, read from the header before any weight is.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) config: Config,
    layout: Layout,
    options: GptOptions,
    corpus: Corpus,
    /// The form of the model being made.
    pub(crate) form: Form,
    /// One per tensor of the file, in the file's (data) order.
    pub(crate) places: Vec<Place>,
}

/// The most memory the weights may take: wasm32 addresses 4 GB, and the page needs room besides.
pub const MAX_WEIGHTS_BYTES: u64 = 3_000_000_000;

impl Plan {
    /// Reads the model's shape from `file`'s header and checks every tensor's name and shape (no weight is read),
    /// for a model in `form` (`None`: the form the file holds).
    pub(crate) fn new(file: &safetensors::File<'_>, heads: Option<usize>, form: Option<Form>) -> Result<Plan> {
        // the tensors by their openai-gpt name
        let mut tensors: Vec<(String, &Tensor<'_>)> = Vec::with_capacity(file.tensors.len());
        for t in &file.tensors {
            let name = t.name.strip_prefix("transformer.").unwrap_or(&t.name);
            if is_mask_buffer(name) {
                continue;
            }
            if tensors.iter().any(|(n, _)| n == name) {
                return Err(bad(Some(&t.name), "is given twice (with and without the transformer. prefix)"));
            }
            tensors.push((name.to_string(), t));
        }
        let find = |name: &str| tensors.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
        let matrix = |name: &str, what: &str| -> Result<(usize, usize)> {
            match find(name).map(|t| t.shape.as_slice()) {
                Some(&[a, b]) if a > 0 && b > 0 => Ok((a, b)),
                Some(shape) => Err(bad(Some(name), format!("shape {shape:?}, expected [{what}] (both above 0)"))),
                None => Err(bad(None, format!("no tensor {name} [{what}]: is this an openai-gpt weights file?"))),
            }
        };
        let (rows, d) = matrix("tokens_embed.weight", "rows, d")?;
        let (context, d_positions) = matrix("positions_embed.weight", "context, d")?;
        if d_positions != d {
            return Err(bad(
                Some("positions_embed.weight"),
                format!("shape [{context}, {d_positions}], expected [{context}, {d}] (d from tokens_embed.weight)"),
            ));
        }
        // layers: the blocks h.0 … h.(L−1)
        let mut layers = 0;
        for (name, _) in &tensors {
            if let Some(rest) = name.strip_prefix("h.") {
                let index = rest.split('.').next().and_then(|n| n.parse::<usize>().ok());
                let index = index.filter(|&i| i < 1_000).ok_or_else(|| {
                    bad(Some(name), "is not a block tensor: expected h.N.<name> with a block number N below 1000")
                })?;
                layers = layers.max(index + 1);
            }
        }
        if layers == 0 {
            return Err(bad(None, "no blocks: expected tensors h.0.attn.c_attn.weight and so on"));
        }
        let norm = match file.meta("architecture") {
            Some(name) => parse_norm(name).map_err(|e| bad(None, format!("metadata architecture: {e}")))?,
            None if find("ln_f.weight").is_some() => Norm::Pre,
            None => Norm::Post,
        };
        let heads = heads_of(heads, file.meta("heads"), d)?;
        let classes = match find(SCORE).map(|t| t.shape.as_slice()) {
            None => 0,
            Some(&[c, dd]) if c > 0 && c <= 1_000 && dd == d => c,
            Some(shape) => {
                return Err(bad(
                    Some(SCORE),
                    format!("shape {shape:?}, expected [classes, {d}] with 1 to 1000 classes"),
                ));
            }
        };
        match find(SCORE_BIAS).map(|t| t.shape.as_slice()) {
            None => {}
            Some(&[c]) if c == classes => {}
            Some(shape) => {
                return Err(bad(
                    Some(SCORE_BIAS),
                    format!("shape {shape:?}, expected [{classes}] (one bias per class of score.weight)"),
                ));
            }
        }
        let (corpus, vocab) = text_side(file, rows)?;
        let config = Config { vocab, embeddings: rows, d_model: d, layers, heads, context, classes, norm };
        // the file's form, and the model's
        let stored = stored_form(file)?;
        let form = match (form, stored) {
            (Some(Form::Float32), Form::Int8) => {
                return Err(bad(
                    None,
                    "this file holds the compact int8 form, which cannot be turned back into float32: load it with \
                     form \"int8\" (or no form), or load the float32 file",
                ));
            }
            (Some(form), _) => form,
            (None, stored) => stored,
        };
        if form == Form::Int8 {
            require_blocks(d)?;
        }
        let layout = Layout::of_form(&config, form);
        // every expected tensor, at its expected shape (an int8 file's matrices and their scales as it holds them)
        let expected = named_tensors(&layout, &config);
        let compact = |name: &str| MatrixId::of_name(name, layers);
        for (name, _, shape) in &expected {
            let t = find(name).ok_or_else(|| {
                bad(Some(name), format!("is missing: expected shape {shape:?} ({layers} blocks of d = {d})"))
            })?;
            match compact(name) {
                Some(id) if stored == Form::Int8 => check_compact(id, &config, t, find(&format!("{name}_scale")))?,
                _ if t.dtype == Dtype::I8 => {
                    return Err(bad(
                        Some(name),
                        "is I8: only the matrices of a file in the int8 form (metadata form \"int8\") may be",
                    ));
                }
                _ if &t.shape != shape => {
                    return Err(bad(
                        Some(name),
                        format!("shape {:?}, expected {shape:?} (d = {d}, {rows} rows, context {context})", t.shape),
                    ));
                }
                _ => {}
            }
        }
        let classifier = |n: &str| n == SCORE || n == SCORE_BIAS;
        let scale_of = |name: &str| name.strip_suffix("_scale").and_then(compact).filter(|_| stored == Form::Int8);
        if let Some((name, _)) = tensors
            .iter()
            .find(|(n, _)| !classifier(n) && scale_of(n).is_none() && !expected.iter().any(|(e, _, _)| e == n))
        {
            let allowed = match norm {
                Norm::Post => "openai-gpt's tensors (and score.weight, score.bias); a post-LN model has no ln_f",
                Norm::Pre => "openai-gpt's tensors, ln_f, score.weight and score.bias",
            };
            return Err(bad(Some(name), format!("is not part of this model: expected only {allowed}")));
        }
        let options = GptOptions {
            tokenizer: corpus.kind,
            boundaries: corpus.corpus.boundaries,
            d_model: d,
            layers,
            heads,
            context,
            norm,
            ..GptOptions::default()
        };
        let places = file
            .tensors
            .iter()
            .map(|t| {
                let name = t.name.strip_prefix("transformer.").unwrap_or(&t.name);
                match expected.iter().find(|(e, _, _)| e == name) {
                    Some((_, range, _)) => match (compact(name), stored, form) {
                        (Some(id), Form::Int8, _) => Place::Int8(id),
                        (Some(id), Form::Float32, Form::Int8) => Place::Quantize(id),
                        _ => Place::Params(range.clone()),
                    },
                    None if name == SCORE => Place::Score,
                    None if name == SCORE_BIAS => Place::Params(layout.b_cls.clone()),
                    None => scale_of(name).map_or(Place::Skip, Place::Scales),
                }
            })
            .collect();
        Ok(Plan { config, layout, options, corpus: corpus.corpus, form, places })
    }

    /// Bytes the weights take in memory: the float32 numbers, and in the int8 form the compact matrices.
    pub(crate) fn bytes(&self) -> u64 {
        let compact = if self.form == Form::Int8 { Int8Weights::bytes_for(&self.config) } else { 0 };
        self.layout.total as u64 * 4 + compact as u64
    }

    /// The parameters, zeroed, allocated once: a size the platform refuses is an error naming it, never an abort.
    pub(crate) fn allocate(&self) -> Result<Vec<f32>> {
        let mb = self.bytes().div_ceil(1_000_000);
        let refused = || {
            Error::Unsupported(format!(
                "the weights need {mb} MB of memory, and this browser or device refused to give it (close other \
                 tabs, or use a computer with more memory)"
            ))
        };
        if self.bytes() > MAX_WEIGHTS_BYTES {
            return Err(Error::Unsupported(format!(
                "the weights need {mb} MB of memory, more than a web page's module can hold (at most {} MB)",
                MAX_WEIGHTS_BYTES / 1_000_000
            )));
        }
        let mut params = Vec::new();
        params.try_reserve_exact(self.layout.total).map_err(|_| refused())?;
        params.resize(self.layout.total, 0.0);
        Ok(params)
    }

    /// The int8 form's matrices, zeroed (`None` for a float32 model), allocated once after [`Plan::allocate`]
    /// checked the whole size.
    pub(crate) fn allocate_int8(&self) -> Result<Option<Int8Weights>> {
        match self.form {
            Form::Float32 => Ok(None),
            Form::Int8 => Int8Weights::zeros(&self.config).map(Some),
        }
    }

    /// Where element `i` of the classifier's `[classes, d]` tensor goes in the parameters (W_y is d × classes).
    pub(crate) fn score_index(&self, i: usize) -> usize {
        let Config { d_model: d, classes, .. } = self.config;
        self.layout.w_cls.start + (i % d) * classes + i / d
    }

    /// The model, once `params` (and `int8`, in the int8 form) hold every weight.
    pub(crate) fn into_model(self, params: Vec<f32>, int8: Option<Int8Weights>) -> TinyGpt {
        let Plan { config, layout, options, corpus, .. } = self;
        let net = Net { config, layout, params, int8 };
        TinyGpt {
            // no optimiser state yet: step() makes it (and the gradients) on first use, so a loaded 117M-parameter
            // model does not carry 930 MB of AdamW moments it never trains with
            optimiser: AdamW::new(0, options.learning_rate, Vec::new()),
            grads: Vec::new(),
            rng: Mt19937::new(options.seed ^ 0x5bd1_e995),
            options,
            corpus: Rc::new(corpus),
            net: Rc::new(net),
            ws: Workspace::default(),
            last_loss: f64::NAN,
        }
    }
}

/// `h.N.attn.bias` (and GPT-2's `h.N.attn.masked_bias`): the causal mask Hugging Face keeps as a buffer.
fn is_mask_buffer(name: &str) -> bool {
    name.strip_prefix("h.").and_then(|rest| rest.split_once('.')).is_some_and(|(n, tail)| {
        n.bytes().all(|b| b.is_ascii_digit()) && matches!(tail, "attn.bias" | "attn.masked_bias")
    })
}

/// The heads: the caller's, else the metadata's, else 12; each must divide d.
fn heads_of(given: Option<usize>, meta: Option<&str>, d: usize) -> Result<usize> {
    let (heads, from) = match (given, meta) {
        (Some(h), _) => (h, "the heads option"),
        (None, Some(text)) => {
            let h = text.trim().parse::<usize>().map_err(|_| {
                bad(None, format!("metadata heads is {text:?}: expected a whole number (or pass the heads option)"))
            })?;
            (h, "the file's metadata")
        }
        (None, None) => (DEFAULT_HEADS, "GPT-1's default (the file's metadata does not say)"),
    };
    if heads == 0 || d % heads != 0 {
        return Err(Error::InvalidParameter {
            name: "heads",
            value: format!("{heads} (from {from})").into(),
            allowed: format!("a divisor of d = {d} (tokens_embed.weight's width): each head gets d / heads dimensions"),
        });
    }
    Ok(heads)
}

/// What reads text: the corpus side of a loaded model.
struct TextSide {
    corpus: Corpus,
    kind: TokenizerKind,
}

/// The vocabulary and tokenizer from the metadata (or none: ids only), and V (rows when there is no vocabulary).
fn text_side(file: &safetensors::File<'_>, rows: usize) -> Result<(TextSide, usize)> {
    let boundaries = match file.meta("boundaries") {
        Some(name) => parse_boundaries(name).map_err(|e| bad(None, format!("metadata boundaries: {e}")))?,
        None => Boundaries::Lines,
    };
    let kind = match file.meta("tokenizer") {
        Some(name) => TokenizerKind::parse(name).map_err(|e| bad(None, format!("metadata tokenizer: {e}")))?,
        None => TokenizerKind::Word,
    };
    let Some(text) = file.meta("vocabulary") else {
        let corpus = Corpus::without_text(Vocab::default(), Tokenizer::Word, boundaries);
        // V: the rows before any special ones (all of them unless the metadata says)
        let vocab = match file.meta("vocab") {
            None => rows,
            Some(text) => text.trim().parse::<usize>().ok().filter(|&v| (1..=rows).contains(&v)).ok_or_else(|| {
                bad(None, format!("metadata vocab is {text:?}: expected a whole number from 1 to {rows} (the rows)"))
            })?,
        };
        return Ok((TextSide { corpus, kind }, vocab));
    };
    let tokens = strings(text).ok_or_else(|| bad(None, "metadata vocabulary must be a JSON array of strings"))?;
    if tokens.is_empty() || tokens.len() > rows {
        return Err(bad(
            None,
            format!(
                "metadata vocabulary has {} tokens: expected 1 to {rows} (the rows of tokens_embed.weight)",
                tokens.len()
            ),
        ));
    }
    let mut vocab = Vocab::default();
    for token in &tokens {
        if vocab.id(token).is_some() {
            return Err(bad(None, format!("metadata vocabulary holds {token:?} twice")));
        }
        vocab.intern(token);
    }
    if boundaries == Boundaries::Lines && (vocab.id(START).is_none() || vocab.id(END).is_none()) {
        return Err(bad(None, "metadata vocabulary of a lines-mode model must hold [START] and [END]"));
    }
    let tokenizer = match kind {
        TokenizerKind::Word => Tokenizer::Word,
        TokenizerKind::Char => Tokenizer::Char,
        TokenizerKind::Bpe => {
            let merges = file.meta("merges").and_then(pairs).ok_or_else(|| {
                bad(None, "metadata merges must be a JSON array of [left, right] pairs for a bpe tokenizer")
            })?;
            // this BPE cuts words at whitespace, so no merge can hold a space: such merges mark word starts with
            // one (GPT-2's habit), not word ends with </w>, and would spell text differently from how it was learnt
            if let Some(piece) = merges.iter().flat_map(|(l, r)| [l, r]).find(|p| p.contains(char::is_whitespace)) {
                return Err(bad(
                    None,
                    format!(
                        "metadata merges hold the piece {piece:?}, with whitespace: expected the merges of a BPE that \
                         cuts words at whitespace and ends each word's last piece with </w>"
                    ),
                ));
            }
            Tokenizer::Bpe(Bpe::from_merges(merges))
        }
    };
    let v = vocab.len();
    Ok((TextSide { corpus: Corpus::without_text(vocab, tokenizer, boundaries), kind }, v))
}

/// A JSON array of strings.
fn strings(text: &str) -> Option<Vec<String>> {
    match json::parse(text).ok()? {
        Json::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Json::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// A JSON array of `[left, right]` string pairs.
fn pairs(text: &str) -> Option<Vec<(String, String)>> {
    match json::parse(text).ok()? {
        Json::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Json::Array(pair) => match <[Json; 2]>::try_from(pair).ok()? {
                    [Json::String(l), Json::String(r)] => Some((l, r)),
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        _ => None,
    }
}
