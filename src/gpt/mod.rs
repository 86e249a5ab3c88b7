//! GPT-1's network (OpenAI's `train.py`), at any size: a tiny one trained in the page (Part D) and the released
//! 117M-weight model read from its file (Part E). Built with the `gpt` feature only.
//!
//! The same causal language model as Part A's n-gram, but the next-token distribution comes from a transformer:
//! token + position embeddings, N **post-LayerNorm** blocks (`n = LN(x + attn(x))`, `h = LN(n + mlp(n))`), no final
//! LayerNorm, and logits **tied** to the token embedding (`h·Wₑᵀ`). GPT-2's pre-LN arrangement, with its final
//! LayerNorm, is the other [`params::Norm`]. The layout shows three concerns over one shared network:
//!
//! - the network: [`params`] (shapes, initialisation), [`net`] (the forward pass over a batch), [`attention`],
//!   [`kernels`] (matrix products in fixed summation orders), [`float`] (`exp`, `tanh`, `ln` from exactly rounded
//!   operations), [`model`] (the [`TinyGpt`] a caller holds) and [`options`];
//! - [`train`]: the hand-written backward pass, AdamW, the corpus in batches, and fine-tuning with GPT-1's
//!   classifier on the final state at `[EXTRACT]` and `L_task + λ·L_lm` (Part C): the whole tiny GPT (Part D),
//!   or GPT-1's top blocks ([`train::tuner`], Part E);
//! - [`infer`]: decoding one token at a time with a KV cache, which gives the full pass's bits, and each token's
//!   log-probability ([`infer::score`], Part E's zero-shot heuristics);
//! - [`formats`]: safetensors in Hugging Face's `openai-gpt` names, and the loader that streams a file in;
//! - [`int8`]: the compact form, its matrices as 8-bit weights with a scale per block of 32 inputs, and its
//!   products.
//!
//! Everything is deterministic for a seed, natively and in WebAssembly: one thread, fixed summation orders, no
//! hash-map iteration, and `exp`/`tanh`/`ln` built from exactly rounded operations ([`float`]).

pub mod attention;
pub mod float;
pub mod formats;
pub mod infer;
pub mod int8;
pub mod kernels;
pub mod model;
pub mod net;
pub mod options;
pub mod params;
pub mod train;

pub use formats::loader::Loader;
pub use formats::writer::FileWriter;
pub use infer::decode::{DecodeOptions, Decoder};
pub use int8::model::Agreement;
pub use model::{Inside, TinyGpt};
pub use net::{Batch, Losses, NO_TARGET, Net, Workspace};
pub use options::{FineTuneOptions, FineTuneOptionsInput, GptOptions, GptOptionsInput};
pub use params::{Config, Form, Layout, Norm};
pub use train::finetune::LabelledInput;
pub use train::tuner::{Evaluation, TaskIds, Tuner, TunerLosses};
pub use train::tuner_options::{MEMORY_BUDGET, TunerMemory, TunerOptions, TunerOptionsInput};
