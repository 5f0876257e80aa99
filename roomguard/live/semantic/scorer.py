"""Scoring a line against the private topics by meaning: the "possible topic" rule.

Each topic is described by a few example sentences (:attr:`PrivateTopic.examples`; a topic
with none is described by :func:`suggest_examples` of its name and phrases). A line scores, for
each topic, its highest cosine to that topic's examples, minus its highest cosine to the
neutral set (:data:`~roomguard.live.semantic.neutral.NEUTRAL_SENTENCES`, plus the lines this
client's coach answered "no, it wasn't" to), the neutral side floored at
:data:`NEUTRAL_FLOOR` so a line unlike everything does not win by default::

    score(topic) = max cos(line, topic examples) - max(NEUTRAL_FLOOR, max cos(line, neutral))

A line is a possible topic when its best topic's score reaches :data:`THRESHOLD`: the one
threshold, fixed. It was chosen on the development split of ``tests/semantic/eval_set.py``
(``python -m bench.bench_semantic --tune``) and is reported, never tuned, on its evaluation
split by ``make bench``. The line is scored alone and joined to the line before it (people
spread a thought over two cues); the higher of the two counts. The window is pooled from the
two lines' token vectors (each line is encoded once, when it is heard), so it costs no second
encoding: one line scored is one encoding plus a few hundred dot products.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from roomguard.core.models import PrivateTopic
from roomguard.live.semantic.neutral import NEUTRAL_SENTENCES

THRESHOLD = 0.05
NEUTRAL_FLOOR = 0.25
SUGGESTION_TEMPLATES = (
    "I want to talk about {}.",
    "Something has been going on with {}.",
    "It's about {} and it's been hard.",
)


class Embedder(Protocol):
    def embed(self, text: str) -> np.ndarray: ...
    def pooled(self, text: str) -> tuple[np.ndarray, int]: ...


def suggest_examples(name: str, phrases: Sequence[str], limit: int = 5) -> list[str]:
    """Example sentences a coach can start from, made from the topic's name and phrases."""
    subjects = [s for s in [name.strip().lower(), *(p.strip() for p in phrases)] if s]
    out: list[str] = []
    for i, subject in enumerate(subjects):
        sentence = SUGGESTION_TEMPLATES[i % len(SUGGESTION_TEMPLATES)].format(subject)
        if sentence not in out:
            out.append(sentence)
    return out[:limit]


def strength_of(score: float) -> str:
    """How strongly a line matched, in words."""
    if score >= 0.20:
        return "strong"
    if score >= 0.10:
        return "clear"
    return "weak"


def examples_of(topic: PrivateTopic) -> list[str]:
    examples = [e for e in topic.examples if e.strip()]
    return examples or suggest_examples(topic.name, topic.phrases)


@dataclass(frozen=True, slots=True)
class Possible:
    """A line that may be about *topic_id*: its *score* (the margin over the neutral set),
    and whether it took the line before it to say so (*window*)."""

    topic_id: str
    score: float
    window: bool = False


@dataclass
class SemanticScorer:
    """Scores lines against *topics* (see the module docstring); not thread-safe: one worker
    calls it, in order."""

    embedder: Embedder
    topics: list[PrivateTopic]
    negatives: list[str] = field(default_factory=list)
    threshold: float = THRESHOLD
    _topic_ids: list[str] = field(init=False)
    _examples: np.ndarray = field(init=False)
    _owner: np.ndarray = field(init=False)  # example row -> topic index
    _neutral: np.ndarray = field(init=False)
    _recent: list[tuple[str, tuple[np.ndarray, int]]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.set_topics(self.topics)
        self._neutral = self._embed([*NEUTRAL_SENTENCES, *self.negatives])

    def _embed(self, texts: Iterable[str]) -> np.ndarray:
        rows = [self.embedder.embed(t) for t in texts]
        return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def set_topics(self, topics: Iterable[PrivateTopic]) -> None:
        self.topics = list(topics)
        self._topic_ids = [t.id for t in self.topics]
        texts: list[str] = []
        owner: list[int] = []
        for i, topic in enumerate(self.topics):
            examples = examples_of(topic)
            texts += examples
            owner += [i] * len(examples)
        self._examples = self._embed(texts)
        self._owner = np.asarray(owner, dtype=np.int64)

    def add_negative(self, text: str) -> None:
        """A line the coach said was not the topic: from now on it weighs on the neutral side."""
        if text.strip():
            self.negatives.append(text)
            self._neutral = np.vstack([self._neutral, self._embed([text])])

    def scores(self, text: str) -> dict[str, float]:
        """Every topic's score for *text* (alone)."""
        return self._scores(self.embedder.embed(text))

    def _scores(self, vector: np.ndarray) -> dict[str, float]:
        if not self._topic_ids:
            return {}
        sims = self._examples @ vector
        best = np.full(len(self._topic_ids), -1.0, dtype=np.float32)
        np.maximum.at(best, self._owner, sims)
        neutral = float((self._neutral @ vector).max()) if len(self._neutral) else 0.0
        base = max(NEUTRAL_FLOOR, neutral)
        return {tid: float(s) - base for tid, s in zip(self._topic_ids, best, strict=True)}

    def _pooled(self, text: str) -> tuple[np.ndarray, int]:
        """*text*'s pooled vector, from the last two lines' cache when it was just heard."""
        for cached, value in self._recent:
            if cached == text:
                return value
        value = self.embedder.pooled(text)
        self._recent = [*self._recent[-1:], (text, value)]
        return value

    def best(self, text: str, previous: str = "") -> Possible:
        """The best-scoring topic for *text*, alone or pooled with *previous* (whichever scores
        higher); flagged or not (see :meth:`judge`)."""
        mean, count = self._pooled(text)
        candidates = [(self._scores(_unit(mean)), False)]
        if previous.strip():
            before, before_count = self._pooled(previous)
            window = (mean * count + before * before_count) / (count + before_count)
            candidates.append((self._scores(_unit(window)), True))
        top = Possible("", -1.0)
        for scores, window_used in candidates:
            for topic_id, score in scores.items():
                if score > top.score:
                    top = Possible(topic_id, score, window_used)
        return top

    def judge(self, text: str, previous: str = "") -> Possible | None:
        """A possible topic for *text*, or None when no topic clearly beats everyday talk."""
        top = self.best(text, previous)
        return top if top.topic_id and top.score >= self.threshold else None


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / max(float(np.linalg.norm(vector)), 1e-9)).astype(np.float32)
