//! [`TinyGpt`]: a corpus, a network, an optimiser and a random stream — train it, score text with it, look inside
//! it, and sample from it with [`crate::sampling::generate`].

use std::ops::Range;
use std::rc::Rc;

use super::net::{Batch, NO_TARGET, Net, Workspace};
use super::options::{GptOptions, MAX_GPT_VOCAB, MAX_STEPS};
use super::params::Config;
use super::train::adam::AdamW;
use super::train::data::{Corpus, Window, pack, scoring_windows};
use crate::LanguageModel;
use crate::error::{Error, Result, whole_number};
use crate::ngram::TokenizerKind;
use crate::sampling::Mt19937;
use crate::tokens::{Boundaries, Tokenizer, Vocab};

/// Windows scored per forward pass when computing a loss.
const SCORE_ROWS: usize = 64;

/// A small GPT trained on a corpus.
#[derive(Debug, Clone)]
pub struct TinyGpt {
    pub(crate) options: GptOptions,
    pub(crate) corpus: Rc<Corpus>,
    /// The weights, shared with the decoders made from them (training copies them first if any is alive).
    pub(crate) net: Rc<Net<f32>>,
    pub(crate) optimiser: AdamW,
    /// Draws the training windows.
    pub(crate) rng: Mt19937,
    pub(crate) ws: Workspace<f32>,
    pub(crate) grads: Vec<f32>,
    pub(crate) last_loss: f64,
}

/// Every position's next-token distribution for a text: what the model "thinks" at each token.
#[derive(Debug, Clone, PartialEq)]
pub struct Inside {
    /// The tokens fed in (`[START]` first in lines mode), at most the context.
    pub tokens: Vec<String>,
    /// Row i is `P(next | tokens[..=i])`, `tokens.len() × V`, row-major.
    pub probabilities: Vec<f64>,
}

/// The ranges AdamW decays: the weight matrices.
pub(crate) fn decayed(net: &Net<f32>) -> Vec<Range<usize>> {
    net.layout.tensors(&net.config).into_iter().filter(|t| t.3).map(|t| t.1).collect()
}

/// A fresh optimiser for pre-training `net` as `options` say (peak learning rate, warm-up).
pub(crate) fn pretraining_optimiser(net: &Net<f32>, options: &GptOptions) -> AdamW {
    let mut optimiser = AdamW::new(net.params.len(), options.learning_rate, decayed(net));
    optimiser.warmup = options.warmup;
    optimiser
}

impl TinyGpt {
    /// Tokenizes `corpus` by `options` and builds a randomly initialised model.
    pub fn new(corpus: &str, options: &GptOptions) -> Result<TinyGpt> {
        options.validate()?;
        let corpus = Corpus::new(corpus, options.tokenizer, options.merges, options.boundaries)?;
        let v = corpus.vocab.len();
        if v > MAX_GPT_VOCAB {
            return Err(Error::TooLarge { what: "the vocabulary of a tiny GPT", size: v, limit: MAX_GPT_VOCAB });
        }
        let config = Config {
            vocab: v,
            embeddings: v,
            d_model: options.d_model,
            layers: options.layers,
            heads: options.heads,
            context: options.context,
            classes: 0,
            norm: options.norm,
        };
        let net = Net::new(config, options.seed);
        let optimiser = pretraining_optimiser(&net, options);
        Ok(TinyGpt {
            options: options.clone(),
            corpus: Rc::new(corpus),
            grads: vec![0.0; net.params.len()],
            net: Rc::new(net),
            optimiser,
            // the batches get their own stream, seeded apart from the weights'
            rng: Mt19937::new(options.seed ^ 0x5bd1_e995),
            ws: Workspace::default(),
            last_loss: f64::NAN,
        })
    }

    /// The options the model was built with.
    pub fn options(&self) -> &GptOptions {
        &self.options
    }

    /// How many weights the model has (including, after fine-tuning, the new token rows and W_y), in either form.
    pub fn parameters(&self) -> usize {
        self.net.params.len() + self.net.int8.as_ref().map_or(0, |q| q.len())
    }

    /// The network's shape.
    pub fn config(&self) -> &Config {
        &self.net.config
    }

    /// The vocabulary: as the n-gram model's (`[START]`, `[END]` last in lines mode).
    pub fn vocab(&self) -> &Vocab {
        &self.corpus.vocab
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.corpus.tokenizer
    }

    /// Sentences per line, or one stream.
    pub fn boundaries(&self) -> Boundaries {
        self.corpus.boundaries
    }

    /// Which tokenizer kind the options chose.
    pub fn tokenizer_kind(&self) -> TokenizerKind {
        self.options.tokenizer
    }

    /// Pre-training steps taken since the model was built (or last fine-tuned: fine-tuning ends with a fresh
    /// optimiser for any further pre-training).
    pub fn steps_taken(&self) -> u32 {
        self.optimiser.steps()
    }

    /// The flat weights (read-only): in the int8 form, the float32 ones only.
    pub fn weights(&self) -> &[f32] {
        &self.net.params
    }

    /// Takes `steps` optimisation steps (1 to 1,000,000) on random batches of the corpus; returns the last
    /// step's mean training loss (nats per predicted token).
    pub fn step(&mut self, steps: usize) -> Result<f64> {
        whole_number("steps", steps as f64, 1, MAX_STEPS as u64)?;
        self.require_float32("train")?;
        self.corpus_to_train_on()?;
        if self.grads.len() != self.net.params.len() {
            // the network grew (fine-tuning): a fresh optimiser for its new shape
            self.grads = vec![0.0; self.net.params.len()];
            self.optimiser = pretraining_optimiser(&self.net, &self.options);
        }
        for _ in 0..steps {
            let batch = self.corpus.sample(&mut self.rng, self.options.batch_size, self.options.context);
            self.last_loss = self.train_on(&batch).lm;
        }
        Ok(self.last_loss)
    }

    /// Whether the model has its corpus: a model loaded from a weights file has none to train on or to score.
    fn corpus_to_train_on(&self) -> Result<()> {
        if self.corpus.sequences.is_empty() {
            return Err(Error::Unsupported(
                "this model was loaded from a weights file, which holds no corpus: it cannot train, and its loss \
                 needs a text (or token ids) to score"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Whether the model reads text: a model loaded from a weights file without a vocabulary works on ids only.
    pub fn has_vocabulary(&self) -> bool {
        !self.corpus.vocab.is_empty()
    }

    /// An error saying why a model without a vocabulary cannot read or write text.
    pub(crate) fn require_vocabulary(&self) -> Result<()> {
        if !self.has_vocabulary() {
            return Err(Error::Unsupported(format!(
                "this model was loaded without a vocabulary (its weights file's metadata has none), so it cannot read \
                 or write text: give token ids from 0 to {} instead",
                self.net.config.embeddings - 1
            )));
        }
        Ok(())
    }

    /// Whether [`crate::sampling::generate`] can run: it needs a vocabulary to write tokens and a first token to
    /// start from (`[START]`, or the corpus's first token in stream mode).
    pub fn can_generate(&self) -> Result<()> {
        self.require_vocabulary()?;
        if self.corpus.start.is_none() && self.corpus.sequences.is_empty() {
            return Err(Error::Unsupported(
                "this stream-mode model was loaded from a weights file without its corpus, so it has no first token \
                 to start generating from: score or look inside token ids instead"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The ids of `text` by the corpus's rules, or an error saying why a model without a vocabulary cannot read it.
    pub(crate) fn text_ids(&self, text: &str) -> Result<Vec<Vec<u32>>> {
        self.require_vocabulary()?;
        self.corpus.token_ids(text)
    }

    /// Checks ids for the id-based views: 1 to `context` ids, each a row of the token embedding.
    pub fn check_ids(&self, ids: &[u32], least: usize) -> Result<()> {
        let (rows, context) = (self.net.config.embeddings, self.net.config.context);
        if ids.len() < least || ids.len() > context {
            return Err(Error::InvalidParameter {
                name: "ids",
                value: format!("{} ids", ids.len()).into(),
                allowed: format!("{least} to {context} token ids (the model's context)"),
            });
        }
        if let Some(&id) = ids.iter().find(|&&id| id as usize >= rows) {
            return Err(Error::InvalidParameter {
                name: "ids",
                value: id.to_string().into(),
                allowed: format!("token ids from 0 to {} (the rows of the token embedding)", rows - 1),
            });
        }
        Ok(())
    }

    /// The logits of every position of `ids` over every row of the token embedding (`T × rows`, row-major):
    /// `h·Wₑᵀ`, as Hugging Face's `OpenAIGPTLMHeadModel` gives them.
    pub fn logits(&self, ids: &[u32]) -> Result<Vec<f32>> {
        self.check_ids(ids, 1)?;
        let mut ws = Workspace::default();
        self.net.forward(&single(ids), &mut ws);
        Ok(std::mem::take(&mut ws.logits))
    }

    /// The attention weights of `head` in block `layer` on `ids`: `T × T`, row-major, row i = how much position i
    /// attends to each position j (0 for j > i).
    pub fn attention_of_ids(&self, ids: &[u32], layer: f64, head: f64) -> Result<Vec<f32>> {
        let Config { layers, heads, .. } = self.net.config;
        let layer = whole_number("layer", layer, 0, layers as u64 - 1)? as usize;
        let head = whole_number("head", head, 0, heads as u64 - 1)? as usize;
        self.check_ids(ids, 1)?;
        let mut ws = Workspace::default();
        self.net.forward(&single(ids), &mut ws);
        Ok(ws.attention_weights(layer, 0, head, heads, ids.len()).to_vec())
    }

    /// Every head's attention weights on `ids` from one forward pass: `layers × heads × T × T`, layer after layer,
    /// each head's map as [`TinyGpt::attention_of_ids`] gives it.
    pub fn attention_all_of_ids(&self, ids: &[u32]) -> Result<Vec<f32>> {
        let Config { layers, heads, .. } = self.net.config;
        self.check_ids(ids, 1)?;
        let mut ws = Workspace::default();
        self.net.forward(&single(ids), &mut ws);
        let mut all = Vec::with_capacity(layers * heads * ids.len() * ids.len());
        for layer in 0..layers {
            for head in 0..heads {
                all.extend_from_slice(ws.attention_weights(layer, 0, head, heads, ids.len()));
            }
        }
        Ok(all)
    }

    /// Mean `−ln P(ids[i+1] | ids[..=i])` over a sequence of ids (at least 2, any length: windows of the context
    /// slide along a long one), the softmax over every embedding row.
    pub fn loss_of_ids(&self, ids: &[u32]) -> Result<f64> {
        if ids.len() < 2 {
            return Err(Error::InvalidParameter {
                name: "ids",
                value: format!("{} ids", ids.len()).into(),
                allowed: "at least 2 token ids (one to read, one to predict)".into(),
            });
        }
        for chunk in ids.chunks(self.net.config.context) {
            self.check_ids(chunk, 1)?;
        }
        let mut windows = Vec::new();
        scoring_windows(ids, self.net.config.context, &mut windows);
        let (total, count) = self.score(&windows);
        Ok(total / count as f64)
    }

    /// One forward, backward and AdamW update on `batch`; returns its losses.
    pub(crate) fn train_on(&mut self, batch: &Batch) -> super::net::Losses {
        self.net.forward(batch, &mut self.ws);
        let losses = self.net.losses(batch, &mut self.ws);
        self.net.backward(batch, &mut self.ws, &mut self.grads);
        self.optimiser.update(&mut Rc::make_mut(&mut self.net).params, &mut self.grads);
        losses
    }

    /// The last training step's loss (NaN before any step).
    pub fn last_loss(&self) -> f64 {
        self.last_loss
    }

    /// Mean `−ln P(token | context)` over every prediction of the corpus (`None`) or of `text`, by the n-gram
    /// model's rules: lines mode predicts each token after `[START]` up to and including `[END]`; stream mode
    /// every token after the first. Each prediction sees as much context as the window allows.
    pub fn loss(&self, text: Option<&str>) -> Result<f64> {
        let owned;
        let sequences = match text {
            None => {
                self.corpus_to_train_on()?;
                &self.corpus.sequences
            }
            Some(text) => {
                owned = self.text_ids(text)?;
                &owned
            }
        };
        let mut windows = Vec::new();
        for seq in sequences {
            scoring_windows(seq, self.options.context, &mut windows);
        }
        if windows.is_empty() {
            return Err(Error::InvalidParameter {
                name: "text",
                value: "a text with nothing to predict".into(),
                allowed: "a text with at least 2 tokens in stream mode, or one non-empty line".into(),
            });
        }
        let (total, count) = self.score(&windows);
        Ok(total / count as f64)
    }

    /// Sums `−ln P` over the targets of `windows`, a batch at a time.
    fn score(&self, windows: &[Window]) -> (f64, usize) {
        let mut ws = Workspace::default();
        let (mut total, mut count) = (0.0, 0);
        for chunk in windows.chunks(SCORE_ROWS) {
            let batch = pack(chunk);
            self.net.forward(&batch, &mut ws);
            let losses = self.net.losses(&batch, &mut ws);
            total += losses.lm_total;
            count += losses.predicted;
        }
        (total, count)
    }

    /// The ids the "look inside" views run on: the first sequence of `text` (`[START]` first in lines mode,
    /// without `[END]`), cut to the context.
    pub fn view_ids(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = self.text_ids(text)?.into_iter().next().unwrap_or_default();
        if self.corpus.end.is_some() {
            ids.pop();
        }
        if ids.is_empty() || (self.corpus.start.is_some() && ids.len() < 2) {
            return Err(Error::InvalidParameter {
                name: "text",
                value: format!("{text:?}").into(),
                allowed: "a text with at least one token".into(),
            });
        }
        ids.truncate(self.options.context);
        Ok(ids)
    }

    /// The tokens of [`TinyGpt::view_ids`], as strings.
    pub fn view_tokens(&self, text: &str) -> Result<Vec<String>> {
        Ok(self.view_ids(text)?.iter().map(|&id| self.corpus.vocab.token(id).to_string()).collect())
    }

    /// Runs the model on one sequence and keeps its activations, the logits turned into probabilities.
    fn run(&self, ids: &[u32]) -> Workspace<f32> {
        let batch = single(ids);
        let mut ws = Workspace::default();
        self.net.forward(&batch, &mut ws);
        self.net.losses(&batch, &mut ws);
        ws
    }

    /// Every position's next-token distribution over the vocabulary for the first line of `text`.
    pub fn next_distributions(&self, text: &str) -> Result<Inside> {
        let ids = self.view_ids(text)?;
        let ws = self.run(&ids);
        let mut probabilities = Vec::with_capacity(ids.len() * self.net.config.vocab);
        for row in ws.logits.chunks_exact(self.net.config.embeddings) {
            probabilities.extend(self.text_distribution(row));
        }
        Ok(Inside { tokens: ids.iter().map(|&id| self.corpus.vocab.token(id).to_string()).collect(), probabilities })
    }

    /// A distribution over every embedding row, cut to the text's tokens: the special tokens (rows after the
    /// vocabulary, once fine-tuning added them) never come next in text, so the rest is renormalised.
    fn text_distribution<'a>(&self, row: &'a [f32]) -> impl Iterator<Item = f64> + 'a {
        let v = self.net.config.vocab;
        let shown = &row[..v];
        let total = if v < row.len() { shown.iter().map(|&p| f64::from(p)).sum() } else { 1.0 };
        shown.iter().map(move |&p| f64::from(p) / total)
    }

    /// The attention weights of `head` in block `layer` on the first line of `text`: `T × T`, row-major, row i
    /// = how much position i attends to each position j (0 for j > i).
    pub fn attention(&self, text: &str, layer: f64, head: f64) -> Result<Vec<f32>> {
        let Config { layers, heads, .. } = self.net.config;
        whole_number("layer", layer, 0, layers as u64 - 1)?;
        whole_number("head", head, 0, heads as u64 - 1)?;
        self.attention_of_ids(&self.view_ids(text)?, layer, head)
    }
}

/// A batch of one sequence with nothing to predict.
fn single(ids: &[u32]) -> Batch {
    Batch { rows: 1, len: ids.len(), inputs: ids.to_vec(), targets: vec![NO_TARGET; ids.len()], ..Batch::default() }
}

impl LanguageModel for TinyGpt {
    fn vocab(&self) -> &Vocab {
        &self.corpus.vocab
    }

    fn next_probabilities(&self, context: &[u32], out: &mut [f64]) {
        // the last `context` tokens (the window), or the prompt when there are none
        let prompt = self.prompt();
        let ids = if context.is_empty() { &prompt[..] } else { context };
        let ids = &ids[ids.len().saturating_sub(self.options.context)..];
        let ws = self.run(ids);
        let rows = self.net.config.embeddings;
        let last = &ws.logits[(ids.len() - 1) * rows..][..rows];
        for (o, p) in out.iter_mut().zip(self.text_distribution(last)) {
            *o = p;
        }
    }

    fn prompt(&self) -> Vec<u32> {
        // (a loaded stream model has no corpus: it starts from id 0, though generate() refuses it first)
        match self.corpus.start {
            Some(start) => vec![start],
            None => self.corpus.sequences.first().map_or(vec![0], |s| s[..1].to_vec()),
        }
    }

    fn start(&self) -> Option<u32> {
        self.corpus.start
    }

    fn end(&self) -> Option<u32> {
        self.corpus.end
    }
}
