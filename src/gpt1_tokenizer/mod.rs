//! GPT-1's own tokenizer (feature `gpt`): OpenAI's released 40,000 merges applied exactly as `text_utils.py` did.
//!
//! The pipeline, one module a step:
//! 1. [`ftfy`]: `ftfy.fix_text`'s effects on ordinary text (quotes straightened, NFC, ligatures and width folded…);
//! 2. [`standardize`]: `text_standardize` (dashes, `…`, punctuation runs spaced out, whitespace tidied);
//! 3. [`spacy`]: spaCy's English tokenizer rules (prefixes, suffixes, infixes, special cases, URLs);
//! 4. [`merges`]: each token lower-cased and split by BPE, `</w>` on its last character;
//! 5. the encoder: piece -> id (unknown -> 0). Fine-tuning adds `_start_`, `_delimiter_` and `_classify_` after
//!    the vocabulary: ids 40,478, 40,479 and 40,480.
//!
//! Pieces are cached per chunk and per token, as the original caches them per token.

mod encoder_json;
mod fast_hash;
pub mod ftfy;
mod ftfy_tables;
pub mod merges;
pub mod spacy;
mod spacy_en;
pub mod standardize;

use fast_hash::FastMap;
pub use merges::MergeStep;
use merges::Merges;
use spacy::{English, Token};

use crate::error::{Error, Given, Result};

/// The special tokens fine-tuning appends after the vocabulary, in `train.py`'s order: the paper's start,
/// delimiter and extract tokens.
pub const SPECIAL_TOKENS: [&str; 3] = ["_start_", "_delimiter_", "_classify_"];

/// The longest word [`Gpt1Tokenizer::merges`] steps through.
pub const MAX_STEP_WORD: usize = 256;

/// The caches are emptied when they grow past this many entries (they only save work).
const CACHE_LIMIT: usize = 1 << 18;

/// GPT-1's tokenizer: text in, GPT-1's token ids out.
pub struct Gpt1Tokenizer {
    english: English,
    merges: Merges,
    encoder: FastMap<Box<str>, u32>,
    decoder: Vec<Box<str>>,
    /// A spaCy token as cut (before lower-casing) -> its pieces and ids.
    words: FastMap<Box<str>, Word>,
    /// A whitespace chunk -> its tokens, and its ids when no later pass can touch it.
    chunks: FastMap<Box<str>, Chunk>,
}

/// What each step of the pipeline makes of one text ([`Gpt1Tokenizer::stages`]), for a reader to follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Stages {
    /// After step 1, `ftfy.fix_text`.
    pub fixed: String,
    /// After step 2, `text_standardize`.
    pub standardized: String,
    /// Step 3: the tokens spaCy's English rules cut the text into, as written.
    pub tokens: Vec<String>,
    /// Step 4: each token lower-cased.
    pub lowered: Vec<String>,
    /// Step 5: each token's BPE pieces (its last piece ends in `</w>`).
    pub pieces: Vec<Vec<String>>,
    /// The ids of each token's pieces.
    pub ids: Vec<Vec<u32>>,
}

/// The BPE pieces of one token, with their ids.
struct Word {
    pieces: Vec<Box<str>>,
    ids: Vec<u32>,
}

/// One whitespace-separated chunk, cut by spaCy's rules.
struct Chunk {
    tokens: Vec<(u32, u32)>,
    /// None when the special-case pass may re-join some of the chunk's tokens (what surrounds the chunk decides).
    ids: Option<Vec<u32>>,
}

impl Gpt1Tokenizer {
    /// Builds the tokenizer from the texts of `encoder_bpe_40000.json` and `vocab_40000.bpe`.
    pub fn new(encoder_json: &str, merges: &str) -> Result<Self> {
        let entries = encoder_json::parse(encoder_json)?;
        let size = entries.len();
        let mut decoder: Vec<Option<Box<str>>> = vec![None; size];
        let mut encoder = FastMap::default();
        for (token, id) in entries {
            let slot = decoder.get_mut(id as usize).filter(|slot| slot.is_none());
            let Some(slot) = slot else {
                return Err(Error::InvalidParameter {
                    name: "encoderJson",
                    value: format!("id {id} for {token:?} (out of range or given twice)").into(),
                    allowed: format!("ids 0 … {} given once each, as in encoder_bpe_40000.json", size - 1),
                });
            };
            *slot = Some(token.as_str().into());
            encoder.insert(token.into_boxed_str(), id);
        }
        if size == 0 {
            return Err(Error::InvalidParameter {
                name: "encoderJson",
                value: "an empty object".to_string().into(),
                allowed: "the text of encoder_bpe_40000.json (40,478 tokens)".into(),
            });
        }
        Ok(Gpt1Tokenizer {
            english: English::new(),
            merges: Merges::parse(merges)?,
            encoder,
            decoder: decoder.into_iter().map(Option::unwrap_or_default).collect(),
            words: FastMap::default(),
            chunks: FastMap::default(),
        })
    }

    /// The vocabulary's size (40,478): the first special token's id.
    pub fn size(&self) -> usize {
        self.decoder.len()
    }

    /// How many merges were read (40,000).
    pub fn merge_count(&self) -> usize {
        self.merges.count()
    }

    /// The id of `_start_`, `_delimiter_` or `_classify_` (0, 1, 2 in [`SPECIAL_TOKENS`]).
    pub fn special_id(&self, which: usize) -> u32 {
        (self.size() + which) as u32
    }

    /// GPT-1's ids for `text`.
    pub fn encode(&mut self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        self.run(text, &mut |more| ids.extend_from_slice(more));
        ids
    }

    /// GPT-1's pieces for `text`: the text of each id, the last piece of each token ending in `</w>`.
    pub fn pieces(&mut self, text: &str) -> Vec<String> {
        let clean = clean_text(text);
        let mut pieces = Vec::new();
        for t in self.tokens(&clean) {
            pieces.extend(self.word(&clean[t.start..t.end]).pieces.iter().map(|p| p.to_string()));
        }
        pieces
    }

    /// Every step's result for `text`: the text after ftfy and after `text_standardize`, spaCy's tokens, each
    /// lower-cased, then each token's pieces and ids (together, the pieces and ids of [`Gpt1Tokenizer::pieces`]
    /// and [`Gpt1Tokenizer::encode`]).
    pub fn stages(&mut self, text: &str) -> Stages {
        let fixed = ftfy::fix_text(text);
        let standardized = standardize::text_standardize(&fixed);
        let tokens: Vec<String> =
            self.tokens(&standardized).iter().map(|t| standardized[t.start..t.end].to_string()).collect();
        let lowered = tokens.iter().map(|t| t.to_lowercase()).collect();
        let (mut pieces, mut ids) = (Vec::with_capacity(tokens.len()), Vec::with_capacity(tokens.len()));
        for token in &tokens {
            let word = self.word(token);
            pieces.push(word.pieces.iter().map(|p| p.to_string()).collect());
            ids.push(word.ids.clone());
        }
        Stages { fixed, standardized, tokens, lowered, pieces, ids }
    }

    /// The tokens spaCy's rules cut the cleaned text into (before lower-casing), for teaching and tests.
    pub fn spacy_tokens(&self, text: &str) -> Vec<String> {
        let clean = clean_text(text);
        self.tokens(&clean).iter().map(|t| clean[t.start..t.end].to_string()).collect()
    }

    /// spaCy's tokens of cleaned text, all at once (no caches).
    fn tokens(&self, clean: &str) -> Vec<Token> {
        let mut tokens: Vec<Token> = Vec::new();
        spacy::for_each_chunk(clean, |start, end, space_after| {
            let first = tokens.len();
            self.english.tokenize_chunk(&clean[start..end], &mut tokens);
            for t in &mut tokens[first..] {
                t.start += start;
                t.end += start;
            }
            if let Some(t) = tokens.last_mut() {
                t.space_after = space_after;
            }
        });
        self.english.join_special_phrases(clean, &mut tokens);
        tokens
    }

    /// Text from ids: the pieces joined, each `</w>` a space, the ends trimmed. Special tokens are written by name.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        let mut text = String::new();
        for &id in ids {
            let piece = self.piece(id)?;
            text.push_str(&piece);
        }
        Ok(text.replace("</w>", " ").trim().to_string())
    }

    /// One token's piece as the encoder spells it (`</w>` ends a word's last piece); a special token's name, with
    /// `</w>`, for the three ids after the vocabulary.
    pub fn piece(&self, id: u32) -> Result<std::borrow::Cow<'_, str>> {
        if let Some(piece) = self.decoder.get(id as usize) {
            return Ok(std::borrow::Cow::Borrowed(piece.as_ref()));
        }
        let special = (id as usize).checked_sub(self.size()).and_then(|k| SPECIAL_TOKENS.get(k));
        let Some(special) = special else {
            return Err(Error::InvalidParameter {
                name: "ids",
                value: Given::Number(id as f64),
                allowed: format!(
                    "token ids from 0 to {} ({} … {} are the special tokens)",
                    self.size() + 2,
                    self.size(),
                    self.size() + 2
                ),
            });
        };
        Ok(std::borrow::Cow::Owned(format!("{special}</w>")))
    }

    /// The merge passes that build one word (lower-cased, as GPT-1 sees it), for a step-through: its characters
    /// first, then the word after each merge, the lowest rank first.
    pub fn merges(&self, word: &str) -> Result<Vec<MergeStep>> {
        let chars = word.chars().count();
        if chars == 0 || chars > MAX_STEP_WORD || word.chars().any(spacy::is_space) {
            return Err(Error::InvalidParameter {
                name: "word",
                value: format!("{:?}", word.chars().take(40).collect::<String>()).into(),
                allowed: format!("one word: 1 … {MAX_STEP_WORD} characters, no spaces"),
            });
        }
        let word = word.to_lowercase();
        let text_of = |symbols: &[merges::Symbol]| -> Vec<String> {
            symbols.iter().map(|s| piece_text(&word, s.start, s.end)).collect()
        };
        let mut steps = Vec::new();
        let first: Vec<String> = word.char_indices().map(|(i, c)| piece_text(&word, i, i + c.len_utf8())).collect();
        steps.push(MergeStep { merge: None, symbols: first });
        self.merges.apply(
            &word,
            Some(&mut |symbols, (l, r, rank)| {
                steps.push(MergeStep {
                    merge: Some((self.merges.name(l).to_string(), self.merges.name(r).to_string(), rank)),
                    symbols: text_of(symbols),
                });
            }),
        );
        Ok(steps)
    }

    /// The pipeline for `encode`, chunk by chunk through the caches: `on_ids` gets the ids in order.
    fn run(&mut self, text: &str, on_ids: &mut dyn FnMut(&[u32])) {
        let clean = clean_text(text);
        // tokens of chunks that the special-case pass may still join, waiting for a chunk it cannot touch
        let mut pending: Vec<Token> = Vec::new();
        spacy::for_each_chunk(&clean, |start, end, space_after| {
            let chunk = &clean[start..end];
            // the common case: a chunk seen before, which no special case can reach across
            if pending.is_empty() {
                if let Some(Chunk { ids: Some(ids), .. }) = self.chunks.get(chunk) {
                    on_ids(ids);
                    return;
                }
            }
            if !self.chunks.contains_key(chunk) {
                let made = self.make_chunk(chunk);
                if self.chunks.len() >= CACHE_LIMIT {
                    self.chunks.clear();
                }
                self.chunks.insert(chunk.into(), made);
            }
            if self.chunks[chunk].ids.is_some() {
                // no special case can reach across this chunk: what waits is complete
                self.flush(&clean, &mut pending, on_ids);
                if let Some(ids) = &self.chunks[chunk].ids {
                    on_ids(ids);
                }
            } else {
                let tokens = &self.chunks[chunk].tokens;
                pending.extend(tokens.iter().map(|&(a, b)| Token {
                    start: start + a as usize,
                    end: start + b as usize,
                    space_after: false,
                }));
                if let Some(t) = pending.last_mut() {
                    t.space_after = space_after;
                }
            }
        });
        self.flush(&clean, &mut pending, on_ids);
    }

    /// Runs the special-case pass over the waiting tokens and hands their ids on.
    fn flush(&mut self, clean: &str, pending: &mut Vec<Token>, on_ids: &mut dyn FnMut(&[u32])) {
        if pending.is_empty() {
            return;
        }
        self.english.join_special_phrases(clean, pending);
        for t in pending.drain(..) {
            on_ids(&self.word(&clean[t.start..t.end]).ids);
        }
    }

    fn make_chunk(&mut self, chunk: &str) -> Chunk {
        let mut tokens = Vec::new();
        self.english.tokenize_chunk(chunk, &mut tokens);
        let joinable = self.english.may_join_within(chunk, &tokens);
        let ids = (!joinable).then(|| {
            let mut ids = Vec::new();
            for t in &tokens {
                ids.extend_from_slice(&self.word(&chunk[t.start..t.end]).ids);
            }
            ids
        });
        Chunk { tokens: tokens.iter().map(|t| (t.start as u32, t.end as u32)).collect(), ids }
    }

    /// The pieces and ids of one spaCy token, from the cache or made now.
    fn word(&mut self, token: &str) -> &Word {
        if !self.words.contains_key(token) {
            let word = self.make_word(token);
            if self.words.len() >= CACHE_LIMIT {
                self.words.clear();
            }
            self.words.insert(token.into(), word);
        }
        &self.words[token]
    }

    fn make_word(&self, token: &str) -> Word {
        let lower = token.to_lowercase();
        let symbols = self.merges.apply(&lower, None);
        let mut pieces: Vec<Box<str>> = symbols.iter().map(|s| piece_text(&lower, s.start, s.end).into()).collect();
        // the original joins the pieces with spaces and splits them again, so a piece holding a space (only
        // whitespace tokens have them) falls apart; and it turns "\n" + " </w>" into one "\n</w>"
        if pieces.iter().any(|p| p.contains(' ')) {
            let mut joined = pieces.join(" ");
            if joined == "\n  </w>" {
                joined = "\n</w>".into();
            }
            pieces = joined.split(' ').map(Into::into).collect();
        }
        let ids = pieces.iter().map(|p| self.encoder.get(p).copied().unwrap_or(0)).collect();
        Word { pieces, ids }
    }
}

/// Steps 1 and 2: `text_standardize(ftfy.fix_text(text))`.
pub fn clean_text(text: &str) -> String {
    standardize::text_standardize(&ftfy::fix_text(text))
}

/// The text of a piece: its characters, and `</w>` when it ends the word.
fn piece_text(word: &str, start: usize, end: usize) -> String {
    let mut piece = word[start..end].to_string();
    if end == word.len() {
        piece.push_str("</w>");
    }
    piece
}
