//! Fine-tuning, GPT-1's way: `[EXTRACT]` and `[DELIM]` join the vocabulary (their embeddings and the classifier
//! W_y are the only new weights), `P(y | x) = softmax(h·W_y)` reads the final state h at `[EXTRACT]`, and the loss
//! is `L_task + λ·L_lm` with the language-model loss on the same sequences.

use std::rc::Rc;

use crate::encode::{TaskInput, TaskVocab};
use crate::error::{Error, Result, invalid_number, whole_number};
use crate::gpt::model::{TinyGpt, decayed, pretraining_optimiser};
use crate::gpt::net::{Batch, NO_TARGET};
use crate::gpt::options::{FineTuneOptions, MAX_CLASSES};
use crate::gpt::params::below;
use crate::gpt::train::adam::AdamW;
use crate::sampling::Mt19937;

/// A task input with its class (0-based).
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledInput {
    /// The input, in one of Part B's formats.
    pub input: TaskInput,
    /// Its class, below the head's number of classes.
    pub label: usize,
}

impl TinyGpt {
    /// How many classes the fine-tuning head has (0 before fine-tuning).
    pub fn classes(&self) -> usize {
        self.net.config.classes
    }

    /// The classifier's number of classes, or an error when there is no classifier yet.
    fn head_classes(&self) -> Result<usize> {
        match self.net.config.classes {
            0 => Err(Error::Unsupported(
                "classify needs a classifier head: fine-tune the model on labelled examples first".into(),
            )),
            classes => Ok(classes),
        }
    }

    /// The ids of a task input: Part B's `[START] … [EXTRACT]` (`[EXTRACT]` = V, `[DELIM]` = V + 1, and `[START]`
    /// = V + 2 for a stream model), checked against the context.
    pub fn encode_task(&self, input: &TaskInput) -> Result<Vec<u32>> {
        self.require_vocabulary()?;
        if matches!(input, TaskInput::Similarity { .. } | TaskInput::MultipleChoice { .. }) {
            return Err(Error::Unsupported(
                "the tiny GPT fine-tunes on classification and entailment inputs (one sequence each); similarity \
                 and multiple choice need several sequences per example"
                    .into(),
            ));
        }
        let vocab = TaskVocab::new(&self.corpus.vocab, &self.corpus.tokenizer);
        let ids = vocab.encode(input)?.remove(0).ids;
        if ids.len() > self.options.context {
            return Err(Error::TooLarge {
                what: "the encoded example's length in tokens (the model's context)",
                size: ids.len(),
                limit: self.options.context,
            });
        }
        Ok(ids)
    }

    /// Encodes every example and checks its label.
    fn encode_examples(&self, examples: &[LabelledInput], classes: usize) -> Result<Vec<(Vec<u32>, usize)>> {
        if examples.is_empty() {
            return Err(Error::InvalidParameter {
                name: "examples",
                value: "[]".into(),
                allowed: "a list of at least one labelled example".into(),
            });
        }
        examples
            .iter()
            .map(|e| {
                if e.label >= classes {
                    return Err(invalid_number(
                        "label",
                        e.label as f64,
                        format!("a class from 0 to {} (classes = {classes})", classes - 1),
                    ));
                }
                Ok((self.encode_task(&e.input)?, e.label))
            })
            .collect()
    }

    /// A batch of encoded examples: each row predicts its own next tokens (the LM loss; special tokens are not
    /// predicted) and is classified at its last position, `[EXTRACT]`.
    fn task_batch(&self, rows: &[&(Vec<u32>, usize)], lambda: f64) -> Batch {
        let v = self.net.config.vocab as u32;
        let len = rows.iter().map(|(ids, _)| ids.len()).max().unwrap_or(1);
        let mut batch = Batch { rows: rows.len(), len, lambda, ..Batch::default() };
        for (ids, label) in rows {
            let pad = len - ids.len();
            batch.inputs.extend_from_slice(ids);
            batch.inputs.extend(std::iter::repeat_n(ids[0], pad));
            batch.targets.extend(ids[1..].iter().map(|&t| if t < v { t } else { NO_TARGET }));
            batch.targets.extend(std::iter::repeat_n(NO_TARGET, pad + 1));
            batch.extract.push(ids.len() - 1);
            batch.labels.push(*label);
        }
        batch
    }

    /// Fine-tunes on `examples` into a head of `classes` classes (2 to 16) for `options.steps` steps with loss
    /// `L_task + λ·L_lm`; returns each step's `(L_task, L_lm)`. The first call adds `[EXTRACT]`/`[DELIM]`
    /// embeddings and W_y; a call with another number of classes starts a new W_y.
    pub fn fine_tune(
        &mut self,
        examples: &[LabelledInput],
        classes: usize,
        options: &FineTuneOptions,
    ) -> Result<Vec<(f64, f64)>> {
        options.validate()?;
        self.require_float32("fine-tune")?;
        let classes = whole_number("classes", classes as f64, 2, MAX_CLASSES as u64)? as usize;
        let encoded = self.encode_examples(examples, classes)?;
        // grow the network: the special tokens' rows, and the head
        let v = self.net.config.vocab;
        let rows = if self.corpus.start.is_some() { v + 2 } else { v + 3 };
        if self.net.config.embeddings < rows || self.net.config.classes != classes {
            let mut config = self.net.config;
            config.embeddings = config.embeddings.max(rows);
            config.classes = classes;
            self.net = Rc::new(self.net.reshaped(config, options.seed));
        }
        // a fresh optimiser: fine-tuning is a new optimisation with its own learning rate
        let mut optimiser = AdamW::new(self.net.params.len(), options.learning_rate, decayed(&self.net));
        optimiser.warmup = (options.steps as u32 / 20).max(1);
        optimiser.decay_after = 0;
        self.grads = vec![0.0; self.net.params.len()];
        let mut rng = Mt19937::new(options.seed ^ 0x2545_f491);
        let mut curve = Vec::with_capacity(options.steps);
        for _ in 0..options.steps {
            let picked: Vec<_> = (0..options.batch_size).map(|_| &encoded[below(&mut rng, encoded.len())]).collect();
            let batch = self.task_batch(&picked, options.lambda);
            self.net.forward(&batch, &mut self.ws);
            let losses = self.net.losses(&batch, &mut self.ws);
            self.net.backward(&batch, &mut self.ws, &mut self.grads);
            // the paper's softmax(h·W_y): the head's bias (train.py's, which the GPT-1 fine-tuner trains) stays
            self.grads[self.net.layout.b_cls.clone()].fill(0.0);
            optimiser.update(&mut Rc::make_mut(&mut self.net).params, &mut self.grads);
            curve.push((losses.task, losses.lm));
        }
        // further pre-training starts a fresh optimiser of its own
        self.optimiser = pretraining_optimiser(&self.net, &self.options);
        Ok(curve)
    }

    /// `P(y | x)` for every class.
    pub fn classify(&self, input: &TaskInput) -> Result<Vec<f64>> {
        self.head_classes()?;
        self.classify_ids(&self.encode_task(input)?)
    }

    /// `P(y | x)` for every class, the classifier reading the final state at the last of `ids` (`[EXTRACT]` in an
    /// encoded task input).
    pub fn classify_ids(&self, ids: &[u32]) -> Result<Vec<f64>> {
        self.head_classes()?;
        self.check_ids(ids, 1)?;
        let example = (ids.to_vec(), 0);
        let batch = self.task_batch(&[&example], 0.0);
        let mut ws = crate::gpt::net::Workspace::default();
        self.net.forward(&batch, &mut ws);
        self.net.losses(&batch, &mut ws);
        Ok(ws.class_probs.iter().map(|&p| f64::from(p)).collect())
    }

    /// The fraction of `examples` whose most probable class (ties: the lower) is their label.
    pub fn accuracy(&self, examples: &[LabelledInput]) -> Result<f64> {
        let encoded = self.encode_examples(examples, self.head_classes()?)?;
        let mut right = 0;
        for (e, (_, label)) in examples.iter().zip(&encoded) {
            let probs = self.classify(&e.input)?;
            let best = (0..probs.len()).fold(0, |b, k| if probs[k] > probs[b] { k } else { b });
            right += usize::from(best == *label);
        }
        Ok(right as f64 / examples.len() as f64)
    }
}
