//! Step 4 of GPT-1's pipeline: byte-pair encoding with the 40,000 released merges, as `TextEncoder.bpe` applies
//! them: a word starts as its characters, the last one marked `</w>`; the adjacent pair with the lowest rank is
//! merged everywhere it occurs (left to right), and again, until no adjacent pair is a merge.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::error::{Error, Result};
use rustc_hash::FxHashMap;

/// The merges, as symbol ids: which pair merges at which rank, into which symbol.
pub struct Merges {
    /// Every symbol the merges name (left, right and merged), by id.
    symbols: FxHashMap<Box<str>, u32>,
    /// (left, right) -> (rank, merged symbol).
    pairs: FxHashMap<(u32, u32), (u32, u32)>,
    /// The pairs by rank, for the step-through.
    ranked: Vec<(u32, u32)>,
    /// A character -> its symbol inside a word and at a word's end (`c</w>`), for the characters the merges name.
    chars: FxHashMap<char, (u32, u32)>,
    names: Vec<Box<str>>,
}

/// One pass of the merge loop, for a step-through: the pair merged, its rank, and the word after it.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeStep {
    /// The pair merged in this pass and its rank (0 = the first merge learnt); `None` for the starting characters.
    pub merge: Option<(String, String, u32)>,
    /// The word's symbols after the pass, the last one ending in `</w>`.
    pub symbols: Vec<String>,
}

impl Merges {
    /// Reads `vocab_40000.bpe`: a `#version` line, then one `left right` pair a line, in rank order. As the original
    /// reads it, the text after the last line break is ignored and a later duplicate of a pair wins.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |got: String| Error::InvalidParameter {
            name: "merges",
            value: got.into(),
            allowed: "the text of vocab_40000.bpe (a \"#version\" line, then one \"left right\" pair a line)".into(),
        };
        let lines: Vec<&str> = text.split('\n').collect();
        if !lines[0].starts_with("#version") {
            return Err(bad(format!("a first line {:?}", short(lines[0]))));
        }
        let mut merges = Merges {
            symbols: FxHashMap::default(),
            pairs: FxHashMap::default(),
            ranked: Vec::new(),
            chars: FxHashMap::default(),
            names: Vec::new(),
        };
        let body = &lines[1..lines.len().saturating_sub(1).max(1)];
        for (rank, line) in body.iter().enumerate() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [left, right] = parts[..] else {
                return Err(bad(format!("line {} {:?}, which is not two symbols", rank + 2, short(line))));
            };
            let (l, r) = (merges.intern(left), merges.intern(right));
            let merged = merges.intern(&format!("{left}{right}"));
            merges.pairs.insert((l, r), (rank as u32, merged));
            merges.ranked.push((l, r));
        }
        // the starting symbols of words, looked up once per character instead of by text
        for (name, &id) in &merges.symbols {
            let mut chars = name.chars();
            let (Some(c), rest) = (chars.next(), chars.as_str()) else { continue };
            let entry = merges.chars.entry(c).or_insert((UNKNOWN, UNKNOWN));
            match rest {
                "" => entry.0 = id,
                "</w>" => entry.1 = id,
                _ => {}
            }
        }
        if merges.ranked.is_empty() {
            return Err(bad("no merge lines".into()));
        }
        Ok(merges)
    }

    /// How many merge lines were read.
    pub fn count(&self) -> usize {
        self.ranked.len()
    }

    fn intern(&mut self, symbol: &str) -> u32 {
        if let Some(&id) = self.symbols.get(symbol) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(symbol.into());
        self.symbols.insert(symbol.into(), id);
        id
    }

    /// `bpe(token)`: the pieces of one lower-cased token, each a range of `token` and whether it ends the word.
    /// `step` sees the word after each pass that merged something (for the step-through).
    pub fn apply(&self, token: &str, mut step: Option<&mut OnStep>) -> Vec<Symbol> {
        // the starting symbols: one per character, `</w>` on the last
        let n = token.chars().count();
        let mut word: Vec<Symbol> = Vec::with_capacity(n);
        for (k, (i, c)) in token.char_indices().enumerate() {
            let end = i + c.len_utf8();
            let (inside, last) = self.chars.get(&c).copied().unwrap_or((UNKNOWN, UNKNOWN));
            let id = if k + 1 == n { last } else { inside };
            word.push(Symbol { start: i, end, id, prev: k.wrapping_sub(1), next: k + 1 });
        }
        if n < 2 {
            return word;
        }
        // every adjacent pair that is a merge, by (rank, position)
        let mut heap = BinaryHeap::new();
        let rank_of = |word: &[Symbol], left: usize| -> Option<u32> {
            let right = word[left].next;
            (right < word.len() && word[left].id != UNKNOWN && word[right].id != UNKNOWN)
                .then(|| self.pairs.get(&(word[left].id, word[right].id)).map(|&(rank, _)| rank))
                .flatten()
        };
        for left in 0..n - 1 {
            if let Some(rank) = rank_of(&word, left) {
                heap.push(Reverse((rank, left)));
            }
        }
        let mut alive = n;
        let mut pass = Vec::new();
        while let Some(&Reverse((rank, _))) = heap.peek() {
            // one pass: every occurrence of the lowest-ranked pair, left to right (symbols keep their order, so the
            // index of the left symbol orders them)
            pass.clear();
            while let Some(&Reverse((r, left))) = heap.peek() {
                if r != rank {
                    break;
                }
                heap.pop();
                pass.push(left);
            }
            pass.sort_unstable();
            let mut merged_any = false;
            for &left in &pass {
                // skip occurrences that an earlier merge of this pass (or of an earlier pass) used up
                if word[left].id == DEAD || rank_of(&word, left) != Some(rank) {
                    continue;
                }
                let right = word[left].next;
                let (_, merged) = self.pairs[&(word[left].id, word[right].id)];
                word[left].id = merged;
                word[left].end = word[right].end;
                word[left].next = word[right].next;
                word[right].id = DEAD;
                if word[left].next < n {
                    let after = word[left].next;
                    word[after].prev = left;
                }
                alive -= 1;
                merged_any = true;
                // the merged symbol makes new pairs with its neighbours
                if let Some(r) = rank_of(&word, left) {
                    heap.push(Reverse((r, left)));
                }
                let before = word[left].prev;
                if before < n {
                    if let Some(r) = rank_of(&word, before) {
                        heap.push(Reverse((r, before)));
                    }
                }
            }
            if merged_any {
                if let Some(step) = step.as_mut() {
                    let (l, r) = self.ranked[rank as usize];
                    let live: Vec<Symbol> = word.iter().filter(|s| s.id != DEAD).copied().collect();
                    step(&live, (l, r, rank));
                }
            }
            if alive == 1 {
                break;
            }
        }
        word.retain(|s| s.id != DEAD);
        word
    }

    /// The text of a symbol id from the merges file.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// Called after each merging pass with the word's symbols and (left id, right id, rank) of the pair merged.
pub type OnStep<'a> = dyn FnMut(&[Symbol], (u32, u32, u32)) + 'a;

/// A symbol of a word being merged: a range of the token, its id in the merges (or `UNKNOWN`), and its
/// neighbours while merging.
#[derive(Clone, Copy, Debug)]
pub struct Symbol {
    pub start: usize,
    pub end: usize,
    id: u32,
    prev: usize,
    next: usize,
}

/// A symbol no merge names: it never merges.
const UNKNOWN: u32 = u32::MAX;
/// A symbol merged into the one on its left.
const DEAD: u32 = u32::MAX - 1;

fn short(text: &str) -> String {
    text.chars().take(40).collect()
}
