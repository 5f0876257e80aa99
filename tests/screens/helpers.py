"""Helpers for Pilot tests: a fixed clock, a seeded store, waiting for workers, the screen's text."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from roomguard.app import RoomguardApp
from roomguard.store import Store
from roomguard.store.demo import load_demo

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


def screen_text(app: App[object]) -> str:
    """The whole frame as the terminal would get it, as plain text (no colours, no cursor
    moves): what the user reads."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      record=True, force_terminal=True, color_system="truecolor",
                      legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)
