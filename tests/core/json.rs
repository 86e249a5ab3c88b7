#![cfg(feature = "gpt")]
//! The crate's one JSON reader against serde_json, and its one behaviour on bad surrogates (an error that names
//! the escape and where it is) through both of its callers: a safetensors header and GPT-1's encoder file.

use gpt1_playground::gpt::formats::safetensors;
use gpt1_playground::gpt1_tokenizer::Gpt1Tokenizer;
use gpt1_playground::json::{self, Json};
use serde_json::Value;

/// Our value as serde_json's (an object's later repeated key wins, as in serde_json; numbers compared as f64).
fn as_serde(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(text) => Value::from(text.parse::<f64>().expect("a number's text is a float")),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(as_serde).collect()),
        Json::Object(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), as_serde(v))).collect()),
    }
}

/// serde_json's value with every number as f64, to compare with [`as_serde`].
fn floats_only(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::from(n.as_f64().expect("finite")),
        Value::Array(items) => Value::Array(items.into_iter().map(floats_only).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, floats_only(v))).collect()),
        other => other,
    }
}

#[test]
fn valid_texts_read_as_serde_json_reads_them() {
    let texts = [
        "null",
        " true ",
        "false",
        "0",
        "-0",
        "12345678901234567890",
        "-1.5e-3",
        "2E+10",
        "0.25",
        r#""""#,
        r#""plain ascii and ünïcödé and 😀""#,
        r#""\" \\ \/ \b \f \n \r \t""#,
        r#""\u0041\u00e9\u20ac\uD83D\uDE00\ud83d\ude00""#,
        "[]",
        "{}",
        "[1, [2, [3, [4]]], {\"a\": {\"b\": []}}]",
        "{\"x\": 1, \"y\": [true, false, null], \"z\": \"w\"}",
        "{\"same\": 1, \"same\": 2}",
        "\n\t{ \"spaced\" :\r\n [ 1 , 2 ] }\n",
    ];
    for text in texts {
        let ours = json::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let theirs: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("serde_json, {text:?}: {e}"));
        assert_eq!(as_serde(&ours), floats_only(theirs), "{text:?}");
    }
    // the order written is kept, and repeated keys stay repeated
    let Json::Object(entries) = json::parse("{\"b\": 1, \"a\": 2, \"b\": 3}").unwrap() else { panic!("an object") };
    let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["b", "a", "b"]);
    // numbers keep their text: a whole number up to 2^64 - 1 is exact
    assert_eq!(json::parse("18446744073709551615").unwrap().whole(), Some(u64::MAX));
    assert_eq!(json::parse("18446744073709551616").unwrap().whole(), None);
    for not_whole in ["-1", "1.0", "1e3", "\"1\""] {
        assert_eq!(json::parse(not_whole).unwrap().whole(), None, "{not_whole}");
    }
}

#[test]
fn invalid_texts_are_refused_as_serde_json_refuses_them_with_the_place() {
    let cases = [
        ("", "expected a value, found the end at line 1, column 1 (byte 0)"),
        ("[1, 2", "expected ',' or ']', found the end at line 1, column 6 (byte 5)"),
        ("{\"a\" 1}", "expected ':', found '1' at line 1, column 6 (byte 5)"),
        ("{\"a\": 1,}", "expected a string, found '}' at line 1, column 9"),
        ("[1] x", "expected the end of the text after the value, found 'x' at line 1, column 5"),
        ("01", "a number with a leading zero at line 1, column 1"),
        ("-", "expected a digit, found the end"),
        ("1.", "expected a digit after '.'"),
        ("1e", "expected an exponent's digits"),
        ("\"open", "expected the string's closing '\"', found the end at line 1, column 6"),
        ("\"a\\x\"", "expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX), found 'x'"),
        ("\"\\u12\"", "expected 4 hex digits, found '1'"),
        ("\"tab\there\"", "a raw control character '\\t' inside a string (control characters must be escaped)"),
        ("tru", "expected a value, found 't'"),
        ("{\n  \"a\": 1,\n  \"é\": ?\n}", "expected a value, found '?' at line 3, column 8 (byte 20)"),
    ];
    for (text, expected) in cases {
        let message = json::parse(text).err().unwrap_or_else(|| panic!("{text:?} accepted")).to_string();
        assert!(message.contains(expected), "{text:?}: {message}");
        assert!(serde_json::from_str::<Value>(text).is_err(), "serde_json accepts {text:?}");
    }
    // nesting is limited, so a hostile file cannot exhaust the stack
    let deep = format!("{}{}", "[".repeat(json::MAX_DEPTH + 1), "]".repeat(json::MAX_DEPTH + 1));
    assert!(json::parse(&deep).is_ok());
    let deeper = format!("{}{}", "[".repeat(json::MAX_DEPTH + 2), "]".repeat(json::MAX_DEPTH + 2));
    assert!(json::parse(&deeper).unwrap_err().to_string().contains("nesting deeper than 16 levels"));
    assert!(json::parse(&"[".repeat(100_000)).is_err());
}

/// The four ways a surrogate escape can be bad, with the escape the message names and where it starts.
const BAD_SURROGATES: [(&str, &str); 4] = [
    // a high half at the end of the string
    (r"\uD83D", r"\uD83D (a high surrogate must be followed by a low one"),
    // a high half followed by another character's escape
    (r"\uD83D\u0041", r"\uD83D (a high surrogate must be followed by a low one"),
    // a high half followed by plain text
    (r"\ud83dx", r"\uD83D (a high surrogate must be followed by a low one"),
    // a low half alone
    (r"\uDE00", r"\uDE00 (a low surrogate must follow a high one"),
];

#[test]
fn a_bad_surrogate_is_an_error_in_the_reader_as_in_serde_json() {
    for (escape, expected) in BAD_SURROGATES {
        let text = format!("[\"ok\", \"a{escape}b\"]");
        let message = json::parse(&text).unwrap_err().to_string();
        assert!(message.contains(&format!("an unpaired surrogate {expected}")), "{escape}: {message}");
        assert!(message.contains("at line 1, column 10 (byte 9)"), "{escape}: {message}");
        assert!(serde_json::from_str::<String>(&text[7..text.len() - 1]).is_err(), "serde_json accepts {escape}");
    }
}

#[test]
fn a_bad_surrogate_in_a_safetensors_header_is_a_clear_error_and_a_pair_is_one_character() {
    let file = |name: &str| {
        let header = format!("{{\"{name}\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}}}");
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&1.5f32.to_le_bytes());
        bytes
    };
    let good = file(r"x\uD83D\uDE00");
    let read = safetensors::read(&good).unwrap();
    assert_eq!(read.tensors[0].name, "x😀");
    for (escape, expected) in BAD_SURROGATES {
        let message = safetensors::read(&file(&format!("x{escape}"))).unwrap_err().to_string();
        assert!(message.starts_with("weights file: the header is not valid JSON: "), "{escape}: {message}");
        assert!(message.contains(&format!("an unpaired surrogate {expected}")), "{escape}: {message}");
        assert!(message.contains("(byte 3)"), "{escape}: {message}");
    }
}

#[test]
fn a_bad_surrogate_in_the_encoder_file_is_a_clear_error_and_a_pair_is_one_character() {
    let merges = "#version: 0.2\nt h\n";
    let tok = Gpt1Tokenizer::new(r#"{"t": 0, "h": 1, "\uD83D\uDE00</w>": 2}"#, merges).unwrap();
    assert_eq!(tok.piece(2).unwrap(), "😀</w>");
    for (escape, expected) in BAD_SURROGATES {
        let encoder = format!("{{\"t\": 0,\n \"h{escape}\": 1}}");
        let message = Gpt1Tokenizer::new(&encoder, merges).err().expect("refused").to_string();
        assert!(message.contains("encoderJson") && message.contains("encoder_bpe_40000.json"), "{message}");
        assert!(message.contains(&format!("an unpaired surrogate {expected}")), "{escape}: {message}");
        assert!(message.contains("at line 2, column 4"), "{escape}: {message}");
    }
}

#[test]
fn written_strings_read_back_unchanged() {
    let controls = "line\nbreak\ttab\r\u{0}\u{1f}";
    let texts = ["", "plain", "quote \" and backslash \\", controls, "é€😀", "\u{7f}\u{2028}"];
    for text in texts {
        let mut written = String::new();
        json::write_string(text, &mut written);
        assert_eq!(json::parse(&written).unwrap(), Json::String(text.to_string()), "{written}");
        assert_eq!(serde_json::from_str::<String>(&written).unwrap(), text, "serde_json reads {written}");
    }
}
