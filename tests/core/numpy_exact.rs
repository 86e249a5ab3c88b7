//! The core against figures computed by numpy itself (`tests/fixtures/numpy_reference.py`): the random stream,
//! the smoothed matrix and every generation must agree to the last bit.

use crate::util::words;
use gpt1_playground::NgramModel;
use gpt1_playground::sampling::{Mt19937, SampleOptions, generate, generate_many, random_sample};
use rand::Rng;
use serde_json::Value;

fn reference() -> Value {
    let text = include_str!("../fixtures/numpy_reference.json");
    serde_json::from_str(text).expect("the fixture is JSON")
}

/// Parses Python's `float.hex()` output, e.g. `0x1.8p-1`, `-0x0.0p+0`, `nan`.
fn from_hex(s: &str) -> f64 {
    if s == "nan" {
        return f64::NAN;
    }
    let (negative, s) = s.strip_prefix('-').map_or((false, s), |rest| (true, rest));
    let s = s.strip_prefix("0x").expect("hex float");
    let (mantissa, exponent) = s.split_once('p').expect("hex float exponent");
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value = u64::from_str_radix(int, 16).unwrap() as f64;
    let mut scale = 1.0 / 16.0;
    for digit in frac.chars() {
        value += digit.to_digit(16).unwrap() as f64 * scale;
        scale /= 16.0;
    }
    let value = value * 2f64.powi(exponent.parse::<i32>().unwrap());
    if negative { -value } else { value }
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[test]
fn mersenne_twister_matches_numpy() {
    let reference = reference();
    for (seed, expected) in reference["mt"].as_object().unwrap() {
        let seed: u32 = seed.parse().unwrap();
        let mut rng = Mt19937::new(seed);
        let words: Vec<u64> = (0..5).map(|_| u64::from(rng.next_u32())).collect();
        let expected_words: Vec<u64> =
            expected["words"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(words, expected_words, "seed {seed}");
        let mut rng = Mt19937::new(seed);
        for hex in expected["random_sample"].as_array().unwrap() {
            assert_eq!(random_sample(&mut rng).to_bits(), from_hex(hex.as_str().unwrap()).to_bits(), "seed {seed}");
        }
    }
}

#[test]
fn smoothed_matrix_matches_numpy_to_the_bit() {
    for case in reference()["cases"].as_array().unwrap() {
        let model = NgramModel::new(case["corpus"].as_str().unwrap(), case["smoothing"].as_f64().unwrap()).unwrap();
        let label = format!("{} k={}", case["corpus_name"], case["smoothing"]);
        assert_eq!(model.vocab().tokens(), strings(&case["vocab"]), "{label}");
        let ours = model.probabilities().unwrap();
        let theirs: Vec<f64> =
            case["probabilities"].as_array().unwrap().iter().map(|v| from_hex(v.as_str().unwrap())).collect();
        assert_eq!(ours.len(), theirs.len(), "{label}");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "{label}: cell {i}: {a} vs numpy {b}");
        }
    }
}

#[test]
fn generations_match_numpy() {
    let mut checked = 0;
    for case in reference()["cases"].as_array().unwrap() {
        let model = NgramModel::new(case["corpus"].as_str().unwrap(), case["smoothing"].as_f64().unwrap()).unwrap();
        let label = format!("{} k={}", case["corpus_name"], case["smoothing"]);
        for g in case["generate"].as_array().unwrap() {
            let seed = g["seed"].as_u64().unwrap() as u32;
            let max_len = g["max_len"].as_u64().unwrap() as usize;
            let options = SampleOptions { seed: Some(seed), max_len, ..SampleOptions::default() };
            let ours = words(&model, &generate(&model, options).unwrap());
            assert_eq!(ours, strings(&g["tokens"]), "{label} seed {seed} max_len {max_len}");
            checked += 1;
        }
        for g in case["generate_many"].as_array().unwrap() {
            let seed = g["seed"].as_u64().unwrap() as u32;
            let options = SampleOptions { seed: Some(seed), max_len: 12, ..SampleOptions::default() };
            let ours: Vec<Vec<String>> =
                generate_many(&model, 5, options).unwrap().iter().map(|ids| words(&model, ids)).collect();
            let theirs: Vec<Vec<String>> = g["tokens"].as_array().unwrap().iter().map(strings).collect();
            assert_eq!(ours, theirs, "{label} many, seed {seed}");
            checked += 1;
        }
    }
    assert!(checked >= 300, "only {checked} generations were compared");
}
