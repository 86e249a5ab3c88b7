//! The one error type of the core: every message says what was wrong and what is allowed.

use std::fmt;

/// Everything that can go wrong when a caller hands the core bad input.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A numeric or named parameter outside what is allowed.
    InvalidParameter {
        /// The parameter's name as the caller spells it (`seed`, `maxLen`, …).
        name: &'static str,
        /// The rejected value, numbers kept as numbers.
        value: Given,
        /// What would have been accepted.
        allowed: String,
    },
    /// The corpus has no words at all.
    EmptyCorpus,
    /// A special token's name was typed as an ordinary word.
    ReservedToken {
        /// The special token, e.g. `[START]`.
        token: String,
        /// Where it was found: `corpus line 3`, `hypothesis`, …
        place: String,
    },
    /// A word the model has never seen.
    UnknownWord {
        /// The word as typed.
        word: String,
        /// Which input it came from: `text`, `premise`, `answers[2]`, …
        field: String,
    },
    /// A dense export or input larger than the documented limit.
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its size.
        size: usize,
        /// The largest size allowed.
        limit: usize,
    },
    /// A token the model has never seen, in text it is asked to score.
    UnknownToken {
        /// The token as cut from the text.
        token: String,
        /// Where it was found.
        place: String,
    },
    /// A request this kind of model cannot answer.
    Unsupported(String),
    /// The system could not supply a random seed.
    NoRandomness(String),
    /// A weights file (safetensors) that cannot be read as a model.
    BadWeights {
        /// The tensor at fault, when one is.
        tensor: Option<String>,
        /// What was wrong and what was expected.
        problem: String,
    },
}

/// What a caller gave, as a message shows it. Numbers stay numbers, so whoever writes the message chooses how:
/// natively Rust's digits, in the browser JavaScript's own (the binding asks it, and the module carries no float
/// formatter).
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// A number: `got 1.5`.
    Number(f64),
    /// The number at a position of a list: `got -0.5 at index 0`.
    Item {
        /// The number found there.
        number: f64,
        /// Its index in the list.
        index: usize,
    },
    /// A list of numbers, shown by its sum: `got a list summing to 0.9`.
    Sum(f64),
    /// A description: `got "quick"`, `got an empty list`, `got 7 tokens`.
    Text(String),
}

impl Given {
    /// The value as the message shows it, each number written by `number`.
    pub fn text(&self, number: &dyn Fn(f64) -> String) -> String {
        match self {
            Given::Number(x) => number(*x),
            Given::Item { number: x, index } => format!("{} at index {index}", number(*x)),
            Given::Sum(x) => format!("a list summing to {}", number(*x)),
            Given::Text(text) => text.clone(),
        }
    }
}

impl From<String> for Given {
    fn from(text: String) -> Self {
        Given::Text(text)
    }
}

impl From<&str> for Given {
    fn from(text: &str) -> Self {
        Given::Text(text.into())
    }
}

impl Error {
    /// The message, every number in it written by `number`: the JavaScript binding passes JavaScript's own
    /// `Number#toString`, [`Display`](fmt::Display) passes [`number_text`].
    pub fn message(&self, number: &dyn Fn(f64) -> String) -> String {
        match self {
            Error::InvalidParameter { name, value, allowed } => {
                format!("{name} must be {allowed}; got {}", value.text(number))
            }
            Error::EmptyCorpus => {
                "the corpus has no words: write at least one sentence (one per line, words separated by spaces)".into()
            }
            Error::ReservedToken { token, place } => format!(
                "{place} contains the special token {token}: special tokens are added by the model, \
                 so they cannot be typed as words"
            ),
            Error::UnknownWord { word, field } => format!(
                "unknown word \"{word}\" in {field}: it is not in the model's vocabulary \
                 (only words that appear in the corpus can be encoded)"
            ),
            Error::TooLarge { what, size, limit } => {
                format!("{what} is {}, above the limit of {}", group(*size), group(*limit))
            }
            Error::UnknownToken { token, place } => format!(
                "unknown token {} in {place}: the model never saw it in its corpus, so it has no probability \
                 for it (use text made of the corpus's tokens)",
                quoted(token)
            ),
            Error::Unsupported(what) => what.clone(),
            Error::BadWeights { tensor: Some(tensor), problem } => {
                format!("weights file: tensor {}: {problem}", quoted(tensor))
            }
            Error::BadWeights { tensor: None, problem } => format!("weights file: {problem}"),
            Error::NoRandomness(why) => format!("no random seed could be drawn ({why}); pass a seed explicitly"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(&number_text))
    }
}

impl std::error::Error for Error {}

/// Writes a count with thousands separators: 33554432 → "33,554,432".
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The core's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// A number as native messages write it: Rust's shortest round-trip digits, spelled as JavaScript spells the
/// numbers messages show in practice (`-0` keeps its sign, `NaN`, `Infinity`, whole numbers without `.0`).
pub fn number_text(x: f64) -> String {
    if x == 0.0 && x.is_sign_negative() {
        "-0".into()
    } else if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else if x.fract() == 0.0 && x.abs() < 1e21 {
        format!("{x:.0}")
    } else {
        format!("{x:?}")
    }
}

/// Quotes a text for a message, escaping what would not show: quotes, backslashes, control characters and the
/// invisible format characters (zero-width spaces, direction marks and overrides, the byte-order mark).
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || invisible(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Format characters that take no space when shown.
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}')
}

/// Builds an [`Error::InvalidParameter`] for a number.
pub fn invalid_number(name: &'static str, value: f64, allowed: impl Into<String>) -> Error {
    Error::InvalidParameter { name, value: Given::Number(value), allowed: allowed.into() }
}

/// Checks that `value` is a whole number in `min..=max` and returns it.
pub fn whole_number(name: &'static str, value: f64, min: u64, max: u64) -> Result<u64> {
    if value.is_finite() && value.fract() == 0.0 && value >= min as f64 && value <= max as f64 {
        Ok(value as u64)
    } else {
        Err(invalid_number(name, value, format!("a whole number from {min} to {max}")))
    }
}

/// Checks that `value` is finite and not negative.
pub fn non_negative(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(invalid_number(name, value, "a finite number ≥ 0"))
    }
}
