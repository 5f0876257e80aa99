"""Helpers for Pilot tests: a fixed clock, a seeded store, waiting for workers, the screen's text,
and a session under way (:func:`running_session`)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from roomguard.app import RoomguardApp
from roomguard.screens.session.briefing import SessionBriefing
from roomguard.screens.session.screen import SessionScreen
from roomguard.store import Store
from roomguard.store.demo import load_demo

NOW = datetime(2026, 11, 25, 10, 0)
TODAY = NOW.date()
SESSION_SIZE = (120, 40)


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


# ----------------------------------------------------------------------------- a live session
def session_app(path: Path, client: str = "Noah Kim", **kwargs: object) -> RoomguardApp:
    """The app on the store at *path*, opening straight into *client*'s session (by name)."""
    with Store.open(path, readonly=True) as store:
        client_id = store.find_client(client).id
    return make_app(path, session_client=client_id, **kwargs)


async def settle_session(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen repaint; a transcript follower runs until stopped,
    so it is not waited for."""
    await pilot.pause()
    app = pilot.app
    others = [w for w in app.workers if w.group != "follow"]
    if others:  # (an empty list would mean "every worker")
        await app.workers.wait_for_complete(others)
    await pilot.pause()


async def past_briefing(pilot: Pilot[None]) -> SessionScreen:
    """Begin from the pre-session briefing: the session is running."""
    await settle_session(pilot)
    assert isinstance(pilot.app.screen, SessionBriefing), pilot.app.screen
    await pilot.press("enter")
    await settle_session(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen), screen
    assert screen.record is not None
    return screen


@asynccontextmanager
async def running_session(
    path: Path,
    client: str = "Noah Kim",
    *,
    size: tuple[int, int] = SESSION_SIZE,
    **app_kwargs: object,
) -> AsyncIterator[tuple[Pilot[None], SessionScreen]]:
    """A session under way: the demo practice at *path* (seeded first when nothing is there),
    the app opened on *client*'s session at the fixed clock, the briefing passed. Yields the
    pilot and the running session screen; ``pilot.app`` is the app. *app_kwargs* go to
    :class:`RoomguardApp` (e.g. ``follow=``)."""
    if not path.exists():
        seeded_store(path)
    app = session_app(path, client, **app_kwargs)
    async with app.run_test(size=size) as pilot:
        yield pilot, await past_briefing(pilot)
