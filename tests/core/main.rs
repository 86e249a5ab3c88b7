//! The core's native tests, one crate: each module a subject, the helpers they share in `util`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../random_gpt1.rs"]
mod random_gpt1;
#[path = "../tensors.rs"]
mod tensors;
mod util;

mod cdf;
mod file_hash;
mod gpt;
mod gpt1_full;
mod gpt1_tokenizer;
mod gpt_decode;
mod gpt_kernels;
mod gpt_tuner;
mod gpt_weights;
mod int8;
mod json;
mod kernel_digest;
mod lesson;
mod numpy_exact;
mod orders;
mod properties;
mod vocab;
