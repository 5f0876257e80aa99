"""The session's collector scheduling: off while live, collected when quiet, restored after."""

from __future__ import annotations

import gc

import pytest

from roomguard.quiet_gc import QuietCollector


@pytest.fixture(autouse=True)
def _restore_gc():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_take_over_disables_and_give_back_restores() -> None:
    gc.enable()
    collector = QuietCollector()
    collector.take_over()
    assert not gc.isenabled() and gc.get_freeze_count() > 0
    collector.take_over()  # idempotent
    collector.give_back()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_give_back_keeps_a_disabled_collector_disabled() -> None:
    gc.disable()
    collector = QuietCollector()
    collector.take_over()
    collector.give_back()
    assert not gc.isenabled()


def test_tick_collects_only_when_quiet_or_overdue(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("roomguard.quiet_gc.time.monotonic", lambda: clock[0])
    collected: list[float] = []
    monkeypatch.setattr("roomguard.quiet_gc.gc.collect", lambda: collected.append(clock[0]))
    collector = QuietCollector(quiet=1.0, every=10.0, at_most=60.0)
    collector.take_over()  # collects once at the start
    collected.clear()
    for step in range(1, 60):  # input every 0.5 s: never quiet
        clock[0] = 1000.0 + step * 0.5
        collector.input_seen()
        collector.tick()
    assert collected == []
    clock[0] = 1061.0  # over at_most: collects even though input is continuous
    collector.input_seen()
    collector.tick()
    assert collected == [1061.0]
    clock[0] = 1072.5  # quiet for 11.5 s and 11.5 s since the last collection
    collector.tick()
    assert collected == [1061.0, 1072.5]
    collector.give_back()
