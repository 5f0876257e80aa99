"""Forms that said too little (issue 18, items 7, 9 and 11): the topic form's patterns show
their lines, count and bad lines; a scope that ends before it starts is refused inline; a time
like 25:99 says why; the RRULE field shows only for an RRULE cadence; help names keys as the
footer does; a guest reads "(guest, not on the agreement)"."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static, TextArea

from roomguard.core.models import CadenceKind
from roomguard.core.policy import GUEST_REASON
from roomguard.screens.agreement_forms.cadence_form import CadenceForm
from roomguard.screens.agreement_forms.next_session_form import NextSessionForm
from roomguard.screens.agreement_forms.scope_form import ScopeForm
from roomguard.screens.agreement_forms.topic_form import TopicForm
from roomguard.screens.dialogs.help import HelpScreen
from tests.screens.helpers import make_app, screen_text, seeded_store, settle
from tests.screens.test_agreements import error, fill, open_screen, save

SIZE = (120, 40)


def text_of(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_topic_patterns_are_counted_and_a_bad_line_is_named(tmp_path: Path) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Priya Raman")
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TopicForm)
        patterns = form.query_one("#patterns", TextArea)
        assert patterns.show_line_numbers and patterns.size.height >= 3
        assert text_of(app, "#patterns-count") == "No patterns"
        fill(app, patterns="sal(ary\nbonus(es)?\n\nraise")
        await pilot.pause()
        shown = text_of(app, "#patterns-count")
        assert shown.startswith("3 patterns (one per line)")
        assert "line 1: not a valid regular expression" in shown
        assert "line 2" not in shown and "line 4" not in shown


async def test_sample_lines_do_not_carry_over_to_the_next_topic_form(tmp_path: Path) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "Priya Raman")
        await pilot.press("t")
        await settle(pilot)
        fill(app, samples="I was diagnosed in May")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TopicForm)
        for field in ("samples", "phrases", "patterns"):
            assert form.query_one(f"#{field}", TextArea).text == ""


async def test_a_scope_extension_ending_before_it_starts_is_refused_inline(
    tmp_path: Path
) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Priya Raman")
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ScopeForm)
        people = form.query_one("#participant_id", Select)
        fill(app, participant_id=people._options[-1][1], reason="calendar",
             starts_on="2027-03-10", ends_on="2027-03-01")
        topics = form.query_one("#topic_ids")
        topics.select_all()  # type: ignore[attr-defined]
        await save(pilot)
        assert app.screen is form
        assert "end date cannot be before the start date" in error(app, "ends_on")


async def test_a_time_like_25_99_says_why_as_it_is_typed(tmp_path: Path) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Priya Raman")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NextSessionForm)
        fill(app, day="2026-12-01", at="25:99")
        await pilot.pause()
        assert "'25:99' is not a time of day" in text_of(app, "#booked")


async def test_the_rrule_field_shows_only_for_an_rrule_cadence(tmp_path: Path) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "Noah Kim")  # every 6 weeks
        await pilot.press("k")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CadenceForm)
        assert not form.query_one("#rrule-row").display
        assert form.query_one("#interval-row").display
        fill(app, kind=CadenceKind.RRULE)
        await pilot.pause()
        assert form.query_one("#rrule-row").display
        assert not form.query_one("#interval-row").display


async def test_help_names_the_question_mark_as_the_footer_does(tmp_path: Path) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "question_mark" not in shown
        assert "?, f1" in shown


def test_a_guest_reads_guest_not_on_the_agreement() -> None:
    assert f"Bob ({GUEST_REASON})" == "Bob (guest, not on the agreement)"


async def test_the_coachs_name_is_remembered_for_the_next_client(tmp_path: Path) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        fill(app, name="Dana Reyes", coach="Sam Lee")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.store.setting("coach_name") == "Sam Lee"
        app.pop_screen()  # the new client's agreement opened: back home
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#coach", Input).value == "Sam Lee"  # not retyped
