//! Part E's experiments at GPT-1's full size, on the random weights of tests/core/gpt1_full.rs (numpy's seed):
//! token log-probabilities of prompts of 1 to 128 tokens within 1e-4 of numpy (tests/fixtures/gpt1_full.json),
//! the fine-tuner's gradients against finite differences of its own loss on sampled entries of every trainable
//! tensor (k = 1), and the memory budget refusing a choice of blocks that would pass it.

use super::{header, random_data, reference};
use gpt1_playground::gpt::{TaskIds, TinyGpt, TunerOptions};

/// The random GPT-1, streamed through the loader.
fn gpt1() -> TinyGpt {
    let seed = reference()["config"]["seed"].as_u64().unwrap() as u32;
    let mut loader = TinyGpt::load_safetensors(&header(), None, None).unwrap();
    random_data(seed, |chunk| loader.write(chunk).unwrap());
    loader.finish().unwrap()
}

/// Two examples in Part B's form: `_start_ … _classify_`, one with `_delimiter_`.
fn examples() -> Vec<TaskIds> {
    vec![
        TaskIds { ids: vec![40478, 249, 1012, 3, 40000, 17, 40480], label: 1 },
        TaskIds { ids: vec![40478, 5, 6, 7000, 40479, 8, 9, 31000, 40480], label: 0 },
    ]
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "117M parameters: run optimised, `cargo test --release --all-features --test core gpt1_full::`"
)]
fn full_size_log_probs_match_numpy_and_gradients_match_finite_differences() {
    let gpt = gpt1();
    // the scoring primitive: every next token's log-probability, within 1e-4 of numpy
    for case in reference()["scored"].as_array().unwrap() {
        let ids: Vec<u32> = case["ids"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect();
        let numpy: Vec<f64> = case["log_probs"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        let ours = gpt.token_log_probs(&ids).unwrap();
        assert_eq!(ours.len(), ids.len() - 1);
        let worst = ours.iter().zip(&numpy).map(|(&a, &b)| (f64::from(a) - b).abs()).fold(0.0, f64::max);
        assert!(worst <= 1e-4, "{} tokens: {worst}", ids.len());
    }

    // all twelve blocks would pass the module's budget: refused, with the sizes and what fits
    let message = gpt.fine_tuner(&TunerOptions { train_blocks: 12, ..TunerOptions::new(2) }).unwrap_err().to_string();
    assert!(message.contains("fine-tuning the top 12 blocks needs 1361 MB"), "{message}");
    assert!(
        message.contains("beside the model's own 467 MB") && message.contains("above the module's budget of 1500 MB")
    );
    assert!(message.contains("(train at most"), "{message}");

    // k = 1: the gradient of every trainable tensor against central differences of the loss (a step of 0.01 in
    // one weight), on three entries of each: the largest, and two of those at least a tenth of it (smaller ones
    // drown in the differences' noise, about 2e-5 here: float32's rounding of a loss near 7, over 0.02)
    let options = TunerOptions { train_blocks: 1, seed: 3, ..TunerOptions::new(2) };
    let mut tuner = gpt.fine_tuner(&options).unwrap();
    assert_eq!(tuner.trainable(), 7_087_872 + 2 * 768 + 2);
    let examples = examples();
    let grads = tuner.gradients(&examples).unwrap();
    assert_eq!(grads.len(), 14);
    let mut worst = 0.0f64;
    for (name, g) in &grads {
        let largest = g.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
        let large: Vec<usize> = (0..g.len()).filter(|&i| g[i].abs() >= 0.1 * largest).collect();
        let top = g.iter().position(|&x| x.abs() == largest).unwrap();
        for index in [top, large[large.len() / 3], large[large.len() * 2 / 3]] {
            let values = tuner.tensors().into_iter().find(|(n, _)| n == name).unwrap().1;
            let mut loss = |delta: f32| {
                let mut nudged = values.clone();
                nudged[index] += delta;
                tuner.set_tensor(name, &nudged).unwrap();
                tuner.evaluate(&examples).unwrap().losses.total
            };
            let step = 1e-2f32;
            let fd = (loss(step) - loss(-step)) / (2.0 * f64::from(step));
            tuner.set_tensor(name, &values).unwrap();
            let ours = f64::from(g[index]);
            worst = worst.max((fd - ours).abs() / ours.abs());
            assert!(
                (fd - ours).abs() <= 0.02 * ours.abs() + 2e-5,
                "{name}[{index}]: gradient {ours:e}, differences {fd:e}"
            );
        }
    }
    eprintln!("finite differences agree with 42 entries of the gradient within {:.2} % of each", 100.0 * worst);
}
