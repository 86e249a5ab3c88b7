//! Inference one position at a time: the KV-cached decoder and its one-position kernels.

pub mod decode;
pub mod matvec;
