//! numpy's cumulative sum of a smoothed row, computed in runs instead of one addition per token.
//!
//! A smoothed n-gram row is one background value `b = k / (T + k·V)` everywhere except at the few tokens that
//! were counted. `np.random.choice` adds the row up in float64, in order, then divides by the last sum. Adding
//! the same `b` again and again has a closed form in floating point: while the running sum stays inside one
//! binade `[2^e, 2^(e+1))`, every value lies on that binade's grid and, after one addition inside it, each
//! further addition moves it by the same amount (`b` rounded to the grid; with ties-to-even the first step can
//! differ, never the later ones). So the running sums form a few arithmetic runs — a handful per binade and per
//! counted token — whose values are exactly those of the one-by-one sum. Drawing a token is then a binary
//! search over runs: the notebook's result, bit for bit, in O(log n) after O(counted + binades) set-up.

/// Values `start + i·step` for `i` in `0..count`, at positions `first + i`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    first: u32,
    count: u32,
    start: f64,
    step: f64,
}

impl Run {
    fn value(&self, i: u32) -> f64 {
        // exact: the product and the sum stay on the binade's grid
        self.start + f64::from(i) * self.step
    }

    fn end(&self) -> f64 {
        self.value(self.count - 1)
    }
}

/// The running sums of a row, as numpy's `cumsum` computes them.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCdf {
    runs: Vec<Run>,
    last: f64,
    len: usize,
}

/// The top of the binade that holds `x` (≥ 0): the next power of two above it, or the smallest normal number
/// for zero and subnormals (whose grid is uniform up to there).
fn binade_top(x: f64) -> f64 {
    let exponent = (x.to_bits() >> 52) & 0x7ff;
    if exponent == 0 { f64::MIN_POSITIVE } else { f64::from_bits((exponent + 1) << 52) }
}

impl RunCdf {
    /// The running sums of a row of `len` values, all `background` except `entries` (index, value), which must be
    /// sorted by index, unique, and below `len`.
    pub fn new(len: usize, background: f64, entries: impl IntoIterator<Item = (usize, f64)>) -> RunCdf {
        let mut runs = Vec::new();
        let mut acc = 0.0;
        let mut next = 0;
        for (index, value) in entries {
            acc = add_repeated(acc, background, next, index, &mut runs);
            acc += value;
            runs.push(Run { first: index as u32, count: 1, start: acc, step: 0.0 });
            next = index + 1;
        }
        acc = add_repeated(acc, background, next, len, &mut runs);
        RunCdf { runs, last: acc, len }
    }

    /// The last running sum: what numpy divides the cumulative sum by.
    pub fn last(&self) -> f64 {
        self.last
    }

    /// How many runs the sums took (what the memory grows with).
    pub fn run_count(&self) -> usize {
        self.runs.len()
    }

    /// Every running sum, one by one (for tests and displays).
    pub fn values(&self) -> Vec<f64> {
        self.runs.iter().flat_map(|run| (0..run.count).map(|i| run.value(i))).collect()
    }

    /// The first index whose normalised sum `sum / last` is strictly greater than `u`: what `np.random.choice`
    /// returns for the uniform draw `u`. `None` when the row has no distribution (its sums are 0 or NaN).
    pub fn search(&self, u: f64) -> Option<usize> {
        if !(self.last > 0.0 && self.last.is_finite()) {
            return None;
        }
        let last = self.last;
        let r = self.runs.partition_point(|run| run.end() / last <= u);
        let Some(run) = self.runs.get(r) else { return Some(self.len - 1) };
        // the first i in the run whose value / last exceeds u
        let (mut lo, mut hi) = (0u32, run.count - 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if run.value(mid) / last <= u { lo = mid + 1 } else { hi = mid }
        }
        Some((run.first + lo) as usize)
    }
}

/// Adds `b` at positions `from..to`, one by one in effect, recording the sums as runs; returns the last sum.
fn add_repeated(mut acc: f64, b: f64, from: usize, to: usize, runs: &mut Vec<Run>) -> f64 {
    let mut i = from;
    while i < to {
        // one addition done the ordinary way
        let top_before = binade_top(acc);
        acc += b;
        runs.push(Run { first: i as u32, count: 1, start: acc, step: 0.0 });
        i += 1;
        if i == to || !acc.is_finite() {
            continue;
        }
        // after an addition that stayed inside its binade, the next ones all move by the same step
        let top = binade_top(acc);
        if top != top_before {
            continue;
        }
        let step = (acc + b) - acc;
        if step == 0.0 {
            // b vanishes against acc: every remaining addition leaves the sum as it is
            runs.push(Run { first: i as u32, count: (to - i) as u32, start: acc, step: 0.0 });
            i = to;
            continue;
        }
        // how many additions keep their exact sums safely below the binade's top (one step of margin)
        let room = ((top - acc - b) / step).floor() - 1.0;
        let count = room.min((to - i) as f64);
        if count >= 2.0 {
            let count = count as u32;
            runs.push(Run { first: i as u32, count, start: acc + step, step });
            acc += f64::from(count) * step;
            i += count as usize;
        }
    }
    acc
}
