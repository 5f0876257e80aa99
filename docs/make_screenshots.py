"""Regenerate the README's screenshots with the app's own ``save_screenshot`` (``make screenshots``)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from roomguard.app import RoomguardApp
from roomguard.demo import load_demo
from roomguard.store import Store

DOCS = Path(__file__).parent
NOW = datetime(2026, 11, 25, 10, 0)


async def home(store: Path) -> None:
    app = RoomguardApp(store, clock=lambda: NOW)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        app.save_screenshot("screenshot.svg", str(DOCS))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        with Store.open(store) as opened:
            load_demo(opened, NOW.date())
        asyncio.run(home(store))
    print(f"wrote {DOCS / 'screenshot.svg'}")


if __name__ == "__main__":
    main()
