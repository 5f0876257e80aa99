"""The semantic layer meets issue 21's quality bar on the evaluation set, with the one fixed
threshold: ROC AUC >= 0.90, and recall >= 0.75 at precision >= 0.75 (a line flagged with the
wrong topic counts as a miss and as a false alarm). The evaluation set was never tuned on (the
threshold and the scoring were chosen on the dev lines, see ``scorer.py``); this test only
says when a change makes the layer worse than the bar. Quality, not timing: latency is
measured by ``make bench``, never asserted here."""

from __future__ import annotations

from functools import cache

from tests.semantic.helpers import encoder, needs_model

pytestmark = needs_model


@cache
def eval_quality() -> dict[str, float]:
    from bench.bench_semantic import _cases, _topics, quality
    from roomguard.live.semantic.scorer import THRESHOLD, SemanticScorer

    return quality(SemanticScorer(encoder(), _topics()), _cases("eval"), THRESHOLD)


def test_paraphrases_outrank_everyday_talk_auc_at_least_0_90() -> None:
    assert eval_quality()["auc"] >= 0.90


def test_the_fixed_threshold_finds_three_in_four_paraphrases_at_precision_0_75() -> None:
    q = eval_quality()
    assert q["precision"] >= 0.75, q
    assert q["recall"] >= 0.75, q


def test_the_evaluation_set_is_scored_whole() -> None:
    q = eval_quality()
    assert q["positives"] >= 100 and q["negatives"] >= 100
