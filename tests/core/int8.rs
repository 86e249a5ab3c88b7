#![cfg(feature = "gpt")]
//! The compact int8 form on small models: numpy's quantization and logits (tests/fixtures/gpt1_int8_small.json),
//! streaming quantization against `compact()`, the KV cache's bits, the file layout and its round trip, the
//! agreement of the two forms, and clear errors.

use crate::random_gpt1::{header_of, random_file, tensors_of};
use crate::util::{LESSON, floats};
use gpt1_playground::encode::TaskInput;
use gpt1_playground::gpt::formats::safetensors;
use gpt1_playground::gpt::int8::{BLOCK, Int8Weights};
use gpt1_playground::gpt::{DecodeOptions, FineTuneOptions, Form, GptOptions, LabelledInput, Norm, TinyGpt};
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("../fixtures/gpt1_int8_small.json")).unwrap()
}

/// The small fixture's float32 file: GPT-1's layout at d 64, 2 blocks, 4 heads, context 16, 300 rows.
fn small_file() -> Vec<u8> {
    let c = &fixture()["config"];
    let n = |k: &str| c[k].as_u64().unwrap() as usize;
    let tensors = tensors_of(n("d"), n("layers"), n("context"), n("rows"));
    random_file(c["seed"].as_u64().unwrap() as u32, &tensors, &format!(",\"heads\":\"{}\"", n("heads")))
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect()
}

/// Streams `bytes` through the loader in chunks of `chunk` bytes, into `form`.
fn stream(bytes: &[u8], chunk: usize, form: Option<Form>) -> Result<TinyGpt, String> {
    let header = TinyGpt::safetensors_header_length(&bytes[..8]).map_err(|e| e.to_string())?;
    let mut loader = TinyGpt::load_safetensors_as(&bytes[..header], None, Some(bytes.len() as u64), form)
        .map_err(|e| e.to_string())?;
    for piece in bytes[header..].chunks(chunk) {
        loader.write(piece).map_err(|e| e.to_string())?;
    }
    loader.finish().map_err(|e| e.to_string())
}

/// Checks a matrix's quantization against numpy's fingerprint of it, exactly.
pub fn same_quantization(int8: &Int8Weights, layers: usize, name: &str, numpy: &Value) {
    let id = gpt1_playground::gpt::int8::MatrixId::of_name(name, layers).unwrap();
    let m = int8.matrix(id);
    // (as float32: serde_json may read a float64 one unit in the last place off)
    let numpy_scales: Vec<f32> = floats(&numpy["first_scales"]).iter().map(|&s| s as f32).collect();
    assert_eq!(m.scales[..8], numpy_scales, "{name}: scales");
    let first: Vec<f64> = m.weights[..16].iter().map(|&q| f64::from(q)).collect();
    assert_eq!(first, floats(&numpy["first_weights"]), "{name}: weights");
    let sum: i64 = m.weights.iter().map(|&q| i64::from(q)).sum();
    let squares: i64 = m.weights.iter().map(|&q| i64::from(q) * i64::from(q)).sum();
    assert_eq!((sum, squares), (numpy["weight_sum"].as_i64().unwrap(), numpy["weight_square_sum"].as_i64().unwrap()));
    let scale_sum: f64 = m.scales.iter().map(|&s| f64::from(s)).sum();
    assert!((scale_sum - numpy["scale_sum"].as_f64().unwrap()).abs() < 1e-9, "{name}: {scale_sum}");
}

/// `Σ logit` in float64, in order: a fingerprint of every bit of a row (the wasm tests check the same sums).
fn logit_sum(logits: &[f32]) -> f64 {
    logits.iter().map(|&x| f64::from(x)).sum()
}

/// The bits of the small fixture's logits in the int8 form, summed as [`logit_sum`] does: tests/wasm/int8.rs checks
/// the same constant in WebAssembly without SIMD, tests/js/ with it.
const SMALL_LOGIT_SUM_BITS: u64 = 0x4023_c931_0308_0000;

#[test]
fn the_compact_form_matches_numpy() {
    let fixture = fixture();
    let float = TinyGpt::from_safetensors(&small_file(), None).unwrap();
    let compact = float.compact().unwrap();
    assert_eq!((float.form(), compact.form()), (Form::Float32, Form::Int8));
    assert_eq!(compact.parameters(), float.parameters());
    let int8 = compact.int8_weights().unwrap();
    for (name, numpy) in fixture["quantization"].as_object().unwrap() {
        same_quantization(int8, 2, name, numpy);
    }
    let ids = ids(&fixture["ids"]);
    let logits = compact.logits(&ids).unwrap();
    let numpy = floats(&fixture["logits"]);
    assert_eq!(logits.len(), numpy.len());
    let worst = logits.iter().zip(&numpy).map(|(&a, &b)| (f64::from(a) - b).abs()).fold(0.0, f64::max);
    assert!(worst <= 1e-4, "{worst}");
    // the float32 model is further from numpy's compact logits: the test tells the forms apart
    let float_logits = float.logits(&ids).unwrap();
    let apart = float_logits.iter().zip(&numpy).map(|(&a, &b)| (f64::from(a) - b).abs()).fold(0.0, f64::max);
    assert!(apart > 10.0 * worst.max(1e-6), "float32 is {apart} away, int8 {worst}");
    assert_eq!(logit_sum(&logits).to_bits(), SMALL_LOGIT_SUM_BITS, "{}", logit_sum(&logits));
}

#[test]
fn streaming_quantization_gives_compacts_weights() {
    let file = small_file();
    let compact = TinyGpt::from_safetensors(&file, None).unwrap().compact().unwrap();
    for chunk in [1, 3, 4, 7, 64, 1000, file.len()] {
        let streamed = stream(&file, chunk, Some(Form::Int8)).unwrap();
        assert_eq!(streamed.form(), Form::Int8);
        assert_eq!(streamed.int8_weights(), compact.int8_weights(), "chunks of {chunk}");
        assert_eq!(streamed.weights(), compact.weights(), "the float32 weights that stay");
    }
    let whole = TinyGpt::from_safetensors_as(&file, None, Some(Form::Int8)).unwrap();
    assert_eq!(whole.int8_weights(), compact.int8_weights());
    // a float32 file read with no form stays float32
    assert_eq!(stream(&file, 1000, None).unwrap().form(), Form::Float32);
}

/// The logits of the last position of `ids` from a full forward pass.
fn last_row(gpt: &TinyGpt, ids: &[u32]) -> Vec<f32> {
    let all = gpt.logits(ids).unwrap();
    all[all.len() - gpt.config().embeddings..].to_vec()
}

#[test]
fn the_kv_cache_gives_the_full_passs_bits() {
    let compact = TinyGpt::from_safetensors(&small_file(), None).unwrap().compact().unwrap();
    let ids = ids(&fixture()["ids"]);
    let mut decoder = compact.decoder(&ids[..3], DecodeOptions { seed: Some(1), ..Default::default() }).unwrap();
    for t in 3..=ids.len() {
        assert_eq!(decoder.logits().unwrap(), last_row(&compact, &ids[..t]), "{t} positions");
        if t < ids.len() {
            decoder.push(ids[t]).unwrap();
        }
    }
    assert_eq!(compact.final_state(&ids).unwrap().len(), 64);
    // tiny GPTs of both arrangements: continuing with the cache draws what recomputing draws
    for (seed, norm) in [(1, Norm::Post), (2, Norm::Pre)] {
        let options = GptOptions { d_model: 32, layers: 2, heads: 2, context: 12, seed, norm, ..Default::default() };
        let gpt = TinyGpt::new(LESSON, &options).unwrap();
        let compact = gpt.compact().unwrap();
        let options = DecodeOptions { seed: Some(seed), temperature: 1.0, top_k: 4 };
        let tokens = compact.continue_ids(&[0, 1, 2], 9, options).unwrap();
        let (mut rng, mut ids) = (gpt1_playground::sampling::Mt19937::new(seed), vec![0u32, 1, 2]);
        for _ in 0..9 {
            let mut row = gpt1_playground::gpt::infer::decode::probabilities(&last_row(&compact, &ids));
            ids.push(gpt1_playground::gpt::infer::decode::draw(&mut row, &options, &mut rng).unwrap());
        }
        assert_eq!(tokens, ids[3..], "{norm:?}");
        // the compact model still reads and scores text
        assert!(compact.loss(Some("chai acha hai")).unwrap().is_finite());
        assert_eq!(compact.view_tokens("chai acha").unwrap(), gpt.view_tokens("chai acha").unwrap());
    }
}

#[test]
fn the_file_holds_i8_matrices_and_f16_scales_and_comes_back() {
    let compact = TinyGpt::from_safetensors(&small_file(), None).unwrap().compact().unwrap();
    let bytes = compact.to_safetensors();
    let file = safetensors::read(&bytes).unwrap();
    assert_eq!((file.meta("form"), file.meta("block"), file.meta("heads")), (Some("int8"), Some("32"), Some("4")));
    let tensor = |name: &str| file.tensors.iter().find(|t| t.name == name).unwrap();
    let qkv = tensor("h.1.attn.c_attn.weight");
    assert_eq!((qkv.dtype, qkv.shape.as_slice()), (safetensors::Dtype::I8, &[192, 64][..]));
    let scales = tensor("h.1.attn.c_attn.weight_scale");
    assert_eq!((scales.dtype, scales.shape.as_slice()), (safetensors::Dtype::F16, &[192, 2][..]));
    let out = tensor("h.0.mlp.c_proj.weight");
    assert_eq!(out.shape, [64, 256]);
    assert_eq!(tensor("tokens_embed.weight").shape, [300, 64]);
    assert_eq!(tensor("h.0.ln_1.bias").dtype, safetensors::Dtype::F32);
    // every byte: 8 bits per compact weight, 16 per scale, 32 per other number
    let int8 = compact.int8_weights().unwrap();
    let header = TinyGpt::safetensors_header_length(&bytes[..8]).unwrap();
    assert_eq!(bytes.len() - header, int8.len() + 2 * int8.len() / BLOCK + 4 * compact.weights().len());
    // back, the form told by the header, whole or streamed: the same model to the bit
    for back in [TinyGpt::from_safetensors(&bytes, None).unwrap(), stream(&bytes, 5, None).unwrap()] {
        assert_eq!(back.form(), Form::Int8);
        assert_eq!(back.int8_weights(), compact.int8_weights());
        assert_eq!(back.to_safetensors(), bytes);
        assert_eq!(back.logits(&[5, 6, 7]).unwrap(), compact.logits(&[5, 6, 7]).unwrap());
    }
    assert!(stream(&bytes, 1000, Some(Form::Int8)).is_ok());
    // a model with a vocabulary and a classifier keeps both
    let options = GptOptions { d_model: 32, layers: 1, heads: 2, context: 12, ..Default::default() };
    let mut gpt = TinyGpt::new(LESSON, &options).unwrap();
    let example = |text: &str, label| LabelledInput { input: TaskInput::Classification { text: text.into() }, label };
    let few = FineTuneOptions { steps: 2, batch_size: 2, ..Default::default() };
    gpt.fine_tune(&[example("chai acha", 1), example("chai bahut garam hai", 0)], 2, &few).unwrap();
    let compact = gpt.compact().unwrap();
    let back = TinyGpt::from_safetensors(&compact.to_safetensors(), None).unwrap();
    let input = TaskInput::Classification { text: "chai acha hai".into() };
    assert_eq!(back.classify(&input).unwrap(), compact.classify(&input).unwrap());
    assert_eq!(back.vocab().tokens(), gpt.vocab().tokens());
}

/// Writes `gpt`'s file through its writer in slices of at most `max` bytes, checking each slice; the file.
fn written_in_slices(gpt: &TinyGpt, max: usize) -> Vec<u8> {
    let mut writer = gpt.safetensors_writer();
    let mut bytes = writer.next_slice(max).unwrap();
    let header = bytes.len();
    assert_eq!(header, TinyGpt::safetensors_header_length(&bytes[..8]).unwrap(), "the header comes whole first");
    let tensors = safetensors::read_header(&bytes, None).unwrap().tensors;
    while !writer.done() {
        let slice = writer.next_slice(max).unwrap();
        assert!(!slice.is_empty() && slice.len() <= max, "a slice of {} bytes, at most {max}", slice.len());
        bytes.extend_from_slice(&slice);
        assert_eq!(writer.written(), bytes.len() as u64);
        // the slice ends between two whole values of the tensor it ends in
        let cut = bytes.len() - header;
        let size = |t: &safetensors::Tensor<'_>| t.shape.iter().product::<usize>() * t.dtype.size();
        if let Some(t) = tensors.iter().find(|t| t.offset <= cut && cut < t.offset + size(t)) {
            assert_eq!((cut - t.offset) % t.dtype.size(), 0, "a slice ends inside a value of {}", t.name);
        }
    }
    assert_eq!(writer.file_bytes(), bytes.len() as u64);
    assert!(writer.next_slice(max).unwrap().is_empty(), "nothing after the last byte");
    bytes
}

#[test]
fn the_writer_gives_the_file_a_slice_at_a_time() {
    let compact = TinyGpt::from_safetensors(&small_file(), None).unwrap().compact().unwrap();
    // a float32 model with a vocabulary and a classifier, and its compact form
    let options = GptOptions { d_model: 32, layers: 1, heads: 2, context: 12, ..Default::default() };
    let mut tuned = TinyGpt::new(LESSON, &options).unwrap();
    let example = |text: &str, label| LabelledInput { input: TaskInput::Classification { text: text.into() }, label };
    let few = FineTuneOptions { steps: 1, batch_size: 2, ..Default::default() };
    tuned.fine_tune(&[example("chai acha", 1), example("chai bahut garam hai", 0)], 2, &few).unwrap();
    for gpt in [&compact, &tuned, &tuned.compact().unwrap()] {
        let whole = gpt.to_safetensors();
        for max in [4, 5, 7, 64, 4097, 1 << 20, usize::MAX] {
            assert!(written_in_slices(gpt, max) == whole, "{:?} in slices of {max} bytes", gpt.form());
        }
    }
    // the writer holds the weights it writes: the model may go first
    let mut writer = compact.safetensors_writer();
    let whole = compact.to_safetensors();
    drop(compact);
    let mut bytes = Vec::new();
    while !writer.done() {
        bytes.extend(writer.next_slice(1000).unwrap());
    }
    assert!(bytes == whole);
    let error = writer.next_slice(3).unwrap_err().to_string();
    assert_eq!(error, "maxBytes must be at least 4 (a slice holds whole values, and a float32 takes 4 bytes); got 3");
}

/// Checks what [`TinyGpt::agreement`] reports against a plain float64 computation from two full passes (the KL
/// within 1e-9: the model takes each probability from its own f32 `exp`).
fn agrees(p: &TinyGpt, q: &TinyGpt, ids: &[u32]) -> gpt1_playground::gpt::Agreement {
    let ours = p.agreement(q, ids).unwrap();
    let plain = by_hand(p, q, ids);
    assert_eq!((ours.positions, ours.top1), (plain.positions, plain.top1));
    assert_eq!(
        (ours.max_logit_difference, ours.mean_logit_difference),
        (plain.max_logit_difference, plain.mean_logit_difference)
    );
    assert!((ours.mean_kl - plain.mean_kl).abs() <= 1e-9, "{} vs {}", ours.mean_kl, plain.mean_kl);
    ours
}

/// What [`TinyGpt::agreement`] reports, computed plainly in float64 from two full passes.
fn by_hand(p: &TinyGpt, q: &TinyGpt, ids: &[u32]) -> gpt1_playground::gpt::Agreement {
    let rows = p.config().embeddings;
    let (lp, lq) = (p.logits(ids).unwrap(), q.logits(ids).unwrap());
    let (mut max, mut sum, mut kl, mut top1) = (0.0f64, 0.0, 0.0, 0);
    for (p, q) in lp.chunks_exact(rows).zip(lq.chunks_exact(rows)) {
        let lse = |r: &[f32]| {
            let m = r.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(f64::from(x)));
            m + r.iter().map(|&x| (f64::from(x) - m).exp()).sum::<f64>().ln()
        };
        let (sp, sq) = (lse(p), lse(q));
        for (&x, &y) in p.iter().zip(q) {
            let (x, y) = (f64::from(x), f64::from(y));
            max = max.max((x - y).abs());
            sum += (x - y).abs();
            kl += (x - sp).exp() * ((x - sp) - (y - sq));
        }
        let best = |r: &[f32]| (0..r.len()).fold(0, |b, i| if r[i] > r[b] { i } else { b });
        top1 += usize::from(best(p) == best(q));
    }
    let t = ids.len();
    gpt1_playground::gpt::Agreement {
        positions: t,
        top1: top1 as f64 / t as f64,
        mean_kl: kl / t as f64,
        max_logit_difference: max,
        mean_logit_difference: sum / (t * rows) as f64,
    }
}

#[test]
fn the_two_forms_agree_as_measured() {
    let float = TinyGpt::from_safetensors(&small_file(), None).unwrap();
    let compact = float.compact().unwrap();
    let ids = ids(&fixture()["ids"]);
    let same = float.agreement(&float, &ids).unwrap();
    assert_eq!((same.positions, same.top1, same.mean_kl, same.max_logit_difference), (12, 1.0, 0.0, 0.0));
    let a = agrees(&float, &compact, &ids);
    assert!(a.max_logit_difference > 0.0 && a.mean_kl > 0.0 && a.top1 > 0.5, "{a:?}");
    // more positions than one batch of logits holds
    let options = GptOptions { d_model: 32, layers: 1, heads: 2, context: 40, ..Default::default() };
    let (long, many) = (TinyGpt::new(LESSON, &options).unwrap(), [0, 3, 1, 5, 2, 4, 6].repeat(6));
    let long_compact = long.compact().unwrap();
    agrees(&long, &long_compact, &many[..40]);
    // the other way round: the compact model as the reference
    agrees(&compact, &float, &ids);
    // shapes must match, and the ids must fit
    let other = TinyGpt::new(LESSON, &GptOptions { d_model: 32, ..Default::default() }).unwrap();
    assert!(float.agreement(&other, &[1, 2]).unwrap_err().to_string().contains("a model of this one's shape"));
    assert!(float.agreement(&compact, &[0; 17]).unwrap_err().to_string().contains("1 to 16 token ids"));
}

#[test]
fn what_the_form_cannot_do_is_a_clear_error() {
    let file = small_file();
    let compact = TinyGpt::from_safetensors(&file, None).unwrap().compact().unwrap();
    // training and fine-tuning
    let mut gpt = TinyGpt::new(LESSON, &GptOptions { d_model: 32, heads: 2, ..Default::default() }).unwrap();
    let mut small = gpt.compact().unwrap();
    assert!(small.step(1).unwrap_err().to_string().contains("compact int8 form, which cannot train"));
    let example = LabelledInput { input: TaskInput::Classification { text: "chai acha".into() }, label: 1 };
    let message = small.fine_tune(&[example], 2, &Default::default()).unwrap_err().to_string();
    assert!(message.contains("cannot fine-tune"), "{message}");
    assert!(gpt.step(1).is_ok(), "the float32 model trains on");
    // d must be a multiple of 32
    let narrow = TinyGpt::new(LESSON, &GptOptions { d_model: 16, heads: 2, ..Default::default() }).unwrap();
    assert!(narrow.compact().unwrap_err().to_string().contains("needs d to be a multiple of 32"));
    let message = stream(&narrow.to_safetensors(), 100, Some(Form::Int8)).unwrap_err();
    assert!(
        message.contains("needs d to be a multiple of 32 (it scales blocks of 32 inputs); this model has d = 16"),
        "{message}"
    );
    // an int8 file is not turned back into float32
    let bytes = compact.to_safetensors();
    assert!(stream(&bytes, 100, Some(Form::Float32)).unwrap_err().contains("cannot be turned back into float32"));
    assert!(TinyGpt::from_safetensors_as(&bytes, None, Some(Form::Float32)).is_err());
    // hostile headers: I8 outside the form, scales missing or mistyped, other forms and blocks
    let tensors = tensors_of(64, 2, 16, 300);
    let load = |h: Vec<u8>| TinyGpt::load_safetensors_as(&h, Some(4), None, None).unwrap_err().to_string();
    for (metadata, expected) in [
        (",\"form\":\"int4\"", "metadata form is \"int4\": expected \"float32\" or \"int8\""),
        (",\"form\":\"int8\",\"block\":\"16\"", "the int8 form has blocks of \"32\""),
        (",\"form\":\"int8\",\"block\":\"32\"", "tensor \"tokens_embed.weight\": is F32 of shape [300, 64]"),
    ] {
        let message = load(header_of(&tensors, metadata));
        assert!(message.contains(expected), "{metadata}: {message}");
    }
    // in the compact file itself: drop a scale, retype one, and put an I8 tensor in a float32 file
    let (file_header, _) = bytes.split_at(TinyGpt::safetensors_header_length(&bytes[..8]).unwrap());
    let text = String::from_utf8(file_header[8..].to_vec()).unwrap();
    let relabel = |from: &str, to: &str| {
        let h = text.replacen(from, to, 1);
        let mut out = (h.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(h.as_bytes());
        out
    };
    let h = relabel("\"h.1.mlp.c_fc.weight_scale\"", "\"h.1.mlp.c_fc.weight_scales\"");
    let message = load(h);
    assert!(message.contains("h.1.mlp.c_fc.weight_scale\": is missing"), "{message}");
    let h = relabel("\"form\":\"int8\"", "\"form\":\"float32\"");
    assert!(load(h).contains("is I8: only the matrices of a file in the int8 form"));
    // a weight too large for float16 scales names its tensor; the loader refuses the rest of the file
    let mut huge = file.clone();
    let at = TinyGpt::safetensors_header_length(&file[..8]).unwrap() + 4 * 300 * 64 + 4 * 16 * 64 + 40;
    huge[at..at + 4].copy_from_slice(&1e7f32.to_le_bytes());
    let message = stream(&huge, 4096, Some(Form::Int8)).unwrap_err();
    assert!(message.contains("h.0.attn.c_attn.weight") && message.contains("magnitude 10000000"), "{message}");
    // and the model in hand keeps working
    assert_eq!(compact.logits(&[1, 2]).unwrap().len(), 600);
}
