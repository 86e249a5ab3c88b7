//! Orders 1–6, the char and BPE tokenizers, stream mode and held-out loss: hand-computed figures, and an
//! independent straightforward reference that must agree to 1e-12 for every combination.

use std::collections::HashMap;

use gpt1_playground::bpe::Bpe;
use gpt1_playground::ngram::{ModelOptions, TokenizerKind};
use gpt1_playground::sampling::{Mt19937, SampleOptions, generate};
use gpt1_playground::tokens::{Boundaries, Tokenizer};
use gpt1_playground::{Error, LanguageModel, NgramModel};
use rand::Rng;

fn options(order: usize, tokenizer: TokenizerKind, boundaries: Boundaries, k: f64) -> ModelOptions {
    ModelOptions { smoothing: k, order, tokenizer, merges: None, boundaries }
}

fn ln(x: f64) -> f64 {
    x.ln()
}

#[test]
fn trigram_by_hand() {
    // padded: [S] [S] a b a [E] and [S] [S] a b b [E]; V = 4 (a, b, [START], [END])
    let model =
        NgramModel::with_options("a b a\na b b", &options(3, TokenizerKind::Word, Boundaries::Lines, 1.0)).unwrap();
    assert_eq!(model.vocab().tokens(), ["a", "b", "[START]", "[END]"]);
    assert_eq!(model.pair_total(), 8, "four predictions per padded sentence");
    let s = |t: &[&str]| t.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(model.row_for(&s(&["[START]", "[START]"])).unwrap(), [3. / 6., 1. / 6., 1. / 6., 1. / 6.]);
    assert_eq!(model.row_for(&s(&["a", "b"])).unwrap(), [2. / 6., 2. / 6., 1. / 6., 1. / 6.]);
    assert_eq!(model.row_for(&s(&["b", "a"])).unwrap(), [1. / 5., 1. / 5., 1. / 5., 2. / 5.]);
    assert_eq!(model.row_for(&s(&["a", "a"])).unwrap(), [0.25; 4], "an unseen context is uniform for k > 0");
    // 2×(S,S→a) 2×(S,a→b) (a,b→a) (a,b→b) (b,a→E) (b,b→E)
    let by_hand = -(2. * ln(3. / 6.) + 2. * ln(3. / 6.) + 2. * ln(2. / 6.) + 2. * ln(2. / 5.)) / 8.0;
    assert!((model.loss() - by_hand).abs() < 1e-15, "{} vs {by_hand}", model.loss());
    // held out: [S] [S] a b [E] → P(a|S,S) = .5, P(b|S,a) = .5, P([E]|a,b) = 1/6
    let held_out = (2. * ln(2.) + ln(6.)) / 3.;
    assert!((model.loss_on("a b").unwrap() - held_out).abs() < 1e-15);
    assert!(matches!(model.probabilities(), Err(Error::Unsupported(_))), "the V×V view is for bigrams");
    // three contexts made two predictions each; ties go in key order: (a,b), ([START],a), ([START],[START])
    assert_eq!(model.top_contexts(4), [(vec![0, 1], 2), (vec![2, 0], 2), (vec![2, 2], 2), (vec![1, 0], 1)]);
}

#[test]
fn matrix_cells_are_the_rows_own_numbers() {
    let s = |t: &[&str]| t.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    for (order, contexts) in
        [(2, vec![s(&["a"]), s(&["[START]"]), s(&["[END]"])]), (3, vec![s(&["a", "b"]), s(&["a", "a"])])]
    {
        let model = NgramModel::with_options(
            "a b a\na b b c\nc a",
            &options(order, TokenizerKind::Word, Boundaries::Lines, 0.3),
        )
        .unwrap();
        let ids: Vec<Vec<u32>> = contexts.iter().map(|c| model.context_of(c).unwrap()).collect();
        let cols = [3, 0, 2];
        let (cells, sums) = model.cells(&ids, &cols).unwrap();
        assert_eq!(cells.len(), ids.len() * cols.len());
        for (r, context) in contexts.iter().enumerate() {
            let row = model.row_for(context).unwrap();
            let picked: Vec<f64> = cols.iter().map(|&c| row[c as usize]).collect();
            assert_eq!(cells[r * cols.len()..(r + 1) * cols.len()], picked, "order {order}, {context:?}");
            // added one after another in id order, as a loop over the row would
            assert_eq!(sums[r].to_bits(), row.iter().fold(0.0, |a, b| a + b).to_bits());
        }
        let v = model.vocab().len() as u32;
        assert!(matches!(model.cells(&ids, &[v]), Err(Error::InvalidParameter { name: "columns", .. })));
    }
}

#[test]
fn stream_chars_by_hand() {
    // "ab\nab" → a b ↵ a b; V = 3; pairs a→b ×2, b→↵, ↵→a
    let model =
        NgramModel::with_options("ab\r\nab", &options(2, TokenizerKind::Char, Boundaries::Stream, 0.5)).unwrap();
    assert_eq!(model.vocab().tokens(), ["a", "b", "\n"]);
    assert_eq!(model.pair_total(), 4);
    assert_eq!(model.prompt(), [0], "stream generation starts from the corpus's first token");
    assert_eq!(model.end(), None);
    let p_ab = 2.5 / 3.5;
    let p_bn = 1.5 / 2.5;
    let p_na = 1.5 / 2.5;
    let expected = -(2. * ln(p_ab) + ln(p_bn) + ln(p_na)) / 4.;
    assert!((model.loss() - expected).abs() < 1e-15);
    // held out "ba": one prediction b→a = 0.5 / 2.5
    assert!((model.loss_on("ba").unwrap() - -ln(0.5 / 2.5)).abs() < 1e-15);
    let error = model.loss_on("abc").unwrap_err();
    assert_eq!(error, Error::UnknownToken { token: "c".into(), place: "the text (line 1)".into() });
    assert!(model.loss_on("a").is_err(), "nothing to predict");
    // generation: the prompt, then maxLen − 1 draws, no [END] to stop at
    let ids = generate(&model, SampleOptions { seed: Some(1), max_len: 9, ..Default::default() }).unwrap();
    assert_eq!(ids.len(), 9);
    assert_eq!(ids[0], 0);
}

#[test]
fn unigram_and_high_orders() {
    let corpus = "chai bahut garam hai\nchai acha\nchai bahut acha hai";
    let unigram = NgramModel::with_options(corpus, &options(1, TokenizerKind::Word, Boundaries::Lines, 1.0)).unwrap();
    // targets: 10 words + 3 [END]; V = 7
    let row = unigram.row_for(&[]).unwrap();
    assert_eq!(row[0], (3. + 1.) / (13. + 7.), "P(chai)");
    assert_eq!(row[5], 1. / 20., "[START] is never a target");
    let six = NgramModel::with_options(corpus, &options(6, TokenizerKind::Word, Boundaries::Lines, 0.0)).unwrap();
    assert!(six.loss().abs() < 1e-15 || six.loss() > 0.0);
    // order 6 with k = 0 memorises: generation replays corpus sentences
    for seed in 0..20 {
        let ids = generate(&six, SampleOptions { seed: Some(seed), max_len: 20, ..Default::default() }).unwrap();
        let words: Vec<&str> = ids[1..ids.len() - 1].iter().map(|&i| six.vocab().token(i)).collect();
        assert!(corpus.lines().any(|l| l == words.join(" ")), "{words:?}");
    }
    let too_long = NgramModel::with_options("a b", &options(3, TokenizerKind::Word, Boundaries::Stream, 1.0));
    assert!(too_long.unwrap_err().to_string().contains("the corpus has 2 tokens"));
}

#[test]
fn bpe_merges_by_hand() {
    // words ab ×2 (a b</w>) and abc (a b c</w>): (a,b</w>) ×2 first, then (a,b) before (b,c</w>), then (ab,c</w>)
    let bpe = Bpe::learn(["ab ab abc"].into_iter(), 10);
    let merges: Vec<(&str, &str)> = bpe.merges().iter().map(|(l, r)| (l.as_str(), r.as_str())).collect();
    assert_eq!(merges, [("a", "b</w>"), ("a", "b"), ("ab", "c</w>")]);
    assert_eq!(bpe.segment("abc ab x"), ["abc</w>", "ab</w>", "x</w>"]);
    assert_eq!(Bpe::learn(["ab ab abc"].into_iter(), 1).merges().len(), 1);
    // ties: (b,a</w>) and (a,b</w>) once each → the code-point-smallest pair, (a, b</w>), goes first
    let tie = Bpe::learn(["ba ab"].into_iter(), 1);
    assert_eq!(tie.merges(), [("a".to_string(), "b</w>".to_string())]);
    // whitespace only separates words: no piece holds any, and runs of it change nothing
    assert_eq!(bpe.segment("  ab\tab  abc "), ["ab</w>", "ab</w>", "abc</w>"]);

    // what the binding's segment() and merges() answer, by each tokenizer
    let tokenizer = Tokenizer::Bpe(bpe);
    assert_eq!(tokenizer.segment("abc ab x").unwrap(), ["abc</w>", "ab</w>", "x</w>"]);
    assert_eq!(tokenizer.merges().len(), 3);
    assert_eq!(Tokenizer::Word.segment(" chai  acha ").unwrap(), ["chai", "acha"]);
    assert_eq!(Tokenizer::Char.segment("hé").unwrap(), ["h", "é"]);
    assert!(Tokenizer::Char.merges().is_empty());
    let huge = " ".repeat(gpt1_playground::tokens::MAX_TEXT_BYTES + 1);
    assert!(matches!(Tokenizer::Word.segment(&huge), Err(Error::TooLarge { .. })));
}

/// Applies merges the slow, obvious way: each word's characters, the last with </w>; for each merge in order, join
/// every adjacent occurrence left to right.
fn reference_segment(bpe: &Bpe, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let mut symbols: Vec<String> = word.chars().map(String::from).collect();
        if let Some(last) = symbols.last_mut() {
            last.push_str("</w>");
        }
        for (left, right) in bpe.merges() {
            let mut merged = Vec::new();
            let mut i = 0;
            while i < symbols.len() {
                if i + 1 < symbols.len() && &symbols[i] == left && &symbols[i + 1] == right {
                    merged.push(format!("{left}{right}"));
                    i += 2;
                } else {
                    merged.push(symbols[i].clone());
                    i += 1;
                }
            }
            symbols = merged;
        }
        out.extend(symbols);
    }
    out
}

fn reference_tokens(model: &NgramModel, text: &str) -> Vec<Vec<String>> {
    let piece = |line: &str| -> Vec<String> {
        match model.tokenizer() {
            Tokenizer::Word => line.split_whitespace().map(String::from).collect(),
            Tokenizer::Char => line.chars().map(String::from).collect(),
            Tokenizer::Bpe(bpe) => reference_segment(bpe, line),
        }
    };
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    match model.boundaries() {
        Boundaries::Lines => {
            lines.iter().filter(|l| !l.trim().is_empty()).map(|l| piece(l)).filter(|t| !t.is_empty()).collect()
        }
        Boundaries::Stream => {
            let mut all = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    all.push("\n".to_string());
                }
                all.extend(piece(line));
            }
            vec![all]
        }
    }
}

/// The model's figures recomputed with hash maps: counts per context, then the mean −ln P.
fn reference_loss(model: &NgramModel, train: &str, text: &str) -> f64 {
    let n = model.order();
    let k = model.smoothing();
    let pad = |seq: Vec<String>| -> Vec<String> {
        match model.boundaries() {
            Boundaries::Lines => {
                let mut s = vec!["[START]".to_string(); n - 1];
                s.extend(seq);
                s.push("[END]".into());
                s
            }
            Boundaries::Stream => seq,
        }
    };
    let mut counts: HashMap<Vec<String>, HashMap<String, f64>> = HashMap::new();
    let mut vocab: Vec<String> = Vec::new();
    if let Tokenizer::Bpe(bpe) = model.tokenizer() {
        // GPT-1's rule: every character of the corpus's words, then each of them ending a word, then each merge's
        // result (stream mode's newline follows)
        let mut characters: Vec<String> = Vec::new();
        for c in train.split_whitespace().flat_map(str::chars).map(String::from) {
            if !characters.contains(&c) {
                characters.push(c);
            }
        }
        let endings: Vec<String> = characters.iter().map(|c| format!("{c}</w>")).collect();
        let merged = bpe.merges().iter().map(|(left, right)| format!("{left}{right}"));
        for symbol in characters.into_iter().chain(endings).chain(merged) {
            if !vocab.contains(&symbol) {
                vocab.push(symbol);
            }
        }
    }
    for seq in reference_tokens(model, train) {
        for t in &seq {
            if !vocab.contains(t) {
                vocab.push(t.clone());
            }
        }
        let seq = pad(seq);
        for w in seq.windows(n) {
            *counts.entry(w[..n - 1].to_vec()).or_default().entry(w[n - 1].clone()).or_default() += 1.0;
        }
    }
    if model.boundaries() == Boundaries::Lines {
        vocab.push("[START]".into());
        vocab.push("[END]".into());
    }
    assert_eq!(model.vocab().tokens(), vocab.as_slice(), "vocabulary");
    let v = vocab.len() as f64;
    let (mut total, mut predictions) = (0.0, 0.0);
    for seq in reference_tokens(model, text) {
        for w in pad(seq).windows(n) {
            let row = counts.get(&w[..n - 1]);
            let row_total: f64 = row.map_or(0.0, |r| r.values().sum());
            let count = row.and_then(|r| r.get(&w[n - 1])).copied().unwrap_or(0.0);
            total -= ((count + k) / (row_total + k * v)).ln();
            predictions += 1.0;
        }
    }
    total / predictions
}

fn random_text(rng: &mut Mt19937) -> String {
    let words = ["chai", "cha", "hai", "acha", "garam", "ai", "a", "ha"];
    let mut text = String::new();
    for _ in 0..(3 + rng.next_u32() % 6) {
        for i in 0..(1 + rng.next_u32() % 6) {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(words[(rng.next_u32() % words.len() as u32) as usize]);
        }
        text.push('\n');
    }
    text
}

#[test]
fn every_combination_agrees_with_the_reference() {
    let mut rng = Mt19937::new(11);
    let mut checked = 0;
    for case in 0..12 {
        let train = random_text(&mut rng);
        let held_out = train.lines().rev().take(2).collect::<Vec<_>>().join("\n");
        for order in 1..=6 {
            for tokenizer in [TokenizerKind::Word, TokenizerKind::Char, TokenizerKind::Bpe] {
                for boundaries in [Boundaries::Lines, Boundaries::Stream] {
                    for k in [1.0, 0.1, 2.5] {
                        let mut o = options(order, tokenizer, boundaries, k);
                        o.merges = (tokenizer == TokenizerKind::Bpe).then_some(1 + case * 3);
                        let Ok(model) = NgramModel::with_options(&train, &o) else {
                            panic!("case {case} {o:?}");
                        };
                        let label = format!("case {case}: {}", model.describe());
                        let ours = model.loss();
                        let theirs = reference_loss(&model, &train, &train);
                        assert!((ours - theirs).abs() < 1e-12, "{label}: training loss {ours} vs {theirs}");
                        let ours = model.loss_on(&held_out).unwrap();
                        let theirs = reference_loss(&model, &train, &held_out);
                        assert!((ours - theirs).abs() < 1e-12, "{label}: held-out loss {ours} vs {theirs}");
                        let cheap = model.with_smoothing(k * 2.0).unwrap();
                        let fresh = NgramModel::with_options(&train, &ModelOptions { smoothing: k * 2.0, ..o.clone() })
                            .unwrap();
                        assert_eq!(cheap.loss().to_bits(), fresh.loss().to_bits(), "{label}: withSmoothing");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 12 * 6 * 3 * 2 * 3);
}

#[test]
fn bpe_segmentation_equals_applying_merges_in_order() {
    let mut rng = Mt19937::new(5);
    for _ in 0..30 {
        let text = random_text(&mut rng);
        let bpe = Bpe::learn(text.lines(), (rng.next_u32() % 40) as usize);
        for line in text.lines().chain(["chai hai xyz  a"]) {
            let ours: Vec<String> = bpe.segment(line).into_iter().map(String::from).collect();
            assert_eq!(ours, reference_segment(&bpe, line), "{line:?} with {} merges", bpe.merges().len());
            let words: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(ours.concat(), format!("{}</w>", words.join("</w>")), "segmentation loses nothing");
        }
    }
}

#[test]
fn generation_at_higher_orders_starts_with_one_start() {
    let corpus = "chai bahut garam hai\nchai acha\nchai bahut acha hai";
    for order in 1..=6 {
        let model =
            NgramModel::with_options(corpus, &options(order, TokenizerKind::Word, Boundaries::Lines, 1.0)).unwrap();
        for seed in 0..10 {
            let ids = generate(&model, SampleOptions { seed: Some(seed), max_len: 12, ..Default::default() }).unwrap();
            assert_eq!(ids[0], model.prompt()[0]);
            assert!(ids.len() <= 12);
        }
    }
    let bigram = NgramModel::with_options(corpus, &ModelOptions::default()).unwrap();
    let ids = generate(&bigram, SampleOptions { seed: Some(42), ..Default::default() }).unwrap();
    assert_eq!(ids, [5, 0, 6], "order 2 is still the notebook");
}

#[test]
fn held_out_text_with_special_or_unseen_tokens_is_an_error() {
    let model = NgramModel::new("chai bahut garam hai\nchai acha", 1.0).unwrap();
    let error = model.loss_on("chai thandi hai").unwrap_err();
    assert!(error.to_string().starts_with("unknown token \"thandi\" in the text (line 1)"), "{error}");
    assert!(matches!(model.loss_on("chai [END]"), Err(Error::ReservedToken { .. })));
    assert!(model.loss_on("\n \n").is_err());
    let options = ModelOptions::from_js(None, Some(7.0), None, None, None).unwrap_err();
    assert_eq!(options.to_string(), "order must be a whole number from 1 to 6; got 7");
    let merges = ModelOptions::from_js(None, None, Some("word"), Some(10.0), None).unwrap_err();
    assert!(merges.to_string().contains("merges must be given only with tokenizer \"bpe\""), "{merges}");
    assert!(ModelOptions::from_js(None, None, Some("bytes"), None, None).is_err());
    assert!(ModelOptions::from_js(None, None, None, None, Some("paragraphs")).is_err());
}

fn names(split: &str) -> String {
    let path = format!("{}/../shared/data/names/{split}.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("the names data set is read from {path}: {e}"))
}

#[test]
fn names_char_stream_validation_loss_by_order() {
    let (train, val) = (names("train"), names("val"));
    let mut best = f64::INFINITY;
    let mut by_order = Vec::new();
    for order in 1..=6 {
        let model =
            NgramModel::with_options(&train, &options(order, TokenizerKind::Char, Boundaries::Stream, 0.1)).unwrap();
        assert_eq!(model.vocab().len(), 27, "26 letters and the newline");
        let val_loss = model.loss_on(&val).unwrap();
        let train_loss = model.loss();
        assert!(train_loss <= val_loss + 1e-9 || order == 1, "order {order}: training fits at least as well");
        by_order.push(val_loss);
        best = best.min(val_loss);
    }
    // unigram: the letters' entropy; bigram near makemore's known ~2.45 nats; the 4-gram best, ≈ 2.11
    assert!((2.7..3.0).contains(&by_order[0]), "{by_order:?}");
    assert!((2.40..2.50).contains(&by_order[1]), "{by_order:?}");
    assert!(by_order[2] < by_order[1] && by_order[3] < by_order[2], "{by_order:?}");
    assert!((2.0..2.2).contains(&by_order[3]), "{by_order:?}");
    assert!(by_order[5] > best, "order 6 overfits: {by_order:?}");
}

#[test]
fn fast_sampling_draws_the_same_distribution() {
    let corpus = "chai bahut garam hai\nchai acha\nchai bahut acha hai\nchai nahi";
    for (order, k) in [(2, 1.0), (2, 0.0), (3, 0.5), (1, 2.0)] {
        let model =
            NgramModel::with_options(corpus, &options(order, TokenizerKind::Word, Boundaries::Lines, k)).unwrap();
        let context = model.prompt();
        let row = model.row_of_context(&context);
        // a fine, even grid of uniform draws must land on each token in proportion to its probability
        let n = 100_000;
        let mut hits = vec![0usize; row.len()];
        for i in 0..n {
            let u = (i as f64 + 0.5) / n as f64;
            hits[model.sample_fast(&context, u).unwrap() as usize] += 1;
        }
        for (j, &p) in row.iter().enumerate() {
            let share = hits[j] as f64 / n as f64;
            assert!((share - p).abs() <= 2.0 / n as f64, "order {order} k {k} token {j}: {share} vs {p}");
        }
    }
}

#[test]
fn fast_generation_is_seeded_and_valid() {
    use gpt1_playground::sampling::SampleMode;
    let model =
        NgramModel::with_options(&names("train"), &options(3, TokenizerKind::Char, Boundaries::Lines, 0.1)).unwrap();
    let fast = SampleOptions { seed: Some(9), max_len: 40, mode: SampleMode::Fast, ..Default::default() };
    let a = gpt1_playground::sampling::generate_many(&model, 50, fast).unwrap();
    assert_eq!(a, gpt1_playground::sampling::generate_many(&model, 50, fast).unwrap(), "same seed, same samples");
    let end = model.end().unwrap();
    for seq in &a {
        assert_eq!(seq[0], model.prompt()[0]);
        assert!(seq.len() == 40 || *seq.last().unwrap() == end);
    }
    // at T ≠ 1 the fast mode falls back to the exact procedure
    let warm = SampleOptions { temperature: 0.7, ..fast };
    let exact_warm = SampleOptions { mode: SampleMode::Exact, ..warm };
    assert_eq!(generate(&model, warm).unwrap(), generate(&model, exact_warm).unwrap());
}

#[test]
fn with_k_zero_generation_stops_where_nothing_ever_followed() {
    // stream "a b c": with k = 0 the context "c" was never continued, so its row is 0/0
    let model = NgramModel::with_options("a b c", &options(2, TokenizerKind::Word, Boundaries::Stream, 0.0)).unwrap();
    for mode in [gpt1_playground::sampling::SampleMode::Exact, gpt1_playground::sampling::SampleMode::Fast] {
        let ids = generate(&model, SampleOptions { seed: Some(1), max_len: 10, mode, ..Default::default() }).unwrap();
        assert_eq!(ids, [0, 1, 2], "{mode:?}: a → b → c, then no distribution");
    }
}

#[test]
fn losses_for_several_k_equal_one_at_a_time() {
    let (train, val) = (names("train"), names("val"));
    let model = NgramModel::with_options(&train, &options(3, TokenizerKind::Char, Boundaries::Stream, 1.0)).unwrap();
    let ks = [0.01, 0.1, 0.5, 1.0, 0.0];
    let together = model.losses_on(&val, &ks).unwrap();
    for (k, loss) in ks.iter().zip(&together) {
        let alone = model.with_smoothing(*k).unwrap().loss_on(&val).unwrap();
        assert_eq!(loss.to_bits(), alone.to_bits(), "k = {k}");
    }
    assert!(model.losses_on(&val, &[-1.0]).is_err());
    // a trigram's contexts are the distinct adjacent character pairs with something after them
    let chars: Vec<char> = train.chars().collect();
    let pairs: std::collections::HashSet<(char, char)> = chars.windows(3).map(|w| (w[0], w[1])).collect();
    assert_eq!(model.context_count(), pairs.len());
}
