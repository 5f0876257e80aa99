"""Home over time (issue 18, items 10 and 11): left open across midnight it works its states out
again for the new day (a timer from the app's clock, tested with an injected clock, never by
waiting); its Agreement cell names what it counts; the booked next session shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from roomguard.app import RoomguardApp
from roomguard.core.models import Agreement
from roomguard.screens.home import HomeScreen, booked_cell, consent_cell
from roomguard.store import Store
from roomguard.widgets.due_summary import DueSummary
from roomguard.widgets.record_table import RecordTable
from tests.screens.helpers import TODAY, seeded_store, settle


def row(app: RoomguardApp, name: str) -> dict[str, str]:
    table = app.screen.query_one("#clients", RecordTable)
    client = app.store.find_client(name)
    cells = table.get_row(client.id)
    return {key: cell.plain for key, cell in zip(table.column_keys, cells, strict=True)}


async def test_home_open_across_midnight_shows_the_new_days_states(tmp_path: Path) -> None:
    path = seeded_store(tmp_path / "store")
    now = [datetime(2026, 11, 25, 23, 0)]
    app = RoomguardApp(path, clock=lambda: now[0])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.seconds_to_midnight() == 3600.0
        before = row(app, "Noah Kim")
        assert before["state"] == "in force" and not before["review"].endswith("overdue")
        assert home.query_one(DueSummary).overdue == 1  # Marcus
        # Grace's consent expires on 7 December and Noah's review was due on 5 December.
        now[0] = datetime(2026, 12, 8, 0, 0, 1)
        home.at_midnight()  # what the timer calls
        await settle(pilot)
        after = row(app, "Noah Kim")
        assert after["state"] == "consent: 1 expired"
        assert after["review"].endswith("overdue")
        assert home.query_one(DueSummary).overdue == 3  # Marcus, Sofia and Noah
        assert home.seconds_to_midnight() == 24 * 3600 - 1


async def test_a_day_passed_asleep_is_noticed_by_the_minute_check(tmp_path: Path) -> None:
    path = seeded_store(tmp_path / "store")
    now = [datetime(2026, 11, 25, 9, 0)]
    app = RoomguardApp(path, clock=lambda: now[0])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.check_day()  # the same day: nothing to do
        now[0] += timedelta(days=13)
        home.check_day()
        await settle(pilot)
        assert row(app, "Noah Kim")["state"] == "consent: 1 expired"


def test_the_agreement_cell_names_what_it_counts(tmp_path: Path) -> None:
    path = seeded_store(tmp_path / "store")
    with Store.open(path, readonly=True) as store:
        agreements = {c.name: a for c, a in store.agreements()}
    noah: Agreement = agreements["Noah Kim"]
    assert consent_cell(noah, TODAY).plain == "in force"
    assert consent_cell(noah, date(2026, 12, 8)).plain == "consent: 1 expired"
    assert consent_cell(agreements["Marcus Webb"], TODAY).plain == "consent: 1 outdated"


def test_the_booked_next_session_shows_until_it_has_passed() -> None:
    booked = datetime(2026, 12, 1, 10, 30)
    assert booked_cell(booked, TODAY) == "Tue 01 Dec 10:30"
    assert booked_cell(booked, date(2026, 12, 2)) == ""
    assert booked_cell(None, TODAY) == ""
