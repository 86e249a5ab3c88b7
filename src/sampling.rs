//! Part A, sampling: numpy's legacy random generator and `np.random.choice`, reproduced bit for bit, then the
//! lesson's `generate` loop on top of any [`LanguageModel`].

use std::convert::Infallible;

use rand::{Rng, SeedableRng, TryRng};

use crate::LanguageModel;
use crate::error::{Error, Result, invalid_number, quoted, whole_number};
use crate::select;

/// The Mersenne Twister MT19937, seeded the way `np.random.seed(s)` seeds numpy's legacy `RandomState`.
#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; 624],
    next: usize,
}

impl Mt19937 {
    /// Seeds the generator like the reference `init_genrand(seed)`.
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        Mt19937 { state, next: 624 }
    }

    /// Regenerates all 624 words of state.
    fn twist(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        for i in 0..624 {
            let y = (self.state[i] & UPPER) | (self.state[(i + 1) % 624] & LOWER);
            let mut x = self.state[(i + 397) % 624] ^ (y >> 1);
            if y & 1 != 0 {
                x ^= 0x9908_b0df;
            }
            self.state[i] = x;
        }
        self.next = 0;
    }

    /// The next tempered 32-bit output.
    pub fn next_word(&mut self) -> u32 {
        if self.next >= 624 {
            self.twist();
        }
        let mut y = self.state[self.next];
        self.next += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937").field("next", &self.next).finish_non_exhaustive()
    }
}

impl TryRng for Mt19937 {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        Ok(self.next_word())
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        rand::rand_core::utils::next_u64_via_u32(self)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        rand::rand_core::utils::fill_bytes_via_next_word(dst, || self.try_next_u32())
    }
}

impl SeedableRng for Mt19937 {
    type Seed = [u8; 4];

    /// The seed's four bytes, little-endian, are the `u32` that `np.random.seed` takes.
    fn from_seed(seed: [u8; 4]) -> Self {
        Mt19937::new(u32::from_le_bytes(seed))
    }
}

/// numpy's `random_sample()`: a uniform float64 in [0, 1) with 53 random bits from two 32-bit draws.
pub fn random_sample<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let a = rng.next_u32() >> 5;
    let b = rng.next_u32() >> 6;
    (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
}

/// Turns `probs` into numpy's cdf in place: the cumulative sum in float64, in order, divided by its last element.
/// Returns false when the row has no distribution (it sums to 0, or holds NaN: `0/0` for k = 0).
pub fn cdf_in_place(probs: &mut [f64]) -> bool {
    let mut running = 0.0;
    for p in probs.iter_mut() {
        running += *p;
        *p = running;
    }
    let last = running;
    for c in probs.iter_mut() {
        *c /= last;
    }
    last > 0.0 && last.is_finite()
}

/// The first index whose cdf value is strictly greater than `u`: numpy's `searchsorted(u, side='right')`.
pub fn search_cdf(cdf: &[f64], u: f64) -> usize {
    // the cdf never decreases, so a binary search finds what a scan would
    cdf.partition_point(|&c| c <= u).min(cdf.len() - 1)
}

/// One draw of `np.random.choice(len(p), p=p)` given the uniform draw `u`, leaving numpy's cdf in `probs`.
/// `None` when the row has no distribution.
pub fn choose(probs: &mut [f64], u: f64) -> Option<usize> {
    cdf_in_place(probs).then(|| search_cdf(probs, u))
}

/// The largest `maxLen` accepted: 100,000 tokens.
pub const MAX_LEN_LIMIT: u64 = 100_000;
/// The most sequences one `generateMany` call makes: 10,000.
pub const MAX_MANY: u64 = 10_000;

/// How a token is drawn from a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SampleMode {
    /// numpy's `np.random.choice` to the last bit: an O(V) cumulative sum per token (cached per context).
    #[default]
    Exact,
    /// The same distribution drawn in O(log n) from the sparse counts: different samples from numpy's, much
    /// faster on large vocabularies. At temperature ≠ 1, with top-k or with `never_start` it falls back to the exact procedure.
    Fast,
}

impl SampleMode {
    /// Reads the JavaScript name: `"exact"` or `"fast"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "exact" => Ok(SampleMode::Exact),
            "fast" => Ok(SampleMode::Fast),
            _ => Err(Error::InvalidParameter {
                name: "mode",
                value: quoted(name).into(),
                allowed: "one of \"exact\", \"fast\"".into(),
            }),
        }
    }
}

/// How to sample: the notebook's procedure at temperature 1 and top-k 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleOptions {
    /// The seed of `np.random.seed`; `None` draws one from the system's randomness.
    pub seed: Option<u32>,
    /// Most tokens returned, `[START]` included.
    pub max_len: usize,
    /// Divides log-probabilities before renormalising; 1 leaves the row as it is.
    pub temperature: f64,
    /// Keeps only the k most likely tokens (ties go to the lower id); 0 keeps all.
    pub top_k: usize,
    /// numpy-exact or fast.
    pub mode: SampleMode,
    /// Gives `[START]`'s column no probability: add-k smoothing hands every column a share, `[START]`'s too, so
    /// the lesson's model can draw `[START]` mid-sentence; GPT-1 never predicts its start token. Off by default,
    /// which keeps the notebook's samples exact.
    pub never_start: bool,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            seed: None,
            max_len: 6,
            temperature: 1.0,
            top_k: 0,
            mode: SampleMode::Exact,
            never_start: false,
        }
    }
}

impl SampleOptions {
    /// Checks options given as JavaScript numbers; `None` keeps the default.
    pub fn from_numbers(
        seed: Option<f64>,
        max_len: Option<f64>,
        temperature: Option<f64>,
        top_k: Option<f64>,
    ) -> Result<Self> {
        Self::from_js(seed, max_len, temperature, top_k, None)
    }

    /// Checks options given as JavaScript values, the sampling mode included; `None` keeps the default.
    pub fn from_js(
        seed: Option<f64>,
        max_len: Option<f64>,
        temperature: Option<f64>,
        top_k: Option<f64>,
        mode: Option<&str>,
    ) -> Result<Self> {
        let mut options = SampleOptions::default();
        if let Some(seed) = seed {
            options.seed = Some(whole_number("seed", seed, 0, u64::from(u32::MAX))? as u32);
        }
        if let Some(max_len) = max_len {
            options.max_len = whole_number("maxLen", max_len, 1, MAX_LEN_LIMIT)? as usize;
        }
        if let Some(temperature) = temperature {
            if !(temperature.is_finite() && temperature > 0.0) {
                return Err(invalid_number("temperature", temperature, "a finite number > 0"));
            }
            options.temperature = temperature;
        }
        if let Some(top_k) = top_k {
            options.top_k = whole_number("topK", top_k, 0, u64::from(u32::MAX))? as usize;
        }
        if let Some(mode) = mode {
            options.mode = SampleMode::parse(mode)?;
        }
        Ok(options)
    }

    /// True when the row is sampled exactly as the notebook samples it.
    pub fn is_exact(&self) -> bool {
        self.temperature == 1.0 && self.top_k == 0 && !self.never_start
    }

    /// Reshapes a model's row as these options ask: `[START]`'s column emptied when `never_start`, temperature and
    /// top-k, then scaled back to a sum of 1.
    pub fn shape(&self, probs: &mut [f64], start: Option<u32>) {
        reshape_without(probs, self.temperature, self.top_k, start.filter(|_| self.never_start));
    }
}

/// A fresh seed from the system's randomness (the browser's `crypto.getRandomValues` in wasm).
pub fn random_seed() -> Result<u32> {
    getrandom::u32().map_err(|e| Error::NoRandomness(e.to_string()))
}

/// Reshapes a probability row for temperature and top-k, leaving it untouched at T = 1 with every token kept.
pub fn reshape(probs: &mut [f64], temperature: f64, top_k: usize) {
    reshape_without(probs, temperature, top_k, None);
}

/// [`reshape`], after giving `never` (`[START]`, when asked) no probability: `P(j) / (1 − P(never))` for every
/// other column, the row conditioned on not drawing it.
fn reshape_without(probs: &mut [f64], temperature: f64, top_k: usize, never: Option<u32>) {
    if let Some(never) = never {
        probs[never as usize] = 0.0;
    }
    if top_k > 0 && top_k < probs.len() {
        // order ids by probability (ties: lower id first) and zero everything after the k-th
        let mut order: Vec<u32> = (0..probs.len() as u32).collect();
        // "larger" is the more probable, then the lower id
        let less = |&a: &u32, &b: &u32| probs[a as usize].total_cmp(&probs[b as usize]).then(b.cmp(&a)).is_lt();
        select::largest_last(&mut order, top_k, less);
        for &id in &order[..probs.len() - top_k] {
            probs[id as usize] = 0.0;
        }
    }
    if temperature != 1.0 {
        // p^(1/T), computed relative to the largest p so that small T cannot underflow every entry
        let max = probs.iter().copied().fold(0.0, f64::max);
        let log_max = max.ln();
        for p in probs.iter_mut() {
            *p = if *p > 0.0 { ((p.ln() - log_max) / temperature).exp() } else { 0.0 };
        }
    }
    if temperature != 1.0 || (top_k > 0 && top_k < probs.len()) || never.is_some() {
        let sum: f64 = probs.iter().sum();
        for p in probs.iter_mut() {
            *p /= sum;
        }
    }
}

/// What one sampling step did: the row it drew from, numpy's cdf over it, the uniform draw and the token it chose.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The distribution sampled from (after temperature and top-k).
    pub probabilities: Vec<f64>,
    /// Its cumulative sum divided by the last element, as `np.random.choice` computes it.
    pub cdf: Vec<f64>,
    /// The uniform number in [0, 1) that was drawn.
    pub uniform: f64,
    /// The chosen token id: the first whose cdf value exceeds `uniform`.
    pub token: u32,
}

/// The lesson's `generate`, one token at a time: starts at the model's prompt (`[START]`), stops after `[END]`, at
/// `max_len` tokens, or where the model has no distribution (k = 0 after a context nothing ever followed).
#[derive(Debug, Clone)]
pub struct Sampler<R: Rng = Mt19937> {
    rng: R,
    options: SampleOptions,
    tokens: Vec<u32>,
    row: Vec<f64>,
    /// Set when the model had no distribution to draw from.
    stuck: bool,
}

impl<R: Rng> Sampler<R> {
    /// A sampler at `[START]` drawing from `rng`.
    pub fn with_rng(model: &dyn LanguageModel, rng: R, options: SampleOptions) -> Self {
        let v = model.vocab().len();
        Sampler { rng, options, tokens: model.prompt(), row: vec![0.0; v], stuck: false }
    }

    /// The tokens so far, `[START]` first.
    pub fn tokens(&self) -> &[u32] {
        &self.tokens
    }

    /// True once `[END]` was drawn, `max_len` tokens exist, or the model had no distribution to draw from.
    pub fn is_done(&self, model: &dyn LanguageModel) -> bool {
        self.stuck
            || self.tokens.len() >= self.options.max_len
            || (model.end().is_some() && self.tokens.last().copied() == model.end())
    }

    /// Goes back to the prompt (`[START]`) without touching the random stream.
    pub fn restart(&mut self, model: &dyn LanguageModel) {
        self.tokens = model.prompt();
        self.stuck = false;
    }

    /// Draws the next token (leaving the row's cdf in the row buffer on the exact path); `None` when done.
    fn draw(&mut self, model: &dyn LanguageModel) -> Option<(f64, u32)> {
        if self.is_done(model) {
            return None;
        }
        let plain = self.options.is_exact();
        let uniform;
        let token = if plain && self.options.mode == SampleMode::Fast && model.has_fast_path() {
            uniform = random_sample(&mut self.rng);
            model.sample_fast(&self.tokens, uniform)
        } else if let Some(cdf) = model.exact_cdf(&self.tokens).filter(|_| plain) {
            // numpy's cdf in runs: the same draw as the dense sum, without adding up V numbers
            uniform = random_sample(&mut self.rng);
            cdf.search(uniform).map(|t| t as u32)
        } else {
            model.next_probabilities(&self.tokens, &mut self.row);
            self.options.shape(&mut self.row, model.start());
            uniform = random_sample(&mut self.rng);
            choose(&mut self.row, uniform).map(|t| t as u32)
        };
        let Some(token) = token else {
            self.stuck = true;
            return None;
        };
        self.tokens.push(token);
        Some((uniform, token))
    }

    /// The distribution the next draw will use (after temperature and top-k), without drawing; `None` when done.
    pub fn peek(&self, model: &dyn LanguageModel) -> Option<Vec<f64>> {
        if self.is_done(model) {
            return None;
        }
        let mut probabilities = vec![0.0; self.row.len()];
        model.next_probabilities(&self.tokens, &mut probabilities);
        self.options.shape(&mut probabilities, model.start());
        Some(probabilities)
    }

    /// Draws one token and says how: the step-through view of `np.random.choice`.
    pub fn step(&mut self, model: &dyn LanguageModel) -> Option<Step> {
        let probabilities = self.peek(model)?;
        let (uniform, token) = self.draw(model)?;
        // numpy's cdf over the row (the draw may have come from the fast path or the cache)
        let mut cdf = probabilities.clone();
        cdf_in_place(&mut cdf);
        Some(Step { probabilities, cdf, uniform, token })
    }

    /// Draws until done and returns every token, `[START]` included.
    pub fn run(&mut self, model: &dyn LanguageModel) -> &[u32] {
        while self.draw(model).is_some() {}
        &self.tokens
    }
}

impl Sampler<Mt19937> {
    /// A sampler seeded like `np.random.seed(options.seed)`; without a seed, a random one.
    pub fn new(model: &dyn LanguageModel, options: SampleOptions) -> Result<Self> {
        let seed = match options.seed {
            Some(seed) => seed,
            None => random_seed()?,
        };
        Ok(Sampler::with_rng(model, Mt19937::new(seed), options))
    }
}

/// `np.random.seed(seed)` then the lesson's `generate(max_len)`: token ids, `[START]` included.
pub fn generate(model: &dyn LanguageModel, options: SampleOptions) -> Result<Vec<u32>> {
    Ok(Sampler::new(model, options)?.run(model).to_vec())
}

/// `np.random.seed(seed)` once, then `count` successive calls of the lesson's `generate`.
pub fn generate_many(model: &dyn LanguageModel, count: usize, options: SampleOptions) -> Result<Vec<Vec<u32>>> {
    let mut sampler = Sampler::new(model, options)?;
    let mut all = Vec::with_capacity(count);
    for _ in 0..count {
        sampler.restart(model);
        all.push(sampler.run(model).to_vec());
    }
    Ok(all)
}
