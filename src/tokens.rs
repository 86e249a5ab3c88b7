//! Tokens: the word tokenizer, the vocabulary and the special tokens of the lesson.

use std::collections::HashMap;

use crate::error::{Error, Result};

/// Start of every sentence.
pub const START: &str = "[START]";
/// End of every sentence.
pub const END: &str = "[END]";
/// GPT-1's extract token: the classifier reads the final state here (Part B).
pub const EXTRACT: &str = "[EXTRACT]";
/// GPT-1's delimiter between two texts (Part B).
pub const DELIM: &str = "[DELIM]";
/// Names that can never be ordinary words.
pub const SPECIAL: [&str; 4] = [START, END, EXTRACT, DELIM];

/// Splits text into words: on Unicode whitespace, keeping case and punctuation as typed.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
}

/// Splits a corpus into sentences: one per non-empty line (`\n` separates lines, a trailing `\r` is dropped).
pub fn sentences(corpus: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    corpus
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            (
                i + 1,
                words(line.strip_suffix('\r').unwrap_or(line)).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, ws)| !ws.is_empty())
}

/// Fails when `word` is the name of a special token.
pub fn check_not_special(word: &str, place: impl FnOnce() -> String) -> Result<()> {
    if SPECIAL.contains(&word) {
        Err(Error::ReservedToken {
            token: word.to_string(),
            place: place(),
        })
    } else {
        Ok(())
    }
}

/// Token strings and their ids: words in order of first appearance, then the special tokens.
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
