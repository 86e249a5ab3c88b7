//! The JavaScript boundary, tested with wasm-bindgen-test in Node, headless Chromium and headless Firefox: one
//! crate, each module an export family, the helpers they share in `util`.
#![cfg(target_arch = "wasm32")]

#[path = "../random_gpt1.rs"]
mod random_gpt1;
#[path = "../tensors.rs"]
mod tensors;
mod util;

mod gpt;
mod gpt_tuner;
mod int8;
#[path = "../core/kernel_digest.rs"]
mod kernel_digest;
mod ngram;
mod tokenizer;
