"""numpy's float32 KV-cached decode of GPT-1 (117M) as the bench's yardstick for the wasm module: the same
weights file, the same work per token (one position through 12 post-LN blocks attending to the cache, then the
tied logits over all 40,478 rows and a softmax), greedy so no sampler enters the timing.

    OPENBLAS_NUM_THREADS=1 python3 bench/gpt1_numpy.py --weights FILE.safetensors --prompt 64 --tokens 32
Prints one JSON line: prompt seconds and decode tokens/s (also in the process's CPU time, every thread's), peak
memory, numpy's version and its BLAS threads.
With --small-pages numpy does not ask Linux for 2 MB pages for its arrays (by default it does, with madvise, for
every large one): the weights then sit in 4 KB pages, as a WebAssembly memory's do.
With --logprobs OUT it writes the next-token log-probabilities (float32) after the prompt and after one given token
instead (bench/gpt1.mjs compares every engine's).
"""
import argparse
import json
import os
import resource
import sys
import time

try:
    import numpy as np
except ModuleNotFoundError:  # --help needs no numpy; a run does (bench/run.mjs installs it in bench/.venv)
    np = None


def load(path):
    """The tensors of a safetensors file of F32 tensors, read straight from the file (no safetensors package)."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    w = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        w[name] = np.frombuffer(data[a:b], dtype=np.float32).reshape(t["shape"]).copy()
    return w


def layer_norm(x, g, b, e=1e-5):
    e = np.float32(e)
    u = x.mean(axis=-1, keepdims=True)
    s = ((x - u) ** 2).mean(axis=-1, keepdims=True)
    return (x - u) / np.sqrt(s + e) * g + b


def gelu(x):
    return np.float32(0.5) * x * (1 + np.tanh(np.float32(np.sqrt(2 / np.pi)) * (x + np.float32(0.044715) * x ** 3)))


class Gpt1:
    def __init__(self, w, heads=12):
        self.we, self.pe = w["tokens_embed.weight"], w["positions_embed.weight"]
        self.layers = sum(1 for k in w if k.endswith(".attn.c_attn.weight"))
        self.heads = heads
        self.b = [{k[len("h.%d." % i):]: v for k, v in w.items() if k.startswith("h.%d." % i)} for i in range(self.layers)]

    def run(self, ids, cache):
        """Positions len(cache) … of `ids` through every block (all at once), keys and values appended to `cache`;
        returns the last position's logits."""
        start = cache[0][0].shape[0] if cache else 0
        t, d = len(ids), self.we.shape[1]
        hd = d // self.heads
        h = self.we[ids] + self.pe[start:start + t]
        for i, p in enumerate(self.b):
            c = h @ p["attn.c_attn.weight"] + p["attn.c_attn.bias"]
            q, k, v = c[:, :d], c[:, d:2 * d], c[:, 2 * d:]
            if len(cache) <= i:
                cache.append((k, v))
            else:
                cache[i] = (np.concatenate([cache[i][0], k]), np.concatenate([cache[i][1], v]))
            k, v = cache[i]
            n = k.shape[0]
            qh = q.reshape(t, self.heads, hd).transpose(1, 0, 2)
            kh = k.reshape(n, self.heads, hd).transpose(1, 2, 0)
            vh = v.reshape(n, self.heads, hd).transpose(1, 0, 2)
            s = qh @ kh / np.float32(np.sqrt(hd))
            # causal: query i (at position start + i) sees keys 0 … start + i
            s = np.where(np.arange(n)[None, :] <= start + np.arange(t)[:, None], s, np.float32(-1e9))
            s = np.exp(s - s.max(axis=-1, keepdims=True))
            s /= s.sum(axis=-1, keepdims=True)
            a = (s @ vh).transpose(1, 0, 2).reshape(t, d)
            a = a @ p["attn.c_proj.weight"] + p["attn.c_proj.bias"]
            n1 = layer_norm(h + a, p["ln_1.weight"], p["ln_1.bias"])
            m = gelu(n1 @ p["mlp.c_fc.weight"] + p["mlp.c_fc.bias"]) @ p["mlp.c_proj.weight"] + p["mlp.c_proj.bias"]
            h = layer_norm(n1 + m, p["ln_2.weight"], p["ln_2.bias"])
        logits = self.we @ h[-1]
        probs = np.exp(logits - logits.max())
        return logits, probs / probs.sum()


def huge_page_bytes():
    """Bytes of this process's memory in transparent 2 MB pages (Linux), or None where that cannot be read."""
    try:
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                if line.startswith("AnonHugePages:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights")  # required: checked after parsing, so an unknown flag is named first
    ap.add_argument("--prompt", type=int, default=64)
    ap.add_argument("--tokens", type=int, default=32)
    ap.add_argument("--small-pages", action="store_true", help="no madvise for 2 MB pages (the wasm memory's case)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--logprobs")
    ap.add_argument("--given", type=int, default=1234)
    args = ap.parse_args()
    missing = [f"--{name}" for name in ['weights'] if getattr(args, name) is None]
    if missing:
        ap.error(f"the following arguments are required: {', '.join(missing)}")
    if np is None:
        sys.exit("numpy is missing: npm run bench sets it up in bench/.venv (or pip install numpy)")
    if args.small_pages:
        # numpy 2 moved its internals to np._core; the switch is the same function under either name
        core = getattr(np, "_core", None) or np.core
        core.multiarray._set_madvise_hugepage(False)
    model = Gpt1(load(args.weights))
    prompt = [(i * 104729 + 5) % model.we.shape[0] for i in range(args.prompt)]
    if args.logprobs:
        cache = []
        rows = [model.run(prompt, cache)[1], model.run([args.given], cache)[1]]
        np.log(np.concatenate(rows)).astype(np.float32).tofile(args.logprobs)
        print(json.dumps({"written": args.logprobs}))
        return
    best_prompt, best_rate, best_prompt_cpu, best_cpu_rate = float("inf"), 0.0, float("inf"), 0.0
    for _ in range(args.runs):
        cache = []
        started, cpu = time.perf_counter(), time.process_time()
        logits, _ = model.run(prompt, cache)
        best_prompt = min(best_prompt, time.perf_counter() - started)
        best_prompt_cpu = min(best_prompt_cpu, time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.tokens):
            logits, _ = model.run([int(logits.argmax())], cache)
        best_rate = max(best_rate, args.tokens / (time.perf_counter() - started))
        best_cpu_rate = max(best_cpu_rate, args.tokens / (time.process_time() - cpu))
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "all"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(json.dumps({"prompt_s": best_prompt, "tokens_per_s": best_rate, "prompt_cpu_s": best_prompt_cpu,
                      "tokens_per_cpu_s": best_cpu_rate, "peak_rss_bytes": peak, "threads": threads,
                      "small_pages": args.small_pages, "huge_page_bytes": huge_page_bytes(),
                      "numpy": np.__version__, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
