//! Byte-pair encoding as GPT-1 learnt its own: every word of the text (cut at whitespace) is spelt in characters,
//! its last character marked with `</w>` (the word ends here), and the most frequent pair of neighbouring pieces
//! is merged into one new piece, again and again. A merge never crosses the end of a word, so a word is spelt the
//! same wherever it stands in a line, and `chai</w>` (a whole word) is another piece than the `chai` that starts
//! `chaiwala`. GPT-1 learnt 40,000 merges; here the corpus is small and the number of merges is the user's.
//! Learning stops early once every word of the corpus is a single piece: no pair is left to merge. Ties between
//! equally frequent pairs go to the pair whose two pieces come first in code-point order (left piece first, then
//! right piece).

use std::borrow::Cow;

use rustc_hash::FxHashMap;

/// The most merges that can be learned: 10,000.
pub const MAX_MERGES: usize = 10_000;

/// The mark on a word's last piece: GPT-1's, as its released vocabulary spells it.
pub const WORD_END: &str = "</w>";

/// Learned merges, in the order they were learned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bpe {
    /// The merges `(left, right)` in order; merge i creates `left + right`.
    merges: Vec<(String, String)>,
    /// Every symbol seen while learning (characters, then merged tokens), by id, and the reverse.
    symbol_ids: FxHashMap<String, u32>,
    symbols: Vec<String>,
    /// How many of `symbols` are base symbols (the corpus's characters, alone and ending a word); the rest are
    /// merges' results.
    base: usize,
    /// `(left id, right id)` → rank << 32 | id of the merged symbol (one u64: the same map type as the pair counts,
    /// so the page's module carries one copy of its code).
    ranks: FxHashMap<(u32, u32), u64>,
}

/// A word while learning: its symbols (ids) and how often the word occurs.
struct Word {
    symbols: Vec<u32>,
    count: u64,
}

impl Word {
    fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.symbols.windows(2).map(|w| (w[0], w[1]))
    }
}

/// `piece` with `</w>` after it: the piece ending a word.
fn ending_word(piece: &str) -> String {
    let mut ending = String::with_capacity(piece.len() + WORD_END.len());
    ending.push_str(piece);
    ending.push_str(WORD_END);
    ending
}

impl Bpe {
    /// Learns up to `merges` merges from the words of `pieces` (lines, or a whole stream).
    pub fn learn<'t>(pieces: impl Iterator<Item = &'t str>, merges: usize) -> Bpe {
        let mut bpe = Bpe::default();
        // distinct words with their counts, in order of first appearance
        // (String keys, as the vocabulary's: one map type fewer in the module)
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        let mut distinct: Vec<(&str, u64)> = Vec::new();
        for piece in pieces {
            for word in crate::tokens::words(piece) {
                match index.get(word) {
                    Some(&i) => distinct[i as usize].1 += 1,
                    None => {
                        index.insert(word.to_string(), distinct.len() as u32);
                        distinct.push((word, 1));
                    }
                }
            }
        }
        // the base symbols, as GPT-1's: every character of the corpus in order of first appearance, then each of
        // them again ending a word, so that any word spelt with the corpus's characters can be segmented
        for &(word, _) in &distinct {
            for c in crate::tokens::chars(word) {
                bpe.intern(c);
            }
        }
        for i in 0..bpe.symbols.len() {
            let ending = ending_word(&bpe.symbols[i]);
            bpe.intern(&ending);
        }
        bpe.base = bpe.symbols.len();
        let mut spelt = Vec::new();
        let mut words: Vec<Word> = Vec::with_capacity(distinct.len());
        for &(word, count) in &distinct {
            bpe.spell(word, &mut spelt);
            words.push(Word { symbols: spelt.iter().map(|&(_, _, id)| id.unwrap_or(0)).collect(), count });
        }
        // how often each adjacent pair occurs, and which words hold it
        let mut pair_counts: FxHashMap<(u32, u32), u64> = FxHashMap::default();
        let mut holders: FxHashMap<(u32, u32), Vec<usize>> = FxHashMap::default();
        for (i, word) in words.iter().enumerate() {
            for pair in word.pairs() {
                *pair_counts.entry(pair).or_default() += word.count;
                holders.entry(pair).or_default().push(i);
            }
        }
        while bpe.merges.len() < merges.min(MAX_MERGES) {
            // the most frequent pair; ties to the lexicographically first (left, right). None: every word is one
            // piece, and learning ends
            let names = &bpe.symbols;
            let best = pair_counts
                .iter()
                .filter(|(_, count)| **count > 0)
                .max_by(|(a, ca), (b, cb)| {
                    ca.cmp(cb).then_with(|| {
                        (&names[b.0 as usize], &names[b.1 as usize]).cmp(&(&names[a.0 as usize], &names[a.1 as usize]))
                    })
                })
                .map(|(pair, _)| *pair);
            let Some((left, right)) = best else { break };
            let (left_name, right_name) = (names[left as usize].clone(), names[right as usize].clone());
            let merged_name = format!("{left_name}{right_name}");
            let merged = bpe.intern(&merged_name);
            bpe.ranks.insert((left, right), ((bpe.merges.len() as u64) << 32) | u64::from(merged));
            bpe.merges.push((left_name, right_name));
            // re-count only the words that hold the pair
            let mut affected = holders.remove(&(left, right)).unwrap_or_default();
            affected.dedup();
            for i in affected {
                let word = &mut words[i];
                if !word.pairs().any(|p| p == (left, right)) {
                    continue;
                }
                for pair in word.pairs() {
                    *pair_counts.get_mut(&pair).expect("counted") -= word.count;
                }
                word.symbols = merge_pair(&word.symbols, (left, right), merged);
                for pair in word.pairs() {
                    *pair_counts.entry(pair).or_default() += word.count;
                    holders.entry(pair).or_default().push(i);
                }
            }
            pair_counts.remove(&(left, right));
        }
        bpe
    }

    /// A word's starting symbols into `out` (emptied first): each character as `(start, end, id)`, byte ranges of
    /// `word`, the last character looked up with `</w>` (None: a symbol this tokenizer never saw).
    fn spell(&self, word: &str, out: &mut Vec<(usize, usize, Option<u32>)>) {
        out.clear();
        for (i, c) in word.char_indices() {
            let end = i + c.len_utf8();
            let symbol = &word[i..end];
            let id = if end == word.len() {
                self.symbol_ids.get(ending_word(symbol).as_str())
            } else {
                self.symbol_ids.get(symbol)
            };
            out.push((i, end, id.copied()));
        }
    }

    /// The tokenizer that applies `merges` in order (as [`Bpe::merges`] lists them): segments exactly as the
    /// tokenizer that learned them. (A character in no merge stays alone either way.)
    pub fn from_merges(merges: Vec<(String, String)>) -> Bpe {
        let mut bpe = Bpe::default();
        for (rank, (left, right)) in merges.iter().enumerate() {
            let (l, r) = (bpe.intern(left), bpe.intern(right));
            let merged = bpe.intern(&format!("{left}{right}"));
            // a repeated pair keeps its first (lowest) rank, as learning would never have made it twice
            bpe.ranks.entry((l, r)).or_insert(((rank as u64) << 32) | u64::from(merged));
        }
        bpe.merges = merges;
        bpe
    }

    /// The id of symbol `s`, adding it when new.
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.symbol_ids.get(s) {
            return id;
        }
        self.symbols.push(s.to_string());
        self.symbol_ids.insert(s.to_string(), self.symbols.len() as u32 - 1);
        self.symbols.len() as u32 - 1
    }

    /// The merges in the order they were learned.
    pub fn merges(&self) -> &[(String, String)] {
        &self.merges
    }

    /// Every symbol: the base symbols (each character of the corpus in order of first appearance, then each of them
    /// with `</w>`), then each merge's result in merge order (a string two merges both make is listed once, at the
    /// first).
    pub fn symbols(&self) -> &[String] {
        &self.symbols
    }

    /// The base symbols: every character of the corpus in order of first appearance, then each of them with `</w>`.
    pub fn base_symbols(&self) -> &[String] {
        &self.symbols[..self.base]
    }

    /// Each merge's result, in merge order.
    pub fn merged_symbols(&self) -> &[String] {
        &self.symbols[self.base..]
    }

    /// Appends the tokens of `text` to `out`: each word's characters (the last with `</w>`), merged by rank,
    /// lowest first. A character this tokenizer never saw stays a piece of its own, and has no id.
    pub fn segment_into<'t>(&'t self, text: &'t str, out: &mut Vec<Cow<'t, str>>) {
        let mut symbols = Vec::new();
        for word in crate::tokens::words(text) {
            self.spell(word, &mut symbols);
            loop {
                let best = symbols
                    .windows(2)
                    .enumerate()
                    .filter_map(|(i, w)| Some((i, *self.ranks.get(&(w[0].2?, w[1].2?))?)))
                    .min_by_key(|&(_, ranked)| ranked); // the rank is in the high bits
                let Some((i, ranked)) = best else { break };
                symbols[i] = (symbols[i].0, symbols[i + 1].1, Some(ranked as u32));
                symbols.remove(i + 1);
            }
            out.extend(symbols.iter().map(|&(start, end, id)| match id {
                Some(id) => Cow::Borrowed(self.symbols[id as usize].as_str()),
                None if end == word.len() => Cow::Owned(ending_word(&word[start..end])),
                None => Cow::Borrowed(&word[start..end]),
            }));
        }
    }

    /// The tokens of `text`.
    pub fn segment<'t>(&'t self, text: &'t str) -> Vec<Cow<'t, str>> {
        let mut out = Vec::new();
        self.segment_into(text, &mut out);
        out
    }
}

/// Replaces every non-overlapping occurrence of `pair` in `symbols`, left to right, by `merged`.
fn merge_pair(symbols: &[u32], pair: (u32, u32), merged: u32) -> Vec<u32> {
    let mut out = Vec::with_capacity(symbols.len());
    let mut i = 0;
    while i < symbols.len() {
        if i + 1 < symbols.len() && (symbols[i], symbols[i + 1]) == pair {
            out.push(merged);
            i += 2;
        } else {
            out.push(symbols[i]);
            i += 1;
        }
    }
    out
}
