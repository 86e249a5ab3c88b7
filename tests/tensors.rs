//! Reading a safetensors file's tensors as numbers, and comparing numbers with a reference's. Shared by the native
//! tests and the wasm-bindgen tests (each crate includes this file).
#![allow(dead_code)] // each crate uses part of it

use gpt1_playground::gpt::formats::safetensors::{self, Tensor};

/// A tensor's values as f32.
pub fn values(t: &Tensor<'_>) -> Vec<f32> {
    let mut out = vec![0.0; t.shape.iter().product()];
    t.read_into(&mut out).unwrap();
    out
}

/// The tensor `name` of a safetensors file, as numbers.
pub fn tensor(file: &[u8], name: &str) -> Vec<f32> {
    let file = safetensors::read(file).unwrap();
    values(file.tensors.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no {name} in the file")))
}

/// The largest |ours − reference| over the largest |reference|.
pub fn relative(ours: &[f32], reference: &[f32]) -> f64 {
    assert_eq!(ours.len(), reference.len());
    let largest = reference.iter().fold(0.0f64, |m, &x| m.max(f64::from(x).abs()));
    let worst = ours.iter().zip(reference).fold(0.0f64, |m, (&a, &b)| m.max((f64::from(a) - f64::from(b)).abs()));
    worst / largest
}
