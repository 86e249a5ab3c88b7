//! The native side of `npm run bench`: builds the core's n-gram model from a corpus, then times generation and
//! held-out loss, and prints one JSON line that `bench/run.mjs` reads.
//!
//! ```text
//! cargo run --release --example bench -- --corpus FILE --eval FILE [--tokenizer word|char]
//!     [--boundaries lines|stream] [--order 2] [--smoothing 1] [--runs 5] [--budget-ms 400] [--batch 100] [--max-len 100] [--seed 42]
//! ```
//!
//! Each figure is given per run (the orchestrator takes medians). Peak memory is this process's own high-water
//! mark (`VmHWM`), so the orchestrator runs one process per corpus.

use std::collections::HashMap;
use std::time::Instant;

use gpt1_playground::ngram::{ModelOptions, TokenizerKind, parse_boundaries};
use gpt1_playground::sampling::{self, SampleMode, SampleOptions};
use gpt1_playground::{LanguageModel, NgramModel};

/// Command-line options, `--name value` pairs.
struct Args(HashMap<String, String>);

impl Args {
    fn parse() -> Args {
        let mut map = HashMap::new();
        let mut items = std::env::args().skip(1);
        while let Some(name) = items.next() {
            let name = name.trim_start_matches('-').to_string();
            let value = items.next().unwrap_or_else(|| fail(&format!("--{name} needs a value")));
            map.insert(name, value);
        }
        Args(map)
    }

    fn text(&self, name: &str, default: &str) -> String {
        self.0.get(name).cloned().unwrap_or_else(|| default.to_string())
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> T {
        match self.0.get(name) {
            Some(value) => value.parse().unwrap_or_else(|_| fail(&format!("--{name} {value:?} is not a number"))),
            None => default,
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(2)
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`); `None` where there is no procfs.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_numbers(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
    format!("[{}]", items.join(","))
}

fn json_option(value: Option<u64>) -> String {
    value.map_or_else(|| "null".to_string(), |v| v.to_string())
}

/// One timed generation run: `generate_many` batches from successive seeds until `budget` seconds have passed.
/// Returns (tokens generated after the prompt, seconds, the first sequence of the first batch).
fn generation_run(
    model: &NgramModel,
    options: SampleOptions,
    batch: usize,
    budget: f64,
) -> Result<(f64, f64, Vec<u32>), gpt1_playground::Error> {
    let prompt = model.prompt().len();
    let (mut tokens, mut first) = (0usize, Vec::new());
    let seed = options.seed.unwrap_or(0);
    let start = Instant::now();
    let mut call = 0u32;
    while call == 0 || start.elapsed().as_secs_f64() < budget {
        let options = SampleOptions { seed: Some(seed.wrapping_add(call)), ..options };
        let sequences = sampling::generate_many(model, batch, options)?;
        tokens += sequences.iter().map(|s| s.len() - prompt).sum::<usize>();
        if call == 0 {
            first = sequences.into_iter().next().unwrap_or_default();
        }
        call += 1;
    }
    Ok((tokens as f64, start.elapsed().as_secs_f64(), first))
}

fn main() {
    let args = Args::parse();
    let corpus_path = args.text("corpus", "");
    let eval_path = args.text("eval", "");
    if corpus_path.is_empty() || eval_path.is_empty() {
        fail("give --corpus FILE and --eval FILE");
    }
    let corpus = std::fs::read_to_string(&corpus_path).unwrap_or_else(|e| fail(&format!("{corpus_path}: {e}")));
    let eval_text = std::fs::read_to_string(&eval_path).unwrap_or_else(|e| fail(&format!("{eval_path}: {e}")));
    let tokenizer = TokenizerKind::parse(&args.text("tokenizer", "word")).unwrap_or_else(|e| fail(&e.to_string()));
    let boundaries = parse_boundaries(&args.text("boundaries", "lines")).unwrap_or_else(|e| fail(&e.to_string()));
    let options = ModelOptions {
        smoothing: args.number("smoothing", 1.0),
        order: args.number("order", 2),
        tokenizer,
        boundaries,
        ..ModelOptions::default()
    };
    let runs: usize = args.number("runs", 5);
    let budget = args.number::<f64>("budget-ms", 400.0) / 1000.0;
    let batch: usize = args.number("batch", 100);
    let sample = SampleOptions {
        seed: Some(args.number("seed", 42)),
        max_len: args.number("max-len", 100),
        ..SampleOptions::default()
    };
    let rss_base = status_kib("VmRSS:");

    // model build: raw text → counted, ready model
    let mut build_ms = Vec::new();
    let mut model = None;
    for _ in 0..runs {
        drop(model.take());
        let start = Instant::now();
        let built = NgramModel::with_options(&corpus, &options).unwrap_or_else(|e| fail(&e.to_string()));
        build_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        model = Some(built);
    }
    let model = model.unwrap_or_else(|| fail("--runs must be at least 1"));
    let rss_after_build = status_kib("VmRSS:");

    // generation: notebook-exact, then the fast sparse sampler
    let mut exact = Vec::new();
    let mut first = Vec::new();
    for run in 0..runs {
        let (tokens, seconds, sequence) =
            generation_run(&model, sample, batch, budget).unwrap_or_else(|e| fail(&e.to_string()));
        exact.push(tokens / seconds);
        if run == 0 {
            first = sequence;
        }
    }
    let fast_options = SampleOptions { mode: SampleMode::Fast, ..sample };
    let fast: Vec<f64> = (0..runs)
        .map(|_| {
            let (tokens, seconds, _) =
                generation_run(&model, fast_options, batch, budget).unwrap_or_else(|e| fail(&e.to_string()));
            tokens / seconds
        })
        .collect();

    // held-out loss: predictions per second
    let eval_tokens: usize = model
        .token_ids(&eval_text)
        .unwrap_or_else(|e| fail(&e.to_string()))
        .iter()
        .map(|ids| ids.len() + 1 - model.order())
        .sum();
    let mut eval = Vec::new();
    let mut loss = f64::NAN;
    for _ in 0..runs {
        let start = Instant::now();
        loss = model.loss_on(&eval_text).unwrap_or_else(|e| fail(&e.to_string()));
        eval.push(eval_tokens as f64 / start.elapsed().as_secs_f64());
    }

    let first_sample: Vec<String> = first.iter().map(|&id| json_string(model.vocab().token(id))).collect();
    println!(
        "{{\"impl\":\"native\",\"vocab\":{},\"distinct_pairs\":{},\"heap_bytes\":{},\"pair_total\":{},\"build_ms\":{},\"gen_exact_tps\":{},\
\"gen_fast_tps\":{},\"eval_tokens\":{},\"eval_tps\":{},\"loss\":{},\"rss_base_kib\":{},\"rss_after_build_kib\":{},\
\"rss_peak_kib\":{},\"first_sample\":[{}]}}",
        model.vocab().len(),
        model.distinct_pairs(),
        model.heap_bytes(),
        model.pair_total(),
        json_numbers(&build_ms),
        json_numbers(&exact),
        json_numbers(&fast),
        eval_tokens,
        json_numbers(&eval),
        loss,
        json_option(rss_base),
        json_option(rss_after_build),
        json_option(status_kib("VmHWM:")),
        first_sample.join(",")
    );
}
