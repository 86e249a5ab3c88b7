//! The one JSON reader of the GPT side (feature `gpt`), and the string writer that goes with it. It reads a
//! safetensors header and its metadata ([`crate::gpt::formats`]) and GPT-1's `encoder_bpe_40000.json`
//! ([`crate::gpt1_tokenizer`]); a hand-written reader, because serde_json would cost the on-demand module more than
//! this file and these files need only values, in the order written.
//!
//! Strict JSON (RFC 8259) with two choices of its own:
//! - numbers keep their text, so a header's whole numbers (byte offsets up to 2^64) are read exactly;
//! - a `\u` escape of a surrogate must be one half of a pair (`\uD83D\uDE00`); a lone or mismatched half is an
//!   error, because a Rust string cannot hold one, and reading it as U+FFFD would give two different names the
//!   same text.

use std::fmt;

/// A JSON value. Objects keep their entries in the order written (a repeated key stays repeated).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's entries in the order written.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The number as a whole number below 2^64, when it is written as one (digits only: no sign, fraction or
    /// exponent).
    pub fn whole(&self) -> Option<u64> {
        match self {
            Json::Number(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
            _ => None,
        }
    }
}

/// Where and why a text is not JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What was expected or found wrong.
    pub problem: String,
    /// The byte offset in the text.
    pub byte: usize,
    /// The line, from 1.
    pub line: usize,
    /// The column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {}, column {} (byte {})", self.problem, self.line, self.column, self.byte)
    }
}

impl std::error::Error for SyntaxError {}

/// Deepest nesting read: a safetensors header needs 3 levels, the encoder 1; the limit keeps a hostile file from
/// exhausting the stack.
pub const MAX_DEPTH: usize = 16;

/// Parses one JSON value filling all of `text` (whitespace around it allowed).
pub fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut p = Parser { text, at: 0 };
    let value = p.value(0)?;
    p.space();
    if p.at != text.len() {
        return Err(p.error("the end of the text after the value"));
    }
    Ok(value)
}

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped.
pub fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'t> {
    text: &'t str,
    /// A byte offset, always on a character boundary.
    at: usize,
}

impl Parser<'_> {
    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    /// A problem at byte `at`, with its line and column.
    fn error_at(&self, at: usize, problem: String) -> SyntaxError {
        let before = self.text.get(..at).unwrap_or(self.text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        SyntaxError { problem, byte: at, line, column: before[line_start..].chars().count() + 1 }
    }

    /// "expected …, found …" at the current place.
    fn error(&self, expected: &str) -> SyntaxError {
        let found = match self.text.get(self.at..).and_then(|rest| rest.chars().next()) {
            Some(c) => format!("{c:?}"),
            None => "the end".to_string(),
        };
        self.error_at(self.at, format!("expected {expected}, found {found}"))
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error_at(self.at, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.space();
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut entries = Vec::new();
                self.space();
                if self.eat(b'}') {
                    return Ok(Json::Object(entries));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    self.space();
                    if !self.eat(b':') {
                        return Err(self.error("':'"));
                    }
                    entries.push((key, self.value(depth + 1)?));
                    self.space();
                    if self.eat(b'}') {
                        return Ok(Json::Object(entries));
                    }
                    if !self.eat(b',') {
                        return Err(self.error("',' or '}'"));
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.eat(b']') {
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    if self.eat(b']') {
                        return Ok(Json::Array(items));
                    }
                    if !self.eat(b',') {
                        return Err(self.error("',' or ']'"));
                    }
                }
            }
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => {
                for (word, value) in [("true", Json::Bool(true)), ("false", Json::Bool(false)), ("null", Json::Null)] {
                    if self.bytes()[self.at..].starts_with(word.as_bytes()) {
                        self.at += word.len();
                        return Ok(value);
                    }
                }
                Err(self.error("a value"))
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, SyntaxError> {
        let start = self.at;
        self.eat(b'-');
        // no leading zeros: "0" alone, or a digit 1-9 first
        let first = self.peek();
        let whole = self.digits();
        if whole == 0 {
            return Err(self.error("a digit"));
        }
        if first == Some(b'0') && whole > 1 {
            return Err(self.error_at(start, "a number with a leading zero".into()));
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.error("a digit after '.'"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(self.error("an exponent's digits"));
            }
        }
        Ok(Json::Number(self.text[start..self.at].to_string()))
    }

    /// Four hex digits after `\u`.
    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.at..self.at + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let code = digits.and_then(|d| u32::from_str_radix(d, 16).ok()).ok_or_else(|| self.error("4 hex digits"))?;
        self.at += 4;
        Ok(code)
    }

    /// The character of a `\u` escape (the `\u` already read), a surrogate pair read as one.
    fn escaped_char(&mut self) -> Result<char, SyntaxError> {
        let start = self.at - 2;
        let high = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&high) {
            // a high surrogate: a low one must follow at once
            let low = if self.text[self.at..].starts_with("\\u") {
                self.at += 2;
                Some(self.hex4()?)
            } else {
                None
            };
            match low {
                Some(low @ 0xdc00..0xe000) => 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00),
                _ => {
                    let problem = format!(
                        "an unpaired surrogate \\u{high:04X} (a high surrogate must be followed by a low one, {})",
                        "\\uDC00 to \\uDFFF"
                    );
                    return Err(self.error_at(start, problem));
                }
            }
        } else {
            high
        };
        // a lone low surrogate is the one code below 0x110000 that is not a char
        char::from_u32(code).ok_or_else(|| {
            self.error_at(
                start,
                format!(
                    "an unpaired surrogate \\u{code:04X} (a low surrogate must follow a high one, \\uD800 to \\uDBFF)"
                ),
            )
        })
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        if !self.eat(b'"') {
            return Err(self.error("a string"));
        }
        let mut out = String::new();
        loop {
            // copy the run up to the next quote, backslash or control character as it is
            let run = self.bytes()[self.at..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let Some(run) = run else {
                self.at = self.text.len();
                return Err(self.error("the string's closing '\"'"));
            };
            // the run ends before an ASCII byte, so on a character boundary
            out.push_str(&self.text[self.at..self.at + run]);
            self.at += run;
            match self.bytes()[self.at] {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            out.push(self.escaped_char()?);
                            continue;
                        }
                        _ => return Err(self.error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)")),
                    };
                    self.at += 1;
                    out.push(c);
                }
                control => {
                    let problem = format!(
                        "a raw control character {:?} inside a string (control characters must be escaped)",
                        char::from(control)
                    );
                    return Err(self.error_at(self.at, problem));
                }
            }
        }
    }
}
