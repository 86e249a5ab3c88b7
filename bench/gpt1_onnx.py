"""GPT-1 (117M) as an ONNX graph for onnxruntime-web, the bench's peer (bench/gpt1_ort.mjs): the weights of a
safetensors file in Hugging Face's openai-gpt names, one step of a KV-cached decode as standard ONNX operators
(opset 17), and the same graph quantized by onnxruntime's `quantize_dynamic` (int8 weights, activations quantized
on the fly).

    python3 bench/gpt1_onnx.py --weights FILE.safetensors --out FILE.onnx [--int8 FILE-int8.onnx] [--check]

The graph runs T new tokens at positions P … P+T−1 against P cached ones (P = 0 for a prompt, T = 1 for a decode
step):
  inputs   ids, positions: int64 [T]; mask: float32 [T, P+T] (0 where a query may look, −1e9 where not);
           past_k_L, past_v_L: float32 [P, 768] for each block L (every head side by side, as in c_attn's output)
  outputs  logits: float32 [1, 40478], after the last new token; present_k_L, present_v_L: [P+T, 768]
Post-LayerNorm blocks, GELU in its tanh form, no final LayerNorm, logits tied to the token embedding: train.py's
network, as src/gpt/net.rs computes it. onnxruntime's own graph optimiser is left to fuse what it can (LayerNorm,
GELU, the biases). `--check` compares the graph's logits with bench/gpt1_numpy.py's on a short prompt and a step.
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpt1_numpy import Gpt1, load  # noqa: E402

HEADS = 12


class Graph:
    """Nodes and initializers, with fresh names for intermediate values."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, kind, *inputs, **attrs):
        self.count += 1
        out = f"{kind.lower()}_{self.count}"
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def named(self, kind, out, *inputs, **attrs):
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out


def build(w):
    """The decode-step graph over the weights `w` (name → float32 array)."""
    g = Graph()
    wte, wpe = w["tokens_embed.weight"], w["positions_embed.weight"]
    rows, d = wte.shape
    layers = sum(1 for k in w if k.endswith(".attn.c_attn.weight"))
    hd = d // HEADS
    g.const("wte", wte)
    g.const("wpe", wpe)
    heads_shape = g.const("heads_shape", np.array([0, HEADS, hd], np.int64))
    model_shape = g.const("model_shape", np.array([0, d], np.int64))
    scale = g.const("scale", np.array(1 / np.sqrt(hd), np.float32))
    half, one = g.const("half", np.array(0.5, np.float32)), g.const("one", np.array(1.0, np.float32))
    cubic = g.const("cubic", np.array(0.044715, np.float32))
    root = g.const("root_2_over_pi", np.array(np.sqrt(2 / np.pi), np.float32))
    three = g.const("three", np.array(3.0, np.float32))
    split = g.const("split", np.array([d, d, d], np.int64))
    last = [g.const("last_start", np.array([-1], np.int64)), g.const("last_end", np.array([2**62], np.int64))]

    def linear(x, prefix):
        return g.op("Add", g.op("MatMul", x, g.const(prefix + ".weight", w[prefix + ".weight"])),
                    g.const(prefix + ".bias", w[prefix + ".bias"]))

    def layer_norm(x, prefix):
        return g.op("LayerNormalization", x, g.const(prefix + ".weight", w[prefix + ".weight"]),
                    g.const(prefix + ".bias", w[prefix + ".bias"]), axis=-1, epsilon=1e-5)

    def gelu(x):
        # ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
        inner = g.op("Mul", root, g.op("Add", x, g.op("Mul", cubic, g.op("Pow", x, three))))
        return g.op("Mul", g.op("Mul", half, x), g.op("Add", one, g.op("Tanh", inner)))

    # x = token embedding + position embedding
    x = g.op("Add", g.op("Gather", "wte", "ids", axis=0), g.op("Gather", "wpe", "positions", axis=0))
    for i in range(layers):
        p = f"h.{i}."
        qkv = linear(x, p + "attn.c_attn")
        q, k, v = (f"q_{i}", f"k_{i}", f"v_{i}")
        g.nodes.append(helper.make_node("Split", [qkv, split], [q, k, v], axis=1))
        keys = g.named("Concat", f"present_k_{i}", f"past_k_{i}", k, axis=0)
        values = g.named("Concat", f"present_v_{i}", f"past_v_{i}", v, axis=0)
        # heads: q [H, T, hd], keys [H, hd, N], values [H, N, hd]
        qh = g.op("Transpose", g.op("Reshape", q, heads_shape), perm=[1, 0, 2])
        kh = g.op("Transpose", g.op("Reshape", keys, heads_shape), perm=[1, 2, 0])
        vh = g.op("Transpose", g.op("Reshape", values, heads_shape), perm=[1, 0, 2])
        # causal softmax of (q/√hd)·kᵀ, then the weighted values
        scores = g.op("Add", g.op("Mul", g.op("MatMul", qh, kh), scale), "mask")
        mixed = g.op("MatMul", g.op("Softmax", scores, axis=-1), vh)
        att = g.op("Reshape", g.op("Transpose", mixed, perm=[1, 0, 2]), model_shape)
        # post-LN: n = LN₁(x + attn(x)), h = LN₂(n + mlp(n))
        n = layer_norm(g.op("Add", x, linear(att, p + "attn.c_proj")), p + "ln_1")
        m = linear(gelu(linear(n, p + "mlp.c_fc")), p + "mlp.c_proj")
        x = layer_norm(g.op("Add", n, m), p + "ln_2")
    # the tied output layer at the last new position: h·Wₑᵀ
    h = g.op("Slice", x, *last)
    g.nodes.append(helper.make_node("Gemm", [h, "wte"], ["logits"], transB=1))

    f32 = TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info("ids", TensorProto.INT64, ["T"]),
              helper.make_tensor_value_info("positions", TensorProto.INT64, ["T"]),
              helper.make_tensor_value_info("mask", f32, ["T", "N"])]
    outputs = [helper.make_tensor_value_info("logits", f32, [1, rows])]
    for i in range(layers):
        for kind in ("k", "v"):
            inputs.append(helper.make_tensor_value_info(f"past_{kind}_{i}", f32, ["P", d]))
            outputs.append(helper.make_tensor_value_info(f"present_{kind}_{i}", f32, ["N", d]))
    graph = helper.make_graph(g.nodes, "gpt1_decode_step", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="gpt1-playground")
    model.ir_version = 8
    return model


def feeds(ids, start, layers, cache):
    """The inputs for tokens `ids` at positions start…, with `cache` (per block: keys, values) or empty."""
    t, n = len(ids), start + len(ids)
    mask = np.where(np.arange(n)[None, :] <= start + np.arange(t)[:, None], 0, -1e9).astype(np.float32)
    out = {"ids": np.array(ids, np.int64), "positions": np.arange(start, n, dtype=np.int64), "mask": mask}
    for i in range(layers):
        out[f"past_k_{i}"] = cache[i][0] if cache else np.zeros((0, 768), np.float32)
        out[f"past_v_{i}"] = cache[i][1] if cache else np.zeros((0, 768), np.float32)
    return out


def check(path, w):
    """The graph's logits against numpy's for an 8-token prompt and one step after it."""
    import onnxruntime as ort
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    layers = sum(1 for k in w if k.endswith(".attn.c_attn.weight"))
    ref = Gpt1(w)
    prompt = [(i * 104729 + 5) % w["tokens_embed.weight"].shape[0] for i in range(8)]
    cache = []
    want, _ = ref.run(prompt, cache)
    names = [o.name for o in session.get_outputs()]
    got = dict(zip(names, session.run(None, feeds(prompt, 0, layers, None))))
    worst = float(np.abs(got["logits"][0] - want).max())
    step = int(want.argmax())
    want2, _ = ref.run([step], cache)
    past = [(got[f"present_k_{i}"], got[f"present_v_{i}"]) for i in range(layers)]
    got2 = dict(zip(names, session.run(None, feeds([step], len(prompt), layers, past))))
    worst = max(worst, float(np.abs(got2["logits"][0] - want2).max()))
    print(f"{path}: max |logit - numpy| = {worst:.2e}", file=sys.stderr)
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--int8")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    w = load(args.weights)
    onnx.save(build(w), args.out)
    if args.int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic
        quantize_dynamic(args.out, args.int8, weight_type=QuantType.QInt8)
    if args.check:
        check(args.out, w)
        if args.int8:
            check(args.int8, w)


if __name__ == "__main__":
    main()
