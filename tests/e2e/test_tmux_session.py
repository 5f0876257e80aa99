"""End to end: ``roomguard --db STORE session "Noah Kim"`` in a real terminal.

The parent joins with a number key, a private phrase is typed, the alert shows, it is
acknowledged, the session ends with a summary, and the store's journal holds all of it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    PresenceChanged,
    SessionEnded,
    SessionStarted,
)
from roomguard.store import Store
from roomguard.store.demo import load_demo
from tests.e2e.tmux import Tmux, require_tmux

pytestmark = pytest.mark.e2e


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    require_tmux()
    term = Tmux(tmp_path, width=120, height=40)
    yield term
    term.kill()


def pinned_size(tmux: Tmux, timeout: float = 10.0) -> None:
    """Make sure the app draws at the size asked for. A detached tmux may start the pane at
    80x24 and apply the resize a moment later, possibly before the app listens for SIGWINCH;
    so once the app is up, wiggle the width (two SIGWINCHs) and wait for the pane to settle.
    The summary dialog needs the full width."""
    wanted = f"{tmux.width}x{tmux.height}"
    for width in (tmux.width - 1, tmux.width):
        tmux._tmux("resize-window", "-t", "rg", "-x", str(width), "-y", str(tmux.height))
        time.sleep(0.2)
    deadline = time.monotonic() + timeout
    while True:
        size = tmux._tmux("display-message", "-p", "-t", "rg", "#{pane_width}x#{pane_height}")
        if size.strip() == wanted:
            break
        assert time.monotonic() < deadline, f"pane is {size.strip()}, not {wanted}"
        tmux._tmux("resize-window", "-t", "rg", "-x", str(tmux.width), "-y", str(tmux.height))
        time.sleep(0.1)
    # The pane has the size; now the app must have drawn at it (a busy machine may take a
    # while to handle the SIGWINCH): its frame reaches the last column and the last row.
    tmux.wait_until(lambda screen: drawn_at(screen, tmux.width, tmux.height),
                    f"the app to draw at {wanted}")


def drawn_at(screen: str, width: int, height: int) -> bool:
    """Whether a captured frame fills *width* x *height* (capture-pane drops trailing
    blanks: an app still drawing at 80x24 leaves the right and the bottom empty)."""
    lines = screen.splitlines()
    return (len(lines) >= height and bool(lines[height - 1].strip())
            and any(len(line) >= width for line in lines))


def test_session_alert_acknowledge_end(tmux: Tmux, tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    with Store.open(store_path) as store:
        load_demo(store, date.today())  # the console script runs on the real clock

    tmux.start(["--db", str(store_path), "session", "Noah Kim"])
    tmux.wait_for("Before the session with Noah Kim")
    pinned_size(tmux)
    tmux.wait_for("Begin session")
    tmux.send("Enter")
    tmux.wait_for("In the room")
    tmux.wait_for("· started")  # the session is live: keys now act on it

    # The parent comes in (3), Noah steps out and back (1, 1).
    tmux.send("3")
    tmux.wait_for("● in   Grace Kim")
    tmux.send("1")
    tmux.wait_for("○ out  Noah Kim")
    tmux.send("1")
    tmux.wait_for("● in   Noah Kim")

    tmux.send("n")  # into the notes input
    tmux.wait_for("Leave notes")
    tmux.send("-l", "we talked about the divorce")
    tmux.send("Enter")
    screen = tmux.wait_for("1 unacknowledged alert")
    assert 'Family conflict came up ("divorce")' in screen
    assert "NOT cleared: Grace Kim" in screen

    tmux.send("Escape")  # out of the input: letters are keys again
    # Only once the Esc is handled: sent at once, "a" would come with it as alt+a. (The footer
    # offers "a Acknowledge" while the input has focus too; it cannot tell.)
    tmux.wait_gone("Leave notes")
    tmux.send("a")
    tmux.wait_for("How did you handle it?")
    # "s" chooses, Enter records. In the full suite on a loaded machine, an "s" and Enter sent
    # as soon as the dialog showed were once both lost: the dialog stayed open with nothing
    # recorded (keys arriving between its first frame and its auto-focus; see the report).
    # Both keys are idempotent here, so they are sent again until the alert is handled; the
    # journal below still has to hold exactly one acknowledgement, "stepped out".
    for attempt in range(3):
        tmux.send("s")
        tmux.send("Enter")
        try:
            tmux.wait_for("No unacknowledged alerts", timeout=20 if attempt < 2 else 60)
            break
        except AssertionError:
            if attempt == 2:
                raise

    tmux.send("e")
    tmux.wait_for("End the session?")
    tmux.send("y")
    screen = tmux.wait_for("Session summary")
    assert "Alerts: 1" in screen
    assert "asked the person to step out" in screen
    assert "Grace Kim" in screen
    tmux.send("Enter")
    tmux.wait_for("Start session")  # back home
    tmux.send("q")
    assert tmux.wait_for_exit() == 0

    with Store.open(store_path, readonly=True) as store:
        client = store.find_client("Noah Kim")
        record = next(store.sessions(client_id=client.id))
        assert record.ended_at is not None and (record.alerts, record.unhandled) == (1, 0)
        events = store.events(record.id)
    assert isinstance(events[0], SessionStarted) and isinstance(events[-1], SessionEnded)
    assert [e.present for e in events if isinstance(e, PresenceChanged)] == [True, False, True]
    (alert,) = [e for e in events if isinstance(e, AlertRaised)]
    (ack,) = [e for e in events if isinstance(e, AlertAcknowledged)]
    assert alert.topic_name == "Family conflict" and alert.phrase == "divorce"
    assert ack.alert_id == alert.id and ack.action is AckAction.STEPPED_OUT
