"""Issue 18, items 2 and 4, on the command line: ``roomguard check`` says which phrases are muted
(when and why) and lists the lines they kept from alerting; ``roomguard checkins`` gives every
reason an agreement needs attention, consent gaps and open to-dos included."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from roomguard.cli.main import main
from roomguard.core.models import MutedPhrase, Todo
from roomguard.core.mutes import mute_phrase
from roomguard.store import Store
from tests.screens.helpers import seeded_store

TODAY = date(2026, 11, 25)
MUTED_AT = datetime(2026, 11, 18, 10, 25)
TRANSCRIPT = "Grace: how is his girlfriend?\nNoah: fine, we talked about the divorce\n"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = seeded_store(tmp_path / "store", TODAY)
    with Store.open(path) as opened:
        client = opened.find_client("Noah Kim")
        agreement = opened.agreement(client.id)
        assert agreement is not None
        mute_phrase(agreement, MutedPhrase("girlfriend", MUTED_AT,
                                           "false alarm on the Friendships and dating alert",
                                           "202611-abc"))
        agreement.muted_phrases.append("crush")  # muted before records were kept
        agreement.todos.append(Todo("Record written consent from Grace Kim for Family conflict",
                                    MUTED_AT, session_id="202611-abc"))
        opened.save_agreement(agreement)
    return path


def check(store: Path, tmp_path: Path, *args: str) -> int:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT)
    return main(["--db", str(store), "check", str(path), "--client", "Noah Kim", *args])


def test_check_text_says_which_phrases_are_muted_and_what_they_silenced(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(store, tmp_path) == 1  # the divorce, with Grace in the room
    out = capsys.readouterr().out
    assert "line 1  Grace: how is his girlfriend?\n    muted, not flagged: girlfriend  " \
           "topic: Friendships and dating" in out
    assert "1 alert(s) in 2 line(s); 1 line(s) with a muted phrase, not flagged" in out
    assert "Muted for Noah Kim (never flagged):" in out
    assert ('"girlfriend"  muted 2026-11-18 10:25: false alarm on the Friendships and dating '
            "alert") in out
    assert '"crush"  muted before Roomguard recorded when or why' in out


def test_check_json_lists_muted_phrases_and_silenced_lines(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(store, tmp_path, "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["muted"] == [
        {"phrase": "girlfriend", "muted_at": "2026-11-18T10:25:00",
         "reason": "false alarm on the Friendships and dating alert", "session_id": "202611-abc"},
        {"phrase": "crush", "muted_at": None, "reason": None, "session_id": None},
    ]
    (line,) = data["silenced"]
    assert (line["line_no"], line["speaker"], line["phrases"], line["topics"]) == (
        1, "Grace", ["girlfriend"], ["Friendships and dating"])


def test_checkins_json_gives_every_reason_and_the_open_todos(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(store), "checkins", "--today", TODAY.isoformat(),
                 "--format", "json"]) == 0
    rows = {row["client"]: row for row in json.loads(capsys.readouterr().out)}
    marcus = rows["Marcus Webb"]
    assert marcus["reasons"][0] == "scheduled review"
    assert any(r.startswith("Elena Ruiz: consented to v1") for r in marcus["reasons"])
    (todo,) = rows["Noah Kim"]["todos"]
    assert todo["text"] == "Record written consent from Grace Kim for Family conflict"
    assert todo["created_at"] == "2026-11-18T10:25:00" and todo["session_id"] == "202611-abc"
    assert not any("to-do" in reason for reason in rows["Noah Kim"]["reasons"])


def test_checkins_table_shows_the_consent_gap_and_the_todo(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--db", str(store), "checkins", "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    marcus = next(line for line in out.splitlines() if "Marcus Webb" in line)
    assert "scheduled review; Elena Ruiz: consented to v1" in marcus
    noah = next(line for line in out.splitlines() if "Noah Kim" in line)
    assert "to-do: Record written consent from Grace Kim for Family conflict" in noah


def test_the_calendar_file_never_carries_a_todo(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A to-do can name a private topic; a calendar may be synced off this machine."""
    main(["--db", str(store), "checkins", "--today", TODAY.isoformat(), "--format", "ics"])
    calendar = capsys.readouterr().out
    assert "Noah Kim" in calendar
    assert "to-do" not in calendar and "Family conflict" not in calendar
    assert "Elena Ruiz: consented to v1" in calendar.replace("\r\n ", "")  # a consent gap
