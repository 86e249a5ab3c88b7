//! The trainable transformer through the JavaScript boundary, in Node, Chromium and Firefox: the same bits as
//! natively after a few steps, the look-inside views, fine-tuning, generation, and clear errors.
#![cfg(feature = "gpt")]

use crate::util::{LESSON, js, message, object};
use gpt1_playground::wasm::gpt::TinyGpt;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// The same constants as tests/core/gpt.rs checks natively.
const FIVE_STEP_LOSS_BITS: u64 = 0x3fff_f172_70f2_3882;
const FIVE_STEP_HELD_OUT_BITS: u64 = 0x3fff_a057_1b13_d678;

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
fn every_kernel_gives_the_native_bits() {
    // built with and without wasm SIMD (`-C target-feature=+simd128`), the same digest as natively
    assert_eq!(crate::kernel_digest::kernel_bits(), crate::kernel_digest::KERNEL_BITS);
    assert_eq!(crate::kernel_digest::int8_bits(), crate::kernel_digest::INT8_BITS);
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
    // (f32 probabilities: they sum to 1 within f32's rounding)
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-6);
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
             learningRate, batchSize, norm, warmup }; got an unknown field \"dmodel\"",
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

const TINY: &[u8] = include_bytes!("../fixtures/gpt1_tiny.safetensors");
const TINY_REFERENCE: &str = include_str!("../fixtures/gpt1_tiny.json");

/// The numbers of a field of the numpy reference.
fn reference(field: &str) -> Vec<f64> {
    let json = js_sys::JSON::parse(TINY_REFERENCE).unwrap();
    let array: js_sys::Array = Reflect::get(&json, &field.into()).unwrap().unchecked_into();
    array.iter().map(|v| v.as_f64().unwrap()).collect()
}

fn worst(ours: &[f32], reference: &[f64]) -> f64 {
    assert_eq!(ours.len(), reference.len());
    ours.iter().zip(reference).map(|(&a, &b)| (f64::from(a) - b).abs()).fold(0.0, f64::max)
}

#[wasm_bindgen_test]
fn gpt1s_forward_pass_matches_the_numpy_reference() {
    let bytes = js_sys::Uint8Array::from(TINY);
    let model = TinyGpt::from_safetensors(bytes.into(), None).unwrap();
    assert!(!model.has_vocabulary());
    let shape = model.shape();
    let get = |k: &str| Reflect::get(&shape, &k.into()).unwrap();
    assert_eq!(get("norm").as_string().unwrap(), "post");
    assert_eq!(
        [get("dModel"), get("layers"), get("heads"), get("context"), get("rows")].map(|v| v.as_f64().unwrap()),
        [8.0, 2.0, 2.0, 6.0, 11.0]
    );
    let ids = js("[9, 0, 4, 4, 7, 10]");
    let logits = model.logits(ids.clone()).unwrap().to_vec();
    assert!(worst(&logits, &reference("logits")) <= 1e-5, "logits within 1e-5");
    let attention = reference("attention");
    for layer in 0..2 {
        for head in 0..2 {
            let ours = model.attention(ids.clone(), js(&layer.to_string()), js(&head.to_string())).unwrap().to_vec();
            let at = (layer * 2 + head) * 36;
            assert!(worst(&ours, &attention[at..at + 36]) <= 1e-5, "attention {layer}.{head} within 1e-5");
        }
    }
    // every head from one pass: the same maps, in layer-then-head order
    let all = model.attention_all(ids.clone()).unwrap().to_vec();
    assert_eq!(all.len(), attention.len());
    assert!(worst(&all, &attention) <= 1e-5, "attentionAll within 1e-5");
    let one = model.attention(ids.clone(), js("1"), js("0")).unwrap().to_vec();
    assert_eq!(&all[2 * 36..3 * 36], &one[..], "attentionAll's map 1.0 is attention(ids, 1, 0), to the bit");
    // ids work; text and generation say why they cannot
    assert!(model.loss(js("[9, 0, 4, 4, 7, 10, 3, 2]")).unwrap().is_finite());
    assert!(message(model.loss("chai".into())).contains("without a vocabulary"));
    assert!(message(model.generate(None)).contains("without a vocabulary"));
    assert!(message(model.logits(js("[11]"))).contains("token ids from 0 to 10"));
}

#[wasm_bindgen_test]
fn weights_go_out_and_come_back() {
    let mut model = small();
    model.step(js("5")).unwrap();
    let bytes = model.to_safetensors();
    let back = TinyGpt::from_safetensors(js_sys::Uint8Array::from(bytes.as_slice()).into(), None).unwrap();
    assert_eq!(back.loss("chai acha hai".into()).unwrap().to_bits(), FIVE_STEP_HELD_OUT_BITS);
    assert_eq!(back.vocab(), model.vocab());
    assert_eq!(back.to_safetensors(), bytes);
    let ids = js("[5, 0, 4]");
    assert_eq!(back.logits(ids.clone()).unwrap().to_vec(), model.logits(ids).unwrap().to_vec());
    // an ArrayBuffer too, and heads given as an option
    let buffer = js_sys::Uint8Array::from(bytes.as_slice()).buffer();
    assert!(TinyGpt::from_safetensors(buffer.into(), object("{ heads: 1 }")).is_ok());
    let cases = [
        (JsValue::from("weights"), None, "bytes must be a Uint8Array or an ArrayBuffer"),
        (js_sys::Uint8Array::from(&bytes[..100]).into(), None, "weights file: "),
        (
            js_sys::Uint8Array::from(bytes.as_slice()).into(),
            object("{ heads: 3 }"),
            "heads must be a divisor of d = 16",
        ),
        (js_sys::Uint8Array::from(bytes.as_slice()).into(), object("{ head: 2 }"), "unknown field \"head\""),
    ];
    for (bytes, options, expected) in cases {
        let error = message(TinyGpt::from_safetensors(bytes, options));
        assert!(error.contains(expected), "{expected}: {error}");
    }
    let mut loaded = back;
    assert!(message(loaded.step(js("1"))).contains("holds no corpus"));
}

#[wasm_bindgen_test]
fn the_norm_option_and_the_shape() {
    let pre = TinyGpt::new(
        LESSON.into(),
        object("{ dModel: 16, layers: 1, heads: 2, context: 8, batchSize: 4, norm: 'pre' }"),
    )
    .unwrap();
    let post = small();
    let norm = |m: &TinyGpt| Reflect::get(&m.shape(), &"norm".into()).unwrap().as_string().unwrap();
    assert_eq!((norm(&pre), norm(&post)), ("pre".to_string(), "post".to_string()));
    // pre-LN has its final LayerNorm's 2·d weights more
    assert_eq!(pre.parameters(), post.parameters() + 32);
    assert!(message(TinyGpt::new(LESSON.into(), object("{ norm: 'middle' }"))).contains("norm must be \"post\""));
}

/// The last row of `logits(ids)`.
fn last_row(model: &TinyGpt, ids: &[u32]) -> Vec<f32> {
    let all = model.logits(js_sys::Uint32Array::from(ids).into()).unwrap().to_vec();
    let rows = all.len() / ids.len();
    all[all.len() - rows..].to_vec()
}

#[wasm_bindgen_test]
fn the_kv_cache_continues_as_recomputing_does() {
    use gpt1_playground::gpt::infer::decode::{DecodeOptions, draw, probabilities};
    use gpt1_playground::sampling::Mt19937;
    for (seed, norm) in [(1, "post"), (2, "pre"), (3, "post")] {
        let options =
            format!("{{ dModel: 16, layers: 2, heads: 2, context: 12, batchSize: 4, seed: {seed}, norm: '{norm}' }}");
        let mut model = TinyGpt::new(LESSON.into(), object(&options)).unwrap();
        model.step(js("10")).unwrap();
        // continue() through the boundary, then the same sampler over a full forward pass per token
        let prompt = [0u32, 1, 2];
        let tokens = model.continue_ids(js("[0, 1, 2]"), js("10"), object(&format!("{{ seed: {seed}, topK: 4 }}")));
        let tokens = tokens.unwrap().to_vec();
        let (mut rng, mut ids) = (Mt19937::new(seed), prompt.to_vec());
        let sampler = DecodeOptions { seed: Some(seed), temperature: 1.0, top_k: 4 };
        for _ in 0..10 {
            let mut row = probabilities(&last_row(&model, &ids));
            ids.push(draw(&mut row, &sampler, &mut rng).unwrap());
        }
        assert_eq!(tokens, ids[3..], "seed {seed}, {norm}");
        // the stepwise decoder draws the same tokens, and its distribution is the full pass's softmax
        let mut run = model.decoder(js("[0, 1, 2]"), object(&format!("{{ seed: {seed}, topK: 4 }}"))).unwrap();
        let first = run.distribution(js("3")).unwrap();
        let top: Vec<u32> = js_sys::Uint32Array::from(Reflect::get(&first, &"ids".into()).unwrap()).to_vec();
        let p = probabilities(&last_row(&model, &prompt));
        assert!(top.windows(2).all(|w| p[w[0] as usize] >= p[w[1] as usize]));
        assert_eq!(run.rank(js(&top[1].to_string())).unwrap(), 2);
        let stepped: Vec<u32> = (0..10).map(|_| run.next_token().unwrap()).collect();
        assert_eq!(stepped, tokens);
        assert_eq!(run.ids().to_vec(), ids);
        // the final state has d numbers
        assert_eq!(model.final_state(js("[0, 1]")).unwrap().length(), 16);
    }
    let model = small();
    assert!(message(model.continue_ids(js("[0, 1]"), js("8"), None)).contains("1 to 7 new tokens after 2 ids"));
    assert!(message(model.continue_ids(js("[0]"), js("1.5"), None)).contains("count"));
    assert!(message(model.continue_ids(js("[0]"), js("2"), object("{ topk: 3 }"))).contains("topK"));
    assert!(message(model.decoder(js("'chai'"), None)).contains("token ids"));
    assert!(TinyGpt::memory_bytes() >= 65_536.0);
}

#[wasm_bindgen_test]
fn the_file_hash_takes_chunks_from_javascript() {
    use gpt1_playground::wasm::gpt1::FileHashJs;
    let mut hash = FileHashJs::new();
    let bytes: Vec<u8> = js_sys::Uint8Array::new(&js(
        "new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')",
    ))
    .to_vec();
    for chunk in bytes.chunks(5) {
        hash.update(chunk);
    }
    assert_eq!(hash.bytes(), 56.0);
    assert_eq!(hash.hex(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assert_eq!(hash.hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "nothing after hex()");
}
