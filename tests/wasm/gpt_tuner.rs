//! Part E's experiments through the JavaScript boundary, in Node, Chromium and Firefox, on the small model of
//! GPT-1's layout that numpy's reference ran on (tests/fixtures/gpt1_tuner_reference.py): the fine-tuner's
//! gradients and first step, λ = 0 and k = 0, token log-probabilities, and clear errors.
#![cfg(feature = "gpt")]

use crate::tensors::{relative, tensor};
use crate::util::{js, message, object};
use gpt1_playground::gpt::formats::safetensors;
use gpt1_playground::wasm::experiments::GptTuner;
use gpt1_playground::wasm::gpt::TinyGpt;
use js_sys::{Float32Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const MODEL: &[u8] = include_bytes!("../fixtures/gpt1_tuner.safetensors");
const NUMPY: &[u8] = include_bytes!("../fixtures/gpt1_tuner_reference.safetensors");
const REFERENCE: &str = include_str!("../fixtures/gpt1_tuner.json");

fn reference(field: &str) -> JsValue {
    Reflect::get(&js_sys::JSON::parse(REFERENCE).unwrap(), &field.into()).unwrap()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn model_of(bytes: &[u8]) -> TinyGpt {
    TinyGpt::from_safetensors(js_sys::Uint8Array::from(bytes).into(), None).unwrap()
}

/// A tuner with the reference's options, `k` blocks and λ training.
fn tuner(model: &TinyGpt, k: usize, lambda: f64) -> GptTuner {
    let options =
        format!("{{ classes: 3, trainBlocks: {k}, lambda: {lambda}, learningRate: 1e-2, seed: 7, warmup: 2 }}");
    model.fine_tuner(object(&options)).unwrap()
}

/// A tuned model's file name for a trainable tensor.
fn file_name(name: &str) -> String {
    name.replace("classifier.", "score.")
}

#[wasm_bindgen_test]
fn gradients_losses_and_the_first_step_match_numpy() {
    let model = model_of(MODEL);
    let examples = reference("examples");
    let mut tuner = tuner(&model, 2, 0.5);
    assert_eq!((tuner.train_blocks(), tuner.steps()), (2, 0));
    // every trainable tensor's gradient, by name
    let grads = tuner.gradients(examples.clone()).unwrap();
    let names: Vec<String> = Object::keys(&grads).iter().map(|k| k.as_string().unwrap()).collect();
    assert_eq!(names.len(), 26);
    assert_eq!((names[0].as_str(), names[25].as_str()), ("h.1.attn.c_attn.weight", "classifier.bias"));
    for name in &names {
        let ours = get(&grads, name).dyn_into::<Float32Array>().unwrap().to_vec();
        let error = relative(&ours, &tensor(NUMPY, &format!("grad/{name}")));
        assert!(error <= 1e-4, "{name}: {error:e}");
    }
    // the losses, and P(y | x) of each example
    let evaluation = tuner.evaluate(examples.clone()).unwrap();
    let losses = reference("losses");
    for key in ["task", "lm", "total"] {
        let (ours, numpy) = (get(&evaluation, key).as_f64().unwrap(), get(&losses, key).as_f64().unwrap());
        assert!((ours - numpy).abs() < 1e-5, "{key}: {ours} against {numpy}");
    }
    let probabilities = get(&evaluation, "probabilities").dyn_into::<js_sys::Float64Array>().unwrap().to_vec();
    assert_eq!(probabilities.len(), 18);
    assert!(get(&evaluation, "accuracy").as_f64().unwrap() >= 0.0);
    // one step: its losses, and the change of every trainable tensor, read from the tuned model's file
    let before = model.to_safetensors();
    let step = tuner.step(examples).unwrap();
    assert!((get(&step, "total").as_f64().unwrap() - get(&losses, "total").as_f64().unwrap()).abs() < 1e-5);
    assert_eq!(tuner.steps(), 1);
    let after = tuner.model().unwrap().to_safetensors();
    // (entries whose gradient is near Adam's ε are held to the step's bound only: see tests/core/gpt_tuner.rs)
    let drawn = model.fine_tuner(object("{ classes: 3, trainBlocks: 0, seed: 7 }")).unwrap().model().unwrap();
    let drawn = drawn.to_safetensors();
    for name in &names {
        let start =
            if name.starts_with("classifier.") { tensor(&drawn, &file_name(name)) } else { tensor(&before, name) };
        let ours: Vec<f32> = tensor(&after, &file_name(name)).iter().zip(&start).map(|(a, b)| a - b).collect();
        let (numpy, g) = (tensor(NUMPY, &format!("step/{name}")), tensor(NUMPY, &format!("grad/{name}")));
        let largest = numpy.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
        for i in 0..ours.len() {
            if g[i].abs() >= 1e-6 {
                assert!((ours[i] - numpy[i]).abs() <= 1e-4 * largest, "{name}[{i}]: {} against {}", ours[i], numpy[i]);
            } else {
                assert!(ours[i].abs() <= 5e-3 * (1.0 + 0.01 * start[i].abs()) * 1.0001, "{name}[{i}]: {}", ours[i]);
            }
        }
    }
}

/// The loss after a step of a tuner that trains all it can, as tests/core/gpt_tuner.rs checks natively.
const STEPPED_TOTAL_BITS: u64 = 0x4004_d0e2_5fee_4b96;

#[wasm_bindgen_test]
fn a_step_gives_the_native_bits() {
    let mut tuner = tuner(&model_of(MODEL), 3, 0.5);
    tuner.step(reference("examples")).unwrap();
    let total = get(&tuner.evaluate(reference("examples")).unwrap(), "total").as_f64().unwrap();
    assert_eq!(total.to_bits(), STEPPED_TOTAL_BITS, "{total}");
}

/// The fixture's model with one number of `tensor` changed.
fn edited(tensor: &str, index: usize, value: f32) -> TinyGpt {
    let mut bytes = MODEL.to_vec();
    let header = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let offset = safetensors::read(MODEL).unwrap().tensors.iter().find(|t| t.name == tensor).unwrap().offset;
    let at = header + offset + 4 * index;
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    model_of(&bytes)
}

/// The blocks' and the head's tensors of a tuned model's file, as bytes.
fn trained(model: &TinyGpt) -> Vec<(String, Vec<u8>)> {
    let bytes = model.to_safetensors();
    let file = safetensors::read(&bytes).unwrap();
    file.tensors.iter().filter(|t| !t.name.contains("embed")).map(|t| (t.name.clone(), t.data.to_vec())).collect()
}

#[wasm_bindgen_test]
fn lambda_zero_ignores_the_language_model_and_no_block_training_keeps_the_blocks() {
    // a vocabulary row no example reads or predicts: it moves L_lm only
    let (plain, other) = (model_of(MODEL), edited("tokens_embed.weight", 33 * 32 + 5, 2.5));
    let examples = reference("examples");
    for lambda in [0.0, 0.5] {
        let tuned: Vec<_> = [&plain, &other]
            .map(|model| {
                let mut tuner = tuner(model, 1, lambda);
                let losses = tuner.step(examples.clone()).unwrap();
                (get(&losses, "lm").as_f64().unwrap(), trained(&tuner.model().unwrap()))
            })
            .into();
        assert_ne!(tuned[0].0, tuned[1].0, "the row is in L_lm");
        assert_eq!(tuned[0].1 == tuned[1].1, lambda == 0.0, "λ = {lambda}: the same update only when λ = 0");
    }
    // k = 0: after steps, every block's bytes are the model's own
    let mut tuner = tuner(&plain, 0, 0.5);
    for _ in 0..2 {
        tuner.step(examples.clone()).unwrap();
    }
    let (before, after) = (trained(&plain), trained(&tuner.model().unwrap()));
    assert_eq!(before.len(), 36);
    for (name, bytes) in &before {
        assert_eq!(&after.iter().find(|(n, _)| n == name).unwrap().1, bytes, "{name}");
    }
    assert_eq!(after.len(), 38, "and score.weight, score.bias");
}

#[wasm_bindgen_test]
fn token_log_probs_and_a_tuned_model_that_saves_and_loads_back() {
    let model = model_of(MODEL);
    let scored: js_sys::Array = reference("scored").unchecked_into();
    let first = scored.get(0);
    let ours = model.token_log_probs(get(&first, "ids")).unwrap().to_vec();
    let numpy: Vec<f64> = js_sys::Array::from(&get(&first, "log_probs")).iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(ours.len(), numpy.len());
    assert!(ours.iter().zip(&numpy).all(|(&a, &b)| (f64::from(a) - b).abs() < 1e-5), "{ours:?}");
    assert_eq!(model.token_log_probs(js("[3]")).unwrap().length(), 0);
    assert!(message(model.token_log_probs(js("[3, 40]"))).contains("token ids from 0 to 39"));
    // with the special rows: a special token next is never predicted
    let tuned = tuner(&model, 1, 0.5).model().unwrap();
    let shape = tuned.shape();
    assert_eq!(
        [get(&shape, "rows"), get(&shape, "vocab"), get(&shape, "classes")].map(|v| v.as_f64().unwrap()),
        [43.0, 40.0, 3.0]
    );
    let second = scored.get(1);
    let ours = tuned.token_log_probs(get(&second, "ids")).unwrap().to_vec();
    for (ours, numpy) in ours.iter().zip(js_sys::Array::from(&get(&second, "log_probs")).iter()) {
        match numpy.as_f64() {
            Some(numpy) => assert!((f64::from(*ours) - numpy).abs() < 1e-5),
            None => assert_eq!(*ours, f32::NEG_INFINITY),
        }
    }
    // saved and loaded back: the same rows, V and head
    let back =
        TinyGpt::from_safetensors(js_sys::Uint8Array::from(tuned.to_safetensors().as_slice()).into(), None).unwrap();
    assert_eq!(back.to_safetensors(), tuned.to_safetensors());
    assert_eq!(get(&back.shape(), "vocab").as_f64(), Some(40.0));
}

#[wasm_bindgen_test]
fn bad_options_and_examples_are_errors_and_the_tuner_keeps_working() {
    let model = model_of(MODEL);
    for (options, expected) in [
        ("undefined", "classes must be a whole number from 2 to 16: the classes of the new head; got nothing"),
        ("{ classes: 3, trainBlocks: 4 }", "trainBlocks must be a whole number from 0 to 3; got 4"),
        ("{ classes: 3, lambda: 'high' }", "lambda must be a number"),
        ("{ classes: 3, blocks: 1 }", "unknown field \"blocks\""),
        ("{ classes: 17 }", "classes must be a whole number from 2 to 16; got 17"),
    ] {
        let error = message(model.fine_tuner(Some(js(options).unchecked_into())));
        assert!(error.contains(expected), "{options}: {error}");
    }
    let mut tuner = tuner(&model, 1, 0.5);
    for (examples, expected) in [
        ("'examples'", "examples must be an array of { ids, label }"),
        ("[]", "examples must be a list of at least one labelled example"),
        ("[{ ids: [40, 3, 42], label: 3 }]", "label must be a class from 0 to 2 (classes = 3); got 3 at index 0"),
        ("[{ ids: [40, 3, 4], label: 0 }]", "examples[0], which has no _classify_ (42)"),
        ("[{ ids: [40, 'a', 42], label: 0 }]", "ids must be"),
        ("[{ ids: [40, 50, 42], label: 0 }]", "ids must be token ids from 0 to 42"),
        ("[{ id: [40, 42], label: 0 }]", "unknown field \"id\""),
        ("[{ ids: [40, 42], label: -1 }]", "label must be a whole number"),
    ] {
        let error = message(tuner.step(js(examples)));
        assert!(error.contains(expected), "{examples}: {error}");
    }
    assert_eq!(tuner.steps(), 0);
    let losses = tuner.step(js("[{ ids: new Uint32Array([40, 3, 17, 42]), label: 2 }]")).unwrap();
    assert!(get(&losses, "total").as_f64().unwrap().is_finite());
    assert_eq!(tuner.steps(), 1);
}
