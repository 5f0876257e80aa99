"""Regenerate the README's screenshots with the app's own ``save_screenshot`` (``make screenshots``)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from roomguard.app import RoomguardApp
from roomguard.store import Store
from roomguard.store.demo import load_demo

DOCS = Path(__file__).parent
NOW = datetime(2026, 11, 25, 10, 0)


async def home(store: Path) -> None:
    app = RoomguardApp(store, clock=lambda: NOW)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        app.save_screenshot("screenshot.svg", str(DOCS))


async def session_with_alert(store: Path) -> None:
    """Noah's session: his parent joins (key 3), a private topic comes up in a note."""
    with Store.open(store, readonly=True) as opened:
        noah = opened.find_client("Noah Kim")
    app = RoomguardApp(store, session_client=noah.id, clock=lambda: NOW)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("enter")  # past the briefing
        await pilot.pause(0.3)
        await pilot.press("3", "n")
        await pilot.press(*"we talked about the divorce")
        await pilot.press("enter", "escape")
        await pilot.pause(0.5)
        app.save_screenshot("session.svg", str(DOCS))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        with Store.open(store) as opened:
            load_demo(opened, NOW.date())
        asyncio.run(home(store))
        asyncio.run(session_with_alert(store))
    print(f"wrote {DOCS / 'screenshot.svg'} and {DOCS / 'session.svg'}")


if __name__ == "__main__":
    main()
