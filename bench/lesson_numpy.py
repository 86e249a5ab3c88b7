"""The lesson's bigram model as the notebook writes it, in numpy: the baseline of `npm run bench`.

    python bench/lesson_numpy.py --corpus FILE --eval FILE [--tokenizer word|char] [--runs 5] [--budget-ms 400]
        [--batch 100] [--max-len 100] [--seed 42] [--smoothing 1] [--memory-budget-mib 6144]

Dense V×V counts start at k, every adjacent pair of `[START] w1 … wn [END]` adds 1, rows are divided by their sums;
`np.random.seed` then `np.random.choice(V, p=row)` generates; the loss is the mean −ln P over a text's pairs.
The vocabulary is in order of first appearance, then [START], [END] (as the core's), so a seeded sample can be
compared token for token with ours. Prints one JSON line.

If two dense V×V float64 matrices (the counts and the probabilities) would not fit the memory budget, the model is
built from the longest prefix of lines whose vocabulary fits, and the line says so ("prefix_lines").
"""

import argparse
import json
import math
import resource
import sys
import time

try:
    import numpy as np
except ModuleNotFoundError:  # --help needs no numpy; a run does (bench/run.mjs installs it in bench/.venv)
    np = None

START, END = "[START]", "[END]"


def rss_kib(field="VmRSS:"):
    """A field of /proc/self/status in KiB (VmRSS: now, VmHWM: peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return None


def sentences(text, tokenizer):
    """One token list per non-empty line: words split on whitespace, or characters."""
    out = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        out.append(line.split() if tokenizer == "word" else list(line))
    return out


def vocabulary(sents):
    """Token → id in order of first appearance, then [START], [END]."""
    index = {}
    for sent in sents:
        for token in sent:
            if token not in index:
                index[token] = len(index)
    index[START] = len(index)
    index[END] = len(index)
    return index


def build(text, tokenizer, k):
    """The lesson's build: tokens, vocabulary, dense counts of adjacent pairs, row-normalised probabilities."""
    sents = sentences(text, tokenizer)
    index = vocabulary(sents)
    size = len(index)
    counts = np.full((size, size), float(k))
    for sent in sents:
        ids = [index[START]] + [index[t] for t in sent] + [index[END]]
        for prev, nxt in zip(ids, ids[1:]):
            counts[prev, nxt] += 1
    probs = counts / counts.sum(axis=1, keepdims=True)
    return index, probs


def distinct_pairs(text, tokenizer):
    """How many distinct adjacent pairs the corpus has (not timed: the lesson never needs it)."""
    pairs = set()
    for sent in sentences(text, tokenizer):
        ids = [START] + sent + [END]
        pairs.update(zip(ids, ids[1:]))
    return len(pairs)


def generate(probs, start, end, max_len):
    """The lesson's generate: draw from the last token's row until [END] or max_len tokens."""
    size = probs.shape[0]
    tokens = [start]
    for _ in range(max_len - 1):
        nxt = np.random.choice(size, p=probs[tokens[-1]])
        tokens.append(nxt)
        if nxt == end:
            break
    return tokens


def loss(probs, index, text, tokenizer):
    """Mean −ln P(next | prev) over every pair of the text's sentences; also returns how many pairs."""
    total, pairs = 0.0, 0
    for sent in sentences(text, tokenizer):
        ids = [index[START]] + [index[t] for t in sent] + [index[END]]
        for prev, nxt in zip(ids, ids[1:]):
            total -= math.log(probs[prev, nxt])
            pairs += 1
    return total / pairs, pairs


def fitting_prefix(text, tokenizer, budget_bytes):
    """The longest prefix of lines whose vocabulary V keeps two V×V float64 matrices within the budget."""
    limit = int(math.isqrt(budget_bytes // 16))
    seen, kept = set(), []
    for line in text.split("\n"):
        tokens = line.split() if tokenizer == "word" else list(line)
        new = {t for t in tokens if t not in seen}
        if len(seen) + len(new) + 2 > limit:
            break
        seen |= new
        kept.append(line)
    return "\n".join(kept), len(kept)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus")  # required: checked after parsing, so an unknown flag is named first
    parser.add_argument("--eval")  # required: checked after parsing, so an unknown flag is named first
    parser.add_argument("--tokenizer", default="word", choices=["word", "char"])
    parser.add_argument("--smoothing", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build-runs", type=int, default=None)
    parser.add_argument("--budget-ms", type=float, default=400.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--max-len", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-budget-mib", type=float, default=6144.0)
    args = parser.parse_args()
    missing = [f"--{name}" for name in ['corpus', 'eval'] if getattr(args, name) is None]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")
    if np is None:
        sys.exit("numpy is missing: npm run bench sets it up in bench/.venv (or pip install numpy)")

    with open(args.corpus, encoding="utf-8") as f:
        corpus = f.read()
    with open(args.eval, encoding="utf-8") as f:
        eval_text = f.read()
    rss_base = rss_kib()

    # keep two dense matrices within the budget (and within 40 % of what the machine has free)
    with open("/proc/meminfo") as meminfo:
        available = next(int(l.split()[1]) * 1024 for l in meminfo if l.startswith("MemAvailable:"))
    budget = min(args.memory_budget_mib * 2**20, 0.4 * available)
    full_vocab = len(vocabulary(sentences(corpus, args.tokenizer)))
    prefix_lines = None
    if 16 * full_vocab**2 > budget:
        corpus, prefix_lines = fitting_prefix(corpus, args.tokenizer, int(budget))

    build_ms, model = [], None
    for _ in range(args.build_runs or args.runs):
        model = None  # free the last matrix before building the next
        start = time.perf_counter()
        model = build(corpus, args.tokenizer, args.smoothing)
        build_ms.append((time.perf_counter() - start) * 1000)
    index, probs = model
    distinct = distinct_pairs(corpus, args.tokenizer)
    rss_after_build = rss_kib()
    start_id, end_id = index[START], index[END]
    tokens_of = {i: t for t, i in index.items()}

    # generation: batches of `batch` sequences after np.random.seed(seed + call) until the budget is spent
    gen_tps, first = [], None
    for run in range(args.runs):
        produced, call = 0, 0
        begin = time.perf_counter()
        while call == 0 or time.perf_counter() - begin < args.budget_ms / 1000:
            np.random.seed(args.seed + call)
            for i in range(args.batch):
                seq = generate(probs, start_id, end_id, args.max_len)
                produced += len(seq) - 1
                if run == 0 and call == 0 and i == 0:
                    first = [tokens_of[int(t)] for t in seq]
            call += 1
        gen_tps.append(produced / (time.perf_counter() - begin))

    # held-out loss; tokens the prefix model never saw would be an error, so evaluate only known lines then
    if prefix_lines is not None:
        eval_text = "\n".join(
            line for line in eval_text.split("\n")
            if all(t in index for t in (line.split() if args.tokenizer == "word" else list(line)))
        )
    eval_tps, value, pairs = [], None, 0
    for _ in range(args.runs):
        begin = time.perf_counter()
        value, pairs = loss(probs, index, eval_text, args.tokenizer)
        eval_tps.append(pairs / (time.perf_counter() - begin))

    print(json.dumps({
        "impl": "numpy",
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "vocab": len(index),
        "full_vocab": full_vocab,
        "prefix_lines": prefix_lines,
        "distinct_pairs": distinct,
        "build_ms": build_ms,
        "gen_exact_tps": gen_tps,
        "gen_fast_tps": None,
        "eval_tokens": pairs,
        "eval_tps": eval_tps,
        "loss": value,
        "rss_base_kib": rss_base,
        "rss_after_build_kib": rss_after_build,
        "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "first_sample": first,
    }))


if __name__ == "__main__":
    main()
