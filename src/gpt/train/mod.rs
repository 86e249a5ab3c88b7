//! Training: the hand-written backward pass, AdamW, the corpus cut into batches, fine-tuning the tiny GPT with
//! GPT-1's combined loss `L_task + λ·L_lm`, and the fine-tuner of GPT-1 itself (top blocks only).

pub mod adam;
pub mod backward;
pub mod data;
pub mod finetune;
pub mod tuner;
pub mod tuner_options;
mod tuner_pass;
