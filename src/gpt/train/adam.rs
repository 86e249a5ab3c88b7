//! AdamW: Adam with decoupled weight decay, plus gradient-norm clipping, a linear warm-up and an inverse-square-root
//! decay.

use std::ops::Range;

/// Pre-training's schedule: after this many steps the learning rate falls as 1/√step (the original
/// Transformer's schedule), so an open-ended run keeps improving without knowing its length.
pub const DECAY_AFTER: u32 = 1000;

/// The optimiser's settings and its running moments.
#[derive(Debug, Clone)]
pub struct AdamW {
    /// Peak learning rate.
    pub learning_rate: f32,
    /// Decay of the first moment (0.9).
    pub beta1: f32,
    /// Decay of the second moment.
    pub beta2: f32,
    /// Added to √v (1e-8).
    pub epsilon: f32,
    /// Weight decay for matrices, as a fraction of the learning rate.
    pub weight_decay: f32,
    /// Steps of linear warm-up from 0 to the peak.
    pub warmup: u32,
    /// Largest gradient norm; larger gradients are scaled down to it.
    pub clip: f32,
    /// After this many steps the learning rate decays as 1/√step (0: never).
    pub decay_after: u32,
    /// Which ranges of the parameters are decayed (the matrices).
    decayed: Vec<Range<usize>>,
    m: Vec<f32>,
    v: Vec<f32>,
    steps: u32,
    /// β1^t and β2^t, kept as running products (no `powi`, whose implementation varies).
    beta1_t: f64,
    beta2_t: f64,
}

impl AdamW {
    /// An optimiser for `len` parameters with zeroed moments.
    pub fn new(len: usize, learning_rate: f32, decayed: Vec<Range<usize>>) -> AdamW {
        AdamW {
            learning_rate,
            beta1: 0.9,
            beta2: 0.99,
            epsilon: 1e-8,
            weight_decay: 0.01,
            warmup: 100,
            clip: 1.0,
            decay_after: DECAY_AFTER,
            decayed,
            m: vec![0.0; len],
            v: vec![0.0; len],
            steps: 0,
            beta1_t: 1.0,
            beta2_t: 1.0,
        }
    }

    /// How many updates were made.
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// One update of `params` along `grads`.
    pub fn update(&mut self, params: &mut [f32], grads: &mut [f32]) {
        self.steps += 1;
        self.beta1_t *= f64::from(self.beta1);
        self.beta2_t *= f64::from(self.beta2);
        // clip the gradient's global norm
        let norm = grads.iter().map(|&g| f64::from(g) * f64::from(g)).sum::<f64>().sqrt();
        if norm > f64::from(self.clip) {
            let shrink = (f64::from(self.clip) / norm) as f32;
            grads.iter_mut().for_each(|g| *g *= shrink);
        }
        // warm up linearly, hold the peak, then decay as 1/√step
        let mut lr = self.learning_rate * (self.steps as f32 / self.warmup.max(1) as f32).min(1.0);
        if self.decay_after > 0 && self.steps > self.decay_after {
            lr *= (self.decay_after as f32 / self.steps as f32).sqrt();
        }
        // decoupled weight decay on matrices: p ← p − lr·wd·p
        let keep = 1.0 - lr * self.weight_decay;
        for range in &self.decayed {
            params[range.clone()].iter_mut().for_each(|p| *p *= keep);
        }
        // bias-corrected step sizes
        let step = lr / (1.0 - self.beta1_t) as f32;
        let v_correction = 1.0 / (1.0 - self.beta2_t) as f32;
        let (b1, b2, eps) = (self.beta1, self.beta2, self.epsilon);
        for (((p, &g), m), v) in params.iter_mut().zip(grads.iter()).zip(&mut self.m).zip(&mut self.v) {
            // moving averages of g and g²
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            // p ← p − lr · m̂ / (√v̂ + ε)
            *p -= step * *m / ((*v * v_correction).sqrt() + eps);
        }
    }
}
