"""Pictures of the full screens that unlock an encrypted store (issue 20), at 80x24 and 120x36:
the prompt at start, and the lock screen over a live session (nothing of the client in it).
The dialogs of encryption (the passphrase step, the recovery key shown once, the idle lock) are
pictured with every other dialog (tests/screens/dialog_openers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from roomguard.app import RoomguardApp
from roomguard.screens.lock.lock_screen import HiddenScreen, LockScreen
from roomguard.screens.lock.unlock import UnlockScreen
from roomguard.store import Store
from roomguard.store.demo import load_demo
from roomguard.store.encrypt import create_encrypted
from roomguard.store.vault import forget_all
from tests.screens.helpers import NOW, TODAY, seeded_store, settle_session

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
PASS = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RoomguardApp, "_daily_backup", lambda app: None)
    monkeypatch.setattr(App, "notify", lambda *args, **kwargs: None)


def encrypted_demo(path: Path) -> None:
    create_encrypted(path, PASS)
    with Store.open(path) as store:
        load_demo(store, TODAY)


async def still(pilot: Pilot[None]) -> None:
    await settle_session(pilot)
    for field in pilot.app.screen.query(Input):  # a blinking cursor is a matter of time
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_unlock_screen(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       size: tuple[int, int]) -> None:
    monkeypatch.chdir(tmp_path)
    encrypted_demo(Path("store"))
    forget_all()

    async def run_before(pilot: Pilot[None]) -> None:
        await still(pilot)
        assert isinstance(pilot.app.screen, UnlockScreen)

    app = RoomguardApp(Path("store"), clock=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_unlock_screen_after_a_wrong_passphrase(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.chdir(tmp_path)
    encrypted_demo(Path("store"))
    forget_all()

    async def run_before(pilot: Pilot[None]) -> None:
        await still(pilot)
        pilot.app.screen.query_one("#passphrase", Input).value = "not it"
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await still(pilot)

    app = RoomguardApp(Path("store"), clock=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_lock_screen_over_a_live_session(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.chdir(tmp_path)
    encrypted_demo(Path("store"))
    with Store.open(Path("store"), readonly=True) as store:
        client_id = store.find_client("Noah Kim").id

    async def run_before(pilot: Pilot[None]) -> None:
        await settle_session(pilot)
        await pilot.press("enter")  # past the briefing: the session runs
        await settle_session(pilot)
        await pilot.press("ctrl+l")
        await still(pilot)
        assert isinstance(pilot.app.screen, LockScreen)

    app = RoomguardApp(Path("store"), clock=lambda: NOW, session_client=client_id)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_hidden_screen_of_a_plaintext_store(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.chdir(tmp_path)
    seeded_store(Path("store"))

    async def run_before(pilot: Pilot[None]) -> None:
        await settle_session(pilot)
        await pilot.press("ctrl+l")
        await still(pilot)
        assert isinstance(pilot.app.screen, HiddenScreen)

    app = RoomguardApp(Path("store"), clock=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
