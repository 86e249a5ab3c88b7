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
/// [`is_spaced_out`]'s list set apart by spaces; every whitespace run that holds a line break becomes ` \n `, every
/// other whitespace run one space; whitespace stripped from both ends.
pub fn text_standardize(text: &str) -> String {
    // the single-character replacements, then the runs spaced out
    let mut spaced = String::with_capacity(text.len() + text.len() / 4);
    let mut chars = text.chars().map(replace_char).peekable();
    while let Some(c) = chars.next() {
        match c {
            Replaced::Text(s) => spaced.push_str(s),
            Replaced::Char(c) if is_spaced_out(c) => {
                spaced.push(' ');
                spaced.push(c);
                while chars.peek() == Some(&Replaced::Char(c)) {
                    chars.next();
                    spaced.push(c);
                }
                spaced.push(' ');
            }
            Replaced::Char(c) => spaced.push(c),
        }
    }
    // whitespace runs: ' \n ' when they hold a line break, ' ' otherwise; none at the ends
    let mut out = String::with_capacity(spaced.len());
    let mut run_has_newline: Option<bool> = None;
    for c in spaced.chars() {
        if is_space(c) {
            *run_has_newline.get_or_insert(false) |= c == '\n';
            continue;
        }
        if let Some(newline) = run_has_newline.take() {
            if !out.is_empty() {
                out.push_str(if newline { " \n " } else { " " });
            }
        }
        out.push(c);
    }
    out
}

#[derive(PartialEq)]
enum Replaced {
    Char(char),
    Text(&'static str),
}

/// text_standardize's first five replacements: `—`, `–`, `―` become `-`, `…` becomes `...`, `´` becomes `'`.
fn replace_char(c: char) -> Replaced {
    match c {
        '—' | '–' | '―' => Replaced::Char('-'),
        '…' => Replaced::Text("..."),
        '´' => Replaced::Char('\''),
        _ => Replaced::Char(c),
    }
}
