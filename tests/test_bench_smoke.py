"""The benchmarks run end to end on tiny sizes and produce finite figures (timings never asserted).

Also: the generator is deterministic, its fast writer produces exactly the files the public
Store API would, and the runner turns a failing module into a failed row.
"""

from __future__ import annotations

import math
import sys
import types
from pathlib import Path

import orjson
import pytest

from bench import __main__ as runner
from bench import bench_startup, bench_store
from bench.common import BenchContext, Figure
from bench.generate import TINY, Spec, cached_store, generate, plan, session_events
from roomguard.store import Store

MICRO = Spec(clients=3, sessions=12, events=240, years=1)


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _finite(figures: list[Figure]) -> None:
    assert figures
    for f in figures:
        assert math.isfinite(f.value), f
        assert f.value >= 0, f
        if f.baseline is not None:
            assert math.isfinite(f.baseline), f
        assert all(math.isfinite(v) for v in f.extra.values()), f
        orjson.dumps(f.as_dict())


def test_bulk_writer_writes_what_the_public_api_writes(tmp_path: Path) -> None:
    bulk = generate(tmp_path / "bulk", MICRO, "bulk")
    public = generate(tmp_path / "public", MICRO, "public")  # one fsync per event: keep it small
    assert bulk["events"] == public["events"] == MICRO.events
    a, b = _files(tmp_path / "bulk"), _files(tmp_path / "public")
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate(tmp_path / "one", TINY)
    generate(tmp_path / "two", TINY)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_generated_store_reads_back_through_the_store(tmp_path: Path) -> None:
    root, manifest = cached_store(TINY, tmp_path / "cache")
    assert manifest["clients"] == TINY.clients
    with Store.open(root, readonly=True) as store:
        clients = store.clients()
        assert len(clients) == TINY.clients
        for client in clients:
            agreement = store.agreement(client.id)
            assert agreement is not None
            third = [p for p in agreement.participants if p.role.is_third_party]
            assert 1 <= len(third) <= 3
            assert 2 <= len(agreement.terms.topics) <= 6
            assert agreement.consents
        records = list(store.sessions())
        assert len(records) == TINY.sessions
        assert [r.started_at for r in records] == sorted((r.started_at for r in records),
                                                         reverse=True)
        events = [store.events(r.id) for r in records]
        assert sum(map(len, events)) == TINY.events
        kinds = {type(e).__name__ for session in events for e in session}
        assert {"SessionStarted", "SessionEnded", "PresenceChanged", "NoteAdded",
                "TopicDetected"} <= kinds
    # The same session always gets the same events.
    p = plan(TINY)
    assert session_events(p, p.sessions[3]) == session_events(p, p.sessions[3])


def test_store_bench_on_a_tiny_store(tmp_path: Path) -> None:
    params = bench_store.Params(TINY, toggles=30, rounds=3, stock_sizes=(100,), stock_inserts=3,
                                stock_full_inserts=2, agreement_saves=4, opens=1)
    figures = bench_store.measure(BenchContext(tmp_path / "work", quick=True), params,
                                  cache_dir=tmp_path / "cache")
    _finite(figures)
    names = {f.name for f in figures}
    assert {"store.toggle_p99", "store.toggle_p50", "store.fsync_floor_p99",
            "store.toggle_p99_growth", "store.agreement_save_p99",
            "store.stock_tinydb_insert_100_p99"} <= names
    toggle = next(f for f in figures if f.name == "store.toggle_p99")
    assert toggle.target and toggle.baseline is not None


def test_startup_bench_on_a_tiny_store(tmp_path: Path) -> None:
    params = bench_startup.Params(TINY, runs=1, backup_due_runs=1, warmups=0)
    figures = bench_startup.measure(BenchContext(tmp_path / "work", quick=True), params,
                                    cache_dir=tmp_path / "cache")
    _finite(figures)
    by_name = {f.name: f for f in figures}
    assert {"startup.first_paint", "startup.rss"} <= by_name.keys()
    assert by_name["startup.rss"].value > 1  # MB: a real process was measured


def test_a_failing_module_becomes_a_failed_row(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    boom = types.ModuleType("bench.bench_boom")

    def run(ctx: BenchContext) -> list[Figure]:
        raise RuntimeError("kaboom")

    boom.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bench.bench_boom", boom)
    rows = runner.run_module("boom", BenchContext(tmp_path))
    assert len(rows) == 1 and not rows[0].met and "kaboom" in rows[0].notes
    assert "FAILED" in runner.table(rows)

    out = tmp_path / "results.json"
    runner.write_json(rows, out)
    (row,) = orjson.loads(out.read_bytes())
    assert row["value"] is None and row["met"] is False


def test_runner_main_prints_one_table_and_writes_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = types.ModuleType("bench.bench_fake")
    fake.run = lambda ctx: [Figure("fake.latency", 1.5, "ms", 3.0, "twice as slow", "<= 2 ms",  # type: ignore[attr-defined]
                                   met=True)]
    monkeypatch.setitem(sys.modules, "bench.bench_fake", fake)
    monkeypatch.setattr(runner, "discover", lambda: ["fake"])
    out = tmp_path / "results.json"
    assert runner.main(["--quick", "--only", "fake", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "figure" in printed and "fake.latency" in printed and "0.5x" in printed
    rows = orjson.loads(out.read_bytes())
    (row,) = [r for r in rows if r["name"] == "fake.latency"]
    assert row["ratio"] == 0.5
    assert {r["name"] for r in rows} <= {"fake.latency", "bench.load_average"}
