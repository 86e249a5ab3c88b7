#![cfg(feature = "gpt")]
//! The GPT-1 fine-tuner and the scoring primitive on a small model of GPT-1's layout (d 32, 3 blocks), against
//! numpy (tests/fixtures/gpt1_tuner_reference.py: the objective, its gradients by finite differences in float64,
//! the first Adam step, token log-probabilities), and its promises: λ = 0 leaves the language model out of the
//! update, k = 0 leaves the blocks' bytes as they were, a tuned model saves and loads back, bad input is an error.

use crate::tensors::{relative, tensor, values};
use crate::util::floats;
use gpt1_playground::gpt::formats::safetensors;
use gpt1_playground::gpt::{GptOptions, TaskIds, TinyGpt, Tuner, TunerOptions};
use serde_json::Value;

pub const MODEL: &[u8] = include_bytes!("../fixtures/gpt1_tuner.safetensors");
const REFERENCE: &[u8] = include_bytes!("../fixtures/gpt1_tuner_reference.safetensors");
const V: u32 = 40;

fn reference() -> Value {
    serde_json::from_str(include_str!("../fixtures/gpt1_tuner.json")).unwrap()
}

fn model() -> TinyGpt {
    TinyGpt::from_safetensors(MODEL, None).unwrap()
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect()
}

fn examples() -> Vec<TaskIds> {
    let reference = reference();
    let list = reference["examples"].as_array().unwrap();
    list.iter().map(|e| TaskIds { ids: ids(&e["ids"]), label: e["label"].as_u64().unwrap() as usize }).collect()
}

/// The reference's options with `k` blocks training.
fn options(k: usize) -> TunerOptions {
    let o = &reference()["options"];
    TunerOptions {
        classes: o["classes"].as_u64().unwrap() as usize,
        train_blocks: k,
        lambda: o["lambda"].as_f64().unwrap(),
        learning_rate: o["learningRate"].as_f64().unwrap() as f32,
        seed: o["seed"].as_u64().unwrap() as u32,
        warmup: o["warmup"].as_u64().unwrap() as u32,
    }
}

/// A tensor of the numpy reference's file ("grad/NAME" or "step/NAME").
fn numpy(name: &str) -> Vec<f32> {
    tensor(REFERENCE, name)
}

/// The trainable tensors' names of a tuner of the 3-block model with `k` blocks training.
fn names(k: usize) -> Vec<String> {
    let mut out = Vec::new();
    if k == 3 {
        out.push("tokens_embed.weight".to_string());
    }
    for l in 3 - k..3 {
        for n in ["attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight", "attn.c_proj.bias", "ln_1.weight"] {
            out.push(format!("h.{l}.{n}"));
        }
        for n in ["ln_1.bias", "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias"] {
            out.push(format!("h.{l}.{n}"));
        }
        out.push(format!("h.{l}.ln_2.weight"));
        out.push(format!("h.{l}.ln_2.bias"));
    }
    out.push("classifier.weight".into());
    out.push("classifier.bias".into());
    out
}

#[test]
fn the_new_weights_are_numpys_draws() {
    let reference = reference();
    let tuner = model().fine_tuner(&options(3)).unwrap();
    let tensors = tuner.tensors();
    let first = |name: &str| -> Vec<f64> {
        let t = &tensors.iter().find(|(n, _)| n == name).unwrap().1;
        t[..6].iter().map(|&x| f64::from(x)).collect()
    };
    assert_eq!(first("tokens_embed.weight"), floats(&reference["drawn"]["special"]));
    assert_eq!(first("classifier.weight"), floats(&reference["drawn"]["classifier"]));
    assert!(tensors.iter().find(|(n, _)| n == "classifier.bias").unwrap().1.iter().all(|&b| b == 0.0));
    // the trainable part is a copy of the model's blocks
    let bytes = model().to_safetensors();
    let ln = tensor(&bytes, "h.1.ln_2.weight");
    assert_eq!(tensors.iter().find(|(n, _)| n == "h.1.ln_2.weight").unwrap().1, ln);
}

#[test]
fn losses_and_probabilities_match_numpy() {
    let reference = reference();
    for k in [0, 2, 3] {
        let mut tuner = model().fine_tuner(&options(k)).unwrap();
        let e = tuner.evaluate(&examples()).unwrap();
        for (ours, key) in [(e.losses.task, "task"), (e.losses.lm, "lm"), (e.losses.total, "total")] {
            let want = reference["losses"][key].as_f64().unwrap();
            assert!((ours - want).abs() < 1e-5, "k = {k}: {key} {ours}, numpy {want}");
        }
        let want: Vec<f64> = reference["probabilities"].as_array().unwrap().iter().flat_map(floats).collect();
        assert_eq!(e.probabilities.len(), want.len());
        assert!(e.probabilities.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-6), "k = {k}: {:?}", e.probabilities);
        let right = want.chunks(3).zip(examples()).filter(|(p, x)| {
            let best = (0..3).fold(0, |b, c| if p[c] > p[b] { c } else { b });
            best == x.label
        });
        assert_eq!(e.accuracy, right.count() as f64 / 6.0);
    }
}

#[test]
fn every_trainable_gradient_matches_numpys_finite_differences() {
    for k in [0, 2, 3] {
        let mut tuner = model().fine_tuner(&options(k)).unwrap();
        let grads = tuner.gradients(&examples()).unwrap();
        let got: Vec<&str> = grads.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(got, names(k), "k = {k}: the trainable tensors, in order");
        for (name, g) in &grads {
            let error = relative(g, &numpy(&format!("grad/{name}")));
            assert!(error <= 1e-4, "k = {k}: {name} differs from numpy by {error:e} of its largest entry");
        }
    }
}

#[test]
fn the_first_adam_step_matches_numpy() {
    // Adam's first step is lr·g/(|g| + ε) per entry (and the matrices' decay). Where |g| is within a couple of
    // orders of ε = 1e-8 (the key biases' gradients are exactly 0, as a softmax ignores what all its scores
    // share), float32's and the finite differences' noise of about 1e-10 becomes a sizeable part of that ratio:
    // those entries (|g| < 1e-6 in numpy's gradient) are held to the step's bound only; every other entry agrees
    // within 1e-4 of the largest step
    let lr = options(2).learning_rate as f64 / options(2).warmup as f64;
    let mut tuner = model().fine_tuner(&options(2)).unwrap();
    let before = tuner.tensors();
    let losses = tuner.step(&examples()).unwrap();
    assert!((losses.total - reference()["losses"]["total"].as_f64().unwrap()).abs() < 1e-5);
    assert_eq!(tuner.steps(), 1);
    let mut held_to_the_bound = 0;
    for ((name, before), (_, after)) in before.iter().zip(tuner.tensors()) {
        let (numpy_step, g) = (numpy(&format!("step/{name}")), numpy(&format!("grad/{name}")));
        let largest = numpy_step.iter().fold(0.0f64, |m, &x| m.max(f64::from(x).abs()));
        for (i, (&a, &b)) in after.iter().zip(before).enumerate() {
            let ours = f64::from(a) - f64::from(b);
            if f64::from(g[i]).abs() >= 1e-6 {
                let error = (ours - f64::from(numpy_step[i])).abs() / largest;
                assert!(
                    error <= 1e-4,
                    "{name}[{i}]: the step {ours:e} differs from numpy's by {error:e} of the largest"
                );
            } else {
                held_to_the_bound += 1;
                assert!(ours.abs() <= lr * (1.0 + 0.01 * f64::from(b).abs()) * 1.0001, "{name}[{i}]: {ours:e}");
            }
        }
    }
    assert!(held_to_the_bound < 500, "{held_to_the_bound} of 25,507 entries have |g| < 1e-6");
}

#[test]
fn kept_states_repeated_examples_and_batches_of_several_passes() {
    let examples = examples();
    let (a, b) = (examples[0].clone(), examples[4].clone());
    // the first call runs the frozen block and keeps its output; the next reuses it, to the bit
    let mut tuner = model().fine_tuner(&options(1)).unwrap();
    let batch = [a.clone(), a.clone(), b.clone()];
    let once = tuner.evaluate(&batch).unwrap();
    assert_eq!(tuner.evaluate(&batch).unwrap(), once);
    let alone = |e: &TaskIds| {
        let mut fresh = model().fine_tuner(&options(1)).unwrap();
        fresh.evaluate(std::slice::from_ref(e)).unwrap().losses.total
    };
    assert!((once.losses.total - (2.0 * alone(&a) + alone(&b)) / 3.0).abs() < 1e-12, "a repeated example counts twice");
    // sixty examples take three passes; their mean gradient is that of the six they repeat
    let sixty: Vec<TaskIds> = examples.iter().cycle().take(60).cloned().collect();
    let mut tuner = model().fine_tuner(&options(3)).unwrap();
    let (many, six) = (tuner.gradients(&sixty).unwrap(), tuner.gradients(&examples).unwrap());
    for ((name, many), (_, six)) in many.iter().zip(&six) {
        assert!(relative(many, six) < 1e-5, "{name}");
    }
}

/// The loss after a step of a tuner that trains everything it can (k = 3), as bits: the wasm tests
/// (tests/wasm/gpt_tuner.rs) expect the very same.
pub const STEPPED_TOTAL_BITS: u64 = 0x4004_d0e2_5fee_4b96;

#[test]
fn a_step_gives_the_same_bits_on_every_target() {
    let mut tuner = model().fine_tuner(&options(3)).unwrap();
    tuner.step(&examples()).unwrap();
    let total = tuner.evaluate(&examples()).unwrap().losses.total;
    assert_eq!(total.to_bits(), STEPPED_TOTAL_BITS, "{total} = {:#x}", total.to_bits());
}

/// `model`'s file with one entry of a tensor changed.
fn edited(model: &[u8], tensor: &str, index: usize, value: f32) -> TinyGpt {
    let mut bytes = model.to_vec();
    let header = TinyGpt::safetensors_header_length(&bytes[..8]).unwrap();
    let offset = safetensors::read(model).unwrap().tensors.iter().find(|t| t.name == tensor).unwrap().offset;
    let at = header + offset + 4 * index;
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    TinyGpt::from_safetensors(&bytes, None).unwrap()
}

#[test]
fn with_lambda_zero_the_language_model_has_no_effect_on_the_update() {
    // a vocabulary row no example reads or predicts: it changes L_lm (its softmax's denominator), not L_task
    let examples = examples();
    assert!(examples.iter().all(|e| !e.ids.contains(&33)));
    let other = edited(MODEL, "tokens_embed.weight", 33 * 32 + 5, 2.5);
    for lambda in [0.0, 0.5] {
        let mut tuned = Vec::new();
        for gpt in [model(), other.clone()] {
            let mut tuner = gpt.fine_tuner(&TunerOptions { lambda, ..options(2) }).unwrap();
            let first = tuner.step(&examples).unwrap();
            tuner.step(&examples).unwrap();
            tuned.push((first, tuner.tensors()));
        }
        let [(a, after_a), (b, after_b)] = <[_; 2]>::try_from(tuned).unwrap();
        assert_eq!(a.task, b.task, "the row never reaches the classifier");
        assert_ne!(a.lm, b.lm, "the row is in the language model's softmax");
        if lambda == 0.0 {
            assert_eq!(after_a, after_b, "λ = 0: the same update, bit for bit");
            assert_eq!(a.total, a.task);
        } else {
            assert_ne!(after_a, after_b, "λ = 0.5: the language model moves the update");
        }
    }
}

/// A safetensors file's tensors by name (raw bytes).
fn tensor_bytes(file: &[u8]) -> Vec<(String, Vec<u8>)> {
    safetensors::read(file).unwrap().tensors.into_iter().map(|t| (t.name, t.data.to_vec())).collect()
}

#[test]
fn with_no_block_training_the_blocks_bytes_are_unchanged() {
    let gpt = model();
    let mut tuner = gpt.fine_tuner(&options(0)).unwrap();
    let drawn = tuner.tensors();
    for _ in 0..3 {
        tuner.step(&examples()).unwrap();
    }
    let tuned = tuner.model().unwrap();
    let (before, after) = (tensor_bytes(&gpt.to_safetensors()), tensor_bytes(&tuned.to_safetensors()));
    let blocks: Vec<_> = before.iter().filter(|(n, _)| n.starts_with("h.")).collect();
    assert_eq!(blocks.len(), 36);
    for (name, bytes) in blocks {
        assert_eq!(&after.iter().find(|(n, _)| n == name).unwrap().1, bytes, "{name}");
    }
    // the positions and the vocabulary's rows too; the head moved
    let rows = |t: &[(String, Vec<u8>)], name: &str| t.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert_eq!(rows(&after, "positions_embed.weight"), rows(&before, "positions_embed.weight"));
    assert_eq!(rows(&after, "tokens_embed.weight")[..40 * 32 * 4], rows(&before, "tokens_embed.weight")[..]);
    assert_ne!(tuner.tensors()[0], drawn[0], "W_y trained");
    assert_eq!(tuner.tensors()[0].0, "classifier.weight");
}

#[test]
fn a_tuned_model_classifies_as_its_tuner_saves_and_loads_back() {
    let mut tuner = model().fine_tuner(&options(2)).unwrap();
    for _ in 0..4 {
        tuner.step(&examples()).unwrap();
    }
    let evaluation = tuner.evaluate(&examples()).unwrap();
    let tuned = tuner.model().unwrap();
    let shape = tuned.config();
    assert_eq!((shape.embeddings, shape.vocab, shape.classes), (43, 40, 3));
    for (e, want) in examples().iter().zip(evaluation.probabilities.chunks(3)) {
        let p = tuned.classify_ids(&e.ids[..=e.ids.iter().position(|&id| id == 42).unwrap()]).unwrap();
        assert!(p.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-6), "{p:?} against {want:?}");
    }
    // saved and read back: the same shape (V in the metadata), weights, head and bias
    let loaded = TinyGpt::from_safetensors(&tuned.to_safetensors(), None).unwrap();
    assert_eq!(loaded.config(), tuned.config());
    assert_eq!(loaded.weights(), tuned.weights());
    assert!(!loaded.has_vocabulary());
    // a tuner of the tuned model starts where this one stopped
    let again = loaded.fine_tuner(&options(2)).unwrap();
    assert_eq!(again.tensors(), tuner.tensors());
    let mut again = again;
    assert_eq!(again.evaluate(&examples()).unwrap(), evaluation);
    // a head of other classes cannot be grafted onto it
    let message = loaded.fine_tuner(&TunerOptions { classes: 2, ..options(2) }).unwrap_err().to_string();
    assert!(message.contains("classes must be 3 (the classes of this model's classifier"), "{message}");
}

/// A tuned model's file rewritten with `metadata`, and `score.bias` cut to `bias` classes (`None`: left out).
fn rewritten(tuned: &[u8], metadata: &[(&str, String)], bias: Option<usize>) -> Vec<u8> {
    let file = safetensors::read(tuned).unwrap();
    let values: Vec<Vec<f32>> = file.tensors.iter().map(values).collect();
    let tensors: Vec<safetensors::Output<'_>> = file
        .tensors
        .iter()
        .zip(&values)
        .filter(|(t, _)| t.name != "score.bias" || bias.is_some())
        .map(|(t, v)| {
            let (shape, values) = if t.name == "score.bias" {
                (vec![bias.unwrap()], &v[..bias.unwrap()])
            } else {
                (t.shape.clone(), &v[..])
            };
            safetensors::Output { name: t.name.clone(), shape, values: safetensors::Values::F32(values) }
        })
        .collect();
    safetensors::write(&tensors, metadata)
}

#[test]
fn a_tuned_file_says_v_and_holds_the_heads_bias_streamed_or_whole() {
    let mut tuner = model().fine_tuner(&options(1)).unwrap();
    tuner.step(&examples()).unwrap();
    let tuned = tuner.model().unwrap();
    let bytes = tuned.to_safetensors();
    let file = safetensors::read(&bytes).unwrap();
    assert_eq!(file.meta("vocab"), Some("40"));
    let bias = file.tensors.iter().find(|t| t.name == "score.bias").unwrap();
    assert_eq!(bias.shape, [3]);
    // streamed through the loader in small chunks: the same model
    let header = TinyGpt::safetensors_header_length(&bytes[..8]).unwrap();
    let mut loader = TinyGpt::load_safetensors(&bytes[..header], None, Some(bytes.len() as u64)).unwrap();
    for chunk in bytes[header..].chunks(7) {
        loader.write(chunk).unwrap();
    }
    let streamed = loader.finish().unwrap();
    assert_eq!((streamed.weights(), streamed.config()), (tuned.weights(), tuned.config()));
    // without score.bias and vocab (a file from elsewhere): no bias, every row a token
    let meta =
        |vocab: &str| vec![("format", "pt".to_string()), ("heads", "4".to_string()), ("vocab", vocab.to_string())];
    let plain = TinyGpt::from_safetensors(&rewritten(&bytes, &meta("40")[..2], None), None).unwrap();
    assert_eq!((plain.config().vocab, plain.config().embeddings), (43, 43));
    assert_eq!(plain.weights()[plain.weights().len() - 3..], [0.0; 3]);
    assert_ne!(tuned.weights()[tuned.weights().len() - 3..], [0.0; 3], "the tuner trained the bias");
    // a bias of other classes, and a V the rows cannot hold, are refused
    let message = TinyGpt::from_safetensors(&rewritten(&bytes, &meta("40"), Some(2)), None).unwrap_err().to_string();
    assert!(message.contains("tensor \"score.bias\": shape [2], expected [3]"), "{message}");
    for vocab in ["0", "44", "forty"] {
        let message =
            TinyGpt::from_safetensors(&rewritten(&bytes, &meta(vocab), Some(3)), None).unwrap_err().to_string();
        assert!(message.contains("expected a whole number from 1 to 43 (the rows)"), "{message}");
    }
}

#[test]
fn token_log_probs_match_numpy() {
    let reference = reference();
    let scored = reference["scored"].as_array().unwrap();
    // the model as released (no special rows), and with the tuner's special rows after its vocabulary
    let with_special = model().fine_tuner(&options(0)).unwrap().model().unwrap();
    for (gpt, case) in [(model(), &scored[0]), (with_special, &scored[1])] {
        let ids = ids(&case["ids"]);
        let ours = gpt.token_log_probs(&ids).unwrap();
        let want = case["log_probs"].as_array().unwrap();
        assert_eq!(ours.len(), ids.len() - 1);
        for (t, (&ours, want)) in ours.iter().zip(want).enumerate() {
            match want.as_f64() {
                Some(want) => assert!((f64::from(ours) - want).abs() < 1e-5, "position {t}: {ours}, numpy {want}"),
                // a special token next: never predicted
                None => assert_eq!(ours, f32::NEG_INFINITY, "position {t}"),
            }
        }
    }
    // one id: nothing to predict; bad ids are errors
    assert_eq!(model().token_log_probs(&[3]).unwrap(), Vec::<f32>::new());
    assert!(model().token_log_probs(&[]).unwrap_err().to_string().contains("1 to 12 token ids"));
    assert!(model().token_log_probs(&[3, 40]).unwrap_err().to_string().contains("token ids from 0 to 39"));
}

#[test]
fn token_log_probs_of_a_tiny_text_model_leave_out_its_special_rows() {
    // a tiny GPT fine-tuned in Part D has [EXTRACT] and [DELIM] after its vocabulary: they are never predicted
    let options = GptOptions { d_model: 16, layers: 1, heads: 2, context: 8, ..GptOptions::default() };
    let mut gpt = TinyGpt::new(crate::util::LESSON, &options).unwrap();
    let text = |t: &str| gpt1_playground::encode::TaskInput::Classification { text: t.into() };
    let labelled = [gpt1_playground::gpt::LabelledInput { input: text("chai acha"), label: 1 }];
    let ft = gpt1_playground::gpt::FineTuneOptions { steps: 2, ..Default::default() };
    gpt.fine_tune(&labelled, 2, &ft).unwrap();
    let (v, rows) = (gpt.config().vocab, gpt.config().embeddings);
    assert_eq!(rows, v + 2);
    let ids = [v as u32 - 2, 0, 1, v as u32];
    let ours = gpt.token_log_probs(&ids).unwrap();
    let logits = gpt.logits(&ids).unwrap();
    for (t, &next) in ids[1..].iter().enumerate() {
        let row: Vec<f64> = logits[t * rows..][..v].iter().map(|&x| f64::from(x)).collect();
        let lse = row.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x));
        let lse = lse + row.iter().map(|x| (x - lse).exp()).sum::<f64>().ln();
        let want = if (next as usize) < v { row[next as usize] - lse } else { f64::NEG_INFINITY };
        assert!((f64::from(ours[t]) - want).abs() < 1e-5 || ours[t] == f32::NEG_INFINITY && want.is_infinite());
    }
}

/// The message of a tuner's refusal.
fn refused(gpt: &TinyGpt, options: &TunerOptions) -> String {
    gpt.fine_tuner(options).unwrap_err().to_string()
}

#[test]
fn bad_options_and_bad_examples_are_clear_errors() {
    let gpt = model();
    assert!(refused(&gpt, &options(4)).contains("trainBlocks must be a whole number from 0 to 3"));
    assert!(
        refused(&gpt, &TunerOptions { classes: 1, ..options(1) }).contains("classes must be a whole number from 2")
    );
    assert!(refused(&gpt, &TunerOptions { lambda: -1.0, ..options(1) }).contains("lambda must be a number from 0"));
    assert!(refused(&gpt, &TunerOptions { learning_rate: 0.0, ..options(1) }).contains("learningRate must be"));
    let pre =
        TinyGpt::new(crate::util::LESSON, &GptOptions { norm: gpt1_playground::gpt::Norm::Pre, ..Default::default() });
    assert!(refused(&pre.unwrap(), &options(1)).contains("post-LN; this model is pre-LN"));

    let mut tuner: Tuner = gpt.fine_tuner(&options(1)).unwrap();
    let one = |ids: &[u32], label: usize| vec![TaskIds { ids: ids.to_vec(), label }];
    let message = |tuner: &mut Tuner, examples: &[TaskIds]| tuner.step(examples).unwrap_err().to_string();
    assert!(message(&mut tuner, &[]).contains("at least one labelled example"));
    assert!(
        message(&mut tuner, &one(&[V, 3, V + 2], 3))
            .contains("label must be a class from 0 to 2 (classes = 3); got 3 at index 0")
    );
    assert!(message(&mut tuner, &one(&[V, 43, V + 2], 0)).contains("ids must be token ids from 0 to 42"));
    let without = message(&mut tuner, &one(&[V, 3, 4], 0));
    assert!(without.contains("examples[0], which has no _classify_ (42)"), "{without}");
    assert!(message(&mut tuner, &one(&[3; 13], 0)).contains("ids must be 1 to 12 token ids"));
    // a refused call leaves the tuner as it was, and it keeps working
    let before = tuner.tensors();
    assert!(tuner.gradients(&one(&[V, 3, 4], 0)).is_err());
    assert_eq!(tuner.tensors(), before);
    assert_eq!(tuner.steps(), 0);
    assert!(tuner.step(&examples()).unwrap().total.is_finite());
    // set_tensor checks the name and the size
    assert!(tuner.set_tensor("h.0.ln_1.weight", &[0.0; 32]).unwrap_err().to_string().contains("one of the trainable"));
    assert!(tuner.set_tensor("classifier.bias", &[0.0; 2]).unwrap_err().to_string().contains("3 numbers"));
}

#[test]
fn a_compact_model_is_refused_with_why() {
    let compact = model().compact().unwrap();
    let Err(error) = compact.fine_tuner(&options(1)) else { panic!("a compact model was given a tuner") };
    let message = error.to_string();
    assert!(message.contains("compact int8 form, which cannot fine-tune"), "{message}");
    assert!(model().fine_tuner(&options(1)).is_ok(), "the float32 model it came from still tunes");
}
