//! Inference: the KV-cached decoder and its one-position kernels, and scoring a sequence token by token.

pub mod decode;
pub mod matvec;
pub mod score;
