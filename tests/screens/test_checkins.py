"""Check-ins screen: sorted and coloured rows, marking reviewed, rescheduling, ICS export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from roomguard.app import RoomguardApp
from roomguard.core.models import Agreement, Client, Participant, ReviewOutcome, Role
from roomguard.screens.checkins import CheckinsScreen
from roomguard.screens.commands import binding_commands
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.ics_form import IcsPathForm
from roomguard.screens.dialogs.reschedule_form import RescheduleForm
from roomguard.screens.dialogs.review_form import ReviewForm
from roomguard.screens.home import HomeScreen
from roomguard.store import Store
from roomguard.store.demo import load_demo
from roomguard.widgets.record_table import RecordTable
from tests.builders import build_agreement

NOW = datetime(2026, 11, 25, 10, 0)
TODAY = NOW.date()
SIZE = (140, 44)


def seeded(path: Path) -> Path:
    with Store.open(path) as store:
        load_demo(store, TODAY)
    return path


def make_app(path: Path) -> RoomguardApp:
    return RoomguardApp(path, clock=lambda: NOW)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_checkins(pilot: Pilot[None]) -> CheckinsScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CheckinsScreen)
    return screen


def table_rows(app: RoomguardApp) -> list[list[str]]:
    table = app.screen.query_one("#checkins", RecordTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def highlight(pilot: Pilot[None], client_name: str) -> None:
    table = pilot.app.screen.query_one("#checkins", RecordTable)
    names = [row[3] for row in table_rows(pilot.app)]  # type: ignore[arg-type]
    table.move_cursor(row=names.index(client_name))
    await pilot.pause()


def stored(path: Path, app: RoomguardApp, name: str) -> Agreement:
    client = app.store.find_client(name)
    agreement = app.store.agreement(client.id)
    assert agreement is not None
    return agreement


async def type_into(pilot: Pilot[None], selector: str, text: str, *, keys: bool = False) -> None:
    """Put *text* in the field: key by key with *keys*, else in one go (as a paste would)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.value = ""
    field.focus()
    await pilot.pause()
    if keys:
        await pilot.press(*text)
    else:
        field.value = text
    await pilot.pause()


def label_text(app: RoomguardApp, selector: str) -> str:
    widget = app.screen.query_one(selector)
    assert isinstance(widget, Label | Static)
    return str(widget.render())


# --- the list ---------------------------------------------------------------------------------


class TestList:
    async def test_home_key_c_lists_reviews_overdue_first(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            rows = table_rows(app)
            assert [(r[0], r[3]) for r in rows] == [
                ("overdue", "Marcus Webb"),
                ("due soon", "Sofia Alvarez"),
                ("due soon", "Noah Kim"),
                ("later", "Priya Raman"),
            ]
            assert rows[0][1:3] == ["Mon 2 Nov 2026", "23 days late"]  # a first Monday
            assert rows[2][4] == "Grace Kim"
            assert rows[2][5] == "never"
            assert rows[2][6] == "every 6 weeks"
            assert rows[2][7] == "scheduled review; Grace Kim's consent expires 2026-12-07"
            summary = label_text(app, "#checkins-summary")
            assert summary.startswith("1 overdue · 2 due within 14 days")

    async def test_rows_are_coloured_by_state(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            table = app.screen.query_one("#checkins", RecordTable)
            styles = [str(table.get_row_at(i)[0].style) for i in range(table.row_count)]
            assert styles == ["bold red", "bold yellow", "bold yellow", "green"]

    async def test_detail_shows_every_reason_of_the_highlighted_row(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await highlight(pilot, "Noah Kim")
            detail = label_text(app, "#checkin-detail")
            assert "Noah Kim: review due Sat 5 Dec 2026, in 10 days" in detail
            assert "Grace Kim's consent expires 2026-12-07" in detail
            assert "Grace Kim (supporter/guardian)" in detail

    async def test_palette_offers_the_screen_actions(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "Check-ins" in [c.title for c in binding_commands(app, app.screen)]
            await open_checkins(pilot)
            titles = [c.title for c in binding_commands(app, app.screen)]
            for title in ("Mark reviewed", "Reschedule", "Agreement", "Export .ics",
                          "Date order: day-first or month-first"):
                assert title in titles

    async def test_names_show_literally(self, store_path: Path) -> None:
        with Store.open(store_path) as store:
            client = Client("[bold]Dana[/] \x1b[2J", created_on=TODAY)
            store.save_client(client)
            store.save_agreement(build_agreement(
                Participant(client.name, Role.CLIENT, added_on=TODAY),
                Participant("[red]Sam[/]", Role.SUPPORTER, added_on=TODAY),
                client_id=client.id,
                next_review=TODAY + timedelta(days=3),
            ))
        app = make_app(store_path)
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            (row,) = table_rows(app)
            assert row[3] == "[bold]Dana[/] \u241b[2J"
            assert row[4] == "[red]Sam[/]"

    async def test_date_order_setting_toggles_from_the_palette(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_checkins(pilot)
            assert app.store.setting("dayfirst", True) is True
            screen.action_toggle_dayfirst()
            assert app.store.setting("dayfirst") is False
            screen.action_toggle_dayfirst()
            assert app.store.setting("dayfirst") is True

    async def test_list_reloads_when_the_screen_comes_back(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            agreement = stored(store_path, app, "Priya Raman")
            agreement.next_review = TODAY - timedelta(days=1)
            app.store.save_agreement(agreement)  # e.g. edited in the agreement editor
            await app.push_screen(Confirm("elsewhere"))
            await pilot.pause()
            app.pop_screen()
            await settle(pilot)
            assert [r[3] for r in table_rows(app)][:2] == ["Marcus Webb", "Priya Raman"]

    async def test_the_highlighted_agreement_stays_highlighted_across_a_reload(
        self, store_path: Path
    ) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_checkins(pilot)
            await highlight(pilot, "Noah Kim")
            table = app.screen.query_one("#checkins", RecordTable)
            noah = stored(store_path, app, "Noah Kim").id
            assert (table.highlighted_key(), table.cursor_row) == (noah, 2)
            agreement = stored(store_path, app, "Priya Raman")
            agreement.next_review = TODAY - timedelta(days=1)
            app.store.save_agreement(agreement)  # Priya now sorts above Noah
            await app.push_screen(Confirm("elsewhere"))
            await pilot.pause()
            app.pop_screen()
            await settle(pilot)
            assert [r[3] for r in table_rows(app)] == [
                "Marcus Webb", "Priya Raman", "Sofia Alvarez", "Noah Kim"]
            assert (table.highlighted_key(), table.cursor_row) == (noah, 3)
            assert screen.highlighted_row() is not None
            assert screen.highlighted_row().client_name == "Noah Kim"  # type: ignore[union-attr]
            assert label_text(app, "#checkin-detail").startswith("Noah Kim: review due")

    async def test_the_detail_follows_the_cursor(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            assert label_text(app, "#checkin-detail").startswith("Marcus Webb: review due")
            await pilot.press("down")
            await pilot.pause()
            assert label_text(app, "#checkin-detail").startswith("Sofia Alvarez: review due")
            await pilot.press("end")
            await pilot.pause()
            assert label_text(app, "#checkin-detail").startswith("Priya Raman: review due")

    async def test_enter_or_a_click_on_a_row_opens_its_agreement(
        self, store_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        app = make_app(seeded(store_path))
        opened: list[str] = []
        monkeypatch.setattr(app, "open_agreements", lambda client: opened.append(client.name))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("down", "enter")
            await pilot.pause()
            assert opened == ["Sofia Alvarez"]
            table = app.screen.query_one("#checkins", RecordTable)
            await pilot.click(table, offset=(2, 1 + 2))  # line 0 is the header: row 2, Noah
            await pilot.pause()
            assert opened == ["Sofia Alvarez", "Noah Kim"]
            assert table.cursor_row == 2

    async def test_escape_goes_back_home(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)

    async def test_a_opens_the_agreement_editor(self, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        app = make_app(seeded(store_path))
        opened: list[str] = []
        monkeypatch.setattr(app, "open_agreements", lambda client: opened.append(client.name))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await highlight(pilot, "Sofia Alvarez")
            await pilot.press("a")
            assert opened == ["Sofia Alvarez"]


# --- marking reviewed -------------------------------------------------------------------------


class TestMarkReviewed:
    async def test_default_review_continues_and_schedules_from_the_cadence(
        self, store_path: Path
    ) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("m")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, ReviewForm)
            # Quarterly first Monday, anchored on this review: Mon 1 Feb 2027.
            assert form.query_one("#next", Input).value == "2027-02-01"
            assert label_text(app, "#next-preview") == "parsed: Mon 1 Feb 2027"
            form.query_one("#notes", TextArea).text = "Sponsor still fine with scope."
            form.query_one("#took-part-2", Checkbox).value = False  # Elena was absent
            await pilot.pause()
            await pilot.click("#save")
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            agreement = stored(store_path, app, "Marcus Webb")
            (review,) = agreement.reviews
            assert review.reviewed_on == TODAY
            assert review.outcome is ReviewOutcome.CONTINUE
            assert review.notes == "Sponsor still fine with scope."
            assert len(review.participant_ids) == 2
            assert agreement.next_review == date(2027, 2, 1)
            rows = table_rows(app)
            assert rows[-1][3] == "Marcus Webb" and rows[-1][0] == "later"
            assert rows[-1][5] == TODAY.isoformat()

    async def test_typed_date_is_previewed_then_saved(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await highlight(pilot, "Sofia Alvarez")
            await pilot.press("m")
            await pilot.pause()
            await type_into(pilot, "#next", "in 3 months", keys=True)
            assert label_text(app, "#next-preview") == "parsed: Thu 25 Feb 2027"
            assert label_text(app, "#next_review-error") == ""
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            assert stored(store_path, app, "Sofia Alvarez").next_review == date(2027, 2, 25)

    async def test_bad_next_dates_are_inline_errors_and_nothing_is_saved(
        self, store_path: Path
    ) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("m")
            await pilot.pause()
            for typed, error in [
                ("31/02/2027", "February 2027 has 28 days"),
                ("next tuesday", "isn't a date Roomguard understands"),
                ("12", "is just a number"),
                ("Dec 2026", "no day of the month"),
                ("yesterday", "must be after Wed 25 Nov 2026"),
                ("today", "must be after Wed 25 Nov 2026"),
                ("", "Enter the date"),
            ]:
                await type_into(pilot, "#next", typed)
                await pilot.click("#save")
                await pilot.pause()
                assert isinstance(app.screen, ReviewForm), typed
                assert error in label_text(app, "#next_review-error"), typed
                assert app.screen.query_one("#next", Input).value == typed  # nothing lost
                assert stored(store_path, app, "Marcus Webb").reviews == [], typed
            # Fixing the date saves.
            await type_into(pilot, "#next", "+2w", keys=True)
            assert label_text(app, "#next-preview") == "parsed: Wed 9 Dec 2026"
            assert label_text(app, "#next_review-error") == ""
            await pilot.click("#save")
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            assert stored(store_path, app, "Marcus Webb").next_review == date(2026, 12, 9)

    async def test_ambiguous_numbers_show_both_readings_and_follow_the_setting(
        self, store_path: Path
    ) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("m")
            await pilot.pause()
            await type_into(pilot, "#next", "03/04/2027")
            assert label_text(app, "#next-preview") == (
                "parsed: Sat 3 Apr 2027 (read day-first; month-first would be Thu 4 Mar 2027)"
            )
            await pilot.press("escape")  # edited: asks first
            await pilot.pause()
            assert isinstance(app.screen, Confirm)
            await pilot.press("y")
            await settle(pilot)
            app.store.set_setting("dayfirst", False)
            await pilot.press("m")
            await pilot.pause()
            await type_into(pilot, "#next", "03/04/2027")
            assert label_text(app, "#next-preview").startswith("parsed: Thu 4 Mar 2027 (read month-first")

    async def test_ending_a_party_needs_a_choice_then_ends_them(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await highlight(pilot, "Noah Kim")
            await pilot.press("m")
            await pilot.pause()
            form = app.screen
            assert form.query_one("#party-row").has_class("hidden")
            form.query_one("#outcome", Select).value = ReviewOutcome.END_PARTY
            await pilot.pause()
            assert not form.query_one("#party-row").has_class("hidden")
            await pilot.click("#save")
            await pilot.pause()
            assert isinstance(app.screen, ReviewForm)
            assert label_text(app, "#party-error") == "Choose whose involvement ends."
            grace = next(p for p in stored(store_path, app, "Noah Kim").participants
                         if p.name == "Grace Kim")
            form.query_one("#party", Select).value = grace.id
            await pilot.pause()
            await pilot.click("#save")
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            agreement = stored(store_path, app, "Noah Kim")
            assert agreement.participant(grace.id).ended_on == TODAY  # type: ignore[union-attr]
            assert agreement.reviews[-1].ended_participant_id == grace.id
            noah = next(r for r in table_rows(app) if r[3] == "Noah Kim")
            assert noah[4] == "—"  # Grace's expiring consent no longer calls for a review
            assert noah[0] == "later"

    async def test_end_party_is_not_offered_without_third_parties(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await highlight(pilot, "Sofia Alvarez")
            await pilot.press("m")
            await pilot.pause()
            select = app.screen.query_one("#outcome", Select)
            values = [value for _, value in select._options]
            assert ReviewOutcome.END_PARTY not in values

    async def test_amend_terms_opens_the_agreement_editor_after_saving(
        self, store_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        app = make_app(seeded(store_path))
        opened: list[str] = []
        monkeypatch.setattr(app, "open_agreements", lambda client: opened.append(client.name))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("m")
            await pilot.pause()
            app.screen.query_one("#outcome", Select).value = ReviewOutcome.AMEND
            await pilot.pause()
            assert not app.screen.query_one("#amend-hint").has_class("hidden")
            await pilot.click("#save")
            await settle(pilot)
            assert opened == ["Marcus Webb"]
            assert stored(store_path, app, "Marcus Webb").reviews[-1].outcome is ReviewOutcome.AMEND

    async def test_cancel_without_edits_closes_at_once(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("m")
            await pilot.pause()
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            assert stored(store_path, app, "Marcus Webb").reviews == []

    async def test_read_only_store_refuses_to_mark_or_reschedule(self, store_path: Path) -> None:
        seeded(store_path)
        with Store.open(store_path):  # another instance holds the write lock
            app = make_app(store_path)
            async with app.run_test(size=SIZE) as pilot:
                await open_checkins(pilot)
                assert app.store.readonly
                await pilot.press("m")
                await pilot.pause()
                assert isinstance(app.screen, CheckinsScreen)
                await pilot.press("s")
                await pilot.pause()
                assert isinstance(app.screen, CheckinsScreen)


# --- rescheduling -----------------------------------------------------------------------------


class TestReschedule:
    async def test_bad_dates_are_refused_inline_then_a_good_one_saves(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await highlight(pilot, "Noah Kim")
            await pilot.press("s")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, RescheduleForm)
            assert form.query_one("#next", Input).value == "2026-12-05"
            assert "Grace Kim's consent expires 2026-12-07" in label_text(app, "#other-reasons")
            for typed, error in [
                ("30/02/2027", "February 2027 has 28 days"),
                ("yesterday", "has passed"),
                ("Fri 3 Dec 2026", "is a Thursday, not a Friday"),
                ("14:00", "time of day"),
            ]:
                await type_into(pilot, "#next", typed)
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(app.screen, RescheduleForm), typed
                assert error in label_text(app, "#next-error"), typed
                assert stored(store_path, app, "Noah Kim").next_review == date(2026, 12, 5)
            await type_into(pilot, "#next", "12/31/2026")  # only month-first is a date
            assert label_text(app, "#next-preview") == "parsed: Thu 31 Dec 2026"
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            assert stored(store_path, app, "Noah Kim").next_review == date(2026, 12, 31)

    async def test_overdue_review_starts_from_an_empty_field(self, store_path: Path) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("s")
            await pilot.pause()
            assert app.screen.query_one("#next", Input).value == ""
            assert label_text(app, "#next-error") == ""
            await pilot.press("enter")
            await pilot.pause()
            assert "Enter the date" in label_text(app, "#next-error")
            await type_into(pilot, "#next", "tomorrow")
            await pilot.press("enter")
            await settle(pilot)
            assert stored(store_path, app, "Marcus Webb").next_review == date(2026, 11, 26)
            assert table_rows(app)[0][:4] == ["due soon", "Thu 26 Nov 2026", "tomorrow", "Marcus Webb"]

    async def test_cancel_closes_at_once_unless_the_date_was_changed(
        self, store_path: Path
    ) -> None:
        app = make_app(seeded(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await highlight(pilot, "Noah Kim")
            await pilot.press("s")
            await pilot.pause()
            await pilot.press("escape")  # the scheduled date, untouched
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            await pilot.press("s")
            await pilot.pause()
            await type_into(pilot, "#next", "12/31/2026")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, Confirm)
            await pilot.press("n")  # keep editing
            await pilot.pause()
            assert app.screen.query_one("#next", Input).value == "12/31/2026"
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, CheckinsScreen)
            assert stored(store_path, app, "Noah Kim").next_review == date(2026, 12, 5)


# --- export -----------------------------------------------------------------------------------


async def test_e_exports_an_ics_file_with_stable_uids(store_path: Path) -> None:
    app = make_app(seeded(store_path))
    target = Path.home() / "roomguard-checkins.ics"
    async with app.run_test(size=SIZE) as pilot:
        await open_checkins(pilot)
        await pilot.press("e")  # asks where, offering the last place (the home folder at first)
        await settle(pilot)
        assert isinstance(app.screen, IcsPathForm)
        assert app.screen.query_one("#ics-path", Input).value == str(target)
        await pilot.press("enter")
        await settle(pilot)
        first = Calendar.from_ical(target.read_bytes())
        await pilot.press("e", "enter")
        await settle(pilot)
        second = Calendar.from_ical(target.read_bytes())
        messages = [str(n.message) for n in app._notifications]
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert len(uids) == 4 and all(uid.endswith("-review@roomguard") for uid in uids)
    assert [str(e["UID"]) for e in second.walk("VEVENT")] == uids
    assert [str(e["SUMMARY"]) for e in first.walk("VEVENT")][0] == "Review agreement: Marcus Webb"
    assert any(str(target) in m for m in messages)


async def test_export_to_a_path_that_cannot_be_written_says_so(
    store_path: Path, tmp_path: Path
) -> None:
    seeded(store_path)
    with Store.open(store_path) as store:
        store.set_setting("checkins_ics_path", str(store_path / "no-such-dir" / "x.ics"))
    app = make_app(store_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkins(pilot)
        await pilot.press("e", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IcsPathForm)  # said inline, nothing written
        assert "does not exist" in str(form.query_one("#ics-path-error", Label).render())
        form.query_one("#ics-path", Input).value = str(tmp_path / "reviews.ics")
        await pilot.press("enter")
        await settle(pilot)
        assert (tmp_path / "reviews.ics").exists()
        assert any(str(tmp_path / "reviews.ics") in str(n.message) for n in app._notifications)
    with Store.open(store_path, readonly=True) as store:  # offered first next time
        assert store.setting("checkins_ics_path") == str(tmp_path / "reviews.ics")


# --- snapshot ---------------------------------------------------------------------------------


def test_checkins_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = seeded(tmp_path / "store")

    async def run_before(pilot: Pilot[None]) -> None:
        await open_checkins(pilot)
        await highlight(pilot, "Noah Kim")

    assert snap_compare(make_app(path), terminal_size=(120, 32), run_before=run_before)
