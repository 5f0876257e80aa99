"""The sentence encoder: the int8 all-MiniLM-L6-v2 graph in onnxruntime and its tokenizer.

Built at install time by :mod:`roomguard.live.semantic.build_model` into ``model/`` beside this
file; nothing is downloaded at run time. One thread (the session shares the machine with the
UI); the graph optimised in full at load (``ORT_ENABLE_ALL``); no padding to a fixed length (a
line of ten tokens is encoded as ten tokens: padding every line to 128 costs ~7x the time);
truncation at :data:`MAX_TOKENS`. One line is one ``session.run`` of a batch of one.

Mean pooling over every token of the line, [CLS] and [SEP] included (all of them are unmasked,
as in sentence-transformers' own pooling of this model), then unit length: the cosine of two
lines is then a dot product. Lines are never batched together: the int8 graph quantises its
activations per call, so a line padded into a batch comes out slightly different (cosine down
to ~0.98) from the same line alone, and the examples must be embedded exactly as lines are.

The built-in neutral sentences are embedded at build time, one at a time by this same code,
into :data:`KNOWN_FILE` (``build_model``), so loading does not spend half a second on them;
a sentence not in that file (a new neutral sentence, an example) is simply encoded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_TOKENS = 128
KNOWN_FILE = "known.npz"  # sentences embedded at build time: texts and their unit vectors


class EncoderUnavailable(Exception):
    """The model is not built, or onnxruntime/tokenizers are not installed."""


def model_built(model_dir: Path = MODEL_DIR) -> bool:
    return (model_dir / "model.onnx").is_file() and (model_dir / "tokenizer.json").is_file()


@dataclass
class Encoder:
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer
    known: dict[str, np.ndarray] = field(default_factory=dict)  # text -> embedding, from the build

    @classmethod
    def load(cls, model_dir: Path = MODEL_DIR, threads: int = 1) -> Encoder:
        """Raises :class:`EncoderUnavailable` saying why when it cannot be loaded."""
        if not model_built(model_dir):
            raise EncoderUnavailable("the model is not built (run make)")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(f"{exc.name} is not installed") from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        session = ort.InferenceSession(str(model_dir / "model.onnx"), options,
                                       providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(MAX_TOKENS)
        return cls(session, tokenizer, read_known(model_dir))

    def pooled(self, text: str) -> tuple[np.ndarray, int]:
        """*text*'s token vectors averaged (not normalised) and how many tokens it has: what
        a window of two lines is pooled from without encoding them again."""
        encoding = self.tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        mask = np.asarray([encoding.attention_mask], dtype=np.int64)
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return hidden[0].mean(axis=0), len(encoding.ids)

    def embed(self, text: str) -> np.ndarray:
        """*text*'s unit-length embedding (384 floats)."""
        known = self.known.get(text)
        return known if known is not None else unit(self.pooled(text)[0])

    def embed_many(self, texts: list[str]) -> np.ndarray:
        """Each of *texts* embedded (one at a time: no padding), as rows."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.embed(t) for t in texts])


def read_known(model_dir: Path) -> dict[str, np.ndarray]:
    """The sentences embedded at build time (nothing when the file is absent or unreadable)."""
    try:
        with np.load(model_dir / KNOWN_FILE, allow_pickle=False) as data:
            texts, vectors = data["texts"], data["vectors"].astype(np.float32)
    except (OSError, KeyError, ValueError):
        return {}
    return {str(t): v for t, v in zip(texts, vectors, strict=True)}


def write_known(model_dir: Path, texts: list[str]) -> None:
    """Embed *texts* with the model in *model_dir*, one at a time, into :data:`KNOWN_FILE`."""
    encoder = Encoder.load(model_dir)
    vectors = np.stack([unit(encoder.pooled(t)[0]) for t in texts])
    with (model_dir / KNOWN_FILE).open("wb") as out:
        np.savez(out, texts=np.asarray(texts), vectors=vectors)


def unit(vector: np.ndarray) -> np.ndarray:
    return (vector / max(float(np.linalg.norm(vector)), 1e-9)).astype(np.float32)
