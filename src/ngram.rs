//! Part A, the model: an n-gram language model counted from a corpus, smoothed with add-k.
//!
//! The lesson builds a dense `V×V` matrix of ones and adds 1 for every adjacent pair. Here only the
//! (context, next) pairs that occur are stored, in rows sorted by context, so memory grows with the number of
//! distinct n-grams, never `V^order`; every other cell of a row shares one value, `k / (row total + k·V)`.
//! Order 2 on words, one sentence per line, is the lesson's bigram model, to the last bit.

use std::cell::RefCell;
use std::rc::Rc;

use crate::LanguageModel;
use crate::bpe::{Bpe, MAX_MERGES};
use crate::cdf::RunCdf;
use crate::error::{Error, Given, Result, invalid_number, non_negative, number_text, quoted, whole_number};
use crate::select;
use crate::tokens::{
    Boundaries, END, START, Tokenizer, Vocab, check_not_special, check_text_size, lines, text_ids, visit_tokens,
};
use rustc_hash::FxHashMap;

/// The largest vocabulary for which [`NgramModel::probabilities`] and [`NgramModel::counts`] build a dense
/// `V×V` matrix: 2,048 tokens, about 4.2 million cells (32 MiB of `f64`).
pub const MAX_DENSE_VOCAB: usize = 2048;
/// The highest n-gram order: 6 (five tokens of context).
pub const MAX_ORDER: usize = 6;
/// The largest vocabulary a model can have: 2^21 tokens (six ids of 21 bits fit one 128-bit key).
pub const MAX_VOCAB: usize = 1 << 21;
/// How many merges the BPE tokenizer learns when the caller does not say.
pub const DEFAULT_MERGES: usize = 100;

/// Which tokenizer to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenizerKind {
    /// Words split on whitespace.
    Word,
    /// Unicode scalar values.
    Char,
    /// Byte-pair encoding learned from the corpus.
    Bpe,
}

impl TokenizerKind {
    /// The tokenizer of this kind for `corpus`: BPE learns its merges (`None`: [`DEFAULT_MERGES`]) from the lines.
    pub fn build(self, corpus: &str, merges: Option<usize>) -> Tokenizer {
        match self {
            TokenizerKind::Word => Tokenizer::Word,
            TokenizerKind::Char => Tokenizer::Char,
            TokenizerKind::Bpe => {
                let merges = merges.unwrap_or(DEFAULT_MERGES).min(MAX_MERGES);
                Tokenizer::Bpe(Bpe::learn(lines(corpus).map(|(_, line)| line), merges))
            }
        }
    }

    /// Reads the JavaScript name: `"word"`, `"char"` or `"bpe"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "word" => Ok(TokenizerKind::Word),
            "char" => Ok(TokenizerKind::Char),
            "bpe" => Ok(TokenizerKind::Bpe),
            _ => Err(Error::InvalidParameter {
                name: "tokenizer",
                value: quoted(name).into(),
                allowed: "one of \"word\", \"char\", \"bpe\"".into(),
            }),
        }
    }
}

/// Reads the JavaScript name of a boundary mode: `"lines"` or `"stream"`.
pub fn parse_boundaries(name: &str) -> Result<Boundaries> {
    match name {
        "lines" => Ok(Boundaries::Lines),
        "stream" => Ok(Boundaries::Stream),
        _ => Err(Error::InvalidParameter {
            name: "boundaries",
            value: quoted(name).into(),
            allowed: "one of \"lines\", \"stream\"".into(),
        }),
    }
}

/// How to build a model. The defaults are the lesson's: add-1 bigrams over words, one sentence per line.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelOptions {
    /// k of add-k smoothing, ≥ 0.
    pub smoothing: f64,
    /// 1 (unigram) … 6.
    pub order: usize,
    /// Which tokenizer.
    pub tokenizer: TokenizerKind,
    /// For BPE: how many merges to learn (`None`: [`DEFAULT_MERGES`]).
    pub merges: Option<usize>,
    /// Sentences per line, or one stream.
    pub boundaries: Boundaries,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            smoothing: 1.0,
            order: 2,
            tokenizer: TokenizerKind::Word,
            merges: None,
            boundaries: Boundaries::Lines,
        }
    }
}

impl ModelOptions {
    /// Checks options given as JavaScript values; `None` keeps the default.
    pub fn from_js(
        smoothing: Option<f64>,
        order: Option<f64>,
        tokenizer: Option<&str>,
        merges: Option<f64>,
        boundaries: Option<&str>,
    ) -> Result<Self> {
        let mut options = ModelOptions::default();
        if let Some(k) = smoothing {
            options.smoothing = non_negative("smoothing", k)?;
        }
        if let Some(order) = order {
            options.order = whole_number("order", order, 1, MAX_ORDER as u64)? as usize;
        }
        if let Some(name) = tokenizer {
            options.tokenizer = TokenizerKind::parse(name)?;
        }
        if let Some(merges) = merges {
            if options.tokenizer != TokenizerKind::Bpe {
                return Err(invalid_number("merges", merges, "given only with tokenizer \"bpe\""));
            }
            options.merges = Some(whole_number("merges", merges, 0, MAX_MERGES as u64)? as usize);
        }
        if let Some(name) = boundaries {
            options.boundaries = parse_boundaries(name)?;
        }
        Ok(options)
    }
}

/// Packs token ids, `bits` apiece, into one sortable key.
fn pack(ids: &[u32], bits: usize) -> u128 {
    ids.iter().fold(0u128, |key, &id| (key << bits) | u128::from(id))
}

/// What counting a corpus produced; shared by every smoothing of the same counts.
#[derive(Debug)]
struct Counts {
    vocab: Vocab,
    tokenizer: Tokenizer,
    boundaries: Boundaries,
    order: usize,
    /// `[START]` and `[END]` (lines mode only).
    start: Option<u32>,
    end: Option<u32>,
    /// Where generation begins: `[START]` (lines) or the corpus's first order−1 tokens (stream).
    prompt: Vec<u32>,
    /// The sparse rows: one per counted context.
    rows: Rows,
    /// How many predictions were counted in all.
    predictions: u64,
    /// How many bits each token id takes in a packed context.
    bits: usize,
}

/// How many bits an id below `v` needs (at least 1).
fn id_bits(v: usize) -> usize {
    (usize::BITS - v.saturating_sub(1).leading_zeros()).max(1) as usize
}

/// A packed n-gram key: 64 bits when the ids fit, 128 otherwise.
trait Key: Copy + Ord + Default {
    /// The 16-bit digit at `shift`.
    fn digit(self, shift: usize) -> usize;
}

impl Key for u64 {
    fn digit(self, shift: usize) -> usize {
        ((self >> shift) & 0xffff) as usize
    }
}

impl Key for u128 {
    fn digit(self, shift: usize) -> usize {
        ((self >> shift) & 0xffff) as usize
    }
}

/// Sorts keys whose values fit in `bits` bits: LSD radix sort, 16 bits a pass (a heap sort when few).
fn radix_sort<K: Key>(keys: &mut Vec<K>, bits: usize) {
    if keys.len() < 1 << 12 {
        select::sort_by(keys, |a, b| a < b);
        return;
    }
    let mut buffer = vec![K::default(); keys.len()];
    let mut counts = vec![0usize; 1 << 16];
    for shift in (0..bits).step_by(16) {
        // count each digit, turn counts into starting offsets, then scatter stably
        counts.fill(0);
        for &k in keys.iter() {
            counts[k.digit(shift)] += 1;
        }
        let mut offset = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = offset;
            offset += n;
        }
        for &k in keys.iter() {
            let digit = k.digit(shift);
            buffer[counts[digit]] = k;
            counts[digit] += 1;
        }
        std::mem::swap(keys, &mut buffer);
    }
}

/// The sparse rows made from sorted keys.
#[derive(Debug)]
struct Rows {
    /// Sorted packed contexts; row r is context `contexts[r]`.
    contexts: Vec<u128>,
    /// Row r owns `next_ids[row_start[r]..row_start[r + 1]]` (sorted) and the same range of `next_counts`.
    row_start: Vec<usize>,
    next_ids: Vec<u32>,
    next_counts: Vec<u32>,
    /// Running sums of `next_counts` within each row (inclusive), for drawing from the counts in O(log n).
    next_cumulative: Vec<u32>,
    /// How many predictions each context made.
    row_totals: Vec<u64>,
    /// For bigram models, the row of each previous token (`u32::MAX`: never counted): an O(1) lookup.
    by_prev: Vec<u32>,
}

impl Rows {
    /// Run-length encodes sorted keys; `split` turns a key into (packed context, next id).
    fn from_sorted<K: Copy + PartialEq>(keys: &[K], split: impl Fn(K) -> (u128, u32)) -> Rows {
        let mut rows = Rows {
            contexts: Vec::new(),
            row_start: vec![0],
            next_ids: Vec::new(),
            next_counts: Vec::new(),
            next_cumulative: Vec::new(),
            row_totals: Vec::new(),
            by_prev: Vec::new(),
        };
        let mut i = 0;
        while i < keys.len() {
            let key = keys[i];
            let run = keys[i..].iter().take_while(|&&k| k == key).count();
            let (context, next) = split(key);
            if rows.contexts.last() != Some(&context) {
                rows.contexts.push(context);
                rows.row_start.push(rows.next_ids.len());
                rows.row_totals.push(0);
            }
            rows.next_ids.push(next);
            rows.next_counts.push(run as u32);
            *rows.row_start.last_mut().expect("a row was opened") += 1;
            let total = rows.row_totals.last_mut().expect("a row was opened");
            *total += run as u64;
            rows.next_cumulative.push(*total as u32);
            i += run;
        }
        rows
    }
}

/// An n-gram language model with add-k smoothing.
#[derive(Debug, Clone)]
pub struct NgramModel {
    counts: Rc<Counts>,
    smoothing: f64,
    /// numpy's running sums of rows the exact sampler has drawn from, shared by clones (same counts, same k).
    cdf_cache: Rc<RefCell<CdfCache>>,
}

/// The most runs a model keeps in its cdf cache: 2^19 (12 MiB). Rows beyond it are summed again when drawn from.
pub const CDF_CACHE_RUNS: usize = 1 << 19;

/// Running sums of rows already summed, by row (`u64::MAX`: the shared row of contexts never counted).
#[derive(Debug, Default)]
struct CdfCache {
    rows: FxHashMap<u64, Rc<RunCdf>>,
    runs: usize,
}

impl NgramModel {
    /// The lesson's model: bigrams over words, one sentence per line, add-`smoothing`.
    pub fn new(corpus: &str, smoothing: f64) -> Result<Self> {
        NgramModel::with_options(corpus, &ModelOptions { smoothing, ..ModelOptions::default() })
    }

    /// Counts every (context, next) pair of the corpus under `options`.
    pub fn with_options(corpus: &str, options: &ModelOptions) -> Result<Self> {
        check_text_size("the corpus (in UTF-8 bytes)", corpus)?;
        let smoothing = non_negative("smoothing", options.smoothing)?;
        let order = whole_number("order", options.order as f64, 1, MAX_ORDER as u64)? as usize;
        let context_len = order - 1;
        let tokenizer = options.tokenizer.build(corpus, options.merges);
        let lines_mode = options.boundaries == Boundaries::Lines;

        // token ids of every sequence in one flat list, padded in lines mode with order−1 [START]s and one [END]
        // (placeholders until the vocabulary, whose last two ids they are, is complete)
        const START_MARK: u32 = u32::MAX;
        const END_MARK: u32 = u32::MAX - 1;
        let mut vocab = tokenizer.base_vocab();
        let mut ids: Vec<u32> = Vec::with_capacity(corpus.len() / 4);
        let mut ends: Vec<usize> = Vec::new();
        let mut fresh = true;
        visit_tokens(corpus, &tokenizer, options.boundaries, |token, line| {
            match token {
                Some(token) => {
                    if lines_mode {
                        check_not_special(&token, || format!("corpus line {line}"))?;
                        if fresh {
                            ids.extend(std::iter::repeat_n(START_MARK, context_len));
                        }
                    }
                    fresh = false;
                    ids.push(vocab.intern(&token));
                }
                None => {
                    if lines_mode {
                        ids.push(END_MARK);
                    }
                    ends.push(ids.len());
                    fresh = true;
                }
            }
            Ok::<(), Error>(())
        })?;
        if ids.is_empty() {
            return Err(Error::EmptyCorpus);
        }
        let (start, end) = if lines_mode { (Some(vocab.intern(START)), Some(vocab.intern(END))) } else { (None, None) };
        if vocab.len() > MAX_VOCAB {
            return Err(Error::TooLarge { what: "the vocabulary", size: vocab.len(), limit: MAX_VOCAB });
        }
        if let (Some(start), Some(end)) = (start, end) {
            for id in &mut ids {
                *id = match *id {
                    START_MARK => start,
                    END_MARK => end,
                    id => id,
                };
            }
        }
        let prompt = match start {
            Some(start) => vec![start],
            None => {
                if ids.len() <= context_len {
                    return Err(Error::InvalidParameter {
                        name: "order",
                        value: Given::Number(order as f64),
                        allowed: format!(
                            "at most the number of tokens in a stream corpus minus 1 (the corpus has {} tokens)",
                            ids.len()
                        ),
                    });
                }
                ids[..context_len].to_vec()
            }
        };

        // every (context, next) window as one integer key: ids packed `bits` apiece, context high, next low;
        // sorted, equal keys are one n-gram and its count, and keys sharing a context form that context's row
        let bits = id_bits(vocab.len());
        let starts = std::iter::once(0).chain(ends.iter().copied());
        let sequences: Vec<&[u32]> = starts.zip(ends.iter()).map(|(begin, &end)| &ids[begin..end]).collect();
        let predictions: usize = sequences.iter().map(|s| s.len().saturating_sub(context_len)).sum();
        let rows = if order * bits <= 64 {
            let mut keys: Vec<u64> = Vec::with_capacity(predictions);
            for sequence in &sequences {
                keys.extend(sequence.windows(order).map(|w| w.iter().fold(0u64, |k, &id| (k << bits) | u64::from(id))));
            }
            radix_sort(&mut keys, order * bits);
            Rows::from_sorted(&keys, |k| (u128::from(k >> bits), (k & ((1 << bits) - 1)) as u32))
        } else {
            let mut keys: Vec<u128> = Vec::with_capacity(predictions);
            for sequence in &sequences {
                keys.extend(
                    sequence.windows(order).map(|w| w.iter().fold(0u128, |k, &id| (k << bits) | u128::from(id))),
                );
            }
            radix_sort(&mut keys, order * bits);
            Rows::from_sorted(&keys, |k| (k >> bits, (k & ((1 << bits) - 1)) as u32))
        };
        drop(sequences);
        drop(ids);
        let mut rows = rows;
        if order == 2 {
            // a bigram's context is one id: index the rows by it
            rows.by_prev = vec![u32::MAX; vocab.len()];
            for (r, &context) in rows.contexts.iter().enumerate() {
                rows.by_prev[context as usize] = r as u32;
            }
        }
        let counts = Counts {
            vocab,
            tokenizer,
            boundaries: options.boundaries,
            order,
            start,
            end,
            prompt,
            rows,
            predictions: predictions as u64,
            bits,
        };
        Ok(NgramModel { counts: Rc::new(counts), smoothing, cdf_cache: Rc::default() })
    }

    /// The same counts with another k: no re-counting.
    pub fn with_smoothing(&self, smoothing: f64) -> Result<Self> {
        let smoothing = non_negative("smoothing", smoothing)?;
        Ok(NgramModel { counts: Rc::clone(&self.counts), smoothing, cdf_cache: Rc::default() })
    }

    /// The vocabulary: tokens in order of first appearance (BPE: its base symbols, then its merges' results, in
    /// order), then `[START]`, `[END]` in lines mode.
    pub fn vocab(&self) -> &Vocab {
        &self.counts.vocab
    }

    /// The k of add-k smoothing.
    pub fn smoothing(&self) -> f64 {
        self.smoothing
    }

    /// The n of n-gram: how many tokens a counted window spans (context + next).
    pub fn order(&self) -> usize {
        self.counts.order
    }

    /// The tokenizer (BPE holds its merges).
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.counts.tokenizer
    }

    /// Sentences per line, or one stream.
    pub fn boundaries(&self) -> Boundaries {
        self.counts.boundaries
    }

    /// How many predictions were counted in all (for order 2 in lines mode: the pairs).
    pub fn pair_total(&self) -> u64 {
        self.counts.predictions
    }

    /// How many distinct (context, next) pairs occur: what the model's memory grows with.
    pub fn distinct_pairs(&self) -> usize {
        self.counts.rows.next_ids.len()
    }

    /// How many distinct contexts were counted.
    pub fn context_count(&self) -> usize {
        self.counts.rows.contexts.len()
    }

    /// The row of a context (its last order−1 tokens; in lines mode, `[START]`s fill in a shorter one).
    fn row_of(&self, context: &[u32]) -> Option<usize> {
        let c = self.counts.order - 1;
        match c {
            0 => return (!self.counts.rows.contexts.is_empty()).then_some(0),
            1 => {
                let prev = context.last().copied().or(self.counts.start)?;
                let row = *self.counts.rows.by_prev.get(prev as usize)?;
                return (row != u32::MAX).then_some(row as usize);
            }
            _ => {}
        }
        let mut window = [0u32; MAX_ORDER];
        let take = context.len().min(c);
        let pad = c - take;
        let filler = self.counts.start.unwrap_or(0);
        window[..pad].fill(filler);
        window[pad..c].copy_from_slice(&context[context.len() - take..]);
        self.counts.rows.contexts.binary_search(&pack(&window[..c], self.counts.bits)).ok()
    }

    fn row_range(&self, row: usize) -> std::ops::Range<usize> {
        self.counts.rows.row_start[row]..self.counts.rows.row_start[row + 1]
    }

    /// The `(next, count)` pairs counted after `context`, sorted by `next`.
    pub fn context_counts(&self, context: &[u32]) -> Vec<(u32, u32)> {
        self.row_of(context).map_or_else(Vec::new, |row| {
            let range = self.row_range(row);
            self.counts.rows.next_ids[range.clone()]
                .iter()
                .copied()
                .zip(self.counts.rows.next_counts[range].iter().copied())
                .collect()
        })
    }

    /// How many predictions `context` made in the corpus (the row total before smoothing).
    pub fn context_total(&self, context: &[u32]) -> u64 {
        self.row_of(context).map_or(0, |row| self.counts.rows.row_totals[row])
    }

    /// How many pairs start with `prev` (bigram models).
    pub fn row_total(&self, prev: u32) -> u64 {
        self.context_total(&[prev])
    }

    /// [`NgramModel::row_total`] of every token, in id order: the row totals of the V×V counts.
    pub fn row_totals(&self) -> Vec<f64> {
        (0..self.counts.vocab.len() as u32).map(|prev| self.row_total(prev) as f64).collect()
    }

    /// How often `next` follows `context` in the corpus.
    pub fn count(&self, context: &[u32], next: u32) -> u32 {
        self.row_of(context).map_or(0, |row| self.count_in_row(row, next))
    }

    /// How often `next` follows the context of `row`.
    fn count_in_row(&self, row: usize, next: u32) -> u32 {
        let range = self.row_range(row);
        match self.counts.rows.next_ids[range.clone()].binary_search(&next) {
            Ok(at) => self.counts.rows.next_counts[range.start + at],
            Err(_) => 0,
        }
    }

    /// Roughly how many bytes the model keeps: its counts, vocabulary and cached running sums.
    pub fn heap_bytes(&self) -> usize {
        let c = &self.counts;
        let vocab: usize = c.vocab.tokens().iter().map(|t| 2 * t.capacity() + 48).sum();
        let rows = c.rows.contexts.capacity() * 16 + c.rows.row_start.capacity() * 8 + c.rows.row_totals.capacity() * 8;
        let pairs =
            (c.rows.next_ids.capacity() + c.rows.next_counts.capacity() + c.rows.next_cumulative.capacity()) * 4;
        let cache = self.cdf_cache.borrow().runs * 24;
        vocab + rows + pairs + cache
    }

    /// Writes `P(· | context)` into `out` (length V): `(count + k) / (row total + k·V)`.
    ///
    /// A context that was never counted gets `k / (k·V)`: uniform for k > 0, and `0/0` = NaN for k = 0, as numpy.
    pub fn fill_row(&self, context: &[u32], out: &mut [f64]) {
        let v = self.counts.vocab.len() as f64;
        let row = self.row_of(context);
        let total = row.map_or(0, |r| self.counts.rows.row_totals[r]);
        // add k to every count (Laplace when k = 1), then divide by the row's sum
        let denominator = total as f64 + self.smoothing * v;
        out.fill(self.smoothing / denominator);
        if let Some(row) = row {
            let range = self.row_range(row);
            for (&next, &count) in
                self.counts.rows.next_ids[range.clone()].iter().zip(&self.counts.rows.next_counts[range])
            {
                out[next as usize] = (f64::from(count) + self.smoothing) / denominator;
            }
        }
    }

    /// The context `[prev]` of a bigram model, after checking that `prev` is a token id.
    pub fn prev_context(&self, prev: f64) -> Result<Vec<u32>> {
        if self.counts.order != 2 {
            return Err(Error::Unsupported(format!(
                "a token id as the context needs an order-2 model; this one has order {}: pass the context as a \
                 list of {} tokens",
                self.counts.order,
                self.counts.order - 1
            )));
        }
        Ok(vec![whole_number("prev", prev, 0, self.counts.vocab.len() as u64 - 1)? as u32])
    }

    /// The ids of a context given as exactly order−1 token strings.
    pub fn context_of(&self, context: &[String]) -> Result<Vec<u32>> {
        let c = self.counts.order - 1;
        if context.len() != c {
            return Err(Error::InvalidParameter {
                name: "context",
                value: format!("{} tokens", context.len()).into(),
                allowed: format!("a list of exactly {c} tokens (order {} − 1)", self.counts.order),
            });
        }
        context
            .iter()
            .map(|t| {
                self.counts.vocab.id(t).ok_or_else(|| Error::UnknownToken { token: t.clone(), place: "context".into() })
            })
            .collect()
    }

    /// `P(· | context)` as a new vector of length V.
    pub fn row_of_context(&self, context: &[u32]) -> Vec<f64> {
        let mut out = vec![0.0; self.counts.vocab.len()];
        self.fill_row(context, &mut out);
        out
    }

    /// The cells of a matrix view: for each context, `P(col | context)` for each of `cols` (row-major, one row per
    /// context), and the sum of the context's whole row of V probabilities, added in id order. What a picture of
    /// the top rows and columns needs, without handing over V numbers a row. `cols` must be token ids.
    pub fn cells(&self, contexts: &[Vec<u32>], cols: &[u32]) -> Result<(Vec<f64>, Vec<f64>)> {
        let v = self.counts.vocab.len();
        if let Some(&bad) = cols.iter().find(|&&c| c as usize >= v) {
            return Err(Error::InvalidParameter {
                name: "columns",
                value: format!("the id {bad}").into(),
                allowed: format!("token ids from 0 to {}", v - 1),
            });
        }
        let mut row = vec![0.0; v];
        let mut probabilities = Vec::with_capacity(contexts.len() * cols.len());
        let mut sums = Vec::with_capacity(contexts.len());
        for context in contexts {
            self.fill_row(context, &mut row);
            probabilities.extend(cols.iter().map(|&c| row[c as usize]));
            sums.push(row.iter().sum());
        }
        Ok((probabilities, sums))
    }

    /// `P(· | prev)` for a bigram model, after checking that `prev` is a token id.
    pub fn row(&self, prev: f64) -> Result<Vec<f64>> {
        Ok(self.row_of_context(&self.prev_context(prev)?))
    }

    /// `P(· | context)` for a context of exactly order−1 token strings.
    pub fn row_for(&self, context: &[String]) -> Result<Vec<f64>> {
        Ok(self.row_of_context(&self.context_of(context)?))
    }

    /// The raw counts after `context`, as a vector of length V.
    pub fn counts_row(&self, context: &[u32]) -> Vec<f64> {
        let mut out = vec![0.0; self.counts.vocab.len()];
        for (next, count) in self.context_counts(context) {
            out[next as usize] = f64::from(count);
        }
        out
    }

    /// How often each token was predicted (appeared as the next token), over all contexts.
    pub fn next_totals(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.counts.vocab.len()];
        for (&next, &count) in self.counts.rows.next_ids.iter().zip(&self.counts.rows.next_counts) {
            out[next as usize] += f64::from(count);
        }
        out
    }

    /// The `limit` contexts that made the most predictions, most first (ties: in key order), with their totals.
    pub fn top_contexts(&self, limit: usize) -> Vec<(Vec<u32>, u64)> {
        let totals = &self.counts.rows.row_totals;
        let mut rows: Vec<usize> = (0..totals.len()).collect();
        // "larger" is more predictions, then the earlier key
        select::largest_last(&mut rows, limit, |&a, &b| totals[a] < totals[b] || (totals[a] == totals[b] && a > b));
        let c = self.counts.order - 1;
        rows[rows.len() - limit.min(rows.len())..]
            .iter()
            .rev()
            .map(|&r| {
                let key = self.counts.rows.contexts[r];
                let bits = self.counts.bits;
                let ids = (0..c).map(|i| ((key >> (bits * (c - 1 - i))) & ((1 << bits) - 1)) as u32).collect();
                (ids, self.counts.rows.row_totals[r])
            })
            .collect()
    }

    fn check_dense(&self) -> Result<usize> {
        if self.counts.order != 2 {
            return Err(Error::Unsupported(format!(
                "the dense V×V matrix is the bigram (order 2) view; this model has order {}: use row(context) \
                 and topContexts() instead",
                self.counts.order
            )));
        }
        let v = self.counts.vocab.len();
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
            self.fill_row(&[prev as u32], row);
        }
        Ok(out)
    }

    /// The raw pair counts, row-major `[prev * V + next]`, without smoothing.
    pub fn counts(&self) -> Result<Vec<f64>> {
        let v = self.check_dense()?;
        let mut out = vec![0.0; v * v];
        for prev in 0..v {
            for (next, count) in self.context_counts(&[prev as u32]) {
                out[prev * v + next as usize] = f64::from(count);
            }
        }
        Ok(out)
    }

    /// Mean `−ln P(next | context)` over every prediction counted from the corpus.
    pub fn loss(&self) -> f64 {
        let v = self.counts.vocab.len() as f64;
        let mut total = 0.0;
        for (row, &row_total) in self.counts.rows.row_totals.iter().enumerate() {
            let denominator = row_total as f64 + self.smoothing * v;
            for &count in &self.counts.rows.next_counts[self.row_range(row)] {
                total -= f64::from(count) * ((f64::from(count) + self.smoothing) / denominator).ln();
            }
        }
        total / self.counts.predictions as f64
    }

    /// Cuts `text` into token ids by the model's tokenizer and boundaries, padded as the corpus was.
    pub fn token_ids(&self, text: &str) -> Result<Vec<Vec<u32>>> {
        let c = &self.counts;
        text_ids(text, &c.tokenizer, c.boundaries, &c.vocab, (c.start, c.order - 1), c.end)
    }

    /// Mean `−ln P(next | context)` over every position of `text` that has a full context, by the same rules as
    /// the corpus (held-out loss). A token the model never saw is an error that names it.
    pub fn loss_on(&self, text: &str) -> Result<f64> {
        Ok(self.losses_on(text, &[self.smoothing])?[0])
    }

    /// The held-out loss of `text` for each k in `smoothings` (the same counts, cut and looked up once).
    pub fn losses_on(&self, text: &str, smoothings: &[f64]) -> Result<Vec<f64>> {
        check_text_size("the text (in UTF-8 bytes)", text)?;
        for &k in smoothings {
            non_negative("smoothing", k)?;
        }
        // every prediction as (row total, count), then the mean −ln P for each k
        let order = self.counts.order;
        let mut seen: Vec<(u64, u32)> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        let lines_mode = self.counts.start.is_some();
        let score = |ids: &mut Vec<u32>, seen: &mut Vec<(u64, u32)>| {
            for window in ids.windows(order) {
                let (context, next) = window.split_at(order - 1);
                seen.push(
                    self.row_of(context)
                        .map_or((0, 0), |r| (self.counts.rows.row_totals[r], self.count_in_row(r, next[0]))),
                );
            }
            ids.clear();
        };
        visit_tokens(text, &self.counts.tokenizer, self.counts.boundaries, |token, line| {
            match token {
                Some(token) => {
                    if lines_mode {
                        check_not_special(&token, || format!("the text (line {line})"))?;
                        if ids.is_empty() {
                            ids.extend(std::iter::repeat_n(self.counts.start.unwrap_or(0), order - 1));
                        }
                    }
                    let id = self.counts.vocab.id(&token).ok_or_else(|| Error::UnknownToken {
                        token: token.into_owned(),
                        place: format!("the text (line {line})"),
                    })?;
                    ids.push(id);
                }
                None => {
                    if let Some(end) = self.counts.end {
                        ids.push(end);
                    }
                    score(&mut ids, &mut seen);
                }
            }
            Ok::<(), Error>(())
        })?;
        if seen.is_empty() {
            return Err(Error::InvalidParameter {
                name: "text",
                value: "a text with nothing to predict".into(),
                allowed: format!("a text with at least {order} tokens in stream mode, or one non-empty line"),
            });
        }
        let v = self.counts.vocab.len() as f64;
        Ok(smoothings
            .iter()
            .map(|&k| {
                let total: f64 = seen.iter().map(|&(t, c)| -((f64::from(c) + k) / (t as f64 + k * v)).ln()).sum();
                total / seen.len() as f64
            })
            .collect())
    }

    /// `exp(loss)`: how many equally likely tokens the model is, on average, choosing among.
    pub fn perplexity(&self) -> f64 {
        self.loss().exp()
    }

    /// A short description for messages.
    pub fn describe(&self) -> String {
        format!(
            "order {} {} model ({}, k = {})",
            self.counts.order,
            self.counts.tokenizer.name(),
            self.counts.boundaries.name(),
            number_text(self.smoothing)
        )
    }
}

impl LanguageModel for NgramModel {
    fn vocab(&self) -> &Vocab {
        &self.counts.vocab
    }

    fn prompt(&self) -> Vec<u32> {
        self.counts.prompt.clone()
    }

    fn start(&self) -> Option<u32> {
        self.counts.start
    }

    fn end(&self) -> Option<u32> {
        self.counts.end
    }

    fn next_probabilities(&self, context: &[u32], out: &mut [f64]) {
        self.fill_row(context, out);
    }

    fn exact_cdf(&self, context: &[u32]) -> Option<Rc<RunCdf>> {
        let row = self.row_of(context);
        let key = row.map_or(u64::MAX, |r| r as u64);
        if let Some(cdf) = self.cdf_cache.borrow().rows.get(&key) {
            return Some(Rc::clone(cdf));
        }
        // the row as numpy holds it: k / (T + k·V) everywhere, (count + k) / (T + k·V) where counted
        let v = self.counts.vocab.len();
        let total = row.map_or(0, |r| self.counts.rows.row_totals[r]);
        let denominator = total as f64 + self.smoothing * v as f64;
        let range = row.map_or(0..0, |r| self.row_range(r));
        let entries = self.counts.rows.next_ids[range.clone()]
            .iter()
            .zip(&self.counts.rows.next_counts[range])
            .map(|(&next, &count)| (next as usize, (f64::from(count) + self.smoothing) / denominator));
        let cdf = Rc::new(RunCdf::new(v, self.smoothing / denominator, entries));
        let mut cache = self.cdf_cache.borrow_mut();
        if cache.runs + cdf.run_count() <= CDF_CACHE_RUNS {
            cache.runs += cdf.run_count();
            cache.rows.insert(key, Rc::clone(&cdf));
        }
        Some(cdf)
    }

    fn has_fast_path(&self) -> bool {
        true
    }

    fn sample_fast(&self, context: &[u32], uniform: f64) -> Option<u32> {
        // P(j) = (count_j + k) / (T + k·V): split [0, T + k·V) into the counts' part [0, T) and k·V of background
        let v = self.counts.vocab.len();
        let row = self.row_of(context);
        let total = row.map_or(0, |r| self.counts.rows.row_totals[r]) as f64;
        let x = uniform * (total + self.smoothing * v as f64);
        if !x.is_finite() || total + self.smoothing * v as f64 <= 0.0 {
            return None;
        }
        if let Some(row) = row.filter(|_| x < total) {
            // the first next whose running count exceeds x
            let range = self.row_range(row);
            let at = self.counts.rows.next_cumulative[range.clone()].partition_point(|&c| f64::from(c) <= x);
            return Some(self.counts.rows.next_ids[range.start + at.min(range.len() - 1)]);
        }
        Some((((x - total) / self.smoothing) as usize).min(v - 1) as u32)
    }
}
