//! The transformer exports (feature `gpt`), built into the second module that the page loads on demand.

use js_sys::{Array, ArrayBuffer, Float32Array, Float64Array, Object, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::prelude::*;

use super::ngram::{generate_many_tokens, generate_tokens};
use super::read::{
    Raw, array_of, number, option_record, optional_number, optional_string, record, string, task_input, whole,
};
use crate::error::{Error, whole_number};
use crate::gpt::{FineTuneOptions, FineTuneOptionsInput, GptOptions, GptOptionsInput, LabelledInput};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `new TinyGpt(corpus, options)`. */
export interface GptOptions {
  tokenizer?: "word" | "char" | "bpe"; merges?: number; boundaries?: "lines" | "stream";
  /** Width of the states, 16 … 128 (divisible by heads); default 32. */
  dModel?: number;
  /** Transformer blocks, 1 … 4; default 2. */
  layers?: number;
  /** Attention heads, 1 … 8; default 4. */
  heads?: number;
  /** Tokens of context, 1 … 64; default 16. */
  context?: number;
  seed?: number; learningRate?: number; batchSize?: number;
  /** Where each block puts its LayerNorms: GPT-1's "post" (default) or GPT-2's "pre". */
  norm?: "post" | "pre";
  /** Steps of linear learning-rate warm-up; default 200. */
  warmup?: number;
}
/** Options of `TinyGpt.fromSafetensors(bytes, options)`. */
export interface LoadOptions {
  /** Attention heads (they are not in the shapes); default: the file's metadata, else GPT-1's 12. */
  heads?: number;
  /** The model's form; default: the form the file holds. "int8" quantizes a float32 file as it is read. */
  form?: GptForm;
}
/** How a model holds its matrices: float32, or 8-bit weights with a scale per block of 32 inputs. */
export type GptForm = "float32" | "int8";
/** How closely two models predict the next token of the same ids (`agreement`): P the model asked, Q the other. */
export interface Agreement {
  /** Positions compared: every id's next-token distribution. */
  positions: number;
  /** The share of positions whose most likely next token is the same in both (ties: the lower id). */
  top1: number;
  /** The mean over positions of KL(P ‖ Q), in nats. */
  meanKl: number;
  /** The largest |logit − logit′| over every position and embedding row. */
  maxLogitDifference: number;
  /** The mean |logit − logit′| over every position and embedding row. */
  meanLogitDifference: number;
}
/** A model's shape, as `TinyGpt.shape` reports it. */
export interface GptShape {
  norm: "post" | "pre"; dModel: number; layers: number; heads: number; context: number;
  /** Rows of the token embedding (= entries of each logits row): the vocabulary, then the special tokens. */
  rows: number;
  /** Tokens of the text (rows when the model has no vocabulary). */
  vocab: number;
  classes: number;
}
/** Options of `TinyGpt.fineTune`. */
export interface FineTuneOptions { lambda?: number; steps?: number; learningRate?: number; batchSize?: number; seed?: number }
/** A labelled example in one of Part B's formats. */
export type LabelledExample =
  | { task: "classification"; input: { text: string }; label: number }
  | { task: "entailment"; input: { premise: string; hypothesis: string }; label: number };
"#;

/// The tasks the classifier is trained on (one sequence per example).
const CLASSIFIER_TASKS: [&str; 2] = ["classification", "entailment"];

/// How an error names [`CLASSIFIER_TASKS`].
fn classifier_tasks() -> String {
    "\"classification\" or \"entailment\" (the formats the classifier is trained on)".into()
}

/// `GptOptions` as JavaScript spells them (serde maps the fields by name; each value is checked below).
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct GptOptionsJs {
    tokenizer: Raw,
    merges: Raw,
    boundaries: Raw,
    d_model: Raw,
    layers: Raw,
    heads: Raw,
    context: Raw,
    seed: Raw,
    learning_rate: Raw,
    batch_size: Raw,
    norm: Raw,
    warmup: Raw,
}

impl GptOptionsJs {
    /// Checks each option's type; the core checks the values.
    fn read(&self) -> Result<GptOptionsInput, Error> {
        Ok(GptOptionsInput {
            tokenizer: optional_string("tokenizer", &self.tokenizer.0)?,
            merges: optional_number("merges", &self.merges.0)?,
            boundaries: optional_string("boundaries", &self.boundaries.0)?,
            d_model: optional_number("dModel", &self.d_model.0)?,
            layers: optional_number("layers", &self.layers.0)?,
            heads: optional_number("heads", &self.heads.0)?,
            context: optional_number("context", &self.context.0)?,
            seed: optional_number("seed", &self.seed.0)?,
            learning_rate: optional_number("learningRate", &self.learning_rate.0)?,
            batch_size: optional_number("batchSize", &self.batch_size.0)?,
            norm: optional_string("norm", &self.norm.0)?,
            warmup: optional_number("warmup", &self.warmup.0)?,
        })
    }
}

/// `LoadOptions` of `fromSafetensors`.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct LoadOptionsJs {
    heads: Raw,
    form: Raw,
}

/// The `form` option: `"float32"`, `"int8"`, or absent.
pub(super) fn form_option(value: &JsValue) -> Result<Option<crate::gpt::Form>, Error> {
    optional_string("form", value)?.map(|name| crate::gpt::Form::parse(&name)).transpose()
}

/// `FineTuneOptions` as JavaScript spells them.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct FineTuneOptionsJs {
    lambda: Raw,
    steps: Raw,
    learning_rate: Raw,
    batch_size: Raw,
    seed: Raw,
}

impl FineTuneOptionsJs {
    /// Checks each option's type; the core checks the values.
    fn read(&self) -> Result<FineTuneOptionsInput, Error> {
        Ok(FineTuneOptionsInput {
            lambda: optional_number("lambda", &self.lambda.0)?,
            steps: optional_number("steps", &self.steps.0)?,
            learning_rate: optional_number("learningRate", &self.learning_rate.0)?,
            batch_size: optional_number("batchSize", &self.batch_size.0)?,
            seed: optional_number("seed", &self.seed.0)?,
        })
    }
}

/// One `LabelledExample`.
#[derive(serde::Deserialize)]
struct ExampleJs {
    task: Raw,
    input: Raw,
    label: Raw,
}

/// Labelled examples: `[{ task, input, label }]`.
fn examples(value: &JsValue) -> Result<Vec<LabelledInput>, Error> {
    array_of("examples", value, "an array of { task, input, label }", |item, _| {
        let ExampleJs { task, input, label } = record("examples", item)?;
        let label = whole("label", &label.0, 0, 1_000)? as usize;
        Ok(LabelledInput { input: task_input(&task.0, &input.0, &CLASSIFIER_TASKS, &classifier_tasks)?, label })
    })
}

/// Token ids: an array of whole numbers or a `Uint32Array`.
pub(super) fn ids(value: &JsValue) -> Result<Vec<u32>, Error> {
    if let Some(a) = value.dyn_ref::<Uint32Array>() {
        return Ok(a.to_vec());
    }
    array_of("ids", value, "an array of token ids (whole numbers) or a Uint32Array", |x, _| {
        Ok(whole("ids", x, 0, u64::from(u32::MAX))? as u32)
    })
}

/// A text or token ids: `input` of the look-inside views.
enum Input {
    Text(String),
    Ids(Vec<u32>),
}

fn input(value: &JsValue) -> Result<Input, Error> {
    match value.as_string() {
        Some(text) => Ok(Input::Text(text)),
        None if Array::is_array(value) || value.is_instance_of::<Uint32Array>() => Ok(Input::Ids(ids(value)?)),
        None => Err(super::read::wrong_type("input", value, "a line of text or an array of token ids")),
    }
}

/// A tiny decoder-only transformer with GPT-1's architecture: token and position embeddings summed, post-LayerNorm
/// blocks of masked multi-head self-attention and a GELU MLP, no final LayerNorm, and the output layer tied to the
/// token embedding.
#[wasm_bindgen]
pub struct TinyGpt {
    pub(super) inner: crate::gpt::TinyGpt,
}

#[wasm_bindgen]
impl TinyGpt {
    /// A freshly initialised model of `corpus`, cut by the same tokenizer and boundary rules as `NgramModel`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] corpus: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "GptOptions")] options: Option<Object>,
    ) -> Result<TinyGpt, JsValue> {
        let corpus = string("corpus", &corpus)?;
        let input = option_record::<GptOptionsJs>(&options.into())?.read()?;
        Ok(TinyGpt { inner: crate::gpt::TinyGpt::new(&corpus, &GptOptions::from_js(&input)?)? })
    }

    /// A model from a safetensors file in Hugging Face's `openai-gpt` layout (a `Uint8Array` or `ArrayBuffer`),
    /// such as `toSafetensors()` writes. d, layers, context and rows come from the shapes; `heads` from the
    /// option, else the file's metadata, else 12. Without a vocabulary in the metadata the model works on ids.
    #[wasm_bindgen(js_name = fromSafetensors)]
    pub fn from_safetensors(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] options: Option<Object>,
    ) -> Result<TinyGpt, JsValue> {
        let LoadOptionsJs { heads, form } = option_record::<LoadOptionsJs>(&options.into())?;
        let form = form_option(&form.0)?;
        let heads = match optional_number("heads", &heads.0)? {
            Some(h) => Some(whole_number("heads", h, 1, 1_024)? as usize),
            None => None,
        };
        // one copy into the module's memory; the loader then reads the tensors in place
        let bytes = if let Some(array) = bytes.dyn_ref::<Uint8Array>() {
            array.to_vec()
        } else if let Some(buffer) = bytes.dyn_ref::<ArrayBuffer>() {
            Uint8Array::new(buffer).to_vec()
        } else {
            return Err(super::read::wrong_type("bytes", &bytes, "a Uint8Array or an ArrayBuffer").into());
        };
        Ok(TinyGpt { inner: crate::gpt::TinyGpt::from_safetensors_as(&bytes, heads, form)? })
    }

    /// The weights as a safetensors file in Hugging Face's `openai-gpt` layout, with the metadata (heads,
    /// architecture, tokenizer, vocabulary) that `fromSafetensors` rebuilds the model from.
    #[wasm_bindgen(js_name = toSafetensors)]
    pub fn to_safetensors(&self) -> Vec<u8> {
        self.inner.to_safetensors()
    }

    /// How the model holds its matrices: `"float32"`, or `"int8"` (the compact form).
    #[wasm_bindgen(getter, unchecked_return_type = "GptForm")]
    pub fn form(&self) -> String {
        self.inner.form().name().into()
    }

    /// A new model in the compact int8 form: every block's matrices and the tied embedding as 8-bit weights with
    /// a scale per block of 32 inputs, the rest as it is. It reads, scores and continues text as this one does,
    /// in about a quarter of the memory; it cannot train.
    pub fn compact(&self) -> Result<TinyGpt, JsValue> {
        Ok(TinyGpt { inner: self.inner.compact()? })
    }

    /// How closely `other` (a model of the same shape, in either form) predicts the next token as this one does
    /// over `ids` (1 to context ids, read teacher-forced): `{ positions, top1, meanKl, maxLogitDifference,
    /// meanLogitDifference }`, this model being the reference P.
    #[wasm_bindgen(unchecked_return_type = "Agreement")]
    pub fn agreement(
        &self,
        other: &TinyGpt,
        #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] ids: JsValue,
    ) -> Result<Object, JsValue> {
        let a = self.inner.agreement(&other.inner, &self::ids(&ids)?)?;
        let out = Object::new();
        for (key, value) in [
            ("positions", a.positions as f64),
            ("top1", a.top1),
            ("meanKl", a.mean_kl),
            ("maxLogitDifference", a.max_logit_difference),
            ("meanLogitDifference", a.mean_logit_difference),
        ] {
            let _ = Reflect::set(&out, &key.into(), &value.into());
        }
        Ok(out)
    }

    /// The model's shape: `{ norm, dModel, layers, heads, context, rows, vocab, classes }`.
    #[wasm_bindgen(getter, unchecked_return_type = "GptShape")]
    pub fn shape(&self) -> Object {
        let c = self.inner.config();
        let out = Object::new();
        let _ = Reflect::set(&out, &"norm".into(), &c.norm.name().into());
        for (key, value) in [
            ("dModel", c.d_model),
            ("layers", c.layers),
            ("heads", c.heads),
            ("context", c.context),
            ("rows", c.embeddings),
            ("vocab", c.vocab),
            ("classes", c.classes),
        ] {
            let _ = Reflect::set(&out, &key.into(), &(value as f64).into());
        }
        out
    }

    /// Whether the model reads text (a model loaded without a vocabulary works on token ids only).
    #[wasm_bindgen(getter, js_name = hasVocabulary)]
    pub fn has_vocabulary(&self) -> bool {
        self.inner.has_vocabulary()
    }

    /// The logits `h·Wₑᵀ` of every position of `ids` over every row of the token embedding: a `T × rows`
    /// row-major `Float32Array` (the vocabulary's columns first, then the special tokens').
    pub fn logits(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] ids: JsValue,
    ) -> Result<Float32Array, JsValue> {
        Ok(Float32Array::from(self.inner.logits(&self::ids(&ids)?)?.as_slice()))
    }

    /// How many weights the model has.
    #[wasm_bindgen(getter)]
    pub fn parameters(&self) -> u32 {
        self.inner.parameters() as u32
    }

    /// The tokens in id order.
    #[wasm_bindgen(getter)]
    pub fn vocab(&self) -> Vec<String> {
        self.inner.vocab().tokens().to_vec()
    }

    /// Optimisation steps taken since the last (re)start of the optimiser.
    #[wasm_bindgen(getter, js_name = stepsTaken)]
    pub fn steps_taken(&self) -> u32 {
        self.inner.steps_taken()
    }

    /// The classifier's number of classes (0 before fine-tuning).
    #[wasm_bindgen(getter)]
    pub fn classes(&self) -> u32 {
        self.inner.classes() as u32
    }

    /// `n` optimisation steps (default 1); returns the mean training loss of the last batch.
    pub fn step(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] n: JsValue,
    ) -> Result<f64, JsValue> {
        let n = optional_number("n", &n)?.map_or(Ok(1), |n| whole_number("n", n, 1, 100_000))? as usize;
        Ok(self.inner.step(n)?)
    }

    /// Mean `−ln P` over predicted tokens of the corpus, or of `text` (by the same rules as `NgramModel.loss`),
    /// or of an array of token ids (each predicted from those before it).
    pub fn loss(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | number[] | Uint32Array")] text: JsValue,
    ) -> Result<f64, JsValue> {
        if text.is_undefined() || text.is_null() {
            return Ok(self.inner.loss(None)?);
        }
        Ok(match input(&text)? {
            Input::Text(text) => self.inner.loss(Some(&text))?,
            Input::Ids(ids) => self.inner.loss_of_ids(&ids)?,
        })
    }

    /// The tokens the model sees for `line` (`[START]` first in lines mode), at most its context.
    pub fn tokens(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        Ok(self.inner.view_tokens(&string("line", &line)?)?)
    }

    /// `P(next | tokens[..=i])` for each position i of `line`: a T×V row-major array (T = `tokens(line).length`).
    pub fn distributions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
    ) -> Result<Vec<f64>, JsValue> {
        Ok(self.inner.next_distributions(&string("line", &line)?)?.probabilities)
    }

    /// The attention weights of one head for `input`, a line of text or an array of token ids: T×T row-major,
    /// causal (the upper triangle is 0).
    pub fn attention(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | number[] | Uint32Array")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] layer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] head: JsValue,
    ) -> Result<Float32Array, JsValue> {
        let (layer, head) = (number("layer", &layer)?, number("head", &head)?);
        let weights = match self::input(&input)? {
            Input::Text(line) => self.inner.attention(&line, layer, head)?,
            Input::Ids(ids) => self.inner.attention_of_ids(&ids, layer, head)?,
        };
        Ok(Float32Array::from(weights.as_slice()))
    }

    /// Every head's attention for `input` (text or ids) from one forward pass: layers × heads × T × T, layer after
    /// layer, head after head, each map as `attention` returns it.
    #[wasm_bindgen(js_name = attentionAll)]
    pub fn attention_all(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | number[] | Uint32Array")] input: JsValue,
    ) -> Result<Float32Array, JsValue> {
        let ids = match self::input(&input)? {
            Input::Text(line) => self.inner.view_ids(&line)?,
            Input::Ids(ids) => ids,
        };
        Ok(Float32Array::from(self.inner.attention_all_of_ids(&ids)?.as_slice()))
    }

    /// An independent copy (same weights), e.g. to fine-tune twice from one pre-trained model.
    #[wasm_bindgen(js_name = clone)]
    pub fn duplicate(&self) -> TinyGpt {
        TinyGpt { inner: self.inner.clone() }
    }

    /// Fine-tunes on labelled examples with `L_task + λ·L_lm` (λ default 0.5); returns both losses per step.
    #[wasm_bindgen(js_name = fineTune, unchecked_return_type = "{ taskLoss: Float64Array; lmLoss: Float64Array }")]
    pub fn fine_tune(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "LabelledExample[]")] examples: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] classes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "FineTuneOptions")] options: Option<Object>,
    ) -> Result<Object, JsValue> {
        let examples = self::examples(&examples)?;
        let classes = whole("classes", &classes, 2, 16)? as usize;
        let input = option_record::<FineTuneOptionsJs>(&options.into())?.read()?;
        let losses = self.inner.fine_tune(&examples, classes, &FineTuneOptions::from_js(&input)?)?;
        let (task, lm): (Vec<f64>, Vec<f64>) = losses.into_iter().unzip();
        let out = Object::new();
        let _ = Reflect::set(&out, &"taskLoss".into(), &Float64Array::from(task.as_slice()));
        let _ = Reflect::set(&out, &"lmLoss".into(), &Float64Array::from(lm.as_slice()));
        Ok(out)
    }

    /// `P(y | x)` for one input: the classifier's softmax over the classes.
    pub fn classify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"classification\" | \"entailment\"")] task: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LabelledExample[\"input\"]")] input: JsValue,
    ) -> Result<Vec<f64>, JsValue> {
        Ok(self.inner.classify(&task_input(&task, &input, &CLASSIFIER_TASKS, &classifier_tasks)?)?)
    }

    /// The share of examples whose most likely class is their label.
    pub fn accuracy(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LabelledExample[]")] examples: JsValue,
    ) -> Result<f64, JsValue> {
        Ok(self.inner.accuracy(&self::examples(&examples)?)?)
    }

    /// Samples like `generate(model, options)` for an n-gram model: same seed stream, same options.
    pub fn generate(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
    ) -> Result<Vec<String>, JsValue> {
        self.inner.can_generate()?;
        Ok(generate_tokens(&self.inner, options)?)
    }

    /// `count` successive samples from one seeded stream, like `generateMany` for an n-gram model.
    #[wasm_bindgen(js_name = generateMany, unchecked_return_type = "string[][]")]
    pub fn generate_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
    ) -> Result<Array, JsValue> {
        self.inner.can_generate()?;
        Ok(generate_many_tokens(&self.inner, &count, options)?)
    }
}
