//! Trains the tiny GPT on the names data set and prints steps/s and the validation loss at 10, 30 and 60 s of
//! training, next to the best n-gram's validation loss on the same data (char tokens, stream mode).
//!
//! Run with: cargo run --release --features gpt --example gpt_bench [-- --quick | --steps N [--val] | --kernels]
//! [--lr RATE] [--warmup STEPS] [--norm post|pre] [--data DIR] [--d WIDTH] [--marks 10,30,60] [--json]
//! (`--json` ends with one JSON line for bench/gpt.mjs, which runs the wasm build side by side.)
//! (`DIR` holds `train.txt` and `val.txt`; the default is `../shared/data/names` beside the crate.)

#[cfg(feature = "gpt")]
fn main() {
    use std::time::{Duration, Instant};

    use gpt1_playground::gpt::{GptOptions, TinyGpt};
    use gpt1_playground::ngram::{ModelOptions, NgramModel, TokenizerKind};
    use gpt1_playground::tokens::Boundaries;

    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--kernels") {
        return kernels();
    }
    let quick = args.iter().any(|a| a == "--quick");
    let dir = args
        .iter()
        .position(|a| a == "--data")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| format!("{}/../shared/data/names", env!("CARGO_MANIFEST_DIR")));
    let fixed_steps = args.iter().position(|a| a == "--steps").and_then(|i| args.get(i + 1)?.parse::<usize>().ok());
    let read = |name: &str| {
        std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_else(|e| panic!("cannot read {dir}/{name}: {e}"))
    };
    let (train, val) = (read("train.txt"), read("val.txt"));

    // the n-gram baseline: orders 2–6, add-0.1, char tokens, one stream
    let mut best = (f64::INFINITY, 0);
    for order in if fixed_steps.is_some() { 0..0 } else { 2..7 } {
        let options = ModelOptions {
            smoothing: 0.1,
            order,
            tokenizer: TokenizerKind::Char,
            boundaries: Boundaries::Stream,
            ..ModelOptions::default()
        };
        let model = NgramModel::with_options(&train, &options).expect("n-gram");
        let loss = model.loss_on(&val).expect("n-gram val loss");
        println!("{order}-gram (k = 0.1, char, stream): val loss {loss:.4}");
        if loss < best.0 {
            best = (loss, order);
        }
    }
    if fixed_steps.is_none() {
        println!("best n-gram: {}-gram, {:.4} nats/char", best.1, best.0);
    }

    let mut options =
        GptOptions { tokenizer: TokenizerKind::Char, boundaries: Boundaries::Stream, ..GptOptions::default() };
    if let Some(lr) = args.iter().position(|a| a == "--lr").and_then(|i| args.get(i + 1)?.parse::<f32>().ok()) {
        options.learning_rate = lr;
    }
    if let Some(w) = args.iter().position(|a| a == "--warmup").and_then(|i| args.get(i + 1)?.parse::<u32>().ok()) {
        options.warmup = w;
    }
    if let Some(norm) = args.iter().position(|a| a == "--norm").and_then(|i| args.get(i + 1)) {
        options.norm = gpt1_playground::gpt::options::parse_norm(norm).expect("--norm post|pre");
    }
    if let Some(d) = args.iter().position(|a| a == "--d").and_then(|i| args.get(i + 1)?.parse::<usize>().ok()) {
        options.d_model = d;
    }
    let mut model = TinyGpt::new(&train, &options).expect("model");
    println!(
        "tiny GPT ({}-LN): d = {}, {} layers, {} heads, context {}, batch {}, lr {}, warm-up {}, {} parameters, vocab {}",
        options.norm.name(),
        options.d_model,
        options.layers,
        options.heads,
        options.context,
        options.batch_size,
        options.learning_rate,
        options.warmup,
        model.parameters(),
        model.vocab().len()
    );
    if let Some(steps) = fixed_steps {
        // `--steps N`: N steps and nothing else (for profilers and CPU-time measurements)
        let start = Instant::now();
        let loss = model.step(steps).expect("step");
        let secs = start.elapsed().as_secs_f64();
        println!("{steps} steps in {secs:.2} s ({:.1} steps/s), train loss {loss:.6}", steps as f64 / secs);
        if args.iter().any(|a| a == "--val") {
            println!("val loss {:.4}", model.loss(Some(&val)).expect("val loss"));
        }
        return;
    }
    let marks: Vec<u64> = match args.iter().position(|a| a == "--marks").and_then(|i| args.get(i + 1)) {
        Some(list) => list.split(',').filter_map(|m| m.parse().ok()).collect(),
        None if quick => vec![2, 5, 10],
        None => vec![10, 30, 60],
    };
    let mut curve = Vec::new();
    let mut trained = Duration::ZERO;
    let mut steps = 0u64;
    for &mark in &marks {
        let mark = Duration::from_secs(mark);
        let mut last = f64::NAN;
        while trained < mark {
            let start = Instant::now();
            last = model.step(25).expect("step");
            trained += start.elapsed();
            steps += 25;
        }
        let start = Instant::now();
        let loss = model.loss(Some(&val)).expect("val loss");
        println!(
            "{:>5.1} s: {steps:>6} steps, {:>6.1} steps/s, train loss {last:.4}, val loss {loss:.4} \
             ({:+.4} vs the {}-gram; scored in {:.2} s)",
            trained.as_secs_f64(),
            steps as f64 / trained.as_secs_f64(),
            loss - best.0,
            best.1,
            start.elapsed().as_secs_f64()
        );
        curve.push(format!("[{:.3},{steps},{loss:.6}]", trained.as_secs_f64()));
    }
    if args.iter().any(|a| a == "--json") {
        println!(
            "{{\"impl\":\"native\",\"d\":{},\"parameters\":{},\"steps_per_s\":{:.2},\"curve\":[{}]}}",
            options.d_model,
            model.parameters(),
            steps as f64 / trained.as_secs_f64(),
            curve.join(",")
        );
    }
}

/// `--kernels`: the matrix product's speed on the shapes one training step uses (d = 32, 512 positions).
#[cfg(feature = "gpt")]
fn kernels() {
    use gpt1_playground::gpt::kernels::matmul;
    let shapes = [
        ("qkv", (512, 32, 96)),
        ("fc", (512, 32, 128)),
        ("out", (512, 128, 32)),
        ("proj", (512, 32, 32)),
        ("head", (512, 32, 27)),
        ("dW qkv", (32, 512, 96)),
        ("dW out", (128, 512, 32)),
        ("dx qkv", (512, 96, 32)),
        ("dx fc", (512, 128, 32)),
    ];
    for (name, (m, k, n)) in shapes {
        let a: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 * 0.1).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i % 5) as f32 * 0.1).collect();
        let mut c = vec![0.0f32; m * n];
        let reps = 2000;
        let start = std::time::Instant::now();
        for _ in 0..reps {
            matmul(&mut c, &a, &b, (m, k, n), None, true);
        }
        let secs = start.elapsed().as_secs_f64();
        let gflops = 2.0 * (m * k * n) as f64 * reps as f64 / secs / 1e9;
        println!("{name:>8} {m}×{k}·{k}×{n}: {:.1} µs, {gflops:.1} GFLOP/s", secs / reps as f64 * 1e6);
    }
}

#[cfg(not(feature = "gpt"))]
fn main() {
    eprintln!("this example needs the gpt feature: cargo run --release --features gpt --example gpt_bench");
}
