//! Differential: the run-length cdf must equal numpy's one-by-one cumulative sum, bit for bit, for any row of a
//! background value plus sparse entries, and draw the same index for any uniform number.
#![no_main]

use gpt1_playground::cdf::RunCdf;
use gpt1_playground::sampling::choose;
use libfuzzer_sys::fuzz_target;

fn number(bytes: &[u8]) -> f64 {
    let mut b = [0u8; 8];
    b[..bytes.len().min(8)].copy_from_slice(&bytes[..bytes.len().min(8)]);
    let x = f64::from_bits(u64::from_le_bytes(b)).abs();
    if x.is_finite() && x <= 1e6 { x } else { f64::from(b[0]) / 255.0 }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 18 {
        return;
    }
    let len = 1 + (usize::from(data[0]) << 4 | usize::from(data[1])) % 4000;
    let background = number(&data[2..10]);
    let u = number(&data[10..18]).fract();
    let mut entries = Vec::new();
    let mut index = 0usize;
    for chunk in data[18..].chunks(9) {
        index += usize::from(chunk[0]) % 97;
        if index >= len || chunk.len() < 9 {
            break;
        }
        entries.push((index, number(&chunk[1..])));
        index += 1;
    }
    let cdf = RunCdf::new(len, background, entries.iter().copied());
    let mut row = vec![background; len];
    for &(i, x) in &entries {
        row[i] = x;
    }
    let mut acc = 0.0;
    let sums: Vec<f64> = row
        .iter()
        .map(|x| {
            acc += x;
            acc
        })
        .collect();
    let ours = cdf.values();
    assert_eq!(ours.len(), len);
    for (i, (a, b)) in ours.iter().zip(&sums).enumerate() {
        assert!(a.to_bits() == b.to_bits(), "sum {i}: {a:e} vs {b:e}");
    }
    for u in [u, 0.0, 0.5, 0.999_999] {
        assert_eq!(cdf.search(u), choose(&mut row.clone(), u), "u = {u}");
    }
});
