//! Random weights in GPT-1's layout, drawn from a seed exactly as tests/fixtures/gpt1_full_reference.py draws them:
//! one numpy RandomState (MT19937) for the whole file, tensors in file order, each value
//! `float32(mean + (2u − 1)·half-width)` from `random_sample`. Shared by the native tests and the wasm-bindgen
//! tests (each crate includes this file), so both make the very file numpy's reference ran on.
#![allow(dead_code)] // each crate uses part of it

use gpt1_playground::sampling::{Mt19937, random_sample};

/// (mean, half-width) of each kind of tensor, as the Python generator's HALF_WIDTHS.
pub fn spread(name: &str) -> (f64, f64) {
    let kind = if name.starts_with("h.") { name.splitn(3, '.').nth(2).unwrap() } else { name };
    match kind {
        "tokens_embed.weight" => (0.0, 0.08),
        "positions_embed.weight" => (0.0, 0.04),
        "attn.c_attn.weight" => (0.0, 0.1),
        "attn.c_proj.weight" => (0.0, 0.06),
        "mlp.c_fc.weight" => (0.0, 0.06),
        "mlp.c_proj.weight" => (0.0, 0.03),
        "ln_1.weight" | "ln_2.weight" => (1.0, 0.2),
        "ln_1.bias" | "ln_2.bias" => (0.0, 0.1),
        _ => (0.0, 0.05),
    }
}

/// Every tensor of an `openai-gpt` file of this shape, in order: name and shape.
pub fn tensors_of(d: usize, layers: usize, context: usize, rows: usize) -> Vec<(String, Vec<usize>)> {
    let mut out =
        vec![("tokens_embed.weight".to_string(), vec![rows, d]), ("positions_embed.weight".into(), vec![context, d])];
    for i in 0..layers {
        for (name, shape) in [
            ("attn.c_attn.weight", vec![d, 3 * d]),
            ("attn.c_attn.bias", vec![3 * d]),
            ("attn.c_proj.weight", vec![d, d]),
            ("attn.c_proj.bias", vec![d]),
            ("ln_1.weight", vec![d]),
            ("ln_1.bias", vec![d]),
            ("mlp.c_fc.weight", vec![d, 4 * d]),
            ("mlp.c_fc.bias", vec![4 * d]),
            ("mlp.c_proj.weight", vec![4 * d, d]),
            ("mlp.c_proj.bias", vec![d]),
            ("ln_2.weight", vec![d]),
            ("ln_2.bias", vec![d]),
        ] {
            out.push((format!("h.{i}.{name}"), shape));
        }
    }
    out
}

/// The header of a file of F32 `tensors`, in order (8-byte length, then JSON padded with spaces to a multiple
/// of 8), with `metadata` entries (already JSON) after `format`.
pub fn header_of(tensors: &[(String, Vec<usize>)], metadata: &str) -> Vec<u8> {
    let mut json = format!("{{\"__metadata__\":{{\"format\":\"pt\"{metadata}}}");
    let mut at = 0;
    for (name, shape) in tensors {
        let end = at + 4 * shape.iter().product::<usize>();
        let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
        json +=
            &format!(",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{at},{end}]}}", dims.join(","));
        at = end;
    }
    json.push('}');
    while json.len() % 8 != 0 {
        json.push(' ');
    }
    let mut out = (json.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(json.as_bytes());
    out
}

/// Streams the data section of `tensors` drawn from `seed` into `write`, in chunks whose sizes cycle through
/// `sizes` (uneven ones split elements between chunks), then the rest.
pub fn random_data(seed: u32, tensors: &[(String, Vec<usize>)], sizes: &[usize], mut write: impl FnMut(&[u8])) {
    let mut rng = Mt19937::new(seed);
    let mut chunk = Vec::with_capacity(sizes.iter().copied().max().unwrap_or(0).min(1 << 24));
    let mut next = 0;
    for (name, shape) in tensors {
        let (mean, half) = spread(name);
        for _ in 0..shape.iter().product::<usize>() {
            let u = random_sample(&mut rng);
            for byte in ((mean + (2.0 * u - 1.0) * half) as f32).to_le_bytes() {
                chunk.push(byte);
                if chunk.len() == sizes[next % sizes.len()] {
                    write(&chunk);
                    chunk.clear();
                    next += 1;
                }
            }
        }
    }
    write(&chunk);
}

/// A whole file of `tensors` drawn from `seed`, with `metadata` (as in [`header_of`]).
pub fn random_file(seed: u32, tensors: &[(String, Vec<usize>)], metadata: &str) -> Vec<u8> {
    let mut file = header_of(tensors, metadata);
    random_data(seed, tensors, &[1 << 16], |chunk| file.extend_from_slice(chunk));
    file
}
