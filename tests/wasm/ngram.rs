//! Every export through the JavaScript boundary, in whichever engine runs it: Node, Chromium or Firefox
//! (see `scripts/test.sh`). Classes are driven through their real JS wrappers (constructor, getters, methods);
//! options and inputs are real JS objects; every error must arrive as a JS `Error` and leave the module working.

use crate::util::{LESSON, error_message, js, message, object};
use gpt1_playground::wasm::{self, NgramModelJs, Sampler};
use js_sys::{Array, Float64Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn lesson() -> NgramModelJs {
    NgramModelJs::new(LESSON.into(), None).unwrap()
}

/// The JS class `NgramModel`, taken from a wrapped instance.
fn model_class() -> Function {
    let instance: JsValue = lesson().into();
    Reflect::get(&instance, &"constructor".into()).unwrap().unchecked_into()
}

/// `new NgramModel(...args)` through the generated JS constructor.
fn construct(args: &[JsValue]) -> Result<JsValue, JsValue> {
    Reflect::construct(&model_class(), &args.iter().collect::<Array>())
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &method.into()).unwrap().unchecked_into();
    f.apply(target, &args.iter().collect::<Array>())
}

fn get(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &name.into()).unwrap()
}

fn strings(value: &JsValue) -> Vec<String> {
    Array::from(value).iter().map(|v| v.as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
fn model_class_matches_the_lesson() {
    let model = construct(&[LESSON.into()]).unwrap();
    assert_eq!(strings(&get(&model, "vocab")), ["chai", "bahut", "garam", "hai", "acha", "[START]", "[END]"]);
    assert_eq!(get(&model, "smoothing").as_f64(), Some(1.0));
    assert_eq!(get(&model, "pairTotal").as_f64(), Some(13.0));
    assert_eq!(get(&model, "distinctPairs").as_f64(), Some(9.0));

    let probs = call(&model, "probabilities", &[]).unwrap();
    let probs = probs.dyn_into::<Float64Array>().expect("a Float64Array");
    assert_eq!(probs.length(), 49);
    assert_eq!(probs.get_index(1), 0.3, "P(bahut | chai)");
    assert_eq!(probs.get_index(5 * 7), 0.4, "P(chai | [START])");
    let counts = call(&model, "counts", &[]).unwrap().dyn_into::<Float64Array>().unwrap();
    assert_eq!(counts.get_index(5 * 7), 3.0);
    let totals = call(&model, "rowTotals", &[]).unwrap().dyn_into::<Float64Array>().unwrap();
    assert_eq!(totals.to_vec(), [3.0, 2.0, 1.0, 2.0, 2.0, 3.0, 0.0]);
    let row = call(&model, "row", &[JsValue::from(3)]).unwrap().dyn_into::<Float64Array>().unwrap();
    assert_eq!(row.get_index(6), 3.0 / 9.0, "P([END] | hai)");

    let loss = call(&model, "loss", &[]).unwrap().as_f64().unwrap();
    assert!((loss - 1.258_929_557).abs() < 1e-9, "{loss}");
    let perplexity = call(&model, "perplexity", &[]).unwrap().as_f64().unwrap();
    assert!((perplexity - loss.exp()).abs() < 1e-12);

    let smoothed = construct(&[LESSON.into(), js("{ smoothing: 0.5 }")]).unwrap();
    assert_eq!(get(&smoothed, "smoothing").as_f64(), Some(0.5));
    call(&smoothed, "free", &[]).unwrap();
}

#[wasm_bindgen_test]
fn bad_model_input_throws_errors_and_the_module_keeps_working() {
    let cases: [(&[JsValue], &str); 9] = [
        (&["".into()], "the corpus has no words"),
        (&[" \n \r\n\t".into()], "the corpus has no words"),
        (&[js("5")], "corpus must be a string; got 5"),
        (&[JsValue::UNDEFINED], "corpus must be a string"),
        (&[LESSON.into(), js("{ smoothing: -1 }")], "smoothing must be a finite number ≥ 0; got -1"),
        (&[LESSON.into(), js("{ smoothing: NaN }")], "got NaN"),
        (&[LESSON.into(), js("{ smoothing: Infinity }")], "got Infinity"),
        (&[LESSON.into(), js("{ smoothin: 1 }")], "unknown field \"smoothin\""),
        (&["a [START] b".into()], "special token [START]"),
    ];
    for (args, expected) in cases {
        let message = error_message(construct(args).unwrap_err());
        assert!(message.contains(expected), "{message:?} should contain {expected:?}");
        // the module still works after every error
        assert_eq!(
            strings(
                &wasm::generate(&lesson(), object("{ seed: 42 }"))
                    .unwrap()
                    .into_iter()
                    .map(JsValue::from)
                    .collect::<Array>()
            ),
            ["[START]", "chai", "[END]"]
        );
    }
    let model = construct(&[LESSON.into()]).unwrap();
    for (prev, expected) in [
        (js("7"), "from 0 to 6; got 7"),
        (js("1.5"), "got 1.5"),
        (js("'1'"), "context must be a token id or a list of tokens; got \"1\" (a string)"),
        (js("NaN"), "got NaN"),
    ] {
        let message = error_message(call(&model, "row", &[prev]).unwrap_err());
        assert!(message.contains(expected), "{message:?}");
    }
    let wide: String = (0..2100).map(|i| format!("w{i} ")).collect();
    let big = construct(&[wide.into()]).unwrap();
    let message = error_message(call(&big, "probabilities", &[]).unwrap_err());
    assert!(message.contains("is 2,102, above the limit of 2,048"), "{message}");
    assert!(call(&big, "row", &[JsValue::from(0)]).is_ok(), "sparse rows still work");
}

#[wasm_bindgen_test]
fn generate_reproduces_the_notebook() {
    let model = lesson();
    assert_eq!(wasm::generate(&model, object("{ seed: 42, maxLen: 6 }")).unwrap(), ["[START]", "chai", "[END]"]);
    assert_eq!(wasm::generate(&model, object("{ seed: 42 }")).unwrap(), ["[START]", "chai", "[END]"]);
    assert_eq!(
        wasm::generate(&model, object("{ seed: 0, maxLen: 25 }")).unwrap(),
        ["[START]", "garam", "acha", "acha", "hai", "hai", "[START]", "bahut", "[END]"]
    );
    assert_eq!(wasm::generate(&model, object("{ seed: 1, maxLen: 1 }")).unwrap(), ["[START]"]);
    let many = wasm::generate_many(&model, js("3"), object("{ seed: 42 }")).unwrap();
    assert_eq!(many.length(), 3);
    assert_eq!(strings(&many.get(0)), ["[START]", "chai", "[END]"]);
    assert_eq!(strings(&many.get(1)), ["[START]", "acha", "acha", "bahut", "bahut", "chai"]);
    // without a seed: a random stream, still a valid sequence
    let free = wasm::generate(&model, None).unwrap();
    assert_eq!(free[0], "[START]");
    assert!(wasm::generate(&model, object("{ seed: 4294967295, temperature: 0.5, topK: 2 }")).is_ok());
    let fast = wasm::generate(&model, object("{ seed: 42, maxLen: 30, mode: 'fast' }")).unwrap();
    assert_eq!(fast, wasm::generate(&model, object("{ seed: 42, maxLen: 30, mode: 'fast' }")).unwrap());
    assert_eq!(fast[0], "[START]");
    // seed 0 draws [START] mid-sentence (smoothing gives its column a share); neverStart takes that share away
    let never = wasm::generate(&model, object("{ seed: 0, maxLen: 25, neverStart: true }")).unwrap();
    assert_eq!(never[0], "[START]");
    assert!(!never[1..].iter().any(|t| t == "[START]"), "{never:?}");
    let off = wasm::generate(&model, object("{ seed: 0, maxLen: 25, neverStart: false }")).unwrap();
    assert_eq!(off[6], "[START]", "false is the notebook's sampling");
    let many = wasm::generate_many(&model, js("200"), object("{ seed: 5, maxLen: 12, neverStart: true }")).unwrap();
    assert!(many.iter().all(|s| !strings(&s)[1..].contains(&"[START]".to_string())));
}

#[wasm_bindgen_test]
fn bad_generate_options_throw_errors() {
    let model = lesson();
    let cases = [
        ("{ seed: -1 }", "seed must be a whole number from 0 to 4294967295; got -1"),
        ("{ seed: 1.5 }", "got 1.5"),
        ("{ seed: 2 ** 32 }", "got 4294967296"),
        ("{ seed: '42' }", "seed must be a number; got \"42\" (a string)"),
        ("{ maxLen: 0 }", "maxLen must be a whole number from 1"),
        ("{ maxLen: 2.5 }", "got 2.5"),
        ("{ temperature: 0 }", "temperature must be a finite number > 0; got 0"),
        ("{ temperature: NaN }", "got NaN"),
        ("{ temperature: -Infinity }", "got -Infinity"),
        ("{ topK: -1 }", "topK must be a whole number"),
        ("{ maxlen: 6 }", "unknown field \"maxlen\""),
        ("{ mode: 'quick' }", "mode must be one of \"exact\", \"fast\"; got \"quick\""),
        ("{ mode: 1 }", "mode must be a string"),
        ("[6]", "options must be an object like { seed, maxLen, temperature, topK, mode, neverStart }; got an array"),
        ("{ neverStart: 'yes' }", "neverStart must be true or false; got \"yes\" (a string)"),
        ("{ neverStart: 1 }", "neverStart must be true or false; got 1"),
        ("'fast'", "got \"fast\" (a string)"),
        // numbers read as JavaScript prints them (the module asks JavaScript), negative zero keeps its sign
        ("{ seed: 1e21 }", "got 1e+21"),
        ("{ seed: 1e-7 }", "got 1e-7"),
        ("{ seed: 0.1 + 0.2 }", "got 0.30000000000000004"),
        ("{ temperature: -0 }", "got -0"),
        // quoted texts show what would not: quotes, backslashes, control and invisible characters
        ("{ mode: 'a\"b\\\\c' }", "got \"a\\\"b\\\\c\""),
        ("{ mode: 'x\\n\\u0007\\u200b\\u202e' }", "got \"x\\n\\u{7}\\u{200b}\\u{202e}\""),
        ("{ 'max\\u200bLen': 1 }", "unknown field \"max\\u{200b}Len\""),
    ];
    for (options, expected) in cases {
        let said = message(wasm::generate(&model, object(options)));
        assert!(said.contains(expected), "{options}: {said:?}");
        let said = message(wasm::generate_many(&model, js("2"), object(options)));
        assert!(said.contains(expected), "{options}: {said:?}");
    }
    for (count, expected) in [
        ("-1", "count must be a whole number from 0 to 10000; got -1"),
        ("'2'", "count must be a number"),
        ("1e9", "got 1000000000"),
    ] {
        let said = message(wasm::generate_many(&model, js(count), None));
        assert!(said.contains(expected), "{said:?}");
    }
    assert_eq!(wasm::generate(&model, object("{ seed: 42 }")).unwrap(), ["[START]", "chai", "[END]"]);
}

#[wasm_bindgen_test]
fn sampler_steps_through_numpys_choice() {
    let model = lesson();
    let mut sampler = Sampler::new(&model, object("{ seed: 42 }")).unwrap();
    let first = sampler.step();
    assert_eq!(get(&first, "token").as_string().unwrap(), "chai");
    assert_eq!(get(&first, "id").as_f64(), Some(0.0));
    assert_eq!(
        get(&first, "uniform").as_f64(),
        Some(0.374_540_118_847_362_5),
        "numpy's first random_sample() after seed 42"
    );
    let cdf = get(&first, "cdf").dyn_into::<Float64Array>().unwrap();
    assert_eq!(cdf.get_index(6), 1.0);
    let probs = get(&first, "probabilities").dyn_into::<Float64Array>().unwrap();
    assert_eq!(probs.get_index(0), 0.4);
    let second = sampler.step();
    assert_eq!(get(&second, "token").as_string().unwrap(), "[END]");
    assert!(sampler.done());
    assert!(sampler.step().is_undefined());
    assert_eq!(sampler.tokens(), ["[START]", "chai", "[END]"]);
    assert!(message(Sampler::new(&model, object("{ seed: -3 }"))).contains("seed"));
}

fn encoded(result: JsValue) -> Vec<(Vec<String>, Vec<f64>)> {
    Array::from(&result)
        .iter()
        .map(|seq| {
            (
                strings(&get(&seq, "tokens")),
                Array::from(&get(&seq, "ids")).iter().map(|v| v.as_f64().unwrap()).collect(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
fn encode_builds_gpt1_inputs() {
    let model = lesson();
    let c = encoded(wasm::encode(&model, "classification".into(), js("{ text: 'chai bahut garam hai' }")).unwrap());
    assert_eq!(
        c,
        [(
            vec!["[START]", "chai", "bahut", "garam", "hai", "[EXTRACT]"].into_iter().map(String::from).collect(),
            vec![5., 0., 1., 2., 3., 7.]
        )]
    );
    let e = encoded(
        wasm::encode(
            &model,
            "entailment".into(),
            js("{ premise: 'chai bahut garam hai', hypothesis: 'chai acha hai' }"),
        )
        .unwrap(),
    );
    assert_eq!(e[0].1, [5., 0., 1., 2., 3., 8., 0., 4., 3., 7.]);
    assert_eq!(e[0].0[5], "[DELIM]");
    let s = encoded(wasm::encode(&model, "similarity".into(), js("{ a: 'chai acha', b: 'garam hai' }")).unwrap());
    assert_eq!(
        s.iter().map(|x| x.1.clone()).collect::<Vec<_>>(),
        [vec![5., 0., 4., 8., 2., 3., 7.], vec![5., 2., 3., 8., 0., 4., 7.]]
    );
    let m = encoded(
        wasm::encode(&model, "multipleChoice".into(), js("{ context: 'chai', answers: ['hai', 'acha hai'] }")).unwrap(),
    );
    assert_eq!(m.len(), 2);
    assert_eq!(m[1].1, [5., 0., 8., 4., 3., 7.]);
}

#[wasm_bindgen_test]
fn bad_encode_input_throws_errors() {
    let model = lesson();
    let cases = [
        (
            "'translation'",
            "{ text: 'chai' }",
            "task must be one of \"classification\", \"entailment\", \"similarity\", \"multipleChoice\"; got \"translation\"",
        ),
        ("undefined", "{ text: 'chai' }", "task must be one of"),
        ("'classification'", "{ text: 'chai thandi' }", "unknown word \"thandi\" in text"),
        ("'classification'", "{ text: 'chai', extra: 1 }", "unknown field \"extra\""),
        ("'classification'", "{}", "missing field"),
        ("'classification'", "{ text: 5 }", "input must be an object like { text }"),
        ("'classification'", "null", "input must be an object like { text }; got null"),
        ("'entailment'", "{ premise: 'chai' }", "missing field \"hypothesis\""),
        ("'entailment'", "{ premise: 'chai', hypothesis: 'tea' }", "\"tea\" in hypothesis"),
        ("'similarity'", "{ a: 'chai', c: 'hai' }", "unknown field \"c\""),
        ("'multipleChoice'", "{ context: 'chai', answers: [] }", "answers must be a list of at least one answer"),
        (
            "'multipleChoice'",
            "{ context: 'chai', answers: 'hai' }",
            "input must be an object like { context, answers }",
        ),
        ("'multipleChoice'", "{ context: 'chai', answers: ['hai', 7] }", "input must be an object like"),
        ("'classification'", "{ text: 'chai [EXTRACT]' }", "special token [EXTRACT]"),
    ];
    for (task, input, expected) in cases {
        let said = message(wasm::encode(&model, js(task), js(input)));
        assert!(said.contains(expected), "{task} {input}: {said:?}");
    }
    assert_eq!(
        encoded(wasm::encode(&model, "classification".into(), js("{ text: 'chai' }")).unwrap())[0].1,
        [5., 0., 7.]
    );
}

#[wasm_bindgen_test]
fn losses_of_the_lesson() {
    let lesson_loss = -(0.72f64 + 1e-9).ln();
    assert_eq!(wasm::loss(js("[0.72, 0.28]"), js("0")).unwrap(), lesson_loss);
    assert_eq!(wasm::loss(js("new Float64Array([0.72, 0.28])"), js("0")).unwrap(), lesson_loss);
    let f32_loss = wasm::loss(js("new Float32Array([0.72, 0.28])"), js("0")).unwrap();
    assert!((f32_loss - lesson_loss).abs() < 1e-7);
    assert!((lesson_loss - 0.3285).abs() < 5e-5);
    let combined = wasm::combined_loss(js(&lesson_loss.to_string()), js("1.5"), None).unwrap();
    assert_eq!(combined, lesson_loss + 0.75);
    assert!((combined - 1.0785).abs() < 5e-5);
    assert_eq!(wasm::combined_loss(js("1"), js("2"), Some(js("0"))).unwrap(), 1.0);
    assert_eq!(wasm::combined_loss(js("1"), js("2"), Some(JsValue::UNDEFINED)).unwrap(), 2.0);
}

#[wasm_bindgen_test]
fn bad_loss_input_throws_errors() {
    let cases = [
        ("[]", "0", "probs must be a non-empty list"),
        ("[0.5, 0.5]", "2", "target must be the index of the true class, from 0 to 1; got 2"),
        ("[0.5, 0.5]", "0.5", "target must be a whole number"),
        ("[0.5, 0.5]", "-1", "got -1"),
        ("[0.5, 0.5]", "'0'", "target must be a number"),
        ("[NaN, 1]", "0", "probs must be probabilities from 0 to 1; got NaN at index 0"),
        ("[-0.5, 1.5]", "0", "got -0.5 at index 0"),
        ("[0.5, 0.4]", "0", "sum to 1"),
        ("[0.5, '0.5']", "0", "probs must be a Float64Array or an array of numbers; got \"0.5\" (a string) at index 1"),
        ("new Int32Array([1])", "0", "probs must be a Float64Array or an array of numbers"),
        ("'0.72'", "0", "got \"0.72\" (a string)"),
    ];
    for (probs, target, expected) in cases {
        let said = message(wasm::loss(js(probs), js(target)));
        assert!(said.contains(expected), "{probs} {target}: {said:?}");
    }
    let cases = [
        ("NaN", "1", "undefined", "taskLoss must be a finite number ≥ 0; got NaN"),
        ("1", "-1", "undefined", "lmLoss must be a finite number ≥ 0; got -1"),
        ("1", "Infinity", "undefined", "got Infinity"),
        ("1", "1", "-0.5", "lambda must be a finite number ≥ 0; got -0.5"),
        ("1", "1", "'0.5'", "lambda must be a number"),
        ("'1'", "1", "undefined", "taskLoss must be a number"),
    ];
    for (task, lm, lambda, expected) in cases {
        let said = message(wasm::combined_loss(js(task), js(lm), Some(js(lambda))));
        assert!(said.contains(expected), "{said:?}");
    }
    assert!(wasm::loss(js("[1, 0]"), js("0")).is_ok());
}

#[wasm_bindgen_test]
fn random_seeds_come_from_crypto() {
    let seeds: Vec<u32> = (0..8).map(|_| wasm::random_seed().unwrap()).collect();
    assert!(seeds.windows(2).any(|w| w[0] != w[1]), "{seeds:?}");
}

#[wasm_bindgen_test]
fn orders_tokenizers_and_held_out_loss() {
    let trigram = construct(&[LESSON.into(), js("{ order: 3 }")]).unwrap();
    assert_eq!(get(&trigram, "order").as_f64(), Some(3.0));
    assert_eq!(get(&trigram, "tokenizer").as_string().unwrap(), "word");
    assert_eq!(get(&trigram, "boundaries").as_string().unwrap(), "lines");
    let row = call(&trigram, "row", &[js("['[START]', '[START]']")]).unwrap().dyn_into::<Float64Array>().unwrap();
    assert_eq!(row.get_index(0), 4.0 / 10.0, "P(chai | [START] [START]) = (3 + 1) / (3 + 7)");
    // ([START], chai) and ([START], [START]) both predicted three times; ties go in id order
    let top = Array::from(&call(&trigram, "topContexts", &[js("2")]).unwrap());
    assert_eq!(strings(&get(&top.get(0), "context")), ["[START]", "chai"]);
    assert_eq!(strings(&get(&top.get(1), "context")), ["[START]", "[START]"]);
    assert_eq!(get(&top.get(1), "total").as_f64(), Some(3.0));
    let held_out = call(&trigram, "loss", &["chai acha hai".into()]).unwrap().as_f64().unwrap();
    let perplexity = call(&trigram, "perplexity", &["chai acha hai".into()]).unwrap().as_f64().unwrap();
    assert!(held_out > 0.0 && (perplexity - held_out.exp()).abs() < 1e-12);
    let grid = call(&trigram, "losses", &["chai acha hai".into(), js("[0.5, 1]")])
        .unwrap()
        .dyn_into::<Float64Array>()
        .unwrap();
    assert_eq!(grid.get_index(1), held_out, "k = 1 is the model's own loss");
    assert!(
        error_message(call(&trigram, "losses", &["chai".into(), js("[1, 'x']")]).unwrap_err()).contains("smoothings")
    );
    assert_eq!(
        get(&trigram, "contextCount").as_f64(),
        Some(8.0),
        "(S,S) (S,chai) (chai,bahut) (bahut,garam) (garam,hai) (chai,acha) (bahut,acha) (acha,hai)"
    );

    let chars =
        construct(&["ab\nab".into(), js("{ tokenizer: 'char', boundaries: 'stream', smoothing: 0.5 }")]).unwrap();
    assert_eq!(strings(&get(&chars, "vocab")), ["a", "b", "\n"]);
    let loss = call(&chars, "loss", &["ba".into()]).unwrap().as_f64().unwrap();
    assert!((loss - -(0.5f64 / 2.5).ln()).abs() < 1e-12);
    let generated = wasm::generate(
        &NgramModelJs::new("ab\nab".into(), object("{ tokenizer: 'char', boundaries: 'stream' }")).unwrap(),
        object("{ seed: 3, maxLen: 7 }"),
    )
    .unwrap();
    assert_eq!(generated.len(), 7);
    assert_eq!(generated[0], "a", "stream generation starts from the corpus's first token");

    let bpe = construct(&["ab ab abc".into(), js("{ tokenizer: 'bpe', merges: 10 }")]).unwrap();
    let merges = Array::from(&call(&bpe, "merges", &[]).unwrap());
    assert_eq!(merges.length(), 3);
    assert_eq!(strings(&merges.get(0)), ["a", "b</w>"]);
    assert_eq!(strings(&call(&bpe, "segment", &["abc ab".into()]).unwrap()), ["abc</w>", "ab</w>"]);
    // the vocabulary: the characters alone and ending a word, then one token per merge (GPT-1's rule), then the
    // two specials
    let vocab = ["a", "b", "c", "a</w>", "b</w>", "c</w>", "ab</w>", "ab", "abc</w>", "[START]", "[END]"];
    assert_eq!(strings(&get(&bpe, "vocab")), vocab);

    let cheaper = call(&trigram, "withSmoothing", &[js("0.5")]).unwrap();
    assert_eq!(get(&cheaper, "smoothing").as_f64(), Some(0.5));
    assert_eq!(get(&trigram, "smoothing").as_f64(), Some(1.0), "the original keeps its k");
}

#[wasm_bindgen_test]
fn bad_model_options_and_contexts_throw_errors() {
    let cases = [
        ("{ order: 0 }", "order must be a whole number from 1 to 6; got 0"),
        ("{ order: 7 }", "got 7"),
        ("{ order: 2.5 }", "got 2.5"),
        ("{ order: '3' }", "order must be a number"),
        ("{ tokenizer: 'bytes' }", "tokenizer must be one of \"word\", \"char\", \"bpe\"; got \"bytes\""),
        ("{ tokenizer: 5 }", "tokenizer must be a string"),
        ("{ merges: 5 }", "merges must be given only with tokenizer \"bpe\""),
        ("{ tokenizer: 'bpe', merges: -1 }", "merges must be a whole number from 0 to 10000"),
        ("{ boundaries: 'paragraphs' }", "boundaries must be one of \"lines\", \"stream\""),
        ("{ token: 'word' }", "unknown field \"token\""),
    ];
    for (options, expected) in cases {
        let message = error_message(construct(&[LESSON.into(), js(options)]).unwrap_err());
        assert!(message.contains(expected), "{options}: {message:?}");
    }
    let short = error_message(construct(&["a b".into(), js("{ order: 3, boundaries: 'stream' }")]).unwrap_err());
    assert!(short.contains("the corpus has 2 tokens"), "{short}");
    let trigram = construct(&[LESSON.into(), js("{ order: 3 }")]).unwrap();
    let cases = [
        ("row", "['chai']", "context must be a list of exactly 2 tokens"),
        ("row", "['chai', 7]", "got 7 at index 1"),
        ("row", "['chai', 'thandi']", "unknown token \"thandi\" in context"),
        ("row", "1", "needs an order-2 model; this one has order 3"),
        ("loss", "'chai thandi'", "unknown token \"thandi\" in the text (line 1)"),
        ("loss", "5", "text must be a string; got 5"),
        ("loss", "' \\n '", "nothing to predict"),
        ("topContexts", "-1", "limit must be a whole number"),
        ("withSmoothing", "-2", "smoothing must be a finite number ≥ 0; got -2"),
        ("probabilities", "undefined", "the dense V×V matrix is the bigram (order 2) view"),
        ("segment", "null", "text must be a string"),
    ];
    for (method, argument, expected) in cases {
        let message = error_message(call(&trigram, method, &[js(argument)]).unwrap_err());
        assert!(message.contains(expected), "{method}({argument}): {message:?}");
    }
    assert!(call(&trigram, "loss", &[]).unwrap().as_f64().unwrap() > 0.0, "still works");
}

#[wasm_bindgen_test]
fn counts_for_explaining_cells_and_peeking_at_the_next_draw() {
    let model = construct(&[LESSON.into()]).unwrap();
    // a matrix view's cells are the rows' own numbers
    let cells = call(&model, "cells", &[js("[0, 2]"), js("[1, 0]")]).unwrap();
    let picked = Float64Array::from(get(&cells, "probabilities")).to_vec();
    let rows: Vec<Vec<f64>> = [0, 2]
        .map(|id| call(&model, "row", &[JsValue::from(id)]).unwrap().dyn_into::<Float64Array>().unwrap().to_vec())
        .into();
    assert_eq!(picked, [rows[0][1], rows[0][0], rows[1][1], rows[1][0]]);
    assert_eq!(
        Float64Array::from(get(&cells, "sums")).to_vec(),
        rows.iter().map(|r| r.iter().sum::<f64>()).collect::<Vec<_>>()
    );
    assert!(error_message(call(&model, "cells", &[js("[0]"), js("[99]")]).unwrap_err()).contains("columns must be"));
    assert!(error_message(call(&model, "cells", &[js("[0]"), js("[1.5]")]).unwrap_err()).contains("got 1.5"));
    let counts = call(&model, "countsRow", &[js("0")]).unwrap().dyn_into::<Float64Array>().unwrap();
    assert_eq!(counts.to_vec(), [0., 2., 0., 0., 1., 0., 0.], "chai → bahut ×2, acha ×1");
    assert_eq!(call(&model, "contextTotal", &[js("['[START]']")]).unwrap().as_f64(), Some(3.0));
    let next = call(&model, "nextTotals", &[]).unwrap().dyn_into::<Float64Array>().unwrap();
    assert_eq!(next.to_vec(), [3., 2., 1., 2., 2., 0., 3.], "how often each token was predicted");
    assert!(error_message(call(&model, "countsRow", &[js("99")]).unwrap_err()).contains("prev must be"));

    let mut sampler = Sampler::new(&lesson(), object("{ seed: 42, topK: 1 }")).unwrap();
    let peeked = sampler.peek().dyn_into::<Float64Array>().unwrap();
    assert_eq!(peeked.get_index(0), 1.0, "top-1 keeps only chai after [START]");
    let step = sampler.step();
    assert_eq!(get(&step, "probabilities").dyn_into::<Float64Array>().unwrap().to_vec(), peeked.to_vec());
    while !sampler.step().is_undefined() {}
    assert!(sampler.peek().is_undefined());
}

#[wasm_bindgen_test]
fn ids_only_generation_and_memory() {
    let model = lesson();
    let out = wasm::generate_ids(&model, js("3"), object("{ seed: 42 }")).unwrap();
    let ids = get(&out, "ids").dyn_into::<js_sys::Uint32Array>().unwrap().to_vec();
    let offsets = get(&out, "offsets").dyn_into::<js_sys::Uint32Array>().unwrap().to_vec();
    assert_eq!(offsets, [0, 3, 9, 13]);
    assert_eq!(ids[..3], [5, 0, 6], "the first is the notebook's [START] chai [END]");
    let strings: Vec<Vec<String>> =
        Array::from(&wasm::generate_many(&model, js("3"), object("{ seed: 42 }")).unwrap().into())
            .iter()
            .map(|s| strings(&s))
            .collect();
    let vocab = model.vocab();
    for (i, sequence) in strings.iter().enumerate() {
        let from_ids: Vec<String> =
            ids[offsets[i] as usize..offsets[i + 1] as usize].iter().map(|&id| vocab[id as usize].clone()).collect();
        assert_eq!(&from_ids, sequence);
    }
    assert!(message(wasm::generate_ids(&model, js("-1"), None)).contains("count"));
    let bytes = get(&construct(&[LESSON.into()]).unwrap(), "heapBytes").as_f64().unwrap();
    assert!(bytes > 100.0 && bytes < 10_000.0, "{bytes}");
}

/// Values that arrive where they should not: every export must answer each with a result or a JS Error.
const HOSTILE: [&str; 30] = [
    "NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "-1",
    "0.5",
    "2 ** 53",
    "1e308",
    "null",
    "undefined",
    "'42'",
    "''",
    "'\\ud800 lone'",
    "'a\\u0000b\\u0007c\\u001b'",
    "'\\u202e\\u05d0\\u05d1 e\\u0301'",
    "{}",
    "[]",
    "[1, 'x', null]",
    "{ seed: 1, extra: 2 }",
    "{ get seed() { throw new Error('getter boom') } }",
    "new Proxy({}, { ownKeys() { throw new Error('keys boom') } })",
    "new Proxy([1, 2], { get(t, k) { if (k === '0') throw new Error('item boom'); return t[k]; } })",
    "{ [Symbol('s')]: 1 }",
    "new Uint8Array(3)",
    "new Float64Array([0.5, 0.5])",
    "Symbol('x')",
    "10n",
    "() => 1",
    "Object.create(null)",
    "{ toString() { throw new Error('toString boom') }, valueOf() { throw new Error('valueOf boom') } }",
];

/// Calls `f`; an Ok or a JS Error are both answers, and afterwards the module must still work.
fn answers<T>(label: &str, f: impl FnOnce() -> Result<T, JsValue>) {
    if let Err(e) = f() {
        let message = error_message(e);
        assert!(!message.is_empty(), "{label}: an empty message");
    }
    let check = NgramModelJs::new(LESSON.into(), None).unwrap();
    assert_eq!(wasm::generate(&check, object("{ seed: 42 }")).unwrap(), ["[START]", "chai", "[END]"], "after {label}");
}

#[wasm_bindgen_test]
fn every_export_answers_hostile_values_with_results_or_errors() {
    let model = lesson();
    let sampler_model = lesson();
    for h in HOSTILE {
        let v = || js(h);
        answers(&format!("new NgramModel({h})"), || NgramModelJs::new(v(), None));
        answers(&format!("new NgramModel(lesson, {h})"), || {
            NgramModelJs::new(LESSON.into(), Some(v().unchecked_into()))
        });
        answers(&format!("row({h})"), || model.row(v()));
        answers(&format!("countsRow({h})"), || model.counts_row(v()));
        answers(&format!("cells({h}, [0])"), || model.cells(v(), js("[0]")));
        answers(&format!("cells([0], {h})"), || model.cells(js("[0]"), v()));
        answers(&format!("contextTotal({h})"), || model.context_total(v()));
        answers(&format!("topContexts({h})"), || model.top_contexts(v()));
        answers(&format!("loss({h})"), || model.loss(v()));
        answers(&format!("perplexity({h})"), || model.perplexity(v()));
        answers(&format!("losses(text, {h})"), || model.losses("chai hai".into(), v()));
        answers(&format!("losses({h}, [1])"), || model.losses(v(), js("[1]")));
        answers(&format!("withSmoothing({h})"), || model.with_smoothing(v()));
        answers(&format!("segment({h})"), || model.segment(v()));
        answers(&format!("generate(model, {h})"), || wasm::generate(&model, Some(v().unchecked_into())));
        answers(&format!("generateMany(model, {h})"), || wasm::generate_many(&model, v(), None));
        answers(&format!("generateMany(model, 2, {h})"), || {
            wasm::generate_many(&model, js("2"), Some(v().unchecked_into()))
        });
        answers(&format!("generateIds(model, {h})"), || wasm::generate_ids(&model, v(), None));
        answers(&format!("new Sampler(model, {h})"), || Sampler::new(&sampler_model, Some(v().unchecked_into())));
        answers(&format!("encode(model, {h}, …)"), || wasm::encode(&model, v(), js("{ text: 'chai' }")));
        for task in ["classification", "entailment", "similarity", "multipleChoice"] {
            answers(&format!("encode(model, {task}, {h})"), || wasm::encode(&model, task.into(), v()));
        }
        answers(&format!("encode(model, multipleChoice, answers {h})"), || {
            wasm::encode(&model, "multipleChoice".into(), js(&format!("{{ context: 'chai', answers: {h} }}")))
        });
        answers(&format!("loss({h}, 0)"), || wasm::loss(v(), js("0")));
        answers(&format!("loss([1, 0], {h})"), || wasm::loss(js("[1, 0]"), v()));
        answers(&format!("combinedLoss({h}, 1)"), || wasm::combined_loss(v(), js("1"), None));
        answers(&format!("combinedLoss(1, 1, {h})"), || wasm::combined_loss(js("1"), js("1"), Some(v())));
    }
    // the model used throughout still answers correctly
    assert_eq!(
        call(&JsValue::from(model), "loss", &[]).unwrap().as_f64().unwrap().to_bits(),
        1.258_929_557_097_665f64.to_bits()
    );
}

#[wasm_bindgen_test]
fn unusual_text_is_data_with_documented_results() {
    // lone surrogates arrive as U+FFFD; NUL, control characters, RTL marks and combining accents are ordinary
    let model = construct(&[js("'chai \\ud800 garam\\nhai a\\u0000b \\u202e\\u05d0 e\\u0301'")]).unwrap();
    let vocab = strings(&get(&model, "vocab"));
    assert_eq!(
        vocab,
        ["chai", "\u{fffd}", "garam", "hai", "a\u{0}b", "\u{202e}\u{5d0}", "e\u{301}", "[START]", "[END]"]
    );
    let chars = construct(&[js("'e\\u0301\\u202e'"), js("{ tokenizer: 'char' }")]).unwrap();
    assert_eq!(
        strings(&get(&chars, "vocab")),
        ["e", "\u{301}", "\u{202e}", "[START]", "[END]"],
        "one token per code point"
    );
    // past the documented size, a clear Error before any work
    let huge = error_message(construct(&[js("'a '.repeat(25 * 1024 * 1024)")]).unwrap_err());
    assert!(huge.contains("the corpus (in UTF-8 bytes) is 52,428,800, above the limit of 33,554,432"), "{huge}");
    let big_held_out = error_message(call(&model, "loss", &[js("'chai '.repeat(7 * 1024 * 1024)")]).unwrap_err());
    assert!(big_held_out.contains("above the limit"), "{big_held_out}");
    assert!(call(&model, "loss", &[]).is_ok(), "still works");
}
