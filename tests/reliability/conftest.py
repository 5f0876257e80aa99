"""Reliability figures: tests attach them with ``record_property``; the summary prints them.

``record_property`` travels with the test report, so the figures reach the summary from
pytest-xdist workers too, and show without ``-s``.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

FIGURES = "reliability_figures"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    crash: dict[str, list[dict]] = defaultdict(list)
    lines: list[str] = []
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name != FIGURES:
                continue
            if value.get("kind") == "crash":
                crash[value["run"]].append(value)
            else:
                lines.append(value["line"])
    for run, batches in sorted(crash.items()):
        trials = sum(b["trials"] for b in batches)
        writes = sum(b["writes"] for b in batches)
        early = sum(b["early_kills"] for b in batches)
        torn = sum(b["torn_tails"] for b in batches)
        lines.append(
            f"crash harness ({run}): {trials} trials, {writes} writes verified, "
            f"{writes / max(trials, 1):.1f} writes/trial, {early} killed while opening, "
            f"{torn} journals found ending in a torn line"
        )
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
