//! Reads `encoder_bpe_40000.json`: one JSON object from token to id. A small reader for exactly that shape (the
//! core has no JSON dependency), strict about everything else.

use crate::error::{Error, Result};

/// The (token, id) entries of the JSON object in `text`, in file order.
pub fn parse(text: &str) -> Result<Vec<(String, u32)>> {
    let mut reader = Reader { text, at: 0 };
    reader.space();
    reader.expect('{')?;
    let mut entries = Vec::new();
    reader.space();
    if reader.eat('}') {
        return reader.end(entries);
    }
    loop {
        reader.space();
        let token = reader.string()?;
        reader.space();
        reader.expect(':')?;
        reader.space();
        let id = reader.id()?;
        entries.push((token, id));
        reader.space();
        if reader.eat(',') {
            continue;
        }
        reader.expect('}')?;
        return reader.end(entries);
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn bad(&self, what: &str) -> Error {
        let line = self.text[..self.at].matches('\n').count() + 1;
        let near: String = self.text[self.at..].chars().take(20).collect();
        Error::InvalidParameter {
            name: "encoderJson",
            value: format!("text without {what} at line {line} (near {near:?})").into(),
            allowed: "the text of encoder_bpe_40000.json (one JSON object from token to id)".into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<()> {
        if self.eat(c) { Ok(()) } else { Err(self.bad(&format!("'{c}'"))) }
    }

    fn space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
    }

    fn end(&mut self, entries: Vec<(String, u32)>) -> Result<Vec<(String, u32)>> {
        self.space();
        if self.at == self.text.len() { Ok(entries) } else { Err(self.bad("the end of the text after '}'")) }
    }

    /// A JSON string with its escapes (`\uD83D\uDE00` pairs included).
    fn string(&mut self) -> Result<String> {
        self.expect('"')?;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else { return Err(self.bad("a closing '\"'")) };
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else { return Err(self.bad("an escape")) };
                    self.at += e.len_utf8();
                    match e {
                        '"' | '\\' | '/' => out.push(e),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let high = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&high) && self.text[self.at..].starts_with("\\u") {
                                self.at += 2;
                                let low = self.hex4()?;
                                0x10000 + ((high - 0xd800) << 10) + (low.wrapping_sub(0xdc00) & 0x3ff)
                            } else {
                                high
                            };
                            out.push(char::from_u32(code).ok_or_else(|| self.bad("a valid \\u escape"))?);
                        }
                        _ => return Err(self.bad("a JSON escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")),
                    }
                }
                c if (c as u32) < 0x20 => return Err(self.bad("no raw control character inside a string")),
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self.text.get(self.at..self.at + 4).filter(|d| d.chars().all(|c| c.is_ascii_hexdigit()));
        let Some(digits) = digits else { return Err(self.bad("four hex digits after \\u")) };
        self.at += 4;
        Ok(u32::from_str_radix(digits, 16).unwrap_or(0))
    }

    /// A token id: a whole number from 0 to 4,294,967,295.
    fn id(&mut self) -> Result<u32> {
        let rest = &self.text[self.at..];
        let len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let id = rest[..len].parse::<u32>().map_err(|_| self.bad("a token id (a whole number)"))?;
        self.at += len;
        Ok(id)
    }
}
