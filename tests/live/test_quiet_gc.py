"""The session's collector scheduling: off while live, collected when quiet, restored after."""

from __future__ import annotations

import gc

import pytest

from roomguard.live import quiet_gc
from roomguard.live.quiet_gc import QuietCollector


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
    monkeypatch.setattr("roomguard.live.quiet_gc.time.monotonic", lambda: clock[0])
    collected: list[float] = []
    monkeypatch.setattr("roomguard.live.quiet_gc.gc.collect", lambda: collected.append(clock[0]))
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


# ---------------------------------------------------------------- start-up


def test_startup_hold_disables_until_release_then_freezes_and_enables() -> None:
    gc.enable()
    gc.unfreeze()
    quiet_gc.hold_for_startup()
    assert not gc.isenabled()
    quiet_gc.release_after_startup()
    assert gc.isenabled() and gc.get_freeze_count() > 0
    gc.unfreeze()
    quiet_gc.release_after_startup()  # a second release does nothing
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_release_without_a_hold_changes_nothing() -> None:
    gc.disable()  # e.g. somebody else's choice: not ours to undo
    quiet_gc.release_after_startup()
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_a_hold_when_already_disabled_is_released_disabled() -> None:
    gc.disable()
    quiet_gc.hold_for_startup()
    quiet_gc.release_after_startup()
    assert not gc.isenabled()


def test_run_tui_holds_the_collector_while_starting_and_releases_it(
    store_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roomguard.app import RoomguardApp
    from roomguard.cli.main import run_tui

    gc.enable()
    seen: list[bool] = []
    monkeypatch.setattr(RoomguardApp, "run", lambda self, *a, **k: seen.append(gc.isenabled()))
    assert run_tui(store_path) == 0
    assert seen == [False]  # off while the app starts
    assert gc.isenabled()  # and back on, even though the app never painted


async def test_the_app_releases_the_collector_after_its_first_frame(store_path) -> None:
    import asyncio
    import time

    from roomguard.app import RoomguardApp
    from roomguard.screens.lock.passphrase_form import PassphraseForm

    gc.enable()
    quiet_gc.hold_for_startup()
    app = RoomguardApp(store_path)
    async with app.run_test():
        # Wait for states, never for a time: on a busy machine the first frame, and the
        # passphrase step an empty store opens first, can take many event-loop turns. Leaving
        # before the dialog has mounted shut the app down under its on_mount (NoMatches).
        def started() -> bool:
            return (gc.isenabled() and isinstance(app.screen, PassphraseForm)
                    and app.focused is not None and app.focused.id == "passphrase")

        deadline = time.monotonic() + 60
        while not started() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert started(), f"not started within 60 s: gc {gc.isenabled()}, screen {app.screen!r}"
        assert gc.isenabled() and gc.get_freeze_count() > 0
