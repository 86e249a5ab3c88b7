//! Part E's experiments on GPT-1 itself (feature `gpt`): `tokenLogProbs`, the scoring primitive of the zero-shot
//! heuristics, and `fineTuner`, which fine-tunes the top blocks with `L_task + λ·L_lm`.

use js_sys::{Float32Array, Float64Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::gpt::{TinyGpt, ids};
use super::read::{array_of, fields, option_fields, optional_number, whole};
use crate::error::Error;
use crate::gpt::{TaskIds, Tuner, TunerLosses, TunerOptions, TunerOptionsInput};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `TinyGpt.fineTuner`. */
export interface TunerOptions {
  /** Classes of the new head W_y, 2 … 16 (required). */
  classes: number;
  /** Blocks that train, counted from the top: 0 … the model's blocks; default 1. */
  trainBlocks?: number;
  /** λ, the weight of L_lm in L_task + λ·L_lm, 0 … 100; default 0.5. */
  lambda?: number;
  /** Adam's learning rate after the warm-up; default 6.25e-5 (GPT-1's). */
  learningRate?: number;
  /** Seeds W_y and the rows of _start_, _delimiter_ and _classify_; default 42. */
  seed?: number;
  /** Steps of linear warm-up from 0 to the learning rate; default 10. */
  warmup?: number;
}
/** A labelled example in GPT-1's ids, transformed as in Part B: `_start_ … _classify_`. */
export interface TaskIds { ids: number[] | Uint32Array; label: number }
/** A batch's losses, each the mean over its examples. */
export interface TunerLosses { task: number; lm: number; total: number }
/** `GptTuner.evaluate`'s answer: the losses, the accuracy and P(y | x) (examples × classes, row-major). */
export interface TunerEvaluation extends TunerLosses { accuracy: number; probabilities: Float64Array }
"#;

/// `TunerOptions`, each value's type checked here and its range in the core.
fn tuner_options(options: Option<Object>) -> Result<TunerOptions, Error> {
    let [classes, train_blocks, lambda, learning_rate, seed, warmup] =
        option_fields(&options.into(), ["classes", "trainBlocks", "lambda", "learningRate", "seed", "warmup"])?;
    TunerOptions::from_js(&TunerOptionsInput {
        classes: optional_number("classes", &classes)?,
        train_blocks: optional_number("trainBlocks", &train_blocks)?,
        lambda: optional_number("lambda", &lambda)?,
        learning_rate: optional_number("learningRate", &learning_rate)?,
        seed: optional_number("seed", &seed)?,
        warmup: optional_number("warmup", &warmup)?,
    })
}

/// `[{ ids, label }]`; the core checks the ids and labels against the model and the head.
fn task_ids(value: &JsValue) -> Result<Vec<TaskIds>, Error> {
    array_of("examples", value, "an array of { ids, label }", |item, _| {
        let [ids, label] = fields("examples", item, ["ids", "label"])?;
        Ok(TaskIds { ids: self::ids(&ids)?, label: whole("label", &label, 0, u64::from(u32::MAX))? as usize })
    })
}

/// `{ task, lm, total }`, plus more fields by the caller.
fn losses(losses: &TunerLosses) -> Object {
    let out = Object::new();
    for (key, value) in [("task", losses.task), ("lm", losses.lm), ("total", losses.total)] {
        let _ = Reflect::set(&out, &key.into(), &value.into());
    }
    out
}

#[wasm_bindgen]
impl TinyGpt {
    /// `ln P(ids[t+1] | ids[0..t])` for t = 0 … n − 2 (a `Float32Array` of n − 1; empty for one id), the softmax
    /// over the vocabulary's rows: a special token after them is never predicted (−Infinity).
    #[wasm_bindgen(js_name = tokenLogProbs)]
    pub fn token_log_probs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] ids: JsValue,
    ) -> Result<Float32Array, JsValue> {
        Ok(Float32Array::from(self.inner.token_log_probs(&self::ids(&ids)?)?.as_slice()))
    }

    /// A tuner over a copy of the model's trainable part: the top `trainBlocks` blocks, a new head W_y with its
    /// bias, and the rows of `_start_`, `_delimiter_` and `_classify_` (ids V, V + 1, V + 2). A choice that would
    /// pass the module's memory budget (1.5 GB with the model) is refused before anything is allocated.
    #[wasm_bindgen(js_name = fineTuner)]
    pub fn fine_tuner(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TunerOptions")] options: Option<Object>,
    ) -> Result<GptTuner, JsValue> {
        Ok(GptTuner { inner: self.inner.fine_tuner(&tuner_options(options)?)? })
    }
}

/// Fine-tunes a model's top blocks on labelled examples with `L_task + λ·L_lm` (`gpt.fineTuner(options)`).
#[wasm_bindgen]
pub struct GptTuner {
    inner: Tuner,
}

#[wasm_bindgen]
impl GptTuner {
    /// One Adam update on the examples; returns their losses before it.
    #[wasm_bindgen(unchecked_return_type = "TunerLosses")]
    pub fn step(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "TaskIds[]")] examples: JsValue,
    ) -> Result<Object, JsValue> {
        Ok(losses(&self.inner.step(&task_ids(&examples)?)?))
    }

    /// The losses, the accuracy and `P(y | x)` on the examples, with no update.
    #[wasm_bindgen(unchecked_return_type = "TunerEvaluation")]
    pub fn evaluate(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "TaskIds[]")] examples: JsValue,
    ) -> Result<Object, JsValue> {
        let evaluation = self.inner.evaluate(&task_ids(&examples)?)?;
        let out = losses(&evaluation.losses);
        let _ = Reflect::set(&out, &"accuracy".into(), &evaluation.accuracy.into());
        let probabilities = Float64Array::from(evaluation.probabilities.as_slice());
        let _ = Reflect::set(&out, &"probabilities".into(), &probabilities);
        Ok(out)
    }

    /// The gradient of the examples' mean loss for every trainable tensor, by name (Hugging Face's, and
    /// `classifier.weight` [classes, d], `classifier.bias`), with no update.
    #[wasm_bindgen(unchecked_return_type = "Record<string, Float32Array>")]
    pub fn gradients(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "TaskIds[]")] examples: JsValue,
    ) -> Result<Object, JsValue> {
        let out = Object::new();
        for (name, values) in self.inner.gradients(&task_ids(&examples)?)? {
            let _ = Reflect::set(&out, &name.into(), &Float32Array::from(values.as_slice()));
        }
        Ok(out)
    }

    /// A model with the tuned weights and the head, which `toSafetensors()` saves.
    pub fn model(&self) -> Result<TinyGpt, JsValue> {
        Ok(TinyGpt { inner: self.inner.model()? })
    }

    /// Updates made so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> u32 {
        self.inner.steps()
    }

    /// How many blocks train.
    #[wasm_bindgen(getter, js_name = trainBlocks)]
    pub fn train_blocks(&self) -> u32 {
        self.inner.train_blocks() as u32
    }

    /// How many numbers train.
    #[wasm_bindgen(getter)]
    pub fn trainable(&self) -> u32 {
        self.inner.trainable() as u32
    }
}
