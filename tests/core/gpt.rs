#![cfg(feature = "gpt")]
//! The tiny GPT: its gradients against central differences (in f64), memorising the lesson's corpus,
//! determinism, fine-tuning with and without the auxiliary LM loss, and errors for every bad input.

use crate::util::LESSON;
use gpt1_playground::encode::TaskInput;
use gpt1_playground::gpt::{
    Batch, Config, FineTuneOptions, GptOptions, GptOptionsInput, LabelledInput, NO_TARGET, Net, Norm, TinyGpt,
    Workspace,
};
use gpt1_playground::ngram::TokenizerKind;
use gpt1_playground::sampling::{SampleOptions, generate_many};
use gpt1_playground::tokens::Boundaries;
use gpt1_playground::{Error, LanguageModel};

/// A tiny network with every weight set to a varied, not-small value, so that every path carries gradient.
fn gradient_net(norm: Norm) -> (Net<f64>, Batch) {
    let config = Config { vocab: 7, embeddings: 9, d_model: 8, layers: 2, heads: 2, context: 5, classes: 3, norm };
    let mut net = Net::<f64>::new(config, 3);
    for (i, p) in net.params.iter_mut().enumerate() {
        *p = 0.4 * ((i as f64 * 12.9898).sin() * 43_758.545_3).fract();
    }
    // row 0: five positions, all predicted; row 1: three real positions (one a special token, id 7) and padding
    let batch = Batch {
        rows: 2,
        len: 5,
        inputs: vec![5, 0, 1, 2, 8, 5, 7, 4, 5, 5],
        targets: vec![0, 1, 2, 3, 6, 4, NO_TARGET, 6, NO_TARGET, NO_TARGET],
        extract: vec![4, 2],
        labels: vec![2, 0],
        lambda: 0.7,
    };
    (net, batch)
}

fn total_loss(net: &Net<f64>, batch: &Batch, ws: &mut Workspace<f64>) -> f64 {
    net.forward(batch, ws);
    let l = net.losses(batch, ws);
    l.task + batch.lambda * l.lm
}

#[test]
fn every_gradient_matches_central_differences_post_ln() {
    check_gradients(Norm::Post, 2 + 12 * 2 + 2);
}

#[test]
fn every_gradient_matches_central_differences_pre_ln() {
    check_gradients(Norm::Pre, 2 + 12 * 2 + 2 + 2);
}

/// Every analytic gradient of a network with `tensors` tensors (the tied embedding, the blocks' LayerNorms, the
/// classifier and its bias) against central differences.
fn check_gradients(norm: Norm, tensors: usize) {
    let (mut net, batch) = gradient_net(norm);
    let mut ws = Workspace::default();
    total_loss(&net, &batch, &mut ws);
    let mut grads = vec![0.0; net.params.len()];
    net.backward(&batch, &mut ws, &mut grads);
    let h = 1e-5;
    let all = net.layout.tensors(&net.config);
    assert_eq!(all.len(), tensors, "every tensor is listed");
    for (name, range, _, _) in all {
        let mut worst: f64 = 0.0;
        for i in range.clone() {
            // (L(θ + h) − L(θ − h)) / 2h
            let keep = net.params[i];
            net.params[i] = keep + h;
            let up = total_loss(&net, &batch, &mut ws);
            net.params[i] = keep - h;
            let down = total_loss(&net, &batch, &mut ws);
            net.params[i] = keep;
            let numeric = (up - down) / (2.0 * h);
            let error = (grads[i] - numeric).abs() / (1e-6 + numeric.abs().max(grads[i].abs()));
            worst = worst.max(error);
            assert!(
                (grads[i] - numeric).abs() <= 1e-7 + 1e-5 * numeric.abs(),
                "{name}[{}]: analytic {} vs numeric {numeric}",
                i - range.start,
                grads[i]
            );
        }
        let nonzero = grads[range.clone()].iter().filter(|g| g.abs() > 1e-9).count();
        assert!(nonzero > 0, "{name} gets some gradient");
        eprintln!("{name:>14}: {} values, worst relative error {worst:.1e}", range.len());
    }
}

#[test]
fn the_gradient_ignores_padding_and_unused_rows() {
    let (net, batch) = gradient_net(Norm::Post);
    let mut ws = Workspace::default();
    total_loss(&net, &batch, &mut ws);
    let mut grads = vec![0.0; net.params.len()];
    net.backward(&batch, &mut ws, &mut grads);
    // the output layer is tied to the embedding: token 3 is never an input, yet its row gets the output's gradient
    let d = net.config.d_model;
    assert!(grads[net.layout.wte.start + 3 * d..][..d].iter().all(|&g| g != 0.0));
    // padding (row 1's last two positions: no target, after [EXTRACT]) changes no gradient, whatever its ids
    let mut padded = batch.clone();
    padded.inputs[8..].copy_from_slice(&[0, 1]);
    let mut again = vec![0.0; net.params.len()];
    total_loss(&net, &padded, &mut ws);
    net.backward(&padded, &mut ws, &mut again);
    assert_eq!(grads, again);
}

fn tiny(corpus: &str, seed: u32) -> TinyGpt {
    let options = GptOptions {
        d_model: 16,
        layers: 1,
        heads: 2,
        context: 8,
        batch_size: 8,
        learning_rate: 1e-2,
        seed,
        ..GptOptions::default()
    };
    TinyGpt::new(corpus, &options).unwrap()
}

#[test]
fn a_tiny_model_memorises_the_lessons_corpus() {
    let mut model = tiny(LESSON, 1);
    assert_eq!(model.vocab().tokens(), ["chai", "bahut", "garam", "hai", "acha", "[START]", "[END]"]);
    let before = model.loss(None).unwrap();
    // near uniform over 7 tokens; the tied output layer starts with a slight lean towards repeating the input
    // token (its logit is h·its own embedding), so a little above ln 7
    assert!((before - 7f64.ln()).abs() < 0.1, "starts near uniform over 7 tokens: {before}");
    // untrained, [START] has about a seventh of every row; told never to draw it, the sampler does not
    assert_eq!(model.start(), Some(5));
    let never = SampleOptions { seed: Some(7), max_len: 30, never_start: true, ..Default::default() };
    for ids in generate_many(&model, 20, never).unwrap() {
        assert!(!ids[1..].contains(&5), "{ids:?}");
    }
    model.step(300).unwrap();
    // the floor: chai → bahut (2/3) | acha (1/3) three times, chai bahut → garam | acha (½ each) twice, the other
    // eight predictions certain; 13 predictions in all
    let floor =
        (3.0 * (-(2.0 / 3.0) * (2.0f64 / 3.0).ln() - (1.0 / 3.0) * (1.0f64 / 3.0).ln()) + 2.0 * 2f64.ln()) / 13.0;
    let after = model.loss(None).unwrap();
    assert!(after < floor + 0.03, "loss {after} is within 0.03 of the floor {floor}");
    // and it only says what it read
    let samples = generate_many(&model, 20, SampleOptions { seed: Some(7), max_len: 10, ..Default::default() });
    for ids in samples.unwrap() {
        let words: Vec<&str> = ids[1..ids.len() - 1].iter().map(|&id| model.vocab().token(id)).collect();
        assert!(LESSON.lines().any(|line| line == words.join(" ")), "generated {words:?}");
    }
}

#[test]
fn training_is_deterministic_for_a_seed() {
    let (mut a, mut b, mut c) = (tiny(LESSON, 5), tiny(LESSON, 5), tiny(LESSON, 6));
    let (la, lb, lc) = (a.step(15).unwrap(), b.step(15).unwrap(), c.step(15).unwrap());
    assert_eq!(la.to_bits(), lb.to_bits());
    assert_eq!(a.weights(), b.weights());
    assert_eq!(a.loss(None).unwrap().to_bits(), b.loss(None).unwrap().to_bits());
    assert_ne!(la, lc);
    assert_ne!(a.weights(), c.weights());
}

const CHAI: &str = include_str!("../../www/data/chai-corpus.txt");
const SENTIMENT: &str = include_str!("../../www/data/chai-sentiment.tsv");
const ENTAILMENT: &str = include_str!("../../www/data/chai-entailment.tsv");

/// The sentiment file as labelled classification inputs (positive = 1, negative = 0).
fn sentiment_examples() -> Vec<LabelledInput> {
    SENTIMENT
        .lines()
        .map(|line| {
            let (text, label) = line.split_once('\t').unwrap();
            let input = TaskInput::Classification { text: text.into() };
            LabelledInput { input, label: usize::from(label == "positive") }
        })
        .collect()
}

#[test]
fn the_built_in_material_is_consistent() {
    let model = TinyGpt::new(CHAI, &GptOptions::default()).unwrap();
    let lines: Vec<&str> = CHAI.lines().collect();
    assert!((300..=500).contains(&lines.len()), "{} sentences", lines.len());
    assert!(lines.contains(&"chai bahut garam hai") && lines.contains(&"chai acha"));
    assert_eq!(SENTIMENT.lines().next(), Some("chai bahut garam hai\tpositive"));
    for line in SENTIMENT.lines().chain(ENTAILMENT.lines()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (label, texts) = fields.split_last().unwrap();
        assert!(["positive", "negative", "entailment", "contradiction"].contains(label), "{line}");
        for word in texts.iter().flat_map(|t| t.split_whitespace()) {
            assert!(model.vocab().id(word).is_some(), "{word:?} of {line:?} is in the corpus vocabulary");
        }
    }
    let entailment = ENTAILMENT.lines().next().unwrap().split('\t').collect::<Vec<_>>();
    let input = TaskInput::Entailment { premise: entailment[0].into(), hypothesis: entailment[1].into() };
    let ids = model.encode_task(&input).unwrap();
    let v = model.vocab().len() as u32;
    assert_eq!((ids[ids.len() - 1], ids.iter().filter(|&&id| id == v + 1).count()), (v, 1), "[EXTRACT] = V, [DELIM]");
}

#[test]
fn fine_tuning_learns_the_task_and_the_lm_loss_keeps_the_language_model() {
    // pre-train on nine lines in ten; the tenth is the held-out text
    let (mut train, mut held_out) = (String::new(), String::new());
    for (i, line) in CHAI.lines().enumerate() {
        let to = if i % 10 == 9 { &mut held_out } else { &mut train };
        to.push_str(line);
        to.push('\n');
    }
    let options = GptOptions {
        d_model: 16,
        layers: 1,
        heads: 2,
        context: 14,
        batch_size: 16,
        learning_rate: 1e-2,
        ..GptOptions::default()
    };
    let mut pre = TinyGpt::new(&train, &options).unwrap();
    // (only held-out lines made of words the corpus has)
    held_out = held_out.lines().filter(|l| pre.loss(Some(l)).is_ok()).map(|l| format!("{l}\n")).collect();
    pre.step(150).unwrap();
    let pre_loss = pre.loss(Some(&held_out)).unwrap();

    let examples = sentiment_examples();
    let (fit, test) = examples.split_at(60);
    let mut runs = Vec::new();
    for lambda in [0.0, 0.5] {
        let mut model = pre.clone();
        let ft = FineTuneOptions { lambda, steps: 150, learning_rate: 5e-3, batch_size: 16, seed: 3 };
        let curve = model.fine_tune(fit, 2, &ft).unwrap();
        assert_eq!(curve.len(), 150);
        let accuracy = (model.accuracy(fit).unwrap(), model.accuracy(test).unwrap());
        let lm = model.loss(Some(&held_out)).unwrap();
        eprintln!("λ = {lambda}: accuracy {accuracy:?}, held-out LM loss {lm:.4} (before {pre_loss:.4})");
        let p = model.classify(&TaskInput::Classification { text: "chai bahut garam hai".into() }).unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-6 && p.len() == 2);
        runs.push((accuracy, lm));
    }
    for (accuracy, _) in &runs {
        assert!(accuracy.0 >= 0.9, "fits the training examples: {accuracy:?}");
    }
    assert!(runs[1].1 < runs[0].1, "λ = 0.5 keeps the held-out LM loss lower than λ = 0: {runs:?}");
    // entailment: [START] premise [DELIM] hypothesis [EXTRACT]; the task loss falls
    let pairs: Vec<LabelledInput> = ENTAILMENT
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let input = TaskInput::Entailment { premise: f[0].into(), hypothesis: f[1].into() };
            LabelledInput { input, label: usize::from(f[2] == "entailment") }
        })
        .collect();
    let mut model = pre.clone();
    let ft = FineTuneOptions { lambda: 0.5, steps: 60, learning_rate: 5e-3, batch_size: 16, seed: 4 };
    let curve = model.fine_tune(&pairs, 2, &ft).unwrap();
    let mean = |part: &[(f64, f64)]| part.iter().map(|l| l.0).sum::<f64>() / part.len() as f64;
    assert!(mean(&curve[50..]) < 0.7 * mean(&curve[..10]), "entailment task loss falls: {curve:?}");
    // a failed call leaves the model as it was
    let unknown = [LabelledInput { input: TaskInput::Classification { text: "chai nahi nahi kyun".into() }, label: 0 }];
    let before = pre.parameters();
    assert!(pre.fine_tune(&unknown, 2, &ft).is_err());
    assert_eq!(pre.parameters(), before);
    // the pre-trained model is untouched by its clones' fine-tuning
    assert_eq!(pre.loss(Some(&held_out)).unwrap(), pre_loss);
    assert_eq!(pre.classes(), 0);
}

fn message(result: Result<TinyGpt, Error>) -> String {
    result.expect_err("an error").to_string()
}

#[test]
fn bad_options_are_errors_that_say_what_is_allowed() {
    let build = |change: &dyn Fn(&mut GptOptions)| {
        let mut options = GptOptions::default();
        change(&mut options);
        message(TinyGpt::new(LESSON, &options))
    };
    assert_eq!(
        build(&|o| o.heads = 3),
        "heads must be a divisor of dModel = 32 (each head gets dModel / heads dimensions); got 3"
    );
    assert_eq!(build(&|o| o.context = 0), "context must be a whole number from 1 to 64; got 0");
    assert_eq!(build(&|o| o.context = 65), "context must be a whole number from 1 to 64; got 65");
    assert_eq!(build(&|o| o.layers = 0), "layers must be a whole number from 1 to 4; got 0");
    assert_eq!(build(&|o| o.layers = 5), "layers must be a whole number from 1 to 4; got 5");
    assert_eq!(build(&|o| o.heads = 9), "heads must be a whole number from 1 to 8; got 9");
    assert_eq!(build(&|o| o.d_model = 8), "dModel must be a whole number from 16 to 128; got 8");
    assert_eq!(build(&|o| o.d_model = 129), "dModel must be a whole number from 16 to 128; got 129");
    assert_eq!(build(&|o| o.batch_size = 0), "batchSize must be a whole number from 1 to 256; got 0");
    assert!(build(&|o| o.learning_rate = f32::NAN).starts_with("learningRate must be a number above 0"));
    assert!(build(&|o| o.merges = Some(5)).contains("given only with tokenizer \"bpe\""));

    // from JavaScript numbers and names
    let js = |change: &dyn Fn(&mut GptOptionsInput)| {
        let mut input = GptOptionsInput::default();
        change(&mut input);
        GptOptions::from_js(&input).map_err(|e| e.to_string())
    };
    assert_eq!(js(&|_| ()), Ok(GptOptions::default()));
    let ok = js(&|i| {
        i.tokenizer = Some("char".into());
        i.boundaries = Some("stream".into());
        i.d_model = Some(48.0);
        i.heads = Some(6.0);
    })
    .unwrap();
    assert_eq!((ok.tokenizer, ok.boundaries, ok.d_model, ok.heads), (TokenizerKind::Char, Boundaries::Stream, 48, 6));
    assert_eq!(js(&|i| i.d_model = Some(32.5)), Err("dModel must be a whole number from 16 to 128; got 32.5".into()));
    assert_eq!(js(&|i| i.seed = Some(-1.0)), Err("seed must be a whole number from 0 to 4294967295; got -1".into()));
    assert!(js(&|i| i.tokenizer = Some("bytes".into())).unwrap_err().contains("one of \"word\", \"char\", \"bpe\""));
    assert!(js(&|i| i.learning_rate = Some(0.0)).is_err());
    assert!(js(&|i| i.heads = Some(5.0)).unwrap_err().contains("a divisor of dModel = 32"));
}

#[test]
fn bad_corpora_and_texts_are_errors() {
    assert_eq!(
        message(TinyGpt::new("  \n\n ", &GptOptions::default())),
        Error::EmptyCorpus.to_string(),
        "an empty corpus"
    );
    let stream = GptOptions { tokenizer: TokenizerKind::Char, boundaries: Boundaries::Stream, ..GptOptions::default() };
    assert!(message(TinyGpt::new("a", &stream)).contains("at least 2 tokens"));
    assert!(message(TinyGpt::new("chai [END] hai", &GptOptions::default())).contains("special token [END]"));

    let mut model = tiny(LESSON, 1);
    assert!(
        matches!(model.loss(Some("chai bahut thandi hai")), Err(Error::UnknownToken { ref token, .. }) if token == "thandi")
    );
    assert!(model.loss(Some("\n\n")).unwrap_err().to_string().contains("nothing to predict"));
    assert!(model.step(0).is_err());
    assert!(model.attention("chai acha", 1.0, 0.0).unwrap_err().to_string().contains("layer must be"));
    assert!(model.attention("chai acha", 0.0, 2.0).unwrap_err().to_string().contains("head must be"));
    assert!(model.attention("", 0.0, 0.0).is_err());
    assert!(model.next_distributions("chai chai chai pani").is_err());

    // fine-tuning
    let classify = |text: &str| TaskInput::Classification { text: text.into() };
    assert!(model.classify(&classify("chai acha")).unwrap_err().to_string().contains("fine-tune"));
    let one = [LabelledInput { input: classify("chai acha"), label: 0 }];
    assert!(model.accuracy(&one).unwrap_err().to_string().contains("fine-tune"));
    let ft = FineTuneOptions { steps: 2, ..FineTuneOptions::default() };
    assert!(model.fine_tune(&[], 2, &ft).unwrap_err().to_string().contains("at least one labelled example"));
    let bad_label = [LabelledInput { input: classify("chai acha"), label: 2 }];
    assert!(model.fine_tune(&bad_label, 2, &ft).unwrap_err().to_string().contains("label must be a class from 0 to 1"));
    let unknown = [LabelledInput { input: classify("chai thandi"), label: 0 }];
    assert!(matches!(model.fine_tune(&unknown, 2, &ft), Err(Error::UnknownWord { ref word, .. }) if word == "thandi"));
    let long = [LabelledInput { input: classify(&["chai"; 9].join(" ")), label: 0 }];
    assert!(model.fine_tune(&long, 2, &ft).unwrap_err().to_string().contains("above the limit of 8"));
    assert!(model.fine_tune(&bad_label, 1, &ft).unwrap_err().to_string().contains("classes must be"));
    let similarity = [LabelledInput { input: TaskInput::Similarity { a: "chai".into(), b: "acha".into() }, label: 0 }];
    assert!(matches!(model.fine_tune(&similarity, 2, &ft), Err(Error::Unsupported(_))));
    let bad_lambda = FineTuneOptions { lambda: -1.0, ..ft.clone() };
    assert!(model.fine_tune(&bad_label, 2, &bad_lambda).unwrap_err().to_string().contains("lambda must be"));
}

#[test]
fn look_inside_views_have_the_right_shapes() {
    let mut model = tiny(LESSON, 2);
    model.step(20).unwrap();
    assert_eq!(model.view_tokens("chai bahut garam hai").unwrap(), ["[START]", "chai", "bahut", "garam", "hai"]);
    let inside = model.next_distributions("chai bahut garam hai").unwrap();
    let v = model.vocab().len();
    assert_eq!(inside.probabilities.len(), 5 * v);
    for row in inside.probabilities.chunks(v) {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-5);
    }
    let weights = model.attention("chai bahut garam hai", 0.0, 1.0).unwrap();
    assert_eq!(weights.len(), 25);
    for (i, row) in weights.chunks(5).enumerate() {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "row {i} sums to 1");
        assert!(row[i + 1..].iter().all(|&w| w == 0.0), "causal: nothing after position {i}");
    }
    // the LM loss of a text equals the mean −ln P of its distributions (a text shorter than the context)
    let ids: Vec<u32> =
        ["chai", "bahut", "garam", "hai", "[END]"].iter().map(|t| model.vocab().id(t).unwrap()).collect();
    let mean =
        ids.iter().enumerate().map(|(i, &id)| -inside.probabilities[i * v + id as usize].ln()).sum::<f64>() / 5.0;
    assert!((model.loss(Some("chai bahut garam hai")).unwrap() - mean).abs() < 1e-5);
    assert_eq!(model.parameters(), model.weights().len());
}

#[test]
fn stream_mode_and_long_texts_use_a_sliding_window() {
    let options = GptOptions {
        tokenizer: TokenizerKind::Char,
        boundaries: Boundaries::Stream,
        d_model: 16,
        layers: 1,
        heads: 1,
        context: 4,
        batch_size: 4,
        ..GptOptions::default()
    };
    let mut model = TinyGpt::new("chai acha\nchai garam\n", &options).unwrap();
    model.step(5).unwrap();
    assert_eq!(model.prompt(), vec![0], "generation starts from the corpus's first token");
    assert_eq!(model.end(), None);
    // the loss of a long text is the mean of per-token losses, each token seeing at most 4 before it
    let text = "chai garam acha";
    let ids: Vec<u32> = text.chars().map(|c| model.vocab().id(&c.to_string()).unwrap()).collect();
    let v = model.vocab().len();
    let mut total = 0.0;
    let mut row = vec![0.0; v];
    for i in 1..ids.len() {
        model.next_probabilities(&ids[i.saturating_sub(4)..i], &mut row);
        total -= row[ids[i] as usize].ln();
    }
    let want = total / (ids.len() - 1) as f64;
    assert!((model.loss(Some(text)).unwrap() - want).abs() < 1e-5);
}

/// The bits a small model's losses must have after five steps, here and in wasm (tests/wasm/gpt.rs checks the
/// same constants in Node, Chromium and Firefox): training is deterministic across targets.
pub const FIVE_STEP_LOSS_BITS: u64 = 0x3fff_f172_70f2_3882;
pub const FIVE_STEP_HELD_OUT_BITS: u64 = 0x3fff_a057_1b13_d678;

#[test]
fn five_steps_give_the_same_bits_as_wasm() {
    let corpus = "chai bahut garam hai\nchai acha\nchai bahut acha hai";
    let options = GptOptions { d_model: 16, layers: 1, heads: 2, context: 8, batch_size: 4, ..GptOptions::default() };
    let mut model = TinyGpt::new(corpus, &options).unwrap();
    assert_eq!(model.step(5).unwrap().to_bits(), FIVE_STEP_LOSS_BITS);
    assert_eq!(model.loss(Some("chai acha hai")).unwrap().to_bits(), FIVE_STEP_HELD_OUT_BITS);
}
