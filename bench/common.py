"""Shared shape of a benchmark figure: value, a baseline measured in the same run, and a target.

Every bench module exposes ``run(ctx: BenchContext) -> list[Figure]``; ``python -m bench`` runs
them all, prints one table and writes ``bench/results.json``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None  # the same quantity for the baseline, measured in this run
    baseline_name: str
    target: str  # human-readable, e.g. "<= 5 ms" or ">= 10 MB/s"
    met: bool
    notes: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["ratio"] = self.ratio
        return d


@dataclass
class BenchContext:
    workdir: Path  # a scratch directory for this run
    quick: bool = False  # smaller sizes, for a smoke run


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_it(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best-of-*repeat* wall time in seconds (least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def median(samples: list[float]) -> float:
    return statistics.median(samples)
