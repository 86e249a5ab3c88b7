//! GPT-1's tokenizer against OpenAI's original pipeline (tests/fixtures/gpt1_tokenizer_reference.py): the same ids
//! for every name and every line of the battery but the known differences, which are listed line by line.
#![cfg(feature = "gpt")]

use std::path::Path;
use std::process::Command;

use gpt1_playground::gpt1_tokenizer::{Gpt1Tokenizer, SPECIAL_TOKENS};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const DATA: &str = "www/data/gpt1";

/// The tokenizer built from the two released files as the repository ships them.
fn tokenizer() -> Gpt1Tokenizer {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA);
    let encoder = gunzip_text(&dir.join("encoder_bpe_40000.json.gz"));
    let merges = gunzip_text(&dir.join("vocab_40000.bpe.gz"));
    Gpt1Tokenizer::new(&encoder, &merges).expect("the released files load")
}

fn gunzip_text(path: &Path) -> String {
    let out = std::process::Command::new("gzip").arg("-dc").arg(path).output().expect("gzip runs");
    assert!(out.status.success(), "gzip -dc {}", path.display());
    String::from_utf8(out.stdout).expect("UTF-8")
}

struct Case {
    kind: String,
    text: String,
    ids: Vec<u32>,
    pieces: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("gpt1_tokenizer_cases.jsonl")).expect("fixture");
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let field = |i: usize| v[i].as_str().expect("string field").to_string();
            let ids = field(2).split_whitespace().map(|id| id.parse().expect("id")).collect();
            let pieces = if field(3).is_empty() { Vec::new() } else { field(3).split(' ').map(String::from).collect() };
            Case { kind: field(0), text: field(1), ids, pieces }
        })
        .collect()
}

/// The lines of the battery (by line number in `gpt1_tokenizer_cases.jsonl`, from 1, and text) whose ids differ
/// from the original's, each with the reason. Every other line must match, and each of these must still differ:
/// a new break, or a fix, changes this list.
const KNOWN_DIFFERENCES: [(usize, &str, &str); 4] = [
    (3690, "caf\u{c3}\u{a9}", MOJIBAKE),
    (3691, "\u{e2}\u{20ac}\u{153}quoted\u{e2}\u{20ac}\u{9d}", MOJIBAKE),
    (3692, "\u{c3}\u{a0} la carte", MOJIBAKE),
    (3693, "na\u{c3}\u{af}ve", MOJIBAKE),
];

/// Why the mojibake lines differ.
const MOJIBAKE: &str = "UTF-8 read as Windows-1252: ftfy's fix_encoding repairs it, the port leaves it as it is";

#[test]
fn every_line_matches_the_original_but_the_known_differences_listed_line_by_line() {
    let mut tok = tokenizer();
    let cases = cases();
    assert_eq!(cases.len(), 3693, "the battery's lines");
    let mut differ = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let ids = tok.encode(&case.text);
        if ids != case.ids {
            let line = i + 1;
            let known = KNOWN_DIFFERENCES.iter().find(|&&(l, text, _)| l == line && text == case.text);
            eprintln!(
                "{} line {line} [{}] {:?}\n   ours:     {:?}\n   original: {:?}\n   ours:     {:?}\n   original: {:?}",
                known.map_or("NEW".to_string(), |(_, _, reason)| format!("known ({reason})")),
                case.kind,
                case.text,
                ids,
                case.ids,
                tok.pieces(&case.text),
                case.pieces
            );
            differ.push((line, case.text.as_str()));
        }
    }
    let known: Vec<(usize, &str)> = KNOWN_DIFFERENCES.iter().map(|&(line, text, _)| (line, text)).collect();
    assert_eq!(differ, known, "the lines that differ from the original (line number, text)");
}

/// The names data set: read from the shared data beside the repository when it is there; otherwise each name is
/// spelt back from its committed ids (names are lower-case a–z, so the pieces joined give the name).
#[test]
fn every_name_gets_the_original_ids() {
    let mut tok = tokenizer();
    let committed = std::fs::read_to_string(Path::new(FIXTURES).join("gpt1_tokenizer_names.txt")).expect("fixture");
    let expected: Vec<Vec<u32>> =
        committed.lines().map(|line| line.split_whitespace().map(|id| id.parse().expect("id")).collect()).collect();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/names");
    let names: Vec<String> = if shared.join("train.txt").exists() {
        ["test", "val", "train"]
            .iter()
            .flat_map(|split| {
                let text = std::fs::read_to_string(shared.join(format!("{split}.txt"))).expect("names");
                text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect::<Vec<_>>()
            })
            .collect()
    } else {
        eprintln!("../shared/data/names is not here: spelling each name from its committed ids");
        expected.iter().map(|ids| tok.decode(ids).expect("ids decode").replace(' ', "")).collect()
    };
    assert_eq!(names.len(), 32_032);
    assert_eq!(names.len(), expected.len(), "one line of ids per name");
    let wrong: Vec<String> = names
        .iter()
        .zip(&expected)
        .filter_map(|(name, ids)| {
            let ours = tok.encode(name);
            (ours != *ids).then(|| format!("{name:?}: ours {ours:?}, original {ids:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{} names differ, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(5)]);
}

#[test]
fn the_lesson_sentence_and_the_special_tokens() {
    let mut tok = tokenizer();
    assert_eq!(tok.size(), 40_478);
    assert_eq!(tok.merge_count(), 40_000);
    assert_eq!(tok.encode("chai bahut garam hai"), [33694, 829, 9813, 1325, 1048, 19965]);
    assert_eq!(tok.pieces("chai bahut garam hai"), ["chai</w>", "ba", "hut</w>", "gar", "am</w>", "hai</w>"]);
    assert_eq!(tok.decode(&[33694, 829, 9813, 1325, 1048, 19965]).unwrap(), "chai bahut garam hai");
    let specials: Vec<u32> = (0..3).map(|k| tok.special_id(k)).collect();
    assert_eq!(specials, [40478, 40479, 40480]);
    assert_eq!(tok.decode(&[40478, 33694, 40479, 19965, 40480]).unwrap(), "_start_ chai _delimiter_ hai _classify_");
    assert_eq!(SPECIAL_TOKENS, ["_start_", "_delimiter_", "_classify_"]);
    let err = tok.decode(&[40481]).unwrap_err().to_string();
    assert!(err.contains("40481") && err.contains("40480"), "{err}");
}

#[test]
fn each_step_of_the_pipeline_is_shown() {
    let mut tok = tokenizer();
    // ftfy straightens the curly apostrophe and unfolds the ligature ﬁ; text_standardize turns … into ... and
    // collapses the spaces; spaCy cuts "Don't" into "Do" + "n't" and sets "..." apart; each token is lower-cased
    let stages = tok.stages("I Don\u{2019}t like \u{fb01}sh\u{2026}  Really");
    assert_eq!(stages.fixed, "I Don't like fish\u{2026}  Really");
    assert_eq!(stages.standardized, "I Don't like fish... Really");
    assert_eq!(stages.tokens, ["I", "Do", "n't", "like", "fish", "...", "Really"]);
    assert_eq!(stages.lowered, ["i", "do", "n't", "like", "fish", "...", "really"]);
    assert_eq!(stages.pieces.len(), stages.tokens.len());
    assert!(stages.pieces.iter().all(|p| p.last().unwrap().ends_with("</w>")), "{:?}", stages.pieces);
    // the pieces and ids of every line of the battery but the known differences, token after token, are the
    // original's
    let known = |line: usize| KNOWN_DIFFERENCES.iter().any(|&(l, _, _)| l == line);
    for (_, case) in cases().iter().enumerate().filter(|&(i, _)| !known(i + 1)) {
        let stages = tok.stages(&case.text);
        assert_eq!(stages.ids.concat(), case.ids, "{:?}", case.text);
        assert_eq!(stages.pieces.concat(), case.pieces, "{:?}", case.text);
        assert_eq!(stages.tokens, tok.spacy_tokens(&case.text), "{:?}", case.text);
    }
}

#[test]
fn merges_step_through_builds_the_pieces_lowest_rank_first() {
    let tok = tokenizer();
    let steps = tok.merges("Bahut").unwrap();
    assert_eq!(steps[0].merge, None);
    assert_eq!(steps[0].symbols, ["b", "a", "h", "u", "t</w>"]);
    assert_eq!(steps.last().unwrap().symbols, ["ba", "hut</w>"]);
    // every step merges one pair (everywhere it occurs), with ranks rising
    let ranks: Vec<u32> = steps[1..].iter().map(|s| s.merge.as_ref().unwrap().2).collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
    for pair in steps.windows(2) {
        let (left, right, _) = pair[1].merge.clone().unwrap();
        assert!(pair[1].symbols.len() < pair[0].symbols.len());
        assert!(pair[1].symbols.contains(&format!("{left}{right}")));
    }
    assert!(tok.merges("").is_err());
    assert!(tok.merges("two words").is_err());
}

#[test]
fn the_released_encoder_reads_as_serde_json_reads_it() {
    let text = gunzip_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA).join("encoder_bpe_40000.json.gz"));
    let theirs: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).expect("serde_json reads it");
    let tok = tokenizer();
    assert_eq!(theirs.len(), tok.size());
    for (token, id) in &theirs {
        let id = id.as_u64().expect("a whole number") as u32;
        assert_eq!(tok.piece(id).unwrap(), token.as_str(), "id {id}");
    }
}

#[test]
fn bad_files_are_refused_with_a_message_that_says_what_is_allowed() {
    let merges = "#version: 0.2\nt h\n";
    for bad in ["", "[]", "{\"a\": -1}", "{\"a\": 1}", "{\"a\": 0, \"b\": 0}", "{\"a\": 0", "{\"a\": 0} x"] {
        let err = Gpt1Tokenizer::new(bad, merges).err().unwrap_or_else(|| panic!("{bad:?} accepted")).to_string();
        assert!(err.contains("encoderJson") && err.contains("encoder_bpe_40000.json"), "{err}");
    }
    for bad in ["", "t h\n", "#version: 0.2\n", "#version: 0.2\nt h i\n"] {
        let err = Gpt1Tokenizer::new("{\"t\": 0}", bad).err().unwrap_or_else(|| panic!("{bad:?} accepted")).to_string();
        assert!(err.contains("merges") && err.contains("vocab_40000.bpe"), "{err}");
    }
    // a small pair of files works: "t" "h</w>" merge into "th</w>"
    let mut tok = Gpt1Tokenizer::new("{\"t\": 0, \"h</w>\": 1, \"th</w>\": 2}", "#version: 0.2\nt h</w>\n").unwrap();
    assert_eq!(tok.encode("th TH x"), [2, 2, 0]);
}

/// Where to look for a Python with the generator's pinned spaCy: `GPT1_TABLES_PYTHON` when set (then it must be
/// one), else the bench's venv, else `python3`.
fn table_pythons() -> (Vec<String>, bool) {
    if let Ok(python) = std::env::var("GPT1_TABLES_PYTHON") {
        return (vec![python], true);
    }
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/.venv-gpt1/bin/python");
    (vec![bench.to_string_lossy().into_owned(), "python3".to_string()], false)
}

#[test]
fn the_committed_spacy_and_ftfy_tables_are_what_the_pinned_generator_makes() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gpt1_spacy_tables.py");
    let (pythons, required) = table_pythons();
    let mut unable = Vec::new();
    for python in &pythons {
        let Ok(out) = Command::new(python).arg(&script).arg("--check").output() else {
            unable.push(format!("{python}: not found"));
            continue;
        };
        let said = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {
                eprintln!("{python}: {said}");
                return;
            }
            // this Python or its spaCy is not the pinned one
            Some(3) => unable.push(format!("{python}: {}", said.trim())),
            _ => panic!("{python} {} --check failed:\n{said}", script.display()),
        }
    }
    assert!(!required, "GPT1_TABLES_PYTHON cannot run the check: {unable:?}");
    eprintln!("SKIPPED: no Python with the pinned spaCy to regenerate the tables with ({})", unable.join("; "));
}
