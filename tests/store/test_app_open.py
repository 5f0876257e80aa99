"""What the app gets from the store at start-up: a damaged store stops at the store-problem
screen with the named error (never home over an empty or partial store), and the restore it
offers brings the store back; a crash's leftovers are recovered and the counts are right."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from roomguard.app import RoomguardApp
from roomguard.core.events import AlertRaised
from roomguard.store import FileDamaged, FileMissing, JournalDamaged, Store, StoreCorrupt
from tests.builders import build_agreement, build_client

NOW = datetime(2026, 3, 3, 9, 0)
T0 = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def practice(store_path: Path) -> Path:
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["salary"]))
        record = store.start_session("ann", T0, 1, [])
        store.end_session(record, T0 + timedelta(minutes=50))
        store.backup("manual")
    return store_path


def _journal(root: Path) -> Path:
    return next((root / "sessions").glob("*/*.jsonl"))


DAMAGE = {
    "practice-deleted": (lambda root: (root / "practice.json").unlink(), FileMissing,
                         "practice.json"),
    "client-deleted": (lambda root: (root / "clients" / "ann.json").unlink(), FileMissing,
                       "clients/ann.json"),
    "practice-flipped": (lambda root: (root / "practice.json").write_bytes(
        (root / "practice.json").read_bytes().replace(b"Ann", b"Anm")), FileDamaged,
        "practice.json"),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
async def test_a_damaged_store_opens_on_the_problem_screen_and_its_backup_restores(
        practice: Path, damage) -> None:
    from roomguard.screens.home import HomeScreen
    from roomguard.screens.store_problem import StoreProblemScreen

    make, kind, rel = damage
    make(practice)
    app = RoomguardApp(practice, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.store_problem, kind)
        assert isinstance(app.store_problem, StoreCorrupt)
        assert app.store_problem.path == practice / rel
        assert isinstance(app.screen, StoreProblemScreen)
        assert app.store_problem.title in str(app.screen.query_one(".title").render())
        await pilot.press("r")  # the newest backup, the one that verifies good
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.store_problem is None
        assert isinstance(app.screen, HomeScreen)
        assert [c.name for c in app.store.clients()] == ["Ann"]


async def test_a_session_a_crash_left_open_shows_its_unhandled_alert(store_path: Path) -> None:
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        store.save_agreement(build_agreement(client_id="ann", id="ag"))
        record = store.start_session("ann", T0, 1, [])
        store.append_event(record.id, AlertRaised(T0, "t", "Money", ["p"], "why", "salary"))
        # kill -9: the index row still counts 0 alerts
    app = RoomguardApp(store_path, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        row = app.store.session(record.id)
        assert (row.alerts, row.unhandled) == (1, 1)
        assert any(record.id in line for line in app.store.recovered)


async def test_damage_in_a_session_left_open_is_named_at_start_up(store_path: Path) -> None:
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        record = store.start_session("ann", T0, 1, [])
        store.append_event(record.id, AlertRaised(T0, "t", "Money", ["p"], "why", "salary"))
        store.append_event(record.id, AlertRaised(T0, "u", "Health", ["p"], "why", "doctor"))
    journal = _journal(store_path)
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"Money", b"Mon;y")
    journal.write_bytes(b"".join(lines))
    app = RoomguardApp(store_path, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.store_problem, JournalDamaged)
        assert app.store_problem.unreadable_lines == 1


async def test_the_problem_screen_shows_backup_states_and_selects_the_newest_good(
        practice: Path) -> None:
    from textual.widgets import OptionList

    from roomguard.screens.store_problem import StoreProblemScreen

    good = next((practice / "backups").glob("*.zip"))
    bad = good.with_name("roomguard-29991231-235959-manual.zip")  # sorts newest
    bad.write_bytes(b"not a zip")
    (practice / "practice.json").unlink()
    app = RoomguardApp(practice, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StoreProblemScreen)
        options = app.screen.query_one("#backups", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].endswith("damaged") and labels[1].endswith("good")
        assert options.highlighted == 1  # the newest good one, not the newest
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.store_problem is None


async def test_a_daily_backup_refused_for_damage_says_so_with_its_own_title(
        practice: Path) -> None:
    from roomguard.store import BackupRefused

    for old in (practice / "backups").glob("*.zip"):
        old.unlink()  # so a daily backup is due
    client = practice / "clients" / "ann.json"
    client.write_bytes(client.read_bytes().replace(b"salary", b"sal[b]y"))  # damage, with markup
    app = RoomguardApp(practice, clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        refused = [n for n in app._notifications if n.title == BackupRefused.title]
        assert len(refused) == 1
        assert "clients/ann.json" in refused[0].message and not refused[0].markup
