"""Headless audit: a two-hour WebVTT (20,000 cues) checked against an agreement.

Baseline: webvtt-py merely parsing the same file (no detection, no policy), in the same run.
Target from the issue: the whole check in under 1 second.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date

from bench.common import BenchContext, Figure, time_it
from roomguard.cli.main import main
from roomguard.store import Store
from roomguard.store.demo import load_demo
from tests.transcripts.generate import long_webvtt


def run(ctx: BenchContext) -> list[Figure]:
    store_path = ctx.workdir / "check-store"
    with Store.open(store_path) as store:
        load_demo(store, date(2026, 11, 25))
    cues = 2_000 if ctx.quick else 20_000
    # Speakers of the generated transcript are not parties: every one joins as a guest, and a
    # few lines mention the client's private topics, so the policy path is exercised for real.
    text = long_webvtt(cues).replace(" budget ", " salary ")
    path = ctx.workdir / "two-hours.vtt"
    path.write_text(text, encoding="utf-8")
    args = ["--db", str(store_path), "check", str(path), "--client", "Priya Raman",
            "--format", "json"]

    def check() -> None:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(args)

    import webvtt

    seconds = time_it(check, repeat=3)
    baseline = time_it(lambda: webvtt.read(str(path)), repeat=3)
    return [
        Figure(
            name=f"check {cues:,}-cue WebVTT (s)",
            value=round(seconds, 3),
            unit="s",
            baseline=round(baseline, 3),
            baseline_name="webvtt-py parse only",
            target="<= 1 s",
            met=seconds <= 1.0,
            notes=f"{len(text) / 1e6:.1f} MB transcript",
        )
    ]
