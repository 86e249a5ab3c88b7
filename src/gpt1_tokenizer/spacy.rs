//! Step 3 of GPT-1's pipeline: spaCy's English tokenizer (`spacy.lang.en.English().tokenizer`, spaCy 3.8), rule for
//! rule, without regular expressions.
//!
//! How spaCy cuts a text: split at whitespace (one space between chunks is dropped, other whitespace becomes a
//! token); a chunk spelt like a special case (`don't` -> `do` `n't`) becomes the special case's tokens; otherwise
//! prefixes (`(`, `"`, `$` …) are cut from the front and suffixes (`,`, `.`, `'s`, `km` after a digit …) from the
//! back, again and again, stopping early when what is left is a special case; what is left is kept whole if it is
//! a URL, or else cut at infixes (`...`, a hyphen between letters, a comma between letters …). A last pass looks for
//! runs of tokens that together spell a special case containing punctuation (`:` `)` -> `:)`) and joins them.
//! The character classes and special cases are spaCy's own, read off its patterns (`spacy_en.rs`).

use super::spacy_en::{
    ALPHA, CLASSES, CURRENCY, DIGIT, DOT_AFTER, HYPHENS, ICON, LOWER, PREFIX, QUOTE, SPECIAL_CASES, SUFFIX, UNITS,
    UPPER, WORD,
};
use rustc_hash::{FxHashMap, FxHashSet};

/// The class bits of a character (0 for most).
pub(super) fn classes(c: char) -> u16 {
    let c = c as u32;
    match CLASSES.binary_search_by(|&(first, last, _)| {
        if last < c {
            std::cmp::Ordering::Less
        } else if first > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => CLASSES[i].2,
        Err(_) => 0,
    }
}

/// True when `c` is in any of the classes in `mask`.
pub(super) fn has_class(c: char, mask: u16) -> bool {
    classes(c) & mask != 0
}

/// Python's `str.isspace()` (and `\s` in its regular expressions): the characters spaCy splits at.
pub(super) fn is_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{20}' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}'
        | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

fn is_ascii_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

fn first(s: &str) -> Option<char> {
    s.chars().next()
}

fn last(s: &str) -> Option<char> {
    s.chars().next_back()
}

/// One token: a range of the text it was cut from, and whether a single space followed it there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Token {
    pub start: usize,
    pub end: usize,
    pub space_after: bool,
}

/// spaCy's English tokenizer: its special cases, and the special cases it re-joins after cutting.
pub(super) struct English {
    specials: FxHashMap<&'static str, &'static [&'static str]>,
    /// Special cases that affix and infix rules cut apart, as the tokens they are cut into; indexed by first token.
    phrases: FxHashMap<String, Vec<Vec<String>>>,
    /// Every token that appears in some phrase: a token outside this set starts and continues no phrase.
    phrase_tokens: FxHashSet<String>,
}

impl English {
    /// Loads the rules: the special cases, and which of them the last pass must look for.
    pub fn new() -> Self {
        let specials: FxHashMap<&'static str, &'static [&'static str]> = SPECIAL_CASES.iter().copied().collect();
        let mut english = English { specials, phrases: FxHashMap::default(), phrase_tokens: FxHashSet::default() };
        // spaCy's add_special_case: a special case that a prefix, suffix or infix rule would cut apart (or that
        // holds a space) is also matched afterwards, as the tokens the rules without special cases make of it
        let mut phrases: FxHashMap<String, Vec<Vec<String>>> = FxHashMap::default();
        for &(text, _) in SPECIAL_CASES {
            if find_prefix(text) == 0 && find_infixes(text).is_empty() && find_suffix(text) == 0 && !text.contains(' ')
            {
                continue;
            }
            let tokens: Vec<String> =
                english.tokenize_with(text, false).iter().map(|t| text[t.start..t.end].to_string()).collect();
            english.phrase_tokens.extend(tokens.iter().cloned());
            phrases.entry(tokens[0].clone()).or_default().push(tokens);
        }
        english.phrases = phrases;
        english
    }

    /// The special case spelt exactly `text`, if there is one.
    pub fn special(&self, text: &str) -> Option<&'static [&'static str]> {
        self.specials.get(text).copied()
    }

    /// Cuts one chunk (no whitespace, or one whitespace run) into tokens, with ranges relative to the chunk.
    pub fn tokenize_chunk(&self, chunk: &str, out: &mut Vec<Token>) {
        self.chunk_into(chunk, true, out)
    }

    /// True when the last pass could change this chunk's tokens: some run of them spells a special case that the
    /// rules cut apart. Otherwise the chunk's tokens are final whatever surrounds it: a run reaching into the next
    /// chunk spans a space or a line break, which no such special case holds, so it changes nothing.
    pub fn may_join_within(&self, chunk: &str, tokens: &[Token]) -> bool {
        let text = |t: &Token| &chunk[t.start..t.end];
        if !tokens.iter().any(|t| self.phrase_tokens.contains(text(t))) {
            return false;
        }
        (0..tokens.len()).any(|i| {
            self.phrases.get(text(&tokens[i])).is_some_and(|phrases| {
                phrases.iter().any(|phrase| {
                    let run = &tokens[i..(i + phrase.len()).min(tokens.len())];
                    run.len() == phrase.len()
                        && phrase.iter().zip(run).all(|(p, t)| p.as_str() == text(t))
                        && self.special(&chunk[run[0].start..run[run.len() - 1].end]).is_some_and(|parts| {
                            parts.len() != run.len() || parts.iter().zip(run).any(|(p, t)| *p != text(t))
                        })
                })
            })
        })
    }

    /// `_tokenize_affixes(text, with_special_cases)` with no last pass: what add_special_case matches against.
    fn tokenize_with(&self, text: &str, specials: bool) -> Vec<Token> {
        let mut tokens = Vec::new();
        for_each_chunk(text, |start, end, space_after| {
            let first = tokens.len();
            self.chunk_into(&text[start..end], specials, &mut tokens);
            for t in &mut tokens[first..] {
                t.start += start;
                t.end += start;
            }
            if let Some(t) = tokens.last_mut() {
                t.space_after = space_after;
            }
        });
        tokens
    }

    fn chunk_into(&self, chunk: &str, specials: bool, out: &mut Vec<Token>) {
        let push = |out: &mut Vec<Token>, start: usize, end: usize| out.push(Token { start, end, space_after: false });
        if specials {
            if let Some(parts) = self.special(chunk) {
                push_special(out, 0, parts);
                return;
            }
        }
        // prefixes and suffixes, cut from the outside in
        let (mut start, mut end) = (0, chunk.len());
        let mut prefixes: Vec<(usize, usize)> = Vec::new();
        let mut suffixes: Vec<(usize, usize)> = Vec::new();
        let mut last_len = usize::MAX;
        while start < end && end - start != last_len {
            let s = &chunk[start..end];
            if specials && self.special(s).is_some() {
                break;
            }
            last_len = s.len();
            let pre = find_prefix(s);
            if pre != 0 && specials && pre < s.len() && self.special(&s[pre..]).is_some() {
                prefixes.push((start, start + pre));
                start += pre;
                break;
            }
            // the suffix rules see the text without its prefix
            let suf = find_suffix(&s[pre..]);
            if suf != 0 && specials && suf < s.len() && self.special(&s[..s.len() - suf]).is_some() {
                suffixes.push((end - suf, end));
                end -= suf;
                break;
            }
            if pre != 0 {
                prefixes.push((start, start + pre));
            }
            if suf != 0 {
                suffixes.push((end - suf, end));
            }
            start += pre;
            end -= suf;
        }
        for &(a, b) in &prefixes {
            push(out, a, b);
        }
        if start < end {
            let s = &chunk[start..end];
            if let Some(parts) = self.special(s).filter(|_| specials) {
                push_special(out, start, parts);
            } else if is_url(s) {
                push(out, start, end);
            } else {
                // infixes: pieces between them, and the infixes themselves; one at the very start is not cut
                let mut piece_start = 0;
                for (a, b) in find_infixes(s) {
                    if a == 0 {
                        continue;
                    }
                    if a != piece_start {
                        push(out, start + piece_start, start + a);
                    }
                    if a != b {
                        push(out, start + a, start + b);
                    }
                    piece_start = b;
                }
                if piece_start < s.len() {
                    push(out, start + piece_start, end);
                }
            }
        }
        for &(a, b) in suffixes.iter().rev() {
            push(out, a, b);
        }
    }

    /// spaCy's last pass (`_apply_special_cases`): runs of tokens spelling a special case that the rules cut apart
    /// are matched, the longest first (then the leftmost), and replaced by the special case's tokens when the text
    /// they cover, spaces included, is that special case.
    pub fn join_special_phrases(&self, text: &str, tokens: &mut Vec<Token>) {
        let token_text = |t: &Token| &text[t.start..t.end];
        let mut matches: Vec<(usize, usize)> = Vec::new();
        for i in 0..tokens.len() {
            let Some(phrases) = self.phrases.get(token_text(&tokens[i])) else { continue };
            for phrase in phrases {
                let fits = i + phrase.len() <= tokens.len()
                    && phrase.iter().zip(&tokens[i..]).all(|(p, t)| p.as_str() == token_text(t));
                if fits {
                    matches.push((i, i + phrase.len()));
                }
            }
        }
        if matches.is_empty() {
            return;
        }
        // spaCy's filter: longest first, then leftmost; a match is kept when neither its first nor its last token
        // was covered by one looked at before (kept or not)
        matches.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        matches.dedup();
        let mut seen = vec![false; tokens.len()];
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for &(a, b) in &matches {
            if !seen[a] && !seen[b - 1] {
                kept.push((a, b));
            }
            seen[a..b].iter_mut().for_each(|s| *s = true);
        }
        kept.sort();
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        for (a, b) in kept {
            out.extend_from_slice(&tokens[i..a]);
            let (start, end) = (tokens[a].start, tokens[b - 1].end);
            let spelt: String = tokens[a..b]
                .iter()
                .enumerate()
                .flat_map(|(k, t)| [token_text(t), if t.space_after && k + 1 < b - a { " " } else { "" }])
                .collect();
            match self.special(&spelt) {
                Some(parts) if text[start..end] == spelt => {
                    let first = out.len();
                    push_special(&mut out, start, parts);
                    if let Some(t) = out[first..].last_mut() {
                        t.space_after = tokens[b - 1].space_after;
                    }
                }
                _ => out.extend_from_slice(&tokens[a..b]),
            }
            i = b;
        }
        out.extend_from_slice(&tokens[i..]);
        *tokens = out;
    }
}

/// The special case's tokens, laid end to end from `start`.
fn push_special(out: &mut Vec<Token>, start: usize, parts: &[&str]) {
    let mut at = start;
    for part in parts {
        out.push(Token { start: at, end: at + part.len(), space_after: false });
        at += part.len();
    }
}

/// spaCy's whitespace split: calls `f(start, end, space_after)` for each chunk. A chunk is a run of non-space
/// characters or a run of whitespace; a single ' ' after a chunk is dropped and marks it `space_after`.
pub(super) fn for_each_chunk(text: &str, mut f: impl FnMut(usize, usize, bool)) {
    let bytes = text.as_bytes();
    let Some(c0) = first(text) else { return };
    let mut in_space = is_space(c0);
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // ASCII needs no decoding; any other character is read whole
        let (c, width) = if bytes[i] < 0x80 {
            (bytes[i] as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            (c, c.len_utf8())
        };
        if is_space(c) != in_space {
            if start < i {
                f(start, i, c == ' ');
            }
            // a single space between chunks is dropped
            start = if c == ' ' { i + 1 } else { i };
            in_space = !in_space;
        }
        i += width;
    }
    if start < text.len() {
        f(start, text.len(), false);
    }
}

/// The length of the prefix spaCy cuts from the front of `s` (0 for none): the first of its prefix rules that
/// matches — one character of punctuation, quotes, currency or symbols, `+` not before a digit, a run of two or
/// more dots, or `US$`, `C$`, `A$`.
pub(super) fn find_prefix(s: &str) -> usize {
    let Some(c) = first(s) else { return 0 };
    if c == '+' {
        return if is_ascii_digit(s[1..].chars().next()) { 0 } else { 1 };
    }
    if has_class(c, PREFIX) {
        return c.len_utf8();
    }
    if c == '.' {
        let dots = s.bytes().take_while(|&b| b == b'.').count();
        return if dots >= 2 { dots } else { 0 };
    }
    ["US$", "C$", "A$"].iter().find(|p| s.starts_with(*p)).map_or(0, |p| p.len())
}

/// The length of the suffix spaCy cuts from the back of `s` (0 for none): the leftmost place from which one of its
/// suffix rules matches to the end.
pub(super) fn find_suffix(s: &str) -> usize {
    // a run of two or more dots at the end: nothing else matches from further left
    let dots = s.bytes().rev().take_while(|&b| b == b'.').count();
    if dots >= 2 {
        return dots;
    }
    // every other rule spans at most a few characters: try the places in the last ones, leftmost first
    const LONGEST: usize = 6;
    let starts: Vec<usize> = s.char_indices().rev().take(LONGEST).map(|(i, _)| i).collect();
    for &p in starts.iter().rev() {
        if suffix_matches(&s[..p], &s[p..]) {
            return s.len() - p;
        }
    }
    0
}

/// True when a suffix rule matches exactly `tail`, with `before` as what precedes it (for the look-behinds).
fn suffix_matches(before: &str, tail: &str) -> bool {
    let prev = last(before);
    let after_digit = is_ascii_digit(prev);
    if after_digit && (UNITS.contains(&tail) || CURRENCY.contains(&tail)) {
        return true;
    }
    if matches!(tail, "'s" | "'S" | "’s" | "’S" | "……") {
        return true;
    }
    let mut chars = tail.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return false };
    if has_class(c, SUFFIX) || (c == '+' && after_digit) {
        return true;
    }
    if c != '.' {
        return false;
    }
    // a final '.': after a digit, a lower-case letter or punctuation; after °F, °C, °K; after two capitals
    let mut back = before.chars().rev();
    let (p1, p2) = (back.next(), back.next());
    p1.is_some_and(|p| has_class(p, DOT_AFTER))
        || (p2 == Some('°') && matches!(p1, Some('F' | 'f' | 'C' | 'c' | 'K' | 'k')))
        || (p1.is_some_and(|p| has_class(p, UPPER)) && p2.is_some_and(|p| has_class(p, UPPER)))
}

/// The infixes of `s` as byte ranges, found left to right without overlap as Python's `finditer` finds them:
/// runs of dots, `…`, symbols, arithmetic between digits, a '.' between a lower-case and an upper-case letter, a
/// comma between letters, a hyphen after a letter or digit before a letter, and `: < > = /` likewise.
pub(super) fn find_infixes(s: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = first(rest).unwrap_or_default();
        let mut after = rest.chars().skip(1);
        let next = after.next();
        let len = infix_at(prev, rest, c, next);
        if len > 0 {
            found.push((i, i + len));
            prev = last(&s[..i + len]);
            i += len;
        } else {
            prev = Some(c);
            i += c.len_utf8();
        }
    }
    found
}

/// The length of the infix starting at `rest` (0 for none), trying spaCy's infix rules in their order.
fn infix_at(prev: Option<char>, rest: &str, c: char, next: Option<char>) -> usize {
    let prev_is = |mask: u16| prev.is_some_and(|p| has_class(p, mask));
    let next_is = |mask: u16| next.is_some_and(|n| has_class(n, mask));
    if c == '.' && next == Some('.') {
        return rest.bytes().take_while(|&b| b == b'.').count();
    }
    if c == '…' || has_class(c, ICON) {
        return c.len_utf8();
    }
    if is_ascii_digit(prev) && matches!(c, '+' | '-' | '*' | '^') && (is_ascii_digit(next) || next == Some('-')) {
        return 1;
    }
    if c == '.' && prev_is(LOWER | QUOTE) && next_is(UPPER | QUOTE) {
        return 1;
    }
    if c == ',' && prev_is(ALPHA) && next_is(ALPHA) {
        return 1;
    }
    if prev_is(ALPHA) || is_ascii_digit(prev) {
        for h in HYPHENS {
            if let Some(after) = rest.strip_prefix(h) {
                if first(after).is_some_and(|a| has_class(a, ALPHA)) {
                    return h.len();
                }
            }
        }
        if matches!(c, ':' | '<' | '>' | '=' | '/') && next_is(ALPHA) {
            return 1;
        }
    }
    0
}

/// spaCy's URL pattern (`URL_MATCH`, after a pattern by Diego Perini) matched against the whole of `s`: an
/// optional `scheme://`, an optional `user@`, a host (a dotted IPv4 address outside the private ranges, or dotted
/// labels ending in a lower-case top-level domain), an optional `:port`, an optional path after `/`, `?` or `#`.
pub(super) fn is_url(s: &str) -> bool {
    if !s.contains('.') {
        return false; // both kinds of host hold a dot
    }
    let c: Vec<char> = s.chars().collect();
    let n = c.len();
    let not_space = |a: usize, b: usize| c[a..b].iter().all(|&ch| !is_space(ch));
    // after the optional scheme
    let mut starts = vec![0];
    let scheme = c.iter().take_while(|&&ch| has_class(ch, WORD) || matches!(ch, '+' | '-' | '.')).count();
    if scheme >= 2 && c[scheme..].starts_with(&[':', '/', '/']) {
        starts.push(scheme + 3);
    }
    // after the optional user@ (one or more non-space characters, then '@')
    let mut hosts = starts.clone();
    for &p in &starts {
        for j in p + 1..n {
            if is_space(c[j - 1]) {
                break;
            }
            if c[j] == '@' {
                hosts.push(j + 1);
            }
        }
    }
    hosts.sort_unstable();
    hosts.dedup();
    // after the port (optional), the rest must be empty or a path of non-space characters
    let rest_fits = |e: usize| {
        let mut ends = vec![e];
        if e < n && c[e] == ':' {
            let digits = c[e + 1..].iter().take_while(|&&ch| has_class(ch, DIGIT)).count();
            ends.extend((2..=digits.min(5)).map(|k| e + 1 + k));
        }
        ends.into_iter().any(|p| p == n || (matches!(c[p], '/' | '?' | '#') && not_space(p + 1, n)))
    };
    hosts.into_iter().any(|h| ipv4_ends(&c, h).into_iter().chain(domain_ends(&c, h)).any(rest_fits))
}

/// Where a public dotted IPv4 address starting at `p` can end (the pattern's octet alternatives allow several).
fn ipv4_ends(c: &[char], p: usize) -> Vec<usize> {
    let digit = |i: usize| c.get(i).is_some_and(|&ch| has_class(ch, DIGIT));
    let is = |i: usize, set: &str| c.get(i).is_some_and(|ch| set.contains(*ch));
    // the private and local networks are excluded by look-aheads at the start
    let starts_with = |i: usize, text: &str| text.chars().enumerate().all(|(k, ch)| c.get(i + k) == Some(&ch));
    let excluded = (starts_with(p, "10") && groups_any(c, p + 2, 3))
        || (starts_with(p, "127") && groups_any(c, p + 3, 3))
        || ((starts_with(p, "169.254") || starts_with(p, "192.168")) && groups_any(c, p + 7, 2))
        || (starts_with(p, "172.")
            && ((is(p + 4, "1") && is(p + 5, "6789"))
                || (is(p + 4, "2") && digit(p + 5))
                || (is(p + 4, "3") && is(p + 5, "01")))
            && groups_any(c, p + 6, 2));
    if excluded {
        return Vec::new();
    }
    // an octet's alternatives: one or two digits (the first not 0 unless `zero_first`), or three digits: 1\d\d,
    // 2[hundreds_2]\d, 2[tens_2][units_2]; they can end in several places
    let octet = |i: usize, zero_first: bool, hundreds_2: &str, tens_2: &str, units_2: &str| {
        let mut ends = Vec::new();
        if if zero_first { digit(i) } else { is(i, "123456789") } {
            ends.push(i + 1);
            if digit(i + 1) {
                ends.push(i + 2);
            }
        }
        // 1?\d{1,2} also takes "1" then one digit
        if zero_first && is(i, "1") && digit(i + 1) {
            ends.push(i + 2);
        }
        if (is(i, "1") && digit(i + 1) && digit(i + 2))
            || (is(i, "2") && is(i + 1, hundreds_2) && digit(i + 2))
            || (is(i, "2") && is(i + 1, tens_2) && is(i + 2, units_2))
        {
            ends.push(i + 3);
        }
        ends
    };
    // [1-9]\d? | 1\d\d | 2[01]\d | 22[0-3]
    let first_octet = |i: usize| octet(i, false, "01", "2", "0123");
    // 1?\d{1,2} | 2[0-4]\d | 25[0-5]
    let middle_octet = |i: usize| octet(i, true, "01234", "5", "012345");
    // [1-9]\d? | 1\d\d | 2[0-4]\d | 25[0-4]
    let last_octet = |i: usize| octet(i, false, "01234", "5", "01234");
    let then_dot = |ends: Vec<usize>, octet: &dyn Fn(usize) -> Vec<usize>| -> Vec<usize> {
        let mut next: Vec<usize> = ends.into_iter().filter(|&e| is(e, ".")).flat_map(|e| octet(e + 1)).collect();
        next.sort_unstable();
        next.dedup();
        next
    };
    let ends = first_octet(p);
    let ends = then_dot(ends, &middle_octet);
    let ends = then_dot(ends, &middle_octet);
    then_dot(ends, &last_octet)
}

/// True when `groups` groups of `.` and one to three digits follow position `i` (a look-ahead: what comes after
/// them does not matter).
fn groups_any(c: &[char], i: usize, groups: usize) -> bool {
    let digit = |k: usize| c.get(k).is_some_and(|&ch| has_class(ch, DIGIT));
    // each group may take 1 … 3 digits; try every way
    fn go(c: &[char], i: usize, left: usize, digit: &dyn Fn(usize) -> bool) -> bool {
        if left == 0 {
            return true;
        }
        if c.get(i) != Some(&'.') {
            return false;
        }
        (1..=3).take_while(|&k| digit(i + k)).any(|k| go(c, i + 1 + k, left - 1, digit))
    }
    go(c, i, groups, &digit)
}

/// Where a host name starting at `p` can end: one or more labels, each followed by '.', then a top-level domain
/// of 2 … 63 lower-case letters.
fn domain_ends(c: &[char], p: usize) -> Vec<usize> {
    let host_char = |ch: char| ch.is_ascii_alphanumeric() || ('\u{a1}'..='\u{ffff}').contains(&ch);
    let mut ends = Vec::new();
    let mut q = p;
    // labels: 1 … 64 characters, the first and last a letter, digit or non-ASCII character, '-' and '_' between
    while let Some(dot) = c[q..].iter().position(|&ch| ch == '.').map(|k| q + k) {
        let label = &c[q..dot];
        let fits = !label.is_empty()
            && label.len() <= 64
            && host_char(label[0])
            && host_char(label[label.len() - 1])
            && label.iter().all(|&ch| host_char(ch) || ch == '-' || ch == '_');
        if !fits {
            break;
        }
        q = dot + 1;
        let tld = c[q..].iter().take_while(|&&ch| has_class(ch, LOWER)).count();
        ends.extend((2..=tld.min(63)).map(|k| q + k));
    }
    ends
}
