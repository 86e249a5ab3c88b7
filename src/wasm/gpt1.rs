//! Part E's exports (feature `gpt`), for the released GPT-1 and any tiny GPT alike: continuing token ids with a
//! KV cache, the stepwise decoder behind the streaming view, the final state, the streaming weights loader and the
//! writer that gives a model's file a slice at a time, the module's memory size, and the SHA-256 that checks a
//! downloaded weights file.

use js_sys::{Float32Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

use super::gpt::TinyGpt;
use super::read::{number, option_fields, optional_number, whole};
use crate::error::{Error, whole_number};
use crate::gpt::formats::writer::MIN_SLICE;
use crate::gpt::{DecodeOptions, Decoder, FileWriter, Loader};
use crate::sampling::SampleOptions;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `TinyGpt.continue` and `TinyGpt.decoder`: the page's sampler. */
export interface DecodeOptions {
  /** The seed of numpy's `np.random.seed`; default: a random one. */
  seed?: number;
  /** Divides log-probabilities before renormalising; default 1. */
  temperature?: number;
  /** Keeps the k most likely tokens (ties: lower id); 0 (default) keeps all. */
  topK?: number;
}
/** Options of `TinyGpt.loadSafetensors`. */
export interface StreamOptions {
  /** Attention heads (they are not in the shapes); default: the file's metadata, else GPT-1's 12. */
  heads?: number;
  /** The whole file's size in bytes: the header's claims are checked against it before anything is allocated. */
  fileBytes?: number;
  /** The model's form; default: the form the file holds. "int8" quantizes a float32 file as its bytes arrive, so
   * its float32 weights are never all in memory. */
  form?: GptForm;
}
"#;

/// `{ seed, temperature, topK }`, checked as `generate` checks them.
fn decode_options(options: Option<Object>) -> Result<DecodeOptions, Error> {
    let [seed, temperature, top_k] = option_fields(&options.into(), ["seed", "temperature", "topK"])?;
    let checked = SampleOptions::from_js(
        optional_number("seed", &seed)?,
        None,
        optional_number("temperature", &temperature)?,
        optional_number("topK", &top_k)?,
        None,
    )?;
    Ok(DecodeOptions { seed: checked.seed, temperature: checked.temperature, top_k: checked.top_k })
}

#[wasm_bindgen]
impl TinyGpt {
    /// `count` new token ids after `ids`, drawn one by one with a KV cache by the page's sampler (same seed, same
    /// tokens as recomputing the whole sequence each step). `ids.length + count − 1` may not pass the context.
    #[wasm_bindgen(js_name = "continue")]
    pub fn continue_ids(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] ids: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DecodeOptions")] options: Option<Object>,
    ) -> Result<Uint32Array, JsValue> {
        let count = whole_number("count", number("count", &count)?, 1, u64::from(u32::MAX))? as usize;
        let tokens = self.inner.continue_ids(&super::gpt::ids(&ids)?, count, decode_options(options)?)?;
        Ok(Uint32Array::from(tokens.as_slice()))
    }

    /// A stepwise decoder after `ids`: `next()` draws one token, `distribution(k)` and `rank(id)` describe the
    /// next-token distribution. The prompt is processed once, here.
    pub fn decoder(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] ids: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DecodeOptions")] options: Option<Object>,
    ) -> Result<GptDecoder, JsValue> {
        Ok(GptDecoder { inner: self.inner.decoder(&super::gpt::ids(&ids)?, decode_options(options)?)? })
    }

    /// The final state h at the last position of `ids` (d numbers): what a classifier head reads at `_classify_`.
    #[wasm_bindgen(js_name = finalState)]
    pub fn final_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] ids: JsValue,
    ) -> Result<Float32Array, JsValue> {
        Ok(Float32Array::from(self.inner.final_state(&super::gpt::ids(&ids)?)?.as_slice()))
    }

    /// How many bytes of a safetensors file come before its data (8 + N), from its first 8 bytes; an absurd N
    /// (above the format's 100 MB) is an error.
    #[wasm_bindgen(js_name = safetensorsHeaderLength)]
    pub fn safetensors_header_length(first: &[u8]) -> Result<f64, JsValue> {
        Ok(crate::gpt::TinyGpt::safetensors_header_length(first)? as f64)
    }

    /// A streaming loader from a safetensors file's first 8 + N bytes (`fileBytes`: the whole file's size, so
    /// that a header claiming more than the file holds is refused before allocating): it checks the header and
    /// allocates the weights once; then `write(chunk)` takes the data that follows, in order, in chunks of any size, and
    /// `finish()` gives the model. With `form: "int8"`, a float32 file's matrices are quantized as they arrive.
    #[wasm_bindgen(js_name = loadSafetensors)]
    pub fn load_safetensors(
        header: &[u8],
        #[wasm_bindgen(unchecked_optional_param_type = "StreamOptions")] options: Option<Object>,
    ) -> Result<GptLoader, JsValue> {
        let [heads, file_bytes, form] = option_fields(&options.into(), ["heads", "fileBytes", "form"])?;
        let form = super::gpt::form_option(&form)?;
        let heads = match optional_number("heads", &heads)? {
            Some(h) => Some(whole_number("heads", h, 1, 1_024)? as usize),
            None => None,
        };
        let file_bytes = match optional_number("fileBytes", &file_bytes)? {
            Some(n) => Some(whole_number("fileBytes", n, 8, 1 << 53)?),
            None => None,
        };
        Ok(GptLoader { inner: Some(crate::gpt::TinyGpt::load_safetensors_as(header, heads, file_bytes, form)?) })
    }

    /// A writer of `toSafetensors()`'s file a slice at a time (in the int8 form, the compact file): `next(maxBytes)`
    /// gives the header, then the data, until `done`. Only one slice is held in memory at a time.
    #[wasm_bindgen(js_name = safetensorsWriter)]
    pub fn safetensors_writer(&self) -> GptWriter {
        GptWriter { inner: self.inner.safetensors_writer() }
    }

    /// The size of this module's linear memory in bytes (it only grows).
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes() -> f64 {
        (core::arch::wasm32::memory_size(0) as f64) * 65_536.0
    }
}

/// A sequence being continued token by token (`gpt.decoder(ids, options)`), with its KV cache.
#[wasm_bindgen]
pub struct GptDecoder {
    inner: Decoder,
}

#[wasm_bindgen]
impl GptDecoder {
    /// Draws the next token id, appends it and returns it.
    #[wasm_bindgen(js_name = next)]
    pub fn next_token(&mut self) -> Result<u32, JsValue> {
        Ok(self.inner.next_token()?)
    }

    /// The `k` most likely next tokens after the current sequence (the model's own distribution, before
    /// temperature and top-k), most likely first: `{ ids: Uint32Array, probabilities: Float32Array }`.
    #[wasm_bindgen(unchecked_return_type = "{ ids: Uint32Array; probabilities: Float32Array }")]
    pub fn distribution(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] k: JsValue,
    ) -> Result<Object, JsValue> {
        let k = whole("k", &k, 1, u64::from(u32::MAX))? as usize;
        let (ids, probabilities) = self.inner.distribution(k)?;
        let probabilities: Vec<f32> = probabilities.iter().map(|&p| p as f32).collect();
        let out = Object::new();
        let _ = Reflect::set(&out, &"ids".into(), &Uint32Array::from(ids.as_slice()));
        let _ = Reflect::set(&out, &"probabilities".into(), &Float32Array::from(probabilities.as_slice()));
        Ok(out)
    }

    /// The 1-based rank of token `id` in the next-token distribution (ties: lower id first).
    pub fn rank(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Result<u32, JsValue> {
        let id = whole("id", &id, 0, u64::from(u32::MAX))? as u32;
        Ok(self.inner.rank(id)? as u32)
    }

    /// Appends a given token id (not drawn; the random stream is untouched).
    pub fn push(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Result<(), JsValue> {
        Ok(self.inner.push(whole("id", &id, 0, u64::from(u32::MAX))? as u32)?)
    }

    /// Every id so far: the prompt, then each token drawn.
    #[wasm_bindgen(getter)]
    pub fn ids(&self) -> Uint32Array {
        Uint32Array::from(self.inner.ids())
    }
}

/// A weights file being streamed in (`TinyGpt.loadSafetensors(header)`).
#[wasm_bindgen]
pub struct GptLoader {
    inner: Option<Loader>,
}

impl GptLoader {
    fn loader(&mut self) -> Result<&mut Loader, Error> {
        self.inner.as_mut().ok_or_else(|| Error::Unsupported("this loader has already finished".into()))
    }
}

#[wasm_bindgen]
impl GptLoader {
    /// Takes the next chunk of the data section (the bytes right after the previous chunk, or after the header).
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        Ok(self.loader()?.write(chunk)?)
    }

    /// The share of the data received so far, 0 to 1.
    #[wasm_bindgen(getter)]
    pub fn progress(&self) -> f64 {
        self.inner.as_ref().map_or(1.0, Loader::progress)
    }

    /// The whole file's size as its header describes it (header and data), in bytes.
    #[wasm_bindgen(getter, js_name = expectBytes)]
    pub fn expect_bytes(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |l| l.expect_bytes() as f64)
    }

    /// The model, once every byte arrived (an error names what is missing).
    pub fn finish(&mut self) -> Result<TinyGpt, JsValue> {
        self.loader()?;
        let loader = self.inner.take().expect("checked");
        Ok(TinyGpt { inner: loader.finish()? })
    }
}

/// A model's weights file being written a slice at a time (`gpt.safetensorsWriter()`).
#[wasm_bindgen]
pub struct GptWriter {
    inner: FileWriter,
}

#[wasm_bindgen]
impl GptWriter {
    /// The next bytes of the file: the whole header first (whatever `maxBytes` is), then at most `maxBytes` bytes
    /// of data at a time, whole values only; empty once `done`.
    pub fn next(
        &mut self,
        #[wasm_bindgen(js_name = maxBytes, unchecked_param_type = "number")] max_bytes: JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        let max_bytes = whole("maxBytes", &max_bytes, MIN_SLICE as u64, 1 << 30)? as usize;
        Ok(self.inner.next_slice(max_bytes)?)
    }

    /// Whether every byte of the file was given.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.done()
    }

    /// The whole file's size in bytes: header and data.
    #[wasm_bindgen(getter, js_name = fileBytes)]
    pub fn file_bytes(&self) -> f64 {
        self.inner.file_bytes() as f64
    }

    /// Bytes given so far.
    #[wasm_bindgen(getter)]
    pub fn written(&self) -> f64 {
        self.inner.written() as f64
    }
}

/// A file's SHA-256, computed as its bytes arrive (`new FileHash()`, then `update(chunk)` in order, then `hex()`):
/// how Part E checks a downloaded weights file against the hub's record without holding the file.
#[wasm_bindgen(js_name = FileHash)]
#[derive(Default)]
pub struct FileHashJs {
    inner: crate::gpt::formats::file_hash::FileHash,
}

#[wasm_bindgen(js_class = FileHash)]
impl FileHashJs {
    /// The hash of nothing yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> FileHashJs {
        FileHashJs::default()
    }

    /// Takes the next bytes of the file.
    pub fn update(&mut self, chunk: &[u8]) {
        self.inner.update(chunk);
    }

    /// How many bytes were hashed so far.
    #[wasm_bindgen(getter)]
    pub fn bytes(&self) -> f64 {
        self.inner.bytes() as f64
    }

    /// The digest of every byte so far as 64 lowercase hex digits; the hash starts again from nothing.
    pub fn hex(&mut self) -> String {
        self.inner.finish()
    }
}
