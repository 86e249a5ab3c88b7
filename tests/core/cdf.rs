//! The run-length cdf against numpy's one-by-one cumulative sum, bit for bit, on adversarial rows.

use gpt1_playground::cdf::RunCdf;
use gpt1_playground::sampling::{Mt19937, choose, random_sample};
use rand::Rng;

/// The row written out, and numpy's sums of it.
fn dense(len: usize, background: f64, entries: &[(usize, f64)]) -> Vec<f64> {
    let mut row = vec![background; len];
    for &(i, v) in entries {
        row[i] = v;
    }
    row
}

fn cumsum(row: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    row.iter()
        .map(|x| {
            acc += x;
            acc
        })
        .collect()
}

fn check(len: usize, background: f64, entries: &[(usize, f64)], rng: &mut Mt19937, label: &str) {
    let cdf = RunCdf::new(len, background, entries.iter().copied());
    let row = dense(len, background, entries);
    let expected = cumsum(&row);
    let ours = cdf.values();
    assert_eq!(ours.len(), len, "{label}");
    for (i, (a, b)) in ours.iter().zip(&expected).enumerate() {
        assert_eq!(a.to_bits(), b.to_bits(), "{label}: sum {i}: {a:e} vs {b:e}");
    }
    assert_eq!(cdf.last().to_bits(), expected[len - 1].to_bits(), "{label}");
    // the draws: the same index as numpy's searchsorted over cumsum / last
    let mut reference = row.clone();
    for _ in 0..200 {
        let u = random_sample(rng);
        assert_eq!(cdf.search(u), choose(&mut reference.clone(), u), "{label}: u = {u}");
    }
    for u in [0.0, 1e-300, 0.5, 1.0 - f64::EPSILON / 2.0] {
        assert_eq!(cdf.search(u), choose(&mut reference, u), "{label}: u = {u}");
        reference.clone_from(&row);
    }
}

#[test]
fn smoothed_rows_of_every_shape() {
    let mut rng = Mt19937::new(77);
    for case in 0..400 {
        let len = 1 + (rng.next_u32() % 6000) as usize;
        let total = f64::from(rng.next_u32() % 100_000);
        let k = [1.0, 0.5, 0.1, 1e-3, 2.0, 3.0, 1e-9, 7.25][case % 8];
        let d = total + k * len as f64;
        let mut entries = Vec::new();
        let counted = (rng.next_u32() as usize) % (len.min(50) + 1);
        let mut index = 0;
        for _ in 0..counted {
            index += 1 + (rng.next_u32() as usize) % (len / (counted + 1) + 1);
            if index >= len {
                break;
            }
            entries.push((index - 1, (f64::from(1 + rng.next_u32() % 500) + k) / d));
        }
        entries.dedup_by_key(|e| e.0);
        check(len, k / d, &entries, &mut rng, &format!("case {case}: V {len}, k {k}, T {total}"));
    }
}

#[test]
fn awkward_backgrounds() {
    let mut rng = Mt19937::new(3);
    // exact powers of two, half-ulp ties, values that vanish against the sum, subnormals, zero
    let backgrounds = [
        0.5f64.powi(20),
        3.0 * 0.5f64.powi(60),
        1.0 / 3.0,
        1e-17,
        f64::MIN_POSITIVE * 3.0,
        5e-324,
        0.0,
        1.0 / 7.0 / 13_000.0,
        0.1,
    ];
    for (n, &b) in backgrounds.iter().enumerate() {
        for len in [1, 2, 3, 17, 1000, 40_000] {
            for entries in [vec![], vec![(0, 0.25)], vec![(len / 2, 1e-3), (len - 1, 0.5)]] {
                let mut e = entries.clone();
                e.dedup_by_key(|x| x.0);
                if e.iter().any(|x| x.0 >= len) {
                    continue;
                }
                check(len, b, &e, &mut rng, &format!("background #{n} = {b:e}, V {len}, {e:?}"));
            }
        }
    }
}

#[test]
fn the_runs_are_few() {
    // a 13,000-token row with 20 counted tokens needs a few runs per binade and per counted token, not 13,000
    let len = 13_000;
    let d = 500.0 + len as f64;
    let entries: Vec<(usize, f64)> = (0..20).map(|i| (i * 600 + 5, (25.0 + 1.0) / d)).collect();
    let cdf = RunCdf::new(len, 1.0 / d, entries);
    assert!(cdf.run_count() < 250, "{} runs", cdf.run_count());
    let nan = RunCdf::new(10, f64::NAN, []);
    assert_eq!(nan.search(0.5), None, "0/0 rows have no distribution");
    assert_eq!(RunCdf::new(10, 0.0, []).search(0.5), None);
}

#[test]
fn ties_to_even_after_a_large_counted_value() {
    // after 0.25 the grid step is 2^-54: backgrounds of 0.5, 1.5, 2.5 … steps hit exact ties
    let mut rng = Mt19937::new(9);
    let ulp = 0.5f64.powi(54);
    for halves in [1.0, 3.0, 5.0, 0.75 * 2.0, 7.0, 1.0 / 1024.0, 2.0 * 1024.0 + 1.0] {
        for first in [0.25, 0.25 + ulp, 0.375, 0.49] {
            let b = halves * ulp / 2.0;
            check(5000, b, &[(0, first)], &mut rng, &format!("b = {halves}/2 ulp after {first}"));
            check(5000, b, &[(0, first), (2500, first)], &mut rng, &format!("b = {halves}/2 ulp, two steps"));
        }
    }
}
