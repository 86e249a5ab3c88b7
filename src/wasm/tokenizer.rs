//! GPT-1's own tokenizer (feature `gpt`): OpenAI's released merges applied as `text_utils.py` applied them.

use js_sys::{Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

use super::read::{array_of, string, whole};
use crate::gpt1_tokenizer::{self, MergeStep, Stages};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** One pass of BPE's merge loop: the pair merged everywhere in the word (null for the starting characters), its
 * rank (0 = the first merge learnt), and the word's pieces after the pass. */
export interface MergeStep { pair: [string, string] | null; rank: number | null; pieces: string[] }
/** What each step of GPT-1's pipeline makes of a text: after ftfy, after text_standardize, spaCy's tokens, each
 * lower-cased, and each token's BPE pieces (the last ending in </w>) with their ids. */
export interface Gpt1Stages {
  fixed: string; standardized: string; tokens: string[]; lowered: string[]; pieces: string[][]; ids: number[][];
}
"#;

/// GPT-1's tokenizer, built from the texts of `encoder_bpe_40000.json` and `vocab_40000.bpe`.
#[wasm_bindgen]
pub struct Gpt1Tokenizer {
    inner: gpt1_tokenizer::Gpt1Tokenizer,
}

#[wasm_bindgen]
impl Gpt1Tokenizer {
    /// Reads the two released files (their texts); throws when either is not what GPT-1 released.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = encoderJson, unchecked_param_type = "string")] encoder_json: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] merges: JsValue,
    ) -> Result<Gpt1Tokenizer, JsValue> {
        let encoder_json = string("encoderJson", &encoder_json)?;
        let merges = string("merges", &merges)?;
        Ok(Gpt1Tokenizer { inner: gpt1_tokenizer::Gpt1Tokenizer::new(&encoder_json, &merges)? })
    }

    /// GPT-1's token ids for `text`.
    pub fn encode(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Vec<u32>, JsValue> {
        Ok(self.inner.encode(&string("text", &text)?))
    }

    /// GPT-1's pieces for `text`, the last piece of each word ending in `</w>`.
    pub fn pieces(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        Ok(self.inner.pieces(&string("text", &text)?))
    }

    /// Every step of the pipeline for `text`: the text after ftfy and after `text_standardize`, spaCy's tokens,
    /// each lower-cased, then each token's pieces and ids.
    #[wasm_bindgen(unchecked_return_type = "Gpt1Stages")]
    pub fn stages(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Object, JsValue> {
        Ok(stages_object(&self.inner.stages(&string("text", &text)?)))
    }

    /// One token's piece as the encoder spells it, `</w>` included (the special tokens by name).
    pub fn piece(&self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Result<String, JsValue> {
        let id = whole("id", &id, 0, u32::MAX as u64)? as u32;
        Ok(self.inner.piece(id)?.into_owned())
    }

    /// Text from ids (a `Uint32Array` or an array of whole numbers): the pieces joined, each `</w>` a space.
    pub fn decode(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint32Array | number[]")] ids: JsValue,
    ) -> Result<String, JsValue> {
        let ids = match ids.dyn_ref::<Uint32Array>() {
            Some(typed) => typed.to_vec(),
            None => array_of("ids", &ids, "a Uint32Array or an array of token ids", |x, _| {
                Ok(whole("ids", x, 0, u32::MAX as u64)? as u32)
            })?,
        };
        Ok(self.inner.decode(&ids)?)
    }

    /// The merge passes that build one word, from its characters to its pieces, for a step-through.
    #[wasm_bindgen(unchecked_return_type = "MergeStep[]")]
    pub fn merges(&self, #[wasm_bindgen(unchecked_param_type = "string")] word: JsValue) -> Result<Array, JsValue> {
        let steps = self.inner.merges(&string("word", &word)?)?;
        Ok(steps.iter().map(merge_step).collect())
    }

    /// The vocabulary's size, 40,478 (the special tokens come after it).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.inner.size() as u32
    }

    /// The ids of `_start_`, `_delimiter_` and `_classify_` (the paper's start, delimiter and extract tokens):
    /// 40,478, 40,479 and 40,480.
    #[wasm_bindgen(getter, js_name = specialIds)]
    pub fn special_ids(&self) -> Vec<u32> {
        (0..3).map(|k| self.inner.special_id(k)).collect()
    }
}

/// Strings as a JS array.
fn strings<S: AsRef<str>>(items: &[S]) -> Array {
    items.iter().map(|s| JsValue::from(s.as_ref())).collect()
}

/// The stages as `{ fixed, standardized, tokens, lowered, pieces, ids }`.
fn stages_object(stages: &Stages) -> Object {
    let object = Object::new();
    let pieces: Array = stages.pieces.iter().map(|p| JsValue::from(strings(p))).collect();
    let ids: Array =
        stages.ids.iter().map(|i| JsValue::from(i.iter().map(|&id| JsValue::from(id)).collect::<Array>())).collect();
    let fields: [(&str, JsValue); 6] = [
        ("fixed", stages.fixed.as_str().into()),
        ("standardized", stages.standardized.as_str().into()),
        ("tokens", strings(&stages.tokens).into()),
        ("lowered", strings(&stages.lowered).into()),
        ("pieces", pieces.into()),
        ("ids", ids.into()),
    ];
    for (name, value) in fields {
        // setting plain data properties on a fresh object cannot fail
        let _ = Reflect::set(&object, &name.into(), &value);
    }
    object
}

/// One step as `{ pair, rank, pieces }`.
fn merge_step(step: &MergeStep) -> JsValue {
    let object = Object::new();
    let (pair, rank) = match &step.merge {
        Some((left, right, rank)) => (Array::of2(&left.into(), &right.into()).into(), JsValue::from(*rank)),
        None => (JsValue::NULL, JsValue::NULL),
    };
    let pieces = strings(&step.symbols);
    // setting plain data properties on a fresh object cannot fail
    let _ = Reflect::set(&object, &"pair".into(), &pair);
    let _ = Reflect::set(&object, &"rank".into(), &rank);
    let _ = Reflect::set(&object, &"pieces".into(), &pieces);
    object.into()
}
