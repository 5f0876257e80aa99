"""Helpers for Pilot tests: a fixed clock, a seeded store, waiting for workers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from textual.pilot import Pilot

from roomguard.app import RoomguardApp
from roomguard.demo import load_demo
from roomguard.store import Store

NOW = datetime(2026, 11, 25, 10, 0)
TODAY = NOW.date()


def seeded_store(path: Path, today: date = TODAY) -> Path:
    with Store.open(path) as store:
        load_demo(store, today)
    return path


def make_app(path: Path, **kwargs: object) -> RoomguardApp:
    return RoomguardApp(path, clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]


async def settle(pilot: Pilot[object]) -> None:
    """Let workers finish and the screen repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
