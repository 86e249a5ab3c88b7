//! Part A, the model: a bigram language model counted from a corpus, smoothed with add-k.
//!
//! The lesson builds a dense `V×V` matrix of ones and adds 1 for every adjacent pair. Here only the pairs that
//! occur are stored (a compressed row layout), so memory grows with the number of distinct bigrams, not `V²`;
//! every other cell of a row shares one value, `k / (row total + k·V)`.

use crate::LanguageModel;
use crate::error::{Error, Result, non_negative, whole_number};
use crate::tokens::{END, START, Vocab, check_not_special, sentences};

/// The largest vocabulary for which [`NgramModel::probabilities`] and [`NgramModel::counts`] build a dense
/// `V×V` matrix: 2,048 tokens, about 4.2 million cells (32 MiB of `f64`).
pub const MAX_DENSE_VOCAB: usize = 2048;

/// A bigram language model with add-k smoothing.
#[derive(Debug, Clone)]
pub struct NgramModel {
    vocab: Vocab,
    smoothing: f64,
    /// Row `prev` owns `next_ids[row_start[prev]..row_start[prev + 1]]` (sorted) and the same range of `pair_counts`.
    row_start: Vec<usize>,
    next_ids: Vec<u32>,
    pair_counts: Vec<u32>,
    /// How many pairs start with each token.
    row_totals: Vec<u64>,
    /// How many pairs the corpus has in all.
    pairs: u64,
}

impl NgramModel {
    /// Counts every adjacent pair of `[START] w1 … wn [END]` in each line of `corpus`; `smoothing` is the k of add-k.
    pub fn new(corpus: &str, smoothing: f64) -> Result<Self> {
        let smoothing = non_negative("smoothing", smoothing)?;
        // token ids per sentence, with u32::MAX standing for [START] until the vocabulary is complete
        let mut vocab = Vocab::default();
        let mut sentence_ids: Vec<Vec<u32>> = Vec::new();
        for (line, words) in sentences(corpus) {
            let mut ids = Vec::with_capacity(words.len());
            for word in words {
                check_not_special(word, || format!("corpus line {line}"))?;
                ids.push(vocab.intern(word));
            }
            sentence_ids.push(ids);
        }
        if vocab.is_empty() {
            return Err(Error::EmptyCorpus);
        }
        let start = vocab.intern(START);
        let end = vocab.intern(END);
        let v = vocab.len();

        // every adjacent pair as one sortable key: prev in the high half, next in the low half
        let mut keys: Vec<u64> = Vec::with_capacity(sentence_ids.iter().map(|s| s.len() + 1).sum());
        for ids in &sentence_ids {
            let mut prev = start;
            for &next in ids.iter().chain(std::iter::once(&end)) {
                keys.push((u64::from(prev) << 32) | u64::from(next));
                prev = next;
            }
        }
        drop(sentence_ids);
        keys.sort_unstable();

        // run-length the sorted keys into rows of (next, count)
        let mut row_start = vec![0usize; v + 1];
        let mut next_ids = Vec::new();
        let mut pair_counts = Vec::new();
        let mut row_totals = vec![0u64; v];
        let mut i = 0;
        while i < keys.len() {
            let key = keys[i];
            let run = keys[i..].iter().take_while(|&&k| k == key).count();
            let (prev, next) = ((key >> 32) as usize, key as u32);
            row_start[prev + 1] += 1;
            next_ids.push(next);
            pair_counts.push(run as u32);
            row_totals[prev] += run as u64;
            i += run;
        }
        for r in 0..v {
            row_start[r + 1] += row_start[r];
        }
        Ok(NgramModel {
            vocab,
            smoothing,
            row_start,
            next_ids,
            pair_counts,
            row_totals,
            pairs: keys.len() as u64,
        })
    }

    /// The vocabulary: words in order of first appearance, then `[START]`, `[END]`.
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    /// The k of add-k smoothing.
    pub fn smoothing(&self) -> f64 {
        self.smoothing
    }

    /// How many pairs were counted in all.
    pub fn pair_total(&self) -> u64 {
        self.pairs
    }

    /// How many distinct pairs occur (what the model's memory grows with).
    pub fn distinct_pairs(&self) -> usize {
        self.next_ids.len()
    }

    /// How many pairs start with `prev`.
    pub fn row_total(&self, prev: u32) -> u64 {
        self.row_totals[prev as usize]
    }

    /// The pairs `(next, count)` that follow `prev`, sorted by `next`.
    pub fn row_counts(&self, prev: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let range = self.row_start[prev as usize]..self.row_start[prev as usize + 1];
        self.next_ids[range.clone()]
            .iter()
            .copied()
            .zip(self.pair_counts[range].iter().copied())
    }

    /// How often `next` follows `prev` in the corpus.
    pub fn count(&self, prev: u32, next: u32) -> u32 {
        let range = self.row_start[prev as usize]..self.row_start[prev as usize + 1];
        match self.next_ids[range.clone()].binary_search(&next) {
            Ok(at) => self.pair_counts[range.start + at],
            Err(_) => 0,
        }
    }

    /// The denominator of row `prev`: `row total + k·V`.
    fn denominator(&self, prev: u32) -> f64 {
        self.row_totals[prev as usize] as f64 + self.smoothing * self.vocab.len() as f64
    }

    /// Writes `P(· | prev)` into `out` (length V): `(count + k) / (row total + k·V)`.
    ///
    /// With k = 0 a row that was never counted (`[END]`'s) is `0/0`: NaN, as in numpy.
    pub fn fill_row(&self, prev: u32, out: &mut [f64]) {
        let denominator = self.denominator(prev);
        // add k to every count (Laplace when k = 1), then divide by the row's sum
        out.fill(self.smoothing / denominator);
        for (next, count) in self.row_counts(prev) {
            out[next as usize] = (f64::from(count) + self.smoothing) / denominator;
        }
    }

    /// `P(· | prev)` as a new vector, after checking that `prev` is a token id.
    pub fn row(&self, prev: f64) -> Result<Vec<f64>> {
        let prev = whole_number("prev", prev, 0, self.vocab.len() as u64 - 1)? as u32;
        let mut out = vec![0.0; self.vocab.len()];
        self.fill_row(prev, &mut out);
        Ok(out)
    }

    fn check_dense(&self) -> Result<usize> {
        let v = self.vocab.len();
        if v > MAX_DENSE_VOCAB {
            return Err(Error::TooLarge {
                what: "the vocabulary for a dense V×V export",
                size: v,
                limit: MAX_DENSE_VOCAB,
            });
        }
        Ok(v)
    }

    /// The smoothed matrix, row-major `[prev * V + next]`: the lesson's `lm`, to the last bit for integer k.
    pub fn probabilities(&self) -> Result<Vec<f64>> {
        let v = self.check_dense()?;
        let mut out = vec![0.0; v * v];
        for (prev, row) in out.chunks_exact_mut(v).enumerate() {
            self.fill_row(prev as u32, row);
        }
        Ok(out)
    }

    /// The raw pair counts, row-major `[prev * V + next]`, without smoothing.
    pub fn counts(&self) -> Result<Vec<f64>> {
        let v = self.check_dense()?;
        let mut out = vec![0.0; v * v];
        for prev in 0..v {
            for (next, count) in self.row_counts(prev as u32) {
                out[prev * v + next as usize] = f64::from(count);
            }
        }
        Ok(out)
    }

    /// Mean `−ln P(next | prev)` over every pair of the corpus, `[START]→w1 … wn→[END]`.
    pub fn loss(&self) -> f64 {
        let mut total = 0.0;
        for prev in 0..self.vocab.len() as u32 {
            let denominator = self.denominator(prev);
            for (_, count) in self.row_counts(prev) {
                let p = (f64::from(count) + self.smoothing) / denominator;
                total -= f64::from(count) * p.ln();
            }
        }
        total / self.pairs as f64
    }

    /// `exp(loss)`: how many equally likely tokens the model is, on average, choosing among.
    pub fn perplexity(&self) -> f64 {
        self.loss().exp()
    }
}

impl LanguageModel for NgramModel {
    fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    fn start(&self) -> u32 {
        self.vocab.len() as u32 - 2
    }

    fn end(&self) -> u32 {
        self.vocab.len() as u32 - 1
    }

    fn next_probabilities(&self, context: &[u32], out: &mut [f64]) {
        let prev = *context
            .last()
            .expect("generation always starts from [START]");
        self.fill_row(prev, out);
    }
}
