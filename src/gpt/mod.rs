//! A tiny decoder-only transformer, trained in the page (issue 8). Built with the `gpt` feature only.
//!
//! The same causal language model as Part A's n-gram, but the next-token distribution comes from a small GPT:
//! token + position embeddings, N pre-LayerNorm blocks (masked multi-head self-attention and a GELU MLP, each
//! added back to the residual stream), a final LayerNorm and a linear head. Forward and backward passes are
//! written by hand ([`net`], [`backward`]) over [`kernels`]; [`adam`] trains it; [`finetune`] adds GPT-1's
//! classifier head on the final state at `[EXTRACT]` and trains it with `L_task + λ·L_lm` (Part C).
//!
//! Everything is deterministic for a seed, natively and in WebAssembly: one thread, fixed summation orders, no
//! hash-map iteration, and `exp`/`tanh`/`ln` built from exactly rounded operations ([`float`]).

pub mod adam;
pub mod attention;
pub mod backward;
pub mod data;
pub mod decode;
pub mod finetune;
pub mod float;
pub mod kernels;
pub mod loader;
pub mod matvec;
pub mod model;
pub mod net;
pub mod options;
pub mod params;
pub mod safetensors;
pub mod weights;

pub use decode::{DecodeOptions, Decoder};
pub use finetune::LabelledInput;
pub use loader::Loader;
pub use model::{Inside, TinyGpt};
pub use net::{Batch, Losses, NO_TARGET, Net, Workspace};
pub use options::{FineTuneOptions, FineTuneOptionsInput, GptOptions, GptOptionsInput};
pub use params::{Config, Layout, Norm};
