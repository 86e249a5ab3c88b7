//! Tokens: the word, character and BPE tokenizers, sentence boundaries, the vocabulary and the special tokens.

use std::borrow::Cow;

use crate::bpe::Bpe;
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;

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

/// The longest text any function takes: 32 MiB of UTF-8 (a long book is 4–8 MiB). Past it, an Error says so
/// before any work is done, so a huge paste cannot freeze the page.
pub const MAX_TEXT_BYTES: usize = 32 << 20;

/// Fails when `text` is longer than [`MAX_TEXT_BYTES`].
pub fn check_text_size(what: &'static str, text: &str) -> Result<()> {
    if text.len() > MAX_TEXT_BYTES {
        Err(Error::TooLarge { what, size: text.len(), limit: MAX_TEXT_BYTES })
    } else {
        Ok(())
    }
}

/// How text is cut into tokens.
#[derive(Debug, Clone, PartialEq)]
pub enum Tokenizer {
    /// Words: split on Unicode whitespace, case and punctuation kept as typed.
    Word,
    /// Every Unicode scalar value is a token.
    Char,
    /// Byte-pair encoding: each word's characters (the last with `</w>`) merged by the learned merges, in order.
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

    /// The tokens of one line of `text` (no `[START]`/`[END]`), after checking its size.
    pub fn segment<'t>(&'t self, text: &'t str) -> Result<Vec<Cow<'t, str>>> {
        check_text_size("the text (in UTF-8 bytes)", text)?;
        let mut tokens = Vec::new();
        tokenize_piece(text, self, &mut tokens);
        Ok(tokens)
    }

    /// The BPE merges in the order they were learned; none for the other tokenizers.
    pub fn merges(&self) -> &[(String, String)] {
        match self {
            Tokenizer::Bpe(bpe) => bpe.merges(),
            _ => &[],
        }
    }

    /// The vocabulary a model starts from, before the corpus's tokens are counted. BPE's follows GPT-1: every base
    /// symbol (the corpus's characters, then each of them ending a word), then each merge's result in merge order. A word spelt with the corpus's
    /// characters is then never unknown, and a piece the merges swallowed keeps its place with a count of zero.
    /// Words and characters start empty: their tokens (and stream mode's newline) are added in order of first
    /// appearance. A merge that spells a special name (`[END]` inside `a[END]`) gives the special token its id
    /// early; the corpus can still never use it as a token in lines mode.
    pub fn base_vocab(&self) -> Vocab {
        let mut vocab = Vocab::default();
        if let Tokenizer::Bpe(bpe) = self {
            for symbol in bpe.symbols() {
                vocab.intern(symbol);
            }
        }
        vocab
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

/// The characters of `text` as string slices.
pub fn chars(text: &str) -> impl Iterator<Item = &str> {
    text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()])
}

/// Cuts one line into tokens (no sentence boundaries). A token is a slice of the line or of the tokenizer's own
/// symbols (a BPE piece that ends a word carries `</w>`, which the text does not hold).
pub fn tokenize_piece<'t>(piece: &'t str, tokenizer: &'t Tokenizer, out: &mut Vec<Cow<'t, str>>) {
    match tokenizer {
        Tokenizer::Word => out.extend(words(piece).map(Cow::Borrowed)),
        Tokenizer::Char => out.extend(chars(piece).map(Cow::Borrowed)),
        Tokenizer::Bpe(bpe) => bpe.segment_into(piece, out),
    }
}

/// One token sequence of a text, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence<'t> {
    /// The line number, from 1.
    pub line: usize,
    /// The tokens, as slices of the text or of the tokenizer.
    pub tokens: Vec<Cow<'t, str>>,
}

/// Walks the tokens of a text by the rules of [`tokenize`], without collecting them: calls `visit(Some(token),
/// line)` for each token and `visit(None, line)` where a sequence ends.
pub fn visit_tokens<'t, E>(
    text: &'t str,
    tokenizer: &'t Tokenizer,
    boundaries: Boundaries,
    mut visit: impl FnMut(Option<Cow<'t, str>>, usize) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut buffer = Vec::new();
    let mut last_line = 1;
    for (line, piece) in lines(text) {
        last_line = line;
        if boundaries == Boundaries::Lines && piece.trim().is_empty() {
            continue;
        }
        buffer.clear();
        tokenize_piece(piece, tokenizer, &mut buffer);
        if boundaries == Boundaries::Stream && line > 1 {
            visit(Some(Cow::Borrowed(NEWLINE)), line)?;
        }
        let any = !buffer.is_empty();
        for token in buffer.drain(..) {
            visit(Some(token), line)?;
        }
        if boundaries == Boundaries::Lines && any {
            visit(None, line)?;
        }
    }
    if boundaries == Boundaries::Stream {
        visit(None, last_line)?;
    }
    Ok(())
}

/// Cuts a text into token sequences: one per non-empty line (`Lines`), or one for the whole text (`Stream`,
/// where each line break is the token `"\n"` and a `\r` before it is dropped). Tokens are slices of `text` or of
/// the tokenizer.
pub fn tokenize<'t>(text: &'t str, tokenizer: &'t Tokenizer, boundaries: Boundaries) -> Vec<Sentence<'t>> {
    let mut sentences = Vec::new();
    let mut current = Sentence { line: 1, tokens: Vec::new() };
    let _ = visit_tokens(text, tokenizer, boundaries, |token, line| -> std::result::Result<(), ()> {
        match token {
            Some(token) => {
                if current.tokens.is_empty() {
                    current.line = line;
                }
                current.tokens.push(token);
            }
            None => sentences.push(std::mem::replace(&mut current, Sentence { line, tokens: Vec::new() })),
        }
        Ok(())
    });
    sentences
}

/// Cuts `text` by `tokenizer` and `boundaries` into id sequences of `vocab`: each padded with `pad.1` copies of
/// `pad.0` before and `end` after (when the model has them). A special token's name in a sentence, or a token
/// `vocab` does not hold, is an error that names it.
pub fn text_ids(
    text: &str,
    tokenizer: &Tokenizer,
    boundaries: Boundaries,
    vocab: &Vocab,
    pad: (Option<u32>, usize),
    end: Option<u32>,
) -> Result<Vec<Vec<u32>>> {
    let mut sequences = Vec::new();
    for sentence in tokenize(text, tokenizer, boundaries) {
        let mut ids = Vec::with_capacity(sentence.tokens.len() + pad.1 + 1);
        if let Some(start) = pad.0 {
            ids.extend(std::iter::repeat_n(start, pad.1));
        }
        let place = || format!("the text (line {})", sentence.line);
        for token in sentence.tokens {
            if pad.0.is_some() {
                check_not_special(&token, place)?;
            }
            let id = vocab.id(&token);
            ids.push(id.ok_or_else(|| Error::UnknownToken { token: token.into_owned(), place: place() })?);
        }
        ids.extend(end);
        sequences.push(ids);
    }
    Ok(sequences)
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
    ids: FxHashMap<String, u32>,
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
