"""Agreements screen: every form's flow and validation errors, versioning, consent, the document."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from roomguard.app import RoomguardApp
from roomguard.core.consent import ConsentState, consent_state, in_force
from roomguard.core.models import (
    Agreement,
    CadenceKind,
    Client,
    ConsentMethod,
    Participant,
    PrivateTopic,
    Role,
)
from roomguard.screens.agreement_forms.cadence_form import CadenceForm
from roomguard.screens.agreement_forms.consent_form import ConsentForm
from roomguard.screens.agreement_forms.document_form import DocumentForm
from roomguard.screens.agreement_forms.party_form import PartyForm
from roomguard.screens.agreement_forms.revoke_form import RevokeForm
from roomguard.screens.agreement_forms.scope_form import ScopeForm
from roomguard.screens.agreement_forms.shareable_form import ShareableForm
from roomguard.screens.agreement_forms.terms_history import TermsHistory
from roomguard.screens.agreement_forms.topic_form import TopicForm
from roomguard.screens.agreements import AgreementsScreen
from roomguard.screens.commands import binding_commands
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.store import Store, WriteFailed
from roomguard.widgets.consent_table import PartiesTable
from roomguard.widgets.date_field import DateField
from roomguard.widgets.topic_list import TopicTable
from tests.builders import build_agreement, build_party
from tests.screens.helpers import NOW, TODAY, make_app, screen_text, seeded_store, settle

SIZE = (120, 40)


# --------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_store(tmp_path_factory.mktemp("demo") / "store")


@pytest.fixture
def demo(_demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo practice (copying is much faster than loading it again)."""
    path = tmp_path / "store"
    shutil.copytree(_demo_template, path)
    return path


def fresh_store(
    path: Path,
    *,
    client: str = "Dana Reyes",
    coach: str = "Alex Morgan",
    extra: list[Participant] | None = None,
    topics: list[PrivateTopic] | None = None,
) -> tuple[Path, str]:
    """A store with one client whose agreement nobody has signed yet."""
    person = Client(client, created_on=TODAY - timedelta(days=10))
    agreement = build_agreement(
        Participant(client, Role.CLIENT, aliases=["Dana"], added_on=person.created_on),
        Participant(coach, Role.COACH, added_on=person.created_on),
        *(extra or []),
        client_id=person.id,
        created_at=NOW - timedelta(days=10),
        topics=topics or [],
    )
    with Store.open(path) as store:
        store.set_setting("coach_name", coach)
        store.save_client(person)
        store.save_agreement(agreement)
    return path, person.id


async def open_screen(pilot: Pilot[None], name: str) -> AgreementsScreen:
    app: RoomguardApp = pilot.app  # type: ignore[assignment]
    await settle(pilot)
    app.open_agreements(app.store.find_client(name))
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AgreementsScreen)
    return screen


def stored(app: RoomguardApp, client_id: str) -> Agreement:
    agreement = app.store.agreement(client_id)
    assert agreement is not None
    return agreement


def error(app: RoomguardApp, field: str) -> str:
    label = app.screen.query_one(f"#{field}-error", Label)
    return str(label.render()) if label.display else ""


def status(app: RoomguardApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def notes(app: RoomguardApp) -> str:
    return "\n".join(n.message for n in app._notifications)


def fill(app: RoomguardApp, **values: object) -> None:
    """Set form fields by id: Inputs and date fields take text, Selects a value."""
    for field, value in values.items():
        widget = app.screen.query_one(f"#{field}")
        if isinstance(widget, DateField):
            widget = widget.input
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, TextArea):
            widget.text = str(value)
        elif isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, SelectionList):
            widget.deselect_all()
            for item in value:  # type: ignore[attr-defined]
                widget.select(item)
        else:  # pragma: no cover - a test asked for a field that is not there
            raise AssertionError(f"cannot fill {field}: {widget!r}")


async def save(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def party_id(app: RoomguardApp, client_id: str, name: str) -> str:
    return next(p.id for p in stored(app, client_id).participants if p.name == name)


def highlight_party(screen: AgreementsScreen, participant_id: str) -> None:
    table = screen.query_one(PartiesTable)
    table.focus()
    table.select_key(participant_id)


# --------------------------------------------------------------------------- the screen
async def test_shows_parties_topics_scopes_and_in_force(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Priya Raman")
        text = screen_text(app)
        assert "✓ In force" in status(app)
        for shown in (
            "Tom Becker",
            "tom.becker@example.com",
            "assistant",
            "Tom, TB",
            "Workload and delegation",
            "Tom runs Priya's calendar",
            "scheduling, logistics,",
            "Every 3 months",
            "Next review Mon 4 Jan 2027",
        ):
            assert shown in text


async def test_outdated_consent_says_who_must_consent(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Marcus Webb")
        assert status(app) == "✗ Not in force: Elena Ruiz must consent to version 2"
        assert "outdated" in screen_text(app)


async def test_palette_offers_the_agreement_actions(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "Priya Raman")
        commands = {command.title: command for command in binding_commands(app, screen)}
        assert {
            "Add party",
            "Add topic",
            "Record consent",
            "Revoke consent",
            "Generate document",
            "Add scope extension",
            "Review cadence",
            "Terms history",
        } <= set(commands)
        await commands["Add party"].callback()  # type: ignore[misc]  # partial(app.run_action)
        await settle(pilot)
        assert isinstance(app.screen, PartyForm)


async def test_escape_goes_back_home(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Priya Raman")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AgreementsScreen)


# --------------------------------------------------------------------------- parties
class TestPartyForm:
    async def test_add_party(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")
            await pilot.press("p")
            await settle(pilot)
            assert isinstance(app.screen, PartyForm)
            await pilot.press(*"Grace Kim")
            fill(app, role=Role.SUPPORTER, aliases="Grace, Mum", contact="+44 7700 900123")
            await save(pilot)
            assert isinstance(app.screen, AgreementsScreen)
            grace = stored(app, client_id).participants[-1]
            assert (grace.name, grace.role, grace.aliases, grace.contact) == (
                "Grace Kim",
                Role.SUPPORTER,
                ["Grace", "Mum"],
                "+44 7700 900123",
            )
            assert grace.added_on == TODAY
            assert "Grace Kim" in screen_text(app)
            assert status(app) == (
                "✗ Not in force: Dana Reyes, Alex Morgan, Grace Kim must consent to version 1"
            )

    async def test_edit_highlighted_party(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            tom = party_id(app, screen.client_id, "Tom Becker")
            highlight_party(screen, tom)
            await pilot.press("e")
            await settle(pilot)
            assert app.screen.query_one("#name", Input).value == "Tom Becker"
            fill(app, contact="tb@example.com")
            await save(pilot)
            agreement = stored(app, screen.client_id)
            assert agreement.participant(tom).contact == "tb@example.com"  # type: ignore[union-attr]
            assert agreement.terms.version == 1  # parties are not boundaries

    async def test_empty_name_is_required_and_nothing_typed_is_lost(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")
            await pilot.press("p")
            await settle(pilot)
            fill(app, name="   ", role=Role.SPONSOR, aliases="Boss", contact="boss@example.com")
            await save(pilot)
            assert isinstance(app.screen, PartyForm)
            assert error(app, "name") == "A name is required."
            assert app.focused is app.screen.query_one("#name")
            assert app.screen.query_one("#aliases", Input).value == "Boss"
            assert app.screen.query_one("#contact", Input).value == "boss@example.com"
            assert len(stored(app, client_id).participants) == 2
            # The error goes away as soon as it is fixed.
            fill(app, name="Sam Boss")
            await pilot.pause()
            assert error(app, "name") == ""

    async def test_role_is_required(self, tmp_path: Path) -> None:
        path, _ = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")
            await pilot.press("p")
            await settle(pilot)
            fill(app, name="Sam")
            await save(pilot)
            assert error(app, "role") == "Choose a role."

    async def test_duplicate_name(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Priya Raman")
            await pilot.press("p")
            await settle(pilot)
            fill(app, name="tom  BECKER", role=Role.OBSERVER)
            await save(pilot)
            assert isinstance(app.screen, PartyForm)
            assert error(app, "name") == 'Another party is already called "Tom Becker".'

    async def test_alias_used_by_two_people(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Priya Raman")
            await pilot.press("p")
            await settle(pilot)
            fill(app, name="Tomas Ruiz", role=Role.OBSERVER, aliases="Tomas, TB")
            await save(pilot)
            assert isinstance(app.screen, PartyForm)
            assert error(app, "aliases") == 'Alias "TB" is already used by Tom Becker.'

    async def test_cancel_with_unsaved_edits_asks_first(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")
            await pilot.press("p")
            await settle(pilot)
            await pilot.press(*"Half typed")
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, Confirm)
            await pilot.press("n")  # keep editing
            await settle(pilot)
            assert isinstance(app.screen, PartyForm)
            assert app.screen.query_one("#name", Input).value == "Half typed"
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("y")  # discard
            await settle(pilot)
            assert isinstance(app.screen, AgreementsScreen)
            assert len(stored(app, client_id).participants) == 2

    async def test_cancel_without_edits_just_closes(self, tmp_path: Path) -> None:
        path, _ = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")
            await pilot.press("p")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, AgreementsScreen)

    async def test_failed_save_keeps_the_form_open(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")

            def broken(agreement: Agreement) -> None:
                raise WriteFailed(
                    path / "clients" / "x.json", OSError(28, "No space left on device")
                )

            monkeypatch.setattr(app.store, "save_agreement", broken)
            await pilot.press("p")
            await settle(pilot)
            fill(app, name="[bold]Grace[/]", role=Role.SUPPORTER)
            await save(pilot)
            assert isinstance(app.screen, PartyForm)
            assert app.screen.query_one("#name", Input).value == "[bold]Grace[/]"
            assert "No space left on device" in notes(app)
            monkeypatch.undo()
            await save(pilot)
            assert isinstance(app.screen, AgreementsScreen)
            assert stored(app, client_id).participants[-1].name == "[bold]Grace[/]"

    async def test_end_a_third_partys_involvement(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            tom = party_id(app, screen.client_id, "Tom Becker")
            highlight_party(screen, tom)
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, Confirm)
            await pilot.press("y")
            await settle(pilot)
            assert stored(app, screen.client_id).participant(tom).ended_on == TODAY  # type: ignore[union-attr]
            assert tom not in screen.query_one(PartiesTable).rows


# --------------------------------------------------------------------------- consent
class TestConsent:
    async def record(
        self, pilot: Pilot[None], screen: AgreementsScreen, pid: str, **values: object
    ) -> None:
        highlight_party(screen, pid)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConsentForm)
        fill(pilot.app, **values)  # type: ignore[arg-type]
        await save(pilot)

    async def test_recording_every_consent_puts_the_agreement_in_force(
        self, tmp_path: Path
    ) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Dana Reyes")
            assert "Dana Reyes, Alex Morgan must consent to version 1" in status(app)
            dana = party_id(app, client_id, "Dana Reyes")
            await self.record(
                pilot,
                screen,
                dana,
                method=ConsentMethod.WET_SIGNATURE,
                document_ref="paper file DR-01",
                signed_on="yesterday",
            )
            assert status(app) == "✗ Not in force: Alex Morgan must consent to version 1"
            coach = party_id(app, client_id, "Alex Morgan")
            await self.record(
                pilot, screen, coach, method=ConsentMethod.E_SIGNATURE, expires_on="+1y"
            )
            assert status(app).startswith("✓ In force")
            agreement = stored(app, client_id)
            assert in_force(agreement, TODAY)
            first, second = agreement.consents
            assert (first.participant_id, first.signed_on, first.method, first.document_ref) == (
                dana,
                TODAY - timedelta(days=1),
                ConsentMethod.WET_SIGNATURE,
                "paper file DR-01",
            )
            assert second.expires_on == date(2027, 11, 25)
            assert "The agreement is in force." in notes(app)

    async def test_signed_date_in_the_future(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Dana Reyes")
            await self.record(
                pilot,
                screen,
                party_id(app, client_id, "Dana Reyes"),
                method=ConsentMethod.EMAIL,
                signed_on="tomorrow",
            )
            assert isinstance(app.screen, ConsentForm)
            assert error(app, "signed_on") == "The signed date 2026-11-26 is in the future."
            assert app.screen.query_one("#signed_on-input", Input).value == "tomorrow"
            assert stored(app, client_id).consents == []

    async def test_expiry_before_signing(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Dana Reyes")
            await self.record(
                pilot,
                screen,
                party_id(app, client_id, "Dana Reyes"),
                method=ConsentMethod.EMAIL,
                signed_on="2026-11-20",
                expires_on="2026-11-01",
            )
            assert error(app, "expires_on") == (
                "The expiry date must be after the signed date (2026-11-20)."
            )

    async def test_bad_date_text_and_missing_party_and_method(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Dana Reyes")
            await self.record(
                pilot,
                screen,
                party_id(app, client_id, "Dana Reyes"),
                participant_id=Select.NULL,
                signed_on="the day before",
                expires_on="31/02/2027",
            )
            assert error(app, "participant_id") == "Choose a party on this agreement."
            assert isinstance(app.screen, ConsentForm)
            assert error(app, "signed_on") == (
                "'the day before' isn't a date Roomguard understands; e.g. 2026-12-03, "
                "3 Dec 2026, 3/12/2026, +2w or in 3 months."
            )
            assert error(app, "expires_on") == (
                "'31/02/2027' is not a real date: February 2027 has 28 days, so there is no day 31."
            )
            assert error(app, "method") == "Choose how consent was given."
            # What was typed is shown back, and the read-back line says it is not a date yet.
            assert app.screen.query_one("#expires_on-input", Input).value == "31/02/2027"
            assert "not a date yet" in screen_text(app)

    async def test_date_read_back_before_saving(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Dana Reyes")
            highlight_party(screen, party_id(app, client_id, "Dana Reyes"))
            await pilot.press("r")
            await settle(pilot)
            fill(app, expires_on="3/4/2027")
            await pilot.pause()
            readback = app.screen.query_one("#expires_on .date-readback", Static)
            assert str(readback.render()) == (
                "→ Sat 3 Apr 2027 (read day-first; month-first would be Thu 4 Mar 2027)"
            )

    async def test_revoke_consent(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            tom = party_id(app, screen.client_id, "Tom Becker")
            highlight_party(screen, tom)
            await pilot.press("v")
            await settle(pilot)
            assert isinstance(app.screen, RevokeForm)
            fill(app, revoked_on="yesterday", note="email to coach")
            await save(pilot)
            assert isinstance(app.screen, AgreementsScreen)
            agreement = stored(app, screen.client_id)
            assert consent_state(agreement, tom, TODAY) is ConsentState.REVOKED
            record = next(r for r in agreement.consents if r.participant_id == tom)
            assert (record.revoked_on, record.revocation_note) == (
                TODAY - timedelta(days=1),
                "email to coach",
            )
            assert status(app) == "✗ Not in force: Tom Becker must consent to version 1"
            assert "consent revoked 2026-11-24 (email to coach)" in screen_text(app)
            # Nothing left to revoke.
            await pilot.press("v")
            await settle(pilot)
            assert isinstance(app.screen, AgreementsScreen)
            assert "no consent in force to revoke" in notes(app)

    async def test_revocation_date_in_the_future_or_before_signing(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            highlight_party(screen, party_id(app, screen.client_id, "Tom Becker"))
            await pilot.press("v")
            await settle(pilot)
            fill(app, revoked_on="+1w")
            await save(pilot)
            assert error(app, "revoked_on") == (
                "The revocation date 2026-12-02 is in the future; record it when it happens."
            )
            fill(app, revoked_on="2026-01-01")
            await save(pilot)
            assert error(app, "revoked_on") == (
                "The revocation date cannot be before the signed date (2026-09-28)."
            )
            assert isinstance(app.screen, RevokeForm)


# --------------------------------------------------------------------------- topics and terms
class TestTopics:
    async def test_amending_topics_bumps_the_version_and_lists_who_must_reconsent(
        self, demo: Path
    ) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, TopicForm)
            fill(app, name="Family", phrases="my sister\ndivorce")
            await save(pilot)
            assert isinstance(app.screen, AgreementsScreen)
            agreement = stored(app, screen.client_id)
            assert agreement.terms.version == 2
            assert [t.version for t in agreement.history] == [1]
            assert agreement.terms.topics[-1].phrases == ["my sister", "divorce"]
            assert "Family" not in [t.name for t in agreement.history[0].topics]
            assert status(app) == (
                "✗ Not in force: Priya Raman, Alex Morgan, Tom Becker must consent to version 2"
            )
            assert (
                "The terms are now version 2. Must consent again: Priya Raman, Alex Morgan, "
                "Tom Becker."
            ) in notes(app)
            assert "Private topics · terms version 2" in screen_text(app)

    async def test_draft_terms_nobody_signed_are_edited_in_place(self, tmp_path: Path) -> None:
        path, client_id = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")
            for name in ("Health", "Money"):
                await pilot.press("t")
                await settle(pilot)
                fill(app, name=name, phrases=name.lower())
                await save(pilot)
            agreement = stored(app, client_id)
            assert agreement.terms.version == 1 and agreement.history == []
            assert [t.name for t in agreement.terms.topics] == ["Health", "Money"]

    async def test_edit_topic_from_the_topic_table(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            topics = screen.query_one(TopicTable)
            topics.focus()
            health = stored(app, screen.client_id).terms.topics[0]
            topics.select_key(health.id)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, TopicForm)
            assert app.screen.query_one("#phrases", TextArea).text.startswith("diagnosis\n")
            fill(app, name="Health and wellbeing")
            await save(pilot)
            agreement = stored(app, screen.client_id)
            assert agreement.terms.version == 2
            assert agreement.terms.topics[0].name == "Health and wellbeing"
            assert agreement.history[0].topics[0].name == "Health"

    async def test_empty_and_duplicate_topic_names(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            await pilot.press("t")
            await settle(pilot)
            fill(app, phrases="sister")
            await save(pilot)
            assert error(app, "name") == "A topic name is required."
            fill(app, name="health")
            await save(pilot)
            assert error(app, "name") == 'There is already a topic called "health".'
            assert app.screen.query_one("#phrases", TextArea).text == "sister"
            assert stored(app, screen.client_id).terms.version == 1

    @pytest.mark.parametrize(
        ("phrases", "message"),
        [
            ("sister\nSister", 'Phrase "Sister" is listed twice.'),
            ("lay-off\nlay off", 'Phrase "lay off" means the same as "lay-off" to the detector.'),
            ("my sister\nsalary", 'Phrase "salary" is already in topic Compensation.'),
            ("!!!", 'Phrase "!!!" has no letters or digits, so it can never match.'),
        ],
    )
    async def test_duplicate_phrases(self, phrases: str, message: str, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Priya Raman")
            await pilot.press("t")
            await settle(pilot)
            fill(app, name="Family", phrases=phrases)
            await save(pilot)
            assert isinstance(app.screen, TopicForm)
            assert error(app, "phrases") == message

    async def test_invalid_pattern(self, tmp_path: Path) -> None:
        path, _ = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "Dana Reyes")
            await pilot.press("t")
            await settle(pilot)
            fill(app, name="Money", patterns="sal(ary")
            await save(pilot)
            assert error(app, "patterns").startswith("Sal(ary: not a valid regular expression")

    async def test_live_preview_shows_which_sample_lines_match(self, tmp_path: Path) -> None:
        path, _ = fresh_store(tmp_path / "store")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Dana Reyes")
            await pilot.press("t")
            await settle(pilot)
            fill(app, samples="We had layoffs again\nThe weather is nice\nThe therapist called")
            fill(app, phrases="lay off")
            await pilot.pause()
            preview = str(app.screen.query_one("#preview", Static).render())
            assert preview.splitlines() == [
                "1 of 3 sample lines would raise an alert",
                "✓ We had layoffs again  ← lay off",
                "· The weather is nice",
                "· The therapist called",
            ]
            fill(app, phrases="lay off\nrapist\ntherapist")
            await pilot.pause()
            preview = str(app.screen.query_one("#preview", Static).render())
            assert "✓ The therapist called  ← therapist" in preview
            # Sample lines are scratch space: cancelling does not ask about them, and the next
            # topic form starts without them (they once merged into its first line).
            fill(app, phrases="", name="")
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
            await pilot.press("t")
            await settle(pilot)
            assert app.screen.query_one("#samples", TextArea).text == ""

    async def test_remove_topic_makes_a_new_version(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            topics = screen.query_one(TopicTable)
            topics.focus()
            workload = stored(app, screen.client_id).terms.topics[3]
            topics.select_key(workload.id)
            await pilot.press("d")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            agreement = stored(app, screen.client_id)
            assert agreement.terms.version == 2
            assert workload.id not in [t.id for t in agreement.terms.topics]
            assert agreement.terms.scopes == []  # Tom's only topic went with it


class TestShareableAndScopes:
    async def test_edit_shareable_categories(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, ShareableForm)
            fill(app, categories="scheduling\nlogistics\nScheduling")
            await save(pilot)
            assert error(app, "categories") == '"Scheduling" is listed twice.'
            fill(app, categories="scheduling\nHealth")
            await save(pilot)
            assert error(app, "categories") == (
                '"Health" is a private topic; it cannot also be shareable.'
            )
            fill(app, categories="scheduling\ntravel plans")
            await save(pilot)
            agreement = stored(app, screen.client_id)
            assert agreement.terms.shareable == ["scheduling", "travel plans"]
            assert agreement.terms.version == 2

    async def test_add_scope_extension(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            agreement = stored(app, screen.client_id)
            tom = party_id(app, screen.client_id, "Tom Becker")
            highlight_party(screen, tom)
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, ScopeForm)
            assert app.screen.query_one("#participant_id", Select).value == tom
            compensation = agreement.terms.topics[1].id
            fill(
                app,
                topic_ids=[compensation],
                reason="Tom books the pay review",
                ends_on="2027-01-31",
            )
            await save(pilot)
            agreement = stored(app, screen.client_id)
            scope = agreement.terms.scopes[-1]
            assert (scope.participant_id, scope.topic_ids, scope.starts_on, scope.ends_on) == (
                tom,
                [compensation],
                TODAY,
                date(2027, 1, 31),
            )
            assert agreement.terms.version == 2
            assert "Tom books the pay review" in screen_text(app)

    async def test_scope_errors(self, demo: Path) -> None:
        app = make_app(demo)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_screen(pilot, "Priya Raman")
            highlight_party(screen, party_id(app, screen.client_id, "Priya Raman"))
            await pilot.press("x")
            await settle(pilot)
            await save(pilot)
            assert error(app, "participant_id") == "Choose a party on this agreement."
            assert error(app, "topic_ids") == "Choose at least one topic."
            assert error(app, "reason") == (
                "A reason is required: it goes into the consent document."
            )
            agreement = stored(app, screen.client_id)
            tom = party_id(app, screen.client_id, "Tom Becker")
            fill(
                app,
                participant_id=tom,
                topic_ids=[agreement.terms.topics[3].id],
                reason="again",
                starts_on="2026-12-01",
                ends_on="2026-11-30",
            )
            await save(pilot)
            assert error(app, "topic_ids") == (
                "Another scope extension already covers Workload and delegation for these "
                "dates; edit that one instead."
            )
            assert error(app, "ends_on") == (
                "The end date cannot be before the start date (2026-12-01)."
            )
            assert stored(app, screen.client_id).terms.version == 1


# --------------------------------------------------------------------------- review, history, document
async def test_review_cadence(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "Priya Raman")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, CadenceForm)
        fill(app, kind=CadenceKind.WEEKS, interval="")
        await save(pilot)
        assert error(app, "interval") == "Enter how many weeks, e.g. 3."
        fill(app, kind=CadenceKind.RRULE, rrule="FREQ=MONTHLY;COUNT=3", next_review="")
        await save(pilot)
        assert error(app, "rrule").startswith("RRULE 'FREQ=MONTHLY;COUNT=3': a review cadence")
        fill(app, kind=CadenceKind.WEEKS, interval="6", next_review="last week")
        await save(pilot)
        assert error(app, "next_review") == (
            "The next review 2026-11-18 is in the past; pick today or later."
        )
        fill(app, next_review="in 2 weeks")
        await pilot.pause()
        assert "→ Wed 9 Dec 2026" in screen_text(app)
        assert "Reviewed every 6 weeks; next review Wed 9 Dec 2026." in screen_text(app)
        await save(pilot)
        agreement = stored(app, screen.client_id)
        assert (agreement.cadence.kind, agreement.cadence.interval) == (CadenceKind.WEEKS, 6)
        assert agreement.next_review == date(2026, 12, 9)
        assert agreement.terms.version == 1
        assert "Every 6 weeks" in screen_text(app)


async def test_review_blank_next_date_comes_from_the_cadence(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "Priya Raman")
        await pilot.press("k")
        await settle(pilot)
        fill(app, kind=CadenceKind.MONTHS, interval="2", next_review="")
        await save(pilot)
        assert stored(app, screen.client_id).next_review == date(2027, 1, 25)


async def test_terms_history_shows_earlier_versions(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Marcus Webb")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TermsHistory)
        detail = str(app.screen.query_one("#version-detail", Static).render())
        assert detail.startswith("Version 2 (current)")
        assert "added private topic Manager relationship" in detail
        await pilot.press("down")
        await settle(pilot)
        detail = str(app.screen.query_one("#version-detail", Static).render())
        assert detail.startswith("Version 1 (replaced)")
        assert "Manager relationship" not in detail
        assert "Elena Ruiz: signed" in detail
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)


async def test_generate_document(demo: Path) -> None:
    path = demo
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Priya Raman")
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, DocumentForm)
        target = Path(app.screen.query_one("#path", Input).value)
        assert target == path / "documents" / "priya-raman-agreement-v1-2026-11-25.md"
        await save(pilot)
        assert isinstance(app.screen, AgreementsScreen)
        assert f"Consent document written to {target}" in notes(app)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700
    text = target.read_text(encoding="utf-8")
    for name in ("Priya Raman", "Tom Becker", "Health", "Compensation", "Workload and delegation"):
        assert name in text
    for phrase in ("diagnosis", "salary", "layoff", "calendar overload"):
        assert phrase not in text
    assert text.count("Signature: ") == 3


async def test_generate_document_to_a_typed_path_asks_before_replacing(
    tmp_path: Path, demo: Path
) -> None:
    app = make_app(demo)
    target = tmp_path / "out" / "agreement.md"
    target.parent.mkdir()
    target.write_text("old")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Priya Raman")
        await pilot.press("g")
        await settle(pilot)
        fill(app, path=str(tmp_path / "out"))
        await save(pilot)
        assert error(app, "path").endswith("is a folder; add a file name.")
        fill(app, path=str(target))
        await save(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
    assert target.read_text().startswith("# Confidentiality agreement for coaching with Priya")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


# --------------------------------------------------------------------------- hostile text
HOSTILE_CLIENT = "[bold]x[/]"
HOSTILE_PARTY = "[red]Eve[/] \x1b[31mred\x1b]52;c;aGk=\x07"
HOSTILE_TOPIC = "[b]Secret[/b] 👋 مرحبا \u202eevil"


async def test_hostile_names_are_shown_literally(tmp_path: Path) -> None:
    path, client_id = fresh_store(
        tmp_path / "store",
        client=HOSTILE_CLIENT,
        extra=[build_party(HOSTILE_PARTY, Role.OBSERVER, aliases=["[/]"], contact="[link=x]y")],
        topics=[PrivateTopic(HOSTILE_TOPIC, ["[i]phrase[/i]"])],
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HOSTILE_CLIENT)
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "[bold]x[/]" in text
        assert "[red]Eve[/] ␛[31mred␛]52;c;aGk=␇" in text
        assert "[link=x]y" in text
        assert "[b]Secret[/b] 👋 مرحبا <U+202E>evil" in text
        assert "[i]phrase[/i]" in text
        assert "[/]" in text
        assert f"{HOSTILE_CLIENT}, Alex Morgan, [red]Eve[/]" in status(app)
        # And in a form: the heading and the party choices.
        highlight_party(app.screen, party_id(app, client_id, HOSTILE_PARTY))  # type: ignore[arg-type]
        await pilot.press("e")
        await settle(pilot)
        assert "Edit [red]Eve[/] ␛[31mred" in screen_text(app)
        assert app.screen.query_one("#name", Input).value == HOSTILE_PARTY


# --------------------------------------------------------------------------- snapshot
def test_agreements_snapshot(snap_compare, demo: Path) -> None:  # type: ignore[no-untyped-def]
    path = demo
    app = make_app(path)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_screen(pilot, "Priya Raman")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestNextSession:
    async def test_book_next_session_and_it_reaches_the_assistant_safe_summary(
        self, store_path: Path
    ) -> None:
        from roomguard.core.reports import assistant_safe_summary
        from roomguard.screens.agreement_forms.next_session_form import NextSessionForm
        from tests.screens.helpers import make_app, seeded_store, settle

        app = make_app(seeded_store(store_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_agreements(app.store.find_client("Priya Raman"))
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, NextSessionForm)
            app.screen.query_one("#day-input").value = "yesterday"
            app.screen.query_one("#at").value = "25:99"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, NextSessionForm)  # both errors shown, nothing lost
            assert "in the past" in str(app.screen.query_one("#day-error").content)
            assert "not a time of day" in str(app.screen.query_one("#at-error").content)
            app.screen.query_one("#day-input").value = "2026-12-03"
            app.screen.query_one("#at").value = "14:30"
            await pilot.press("ctrl+s")
            await settle(pilot)
            client = app.store.find_client("Priya Raman")
            agreement = app.store.agreement(client.id)
            assert agreement.next_session == datetime(2026, 12, 3, 14, 30)
            text = assistant_safe_summary(client, agreement, [])
            assert "Next session: Thursday 03 December 2026, 14:30." in text
