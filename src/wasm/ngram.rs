//! The n-gram exports, the page's first module: the model and its views, sampling (Part A), `encode` (Part B)
//! and the losses (Part C).

use js_sys::{Array, Float64Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

use super::read::{
    array_of, every_task, model_options, number, optional_number, optional_string, probabilities, sample_options,
    string, strings, task_input, whole, wrong_type,
};
use crate::encode::{self, TASKS};
use crate::error::Error;
use crate::{LanguageModel, loss, ngram, sampling};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A context and how many predictions it made in the corpus. */
export interface ContextTotal { context: string[]; total: number }
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
    ) -> Result<NgramModelJs, JsValue> {
        let corpus = string("corpus", &corpus)?;
        let options = model_options(&options.into())?;
        Ok(NgramModelJs { inner: ngram::NgramModel::with_options(&corpus, &options)? })
    }

    /// The same counts with another smoothing k: nothing is re-counted.
    #[wasm_bindgen(js_name = withSmoothing)]
    pub fn with_smoothing(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] smoothing: JsValue,
    ) -> Result<NgramModelJs, JsValue> {
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
        self.inner.row_totals()
    }

    /// The smoothed V×V matrix of a bigram model, row-major `[prev * V + next]`: the lesson's `lm`.
    /// Refuses past 2,048 tokens, and for other orders.
    pub fn probabilities(&self) -> Result<Vec<f64>, JsValue> {
        Ok(self.inner.probabilities()?)
    }

    /// The raw V×V pair counts of a bigram model, row-major, without smoothing. Same limits as `probabilities`.
    pub fn counts(&self) -> Result<Vec<f64>, JsValue> {
        Ok(self.inner.counts()?)
    }

    /// Reads a context: a token id (order 2) or a list of order−1 token strings.
    #[inline(never)] // one copy for the several exports that take a context
    fn context(&self, context: &JsValue) -> Result<Vec<u32>, Error> {
        if Array::is_array(context) {
            let tokens = strings("context", context, "a token id or a list of token strings")?;
            return self.inner.context_of(&tokens);
        }
        let prev = context.as_f64().ok_or_else(|| wrong_type("context", context, "a token id or a list of tokens"))?;
        self.inner.prev_context(prev)
    }

    /// `P(· | context)`: a row of V probabilities. `context` is a token id (order 2) or a list of order−1 tokens.
    pub fn row(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string[]")] context: JsValue,
    ) -> Result<Vec<f64>, JsValue> {
        Ok(self.inner.row_of_context(&self.context(&context)?))
    }

    /// A matrix view's cells: `P(col | context)` for every context and column (row-major), and each context's row
    /// sum over all V tokens. `contexts` as for `row`; `columns`: token ids.
    #[wasm_bindgen(unchecked_return_type = "{ probabilities: Float64Array; sums: Float64Array }")]
    pub fn cells(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<number | string[]>")] contexts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] columns: JsValue,
    ) -> Result<JsValue, JsValue> {
        let allowed = "a list of contexts (token ids or lists of tokens)";
        let rows = array_of("contexts", &contexts, allowed, |context, _| self.context(context))?;
        let ids = array_of("columns", &columns, "a list of token ids", |id, _| {
            Ok(whole("columns", id, 0, u64::from(u32::MAX))? as u32)
        })?;
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
    ) -> Result<Vec<f64>, JsValue> {
        Ok(self.inner.counts_row(&self.context(&context)?))
    }

    /// How many predictions `context` made in the corpus: its row total before smoothing.
    #[wasm_bindgen(js_name = contextTotal)]
    pub fn context_total(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string[]")] context: JsValue,
    ) -> Result<f64, JsValue> {
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
    ) -> Result<Array, JsValue> {
        let limit = whole("limit", &limit, 0, u64::from(u32::MAX))? as usize;
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
    ) -> Result<f64, JsValue> {
        Ok(match optional_string("text", &text)? {
            None => self.inner.loss(),
            Some(text) => self.inner.loss_on(&text)?,
        })
    }

    /// The held-out loss of `text` for each smoothing k in `smoothings`, counting and cutting the text once.
    pub fn losses(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[]")] smoothings: JsValue,
    ) -> Result<Vec<f64>, JsValue> {
        let text = string("text", &text)?;
        let ks = array_of("smoothings", &smoothings, "an array of numbers", |k, _| number("smoothings", k))?;
        Ok(self.inner.losses_on(&text, &ks)?)
    }

    /// `exp(loss(text))`: as confused as choosing among that many equally likely tokens.
    pub fn perplexity(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] text: JsValue,
    ) -> Result<f64, JsValue> {
        Ok(self.loss(text)?.exp())
    }

    /// The tokens of `text` by the model's tokenizer (one line; no `[START]`/`[END]`).
    pub fn segment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        let text = string("text", &text)?;
        Ok(self.inner.tokenizer().segment(&text)?.into_iter().map(String::from).collect())
    }

    /// The BPE merges in the order they were learned, as `[left, right]` pairs (empty for other tokenizers).
    #[wasm_bindgen(unchecked_return_type = "[string, string][]")]
    pub fn merges(&self) -> Array {
        self.inner.tokenizer().merges().iter().map(|(l, r)| JsValue::from(Array::of2(&l.into(), &r.into()))).collect()
    }
}

/// The tokens of `ids`, by `model`'s vocabulary.
fn names(model: &dyn LanguageModel, ids: &[u32]) -> Vec<String> {
    ids.iter().map(|&id| model.vocab().token(id).to_string()).collect()
}

/// Samples one sequence like the lesson's `generate`, `[START]` included; with a seed, exactly as numpy does.
#[wasm_bindgen]
pub fn generate(
    model: &NgramModelJs,
    #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
) -> Result<Vec<String>, JsValue> {
    Ok(generate_tokens(&model.inner, options)?)
}

/// `generate` for any kind of model: one sequence of token strings.
pub(super) fn generate_tokens(model: &dyn LanguageModel, options: Option<Object>) -> Result<Vec<String>, Error> {
    let ids = sampling::generate(model, sample_options(&options.into())?)?;
    Ok(names(model, &ids))
}

/// `count` generations like `generateMany`, as token ids: `ids` one after another, and `offsets` where each
/// sequence starts (length `count + 1`). No strings are made, so long runs are fast.
#[wasm_bindgen(js_name = generateIds, unchecked_return_type = "{ ids: Uint32Array; offsets: Uint32Array }")]
pub fn generate_ids(
    model: &NgramModelJs,
    #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
) -> Result<Object, JsValue> {
    let count = whole("count", &count, 0, sampling::MAX_MANY)? as usize;
    let all = sampling::generate_many(&model.inner, count, sample_options(&options.into())?)?;
    let mut offsets = Vec::with_capacity(count + 1);
    offsets.push(0u32);
    let mut ids = Vec::with_capacity(all.iter().map(Vec::len).sum());
    for sequence in &all {
        ids.extend_from_slice(sequence);
        offsets.push(ids.len() as u32);
    }
    let out = Object::new();
    let _ = Reflect::set(&out, &"ids".into(), &Uint32Array::from(ids.as_slice()));
    let _ = Reflect::set(&out, &"offsets".into(), &Uint32Array::from(offsets.as_slice()));
    Ok(out)
}

/// `count` successive generations from one seeded stream, like n calls after one `np.random.seed`.
#[wasm_bindgen(js_name = generateMany, unchecked_return_type = "string[][]")]
pub fn generate_many(
    model: &NgramModelJs,
    #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<Object>,
) -> Result<Array, JsValue> {
    Ok(generate_many_tokens(&model.inner, &count, options)?)
}

/// `generateMany` for any kind of model: `count` sequences of token strings from one seeded stream.
pub(super) fn generate_many_tokens(
    model: &dyn LanguageModel,
    count: &JsValue,
    options: Option<Object>,
) -> Result<Array, Error> {
    let count = whole("count", count, 0, sampling::MAX_MANY)? as usize;
    let all = sampling::generate_many(model, count, sample_options(&options.into())?)?;
    Ok(all.iter().map(|ids| names(model, ids).into_iter().map(JsValue::from).collect::<Array>()).collect())
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
    ) -> Result<Sampler, JsValue> {
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
) -> Result<JsValue, JsValue> {
    let input = task_input(&task, &input, &TASKS, &every_task)?;
    // plain objects of plain arrays, built directly (a serializer would cost the module ~8 KB for this one result)
    let sequences = encode::encode(&model.inner, &input)?.into_iter().map(|e| {
        let out = Object::new();
        let _ = Reflect::set(&out, &"tokens".into(), &e.tokens.into_iter().map(JsValue::from).collect::<Array>());
        let _ = Reflect::set(&out, &"ids".into(), &e.ids.into_iter().map(JsValue::from).collect::<Array>());
        out
    });
    Ok(sequences.collect::<Array>().into())
}

/// The cross-entropy of one prediction: `−ln(probs[target] + 1e-9)`.
#[wasm_bindgen]
pub fn loss(
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] probs: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] target: JsValue,
) -> Result<f64, JsValue> {
    let probs = probabilities("probs", &probs)?;
    let target = whole("target", &target, 0, u64::from(u32::MAX))?;
    Ok(loss::cross_entropy(&probs, target as usize)?)
}

/// GPT-1's fine-tuning objective `L_task + λ·L_lm`; λ defaults to 0.5.
#[wasm_bindgen(js_name = combinedLoss)]
pub fn combined_loss(
    #[wasm_bindgen(js_name = taskLoss, unchecked_param_type = "number")] task_loss: JsValue,
    #[wasm_bindgen(js_name = lmLoss, unchecked_param_type = "number")] lm_loss: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] lambda: Option<JsValue>,
) -> Result<f64, JsValue> {
    let task_loss = number("taskLoss", &task_loss)?;
    let lm_loss = number("lmLoss", &lm_loss)?;
    let lambda = optional_number("lambda", &lambda.unwrap_or(JsValue::UNDEFINED))?.unwrap_or(loss::LAMBDA);
    Ok(loss::combined_loss(task_loss, lm_loss, lambda)?)
}

/// A fresh random seed (0 … 2^32−1) from the system's crypto, for a "Resample" button.
#[wasm_bindgen(js_name = randomSeed)]
pub fn random_seed() -> Result<u32, JsValue> {
    Ok(sampling::random_seed()?)
}
