//! The trainable transformer through the JavaScript boundary, in Node, Chromium and Firefox: the same bits as
//! natively after a few steps, the look-inside views, fine-tuning, generation, and clear errors.
#![cfg(all(target_arch = "wasm32", feature = "gpt"))]

use gpt1_playground::wasm::gpt::TinyGpt;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const LESSON: &str = "chai bahut garam hai\nchai acha\nchai bahut acha hai";
/// The same constants as tests/gpt.rs checks natively.
const FIVE_STEP_LOSS_BITS: u64 = 0x3fff_f172_6cf2_3882;
const FIVE_STEP_HELD_OUT_BITS: u64 = 0x3fff_a057_1a13_d678;

fn js(expression: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expression});")).call0(&JsValue::NULL).expect("valid test JS")
}

fn object(expression: &str) -> Option<Object> {
    Some(js(expression).unchecked_into())
}

fn message<T>(result: Result<T, JsValue>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => String::from(e.dyn_into::<js_sys::Error>().expect("a JS Error").message()),
    }
}

fn small() -> TinyGpt {
    TinyGpt::new(LESSON.into(), object("{ dModel: 16, layers: 1, heads: 2, context: 8, batchSize: 4 }")).unwrap()
}

#[wasm_bindgen_test]
fn training_gives_the_native_bits() {
    let mut model = small();
    assert_eq!(model.step(js("5")).unwrap().to_bits(), FIVE_STEP_LOSS_BITS);
    assert_eq!(model.loss("chai acha hai".into()).unwrap().to_bits(), FIVE_STEP_HELD_OUT_BITS);
    assert_eq!(model.steps_taken(), 5);
    assert!(model.parameters() > 1000);
}

#[wasm_bindgen_test]
fn looking_inside_and_generating() {
    let mut model = small();
    model.step(js("20")).unwrap();
    let tokens = model.tokens("chai bahut garam".into()).unwrap();
    assert_eq!(tokens, ["[START]", "chai", "bahut", "garam"]);
    let t = tokens.len();
    let attention = model.attention("chai bahut garam".into(), js("0"), js("1")).unwrap().to_vec();
    assert_eq!(attention.len(), t * t);
    for i in 0..t {
        let row = &attention[i * t..(i + 1) * t];
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4, "row {i} sums to 1");
        assert!(row[i + 1..].iter().all(|&w| w == 0.0), "causal: nothing from the future");
    }
    let v = model.vocab().len();
    let distributions = model.distributions("chai bahut".into()).unwrap();
    assert_eq!(distributions.len(), 3 * v);
    let sample = model.generate(object("{ seed: 42, maxLen: 10 }")).unwrap();
    assert_eq!(sample[0], "[START]");
    assert_eq!(sample, model.generate(object("{ seed: 42, maxLen: 10 }")).unwrap(), "same seed, same sample");
    assert_eq!(model.generate_many(js("3"), object("{ seed: 1 }")).unwrap().length(), 3);
    let copy = model.duplicate();
    assert_eq!(copy.loss(JsValue::UNDEFINED).unwrap().to_bits(), model.loss(JsValue::UNDEFINED).unwrap().to_bits());
}

#[wasm_bindgen_test]
fn fine_tuning_with_the_combined_loss() {
    let mut model = small();
    model.step(js("30")).unwrap();
    let examples = js("[
        { task: 'classification', input: { text: 'chai bahut garam hai' }, label: 1 },
        { task: 'classification', input: { text: 'chai acha' }, label: 1 },
        { task: 'entailment', input: { premise: 'chai acha', hypothesis: 'chai hai' }, label: 0 }
    ]");
    let losses = model.fine_tune(examples.clone(), js("2"), object("{ lambda: 0.5, steps: 10, seed: 3 }")).unwrap();
    let task: js_sys::Float64Array = Reflect::get(&losses, &"taskLoss".into()).unwrap().unchecked_into();
    let lm: js_sys::Float64Array = Reflect::get(&losses, &"lmLoss".into()).unwrap().unchecked_into();
    assert_eq!((task.length(), lm.length()), (10, 10));
    assert_eq!(model.classes(), 2);
    let p = model.classify("classification".into(), js("{ text: 'chai acha' }")).unwrap();
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let accuracy = model.accuracy(examples).unwrap();
    assert!((0.0..=1.0).contains(&accuracy));
}

#[wasm_bindgen_test]
fn bad_input_is_a_clear_error() {
    let cases = [
        ("{ dModel: 30, heads: 4 }", "heads"),
        ("{ layers: 9 }", "layers"),
        ("{ context: 0 }", "context"),
        ("{ dmodel: 32 }", "unknown field \"dmodel\""),
        ("{ learningRate: -1 }", "learningRate"),
    ];
    for (options, expected) in cases {
        let error = message(TinyGpt::new(LESSON.into(), object(options)));
        assert!(error.contains(expected), "{options}: {error}");
    }
    assert!(message(TinyGpt::new("".into(), None)).contains("no words"));
    let mut model = small();
    assert!(message(model.step(js("-1"))).contains("n must be"));
    assert!(message(model.loss("chai thandi".into())).contains("thandi"));
    assert!(message(model.attention("chai".into(), js("5"), js("0"))).contains("layer"));
    assert!(message(model.classify("classification".into(), js("{ text: 'chai' }"))).contains("fine-tune"));
    let bad = js("[{ task: 'similarity', input: { a: 'chai', b: 'hai' }, label: 0 }]");
    assert!(message(model.fine_tune(bad, js("2"), None)).contains("classification"));
    assert!(model.step(js("1")).is_ok(), "still works");
}

/// Options and examples are read as records (serde-wasm-bindgen maps the fields by name) after the shape check:
/// an unknown key is refused, a wrong type names its field, a getter runs once and a throwing one is an Error.
#[wasm_bindgen_test]
fn records_are_read_safely_and_by_name() {
    let cases = [
        (
            "{ dModel: 16, dmodel: 32 }",
            "options must be an object like { tokenizer, merges, boundaries, dModel, layers, heads, context, seed, \
             learningRate, batchSize }; got an unknown field \"dmodel\"",
        ),
        ("{ dModel: '32' }", "dModel must be a number; got \"32\" (a string)"),
        ("{ tokenizer: 5 }", "tokenizer must be a string; got 5"),
        ("{ get heads() { throw new Error('no heads') } }", "got a field \"heads\" that threw no heads"),
        ("new Proxy({}, { ownKeys() { throw new Error('no keys') } })", "got an object whose keys threw no keys"),
        ("[16]", "got an array"),
        ("{ dModel: -0 }", "dModel must be a whole number from 16 to 128; got -0"),
    ];
    for (options, expected) in cases {
        let error = message(TinyGpt::new(LESSON.into(), object(options)));
        assert!(error.contains(expected), "{options}: {error}");
    }
    let [seen, counted]: [JsValue; 2] = js_sys::Array::from(&js("(() => { const seen = { reads: 0 }; \
         return [seen, { get dModel() { seen.reads += 1; return 16; }, layers: 1, heads: 2, context: 8 }]; })()"))
    .to_vec()
    .try_into()
    .unwrap();
    assert!(TinyGpt::new(LESSON.into(), Some(counted.unchecked_into())).is_ok());
    assert_eq!(Reflect::get(&seen, &"reads".into()).unwrap().as_f64(), Some(1.0), "the getter ran once");

    let mut model = small();
    let fine_tune = |model: &mut TinyGpt, examples: &str, options: &str| {
        message(model.fine_tune(js(examples), js("2"), object(options)))
    };
    let cases = [
        ("[{ task: 'classification', input: { text: 'chai' }, labl: 1 }]", "{}", "got an unknown field \"labl\""),
        ("[{ task: 'classification', input: { text: 'chai' }, label: '1' }]", "{}", "label must be a number"),
        ("[{ task: 'classification', input: { text: 5 }, label: 1 }]", "{}", "got 5 for field \"text\""),
        ("[{ task: 'classification', get input() { throw 7 }, label: 1 }]", "{}", "a field \"input\" that threw 7"),
        ("[{ task: 'classification', input: { text: 'chai' }, label: 1 }]", "{ step: 3 }", "an unknown field \"step\""),
        (
            "[{ task: 'classification', input: { text: 'chai' }, label: 1 }]",
            "{ lambda: -0.5 }",
            "lambda must be a number from 0 to 100; got -0.5",
        ),
    ];
    for (examples, options, expected) in cases {
        let error = fine_tune(&mut model, examples, options);
        assert!(error.contains(expected), "{examples} {options}: {error}");
    }
    assert!(model.step(js("1")).is_ok(), "still works");
}
