#![cfg(feature = "gpt")]
//! GPT-1 at its full size (d 768, 12 layers, 12 heads, context 512, 40,478 rows) with random weights drawn from
//! a seed exactly as tests/fixtures/gpt1_full_reference.py draws them: the file is made here, streamed through
//! the loader in uneven chunks, and the logits of several prompts must match the numpy reference within 1e-4,
//! through the full forward pass and through the KV cache. Also the loader's own behaviour on small files, and
//! (in `tuner`) Part E's experiments at full size.

mod tuner;

use crate::random_gpt1::{header_of, tensors_of};
use crate::util::floats;
use gpt1_playground::gpt::{DecodeOptions, GptOptions, Loader, TinyGpt};
use serde_json::Value;

const D: usize = 768;
const LAYERS: usize = 12;
const CONTEXT: usize = 512;
const ROWS: usize = 40_478;

/// Every tensor of GPT-1's file, in order: name and shape.
fn tensors() -> Vec<(String, Vec<usize>)> {
    tensors_of(D, LAYERS, CONTEXT, ROWS)
}

/// The safetensors header of GPT-1's file.
fn header() -> Vec<u8> {
    header_of(&tensors(), "")
}

/// Streams GPT-1's data section in chunks of varied sizes (never a whole element count) into `write`.
fn random_data(seed: u32, write: impl FnMut(&[u8])) {
    crate::random_gpt1::random_data(seed, &tensors(), &[1 << 20, 3, 4_194_301, 6, 65_537], write);
}

fn reference() -> Value {
    serde_json::from_str(include_str!("../fixtures/gpt1_full.json")).unwrap()
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect()
}

/// The largest |ours − numpy|.
fn worst(ours: impl Iterator<Item = f32>, numpy: &[f64]) -> f64 {
    ours.zip(numpy).map(|(a, &b)| (f64::from(a) - b).abs()).fold(0.0, f64::max)
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "117M parameters: run optimised, `cargo test --release --all-features --test core gpt1_full::` (scripts/test.sh does)"
)]
fn full_size_logits_match_numpy_through_the_loader_and_the_cache() {
    let reference = reference();
    let seed = reference["config"]["seed"].as_u64().unwrap() as u32;
    let header = header();
    assert_eq!(TinyGpt::safetensors_header_length(&header[..8]).unwrap(), header.len());
    let mut loader = TinyGpt::load_safetensors(&header, None, None).unwrap();
    assert_eq!(loader.expect_bytes(), header.len() as u64 + 4 * 116_534_784);
    random_data(seed, |chunk| loader.write(chunk).unwrap());
    assert_eq!(loader.progress(), 1.0);
    let gpt = loader.finish().unwrap();
    let c = gpt.config();
    assert_eq!((c.d_model, c.layers, c.heads, c.context, c.embeddings), (D, LAYERS, 12, CONTEXT, ROWS));
    assert_eq!(gpt.parameters(), 116_534_784);
    // the weights are numpy's, to the bit: first elements and a float64 sum of two tensors
    let embedding = &gpt.weights()[..ROWS * D];
    let fingerprint = &reference["weights"]["tokens_embed.weight"];
    let first: Vec<f64> = embedding[..4].iter().map(|&w| f64::from(w)).collect();
    assert_eq!(first, floats(&fingerprint["first"]));
    let sum: f64 = embedding.iter().map(|&w| f64::from(w)).sum();
    assert!((sum - fingerprint["sum"].as_f64().unwrap()).abs() < 1e-6, "{sum}");

    matches_numpy(&gpt, &reference, 5);
}

/// The last position's logits of a prompt: from the KV cache, and from a full forward pass when one was run.
struct Last {
    cached: Vec<f32>,
    full: Option<Vec<f32>>,
}

/// Checks `gpt` against a numpy reference's prompts within 1e-4: every position's checked logits from a full pass
/// (for prompts of up to `full_pass_up_to` ids) and from the KV cache (the first half at once, then one position
/// at a time), the three most likely next ids, the top logits and the final state. Returns each prompt's last
/// logits.
fn matches_numpy(gpt: &TinyGpt, reference: &Value, full_pass_up_to: usize) -> Vec<Last> {
    let rows: Vec<usize> = ids(&reference["checked_rows"]).into_iter().map(|r| r as usize).collect();
    let mut lasts = Vec::new();
    for prompt in reference["prompts"].as_array().unwrap() {
        let ids = ids(&prompt["ids"]);
        let numpy: Vec<Vec<f64>> = prompt["logits"].as_array().unwrap().iter().map(floats).collect();
        let t = ids.len();
        let mut full = None;
        if t <= full_pass_up_to {
            // the full forward pass: every position's logits
            let logits = gpt.logits(&ids).unwrap();
            for (i, row) in numpy.iter().enumerate() {
                let ours = rows.iter().map(|&r| logits[i * ROWS + r]);
                let gap = worst(ours, row);
                assert!(gap <= 1e-4, "prompt of {t}, position {i}: {gap}");
            }
            full = Some(logits[(t - 1) * ROWS..].to_vec());
        }
        // the KV cache: the prompt's first half at once, then one position at a time
        let mut decoder =
            gpt.decoder(&ids[..t.div_ceil(2)], DecodeOptions { seed: Some(1), ..Default::default() }).unwrap();
        let mut last = Vec::new();
        for i in t.div_ceil(2) - 1..t {
            if i + 1 > decoder.ids().len() {
                // the prompt's next id, not a drawn one
                decoder.push(ids[i]).unwrap();
            }
            last = decoder.logits().unwrap().to_vec();
            let gap = worst(rows.iter().map(|&r| last[r]), &numpy[i]);
            assert!(gap <= 1e-4, "prompt of {t}, position {i} (cached): {gap}");
        }
        // the last position's ten most likely ids, their logits, and the final state
        let mut order: Vec<u32> = (0..ROWS as u32).collect();
        order.sort_by(|&a, &b| last[b as usize].total_cmp(&last[a as usize]).then(a.cmp(&b)));
        let top = self::ids(&prompt["top_ids"]);
        assert_eq!(order[..3], top[..3], "prompt of {t}: the three most likely next ids");
        let top_logits: Vec<f32> = top.iter().map(|&r| last[r as usize]).collect();
        assert!(worst(top_logits.into_iter(), &floats(&prompt["top_logits"])) <= 1e-4);
        let state = gpt.final_state(&ids).unwrap();
        assert!(worst(state[..16].iter().copied(), &floats(&prompt["final_state"])) <= 1e-4);
        lasts.push(Last { cached: last, full });
    }
    lasts
}

/// A small model's file, for the loader's own tests.
fn small_file() -> (TinyGpt, Vec<u8>) {
    let options = GptOptions { d_model: 16, layers: 2, heads: 2, context: 8, ..GptOptions::default() };
    let gpt = TinyGpt::new("chai bahut garam hai\nchai acha\nchai bahut acha hai", &options).unwrap();
    let bytes = gpt.to_safetensors();
    (gpt, bytes)
}

fn stream(bytes: &[u8], chunk: usize) -> Result<TinyGpt, String> {
    let header = TinyGpt::safetensors_header_length(&bytes[..8]).map_err(|e| e.to_string())?;
    let mut loader: Loader =
        TinyGpt::load_safetensors(&bytes[..header], None, Some(bytes.len() as u64)).map_err(|e| e.to_string())?;
    assert_eq!(loader.expect_bytes(), bytes.len() as u64);
    for piece in bytes[header..].chunks(chunk) {
        loader.write(piece).map_err(|e| e.to_string())?;
    }
    loader.finish().map_err(|e| e.to_string())
}

#[test]
fn any_chunk_size_gives_the_whole_file_load() {
    let (gpt, bytes) = small_file();
    let whole = TinyGpt::from_safetensors(&bytes, None).unwrap();
    for chunk in [1, 3, 4, 7, 64, 1000, bytes.len()] {
        let streamed = stream(&bytes, chunk).unwrap();
        assert_eq!(streamed.weights(), whole.weights(), "chunks of {chunk}");
        assert_eq!(streamed.weights(), gpt.weights());
        assert_eq!(streamed.vocab().tokens(), gpt.vocab().tokens());
    }
}

#[test]
fn bad_streams_are_clear_errors() {
    let (_, bytes) = small_file();
    let header = TinyGpt::safetensors_header_length(&bytes[..8]).unwrap();
    // truncated: finish names the tensor left unfilled
    let mut loader = TinyGpt::load_safetensors(&bytes[..header], None, Some(bytes.len() as u64)).unwrap();
    loader.write(&bytes[header..bytes.len() - 10]).unwrap();
    assert!(loader.progress() < 1.0 && loader.progress() > 0.9);
    let message = loader.finish().unwrap_err().to_string();
    assert!(message.contains("ended early") && message.contains("h.1.ln_2.bias"), "{message}");
    // too many bytes
    let mut loader = TinyGpt::load_safetensors(&bytes[..header], None, Some(bytes.len() as u64)).unwrap();
    let mut long = bytes[header..].to_vec();
    long.push(0);
    assert!(loader.write(&long).unwrap_err().to_string().contains("more bytes than the header describes"));
    assert!(loader.write(&[0]).unwrap_err().to_string().contains("earlier chunk was refused"));
    // a NaN in the middle of a chunk names its tensor and element
    let mut nan = bytes.clone();
    nan[header + 8..header + 12].copy_from_slice(&f32::NAN.to_le_bytes());
    let message = stream(&nan, 5).unwrap_err();
    assert!(message.contains("tokens_embed.weight") && message.contains("element 2 is NaN"), "{message}");
    // a header cut short, and an absurd header length
    assert!(TinyGpt::load_safetensors(&bytes[..header - 1], None, None).unwrap_err().to_string().contains("header of"));
    let absurd = u64::MAX.to_le_bytes();
    assert!(TinyGpt::safetensors_header_length(&absurd).unwrap_err().to_string().contains("above the format's limit"));
    assert!(TinyGpt::safetensors_header_length(&[1, 2]).unwrap_err().to_string().contains("8-byte header length"));
}

#[test]
fn memory_that_cannot_be_had_is_refused_before_allocating_with_its_size() {
    // a header whose shapes are consistent, but whose weights would need 8 GB
    let header = header_of(&tensors_of(4, 1, 1, 500_000_000), "");
    let message = TinyGpt::load_safetensors(&header, Some(1), None).unwrap_err().to_string();
    assert!(message.contains("need 8001 MB of memory"), "{message}");
    // a file size given up front: a header claiming more than the file holds is refused before allocating
    let message = TinyGpt::load_safetensors(&header, Some(1), Some(1_000_000)).unwrap_err().to_string();
    assert!(message.contains("reach past the end of the data"), "{message}");
    // and one that fits is accepted
    assert!(TinyGpt::load_safetensors(&header_of(&tensors_of(4, 1, 1, 5), ""), Some(1), None).is_ok());
}

mod int8;
