//! Reading JavaScript values: numbers, strings, arrays, options objects and Part B's task inputs. Each reader
//! refuses what it cannot use with an [`Error`] that names the parameter, what was given and what is allowed, and
//! reads every array item and object field with a catch, so a hostile value (a Proxy, a throwing getter) cannot
//! throw through the module.

use js_sys::{Array, Float32Array, Float64Array, Reflect};
use wasm_bindgen::prelude::*;

use super::number_text;
use crate::encode::{TASKS, TaskInput};
use crate::error::{Error, quoted, whole_number};
use crate::ngram::ModelOptions;
use crate::sampling::SampleOptions;

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
  /** true: `[START]`'s column gets no probability, so `[START]` is never drawn mid-sentence (smoothing gives it a
   * share; GPT-1 never predicts its start token). Default false, the notebook's sampling. */
  neverStart?: boolean;
}
export type TaskName = "classification" | "entailment" | "similarity" | "multipleChoice";
export type TaskInput =
  | { text: string }
  | { premise: string; hypothesis: string }
  | { a: string; b: string }
  | { context: string; answers: string[] };
"#;

/// Describes a JavaScript value for an error message.
#[inline(never)]
pub(super) fn describe(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        let short: String = s.chars().take(40).collect();
        let more = if short.len() < s.len() { "…" } else { "" };
        format!("{}{more} (a string)", quoted(&short))
    } else if let Some(x) = value.as_f64() {
        number_text(x)
    } else if value.is_null() {
        "null".into()
    } else if Array::is_array(value) {
        "an array".into()
    } else {
        value.js_typeof().as_string().map_or("a value".into(), |t| format!("a value of type {t}"))
    }
}

/// The error for a value of the wrong type.
#[inline(never)]
pub(super) fn wrong_type(name: &'static str, value: &JsValue, allowed: &str) -> Error {
    Error::InvalidParameter { name, value: describe(value).into(), allowed: allowed.into() }
}

/// A number that may be left out (`undefined` or `null`).
pub(super) fn optional_number(name: &'static str, value: &JsValue) -> Result<Option<f64>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| wrong_type(name, value, "a number"))
}

/// A yes/no option: `true` or `false`; `undefined` or `null` is `false`.
pub(super) fn flag(name: &'static str, value: &JsValue) -> Result<bool, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| wrong_type(name, value, "true or false"))
}

/// A number that must be given.
pub(super) fn number(name: &'static str, value: &JsValue) -> Result<f64, Error> {
    value.as_f64().ok_or_else(|| wrong_type(name, value, "a number"))
}

/// A whole number in `min..=max` that must be given.
pub(super) fn whole(name: &'static str, value: &JsValue, min: u64, max: u64) -> Result<u64, Error> {
    whole_number(name, number(name, value)?, min, max)
}

/// A string that must be given.
pub(super) fn string(name: &'static str, value: &JsValue) -> Result<String, Error> {
    value.as_string().ok_or_else(|| wrong_type(name, value, "a string"))
}

/// A string that may be left out (`undefined` or `null`).
pub(super) fn optional_string(name: &'static str, value: &JsValue) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| wrong_type(name, value, "a string"))
}

/// The message of a value JavaScript threw.
#[inline(never)]
fn thrown(value: &JsValue) -> String {
    value.dyn_ref::<js_sys::Error>().map_or_else(|| describe(value), |e| String::from(e.message()))
}

/// The items of an array, each read with a catch.
#[inline(never)]
pub(super) fn array_items(name: &'static str, value: &JsValue, allowed: &str) -> Result<Vec<JsValue>, Error> {
    if !Array::is_array(value) {
        return Err(wrong_type(name, value, allowed));
    }
    let failed = |what: String| Error::InvalidParameter { name, value: what.into(), allowed: allowed.into() };
    let length = Reflect::get(value, &"length".into())
        .map_err(|e| failed(format!("an array whose length threw {}", thrown(&e))))?;
    let length = length.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 1e9).unwrap_or(0.0) as u32;
    (0..length)
        .map(|i| {
            Reflect::get_u32(value, i).map_err(|e| failed(format!("an array whose item {i} threw {}", thrown(&e))))
        })
        .collect()
}

/// An array whose every item is read by `item` (given the item and its index).
pub(super) fn array_of<T>(
    name: &'static str,
    value: &JsValue,
    allowed: &str,
    item: impl Fn(&JsValue, usize) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    array_items(name, value, allowed)?.iter().enumerate().map(|(i, x)| item(x, i)).collect()
}

/// The error for an array item of the wrong type: `got "0.5" (a string) at index 1`.
#[inline(never)]
pub(super) fn wrong_item(name: &'static str, value: &JsValue, index: usize, allowed: &str) -> Error {
    Error::InvalidParameter {
        name,
        value: format!("{} at index {index}", describe(value)).into(),
        allowed: allowed.into(),
    }
}

/// An array of strings, such as a context's tokens.
pub(super) fn strings(name: &'static str, value: &JsValue, allowed: &str) -> Result<Vec<String>, Error> {
    array_of(name, value, allowed, |x, i| x.as_string().ok_or_else(|| wrong_item(name, x, i, allowed)))
}

/// Probabilities from a `Float64Array`, a `Float32Array` or an array of numbers.
pub(super) fn probabilities(name: &'static str, value: &JsValue) -> Result<Vec<f64>, Error> {
    if let Some(a) = value.dyn_ref::<Float64Array>() {
        return Ok(a.to_vec());
    }
    if let Some(a) = value.dyn_ref::<Float32Array>() {
        return Ok(a.to_vec().into_iter().map(f64::from).collect());
    }
    let allowed = "a Float64Array or an array of numbers";
    array_of(name, value, allowed, |x, i| x.as_f64().ok_or_else(|| wrong_item(name, x, i, allowed)))
}

/// An object's fields, read safely: it must be a plain object whose own keys are all among `allowed` (so a typo
/// never passes silently). Returns the values in the order of `allowed` (`undefined` where absent).
pub(super) fn fields<const N: usize>(
    name: &'static str,
    value: &JsValue,
    allowed: [&str; N],
) -> Result<[JsValue; N], Error> {
    let values = read_fields(name, value, &allowed)?;
    Ok(values.try_into().unwrap_or_else(|_| unreachable!("one value per allowed field")))
}

/// [`fields`] for any number of fields: one copy in the module instead of one per object shape.
#[inline(never)]
fn read_fields(name: &'static str, value: &JsValue, allowed: &[&str]) -> Result<Vec<JsValue>, Error> {
    let bad = |problem: String| Error::InvalidParameter {
        name,
        value: problem.into(),
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
pub(super) fn option_fields<const N: usize>(value: &JsValue, allowed: [&str; N]) -> Result<[JsValue; N], Error> {
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
        }
        .into(),
        allowed: format!("an object like {{ {} }} with strings", allowed.join(", ")),
    })
}

/// The options of `new NgramModel(corpus, options)`.
pub(super) fn model_options(value: &JsValue) -> Result<ModelOptions, Error> {
    let [smoothing, order, tokenizer, merges, boundaries] =
        option_fields(value, ["smoothing", "order", "tokenizer", "merges", "boundaries"])?;
    ModelOptions::from_js(
        optional_number("smoothing", &smoothing)?,
        optional_number("order", &order)?,
        optional_string("tokenizer", &tokenizer)?.as_deref(),
        optional_number("merges", &merges)?,
        optional_string("boundaries", &boundaries)?.as_deref(),
    )
}

/// The options of `generate`, `generateMany` and `new Sampler`, for either kind of model.
pub(super) fn sample_options(value: &JsValue) -> Result<SampleOptions, Error> {
    let [seed, max_len, temperature, top_k, mode, never_start] =
        option_fields(value, ["seed", "maxLen", "temperature", "topK", "mode", "neverStart"])?;
    let mut options = SampleOptions::from_js(
        optional_number("seed", &seed)?,
        optional_number("maxLen", &max_len)?,
        optional_number("temperature", &temperature)?,
        optional_number("topK", &top_k)?,
        optional_string("mode", &mode)?.as_deref(),
    )?;
    options.never_start = flag("neverStart", &never_start)?;
    Ok(options)
}

/// The error text listing every task Part B encodes: `one of "classification", …`.
pub(super) fn every_task() -> String {
    format!("one of {}", TASKS.map(|t| format!("\"{t}\"")).join(", "))
}

/// One Part B input for a task among `tasks` (`allowed` words them for an error): the one reader of task inputs.
pub(super) fn task_input(
    task: &JsValue,
    input: &JsValue,
    tasks: &[&str],
    allowed: &dyn Fn() -> String,
) -> Result<TaskInput, Error> {
    let Some(name) = task.as_string().filter(|name| tasks.contains(&name.as_str())) else {
        return Err(wrong_type("task", task, &allowed()));
    };
    let text = |shape: &[&str], field: &str, value: &JsValue| field_string("input", field, value, shape);
    Ok(match name.as_str() {
        "classification" => {
            let [text_] = fields("input", input, ["text"])?;
            TaskInput::Classification { text: text(&["text"], "text", &text_)? }
        }
        "entailment" => {
            let shape = ["premise", "hypothesis"];
            let [premise, hypothesis] = fields("input", input, shape)?;
            TaskInput::Entailment {
                premise: text(&shape, "premise", &premise)?,
                hypothesis: text(&shape, "hypothesis", &hypothesis)?,
            }
        }
        "similarity" => {
            let shape = ["a", "b"];
            let [a, b] = fields("input", input, shape)?;
            TaskInput::Similarity { a: text(&shape, "a", &a)?, b: text(&shape, "b", &b)? }
        }
        _ => {
            let shape = ["context", "answers"];
            let [context, answers] = fields("input", input, shape)?;
            let allowed = "an object like { context, answers } with answers a list";
            let answers = array_of("input", &answers, allowed, |a, i| text(&shape, &format!("answers[{i}]"), a))?;
            TaskInput::MultipleChoice { context: text(&shape, "context", &context)?, answers }
        }
    })
}

/// Records read with serde-wasm-bindgen (feature `gpt`: the module loaded on demand can afford it).
#[cfg(feature = "gpt")]
mod record {
    use std::cell::Cell;
    use std::fmt;

    use js_sys::{Object, Reflect};
    use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
    use wasm_bindgen::JsValue;

    use super::{read_fields, thrown};
    use crate::error::Error;

    /// A field's value exactly as JavaScript gave it (`undefined` when absent), for the readers above to check, so
    /// that a message names the field.
    #[derive(Default)]
    pub struct Raw(pub JsValue);

    impl<'de> de::Deserialize<'de> for Raw {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            serde_wasm_bindgen::preserve::deserialize(deserializer).map(Raw)
        }
    }

    /// A JavaScript object read into `T`, whose fields serde maps by name. serde-wasm-bindgen looks up only the
    /// fields `T` declares, and without a catch; so the object is first checked like [`super::fields`] (a plain
    /// object, no unknown key, each value read once with a catch), and serde reads a plain copy of it.
    pub fn record<T: DeserializeOwned>(name: &'static str, value: &JsValue) -> Result<T, Error> {
        let declared = declared_fields::<T>();
        let copy = Object::new();
        for (field, value) in declared.iter().zip(read_fields(name, value, declared)?) {
            if !value.is_undefined() {
                // setting a data property on a fresh plain object cannot throw
                let _ = Reflect::set(&copy, &(*field).into(), &value);
            }
        }
        serde_wasm_bindgen::from_value(copy.into()).map_err(|e| Error::InvalidParameter {
            name,
            value: thrown(&e.into()).into(),
            allowed: format!("an object like {{ {} }}", declared.join(", ")),
        })
    }

    /// [`record`] for an options object: `undefined` or `null` means every option takes its default.
    pub fn option_record<T: DeserializeOwned + Default>(value: &JsValue) -> Result<T, Error> {
        if value.is_undefined() || value.is_null() { Ok(T::default()) } else { record("options", value) }
    }

    /// The field names `T` declares to serde (camelCase as JavaScript spells them), asked of `T` itself, so that
    /// no second list can disagree with the struct.
    fn declared_fields<T: DeserializeOwned>() -> &'static [&'static str] {
        let names = Cell::new(&[][..]);
        let _ = T::deserialize(FieldNames(&names));
        names.get()
    }

    /// A deserializer that only notes the fields a struct asks for, then stops.
    struct FieldNames<'a>(&'a Cell<&'static [&'static str]>);

    /// Why [`FieldNames`] stops: it has no values to give.
    #[derive(Debug)]
    struct Stop;

    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("only the field names were asked for")
        }
    }

    impl std::error::Error for Stop {}

    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }

    impl<'de> Deserializer<'de> for FieldNames<'_> {
        type Error = Stop;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.set(fields);
            Err(Stop)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
}

#[cfg(feature = "gpt")]
pub(super) use record::{Raw, option_record, record};
