//! Continuing a sequence token by token with a KV cache (Part E): the prompt runs through the network once, all
//! positions together, and each block keeps every position's keys and values; each new token then needs one
//! position's pass, whose attention reads the cache instead of recomputing the past.
//!
//! Every number comes out bit for bit as a full forward pass over the whole sequence would give it (same kernels'
//! summation orders, [`super::matvec`]), so sampling from the cached logits draws the same tokens as recomputing
//! everything each step. The tokens are drawn by the page's sampler: numpy's MT19937 stream, `random_sample`,
//! temperature and top-k ([`crate::sampling::reshape`]), `np.random.choice`'s cdf ([`crate::sampling::choose`]).

use std::rc::Rc;

use crate::error::{Error, Result};
use crate::gpt::attention::causal_softmax;
use crate::gpt::float::Float;
use crate::gpt::int8::dispatch::{add_product, block_matrices, embed, output_logits};
use crate::gpt::kernels::{gelu, layer_norm};
use crate::gpt::model::TinyGpt;
use crate::gpt::net::{BlockActivations, Net, block_forward, softmax_in_place};
use crate::gpt::params::{BlockTensors, Config, Norm};
use crate::sampling::{Mt19937, choose, random_sample, random_seed, reshape};

/// How the next tokens are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecodeOptions {
    /// The seed of `np.random.seed`; `None` draws one from the system's randomness.
    pub seed: Option<u32>,
    /// Divides log-probabilities before renormalising; 1 leaves the distribution as it is.
    pub temperature: f64,
    /// Keeps only the k most likely tokens (ties go to the lower id); 0 keeps all.
    pub top_k: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { seed: None, temperature: 1.0, top_k: 0 }
    }
}

/// One position's activations, reused from step to step.
#[derive(Debug, Clone, Default)]
struct Scratch {
    x: Vec<f32>,
    normed: Vec<f32>,
    qkv: Vec<f32>,
    att: Vec<f32>,
    mid: Vec<f32>,
    fc: Vec<f32>,
    act: Vec<f32>,
    tanh: Vec<f32>,
    sum: Vec<f32>,
    stats: Vec<f32>,
    query: Vec<f32>,
    scores: Vec<f32>,
}

/// A sequence being continued: its ids, each block's keys and values for every position, and the logits after
/// the last position. It shares the weights of the model it was made from ([`TinyGpt::decoder`]); training that
/// model afterwards gives the model a copy and leaves the decoder's weights as they were.
#[derive(Debug, Clone)]
pub struct Decoder {
    net: Rc<Net<f32>>,
    ids: Vec<u32>,
    /// Positions whose keys and values are in the cache.
    cached: usize,
    /// Per block, `positions × d` keys and values (every head side by side, as in `qkv`).
    keys: Vec<Vec<f32>>,
    values: Vec<Vec<f32>>,
    /// The final state h of the last position in the cache.
    hidden: Vec<f32>,
    /// The logits after the last position in the cache, one per embedding row.
    logits: Vec<f32>,
    rng: Mt19937,
    options: DecodeOptions,
    s: Scratch,
}

impl Decoder {
    /// Runs the prompt `ids` (already checked: 1 to context ids, each a row) through `net`, all positions at once.
    fn new(net: Rc<Net<f32>>, ids: &[u32], options: DecodeOptions) -> Result<Decoder> {
        let seed = match options.seed {
            Some(seed) => seed,
            None => random_seed()?,
        };
        let layers = net.config.layers;
        let mut decoder = Decoder {
            net,
            ids: ids.to_vec(),
            cached: 0,
            keys: vec![Vec::new(); layers],
            values: vec![Vec::new(); layers],
            hidden: Vec::new(),
            logits: Vec::new(),
            rng: Mt19937::new(seed),
            options,
            s: Scratch::default(),
        };
        decoder.prefill();
        Ok(decoder)
    }

    /// The ids so far: the prompt, then every token drawn.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The logits after the current sequence (one per embedding row), computing the last position if needed.
    pub fn logits(&mut self) -> Result<&[f32]> {
        if self.cached < self.ids.len() {
            let context = self.net.config.context;
            if self.ids.len() > context {
                return Err(Error::InvalidParameter {
                    name: "count",
                    value: format!("{} tokens in all", self.ids.len() + 1).into(),
                    allowed: format!(
                        "each next token predicted from at most the model's context of {context} tokens: the prompt \
                         and the new tokens but the last must fit in it"
                    ),
                });
            }
            self.step();
        }
        Ok(&self.logits)
    }

    /// The model's own next-token distribution after the current sequence (before temperature and top-k): a
    /// softmax over every embedding row, in float64 as the sampler reads it.
    pub fn probabilities(&mut self) -> Result<Vec<f64>> {
        Ok(probabilities(self.logits()?))
    }

    /// Draws the next token as the page's sampler does, appends it and returns it.
    pub fn next_token(&mut self) -> Result<u32> {
        let mut row = self.probabilities()?;
        let token = draw(&mut row, &self.options, &mut self.rng)?;
        self.ids.push(token);
        Ok(token)
    }

    /// Appends a given token `id` instead of a drawn one (the random stream is not touched).
    pub fn push(&mut self, id: u32) -> Result<()> {
        let rows = self.net.config.embeddings;
        if id as usize >= rows {
            return Err(unknown_id(id, rows));
        }
        self.logits()?;
        self.ids.push(id);
        Ok(())
    }

    /// The `k` most likely next tokens (ties: lower id first) and their probabilities.
    pub fn distribution(&mut self, k: usize) -> Result<(Vec<u32>, Vec<f64>)> {
        let row = self.probabilities()?;
        let mut order: Vec<u32> = (0..row.len() as u32).collect();
        let k = k.min(row.len());
        let before = |a: &u32, b: &u32| row[*b as usize].total_cmp(&row[*a as usize]).then(a.cmp(b));
        if k < order.len() {
            order.select_nth_unstable_by(k, before);
            order.truncate(k);
        }
        order.sort_unstable_by(before);
        let p = order.iter().map(|&id| row[id as usize]).collect();
        Ok((order, p))
    }

    /// The 1-based rank of `id` in the next-token distribution (ties: lower id first).
    pub fn rank(&mut self, id: u32) -> Result<usize> {
        let row = self.probabilities()?;
        let rows = row.len();
        let p = *row.get(id as usize).ok_or_else(|| unknown_id(id, rows))?;
        let ahead = row.iter().enumerate().filter(|&(j, &q)| q > p || (q == p && j < id as usize)).count();
        Ok(ahead + 1)
    }

    /// The final state h of the last position (d numbers), computing it if needed.
    pub fn final_state(&mut self) -> Result<&[f32]> {
        self.logits()?;
        Ok(&self.hidden)
    }

    /// The prompt's pass: the ordinary batched forward of each block (one sequence), keeping its keys and values.
    fn prefill(&mut self) {
        let net = Rc::clone(&self.net);
        let Config { d_model: d, layers, .. } = net.config;
        let (p, lay) = (&net.params, &net.layout);
        let len = self.ids.len();
        // x = token embedding + position embedding
        let mut x = vec![0.0; len * d];
        for (i, (x, &id)) in x.chunks_exact_mut(d).zip(&self.ids).enumerate() {
            embed(x, &net, id, i);
        }
        let (mut a, mut out) = (BlockActivations::default(), Vec::new());
        for l in 0..layers {
            let q = net.int8.as_ref().map(|q| &q.blocks[l]);
            block_forward(&lay.blocks[l], p, q, &net.config, (1, len), &x, &mut a, &mut out);
            for row in a.qkv.chunks_exact(3 * d) {
                self.keys[l].extend_from_slice(&row[d..2 * d]);
                self.values[l].extend_from_slice(&row[2 * d..]);
            }
            std::mem::swap(&mut x, &mut out);
        }
        self.cached = len;
        self.finish(&net, &x[(len - 1) * d..]);
    }

    /// One more position: the last id, at position `cached`, attending to the cache.
    fn step(&mut self) {
        let net = Rc::clone(&self.net);
        let Config { d_model: d, layers, .. } = net.config;
        let at = self.cached;
        let mut x = std::mem::take(&mut self.s.x);
        x.resize(d, 0.0);
        embed(&mut x, &net, self.ids[at], at);
        for l in 0..layers {
            self.block_step(&net, l, &mut x);
        }
        self.cached += 1;
        self.finish(&net, &x);
        self.s.x = x;
    }

    /// The final state and the logits from the last block's output `h` at the last position.
    fn finish(&mut self, net: &Net<f32>, h: &[f32]) {
        let Config { d_model: d, embeddings, .. } = net.config;
        self.hidden.clear();
        self.hidden.extend_from_slice(h);
        // pre-LN only: the final LayerNorm
        if let Some((g, b)) = &net.layout.final_norm {
            self.s.stats.resize(2, 0.0);
            layer_norm(&mut self.hidden, &mut self.s.stats, h, &net.params[g.clone()], &net.params[b.clone()], d);
        }
        // the tied output layer for this position only: logits = h·Wₑᵀ
        self.logits.resize(embeddings, 0.0);
        output_logits(net, &self.hidden, &mut self.logits);
    }

    /// Block `l` for one position: `x` in, its output out, the position's key and value appended to the cache.
    fn block_step(&mut self, net: &Net<f32>, l: usize, x: &mut Vec<f32>) {
        let Config { d_model: d, norm, .. } = net.config;
        let t: &BlockTensors = &net.layout.blocks[l];
        let p = &net.params;
        let w = block_matrices(t, p, net.int8.as_ref().map(|q| &q.blocks[l]));
        let s = &mut self.s;
        s.stats.resize(2, 0.0);
        // pre-LN: the attention reads LN₁(x)
        if norm == Norm::Pre {
            s.normed.resize(d, 0.0);
            layer_norm(&mut s.normed, &mut s.stats, x, &p[t.ln1_g.clone()], &p[t.ln1_b.clone()], d);
        }
        let input = if norm == Norm::Pre { &s.normed } else { &*x };
        // q, k, v = W_qkv·input + b; the key and value join the cache
        s.qkv.clear();
        s.qkv.extend_from_slice(&p[t.b_qkv.clone()]);
        add_product(&mut s.qkv, input, w.qkv, (d, 3 * d));
        self.keys[l].extend_from_slice(&s.qkv[d..2 * d]);
        self.values[l].extend_from_slice(&s.qkv[2 * d..]);
        attend(s, &self.keys[l], &self.values[l], d, net.config.heads);
        // mid = x + W_proj·attention + b (summed as the batched kernel does: bias, then x, then the products)
        s.mid.clear();
        s.mid.extend(p[t.b_proj.clone()].iter().zip(x.iter()).map(|(&b, &x)| b + x));
        add_product(&mut s.mid, &s.att, w.proj, (d, d));
        // the MLP's input: post-LN n = LN₁(mid), pre-LN LN₂(mid)
        let (g, b) = match norm {
            Norm::Post => (&t.ln1_g, &t.ln1_b),
            Norm::Pre => (&t.ln2_g, &t.ln2_b),
        };
        s.normed.resize(d, 0.0);
        layer_norm(&mut s.normed, &mut s.stats, &s.mid, &p[g.clone()], &p[b.clone()], d);
        // MLP: W_out·GELU(W_fc·input + b_fc) + b_out, added to the residual (n, or mid)
        s.fc.clear();
        s.fc.extend_from_slice(&p[t.b_fc.clone()]);
        add_product(&mut s.fc, &s.normed, w.fc, (d, 4 * d));
        s.act.resize(4 * d, 0.0);
        s.tanh.resize(4 * d, 0.0);
        gelu(&mut s.act, &mut s.tanh, &s.fc);
        let residual = if norm == Norm::Post { &s.normed } else { &s.mid };
        s.sum.clear();
        s.sum.extend(p[t.b_out.clone()].iter().zip(residual).map(|(&b, &r)| b + r));
        add_product(&mut s.sum, &s.act, w.out, (4 * d, d));
        // post-LN: h = LN₂(n + mlp(n)); pre-LN: h is the sum
        match norm {
            Norm::Post => layer_norm(x, &mut s.stats, &s.sum, &p[t.ln2_g.clone()], &p[t.ln2_b.clone()], d),
            Norm::Pre => x.copy_from_slice(&s.sum),
        }
    }
}

/// The error for an id past the embedding's rows.
fn unknown_id(id: u32, rows: usize) -> Error {
    Error::InvalidParameter {
        name: "id",
        value: id.to_string().into(),
        allowed: format!("token ids from 0 to {} (the rows of the token embedding)", rows - 1),
    }
}

/// Causal attention of the newest position (its q in `s.qkv`) over every cached key and value, into `s.att`.
fn attend(s: &mut Scratch, keys: &[f32], values: &[f32], d: usize, heads: usize) {
    let hd = d / heads;
    let len = keys.len() / d;
    let scale = f32::of(1.0 / (hd as f64).sqrt());
    s.att.clear();
    s.att.resize(d, 0.0);
    s.scores.resize(len, 0.0);
    for h in 0..heads {
        // the query, scaled by 1/√hd
        s.query.clear();
        s.query.extend(s.qkv[h * hd..(h + 1) * hd].iter().map(|&q| q * scale));
        // scores: q·k_j for every cached position j, each summed in order; four positions side by side
        let mut scores = s.scores.chunks_exact_mut(4);
        let mut keys4 = keys.chunks_exact(4 * d);
        let whole = hd - hd % 4;
        for (four, block) in (&mut scores).zip(&mut keys4) {
            let k: [&[f32]; 4] = std::array::from_fn(|j| &block[j * d + h * hd..][..hd]);
            // the four positions in the lanes of one vector: four numbers of each key, transposed, are four
            // steps of the four sums
            let mut acc = f32::x4_splat(0.0);
            for c0 in (0..whole).step_by(4) {
                let steps = f32::x4_transpose(k.map(|k| f32::x4_load(k[c0..c0 + 4].try_into().expect("4"))));
                for (c, step) in steps.into_iter().enumerate() {
                    acc = f32::x4_mul_add(acc, f32::x4_splat(s.query[c0 + c]), step);
                }
            }
            let mut sum = [0.0f32; 4];
            f32::x4_store(acc, &mut sum);
            for (c, &q) in s.query.iter().enumerate().skip(whole) {
                for (sum, k) in sum.iter_mut().zip(&k) {
                    *sum += q * k[c];
                }
            }
            four.copy_from_slice(&sum);
        }
        for (score, key) in scores.into_remainder().iter_mut().zip(keys4.remainder().chunks_exact(d)) {
            let key = &key[h * hd..(h + 1) * hd];
            *score = s.query.iter().zip(key).fold(0.0, |sum, (&q, &k)| sum + q * k);
        }
        // weights: softmax over the past and the position itself
        causal_softmax(&mut s.scores, len - 1);
        // output: Σ_j p_j v_j, j in order
        let out = &mut s.att[h * hd..(h + 1) * hd];
        for (&weight, value) in s.scores.iter().zip(values.chunks_exact(d)) {
            for (o, &v) in out.iter_mut().zip(&value[h * hd..(h + 1) * hd]) {
                *o += weight * v;
            }
        }
    }
}

/// The softmax of a row of logits (in `f32`, as the full forward computes it), widened to float64.
pub fn probabilities(logits: &[f32]) -> Vec<f64> {
    let mut row = logits.to_vec();
    softmax_in_place(&mut row);
    row.into_iter().map(f64::from).collect()
}

/// Draws a token from probabilities `row` as the page's sampler does: temperature and top-k, then one
/// `random_sample` and numpy's cdf search. `row` is left holding the cdf.
pub fn draw(row: &mut [f64], options: &DecodeOptions, rng: &mut Mt19937) -> Result<u32> {
    reshape(row, options.temperature, options.top_k);
    let uniform = random_sample(rng);
    choose(row, uniform).map(|t| t as u32).ok_or_else(|| {
        Error::Unsupported("the next-token distribution is empty (its probabilities sum to 0): nothing to draw".into())
    })
}

impl TinyGpt {
    /// A decoder that continues `ids` (1 to context ids, each a row of the token embedding): the prompt is run
    /// once, and each [`Decoder::next_token`] draws one token.
    pub fn decoder(&self, ids: &[u32], options: DecodeOptions) -> Result<Decoder> {
        self.check_ids(ids, 1)?;
        Decoder::new(Rc::clone(&self.net), ids, options)
    }

    /// `count` new ids after `ids`, drawn one by one with a KV cache; each is predicted from at most the
    /// context, so `ids.len() + count − 1 ≤ context`.
    pub fn continue_ids(&self, ids: &[u32], count: usize, options: DecodeOptions) -> Result<Vec<u32>> {
        let context = self.net.config.context;
        if count == 0 || ids.len() + count > context + 1 {
            return Err(Error::InvalidParameter {
                name: "count",
                value: count.to_string().into(),
                allowed: format!(
                    "1 to {} new tokens after {} ids (each predicted from at most the context of {context} tokens)",
                    (context + 1).saturating_sub(ids.len()).max(1),
                    ids.len()
                ),
            });
        }
        let mut decoder = self.decoder(ids, options)?;
        (0..count).map(|_| decoder.next_token()).collect()
    }

    /// The final state h at the last position of `ids` (d numbers): what a classifier head would read.
    pub fn final_state(&self, ids: &[u32]) -> Result<Vec<f32>> {
        self.check_ids(ids, 1)?;
        let mut decoder = self.decoder(ids, DecodeOptions { seed: Some(0), ..DecodeOptions::default() })?;
        Ok(decoder.final_state()?.to_vec())
    }
}
