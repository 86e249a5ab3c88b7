//! Tokens: the word, character and BPE tokenizers, sentence boundaries, the vocabulary and the special tokens.

use std::collections::HashMap;

use crate::bpe::Bpe;
use crate::error::{Error, Result};

/// Start of every sentence.
pub const START: &str = "[START]";
/// End of every sentence.
pub const END: &str = "[END]";
/// GPT-1's extract token: the classifier reads the final state here (Part B).
pub const EXTRACT: &str = "[EXTRACT]";
/// GPT-1's delimiter between two texts (Part B).
pub const DELIM: &str = "[DELIM]";
/// Names that can never be ordinary tokens of a sentence.
pub const SPECIAL: [&str; 4] = [START, END, EXTRACT, DELIM];
/// The newline as a token of stream mode.
pub const NEWLINE: &str = "\n";

/// How text is cut into tokens.
#[derive(Debug, Clone, PartialEq)]
pub enum Tokenizer {
    /// Words: split on Unicode whitespace, case and punctuation kept as typed.
    Word,
    /// Every Unicode scalar value is a token.
    Char,
    /// Byte-pair encoding: characters merged by the learned merges, in order.
    Bpe(Bpe),
}

impl Tokenizer {
    /// The name the JavaScript API uses.
    pub fn name(&self) -> &'static str {
        match self {
            Tokenizer::Word => "word",
            Tokenizer::Char => "char",
            Tokenizer::Bpe(_) => "bpe",
        }
    }
}

/// Where sequences begin and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundaries {
    /// Each non-empty line is a sentence, padded with `[START]`s and one `[END]`.
    Lines,
    /// The whole text is one token sequence; the newline is an ordinary token.
    Stream,
}

impl Boundaries {
    /// The name the JavaScript API uses.
    pub fn name(self) -> &'static str {
        match self {
            Boundaries::Lines => "lines",
            Boundaries::Stream => "stream",
        }
    }
}

/// Splits text into words: on Unicode whitespace, keeping case and punctuation as typed.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
}

/// The lines of a text (`\n` separates lines, a trailing `\r` is dropped), numbered from 1.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n').enumerate().map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
}

/// Splits a corpus into sentences of words: one per non-empty line.
pub fn sentences(corpus: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    lines(corpus).map(|(n, line)| (n, words(line).collect::<Vec<_>>())).filter(|(_, ws)| !ws.is_empty())
}

/// The characters of `text` as string slices.
pub fn chars(text: &str) -> impl Iterator<Item = &str> {
    text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()])
}

/// Cuts one line into tokens (no sentence boundaries).
pub fn tokenize_piece<'t>(piece: &'t str, tokenizer: &Tokenizer, out: &mut Vec<&'t str>) {
    match tokenizer {
        Tokenizer::Word => out.extend(words(piece)),
        Tokenizer::Char => out.extend(chars(piece)),
        Tokenizer::Bpe(bpe) => bpe.segment_into(piece, out),
    }
}

/// One token sequence of a text, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence<'t> {
    /// The line number, from 1.
    pub line: usize,
    /// The tokens, as slices of the text.
    pub tokens: Vec<&'t str>,
}

/// Cuts a text into token sequences: one per non-empty line (`Lines`), or one for the whole text (`Stream`,
/// where each line break is the token `"\n"` and a `\r` before it is dropped). Tokens are slices of `text`.
pub fn tokenize<'t>(text: &'t str, tokenizer: &Tokenizer, boundaries: Boundaries) -> Vec<Sentence<'t>> {
    match boundaries {
        Boundaries::Lines => lines(text)
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(line, piece)| {
                let mut tokens = Vec::new();
                tokenize_piece(piece, tokenizer, &mut tokens);
                Sentence { line, tokens }
            })
            .filter(|sentence| !sentence.tokens.is_empty())
            .collect(),
        Boundaries::Stream => {
            let mut tokens = Vec::new();
            let mut rest = text;
            while let Some(at) = rest.find('\n') {
                let line = &rest[..at];
                tokenize_piece(line.strip_suffix('\r').unwrap_or(line), tokenizer, &mut tokens);
                tokens.push(&rest[at..at + 1]);
                rest = &rest[at + 1..];
            }
            tokenize_piece(rest, tokenizer, &mut tokens);
            vec![Sentence { line: 1, tokens }]
        }
    }
}

/// Fails when `token` is the name of a special token.
pub fn check_not_special(token: &str, place: impl FnOnce() -> String) -> Result<()> {
    if SPECIAL.contains(&token) {
        Err(Error::ReservedToken { token: token.to_string(), place: place() })
    } else {
        Ok(())
    }
}

/// Token strings and their ids, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocab {
    tokens: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Vocab {
    /// The id of `token`, adding it at the end when it is new.
    pub fn intern(&mut self, token: &str) -> u32 {
        if let Some(&id) = self.ids.get(token) {
            return id;
        }
        let id = self.tokens.len() as u32;
        self.tokens.push(token.to_string());
        self.ids.insert(token.to_string(), id);
        id
    }

    /// The id of `token`, if it is in the vocabulary.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    /// The token with id `id`.
    pub fn token(&self, id: u32) -> &str {
        &self.tokens[id as usize]
    }

    /// All tokens, in id order.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// How many tokens there are (the lesson's V).
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}
