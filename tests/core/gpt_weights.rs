#![cfg(feature = "gpt")]
//! GPT-1's architecture against an outside reference (numpy, `tests/fixtures/gpt1_reference.py`, written from
//! OpenAI's train.py), and weights out and in as safetensors: round trips, Hugging Face's naming variants, and a
//! clear error for every kind of bad file.

use crate::util::{LESSON, floats};
use gpt1_playground::Error;
use gpt1_playground::encode::TaskInput;
use gpt1_playground::gpt::formats::safetensors::{self, Output, Values};
use gpt1_playground::gpt::{FineTuneOptions, GptOptions, LabelledInput, Norm, TinyGpt};
use gpt1_playground::ngram::TokenizerKind;
use gpt1_playground::sampling::{SampleOptions, generate};
use gpt1_playground::tokens::Boundaries;
use serde_json::Value;

fn fixture(name: &str) -> (Vec<u8>, Value) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    let bytes = std::fs::read(format!("{dir}{name}.safetensors")).unwrap();
    let json = serde_json::from_str(&std::fs::read_to_string(format!("{dir}{name}.json")).unwrap()).unwrap();
    (bytes, json)
}

fn assert_close(ours: &[f32], reference: &[f64], what: &str) {
    assert_eq!(ours.len(), reference.len(), "{what}: length");
    let worst = ours.iter().zip(reference).map(|(&a, &b)| (f64::from(a) - b).abs()).fold(0.0, f64::max);
    assert!(worst <= 1e-5, "{what}: worst difference {worst:e} above 1e-5");
    eprintln!("{what}: worst difference {worst:.1e}");
}

/// Loads a reference model and checks its logits and every head's attention weights.
fn check_reference(name: &str) -> (TinyGpt, Value) {
    let (bytes, reference) = fixture(name);
    let model = TinyGpt::from_safetensors(&bytes, None).unwrap();
    let c = &reference["config"];
    let config = model.config();
    let dims = [config.d_model, config.layers, config.heads, config.context, config.embeddings];
    let want: Vec<usize> =
        ["d", "layers", "heads", "context", "rows"].iter().map(|k| c[k].as_u64().unwrap() as usize).collect();
    assert_eq!(dims.to_vec(), want, "{name}: shape inferred from the file");
    assert_eq!(config.norm.name(), c["norm"].as_str().unwrap());
    assert!(!model.has_vocabulary(), "the fixtures carry no vocabulary: ids only");
    let ids: Vec<u32> = reference["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
    let logits = model.logits(&ids).unwrap();
    assert_eq!(logits.len(), ids.len() * config.embeddings, "T × rows");
    assert_close(&logits, &floats(&reference["logits"]), &format!("{name} logits"));
    let attention = floats(&reference["attention"]);
    let t = ids.len();
    for layer in 0..config.layers {
        for head in 0..config.heads {
            let ours = model.attention_of_ids(&ids, layer as f64, head as f64).unwrap();
            let at = (layer * config.heads + head) * t * t;
            assert_close(&ours, &attention[at..at + t * t], &format!("{name} attention {layer}.{head}"));
        }
    }
    (model, reference)
}

#[test]
fn post_ln_logits_and_attention_match_the_numpy_reference() {
    check_reference("gpt1_tiny");
}

#[test]
fn a_model_with_a_classifier_matches_the_numpy_reference() {
    let (model, reference) = check_reference("gpt1_head");
    let ids: Vec<u32> = reference["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
    // the classifier's softmax at the last position, against the reference's logits
    let z = floats(&reference["classes"]);
    let max = z.iter().cloned().fold(f64::MIN, f64::max);
    let sum: f64 = z.iter().map(|x| (x - max).exp()).sum();
    let want: Vec<f64> = z.iter().map(|x| (x - max).exp() / sum).collect();
    let ours: Vec<f32> = model.classify_ids(&ids).unwrap().iter().map(|&p| p as f32).collect();
    assert_close(&ours, &want, "classifier probabilities");
}

#[test]
fn the_pre_ln_option_matches_the_numpy_reference() {
    check_reference("gpt1_pre");
}

fn trained(corpus: &str, options: GptOptions, steps: usize) -> TinyGpt {
    let mut model = TinyGpt::new(corpus, &options).unwrap();
    model.step(steps).unwrap();
    model
}

fn small(tokenizer: TokenizerKind, boundaries: Boundaries, norm: Norm) -> GptOptions {
    GptOptions {
        tokenizer,
        boundaries,
        norm,
        d_model: 16,
        layers: 2,
        heads: 2,
        context: 8,
        batch_size: 4,
        ..GptOptions::default()
    }
}

/// Everything a user sees is the same after a round trip through a file.
fn assert_same(a: &TinyGpt, b: &TinyGpt, text: &str) {
    assert_eq!(a.weights(), b.weights(), "the same weights");
    assert_eq!(a.config(), b.config());
    assert_eq!(a.vocab().tokens(), b.vocab().tokens());
    assert_eq!(a.loss(Some(text)).unwrap().to_bits(), b.loss(Some(text)).unwrap().to_bits());
    let ids = a.view_ids(text).unwrap();
    assert_eq!(a.logits(&ids).unwrap(), b.logits(&ids).unwrap());
    let options = || SampleOptions { seed: Some(9), max_len: 12, ..Default::default() };
    assert_eq!(generate(a, options()).unwrap(), generate(b, options()).unwrap());
}

#[test]
fn weights_go_out_and_come_back_the_same() {
    for norm in [Norm::Post, Norm::Pre] {
        let model = trained(LESSON, small(TokenizerKind::Word, Boundaries::Lines, norm), 10);
        let bytes = model.to_safetensors();
        let back = TinyGpt::from_safetensors(&bytes, None).unwrap();
        assert_same(&model, &back, "chai bahut acha");
        assert_eq!(back.to_safetensors(), bytes, "writing again gives the same bytes");
        // a loaded model has no corpus: it cannot train, and says why
        let mut back = back;
        assert!(back.step(1).unwrap_err().to_string().contains("holds no corpus"));
        assert!(back.loss(None).unwrap_err().to_string().contains("holds no corpus"));
    }
    let chars = trained("chai acha\nchai garam\n", small(TokenizerKind::Char, Boundaries::Stream, Norm::Post), 5);
    let back = TinyGpt::from_safetensors(&chars.to_safetensors(), None).unwrap();
    assert_same(&chars, &back, "chai garam");
    let bpe = GptOptions { merges: Some(6), ..small(TokenizerKind::Bpe, Boundaries::Lines, Norm::Post) };
    let bpe = trained(LESSON, bpe, 5);
    let back = TinyGpt::from_safetensors(&bpe.to_safetensors(), None).unwrap();
    assert_same(&bpe, &back, "chai bahut garam hai");
    assert_eq!(back.view_tokens("chai bahut acha hai").unwrap(), bpe.view_tokens("chai bahut acha hai").unwrap());
    assert_eq!(
        back.view_tokens("acha chai").unwrap(),
        ["[START]", "acha</w>", "chai</w>"],
        "a word's last piece ends in </w>"
    );
    // merges that hold whitespace (a BPE that marks word starts with a space) would spell text otherwise than
    // this BPE learnt it: refused, naming the piece
    let (tensors, mut metadata) = tensors_of(&bpe);
    metadata.iter_mut().find(|e| e.0 == "merges").unwrap().1 = r#"[["c", "h"], [" ", "ch"]]"#.into();
    let message = TinyGpt::from_safetensors(&rebuild(&tensors, &metadata), None).err().unwrap().to_string();
    assert!(message.contains("merges hold the piece \" \", with whitespace") && message.contains("</w>"), "{message}");
}

#[test]
fn a_fine_tuned_model_keeps_its_special_rows_and_classifier() {
    let mut model = trained(LESSON, small(TokenizerKind::Word, Boundaries::Lines, Norm::Post), 10);
    let example = |text: &str, label| LabelledInput { input: TaskInput::Classification { text: text.into() }, label };
    let examples = [example("chai acha", 1), example("chai bahut garam hai", 0)];
    let ft = FineTuneOptions { steps: 5, ..FineTuneOptions::default() };
    model.fine_tune(&examples, 2, &ft).unwrap();
    let bytes = model.to_safetensors();
    let file = safetensors::read(&bytes).unwrap();
    let shape = |name: &str| file.tensors.iter().find(|t| t.name == name).unwrap().shape.clone();
    let v = model.vocab().len();
    assert_eq!(shape("tokens_embed.weight"), [v + 2, 16], "the vocabulary, then [EXTRACT] and [DELIM]");
    assert_eq!(shape("score.weight"), [2, 16]);
    let back = TinyGpt::from_safetensors(&bytes, None).unwrap();
    assert_eq!(back.weights(), model.weights());
    let input = TaskInput::Classification { text: "chai acha".into() };
    assert_eq!(back.classify(&input).unwrap(), model.classify(&input).unwrap());
    // logits cover every row, the special tokens' too; generation never picks them
    let ids = model.view_ids("chai acha").unwrap();
    assert_eq!(back.logits(&ids).unwrap().len(), ids.len() * (v + 2));
}

#[test]
fn the_file_is_laid_out_as_openai_gpt() {
    let model = trained(LESSON, small(TokenizerKind::Word, Boundaries::Lines, Norm::Post), 1);
    let bytes = model.to_safetensors();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(header_len % 8, 0, "the data starts 8-byte aligned");
    let header: Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    let meta = &header["__metadata__"];
    assert_eq!((meta["heads"].as_str(), meta["architecture"].as_str()), (Some("2"), Some("post")));
    assert_eq!((meta["tokenizer"].as_str(), meta["boundaries"].as_str()), (Some("word"), Some("lines")));
    let vocab: Vec<String> = serde_json::from_str(meta["vocabulary"].as_str().unwrap()).unwrap();
    assert_eq!(vocab, model.vocab().tokens());
    let mut names: Vec<&String> = header.as_object().unwrap().keys().filter(|k| *k != "__metadata__").collect();
    names.sort();
    let mut want = vec!["positions_embed.weight".to_string(), "tokens_embed.weight".to_string()];
    for l in 0..2 {
        for t in ["attn.c_attn", "attn.c_proj", "ln_1", "mlp.c_fc", "mlp.c_proj", "ln_2"] {
            want.push(format!("h.{l}.{t}.weight"));
            want.push(format!("h.{l}.{t}.bias"));
        }
    }
    want.sort();
    assert_eq!(names, want.iter().collect::<Vec<_>>(), "no ln_f, no separate output head");
    let entry = &header["h.1.mlp.c_fc.weight"];
    assert_eq!(entry["dtype"], "F32");
    assert_eq!(entry["shape"], serde_json::json!([16, 64]), "[d, 4d]: Conv1D's [in, out]");
    let [begin, end] = [0, 1].map(|i| entry["data_offsets"][i].as_u64().unwrap() as usize);
    let data = &bytes[8 + header_len..];
    let first = f32::from_le_bytes(data[begin..begin + 4].try_into().unwrap());
    assert_eq!(end - begin, 16 * 64 * 4);
    // the weights are the network's own: block 1's w_fc starts with this value
    let loaded = TinyGpt::from_safetensors(&bytes, None).unwrap();
    assert!(loaded.weights().contains(&first));
}

/// A file of the given tensors (names and values) and metadata.
fn file(tensors: &[(&str, Vec<usize>, Vec<f32>)], metadata: &[(&str, String)]) -> Vec<u8> {
    let outputs: Vec<Output<'_>> = tensors
        .iter()
        .map(|(name, shape, values)| Output {
            name: name.to_string(),
            shape: shape.clone(),
            values: Values::F32(values),
        })
        .collect();
    safetensors::write(&outputs, metadata)
}

/// The tensors of a model's file, to rename or reshape.
/// A tensor as a test edits it: name, shape, values.
type Named = (String, Vec<usize>, Vec<f32>);
/// Metadata entries.
type Meta = Vec<(String, String)>;

fn tensors_of(model: &TinyGpt) -> (Vec<Named>, Meta) {
    let bytes = model.to_safetensors();
    let parsed = safetensors::read(&bytes).unwrap();
    let tensors = parsed
        .tensors
        .iter()
        .map(|t| {
            let mut values = vec![0.0; t.data.len() / 4];
            t.read_into(&mut values).unwrap();
            (t.name.clone(), t.shape.clone(), values)
        })
        .collect();
    (tensors, parsed.metadata.clone())
}

fn rebuild(tensors: &[Named], metadata: &[(String, String)]) -> Vec<u8> {
    let t: Vec<(&str, Vec<usize>, Vec<f32>)> =
        tensors.iter().map(|(n, s, v)| (n.as_str(), s.clone(), v.clone())).collect();
    let m: Vec<(&str, String)> = metadata.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    file(&t, &m)
}

#[test]
fn hugging_face_names_and_missing_metadata_are_accepted() {
    let options = GptOptions { d_model: 24, heads: 4, ..small(TokenizerKind::Word, Boundaries::Lines, Norm::Post) };
    let model = trained(LESSON, options, 3);
    let (mut tensors, metadata) = tensors_of(&model);
    // the transformer. prefix, and the causal-mask buffers of every block
    for t in &mut tensors {
        t.0 = format!("transformer.{}", t.0);
    }
    for l in 0..2 {
        tensors.push((format!("transformer.h.{l}.attn.bias"), vec![1, 1, 8, 8], vec![1.0; 64]));
    }
    let bytes = rebuild(&tensors, &metadata);
    let back = TinyGpt::from_safetensors(&bytes, None).unwrap();
    assert_eq!(back.weights(), model.weights());
    assert_eq!(back.config().heads, 4, "heads from the metadata");
    // no metadata: ids only, heads from the option, else GPT-1's 12
    let bare = rebuild(&tensors, &[]);
    let back = TinyGpt::from_safetensors(&bare, None).unwrap();
    assert_eq!((back.config().heads, back.has_vocabulary(), back.config().vocab), (12, false, model.vocab().len()));
    assert_eq!(TinyGpt::from_safetensors(&bare, Some(4)).unwrap().config().heads, 4);
    assert_eq!(TinyGpt::from_safetensors(&bytes, Some(6)).unwrap().config().heads, 6, "the option wins");
    let ids = [5, 0, 1];
    let with_vocab = TinyGpt::from_safetensors(&bytes, None).unwrap();
    let ids_only = TinyGpt::from_safetensors(&bare, Some(4)).unwrap();
    assert_eq!(with_vocab.logits(&ids).unwrap(), ids_only.logits(&ids).unwrap());
    assert_eq!(with_vocab.loss_of_ids(&ids).unwrap(), ids_only.loss_of_ids(&ids).unwrap());
    // text needs a vocabulary; ids need none
    for message in [
        ids_only.loss(Some("chai acha")).unwrap_err().to_string(),
        ids_only.view_ids("chai").unwrap_err().to_string(),
        ids_only.can_generate().unwrap_err().to_string(),
    ] {
        assert!(message.contains("without a vocabulary") && message.contains("token ids from 0 to 6"), "{message}");
    }
    assert!(ids_only.logits(&[7]).unwrap_err().to_string().contains("token ids from 0 to 6"));
    assert!(ids_only.logits(&[0; 9]).unwrap_err().to_string().contains("1 to 8 token ids"));
    assert!(ids_only.loss_of_ids(&[1]).unwrap_err().to_string().contains("at least 2"));
    assert!(ids_only.loss_of_ids(&[1; 30]).unwrap().is_finite(), "a sequence past the context slides the window");
}

fn load_error(bytes: &[u8]) -> String {
    match TinyGpt::from_safetensors(bytes, None) {
        Err(e @ (Error::BadWeights { .. } | Error::InvalidParameter { .. })) => e.to_string(),
        Err(e) => panic!("another kind of error: {e}"),
        Ok(_) => panic!("loaded a bad file"),
    }
}

#[test]
fn bad_files_are_clear_errors() {
    let model = trained(LESSON, small(TokenizerKind::Word, Boundaries::Lines, Norm::Post), 1);
    let good = model.to_safetensors();
    let header_len = u64::from_le_bytes(good[..8].try_into().unwrap()) as usize;
    let with_header = |header: &str, data: &[u8]| {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "only 0 bytes"),
        ("truncated data", good[..good.len() - 3].to_vec(), "reach past the end of the data"),
        ("truncated header", good[..8 + header_len / 2].to_vec(), "only"),
        (
            "header length past the end",
            {
                let mut b = good.clone();
                b[..8].copy_from_slice(&(u64::MAX).to_le_bytes());
                b
            },
            "truncated or not a safetensors file",
        ),
        ("malformed JSON", with_header("{\"a\": [1, 2", &[]), "not valid JSON"),
        ("not an object", with_header("[1]", &[]), "must be a JSON object"),
        (
            "unknown dtype",
            with_header(r#"{"tokens_embed.weight":{"dtype":"I4","shape":[1],"data_offsets":[0,1]}}"#, &[0]),
            "tensor \"tokens_embed.weight\": dtype \"I4\" is not supported: expected F32, F16, BF16, F64 or I8",
        ),
        (
            "shape vs data length",
            with_header(r#"{"x":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, &[0; 20]),
            "tensor \"x\": shape [2, 3] of F32 needs 24 bytes, but data_offsets [0, 20] hold 20",
        ),
        (
            "100 GB claimed",
            with_header(
                r#"{"tokens_embed.weight":{"dtype":"F32","shape":[100000,250000],"data_offsets":[0,100000000000]}}"#,
                &[0; 16],
            ),
            "data_offsets [0, 100000000000] reach past the end of the data (16 bytes)",
        ),
        (
            "overflowing shape",
            with_header(r#"{"x":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}}"#, &[0; 8]),
            "needs more than 2^64 bytes",
        ),
        (
            "gap",
            with_header(r#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, &[0; 8]),
            "starts at byte 4 of the data, expected 0",
        ),
        (
            "trailing data",
            with_header(r#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, &[0; 8]),
            "4 bytes of data follow",
        ),
        (
            "duplicate",
            with_header(
                r#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                &[0; 8],
            ),
            "tensor \"x\": appears twice",
        ),
        ("deep nesting", with_header(&format!("{}{}", "[".repeat(5000), "]".repeat(5000)), &[]), "nesting deeper"),
        (
            "not openai-gpt",
            with_header(r#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, &[0; 4]),
            "no tensor tokens_embed.weight [rows, d]",
        ),
    ];
    for (what, bytes, expected) in cases {
        let message = load_error(&bytes);
        assert!(message.starts_with("weights file: ") && message.contains(expected), "{what}: {message}");
    }

    // inconsistent shapes, NaN weights, missing and unexpected tensors, bad metadata: on a real model's tensors
    let (tensors, metadata) = tensors_of(&model);
    let changed = |change: &dyn Fn(&mut Vec<Named>, &mut Meta)| {
        let (mut t, mut m) = (tensors.clone(), metadata.clone());
        change(&mut t, &mut m);
        load_error(&rebuild(&t, &m))
    };
    let named = |t: &mut Vec<Named>, name: &str| t.iter().position(|x| x.0 == name).unwrap();
    let message = changed(&|t, _| {
        let i = named(t, "h.1.mlp.c_fc.weight");
        t[i].1 = vec![64, 16];
    });
    assert!(message.contains("tensor \"h.1.mlp.c_fc.weight\": shape [64, 16], expected [16, 64]"), "{message}");
    let message = changed(&|t, _| {
        let i = named(t, "h.0.ln_2.bias");
        t[i].2[3] = f32::NAN;
    });
    assert!(message.contains("tensor \"h.0.ln_2.bias\": element 3 is NaN"), "{message}");
    let message = changed(&|t, _| {
        let i = named(t, "h.1.ln_1.weight");
        t.remove(i);
    });
    assert!(message.contains("tensor \"h.1.ln_1.weight\": is missing: expected shape [16]"), "{message}");
    let message = changed(&|t, _| {
        let i = named(t, "positions_embed.weight");
        t[i].1 = vec![4, 32];
    });
    assert!(message.contains("shape [4, 32], expected [4, 16] (d from tokens_embed.weight)"), "{message}");
    let message = changed(&|t, _| t.push(("lm_head.weight".into(), vec![1], vec![0.0])));
    assert!(message.contains("tensor \"lm_head.weight\": is not part of this model"), "{message}");
    let message = changed(&|_, m| m.iter_mut().find(|e| e.0 == "heads").unwrap().1 = "5".into());
    assert!(
        message.contains("heads must be a divisor of d = 16") && message.contains("5 (from the file's metadata)"),
        "{message}"
    );
    let message = changed(&|_, m| m.iter_mut().find(|e| e.0 == "vocabulary").unwrap().1 = "[\"chai\", 3]".into());
    assert!(message.contains("vocabulary must be a JSON array of strings"), "{message}");
    let message = changed(&|_, m| m.iter_mut().find(|e| e.0 == "architecture").unwrap().1 = "sideways".into());
    assert!(message.contains("architecture") && message.contains("\"post\""), "{message}");
    // and a good file still loads after all that
    assert!(TinyGpt::from_safetensors(&good, None).is_ok());
}
