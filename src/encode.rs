//! Part B: GPT-1's input transformations. One transformer serves every task because each task's input is
//! turned into a flat token sequence with `[START]`, `[DELIM]` and `[EXTRACT]` around the texts.

use crate::error::{Error, Result};
use crate::tokens::{DELIM, EXTRACT, START, Tokenizer, Vocab, check_not_special, check_text_size, tokenize_piece};

/// The four task formats of the GPT-1 paper's Figure 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskInput {
    /// `[START] text [EXTRACT]`.
    Classification { text: String },
    /// `[START] premise [DELIM] hypothesis [EXTRACT]`.
    Entailment { premise: String, hypothesis: String },
    /// Both orders: `[START] a [DELIM] b [EXTRACT]` and `[START] b [DELIM] a [EXTRACT]`.
    Similarity { a: String, b: String },
    /// One `[START] context [DELIM] answer [EXTRACT]` per answer.
    MultipleChoice { context: String, answers: Vec<String> },
}

/// The task names the JavaScript API accepts, in the order the paper lists them.
pub const TASKS: [&str; 4] = ["classification", "entailment", "similarity", "multipleChoice"];

/// One encoded sequence: its tokens and their ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// Token strings, special tokens included.
    pub tokens: Vec<String>,
    /// Their ids: the model's vocabulary, then `[EXTRACT]` = V and `[DELIM]` = V + 1.
    pub ids: Vec<u32>,
}

/// The model's vocabulary extended by Part B's two tokens: `[EXTRACT]` gets id V, `[DELIM]` id V + 1 (and
/// `[START]` V + 2 when the model has none, as a stream model does).
pub struct TaskVocab<'a> {
    vocab: &'a Vocab,
    tokenizer: &'a Tokenizer,
}

impl<'a> TaskVocab<'a> {
    /// Extends `vocab`; texts are cut into tokens by `tokenizer`.
    pub fn new(vocab: &'a Vocab, tokenizer: &'a Tokenizer) -> Self {
        TaskVocab { vocab, tokenizer }
    }

    /// `[START]`'s id: the model's own, or V + 2.
    pub fn start(&self) -> u32 {
        self.vocab.id(START).unwrap_or(self.vocab.len() as u32 + 2)
    }

    /// `[EXTRACT]`'s id: V.
    pub fn extract(&self) -> u32 {
        self.vocab.len() as u32
    }

    /// `[DELIM]`'s id: V + 1.
    pub fn delim(&self) -> u32 {
        self.vocab.len() as u32 + 1
    }

    fn push_special(&self, out: &mut Encoded, token: &str) {
        let id = match token {
            EXTRACT => self.extract(),
            DELIM => self.delim(),
            _ => self.start(),
        };
        out.tokens.push(token.to_string());
        out.ids.push(id);
    }

    fn push_text(&self, out: &mut Encoded, text: &str, field: &str) -> Result<()> {
        check_text_size("an input text (in UTF-8 bytes)", text)?;
        let mut tokens = Vec::new();
        tokenize_piece(text, self.tokenizer, &mut tokens);
        for token in tokens {
            check_not_special(&token, || field.to_string())?;
            let id = self
                .vocab
                .id(&token)
                .ok_or_else(|| Error::UnknownWord { word: token.to_string(), field: field.to_string() })?;
            out.tokens.push(token.into_owned());
            out.ids.push(id);
        }
        Ok(())
    }

    /// `[START] first ([DELIM] second)? [EXTRACT]`.
    fn sequence(&self, first: (&str, &str), second: Option<(&str, &str)>) -> Result<Encoded> {
        let mut out = Encoded { tokens: Vec::new(), ids: Vec::new() };
        self.push_special(&mut out, START);
        self.push_text(&mut out, first.0, first.1)?;
        if let Some((text, field)) = second {
            self.push_special(&mut out, DELIM);
            self.push_text(&mut out, text, field)?;
        }
        self.push_special(&mut out, EXTRACT);
        Ok(out)
    }

    /// Turns a task's input into its token sequences (similarity: two; multiple choice: one per answer).
    pub fn encode(&self, input: &TaskInput) -> Result<Vec<Encoded>> {
        match input {
            TaskInput::Classification { text } => Ok(vec![self.sequence((text, "text"), None)?]),
            TaskInput::Entailment { premise, hypothesis } => {
                Ok(vec![self.sequence((premise, "premise"), Some((hypothesis, "hypothesis")))?])
            }
            TaskInput::Similarity { a, b } => {
                Ok(vec![self.sequence((a, "a"), Some((b, "b")))?, self.sequence((b, "b"), Some((a, "a")))?])
            }
            TaskInput::MultipleChoice { context, answers } => {
                if answers.is_empty() {
                    return Err(Error::InvalidParameter {
                        name: "answers",
                        value: "[]".into(),
                        allowed: "a list of at least one answer".into(),
                    });
                }
                answers
                    .iter()
                    .enumerate()
                    .map(|(i, answer)| self.sequence((context, "context"), Some((answer, &format!("answers[{i}]")))))
                    .collect()
            }
        }
    }
}

/// Encodes `input` for `model`: its tokenizer cuts the texts, its vocabulary extended by `[EXTRACT]` and
/// `[DELIM]` numbers the tokens.
pub fn encode(model: &crate::NgramModel, input: &TaskInput) -> Result<Vec<Encoded>> {
    TaskVocab::new(model.vocab(), model.tokenizer()).encode(input)
}
