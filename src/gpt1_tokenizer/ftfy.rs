//! Step 1 of GPT-1's pipeline: the parts of `ftfy.fix_text` (ftfy 6) that change ordinary text.
//!
//! Kept, in ftfy's order and repeated until nothing changes: HTML entities decoded (unless the line holds a `<`),
//! C1 control characters read as Windows-1252, Latin ligatures and full-width/half-width forms folded, curly quotes
//! straightened, line breaks made `\n`, terminal colour codes and other control characters dropped, then Unicode
//! NFC. Left out: ftfy's mojibake repair (`fix_encoding`: text decoded in the wrong encoding, such as `cafÃ©`, is
//! left as it is) and named HTML entities beyond HTML 4's list.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::ftfy_tables::{HTML_ENTITIES, WIDTH};
use super::spacy::has_class;
use super::spacy_en::DIGIT;

/// ftfy fixes text in segments: lines, or pieces of at most this many characters.
const MAX_SEGMENT: usize = 1_000_000;

/// `ftfy.fix_text(text)` with the default configuration, less the parts named in the module's notes.
pub fn fix_text(text: &str) -> String {
    if !needs_fixing(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    // "auto": entities are decoded until a segment holds a '<'; from then on, never again
    let mut unescape = true;
    let mut rest = text;
    while !rest.is_empty() {
        let end = segment_end(rest);
        let (segment, tail) = rest.split_at(end);
        unescape &= !segment.contains('<');
        if needs_fixing(segment) {
            out.push_str(&fix_segment(segment, unescape));
        } else {
            out.push_str(segment);
        }
        rest = tail;
    }
    out
}

/// False when no fix would change `text` (most text): no '&', no control character other than tab, line feed and
/// form feed, no character that a fix replaces, and already NFC.
fn needs_fixing(text: &str) -> bool {
    let ascii_fix = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c)) || b == 0x7f || b == b'&';
    if text.bytes().any(ascii_fix) {
        return true;
    }
    if text.is_ascii() {
        return false;
    }
    text.chars().any(|c| {
        matches!(c, '\u{80}'..='\u{9f}' | 'Ĳ' | 'ĳ' | 'ŉ' | '\u{1c4}'..='\u{1cc}' | '\u{1f1}'..='\u{1f3}' | 'ﬀ'..='ﬆ' | '\u{3000}' | '\u{ff01}'..='\u{ffef}'
            | '\u{2bc}' | '\u{2018}'..='\u{201f}' | '\u{2028}' | '\u{2029}' | '\u{206a}'..='\u{206f}' | '\u{feff}'
            | '\u{fff9}'..='\u{fffc}')
    }) || is_nfc_quick(text.chars()) != IsNormalized::Yes
}

/// The end of the first segment: just after the first '\n', or after MAX_SEGMENT characters.
fn segment_end(text: &str) -> usize {
    let line = text.find('\n').map_or(text.len(), |i| i + 1);
    match text[..line].char_indices().nth(MAX_SEGMENT) {
        Some((i, _)) => i,
        None => line,
    }
}

/// Applies every fix in order until the segment stops changing (ftfy's `fix_and_explain` loop).
fn fix_segment(segment: &str, unescape: bool) -> String {
    let mut text = segment.to_string();
    loop {
        let mut fixed = if unescape { unescape_html(&text) } else { text.clone() };
        fixed = fixed.chars().map(c1_as_windows_1252).collect();
        fixed = fold_characters(&fixed);
        fixed = fix_line_breaks(&fixed);
        fixed = remove_terminal_escapes(&fixed);
        fixed.retain(|c| !is_removed_control(&c));
        if is_nfc_quick(fixed.chars()) != IsNormalized::Yes {
            fixed = fixed.nfc().collect();
        }
        if fixed == text {
            return fixed;
        }
        text = fixed;
    }
}

/// `&name;`, `&#123;` and `&#x7B;` decoded where ftfy decodes them; anything else is left as written.
fn unescape_html(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // ftfy's pattern: & #? [0-9A-Za-z]{1,24} ;
        let body_start = if rest[1..].starts_with('#') { 2 } else { 1 };
        let body_len = rest[body_start..].bytes().take(24).take_while(u8::is_ascii_alphanumeric).count();
        let end = body_start + body_len;
        let decoded = if body_len > 0 && rest[end..].starts_with(';') {
            let body = &rest[body_start..end];
            if body_start == 1 { named_entity(body).map(str::to_string) } else { numeric_entity(body) }
        } else {
            None
        };
        match decoded {
            Some(text) => {
                out.push_str(&text);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<&'static str> {
    HTML_ENTITIES.binary_search_by(|(n, _)| (*n).cmp(name)).ok().map(|i| HTML_ENTITIES[i].1)
}

/// Python's `html.unescape` of `&#…;`: decimal or `x`/`X` hexadecimal digits and nothing else, with HTML's
/// replacements for the numbers that name no usable character.
fn numeric_entity(body: &str) -> Option<String> {
    let (digits, radix) = match body.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (body, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // saturate: any number past U+10FFFF becomes U+FFFD anyway
    let number =
        digits.chars().fold(0u64, |n, c| (n * radix as u64 + c.to_digit(radix).unwrap_or(0) as u64).min(1 << 40));
    let text = match number {
        0 => "\u{fffd}".to_string(),
        0x0d => "\r".to_string(),
        0x80..=0x9f => c1_as_windows_1252(char::from_u32(number as u32).unwrap_or('\u{fffd}')).to_string(),
        0xd800..=0xdfff | 0x11_0000.. => "\u{fffd}".to_string(),
        n if is_invalid_code_point(n as u32) => String::new(),
        n => char::from_u32(n as u32).map(String::from).unwrap_or_default(),
    };
    Some(text)
}

/// The code points `html.unescape` drops: controls, and the non-characters.
fn is_invalid_code_point(n: u32) -> bool {
    matches!(n, 0x01..=0x08 | 0x0b | 0x0e..=0x1f | 0x7f..=0x9f | 0xfdd0..=0xfdef) || (n & 0xfffe) == 0xfffe
}

/// A C1 control character (U+0080 … U+009F) read as the Windows-1252 byte it most likely was; the five bytes
/// Windows-1252 leaves undefined stay as they are ("sloppy" Windows-1252).
fn c1_as_windows_1252(c: char) -> char {
    const TABLE: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match c {
        '\u{80}'..='\u{9f}' => TABLE[c as usize - 0x80],
        _ => c,
    }
}

/// Latin ligatures spelt out, full-width and half-width forms made ordinary (their NFKC form, the ideographic
/// space a space), curly quotes straightened.
fn fold_characters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'Ĳ' => out.push_str("IJ"),
            'ĳ' => out.push_str("ij"),
            // ftfy gives "ʼn", whose apostrophe uncurl_quotes then straightens
            'ŉ' => out.push_str("'n"),
            'Ǳ' => out.push_str("DZ"),
            'ǲ' => out.push_str("Dz"),
            'ǳ' => out.push_str("dz"),
            'Ǆ' => out.push_str("DŽ"),
            'ǅ' => out.push_str("Dž"),
            'ǆ' => out.push_str("dž"),
            'Ǉ' => out.push_str("LJ"),
            'ǈ' => out.push_str("Lj"),
            'ǉ' => out.push_str("lj"),
            'Ǌ' => out.push_str("NJ"),
            'ǋ' => out.push_str("Nj"),
            'ǌ' => out.push_str("nj"),
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' => out.push_str("ſt"),
            'ﬆ' => out.push_str("st"),
            '\u{3000}' | '\u{ff01}'..='\u{ffef}' => match WIDTH.binary_search_by(|(w, _)| w.cmp(&c)) {
                Ok(i) => out.push_str(WIDTH[i].1),
                Err(_) => out.push(c),
            },
            // ftfy's uncurl_quotes: ʼ ‘ ’ ‚ ‛ -> ' and “ ” „ ‟ -> "
            '\u{2bc}' | '\u{2018}'..='\u{201b}' => out.push('\''),
            '\u{201c}'..='\u{201f}' => out.push('"'),
            _ => out.push(c),
        }
    }
    out
}

/// CRLF, CR, U+2028, U+2029 and NEL all become '\n'.
fn fix_line_breaks(text: &str) -> String {
    if !text.contains(['\r', '\u{2028}', '\u{2029}', '\u{85}']) {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace(['\r', '\u{2028}', '\u{2029}', '\u{85}'], "\n")
}

/// ANSI terminal escapes (`ESC [ digits-and-semicolons letter`) removed.
fn remove_terminal_escapes(text: &str) -> String {
    if !text.contains("\u{1b}[") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let params = after.find(|c: char| !(c == ';' || has_class(c, DIGIT))).unwrap_or(after.len());
        match after[params..].chars().next() {
            Some(letter) if letter.is_ascii_alphabetic() => rest = &after[params + 1..],
            _ => {
                out.push_str("\u{1b}[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The control characters ftfy drops: C0 controls except tab, newline, form feed and carriage return; DEL;
/// deprecated Arabic format characters; interlinear annotation marks; the object replacement character; the BOM.
fn is_removed_control(c: &char) -> bool {
    matches!(*c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{e}'..='\u{1f}' | '\u{7f}' | '\u{206a}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffc}')
}
