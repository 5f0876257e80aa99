"""The evaluation set is what it claims: big enough, apart from the examples, the neutral
sentences and the dev lines (``eval_set.DEV``, ``dev_set.py``), and its paraphrases (and the
dev ones) use none of their topic's phrases (the real detector says so)."""

from __future__ import annotations

from collections import Counter

from roomguard.core.detection import Detector
from roomguard.core.models import PrivateTopic
from roomguard.live.semantic.neutral import NEUTRAL_SENTENCES
from roomguard.store.word_families import word_families
from tests.semantic.dev_set import DEV_LINES, DEV_WINDOWS
from tests.semantic.eval_set import DEV, EVAL, EVAL_WINDOWS, TOPICS


def test_at_least_100_paraphrases_across_8_topics_and_100_hard_negatives() -> None:
    topics = Counter(t for _, t in EVAL if t)
    assert sum(topics.values()) >= 100 and len(topics) >= 8
    assert sum(1 for _, t in EVAL if t is None) >= 100


def test_no_sentence_is_in_two_places() -> None:
    every = ([e for t in TOPICS for e in t.examples] + [x for x, _ in DEV] + [x for x, _ in EVAL]
             + [x for w in EVAL_WINDOWS for x in w[:2]] + list(NEUTRAL_SENTENCES)
             + [x for x, _ in DEV_LINES] + [x for w in DEV_WINDOWS for x in w[:2]])
    assert [s for s, n in Counter(every).items() if n > 1] == []


def test_paraphrases_use_none_of_their_topics_phrases() -> None:
    for topic in TOPICS:
        detector = Detector.from_topics([PrivateTopic(topic.name, list(topic.phrases),
                                                      id=topic.id)], (), word_families())
        lines = [x for x, t in (*EVAL, *DEV, *DEV_LINES) if t == topic.id]
        lines += [x for p, line, t in (*EVAL_WINDOWS, *DEV_WINDOWS) if t == topic.id
                  for x in (p, line)]
        assert [x for x in lines if detector.scan(x)] == [], topic.id
