//! The one binding to JavaScript: converts values and errors, and holds no logic of its own.
//!
//! - `read` reads JavaScript values (numbers, strings, arrays, options objects, task inputs), each once;
//! - [`ngram`] exports the n-gram model, sampling, Part B's `encode` and Part C's losses: the page's first module;
//! - [`gpt`] (feature `gpt`) exports the tiny transformer: the second module, loaded on demand;
//! - [`tokenizer`] (feature `gpt`) exports GPT-1's own tokenizer, in the same on-demand module.
//! - [`gpt1`] (feature `gpt`) adds Part E's exports to it: decoding with a KV cache, the streaming loader and the
//!   file hash that checks a download.
//!
//! Every export that can fail returns `Result<T, JsValue>`: a core [`Error`] becomes a thrown JavaScript `Error`
//! here, its numbers written by JavaScript itself (`Number#toString`), so messages read as the page would print the
//! number and the core module carries no float formatter.

use wasm_bindgen::prelude::*;

use crate::error::Error;

#[cfg(feature = "gpt")]
pub mod gpt;
#[cfg(feature = "gpt")]
pub mod gpt1;
pub mod ngram;
mod read;
#[cfg(feature = "gpt")]
pub mod tokenizer;

pub use ngram::{
    NgramModelJs, Sampler, combined_loss, encode, generate, generate_ids, generate_many, loss, random_seed,
};

/// Logs a panic's message before the trap, so a bug report can say what went wrong.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("gpt1-playground: internal error (a bug, please report it): {info}").into());
    }));
}

/// JavaScript's text for a number (`Number#toString`), with `-0` keeping its sign as the core's messages do.
pub(crate) fn number_text(x: f64) -> String {
    if x == 0.0 && x.is_sign_negative() {
        return "-0".into();
    }
    js_sys::Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_else(|_| "a number".into())
}

/// A core error, thrown as a JavaScript `Error` whose message has JavaScript's numbers.
impl From<Error> for JsValue {
    #[inline(never)]
    fn from(error: Error) -> JsValue {
        js_sys::Error::new(&error.message(&number_text)).into()
    }
}
