//! GPT-1's tokenizer through the JavaScript boundary, in Node, Chromium and Firefox: the released files as the page
//! ships them (gzipped, opened with the platform's DecompressionStream), a subset of the original's ids, the
//! step-through, clear errors, and 32 MiB of text without a trap.
#![cfg(feature = "gpt")]

use gpt1_playground::wasm::tokenizer::Gpt1Tokenizer;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::util::{js, message};

const ENCODER_GZ: &[u8] = include_bytes!("../../www/data/gpt1/encoder_bpe_40000.json.gz");
const MERGES_GZ: &[u8] = include_bytes!("../../www/data/gpt1/vocab_40000.bpe.gz");
const CASES: &str = include_str!("../fixtures/gpt1_tokenizer_cases.jsonl");

/// Gunzips bytes with the platform's DecompressionStream, as the page does.
async fn gunzip(bytes: &[u8]) -> String {
    let gunzip: Function = js("async (bytes) => new Response(new Blob([bytes]).stream()
        .pipeThrough(new DecompressionStream('gzip'))).text()")
    .unchecked_into();
    let promise: Promise = gunzip.call1(&JsValue::NULL, &Uint8Array::from(bytes)).expect("gunzip starts").into();
    JsFuture::from(promise).await.expect("gunzip").as_string().expect("text")
}

async fn tokenizer() -> Gpt1Tokenizer {
    let encoder = gunzip(ENCODER_GZ).await;
    let merges = gunzip(MERGES_GZ).await;
    Gpt1Tokenizer::new(encoder.into(), merges.into()).expect("the released files load")
}

#[wasm_bindgen_test]
async fn the_lesson_sentence_and_a_subset_of_the_original_battery() {
    let mut tok = tokenizer().await;
    assert_eq!(tok.size(), 40_478);
    assert_eq!(tok.special_ids(), [40478, 40479, 40480]);
    let ids = tok.encode("chai bahut garam hai".into()).unwrap();
    assert_eq!(ids, [33694, 829, 9813, 1325, 1048, 19965]);
    assert_eq!(
        tok.pieces("chai bahut garam hai".into()).unwrap(),
        ["chai</w>", "ba", "hut</w>", "gar", "am</w>", "hai</w>"]
    );
    assert_eq!(tok.decode(js("[33694, 829, 9813, 1325, 1048, 19965]")).unwrap(), "chai bahut garam hai");
    assert_eq!(tok.decode(js("new Uint32Array([40478, 33694, 40480])")).unwrap(), "_start_ chai _classify_");
    // one token's piece as the encoder spells it: `</w>` kept, so a word's end can be told from its middle
    assert_eq!(tok.piece(js("829")).unwrap(), "ba");
    assert_eq!(tok.piece(js("9813")).unwrap(), "hut</w>");
    assert_eq!(tok.piece(js("40479")).unwrap(), "_delimiter_</w>");
    assert!(message(tok.piece(js("40481"))).contains("40480"));
    // every 7th line of the battery (JSON.parse reads the fixture), mojibake aside: ftfy's repair is left out
    let mut checked = 0;
    for line in CASES.lines().step_by(7) {
        let case: Array = js_sys::JSON::parse(line).expect("JSON line").unchecked_into();
        let kind = case.get(0).as_string().unwrap();
        if kind == "mojibake" {
            continue;
        }
        let text = case.get(1).as_string().unwrap();
        let expected: Vec<u32> =
            case.get(2).as_string().unwrap().split_whitespace().map(|id| id.parse().unwrap()).collect();
        assert_eq!(tok.encode(text.clone().into()).unwrap(), expected, "[{kind}] {text:?}");
        checked += 1;
    }
    assert!(checked > 500, "{checked} lines checked");
}

#[wasm_bindgen_test]
async fn merges_steps_and_errors() {
    let mut tok = tokenizer().await;
    let steps = tok.merges("bahut".into()).unwrap();
    let first = steps.get(0);
    assert!(Reflect::get(&first, &"pair".into()).unwrap().is_null());
    let pieces = |step: &JsValue| -> Vec<String> {
        let array: Array = Reflect::get(step, &"pieces".into()).unwrap().unchecked_into();
        array.iter().map(|p| p.as_string().unwrap()).collect()
    };
    assert_eq!(pieces(&first), ["b", "a", "h", "u", "t</w>"]);
    assert_eq!(pieces(&steps.get(steps.length() - 1)), ["ba", "hut</w>"]);
    let second = steps.get(1);
    assert!(Reflect::get(&second, &"rank".into()).unwrap().as_f64().is_some());
    assert!(message(tok.merges("two words".into())).contains("one word"));
    assert!(message(tok.encode(js("42"))).contains("text must be a string"));
    assert!(message(tok.decode(js("[1, -1]"))).contains("ids"));
    assert!(message(tok.decode(js("[40481]"))).contains("40480"));
    assert!(message(Gpt1Tokenizer::new("{}".into(), "#version: 0.2\nt h\n".into())).contains("encoder_bpe_40000.json"));
    assert!(message(Gpt1Tokenizer::new("{\"t\": 0}".into(), "t h".into())).contains("vocab_40000.bpe"));
}

#[wasm_bindgen_test]
async fn every_step_of_the_pipeline_crosses_as_plain_data() {
    let mut tok = tokenizer().await;
    let text = "I Don\u{2019}t like chaiwala\u{2026}";
    let stages = tok.stages(text.into()).unwrap();
    let field = |name: &str| Reflect::get(&stages, &name.into()).unwrap();
    let strings =
        |value: JsValue| -> Vec<String> { Array::from(&value).iter().map(|s| s.as_string().unwrap()).collect() };
    assert_eq!(field("fixed").as_string().unwrap(), "I Don't like chaiwala\u{2026}");
    assert_eq!(field("standardized").as_string().unwrap(), "I Don't like chaiwala...");
    assert_eq!(strings(field("tokens")), ["I", "Do", "n't", "like", "chaiwala", "..."]);
    assert_eq!(strings(field("lowered")), ["i", "do", "n't", "like", "chaiwala", "..."]);
    // each token's pieces, and their ids: together, what pieces() and encode() give
    let pieces: Vec<Vec<String>> = Array::from(&field("pieces")).iter().map(strings).collect();
    assert_eq!(pieces[4], ["cha", "i", "wal", "a</w>"]);
    assert_eq!(pieces.concat(), tok.pieces(text.into()).unwrap());
    let ids: Vec<u32> = Array::from(&field("ids"))
        .iter()
        .flat_map(|a| Array::from(&a).iter().map(|id| id.as_f64().unwrap() as u32).collect::<Vec<_>>())
        .collect();
    assert_eq!(ids, tok.encode(text.into()).unwrap());
    assert!(message(tok.stages(js("42"))).contains("text must be a string"));
    assert_eq!(strings(Reflect::get(&tok.stages("".into()).unwrap(), &"tokens".into()).unwrap()), Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn thirty_two_mebibytes_of_text_tokenize_without_a_trap() {
    let mut tok = tokenizer().await;
    // 32 MiB in Node; in a browser the test page must answer its WebDriver every few seconds, and one call on 32 MiB
    // (tens of seconds in this unoptimised test build) would block it, so browsers get 4 MiB
    let mebibytes = if js("typeof window === 'undefined'").is_truthy() { 32 } else { 4 };
    let paragraph = "The kettle began to whistle, and she said: \"I don't know what's next!\" (Dr. Ray, 10 a.m.)\n";
    let text = paragraph.repeat((mebibytes << 20) / paragraph.len() + 1);
    assert!(text.len() >= mebibytes << 20);
    let one = tok.encode(paragraph.into()).unwrap();
    let all = tok.encode(text.clone().into()).unwrap();
    // each line break between paragraphs is one more token ("\n</w>")
    let paragraphs = text.len() / paragraph.len();
    assert_eq!(all.len(), (one.len() + 1) * paragraphs - 1);
    assert_eq!(&all[..one.len()], &one[..]);
}
