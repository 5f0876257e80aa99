"""Regenerate the README's screenshots with the app's own ``save_screenshot`` (``make screenshots``).

Each picture is taken once the screen shows what it is of (workers done, the alert raised, the
dialog open), never after a fixed pause.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot

from roomguard.app import RoomguardApp
from roomguard.store import Store
from roomguard.store.demo import load_demo

DOCS = Path(__file__).parent
NOW = datetime(2026, 11, 25, 10, 0)


async def settled(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def home(store: Path) -> None:
    app = RoomguardApp(store, clock=lambda: NOW)
    async with app.run_test(size=(120, 32)) as pilot:
        await settled(pilot)
        app.clear_notifications()
        await settled(pilot)
        app.save_screenshot("screenshot.svg", str(DOCS))


async def session_with_alert(store: Path) -> None:
    """Noah's session: his parent joins (key 3), a private topic comes up in a note; then, at
    80x24, the acknowledge dialog with a choice made and a note typed."""
    from roomguard.screens.session.acknowledge_form import AcknowledgeForm
    from roomguard.screens.session.screen import SessionScreen

    with Store.open(store, readonly=True) as opened:
        noah = opened.find_client("Noah Kim")
    for size, name in (((120, 32), "session.svg"), ((80, 24), "acknowledge.svg")):
        # Each picture on its own copy: a session left open would be offered for resuming.
        copy = store.with_name(f"{store.name}-{size[0]}")
        shutil.copytree(store, copy)
        app = RoomguardApp(copy, session_client=noah.id, clock=lambda: NOW)
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            await pilot.press("enter")  # past the briefing
            await settled(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            await pilot.press("3", "n")
            await pilot.press(*("space" if c == " " else c for c in "we talked about the divorce"))
            await pilot.press("enter", "escape")
            await settled(pilot)
            assert screen.state.unacknowledged()
            if name == "acknowledge.svg":
                app.clear_notifications()
                await pilot.press("a", "v", "tab")
                await pilot.press(*("space" if c == " " else c for c in "Grace stayed, agreed"))
                await settled(pilot)
                assert isinstance(app.screen, AcknowledgeForm)
            app.save_screenshot(name, str(DOCS))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        with Store.open(store) as opened:
            load_demo(opened, NOW.date())
        asyncio.run(home(store))
        asyncio.run(session_with_alert(store))
    print(f"wrote {', '.join(str(DOCS / n) for n in ('screenshot.svg', 'session.svg', 'acknowledge.svg'))}")


if __name__ == "__main__":
    main()
