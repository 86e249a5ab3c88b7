//! Data: the corpus cut into token ids by the same tokenizer and boundary rules as the n-gram model, and the
//! batches training draws from it.

use crate::error::{Error, Result};
use crate::gpt::net::{Batch, NO_TARGET};
use crate::gpt::params::below;
use crate::ngram::TokenizerKind;
use crate::sampling::Mt19937;
use crate::tokens::{Boundaries, END, START, Tokenizer, Vocab, check_not_special, text_ids, tokenize};

/// A tokenized corpus: its vocabulary and its sequences of ids.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Tokens in order of first appearance (BPE: base symbols, then merges' results), then `[START]`, `[END]` in
    /// lines mode (as the n-gram model).
    pub vocab: Vocab,
    /// The tokenizer (BPE holds its merges).
    pub tokenizer: Tokenizer,
    /// Sentences per line, or one stream.
    pub boundaries: Boundaries,
    /// `[START]` and `[END]` (lines mode only).
    pub start: Option<u32>,
    /// See `start`.
    pub end: Option<u32>,
    /// Lines mode: `[START] tokens [END]` per sentence; stream mode: one sequence, `\n` tokens included.
    pub sequences: Vec<Vec<u32>>,
}

impl Corpus {
    /// Cuts `text` into tokens as the n-gram model does and numbers them.
    pub fn new(text: &str, kind: TokenizerKind, merges: Option<usize>, boundaries: Boundaries) -> Result<Corpus> {
        let tokenizer = kind.build(text, merges);
        let lines_mode = boundaries == Boundaries::Lines;
        let mut vocab = tokenizer.base_vocab();
        let mut sequences = Vec::new();
        for sentence in tokenize(text, &tokenizer, boundaries) {
            let mut ids = Vec::with_capacity(sentence.tokens.len() + 2);
            for token in &sentence.tokens {
                if lines_mode {
                    check_not_special(token, || format!("corpus line {}", sentence.line))?;
                }
                ids.push(vocab.intern(token));
            }
            sequences.push(ids);
        }
        if sequences.iter().all(Vec::is_empty) {
            return Err(Error::EmptyCorpus);
        }
        let (mut start, mut end) = (None, None);
        if lines_mode {
            // each sentence becomes [START] tokens [END]
            let (s, e) = (vocab.intern(START), vocab.intern(END));
            for ids in &mut sequences {
                ids.insert(0, s);
                ids.push(e);
            }
            (start, end) = (Some(s), Some(e));
        } else if sequences[0].len() < 2 {
            return Err(Error::InvalidParameter {
                name: "corpus",
                value: "a stream of 1 token".into(),
                allowed: "a stream corpus of at least 2 tokens (one to read, one to predict)".into(),
            });
        }
        Ok(Corpus { vocab, tokenizer, boundaries, start, end, sequences })
    }

    /// A corpus with no text, for a model loaded from a weights file: it reads text with `vocab` and `tokenizer`
    /// (an empty vocabulary reads none) but has nothing to train on.
    pub fn without_text(vocab: Vocab, tokenizer: Tokenizer, boundaries: Boundaries) -> Corpus {
        let lines_mode = boundaries == Boundaries::Lines;
        let (start, end) = if lines_mode { (vocab.id(START), vocab.id(END)) } else { (None, None) };
        Corpus { vocab, tokenizer, boundaries, start, end, sequences: Vec::new() }
    }

    /// Cuts `text` by the corpus's rules into id sequences (padded with `[START]`/`[END]` in lines mode); a
    /// token the corpus never had is an error that names it.
    pub fn token_ids(&self, text: &str) -> Result<Vec<Vec<u32>>> {
        text_ids(text, &self.tokenizer, self.boundaries, &self.vocab, (self.start, 1), self.end)
    }

    /// A training batch: `rows` random windows of up to `context + 1` tokens. Lines mode picks a sentence at
    /// random, then a window inside it (a short sentence is one window, padded and masked); stream mode picks a
    /// random offset into the stream.
    pub fn sample(&self, rng: &mut Mt19937, rows: usize, context: usize) -> Batch {
        let mut windows = Vec::with_capacity(rows);
        for _ in 0..rows {
            let seq = &self.sequences[below(rng, self.sequences.len())];
            let take = seq.len().min(context + 1);
            let offset = below(rng, seq.len() - take + 1);
            windows.push(&seq[offset..offset + take]);
        }
        // positions: the longest window minus one (its last token is only a target)
        let len = windows.iter().map(|w| w.len() - 1).max().unwrap_or(1);
        let mut batch = Batch { rows, len, ..Batch::default() };
        for w in windows {
            batch.inputs.extend_from_slice(&w[..w.len() - 1]);
            batch.targets.extend_from_slice(&w[1..]);
            // pad on the right: the causal mask keeps padding out of every real position's view
            let pad = len - (w.len() - 1);
            batch.inputs.extend(std::iter::repeat_n(w[0], pad));
            batch.targets.extend(std::iter::repeat_n(NO_TARGET, pad));
        }
        batch
    }
}

/// One thing to score: an input window and which of its positions predict which token.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Input ids (at most the context).
    pub inputs: Vec<u32>,
    /// The target at each position, or [`NO_TARGET`].
    pub targets: Vec<u32>,
}

/// Every prediction of `sequence` (each token after the first), each with as much context as the window allows:
/// one window for the first `context` predictions, then one window per later token that predicts only it.
pub fn scoring_windows(sequence: &[u32], context: usize, out: &mut Vec<Window>) {
    if sequence.len() < 2 {
        return;
    }
    let first = (sequence.len() - 1).min(context);
    out.push(Window { inputs: sequence[..first].to_vec(), targets: sequence[1..=first].to_vec() });
    for i in context + 1..sequence.len() {
        let mut targets = vec![NO_TARGET; context];
        targets[context - 1] = sequence[i];
        out.push(Window { inputs: sequence[i - context..i].to_vec(), targets });
    }
}

/// Packs windows into one batch, padded on the right to the longest.
pub fn pack(windows: &[Window]) -> Batch {
    let len = windows.iter().map(|w| w.inputs.len()).max().unwrap_or(1);
    let mut batch = Batch { rows: windows.len(), len, ..Batch::default() };
    for w in windows {
        let pad = len - w.inputs.len();
        batch.inputs.extend_from_slice(&w.inputs);
        batch.inputs.extend(std::iter::repeat_n(w.inputs[0], pad));
        batch.targets.extend_from_slice(&w.targets);
        batch.targets.extend(std::iter::repeat_n(NO_TARGET, pad));
    }
    batch
}
