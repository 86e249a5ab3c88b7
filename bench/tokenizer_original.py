"""GPT-1's tokenizer as OpenAI ran it (text_utils.py: ftfy, text_standardize, spaCy's English tokenizer, BPE), timed
on the first lines of a text. Used by bench/tokenizer.mjs; prints one JSON line. MB/s is per second of this
process's CPU time (other work on the machine does not count), with the wall-clock figure beside it.

    python tokenizer_original.py BOOK LINES ENCODER MERGES
"""
import hashlib
import json
import os
import sys
import time

# the command line first, before anything is imported or read: --help, or a mistake, stops here
USAGE = "usage: python bench/tokenizer_original.py BOOK LINES ENCODER MERGES   (bench/tokenizer.mjs runs it)"
if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
    print(f"{USAGE}\n\n{__doc__.strip()}")
    sys.exit(0)
if len(sys.argv) != 5 or any(arg.startswith("-") for arg in sys.argv[1:]) or not sys.argv[2].isdigit():
    print(f"bench/tokenizer_original.py: BOOK, a whole number of LINES, ENCODER and MERGES are expected; got {sys.argv[1:]}\n{USAGE}",
          file=sys.stderr)
    sys.exit(2)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures"))
from gpt1_tokenizer_reference import TextEncoder  # noqa: E402

book, count, encoder_path, merges_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(book, encoding="utf-8") as f:
    lines = f.read().split("\n")[:count]
encoder = TextEncoder(encoder_path, merges_path)
started, cpu_started = time.perf_counter(), time.process_time()
ids = [encoder.encode(line) for line in lines]  # TextEncoder.encode's loop: one text at a time
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
size = sum(len(line.encode("utf-8")) + 1 for line in lines)
digest = hashlib.sha256("\n".join(" ".join(map(str, row)) for row in ids).encode()).hexdigest()
print(json.dumps({"lines": len(lines), "bytes": size, "seconds": seconds, "cpu_seconds": cpu,
                  "mb_per_s": size / cpu / 1e6, "wall_mb_per_s": size / seconds / 1e6,
                  "tokens": sum(map(len, ids)), "sha256": digest}))
