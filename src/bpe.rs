//! Byte-pair encoding, the classic way: start from characters and repeatedly merge the most frequent adjacent
//! pair. GPT-1 learned 40,000 merges; here the corpus is small and the number of merges is the user's.
//!
//! Text is first cut into chunks that merges never cross: a run of non-space characters together with the one
//! space before it (so `" chai"` can become a single token, as in GPT-2), and every other whitespace character
//! on its own. Ties between equally frequent pairs go to the pair whose two tokens come first in code-point order
//! (left token first, then right token).

use rustc_hash::FxHashMap;

/// The most merges that can be learned: 10,000.
pub const MAX_MERGES: usize = 10_000;

/// Learned merges, in the order they were learned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bpe {
    /// The merges `(left, right)` in order; merge i creates `left + right`.
    merges: Vec<(String, String)>,
    /// Every symbol seen while learning (characters, then merged tokens), by id, and the reverse.
    symbol_ids: FxHashMap<String, u32>,
    symbols: Vec<String>,
    /// How many of `symbols` are base symbols (characters of the corpus); the rest are merges' results.
    base: usize,
    /// `(left id, right id)` → rank << 32 | id of the merged symbol (one u64: the same map type as the pair counts,
    /// so the page's module carries one copy of its code).
    ranks: FxHashMap<(u32, u32), u64>,
}

/// Cuts a piece of text into the chunks that merges never cross.
pub fn chunks(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let mut end = first.len_utf8();
        let leading_space = first == ' ' && rest[end..].chars().next().is_some_and(|c| !c.is_whitespace());
        if !first.is_whitespace() || leading_space {
            end += rest[end..].find(char::is_whitespace).unwrap_or(rest.len() - end);
        }
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

/// A chunk while learning: its symbols (ids) and how often the chunk occurs.
struct Word {
    symbols: Vec<u32>,
    count: u64,
}

impl Word {
    fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.symbols.windows(2).map(|w| (w[0], w[1]))
    }
}

impl Bpe {
    /// Learns up to `merges` merges from the chunks of `pieces` (lines, or a whole stream).
    pub fn learn<'t>(pieces: impl Iterator<Item = &'t str>, merges: usize) -> Bpe {
        let mut bpe = Bpe::default();
        // distinct chunks with their counts, in order of first appearance
        // (String keys, as the vocabulary's: one map type fewer in the module)
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        let mut words: Vec<Word> = Vec::new();
        for piece in pieces {
            for chunk in chunks(piece) {
                match index.get(chunk) {
                    Some(&i) => words[i as usize].count += 1,
                    None => {
                        index.insert(chunk.to_string(), words.len() as u32);
                        let symbols = crate::tokens::chars(chunk).map(|c| bpe.intern(c)).collect();
                        words.push(Word { symbols, count: 1 });
                    }
                }
            }
        }
        bpe.base = bpe.symbols.len();
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
            // the most frequent pair; ties to the lexicographically first (left, right)
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

    /// Every symbol: the base symbols (each character of the corpus, in order of first appearance), then each
    /// merge's result in merge order (a string two merges both make is listed once, at the first).
    pub fn symbols(&self) -> &[String] {
        &self.symbols
    }

    /// The base symbols: every character of the corpus, in order of first appearance.
    pub fn base_symbols(&self) -> &[String] {
        &self.symbols[..self.base]
    }

    /// Each merge's result, in merge order.
    pub fn merged_symbols(&self) -> &[String] {
        &self.symbols[self.base..]
    }

    /// Appends the tokens of `text` to `out`: each chunk's characters, merged by rank (lowest first).
    pub fn segment_into<'t>(&self, text: &'t str, out: &mut Vec<&'t str>) {
        for chunk in chunks(text) {
            // symbols as byte ranges of the chunk, with their ids (None: a character never seen while learning)
            let mut symbols: Vec<(usize, usize, Option<u32>)> = chunk
                .char_indices()
                .map(|(i, c)| (i, i + c.len_utf8(), self.symbol_ids.get(&chunk[i..i + c.len_utf8()]).copied()))
                .collect();
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
            out.extend(symbols.iter().map(|&(start, end, _)| &chunk[start..end]));
        }
    }

    /// The tokens of `text`.
    pub fn segment<'t>(&self, text: &'t str) -> Vec<&'t str> {
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
