//! GPT-1 at full size in the compact int8 form: the random float32 file streamed through the loader into the int8
//! form (quantized as the bytes arrive), against numpy's quantization and logits of the same form
//! (tests/fixtures/gpt1_int8.json), through the full pass and the KV cache; and the form's file.

use super::{CONTEXT, D, LAYERS, ROWS, header, matches_numpy, random_data};
use crate::int8::same_quantization;
use gpt1_playground::gpt::{Form, TinyGpt};
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(include_str!("../../fixtures/gpt1_int8.json")).unwrap()
}

/// The bits of `Σ logit` (float64, in order) after the second prompt, in the int8 form: tests/js/gpt1_int8.test.mjs
/// checks the same sum from the SIMD128 kernels.
const LAST_LOGIT_SUM_BITS: u64 = 0xc071_3056_5c5e_0000;

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "117M parameters: run optimised, `cargo test --release --all-features --test core gpt1_full::` (scripts/test.sh does)"
)]
fn full_size_int8_matches_numpy_through_streaming_quantization_and_the_cache() {
    let reference = reference();
    let seed = reference["config"]["seed"].as_u64().unwrap() as u32;
    let header = header();
    let mut loader = TinyGpt::load_safetensors_as(&header, None, None, Some(Form::Int8)).unwrap();
    random_data(seed, |chunk| loader.write(chunk).unwrap());
    let gpt = loader.finish().unwrap();
    assert_eq!(gpt.form(), Form::Int8);
    let c = gpt.config();
    assert_eq!((c.d_model, c.layers, c.heads, c.context, c.embeddings), (D, LAYERS, 12, CONTEXT, ROWS));
    assert_eq!(gpt.parameters(), 116_534_784);
    // its memory: 116 M weights, a float32 scale per 32 of them, and the float32 numbers that stay
    let int8 = gpt.int8_weights().unwrap();
    let bytes = int8.bytes() + 4 * gpt.weights().len();
    assert!(bytes < 134_000_000, "{bytes} bytes");
    // numpy's quantization, exactly
    for (name, numpy) in reference["quantization"].as_object().unwrap() {
        same_quantization(int8, LAYERS, name, numpy);
    }

    let lasts = matches_numpy(&gpt, &reference, 24);
    for last in &lasts {
        if let Some(full) = &last.full {
            assert_eq!(&last.cached, full, "the cache gives the full pass's bits");
        }
    }
    let sum: f64 = lasts[1].cached.iter().map(|&x| f64::from(x)).sum();
    assert_eq!(sum.to_bits(), LAST_LOGIT_SUM_BITS, "{sum} = {:#x}", sum.to_bits());

    // the form's file: about 125 MB, read back without the float32 file
    let file = gpt.to_safetensors();
    assert!(file.len() < 126_000_000, "{} bytes", file.len());
    let back = TinyGpt::from_safetensors(&file, None).unwrap();
    assert_eq!(back.form(), Form::Int8);
    assert_eq!(back.logits(&[40477, 249]).unwrap(), gpt.logits(&[40477, 249]).unwrap());
}
