//! Step 2 of GPT-1's pipeline: `text_standardize` from OpenAI's `text_utils.py`, which "fixes some issues the spacy
//! tokenizer had on books corpus" and tidies whitespace.

use super::spacy::is_space;

/// The characters whose runs `text_standardize` surrounds with spaces: `- ~ ! " ; ? + , ) ( \ / * [ ] } { | _`.
fn is_spaced_out(c: char) -> bool {
    matches!(
        c,
        '-' | '~'
            | '!'
            | '"'
            | ';'
            | '?'
            | '+'
            | ','
            | ')'
            | '('
            | '\\'
            | '/'
            | '*'
            | '['
            | ']'
            | '}'
            | '{'
            | '|'
            | '_'
    )
}

/// `text_standardize(text)`: dashes to `-`, `…` to `...`, `´` to `'`; each run of one repeated character from
/// `is_spaced_out`'s list set apart by spaces; every whitespace run that holds a line break becomes ` \n `, every
/// other whitespace run one space; whitespace stripped from both ends. One pass: the spaces put around a run join
/// the whitespace next to them, exactly as the original's later whitespace rules merge them.
pub fn text_standardize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // whitespace waiting to be written, and whether it holds a line break
    let mut pending: Option<bool> = None;
    let flush = |out: &mut String, pending: &mut Option<bool>| {
        if let Some(newline) = pending.take() {
            if !out.is_empty() {
                out.push_str(if newline { " \n " } else { " " });
            }
        }
    };
    // ordinary characters are copied a run at a time
    let mut plain_from: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let special = is_space(c) || is_spaced_out(replaced(c)) || matches!(c, '—' | '–' | '―' | '´' | '…');
        if !special {
            if plain_from.is_none() {
                flush(&mut out, &mut pending);
                plain_from = Some(i);
            }
            continue;
        }
        if let Some(from) = plain_from.take() {
            out.push_str(&text[from..i]);
        }
        if is_space(c) {
            *pending.get_or_insert(false) |= c == '\n';
            continue;
        }
        if c == '…' {
            flush(&mut out, &mut pending);
            out.push_str("...");
            continue;
        }
        // the single-character replacements come first
        let c = replaced(c);
        if is_spaced_out(c) {
            // a run of one character, after the replacements, gets a space on each side
            pending.get_or_insert(false);
            flush(&mut out, &mut pending);
            out.push(c);
            while chars.peek().is_some_and(|&(_, next)| replaced(next) == c) {
                chars.next();
                out.push(c);
            }
            pending = Some(false);
        } else {
            flush(&mut out, &mut pending);
            out.push(c);
        }
    }
    if let Some(from) = plain_from {
        out.push_str(&text[from..]);
    }
    out
}

/// A character after text_standardize's replacements of dashes and `´` (`…` becomes three characters: not a run).
fn replaced(c: char) -> char {
    match c {
        '—' | '–' | '―' => '-',
        '´' => '\'',
        c => c,
    }
}
