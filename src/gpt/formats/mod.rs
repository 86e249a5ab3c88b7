//! File formats: safetensors read and written by hand, Hugging Face's `openai-gpt` names and shapes, and the
//! streaming loader that reads a weights file as it arrives.

pub mod loader;
pub mod safetensors;
pub mod weights;
