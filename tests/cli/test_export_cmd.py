"""``roomguard export --assistant-safe``: only shareable things, and nothing of another client."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from roomguard.cli.main import main
from roomguard.core.events import NoteAdded
from roomguard.store import Store
from tests.screens.helpers import seeded_store


def _with_notes(path: Path, *notes: str) -> None:
    with Store.open(path) as store:
        priya = store.find_client("Priya Raman")
        latest = next(iter(store.sessions(client_id=priya.id)))
        for i, note in enumerate(notes, 1):
            store.append_event(latest.id, NoteAdded(latest.started_at + timedelta(minutes=i),
                                                    note, shareable=True))


def test_assistant_safe_export_leaves_out_other_clients(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded_store(store_path)
    _with_notes(store_path, "Book room 7 for the next session", "Swap slots with Marcus Webb")
    out = tmp_path / "safe.md"
    code = main(["--db", str(store_path), "export", "--client", "Priya Raman",
                 "--assistant-safe", "--days", "3650", "-o", str(out)])
    assert code == 0
    text = out.read_text()
    assert text.startswith("# Session summary: Priya Raman")
    assert "Book room 7 for the next session" in text
    assert "Marcus" not in text and "Health" not in text
    assert out.stat().st_mode & 0o777 == 0o600


def test_assistant_safe_export_needs_a_client(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded_store(store_path)
    assert main(["--db", str(store_path), "export", "--assistant-safe"]) != 0
    assert "--assistant-safe needs --client" in capsys.readouterr().err


def test_assistant_safe_export_says_what_it_held_back_and_why(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19, item 9: nothing is dropped silently, and an evader's spelling is caught."""
    seeded_store(store_path)
    _with_notes(store_path, "Sal ary review on Friday", "Priya is seeing Dr Patel on Monday")
    out = tmp_path / "safe.md"
    assert main(["--db", str(store_path), "export", "--client", "Priya Raman",
                 "--assistant-safe", "--days", "3650", "-o", str(out)]) == 0
    text = out.read_text()
    assert "Sal ary" not in text and "Patel" not in text
    err = capsys.readouterr().err
    assert "'Sal ary review on Friday': mentions the private topic \"Compensation\"" in err
    assert "names Priya Raman, Dr Patel: confirm before sharing" in err
