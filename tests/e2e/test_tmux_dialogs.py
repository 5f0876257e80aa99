"""End to end, with real key timing (issue 18, items 1, 5 and 6): in an 80x24 terminal the
acknowledge dialog shows its buttons and takes a typed note letter by letter, and after the
follow dialog closes the number keys move people again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from roomguard.core.events import AckAction, AlertAcknowledged
from roomguard.store import Store
from roomguard.store.demo import load_demo
from tests.e2e.test_tmux_session import pinned_size
from tests.e2e.tmux import Tmux, require_tmux

pytestmark = pytest.mark.e2e


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    require_tmux()
    term = Tmux(tmp_path, width=80, height=24)
    yield term
    term.kill()


def test_typed_note_reaches_the_note_and_digits_move_people_after_follow(
    tmux: Tmux, tmp_path: Path
) -> None:
    store_path = tmp_path / "store"
    with Store.open(store_path) as store:
        load_demo(store, date.today())  # the console script runs on the real clock

    tmux.start(["--db", str(store_path), "session", "Noah Kim"])
    tmux.wait_for("Before the session with Noah Kim")
    pinned_size(tmux)
    tmux.wait_for("Begin session")
    tmux.send("Enter")
    tmux.wait_for("· started")

    # Following a transcript, then the roster has the keys again: 3 brings Grace in.
    tmux.send("f")
    tmux.wait_for("Follow a transcript file")
    tmux.send("-l", str(tmp_path / "call.txt"))
    tmux.send("Enter")
    tmux.wait_for("waiting for file")
    tmux.send("3")
    tmux.wait_for("● in   Grace Kim")

    tmux.send("n")
    tmux.wait_for("Leave notes")
    tmux.send("-l", "we talked about the divorce")
    tmux.send("Enter")
    tmux.wait_for("1 unacknowledged alert")
    tmux.send("Escape")  # out of the notes input; a key sent at once would read as alt+a
    tmux.wait_gone("Leave notes")
    tmux.send("a")
    screen = tmux.wait_for("How did you handle it?")
    assert "Record" in screen and "Cancel" in screen, screen  # at 80x24 too

    tmux.send("v")
    tmux.send("Tab")
    tmux.send("-l", "Dana OK with Sam hear")
    screen = tmux.wait_for("Dana OK with Sam hear")
    assert "Record" in screen and "Cancel" in screen, screen  # no letter acted here
    tmux.send("Enter")
    tmux.wait_for("No unacknowledged alerts")
    tmux.send("e")
    tmux.wait_for("End the session?")
    tmux.send("y")
    tmux.wait_for("Session summary")
    tmux.send("Enter")
    tmux.wait_for("Start session")
    tmux.send("q")
    assert tmux.wait_for_exit() == 0

    with Store.open(store_path, readonly=True) as store:
        client = store.find_client("Noah Kim")
        record = next(store.sessions(client_id=client.id))
        (ack,) = [e for e in store.events(record.id) if isinstance(e, AlertAcknowledged)]
    assert (ack.action, ack.note, ack.mute_phrase) == (
        AckAction.VERBAL_CONSENT, "Dana OK with Sam hear", "")
