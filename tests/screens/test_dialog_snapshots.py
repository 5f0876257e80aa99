"""A picture of every modal dialog at 80x24 and 120x36 (issue 18, item 5): each fits, its
buttons are on screen, its first field has focus. The dialogs and how each is opened are listed
once, in :mod:`tests.screens.dialog_openers`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button

from roomguard.app import RoomguardApp
from tests.screens.dialog_openers import DIALOGS, app_for, open_dialog

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.fixture(autouse=True)
def _no_daily_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The daily backup is named and dated by the real clock, which no picture may show."""
    monkeypatch.setattr(RoomguardApp, "_daily_backup", lambda app: None)


@pytest.fixture(autouse=True)
def _no_toasts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast is not the dialog, and one raised on the way (an alert's, queued after a
    refresh) came up before or after the picture depending on the machine's load."""
    monkeypatch.setattr(App, "notify", lambda *args, **kwargs: None)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialog_snapshot(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
    size: tuple[int, int],
) -> None:
    monkeypatch.chdir(tmp_path)  # the store is "store", as a coach would have typed it
    monkeypatch.setenv("HOME", "/home/coach")  # the .ics dialog offers a file there
    app = app_for(DIALOGS[name], Path("."))

    async def run_before(pilot: Pilot[None]) -> None:
        dialog = await open_dialog(pilot, name)
        for field in dialog.query("Input, TextArea"):  # a blinking cursor is a matter of time
            field.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.pause()
        frame = dialog.query_one(".dialog").region
        assert pilot.app.screen.region.contains_region(frame), f"{name}: {frame}"
        for button in dialog.query(".buttons Button").results(Button):  # none cut off
            assert button.region.area and frame.contains_region(button.region), (
                f"{name}: {button.id} at {button.region}, the dialog at {frame}")

    assert snap_compare(app, terminal_size=size, run_before=run_before)
