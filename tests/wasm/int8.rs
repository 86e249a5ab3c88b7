//! The compact int8 form through the JavaScript boundary, in Node, Chromium and Firefox: a small model of GPT-1's
//! layout streamed into the form against numpy's logits (tests/fixtures/gpt1_int8_small.json) and against the
//! native bits, `compact()`, `form`, the form's file (whole, and a slice at a time), `agreement`, and clear errors.
#![cfg(feature = "gpt")]

use crate::random_gpt1::{random_file, tensors_of};
use crate::util::{LESSON, js, message, object};
use gpt1_playground::wasm::gpt::TinyGpt;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// The same constant as tests/core/int8.rs checks natively: the bits of `Σ logit` (float64, in order) of the
/// small fixture in the int8 form.
const SMALL_LOGIT_SUM_BITS: u64 = 0x4023_c931_0308_0000;

const FIXTURE: &str = include_str!("../fixtures/gpt1_int8_small.json");

/// A field of the numpy fixture.
fn field(name: &str) -> JsValue {
    Reflect::get(&js_sys::JSON::parse(FIXTURE).unwrap(), &name.into()).unwrap()
}

fn numbers(value: &JsValue) -> Vec<f64> {
    js_sys::Array::from(value).iter().map(|v| v.as_f64().unwrap()).collect()
}

thread_local! {
    /// The small model's float32 file (d 64, 2 blocks, 4 heads, context 16, 300 rows, seed 16), made once.
    static FILE: Vec<u8> = {
        let tensors = tensors_of(64, 2, 16, 300);
        random_file(16, &tensors, ",\"heads\":\"4\"")
    };
}

/// The small model streamed into `form` through `TinyGpt.loadSafetensors`, in uneven chunks.
fn load(form: &str) -> TinyGpt {
    FILE.with(|file| {
        let header = TinyGpt::safetensors_header_length(&file[..8]).unwrap() as usize;
        let options = object(&format!("{{ form: '{form}', fileBytes: {} }}", file.len()));
        let mut loader = TinyGpt::load_safetensors(&file[..header], options).unwrap();
        for chunk in file[header..].chunks(4097) {
            loader.write(&chunk[..3]).unwrap();
            loader.write(&chunk[3..]).unwrap();
        }
        loader.finish().unwrap()
    })
}

fn ids() -> JsValue {
    field("ids")
}

#[wasm_bindgen_test]
fn the_compact_form_matches_numpy_and_the_native_bits() {
    let gpt = load("int8");
    assert_eq!(gpt.form(), "int8");
    let logits = gpt.logits(ids()).unwrap().to_vec();
    let numpy = numbers(&field("logits"));
    assert_eq!(logits.len(), numpy.len());
    let worst = logits.iter().zip(&numpy).map(|(&a, &b)| (f64::from(a) - b).abs()).fold(0.0, f64::max);
    assert!(worst <= 1e-4, "{worst}");
    let sum: f64 = logits.iter().map(|&x| f64::from(x)).sum();
    assert_eq!(sum.to_bits(), SMALL_LOGIT_SUM_BITS, "{sum}");
    // compact() of the float32 model is the same model to the bit
    let float = load("float32");
    assert_eq!(float.form(), "float32");
    let compact = float.compact().unwrap();
    assert_eq!(compact.form(), "int8");
    assert_eq!(compact.logits(ids()).unwrap().to_vec(), logits);
    assert_eq!(compact.parameters(), float.parameters());
    // the calls of Part E work on either form (short ids: debug WebAssembly is slow, and the browsers' suite has
    // a time limit)
    assert_eq!(compact.attention_all(js("[1, 2]")).unwrap().length(), 2 * 4 * 2 * 2);
    assert_eq!(compact.final_state(js("[1, 2]")).unwrap().length(), 64);
    let tokens = compact.continue_ids(js("[1, 2]"), js("2"), object("{ seed: 7 }")).unwrap();
    let mut run = compact.decoder(js("[1, 2]"), object("{ seed: 7 }")).unwrap();
    let stepped: Vec<u32> = (0..2).map(|_| run.next_token().unwrap()).collect();
    assert_eq!(tokens.to_vec(), stepped);
}

#[wasm_bindgen_test]
fn the_forms_file_comes_back_and_agreement_measures_the_difference() {
    let float = load("float32");
    let compact = float.compact().unwrap();
    let bytes = compact.to_safetensors();
    let back = TinyGpt::from_safetensors(Uint8Array::from(bytes.as_slice()).into(), None).unwrap();
    assert_eq!(back.form(), "int8");
    assert_eq!(back.to_safetensors(), bytes);
    assert_eq!(back.logits(js("[4, 5]")).unwrap().to_vec(), compact.logits(js("[4, 5]")).unwrap().to_vec());
    // fromSafetensors with form 'int8' quantizes a float32 file too
    let quantized = TinyGpt::from_safetensors(
        Uint8Array::from(float.to_safetensors().as_slice()).into(),
        object("{ form: 'int8' }"),
    );
    assert_eq!(quantized.unwrap().to_safetensors(), bytes);
    let a = float.agreement(&compact, js("[4, 5, 6, 7]")).unwrap();
    let get = |k: &str| Reflect::get(&a, &k.into()).unwrap().as_f64().unwrap();
    assert_eq!(get("positions"), 4.0);
    assert!(get("top1") > 0.5 && get("top1") <= 1.0);
    assert!(get("meanKl") > 0.0 && get("maxLogitDifference") >= get("meanLogitDifference"));
}

#[wasm_bindgen_test]
fn the_writer_gives_the_forms_file_a_slice_at_a_time() {
    let compact = load("int8");
    let whole = compact.to_safetensors();
    let mut writer = compact.safetensors_writer();
    assert_eq!(writer.file_bytes(), whole.len() as f64);
    let header = writer.next(js("16")).unwrap();
    assert_eq!(header.len(), TinyGpt::safetensors_header_length(&whole[..8]).unwrap() as usize);
    let mut bytes = header;
    while !writer.done() {
        let slice = writer.next(js("10000")).unwrap();
        assert!(!slice.is_empty() && slice.len() <= 10_000);
        bytes.extend(slice);
    }
    assert_eq!(writer.written(), whole.len() as f64);
    assert!(bytes == whole);
    assert!(writer.next(js("10000")).unwrap().is_empty());
    for (bad, expected) in
        [("3", "maxBytes must be"), ("'8'", "maxBytes must be a number"), ("2.5", "maxBytes must be")]
    {
        let error = message(writer.next(js(bad)));
        assert!(error.contains(expected), "{bad}: {error}");
    }
}

#[wasm_bindgen_test]
fn what_the_form_cannot_do_is_a_clear_error() {
    let gpt = load("int8");
    let bytes = gpt.to_safetensors();
    let header = TinyGpt::safetensors_header_length(&bytes[..8]).unwrap() as usize;
    let cases = [
        (object("{ form: 'int4' }"), "form must be \"float32\" or \"int8\""),
        (object("{ form: 8 }"), "form must be a string"),
        (object("{ form: 'float32' }"), "cannot be turned back into float32"),
        (object("{ forms: 'int8' }"), "unknown field \"forms\""),
    ];
    for (options, expected) in cases {
        let error = message(TinyGpt::load_safetensors(&bytes[..header], options));
        assert!(error.contains(expected), "{expected}: {error}");
    }
    let error =
        message(TinyGpt::from_safetensors(Uint8Array::from(bytes.as_slice()).into(), object("{ form: 'f32' }")));
    assert!(error.contains("form must be"), "{error}");
    // a compact model does not train or fine-tune
    let mut tiny =
        TinyGpt::new(LESSON.into(), object("{ dModel: 32, layers: 1, heads: 2, context: 8, batchSize: 1 }")).unwrap();
    let mut compact = tiny.compact().unwrap();
    assert!(message(compact.step(js("1"))).contains("compact int8 form, which cannot train"));
    let examples = js("[{ task: 'classification', input: { text: 'chai acha' }, label: 1 }]");
    assert!(message(compact.fine_tune(examples, js("2"), None)).contains("cannot fine-tune"));
    assert!(compact.loss("chai acha hai".into()).unwrap().is_finite(), "it still scores text");
    assert!(tiny.step(js("1")).is_ok());
    // d must be a multiple of 32; agreement needs the same shape
    let narrow = TinyGpt::new(LESSON.into(), object("{ dModel: 16, layers: 1, heads: 2 }")).unwrap();
    assert!(message(narrow.compact()).contains("needs d to be a multiple of 32"));
    assert!(message(tiny.agreement(&narrow, js("[1, 2]"))).contains("a model of this one's shape"));
    assert!(message(gpt.agreement(&gpt, js("[]"))).contains("1 to 16 token ids"));
    assert_eq!(gpt.logits(js("[1]")).unwrap().length(), 300, "the module keeps working");
}
