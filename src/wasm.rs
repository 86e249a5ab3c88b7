//! The one binding to JavaScript: converts values and errors, and holds no logic of its own.

use js_sys::{Array, Float32Array, Float64Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::encode::{self, TASKS, TaskInput};
use crate::error::{Error, quoted, whole_number};
use crate::sampling::{self, SampleOptions};
use crate::{LanguageModel, loss, ngram};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `new NgramModel(corpus, options)`. The defaults are the lesson's bigram model. */
export interface ModelOptions {
  /** k of add-k smoothing, ≥ 0; default 1 (Laplace, as the lesson). */
  smoothing?: number;
  /** n of n-gram: 1 (unigram) … 6; default 2 (bigram). */
  order?: number;
  /** "word" (default), "char" (every Unicode character) or "bpe" (merges learned from the corpus). */
  tokenizer?: "word" | "char" | "bpe";
  /** With "bpe" only: how many merges to learn, 0 … 10000; default 100. */
  merges?: number;
  /** "lines" (default: a sentence per line, with [START]/[END]) or "stream" (one sequence; newline is a token). */
  boundaries?: "lines" | "stream";
}
/** A context and how many predictions it made in the corpus. */
export interface ContextTotal { context: string[]; total: number }
/** Options of `generate`, `generateMany` and `new Sampler`. */
export interface GenerateOptions {
  /** Integer 0 … 2^32−1, as `np.random.seed`; omitted → a random seed from the system's crypto. */
  seed?: number;
  /** Most tokens returned, `[START]` included: integer 1 … 100000, default 6. */
  maxLen?: number;
  /** > 0, default 1 (the notebook's sampling). */
  temperature?: number;
  /** Keep only the k most likely tokens; integer ≥ 0, 0 = all (default). */
  topK?: number;
  /** "exact" (default): numpy's np.random.choice to the last bit; "fast": the same distribution drawn in
   * O(log n) from the sparse counts (different samples; much faster on large vocabularies). */
  mode?: "exact" | "fast";
}
export type TaskName = "classification" | "entailment" | "similarity" | "multipleChoice";
export type TaskInput =
  | { text: string }
  | { premise: string; hypothesis: string }
  | { a: string; b: string }
  | { context: string; answers: string[] };
/** One GPT-1 input sequence: tokens and ids (`[EXTRACT]` = V, `[DELIM]` = V + 1). */
export interface EncodedSequence { tokens: string[]; ids: number[] }
/** What one `Sampler.step()` did. */
export interface SamplingStep {
  /** The chosen token and its id. */
  token: string;
  id: number;
  /** The uniform draw in [0, 1). */
  uniform: number;
  /** The row sampled from (after temperature and top-k). */
  probabilities: Float64Array;
  /** numpy's cdf of that row: cumulative sum divided by its last value. */
  cdf: Float64Array;
}
"#;

/// Logs a panic's message before the trap, so a bug report can say what went wrong.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("gpt1-playground: internal error (a bug, please report it): {info}").into());
    }));
}

/// JavaScript's text for a number (`Number.prototype.toString`), for the core's messages.
pub(crate) fn number_text(x: f64) -> String {
    js_sys::Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_else(|_| "a number".into())
}

/// Describes a JavaScript value for an error message.
#[inline(never)]
fn describe(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        let short: String = s.chars().take(40).collect();
        let more = if short.len() < s.len() { "…" } else { "" };
        format!("{}{more} (a string)", quoted(&short))
    } else if let Some(x) = value.as_f64() {
        crate::error::js_number(x)
    } else if value.is_null() {
        "null".into()
    } else if Array::is_array(value) {
        "an array".into()
    } else {
        value.js_typeof().as_string().map_or("a value".into(), |t| format!("a value of type {t}"))
    }
}

#[inline(never)]
fn wrong_type(name: &'static str, value: &JsValue, allowed: &str) -> Error {
    Error::InvalidParameter { name, value: describe(value), allowed: allowed.into() }
}

/// A number that may be left out (`undefined` or `null`).
fn optional_number(name: &'static str, value: &JsValue) -> Result<Option<f64>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| wrong_type(name, value, "a number"))
}

/// A number that must be given.
fn number(name: &'static str, value: &JsValue) -> Result<f64, Error> {
    value.as_f64().ok_or_else(|| wrong_type(name, value, "a number"))
}

/// A string that must be given.
fn string(name: &'static str, value: &JsValue) -> Result<String, Error> {
    value.as_string().ok_or_else(|| wrong_type(name, value, "a string"))
}

/// The message of a value JavaScript threw.
#[inline(never)]
fn thrown(value: &JsValue) -> String {
    value.dyn_ref::<js_sys::Error>().map_or_else(|| describe(value), |e| String::from(e.message()))
}

/// The items of an array, each read with a catch, so a hostile array (a Proxy, a throwing getter) gives an Error
/// instead of unwinding through the module.
#[inline(never)]
fn array_items(name: &'static str, value: &JsValue, allowed: &str) -> Result<Vec<JsValue>, Error> {
    if !Array::is_array(value) {
        return Err(wrong_type(name, value, allowed));
    }
    let failed = |what: String| Error::InvalidParameter { name, value: what, allowed: allowed.into() };
    let length = Reflect::get(value, &"length".into())
        .map_err(|e| failed(format!("an array whose length threw {}", thrown(&e))))?;
    let length = length.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 1e9).unwrap_or(0.0) as u32;
    (0..length)
        .map(|i| {
            Reflect::get_u32(value, i).map_err(|e| failed(format!("an array whose item {i} threw {}", thrown(&e))))
        })
        .collect()
}

/// An object's fields, read safely: it must be a plain object whose own keys are all among `allowed` (so a typo
/// never passes silently), and each value is read with a catch, so getters and proxies cannot throw through the
/// module. Returns the values in the order of `allowed` (`undefined` where absent).
fn fields<const N: usize>(name: &'static str, value: &JsValue, allowed: [&str; N]) -> Result<[JsValue; N], Error> {
    let values = read_fields(name, value, &allowed)?;
    Ok(values.try_into().unwrap_or_else(|_| unreachable!("one value per allowed field")))
}

/// [`fields`] for any number of fields: one copy in the module instead of one per object shape.
#[inline(never)]
fn read_fields(name: &'static str, value: &JsValue, allowed: &[&str]) -> Result<Vec<JsValue>, Error> {
    let bad = |problem: String| Error::InvalidParameter {
        name,
        value: problem,
        allowed: format!("an object like {{ {} }}", allowed.join(", ")),
    };
    if !value.is_object() || Array::is_array(value) {
        return Err(bad(describe(value)));
    }
    let keys = Reflect::own_keys(value).map_err(|e| bad(format!("an object whose keys threw {}", thrown(&e))))?;
    let mut out = vec![JsValue::UNDEFINED; allowed.len()];
    for key in keys.iter() {
        let Some(field) = key.as_string() else { return Err(bad("an object with a symbol key".into())) };
        let Some(at) = allowed.iter().position(|&a| a == field) else {
            return Err(bad(format!("an unknown field {}", quoted(&field))));
        };
        out[at] = Reflect::get(value, &key)
            .map_err(|e| bad(format!("a field {} that threw {}", quoted(&field), thrown(&e))))?;
    }
    Ok(out)
}

/// An options object's fields; `undefined` or `null` means every option takes its default.
fn option_fields<const N: usize>(value: &JsValue, allowed: [&str; N]) -> Result<[JsValue; N], Error> {
    if value.is_undefined() || value.is_null() {
        Ok(std::array::from_fn(|_| JsValue::UNDEFINED))
    } else {
        fields("options", value, allowed)
    }
}

/// A required string field of an input object.
#[inline(never)]
fn field_string(name: &'static str, field: &str, value: &JsValue, allowed: &[&str]) -> Result<String, Error> {
    value.as_string().ok_or_else(|| Error::InvalidParameter {
        name,
        value: if value.is_undefined() {
            format!("missing field {}", quoted(field))
        } else {
            format!("{} for field {}", describe(value), quoted(field))
        },
        allowed: format!("an object like {{ {} }} with strings", allowed.join(", ")),
    })
}

/// A string that may be left out (`undefined` or `null`).
fn optional_string(name: &'static str, value: &JsValue) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| wrong_type(name, value, "a string"))
}

fn model_options(value: &JsValue) -> Result<ngram::ModelOptions, Error> {
    let [smoothing, order, tokenizer, merges, boundaries] =
        option_fields(value, ["smoothing", "order", "tokenizer", "merges", "boundaries"])?;
    ngram::ModelOptions::from_js(
        optional_number("smoothing", &smoothing)?,
        optional_number("order", &order)?,
        optional_string("tokenizer", &tokenizer)?.as_deref(),
        optional_number("merges", &merges)?,
        optional_string("boundaries", &boundaries)?.as_deref(),
    )
}

/// An optional text argument.
fn optional_text(value: &JsValue) -> Result<Option<String>, Error> {
    optional_string("text", value)
}

fn sample_options(value: &JsValue) -> Result<SampleOptions, Error> {
    let [seed, max_len, temperature, top_k, mode] =
        option_fields(value, ["seed", "maxLen", "temperature", "topK", "mode"])?;
    SampleOptions::from_js(
        optional_number("seed", &seed)?,
        optional_number("maxLen", &max_len)?,
        optional_number("temperature", &temperature)?,
        optional_number("topK", &top_k)?,
        optional_string("mode", &mode)?.as_deref(),
    )
}

/// An n-gram language model with add-k smoothing, counted from a corpus (by default the lesson's bigrams).
#[wasm_bindgen(js_name = NgramModel)]
pub struct NgramModelJs {
    inner: ngram::NgramModel,
}

#[wasm_bindgen(js_class = NgramModel)]
impl NgramModelJs {
    /// Counts every (context, next) pair of the corpus: by default, adjacent pairs of `[START] w1 … wn [END]`
    /// in each non-empty line.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] corpus: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ModelOptions")] options: Option<Object>,
    ) -> Result<NgramModelJs, JsError> {
        let corpus = string("corpus", &corpus)?;
        let options = model_options(&options.into())?;
        Ok(NgramModelJs { inner: ngram::NgramModel::with_options(&corpus, &options)? })
    }

    /// The same counts with another smoothing k: nothing is re-counted.
    #[wasm_bindgen(js_name = withSmoothing)]
    pub fn with_smoothing(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] smoothing: JsValue,
    ) -> Result<NgramModelJs, JsError> {
        Ok(NgramModelJs { inner: self.inner.with_smoothing(number("smoothing", &smoothing)?)? })
    }

    /// The tokens in id order: by first appearance, then `[START]`, `[END]` (lines mode).
    #[wasm_bindgen(getter)]
    pub fn vocab(&self) -> Vec<String> {
        self.inner.vocab().tokens().to_vec()
    }

    /// The k of add-k smoothing.
    #[wasm_bindgen(getter)]
    pub fn smoothing(&self) -> f64 {
        self.inner.smoothing()
    }

    /// The n of n-gram.
    #[wasm_bindgen(getter)]
    pub fn order(&self) -> u32 {
        self.inner.order() as u32
    }

    /// "word", "char" or "bpe".
    #[wasm_bindgen(getter, unchecked_return_type = "\"word\" | \"char\" | \"bpe\"")]
    pub fn tokenizer(&self) -> String {
        self.inner.tokenizer().name().into()
    }

    /// "lines" or "stream".
    #[wasm_bindgen(getter, unchecked_return_type = "\"lines\" | \"stream\"")]
    pub fn boundaries(&self) -> String {
        self.inner.boundaries().name().into()
    }

    /// How many predictions were counted in all (order 2, lines: the pairs).
    #[wasm_bindgen(getter, js_name = pairTotal)]
    pub fn pair_total(&self) -> f64 {
        self.inner.pair_total() as f64
    }

    /// How many distinct (context, next) pairs occur: what the model's memory grows with.
    #[wasm_bindgen(getter, js_name = distinctPairs)]
    pub fn distinct_pairs(&self) -> u32 {
        self.inner.distinct_pairs() as u32
    }

    /// How many distinct contexts were counted (the rows of the sparse matrix).
    #[wasm_bindgen(getter, js_name = contextCount)]
    pub fn context_count(&self) -> u32 {
        self.inner.context_count() as u32
    }

    /// Roughly how many bytes of wasm memory the model keeps (counts, vocabulary, cached running sums).
    #[wasm_bindgen(getter, js_name = heapBytes)]
    pub fn heap_bytes(&self) -> f64 {
        self.inner.heap_bytes() as f64
    }

    /// How many pairs start with each token (order 2: the row totals before smoothing).
    #[wasm_bindgen(js_name = rowTotals)]
    pub fn row_totals(&self) -> Vec<f64> {
        (0..self.inner.vocab().len() as u32).map(|prev| self.inner.row_total(prev) as f64).collect()
    }

    /// The smoothed V×V matrix of a bigram model, row-major `[prev * V + next]`: the lesson's `lm`.
    /// Refuses past 2,048 tokens, and for other orders.
    pub fn probabilities(&self) -> Result<Vec<f64>, JsError> {
        Ok(self.inner.probabilities()?)
    }

    /// The raw V×V pair counts of a bigram model, row-major, without smoothing. Same limits as `probabilities`.
    pub fn counts(&self) -> Result<Vec<f64>, JsError> {
        Ok(self.inner.counts()?)
    }

    /// Reads a context: a token id (order 2) or a list of order−1 token strings.
    #[inline(never)] // one copy for the several exports that take a context
    fn context(&self, context: &JsValue) -> Result<Vec<u32>, Error> {
        if Array::is_array(context) {
            let tokens = array_items("context", context, "a token id or a list of token strings")?
                .into_iter()
                .enumerate()
                .map(|(i, t)| {
                    t.as_string().ok_or_else(|| Error::InvalidParameter {
                        name: "context",
                        value: format!("{} at index {i}", describe(&t)),
                        allowed: "a token id or a list of token strings".into(),
                    })
                })
                .collect::<Result<Vec<String>, Error>>()?;
            return self.inner.context_of(&tokens);
        }
        let prev = context.as_f64().ok_or_else(|| wrong_type("context", context, "a token id or a list of tokens"))?;
        self.inner.prev_context(prev)
    }

    /// `P(· | context)`: a row of V probabilities. `context` is a token id (order 2) or a list of order−1 tokens.
    pub fn row(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string[]")] context: JsValue,
    ) -> Result<Vec<f64>, JsError> {
        Ok(self.inner.row_of_context(&self.context(&context)?))
    }

    /// A matrix view's cells: `P(col | context)` for every context and column (row-major), and each context's row
    /// sum over all V tokens. `contexts` as for `row`; `columns`: token ids.
    #[wasm_bindgen(unchecked_return_type = "{ probabilities: Float64Array; sums: Float64Array }")]
    pub fn cells(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<number | string[]>")] contexts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] columns: JsValue,
    ) -> Result<JsValue, JsError> {
        let mut rows = Vec::new();
        for context in array_items("contexts", &contexts, "a list of contexts (token ids or lists of tokens)")? {
            rows.push(self.context(&context)?);
        }
        let mut ids = Vec::new();
        for id in array_items("columns", &columns, "a list of token ids")? {
            ids.push(whole_number("columns", number("columns", &id)?, 0, u64::from(u32::MAX))? as u32);
        }
        let (probabilities, sums) = self.inner.cells(&rows, &ids)?;
        let out = Object::new();
        let _ = Reflect::set(&out, &"probabilities".into(), &Float64Array::from(probabilities.as_slice()));
        let _ = Reflect::set(&out, &"sums".into(), &Float64Array::from(sums.as_slice()));
        Ok(out.into())
    }

    /// The raw counts after `context` (no smoothing): a row of V numbers.
    #[wasm_bindgen(js_name = countsRow)]
    pub fn counts_row(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string[]")] context: JsValue,
    ) -> Result<Vec<f64>, JsError> {
        Ok(self.inner.counts_row(&self.context(&context)?))
    }

    /// How many predictions `context` made in the corpus: its row total before smoothing.
    #[wasm_bindgen(js_name = contextTotal)]
    pub fn context_total(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string[]")] context: JsValue,
    ) -> Result<f64, JsError> {
        Ok(self.inner.context_total(&self.context(&context)?) as f64)
    }

    /// How often each token was the next token, over all contexts (the column totals of the counts).
    #[wasm_bindgen(js_name = nextTotals)]
    pub fn next_totals(&self) -> Vec<f64> {
        self.inner.next_totals()
    }

    /// The `limit` contexts that made the most predictions, most first.
    #[wasm_bindgen(js_name = topContexts, unchecked_return_type = "ContextTotal[]")]
    pub fn top_contexts(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] limit: JsValue,
    ) -> Result<Array, JsError> {
        let limit = whole_number("limit", number("limit", &limit)?, 0, u64::from(u32::MAX))? as usize;
        let vocab = self.inner.vocab();
        Ok(self
            .inner
            .top_contexts(limit)
            .into_iter()
            .map(|(ids, total)| {
                let entry = Object::new();
                let context: Array = ids.iter().map(|&id| JsValue::from(vocab.token(id))).collect();
                let _ = Reflect::set(&entry, &"context".into(), &context);
                let _ = Reflect::set(&entry, &"total".into(), &(total as f64).into());
                JsValue::from(entry)
            })
            .collect())
    }

    /// Mean `−ln P(next | context)`: over the corpus, or over `text` cut by the same rules (held-out loss).
    pub fn loss(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] text: JsValue,
    ) -> Result<f64, JsError> {
        Ok(match optional_text(&text)? {
            None => self.inner.loss(),
            Some(text) => self.inner.loss_on(&text)?,
        })
    }

    /// The held-out loss of `text` for each smoothing k in `smoothings`, counting and cutting the text once.
    pub fn losses(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[]")] smoothings: JsValue,
    ) -> Result<Vec<f64>, JsError> {
        let text = string("text", &text)?;
        let list = array_items("smoothings", &smoothings, "an array of numbers")?;
        let ks = list.iter().map(|k| number("smoothings", k)).collect::<Result<Vec<f64>, Error>>()?;
        Ok(self.inner.losses_on(&text, &ks)?)
    }

    /// `exp(loss(text))`: as confused as choosing among that many equally likely tokens.
    pub fn perplexity(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] text: JsValue,
    ) -> Result<f64, JsError> {
        Ok(self.loss(text)?.exp())
    }

    /// The tokens of `text` by the model's tokenizer (one line; no `[START]`/`[END]`).
    pub fn segment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Vec<String>, JsError> {
        let text = string("text", &text)?;
        crate::tokens::check_text_size("the text (in UTF-8 bytes)", &text)?;
        let mut tokens = Vec::new();
        crate::tokens::tokenize_piece(&text, self.inner.tokenizer(), &mut tokens);
        Ok(tokens.into_iter().map(String::from).collect())
    }

    /// The BPE merges in the order they were learned, as `[left, right]` pairs (empty for other tokenizers).
    #[wasm_bindgen(unchecked_return_type = "[string, string][]")]
    pub fn merges(&self) -> Array {
        match self.inner.tokenizer() {
            crate::tokens::Tokenizer::Bpe(bpe) => {
                bpe.merges().iter().map(|(l, r)| JsValue::from(Array::of2(&l.into(), &r.into()))).collect()
            }
            _ => Array::new(),
        }
    }
}

fn names(model: &dyn LanguageModel, ids: &[u32]) -> Vec<String> {
    ids.iter().map(|&id| model.vocab().token(id).to_string()).collect()
}

/// Samples one sequence like the lesson's `generate`, `[START]` included; with a seed, exactly as numpy does.
#[wasm_bindgen]
pub fn generate(
    model: &NgramModelJs,
    #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
) -> Result<Vec<String>, JsError> {
    let ids = sampling::generate(&model.inner, sample_options(&options.into())?)?;
    Ok(names(&model.inner, &ids))
}

/// `count` generations like `generateMany`, as token ids: `ids` one after another, and `offsets` where each
/// sequence starts (length `count + 1`). No strings are made, so long runs are fast.
#[wasm_bindgen(js_name = generateIds, unchecked_return_type = "{ ids: Uint32Array; offsets: Uint32Array }")]
pub fn generate_ids(
    model: &NgramModelJs,
    #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
) -> Result<Object, JsError> {
    let count = whole_number("count", number("count", &count)?, 0, sampling::MAX_MANY)? as usize;
    let all = sampling::generate_many(&model.inner, count, sample_options(&options.into())?)?;
    let mut offsets = Vec::with_capacity(count + 1);
    offsets.push(0u32);
    let mut ids = Vec::with_capacity(all.iter().map(Vec::len).sum());
    for sequence in &all {
        ids.extend_from_slice(sequence);
        offsets.push(ids.len() as u32);
    }
    let out = Object::new();
    let _ = Reflect::set(&out, &"ids".into(), &js_sys::Uint32Array::from(ids.as_slice()));
    let _ = Reflect::set(&out, &"offsets".into(), &js_sys::Uint32Array::from(offsets.as_slice()));
    Ok(out)
}

/// `count` successive generations from one seeded stream, like n calls after one `np.random.seed`.
#[wasm_bindgen(js_name = generateMany, unchecked_return_type = "string[][]")]
pub fn generate_many(
    model: &NgramModelJs,
    #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
) -> Result<Array, JsError> {
    let count = whole_number("count", number("count", &count)?, 0, sampling::MAX_MANY)? as usize;
    let all = sampling::generate_many(&model.inner, count, sample_options(&options.into())?)?;
    Ok(all.iter().map(|ids| names(&model.inner, ids).into_iter().map(JsValue::from).collect::<Array>()).collect())
}

/// Step-through sampling: draws one token at a time and shows how `np.random.choice` picked it.
#[wasm_bindgen]
pub struct Sampler {
    model: ngram::NgramModel,
    inner: sampling::Sampler,
}

#[wasm_bindgen]
impl Sampler {
    /// A sampler at `[START]`; the same options and seed give the same tokens as `generate`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        model: &NgramModelJs,
        #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
    ) -> Result<Sampler, JsError> {
        let inner = sampling::Sampler::new(&model.inner, sample_options(&options.into())?)?;
        Ok(Sampler { model: model.inner.clone(), inner })
    }

    /// Draws the next token; `undefined` once `[END]` was drawn or `maxLen` tokens exist.
    #[wasm_bindgen(unchecked_return_type = "SamplingStep | undefined")]
    pub fn step(&mut self) -> JsValue {
        let Some(step) = self.inner.step(&self.model) else {
            return JsValue::UNDEFINED;
        };
        let out = Object::new();
        let set = |key: &str, value: JsValue| Reflect::set(&out, &key.into(), &value).is_ok();
        set("token", self.model.vocab().token(step.token).into());
        set("id", step.token.into());
        set("uniform", step.uniform.into());
        set("probabilities", Float64Array::from(step.probabilities.as_slice()).into());
        set("cdf", Float64Array::from(step.cdf.as_slice()).into());
        out.into()
    }

    /// The distribution the next `step()` will draw from (after temperature and top-k); `undefined` when done.
    #[wasm_bindgen(unchecked_return_type = "Float64Array | undefined")]
    pub fn peek(&self) -> JsValue {
        self.inner.peek(&self.model).map_or(JsValue::UNDEFINED, |p| Float64Array::from(p.as_slice()).into())
    }

    /// The tokens drawn so far, `[START]` first.
    #[wasm_bindgen(getter)]
    pub fn tokens(&self) -> Vec<String> {
        names(&self.model, self.inner.tokens())
    }

    /// True once `[END]` was drawn or `maxLen` tokens exist.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.is_done(&self.model)
    }
}

/// Turns a task's input into GPT-1's token sequences (similarity: both orders; multiple choice: one per answer).
#[wasm_bindgen(unchecked_return_type = "EncodedSequence[]")]
pub fn encode(
    model: &NgramModelJs,
    #[wasm_bindgen(unchecked_param_type = "TaskName")] task: JsValue,
    #[wasm_bindgen(unchecked_param_type = "TaskInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let name = task.as_string();
    let input = match name.as_deref() {
        Some("classification") => {
            let [text] = fields("input", &input, ["text"])?;
            TaskInput::Classification { text: field_string("input", "text", &text, &["text"])? }
        }
        Some("entailment") => {
            let shape = ["premise", "hypothesis"];
            let [premise, hypothesis] = fields("input", &input, shape)?;
            TaskInput::Entailment {
                premise: field_string("input", "premise", &premise, &shape)?,
                hypothesis: field_string("input", "hypothesis", &hypothesis, &shape)?,
            }
        }
        Some("similarity") => {
            let [a, b] = fields("input", &input, ["a", "b"])?;
            TaskInput::Similarity {
                a: field_string("input", "a", &a, &["a", "b"])?,
                b: field_string("input", "b", &b, &["a", "b"])?,
            }
        }
        Some("multipleChoice") => {
            let shape = ["context", "answers"];
            let [context, answers] = fields("input", &input, shape)?;
            let answers = array_items("input", &answers, "an object like { context, answers } with answers a list")?
                .iter()
                .enumerate()
                .map(|(i, a)| field_string("input", &format!("answers[{i}]"), a, &shape))
                .collect::<Result<Vec<String>, Error>>()?;
            TaskInput::MultipleChoice { context: field_string("input", "context", &context, &shape)?, answers }
        }
        _ => {
            let allowed = format!("one of {}", TASKS.map(|t| format!("\"{t}\"")).join(", "));
            return Err(wrong_type("task", &task, &allowed).into());
        }
    };
    // plain objects of plain arrays, built directly (a serializer would cost the module ~8 KB for this one result)
    let sequences = encode::encode(&model.inner, &input)?.into_iter().map(|e| {
        let out = Object::new();
        let _ = Reflect::set(&out, &"tokens".into(), &e.tokens.into_iter().map(JsValue::from).collect::<Array>());
        let _ = Reflect::set(&out, &"ids".into(), &e.ids.into_iter().map(JsValue::from).collect::<Array>());
        out
    });
    Ok(sequences.collect::<Array>().into())
}

/// Reads probabilities from a `Float64Array`, a `Float32Array` or an array of numbers.
fn probabilities(value: &JsValue) -> Result<Vec<f64>, Error> {
    if let Some(a) = value.dyn_ref::<Float64Array>() {
        return Ok(a.to_vec());
    }
    if let Some(a) = value.dyn_ref::<Float32Array>() {
        return Ok(a.to_vec().into_iter().map(f64::from).collect());
    }
    let allowed = "a Float64Array or an array of numbers";
    array_items("probs", value, allowed)?
        .into_iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_f64().ok_or_else(|| Error::InvalidParameter {
                name: "probs",
                value: format!("{} at index {i}", describe(&x)),
                allowed: allowed.into(),
            })
        })
        .collect()
}

/// The cross-entropy of one prediction: `−ln(probs[target] + 1e-9)`.
#[wasm_bindgen]
pub fn loss(
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] probs: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] target: JsValue,
) -> Result<f64, JsError> {
    let probs = probabilities(&probs)?;
    let target = whole_number("target", number("target", &target)?, 0, u64::from(u32::MAX))?;
    Ok(loss::cross_entropy(&probs, target as usize)?)
}

/// GPT-1's fine-tuning objective `L_task + λ·L_lm`; λ defaults to 0.5.
#[wasm_bindgen(js_name = combinedLoss)]
pub fn combined_loss(
    #[wasm_bindgen(js_name = taskLoss, unchecked_param_type = "number")] task_loss: JsValue,
    #[wasm_bindgen(js_name = lmLoss, unchecked_param_type = "number")] lm_loss: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] lambda: Option<JsValue>,
) -> Result<f64, JsError> {
    let task_loss = number("taskLoss", &task_loss)?;
    let lm_loss = number("lmLoss", &lm_loss)?;
    let lambda = optional_number("lambda", &lambda.unwrap_or(JsValue::UNDEFINED))?.unwrap_or(loss::LAMBDA);
    Ok(loss::combined_loss(task_loss, lm_loss, lambda)?)
}

/// A fresh random seed (0 … 2^32−1) from the system's crypto, for a "Resample" button.
#[wasm_bindgen(js_name = randomSeed)]
pub fn random_seed() -> Result<u32, JsError> {
    Ok(sampling::random_seed()?)
}

/// The tiny trainable transformer (feature `gpt`): built into the second, on-demand module.
#[cfg(feature = "gpt")]
pub mod tiny {
    use js_sys::{Array, Float32Array, Float64Array, Object, Reflect};
    use wasm_bindgen::prelude::*;

    use super::{
        array_items, field_string, fields, names, number, option_fields, optional_number, optional_string,
        sample_options, string,
    };
    use crate::encode::TaskInput;
    use crate::error::{Error, whole_number};
    use crate::gpt::{FineTuneOptions, FineTuneOptionsInput, GptOptions, GptOptionsInput, LabelledInput};
    use crate::sampling;

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
}
/** Options of `TinyGpt.fineTune`. */
export interface FineTuneOptions { lambda?: number; steps?: number; learningRate?: number; batchSize?: number; seed?: number }
/** A labelled example in one of Part B's formats. */
export type LabelledExample =
  | { task: "classification"; input: { text: string }; label: number }
  | { task: "entailment"; input: { premise: string; hypothesis: string }; label: number };
"#;

    /// Reads one Part B input for a task the classifier supports.
    fn task_input(task: &JsValue, input: &JsValue) -> Result<TaskInput, Error> {
        match task.as_string().as_deref() {
            Some("classification") => {
                let [text] = fields("input", input, ["text"])?;
                Ok(TaskInput::Classification { text: field_string("input", "text", &text, &["text"])? })
            }
            Some("entailment") => {
                let shape = ["premise", "hypothesis"];
                let [premise, hypothesis] = fields("input", input, shape)?;
                Ok(TaskInput::Entailment {
                    premise: field_string("input", "premise", &premise, &shape)?,
                    hypothesis: field_string("input", "hypothesis", &hypothesis, &shape)?,
                })
            }
            _ => Err(Error::InvalidParameter {
                name: "task",
                value: super::describe(task),
                allowed: "\"classification\" or \"entailment\" (the formats the classifier is trained on)".into(),
            }),
        }
    }

    fn examples(value: &JsValue) -> Result<Vec<LabelledInput>, Error> {
        array_items("examples", value, "an array of { task, input, label }")?
            .iter()
            .map(|item| {
                let [task, input, label] = fields("examples", item, ["task", "input", "label"])?;
                let label = whole_number("label", number("label", &label)?, 0, 1_000)? as usize;
                Ok(LabelledInput { input: task_input(&task, &input)?, label })
            })
            .collect()
    }

    /// A tiny decoder-only transformer trained on a corpus in the page: token and position embeddings, pre-LayerNorm
    /// blocks of causal multi-head self-attention and a GELU MLP, then a linear head.
    #[wasm_bindgen]
    pub struct TinyGpt {
        inner: crate::gpt::TinyGpt,
    }

    #[wasm_bindgen]
    impl TinyGpt {
        /// A freshly initialised model of `corpus`, cut by the same tokenizer and boundary rules as `NgramModel`.
        #[wasm_bindgen(constructor)]
        pub fn new(
            #[wasm_bindgen(unchecked_param_type = "string")] corpus: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "GptOptions")] options: Option<Object>,
        ) -> Result<TinyGpt, JsError> {
            let corpus = string("corpus", &corpus)?;
            let names = [
                "tokenizer",
                "merges",
                "boundaries",
                "dModel",
                "layers",
                "heads",
                "context",
                "seed",
                "learningRate",
                "batchSize",
            ];
            let [tokenizer, merges, boundaries, d_model, layers, heads, context, seed, learning_rate, batch_size] =
                option_fields(&options.into(), names)?;
            let input = GptOptionsInput {
                tokenizer: optional_string("tokenizer", &tokenizer)?,
                merges: optional_number("merges", &merges)?,
                boundaries: optional_string("boundaries", &boundaries)?,
                d_model: optional_number("dModel", &d_model)?,
                layers: optional_number("layers", &layers)?,
                heads: optional_number("heads", &heads)?,
                context: optional_number("context", &context)?,
                seed: optional_number("seed", &seed)?,
                learning_rate: optional_number("learningRate", &learning_rate)?,
                batch_size: optional_number("batchSize", &batch_size)?,
            };
            Ok(TinyGpt { inner: crate::gpt::TinyGpt::new(&corpus, &GptOptions::from_js(&input)?)? })
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
        ) -> Result<f64, JsError> {
            let n = optional_number("n", &n)?.map_or(Ok(1), |n| whole_number("n", n, 1, 100_000))? as usize;
            Ok(self.inner.step(n)?)
        }

        /// Mean `−ln P` over predicted tokens of the corpus, or of `text`, by the same rules as `NgramModel.loss`.
        pub fn loss(
            &self,
            #[wasm_bindgen(unchecked_optional_param_type = "string")] text: JsValue,
        ) -> Result<f64, JsError> {
            let text = optional_string("text", &text)?;
            Ok(self.inner.loss(text.as_deref())?)
        }

        /// The tokens the model sees for `line` (`[START]` first in lines mode), at most its context.
        pub fn tokens(
            &self,
            #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
        ) -> Result<Vec<String>, JsError> {
            Ok(self.inner.view_tokens(&string("line", &line)?)?)
        }

        /// `P(next | tokens[..=i])` for each position i of `line`: a T×V row-major array (T = `tokens(line).length`).
        pub fn distributions(
            &self,
            #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
        ) -> Result<Vec<f64>, JsError> {
            Ok(self.inner.next_distributions(&string("line", &line)?)?.probabilities)
        }

        /// The attention weights of one head for `line`: T×T row-major, causal (the upper triangle is 0).
        pub fn attention(
            &self,
            #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
            #[wasm_bindgen(unchecked_param_type = "number")] layer: JsValue,
            #[wasm_bindgen(unchecked_param_type = "number")] head: JsValue,
        ) -> Result<Float32Array, JsError> {
            let weights =
                self.inner.attention(&string("line", &line)?, number("layer", &layer)?, number("head", &head)?)?;
            Ok(Float32Array::from(weights.as_slice()))
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
        ) -> Result<Object, JsError> {
            let examples = self::examples(&examples)?;
            let classes = whole_number("classes", number("classes", &classes)?, 2, 16)? as usize;
            let [lambda, steps, learning_rate, batch_size, seed] =
                option_fields(&options.into(), ["lambda", "steps", "learningRate", "batchSize", "seed"])?;
            let input = FineTuneOptionsInput {
                lambda: optional_number("lambda", &lambda)?,
                steps: optional_number("steps", &steps)?,
                learning_rate: optional_number("learningRate", &learning_rate)?,
                batch_size: optional_number("batchSize", &batch_size)?,
                seed: optional_number("seed", &seed)?,
            };
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
            input: JsValue,
        ) -> Result<Vec<f64>, JsError> {
            Ok(self.inner.classify(&task_input(&task, &input)?)?)
        }

        /// The share of examples whose most likely class is their label.
        pub fn accuracy(
            &self,
            #[wasm_bindgen(unchecked_param_type = "LabelledExample[]")] examples: JsValue,
        ) -> Result<f64, JsError> {
            Ok(self.inner.accuracy(&self::examples(&examples)?)?)
        }

        /// Samples like `generate(model, options)` for an n-gram model: same seed stream, same options.
        pub fn generate(
            &self,
            #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
        ) -> Result<Vec<String>, JsError> {
            let ids = sampling::generate(&self.inner, sample_options(&options.into())?)?;
            Ok(names(&self.inner, &ids))
        }

        /// `count` successive samples from one seeded stream, like `generateMany` for an n-gram model.
        #[wasm_bindgen(js_name = generateMany, unchecked_return_type = "string[][]")]
        pub fn generate_many(
            &self,
            #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
        ) -> Result<Array, JsError> {
            let count = whole_number("count", number("count", &count)?, 0, sampling::MAX_MANY)? as usize;
            let all = sampling::generate_many(&self.inner, count, sample_options(&options.into())?)?;
            Ok(all
                .iter()
                .map(|ids| names(&self.inner, ids).into_iter().map(JsValue::from).collect::<Array>())
                .collect())
        }
    }
}
