"""History screen: the list, paging, filters, the detail pane, reports; the presence timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from roomguard.core.dates import describe_date
from roomguard.core.events import AlertRaised, NoteAdded, PresenceChanged
from roomguard.core.models import Agreement, Client, Role
from roomguard.screens.dialogs.share_review import ShareReview
from roomguard.screens.history import PAGE_SIZE, HistoryScreen
from roomguard.screens.home import HomeScreen
from roomguard.store import Store
from roomguard.widgets.presence_timeline import PresenceTimeline, TimelineChart, TimelineRow
from roomguard.widgets.record_table import RecordTable
from tests.builders import build_agreement, build_client, build_party
from tests.screens.helpers import NOW, make_app, seeded_store, settle

SIZE = (140, 40)


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#sessions", RecordTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def sessions_table(app) -> RecordTable:
    return app.screen.query_one("#sessions", RecordTable)


def showing_row(app, index: int) -> bool:
    """Whether the detail pane shows the session listed at *index*."""
    started = datetime.strptime(rows(app)[index][0], "%Y-%m-%d %H:%M")
    return f"{describe_date(started.date())}, {started:%H:%M}" in text_of(app, "#detail-title")


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def status(app) -> str:
    return text_of(app, "#list-status")


async def open_history(pilot, client_name: str | None = None) -> None:
    app = pilot.app
    client = app.store.find_client(client_name) if client_name else None
    app.open_history(client)
    await settle(pilot)
    assert isinstance(app.screen, HistoryScreen)


def add_session(
    store: Store,
    client: Client,
    agreement: Agreement,
    start: datetime,
    *,
    unhandled: bool = False,
    minutes: int = 45,
) -> str:
    party_ids = [p.id for p in agreement.participants if not p.role.is_third_party]
    record = store.start_session(client.id, start, agreement.terms.version, party_ids)
    if unhandled:
        third = next(p for p in agreement.participants if p.role.is_third_party)
        topic = agreement.terms.topics[0]
        store.append_event(record.id, PresenceChanged(start + timedelta(minutes=5), third.id, True))
        store.append_event(record.id, AlertRaised(start + timedelta(minutes=6), topic.id, topic.name,
                                                  [third.id], "left unanswered", "x"))
        record.alerts = record.unhandled = 1
    store.end_session(record, start + timedelta(minutes=minutes))
    return record.id


class TestList:
    async def test_open_from_home_lists_that_clients_sessions(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            clients = app.screen.query_one("#clients", RecordTable)
            names = [clients.get_row_at(i)[0].plain for i in range(clients.row_count)]
            await pilot.press(*["down"] * names.index("Priya Raman"), "h")
            await settle(pilot)
            assert isinstance(app.screen, HistoryScreen)
            assert rows(app) == [["2026-11-18 10:00", "Priya Raman", "50 min", "1"]]
            assert "Priya Raman" in text_of(app, "#client-filter")
            await pilot.press("a")  # all clients
            await settle(pilot)
            assert [r[1] for r in rows(app)] == [
                "Priya Raman", "Noah Kim", "Marcus Webb", "Sofia Alvarez"
            ]
            assert status(app) == "All 4 sessions shown."

    async def test_escape_goes_back_and_leaves_inputs_first(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot)
            await pilot.press("f")
            assert isinstance(app.focused, Input)
            await pilot.press("escape")
            assert isinstance(app.screen, HistoryScreen)
            assert app.focused is app.screen.query_one("#sessions")
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)

    async def test_choose_a_client(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot)
            await pilot.press("c")
            await settle(pilot)
            await pilot.press(*"noah", "enter")
            await settle(pilot)
            assert [r[1] for r in rows(app)] == ["Noah Kim"]
            assert "Noah Kim" in text_of(app, "#client-filter")

    async def test_hostile_names_are_literal(self, store_path: Path) -> None:
        hostile = "[bold]Eve[/] \x1b]52;c;aGk=\x07"
        with Store.open(store_path) as store:
            client = build_client(hostile)
            agreement = build_agreement(
                build_party(hostile, Role.CLIENT), build_party("[red]coach", Role.COACH),
                client_id=client.id,
            )
            store.save_client(client)
            store.save_agreement(agreement)
            session = store.start_session(client.id, NOW - timedelta(days=1), 1,
                                          [p.id for p in agreement.participants])
            store.append_event(session.id, NoteAdded(NOW - timedelta(days=1), "[b]note\x1b[2J"))
            store.end_session(session, NOW - timedelta(days=1, minutes=-30))
        app = make_app(store_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot)
            (row,) = rows(app)
            assert row[1].startswith("[bold]Eve[/] ") and "\x1b" not in row[1]
            chart = app.screen.query_one(PresenceTimeline).chart
            assert chart is not None
            assert [r.name for r in chart.rows] == [hostile, "[red]coach"]
            notes = text_of(app, "#detail-notes")
            assert "[b]note" in notes and "\x1b" not in notes


class TestDetail:
    async def test_selected_session_shows_timeline_topics_and_alert_outcome(
        self, store_path: Path
    ) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot, "Priya")
            assert "Wed 18 Nov 2026, 10:00–10:50 (50 min)" in text_of(app, "#detail-title")
            chart = app.screen.query_one(PresenceTimeline).chart
            assert chart is not None
            assert [r.name for r in chart.rows] == ["Priya Raman", "Alex Morgan", "Tom Becker"]
            tom = chart.rows[2]
            assert chart.total(tom) == timedelta(minutes=5, seconds=45)
            assert 'Health "diagnosis"' in text_of(app, "#detail-topics")
            alerts = text_of(app, "#detail-alerts")
            assert "Tom Becker has no scope extension for Health" in alerts
            assert "handled 10:25: asked the person to step out" in alerts

    async def test_moving_the_cursor_changes_the_detail(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot)
            await pilot.press("down")
            await settle(pilot)
            assert "Noah Kim" in text_of(app, "#detail-title")
            assert 'Family conflict "divorce"' in text_of(app, "#detail-topics")
            await pilot.press("down", "down")
            await settle(pilot)
            assert "Sofia Alvarez" in text_of(app, "#detail-title")
            assert text_of(app, "#detail-alerts") == "No alerts."


    async def test_an_open_session_runs_to_now(self, store_path: Path) -> None:
        seeded_store(store_path)
        with Store.open(store_path) as store:
            sofia = store.find_client("Sofia")
            agreement = store.agreement(sofia.id)
            assert agreement is not None
            store.start_session(sofia.id, NOW - timedelta(minutes=20), 1,
                                [p.id for p in agreement.participants])
        app = make_app(store_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot, "Sofia")
            assert rows(app)[0][2] == "open"
            assert "Wed 25 Nov 2026, 09:40, not ended" in text_of(app, "#detail-title")
            chart = app.screen.query_one(PresenceTimeline).chart
            assert chart is not None and chart.end is None
            assert chart.total(chart.rows[0]) == timedelta(minutes=20)


class TestFilters:
    async def test_unhandled_only(self, store_path: Path) -> None:
        seeded_store(store_path)
        with Store.open(store_path) as store:
            noah = store.find_client("Noah")
            agreement = store.agreement(noah.id)
            assert agreement is not None
            add_session(store, noah, agreement, datetime(2026, 9, 1, 15, 0), unhandled=True)
        app = make_app(store_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot)
            assert len(rows(app)) == 5
            await pilot.press("u")
            await settle(pilot)
            assert rows(app) == [["2026-09-01 15:00", "Noah Kim", "45 min", "1 (1 unhandled)"]]
            assert "UNHANDLED" in text_of(app, "#detail-alerts")
            await pilot.press("u")
            await settle(pilot)
            assert len(rows(app)) == 5

    async def test_bad_date_shows_an_inline_error_and_keeps_the_text(
        self, store_path: Path
    ) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot)
            await pilot.press("f", *"31/02/2026", "enter")
            await settle(pilot)
            assert "no day 31" in text_of(app, "#since-error")
            assert app.screen.query_one("#since", Input).value == "31/02/2026"
            assert len(rows(app)) == 4  # nothing filtered on a bad date
            since = app.screen.query_one("#since", Input)
            since.value = "2026-11-10"
            await pilot.press("enter")
            await settle(pilot)
            assert text_of(app, "#since-error") == "→ Tue 10 Nov 2026"
            assert [r[1] for r in rows(app)] == ["Priya Raman", "Noah Kim"]

    async def test_to_before_from_is_refused(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot)
            app.screen.query_one("#since", Input).value = "2026-11-10"
            app.screen.query_one("#until", Input).value = "2026-11-01"
            app.screen.query_one("#until", Input).focus()
            await pilot.press("enter")
            await settle(pilot)
            assert "'To' is before 'From'" in text_of(app, "#until-error")
            assert len(rows(app)) == 4
            app.screen.query_one("#until", Input).value = "-1w"  # 18 Nov
            await pilot.press("enter")
            await settle(pilot)
            assert [r[1] for r in rows(app)] == ["Priya Raman", "Noah Kim"]


class TestPaging:
    @pytest.fixture
    def many(self, store_path: Path) -> Path:
        seeded_store(store_path)
        with Store.open(store_path) as store:
            sofia = store.find_client("Sofia")
            agreement = store.agreement(sofia.id)
            assert agreement is not None
            start = datetime(2021, 1, 4, 9, 0)
            for week in range(PAGE_SIZE + 10):
                add_session(store, sofia, agreement, start + timedelta(weeks=week))
        return store_path

    async def test_pages_of_fifty_and_more_on_m(self, many: Path) -> None:
        app = make_app(many)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot, "Sofia")
            assert len(rows(app)) == PAGE_SIZE
            assert "Press m" in status(app)
            table = sessions_table(app)
            first = table.highlighted_key()
            await pilot.press("m")
            await settle(pilot)
            assert len(rows(app)) == PAGE_SIZE + 11  # the demo's session too
            assert status(app) == f"All {PAGE_SIZE + 11} sessions shown."
            assert rows(app)[-1][0] == "2021-01-04 09:00"
            assert (table.cursor_row, table.highlighted_key(), table.scroll_y) == (0, first, 0)

    async def test_the_cursor_reaching_the_end_loads_more(self, many: Path) -> None:
        app = make_app(many)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot, "Sofia")
            await pilot.press("ctrl+end")
            await settle(pilot)
            assert len(rows(app)) == PAGE_SIZE + 11
            table = sessions_table(app)
            assert table.cursor_row == PAGE_SIZE - 1, "the new page did not move the cursor"
            assert showing_row(app, PAGE_SIZE - 1)

    async def test_the_cursor_reaching_the_last_row_loads_more_without_scrolling(
        self, many: Path
    ) -> None:
        app = make_app(many)
        async with app.run_test(size=(140, 90)) as pilot:  # the first page fits: nothing scrolls
            await settle(pilot)
            await open_history(pilot, "Sofia")
            table = sessions_table(app)
            assert table.row_count == PAGE_SIZE and table.max_scroll_y == 0
            await pilot.press(*["down"] * (PAGE_SIZE - 2))
            await settle(pilot)
            assert len(rows(app)) == PAGE_SIZE, "not yet: the cursor is one row short of the end"
            await pilot.press("down")
            await settle(pilot)
            assert len(rows(app)) == PAGE_SIZE + 11
            assert (table.cursor_row, table.scroll_y) == (PAGE_SIZE - 1, 0)
            assert showing_row(app, PAGE_SIZE - 1)

    async def test_scrolling_to_the_end_loads_more(self, many: Path) -> None:
        app = make_app(many)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot, "Sofia")
            table = sessions_table(app)
            first = table.highlighted_key()
            table.scroll_end(animate=False)
            await settle(pilot)
            end = table.scroll_y
            assert end > 0
            assert len(rows(app)) == PAGE_SIZE + 11
            assert table.scroll_y == end, "the new page did not move the view"
            assert (table.cursor_row, table.highlighted_key()) == (0, first)
            assert showing_row(app, 0)


class TestReports:
    async def test_coach_summary_file_clipboard_and_assistant_safe_file(
        self, store_path: Path
    ) -> None:
        seeded_store(store_path)
        with Store.open(store_path) as store:  # a shareable note that names another client
            priya = store.find_client("Priya Raman")
            (latest, *_) = store.sessions(client_id=priya.id)
            at = latest.started_at + timedelta(minutes=5)
            store.append_event(latest.id, NoteAdded(at, "Swap slots with Marcus Webb",
                                                    shareable=True))
        app = make_app(store_path)
        reports = store_path / "reports"
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot, "Priya")
            await pilot.press("r")
            await settle(pilot)
            (coach,) = reports.glob("coach-summary-*.md")
            text = coach.read_text()
            assert text.startswith("# Session with Priya Raman")
            assert "asked the person to step out" in text
            await pilot.press("y")
            await settle(pilot)
            assert app.clipboard == text
            await pilot.press("s")
            await settle(pilot)
            review = app.screen  # the coach sees what will be shared first (issue 19, item 9)
            assert isinstance(review, ShareReview)
            assert not list(reports.glob("assistant-safe-*.md"))
            await pilot.click("#write")
            await settle(pilot)
            (safe,) = reports.glob("assistant-safe-*.md")
            shared = safe.read_text()
            assert "Tom Becker (assistant)" in shared and "Next session booked" in shared
            for private in ("Health", "diagnosis", "scope extension", "Agenda", "Marcus"):
                assert private not in shared
        assert reports.stat().st_mode & 0o777 == 0o700
        for path in (coach, safe):
            assert path.stat().st_mode & 0o777 == 0o600

    async def test_reports_need_a_selected_session(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_history(pilot, "Daniel")  # a closed client with no sessions
            assert status(app) == "No sessions match these filters."
            await pilot.press("r", "s")
            await settle(pilot)
            assert not (store_path / "reports").exists()


# ----------------------------------------------------------------------------- the widget

T0 = datetime(2026, 11, 18, 10, 0)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def draw(chart: TimelineChart, width: int = 60) -> list[str]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(chart)
    return capture.get().rstrip("\n").split("\n")


class TestPresenceTimeline:
    def test_bars_scale_to_the_session(self) -> None:
        chart = TimelineChart(
            [TimelineRow("Ann", [(T0, minutes(60))]), TimelineRow("Bob", [(minutes(30), minutes(45))])],
            T0, minutes(60),
        )
        assert chart.bar(chart.rows[0], 8) == "████████"
        assert chart.bar(chart.rows[1], 8) == "····██··"
        lines = draw(chart, 40)
        assert lines[0].startswith("Ann  ████") and lines[0].endswith(" 1h00")
        assert lines[1].endswith(" 15m")
        assert lines[2].split() == ["10:00", "10:30", "11:00"]

    def test_zero_length_session(self) -> None:
        chart = TimelineChart([TimelineRow("Ann", [(T0, T0)]), TimelineRow("Bob", [])], T0, T0)
        assert chart.bar(chart.rows[0], 5) == "█████"
        assert chart.bar(chart.rows[1], 5) == "·····"
        assert len(draw(chart)) == 3

    def test_open_session_runs_to_now(self) -> None:
        chart = TimelineChart([TimelineRow("Ann", [(T0, None)])], T0, None, now=minutes(30))
        assert chart.total(chart.rows[0]) == timedelta(minutes=30)
        assert draw(chart)[-1].rstrip().endswith("10:30 (open)")

    def test_odd_intervals_are_clipped_or_ignored(self) -> None:
        row = TimelineRow("Ann", [
            (minutes(-30), minutes(10)),  # started before the session
            (minutes(50), minutes(90)),  # ran past its end
            (minutes(30), minutes(20)),  # backwards
            (minutes(70), minutes(80)),  # wholly after
        ])
        chart = TimelineChart([row], T0, minutes(60))
        assert chart.bar(row, 6) == "█····█"
        assert chart.total(row) == timedelta(minutes=20)

    def test_a_short_visit_still_shows(self) -> None:
        chart = TimelineChart([TimelineRow("Ann", [(minutes(30), minutes(30.1))])], T0, minutes(600))
        assert chart.bar(chart.rows[0], 10).count("█") == 1

    def test_names_are_literal_and_cut_to_fit(self) -> None:
        chart = TimelineChart([TimelineRow("[bold]x\x1b[2J a very long name indeed", [(T0, None)])],
                              T0, minutes(10))
        line = draw(chart, 40)[0]
        assert line.startswith("[bold]x␛[2J a ver… █")  # 18 cells of name
        assert "\x1b" not in line

    def test_narrow_widths_keep_a_bar(self) -> None:
        chart = TimelineChart([TimelineRow("Someone Long", [(T0, minutes(10))])], T0, minutes(10))
        for width in (12, 20, 30):
            assert all(len(line) <= width for line in draw(chart, width))
            assert "█" in draw(chart, width)[0]


def test_history_snapshot(snap_compare, tmp_path: Path) -> None:
    path = seeded_store(tmp_path / "store")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await open_history(pilot, "Priya")

    assert snap_compare(make_app(path), terminal_size=(130, 34), run_before=run_before)
