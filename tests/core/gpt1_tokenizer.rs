//! GPT-1's tokenizer against OpenAI's original pipeline (tests/fixtures/gpt1_tokenizer_reference.py): the same ids
//! for every line of plain prose, dialogue and every name, and for at least 99% of all lines.
#![cfg(feature = "gpt")]

use std::path::Path;

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

/// The kinds of line whose every line must match: ordinary English text.
const EXACT_KINDS: [&str; 2] = ["prose", "dialogue"];

#[test]
fn every_line_of_prose_and_dialogue_and_99_percent_of_all_lines_match_the_original() {
    let mut tok = tokenizer();
    let cases = cases();
    assert!(cases.len() >= 2000, "the battery has {} lines", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let ids = tok.encode(&case.text);
        if ids != case.ids {
            wrong.push(format!(
                "[{}] {:?}\n   ours:     {:?}\n   original: {:?}\n   ours:     {:?}\n   original: {:?}",
                case.kind,
                case.text,
                ids,
                case.ids,
                tok.pieces(&case.text),
                case.pieces
            ));
        }
    }
    for w in &wrong {
        eprintln!("{w}");
    }
    let exact_wrong: Vec<&String> =
        wrong.iter().filter(|w| EXACT_KINDS.iter().any(|k| w.starts_with(&format!("[{k}]")))).collect();
    assert!(exact_wrong.is_empty(), "{} prose/dialogue lines differ", exact_wrong.len());
    let matched = cases.len() - wrong.len();
    eprintln!("{matched} of {} lines match", cases.len());
    assert!(matched * 100 >= cases.len() * 99, "only {matched} of {} lines match", cases.len());
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
    // the pieces and ids of every line of prose and dialogue, token after token, are the original's
    for case in cases().iter().filter(|c| EXACT_KINDS.contains(&c.kind.as_str())) {
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
