"""Issue 18, items 2 and 4, on screen.

Muting is visible and reversible: the agreement lists each muted phrase struck through with
when and why, strikes it in its topic's phrases, and unmutes it after asking (saved; the phrase
alerts again). Consent gaps are loud: the roster says why someone's consent is not valid and a
toast warns when they come in; open to-dos are on the agreement (marked done there, with the
date), in check-ins (every reason, not only the first) and counted on home.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot

from roomguard.app import RoomguardApp
from roomguard.core.events import AlertRaised
from roomguard.core.models import Agreement, MutedPhrase, PrivateTopic, Todo
from roomguard.core.mutes import mute_phrase
from roomguard.core.transcript import Utterance
from roomguard.live.audit import audit_transcript
from roomguard.screens.agreements import AgreementsScreen
from roomguard.screens.checkins import CheckinsScreen
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.store import Store
from roomguard.widgets.due_summary import DueSummary
from roomguard.widgets.mute_table import MuteTable
from roomguard.widgets.record_table import RecordTable
from roomguard.widgets.roster import Roster
from roomguard.widgets.todo_table import TodoTable
from roomguard.widgets.topic_list import TopicTable
from tests.builders import signed
from tests.screens.helpers import (
    NOW,
    TODAY,
    make_app,
    running_session,
    screen_text,
    seeded_store,
    settle,
)

SIZE = (120, 40)
MUTED_AT = datetime(2026, 11, 18, 10, 25)
VERBAL = Todo("Record written consent from Tom Becker for Health (given verbally in the session "
              "of 2026-11-18 10:25)", MUTED_AT + timedelta(minutes=1), session_id="202611-abc")


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo practice; Priya's agreement has "therapy" muted and one verbal-consent to-do."""
    path = seeded_store(tmp_path_factory.mktemp("demo") / "store")
    with Store.open(path) as store:
        agreement = priya(store)
        mute_phrase(agreement, MutedPhrase("therapy", MUTED_AT,
                                           "false alarm on the Health alert", "202611-abc"))
        agreement.todos.append(VERBAL)
        store.save_agreement(agreement)
    return path


@pytest.fixture
def demo(_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(_template, path)
    return path


def priya(store: Store) -> Agreement:
    agreement = store.agreement(store.find_client("Priya Raman").id)
    assert agreement is not None
    return agreement


async def open_agreement(pilot: Pilot[None], name: str) -> AgreementsScreen:
    app: RoomguardApp = pilot.app  # type: ignore[assignment]
    await settle(pilot)
    app.open_agreements(app.store.find_client(name))
    await settle(pilot)
    assert isinstance(app.screen, AgreementsScreen)
    return app.screen


def toasts(app: RoomguardApp) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


# --------------------------------------------------------------------------- muted phrases
async def test_agreement_lists_muted_phrases_struck_through_with_when_and_why(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot, "Priya Raman")
        text = screen_text(app)
        assert "Muted phrases (u: unmute)" in text
        assert "therapy       2026-11-18 10:25  false alarm" in text
        phrase, when, why = screen.query_one(MuteTable).get_row_at(0)
        assert isinstance(phrase, Text) and phrase.plain == "therapy"
        assert (str(when), str(why)) == ("2026-11-18 10:25", "false alarm on the Health alert")
        assert "strike" in str(phrase.style)
        topics = screen.query_one(TopicTable)
        health = next(i for i in range(topics.row_count) if "Health" in str(topics.get_row_at(i)[0]))
        cell = topics.get_row_at(health)[2]
        assert isinstance(cell, Text)
        struck = [cell.plain[s.start:s.end] for s in cell.spans if "strike" in str(s.style)]
        assert struck == ["therapy"]


async def test_unmute_asks_first_and_keep_muted_changes_nothing(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_agreement(pilot, "Priya Raman")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        text = screen_text(app)
        assert 'Flag "therapy" again for Priya Raman?' in text
        assert "It was muted 2026-11-18 10:25: false alarm on the Health alert." in text
        await pilot.press("escape")
        await settle(pilot)
        assert priya(app.store).muted_phrases == ["therapy"]


async def test_unmute_saves_and_the_phrase_alerts_again(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot, "Priya Raman")
        tom = next(p.id for p in screen.agreement.participants if p.name == "Tom Becker")
        line = [Utterance("Priya", "my therapy is going well", "", 1)]
        assert audit_transcript(priya(app.store), line, [tom], NOW).findings == []
        await pilot.press("u")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        stored = priya(app.store)
        assert stored.muted_phrases == [] and stored.mutes == []
        assert ("Unmuted", '"therapy" is flagged again for Priya Raman.') in toasts(app)
        assert not screen.query_one("#muted-pane").display
        (finding,) = audit_transcript(stored, line, [tom], NOW).findings
        assert isinstance(finding.alert, AlertRaised) and finding.alert.phrase == "therapy"


# --------------------------------------------------------------------------- to-dos
async def test_agreement_lists_open_todos_and_marks_one_done_with_the_date(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot, "Priya Raman")
        assert "Open to-dos (o: mark done)" in screen_text(app)
        table = screen.query_one(TodoTable)
        assert [str(cell) for cell in table.get_row_at(0)] == ["2026-11-18", VERBAL.text]
        assert "2026-11-18  Record written consent from Tom" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert app.screen.detail == f"{VERBAL.text} (since 2026-11-18)"
        await pilot.click("#yes")
        await settle(pilot)
        (todo,) = priya(app.store).todos
        assert todo.done_at == NOW
        assert ("To-do done", f"Done {TODAY.isoformat()}: {VERBAL.text}") in toasts(app)
        assert not screen.query_one("#todos-pane").display


async def test_new_terms_version_leaves_reconsent_todos_done_by_recording_consent(
    demo: Path,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot, "Priya Raman")
        assert screen.change_terms(lambda terms: terms.topics.append(PrivateTopic("Money")))
        await settle(pilot)
        owed = [t for t in priya(app.store).todos if t.terms_version == 2]
        assert sorted(t.text.split(" to version")[0] for t in owed) == [
            "Get written consent from Alex Morgan",
            "Get written consent from Priya Raman",
            "Get written consent from Tom Becker",
        ]
        assert screen.query_one(TodoTable).row_count == 4
        tom = next(p for p in screen.agreement.participants if p.name == "Tom Becker")
        (record,) = signed(tom, on=TODAY, version=2)
        assert screen._save_consent(record)
        await settle(pilot)
        (done,) = [t for t in priya(app.store).todos if t.done_at is not None]
        assert done.participant_id == tom.id and done.done_at == NOW
        assert any("1 to-do done." in message for _, message in toasts(app))


# --------------------------------------------------------------------------- check-ins and home
async def test_checkins_give_every_reason_and_the_open_todos(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinsScreen)
        table = app.screen.query_one("#checkins", RecordTable)
        rows = {str(table.get_row_at(i)[3]): table.get_row_at(i) for i in range(table.row_count)}
        assert str(rows["Marcus Webb"][7]).startswith("scheduled review; Elena Ruiz: consented")
        assert "to-do: Record written consent from Tom" in str(rows["Priya Raman"][7])
        table.move_cursor(row=list(rows).index("Priya Raman"))
        await settle(pilot)
        detail = screen_text(app)
        assert "• to-do: Record written consent from Tom Becker for Health" in detail
        assert "(mark a to-do done on the agreement: a)" in detail


async def test_home_counts_open_todos(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = app.screen.query_one(DueSummary)
        assert summary.todos == 1
        assert "· 1 open to-do  (press c)" in screen_text(app)


# --------------------------------------------------------------------------- the live roster
async def test_roster_says_whose_consent_is_not_valid_and_toggling_them_in_warns(
    tmp_path: Path,
) -> None:
    async with running_session(tmp_path / "store", "Marcus Webb") as (pilot, screen):
        roster = screen.query_one(Roster).plain()
        elena = next(line for line in roster.splitlines() if "Elena Ruiz" in line)
        number = elena.split()[0]
        assert "⚠ consent outdated" in roster
        await pilot.press(number)
        await settle(pilot)
        warnings = [m for t, m in toasts(pilot.app) if t == "No valid consent"]  # type: ignore[arg-type]
        assert len(warnings) == 1
        assert warnings[0].startswith("Elena Ruiz is in the room without valid written consent")
        assert "terms are now v2, must consent again" in warnings[0]
