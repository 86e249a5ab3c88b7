//! Training: the hand-written backward pass, AdamW, the corpus cut into batches, and fine-tuning with GPT-1's
//! combined loss `L_task + λ·L_lm`.

pub mod adam;
pub mod backward;
pub mod data;
pub mod finetune;
