//! File formats: safetensors read and written by hand, Hugging Face's `openai-gpt` names and shapes, the
//! streaming loader that reads a weights file as it arrives, the writer that gives a model's file a slice at a
//! time, and the file's SHA-256, computed as it arrives.

pub mod file_hash;
pub mod loader;
pub mod safetensors;
pub mod weights;
pub mod writer;
