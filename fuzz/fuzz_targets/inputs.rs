//! Any numbers and names as the JavaScript API would receive them: option checks, losses and their errors.
#![no_main]

use gpt1_playground::loss::{combined_loss, cross_entropy};
use gpt1_playground::ngram::ModelOptions;
use gpt1_playground::sampling::{MAX_LEN_LIMIT, SampleOptions};
use libfuzzer_sys::fuzz_target;

fn numbers(data: &[u8]) -> Vec<f64> {
    data.chunks_exact(8).map(|c| f64::from_bits(u64::from_le_bytes(c.try_into().unwrap()))).collect()
}

fuzz_target!(|data: &[u8]| {
    let xs = numbers(data);
    let x = |i: usize| xs.get(i).copied();
    if let Ok(options) = SampleOptions::from_js(x(0), x(1), x(2), x(3), None) {
        assert!(options.max_len >= 1 && options.max_len as u64 <= MAX_LEN_LIMIT);
        assert!(options.temperature > 0.0 && options.temperature.is_finite());
    }
    let name = std::str::from_utf8(data).unwrap_or("word");
    let _ = ModelOptions::from_js(x(4), x(5), Some(name), x(6), Some(name));
    let _ = SampleOptions::from_js(None, None, None, None, Some(name));
    if let Ok(options) = ModelOptions::from_js(x(4), x(5), None, None, None) {
        assert!((1..=6).contains(&options.order));
        assert!(options.smoothing >= 0.0 && options.smoothing.is_finite());
    }
    if !xs.is_empty() {
        let target = x(0).unwrap_or(0.0).abs() as usize % (xs.len() + 1);
        if let Ok(loss) = cross_entropy(&xs, target) {
            assert!(loss.is_finite() && loss >= -1e-9);
        }
    }
    if let (Some(a), Some(b), Some(c)) = (x(0), x(1), x(2))
        && let Ok(total) = combined_loss(a, b, c)
    {
        assert!(total >= 0.0);
    }
});
