"""History: past sessions, with who was in the room when, the topics detected and every alert.

Years of history open fast: the list reads the store's session index lazily, newest first, a
month shard at a time, in pages of :data:`PAGE_SIZE` on a thread worker. The next page loads when
the cursor or the scroll reaches the end of the list, or on ``m``. The highlighted session's
journal is read on another worker and shown in the detail pane.

Filters: one client or all (``c`` / ``a``), a date range (two inputs read by
:func:`~roomguard.core.dates.parse_date_input`, applied on Enter, errors shown under the field
and the typed text kept), and sessions with unhandled alerts only (``u``).

Reports (:mod:`roomguard.core.reports`) go to ``<store>/reports/`` (directory 0700, files 0600):
``r`` the coach's summary of the highlighted session, ``y`` the same to the clipboard, ``s`` the
assistant-safe summary of the listed sessions of the highlighted session's client.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Input, Static

from roomguard.core.dates import DateInputError, describe_date, parse_date_input
from roomguard.core.events import Event, NoteAdded, TopicDetected
from roomguard.core.instants import elapsed
from roomguard.core.models import Agreement, Client, Role, SessionRecord, Terms
from roomguard.core.reports import (
    OtherClients,
    ShareItem,
    assistant_safe_report,
    coach_summary_markdown,
    describe_clock_change,
    describe_length,
    describe_span,
)
from roomguard.core.session import SessionSummary, replay, summarise
from roomguard.screens.dialogs.share_review import ShareDecisions, ShareReview
from roomguard.screens.host import UsesHost
from roomguard.screens.readable import output_folder, written
from roomguard.store import StoreError
from roomguard.store.atomic import atomic_write, ensure_dir
from roomguard.store.word_families import word_families
from roomguard.widgets.literal import literal
from roomguard.widgets.presence_timeline import PresenceTimeline, TimelineRow
from roomguard.widgets.record_table import RecordTable

PAGE_SIZE = 50
DETAIL_LIMIT = 200  # detections or notes listed in the pane; the summary file has them all
REPORTS_DIR = "reports"

_ROLE_STYLE = {Role.CLIENT: "green", Role.COACH: "green", Role.GUEST: "bold red"}


@dataclass(frozen=True, slots=True)
class SessionDetail:
    """What the detail pane and the coach's summary need of one session."""

    client: Client
    agreement: Agreement
    record: SessionRecord
    events: list[Event]
    summary: SessionSummary


@dataclass(frozen=True, slots=True)
class _Page:
    rows: list[SessionRecord]
    pending: list[SessionRecord]  # read ahead, to know whether there is more
    exhausted: bool


class HistoryScreen(UsesHost, Screen[None]):
    CSS_PATH = "history.tcss"
    AUTO_FOCUS = "#sessions"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f", "focus_filter", "Dates"),
        Binding("u", "toggle_unhandled", "Unhandled only"),
        Binding("c", "choose_client", "Client"),
        Binding("a", "all_clients", "All clients", show=False),
        Binding("m", "more", "More"),
        Binding("r", "coach_summary", "Summary file"),
        Binding("y", "copy_summary", "Copy summary", show=False),
        Binding("s", "assistant_summary", "Assistant-safe file"),
    ]

    def __init__(self, client_id: str | None) -> None:
        super().__init__()
        self.client_id = client_id
        self.since: date | None = None
        self.until: date | None = None
        self.unhandled_only = False
        self._clients: dict[str, Client] = {}
        self._records: dict[str, SessionRecord] = {}
        self._generation = 0
        self._source: Iterator[SessionRecord] | None = None
        self._pending: list[SessionRecord] = []
        self._exhausted = True
        self._loading = False
        self._detail: SessionDetail | None = None

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Static("", id="client-filter")
            with Vertical(classes="date-filter"):
                yield Input(placeholder="From (-3m)", id="since")
                yield Static("", id="since-error", classes="date-note")
            with Vertical(classes="date-filter"):
                yield Input(placeholder="To (today)", id="until")
                yield Static("", id="until-error", classes="date-note")
            yield Checkbox("Unhandled only", id="unhandled", tooltip="Only sessions with an alert "
                           "nobody has acknowledged")
        with Horizontal(id="body"):
            with Vertical(id="list-pane", classes="pane"):
                yield RecordTable(id="sessions")
                yield Static("", id="list-status")
            with VerticalScroll(id="detail-pane", classes="pane"):
                yield Static("", id="detail-title")
                yield Static("Who was in the room", classes="section-title")
                yield PresenceTimeline(id="timeline")
                yield Static("Private topics detected", classes="section-title")
                yield Static("", id="detail-topics")
                yield Static("Alerts", classes="section-title")
                yield Static("", id="detail-alerts")
                yield Static("Notes", classes="section-title")
                yield Static("", id="detail-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#list-pane").border_title = "Sessions"
        self.query_one("#detail-pane").border_title = "Session"
        table = self.query_one("#sessions", RecordTable)
        for label in ("When", "Client", "Length", "Alerts"):
            table.add_column(label, key=label.lower())
        self.watch(table, "scroll_y", self._scrolled, init=False)
        try:
            self._clients = {c.id: c for c in self.host.store.clients()}
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
        self._show_client_filter()
        self.reload()

    # ----------------------------------------------------------------- the list, paged
    def reload(self) -> None:
        """Start the list again from the newest session matching the filters."""
        self._generation += 1
        source = self.host.store.sessions(self.client_id, self.since, self.until)
        if self.unhandled_only:
            source = (r for r in source if r.unhandled > 0)
        self._source = source
        self._pending = []
        self._exhausted = False
        self._loading = False
        self._records.clear()
        self.query_one("#sessions", RecordTable).clear()
        self._show_detail(None)
        self.load_more()

    def load_more(self) -> None:
        """Fetch the next page, unless one is on its way or the list is complete."""
        if self._loading or self._exhausted or self._source is None:
            return
        self._loading = True
        self._show_status()
        self._fetch_page(self._generation, self._source, self._pending)

    @work(thread=True, group="history-page")
    def _fetch_page(
        self, generation: int, source: Iterator[SessionRecord], pending: list[SessionRecord]
    ) -> None:
        try:
            rows = pending + list(itertools.islice(source, PAGE_SIZE + 1 - len(pending)))
        except StoreError as exc:
            self.app.call_from_thread(self._page_failed, generation, exc)
            return
        page = _Page(rows[:PAGE_SIZE], rows[PAGE_SIZE:], len(rows) <= PAGE_SIZE)
        self.app.call_from_thread(self._add_page, generation, page)

    def _page_failed(self, generation: int, exc: StoreError) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        self.notify(str(exc), title=exc.title, severity="error", markup=False)
        self._show_status()

    def _add_page(self, generation: int, page: _Page) -> None:
        if generation != self._generation:
            return  # the filters changed while this page was read
        rows: list[tuple[str, tuple[Text, ...]]] = []
        for record in page.rows:
            if record.id in self._records:
                continue
            self._records[record.id] = record
            rows.append((record.id, self._cells(record)))
        # Appending leaves the cursor and the view where they are. The first page lands on an
        # empty table (the cursor on row 0), which posts RowHighlighted: its detail loads.
        self.query_one("#sessions", RecordTable).add_rows(rows)
        self._pending, self._exhausted, self._loading = page.pending, page.exhausted, False
        self._show_status()

    def _cells(self, record: SessionRecord) -> tuple[Text, ...]:
        client = self._clients.get(record.client_id)
        length = (describe_length(elapsed(record.started_at, record.ended_at))
                  if record.ended_at else "open")
        alerts = Text(str(record.alerts), style="" if record.alerts else "dim")
        if record.unhandled:
            alerts.append(f" ({record.unhandled} unhandled)", style="bold red")
        return (
            Text(f"{record.started_at:%Y-%m-%d %H:%M}"),
            literal(client.name if client else "(deleted client)", limit=24),
            Text(length, style="" if record.ended_at else "italic"),
            alerts,
        )

    def _show_status(self) -> None:
        count = len(self._records)
        if self._loading:
            text = Text(f"{count} shown, loading…", style="dim")
        elif not count:
            text = Text("No sessions match these filters.", style="dim")
        elif self._exhausted:
            text = Text("1 session." if count == 1 else f"All {count} sessions shown.",
                        style="dim")
        else:
            text = Text(f"{count} shown. Press m (or scroll to the end) for more.", style="dim")
        self.query_one("#list-status", Static).update(text)

    def _scrolled(self, _old: float, new: float) -> None:
        table = self.query_one("#sessions", RecordTable)
        if table.max_scroll_y and new >= table.max_scroll_y:
            self.load_more()

    @on(RecordTable.RowHighlighted, "#sessions")
    def _highlighted(self, event: RecordTable.RowHighlighted) -> None:
        if self._detail is None or self._detail.record.id != event.key:
            self._load_detail(event.key)
        if event.index >= event.table.row_count - 1:
            self.load_more()

    # ----------------------------------------------------------------- the detail pane
    def _load_detail(self, record_id: str | None) -> None:
        record = self._records.get(record_id or "")
        if record is not None:
            self._fetch_detail(record)

    @work(thread=True, exclusive=True, group="history-detail")
    def _fetch_detail(self, record: SessionRecord) -> None:
        store = self.host.store
        try:
            events = store.events(record.id)
            # Stand-ins for a deleted client, dated by the session: never stored.
            since = record.started_at.date()
            client = store.client(record.client_id) or Client(
                "(deleted client)", id=record.client_id, created_on=since
            )
            agreement = store.agreement(record.client_id) or Agreement(
                client_id=record.client_id, terms=Terms(created_at=record.started_at)
            )
        except StoreError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title=exc.title, severity="error", markup=False
            )
            return
        summary = summarise(replay(events, record.id), agreement)
        self.app.call_from_thread(
            self._show_detail, SessionDetail(client, agreement, record, events, summary)
        )

    def _highlighted_key(self) -> str | None:
        return self.query_one("#sessions", RecordTable).highlighted_key()

    def _show_detail(self, detail: SessionDetail | None) -> None:
        if detail is not None and detail.record.id != self._highlighted_key():
            return  # the cursor moved on while the journal was read
        self._detail = detail
        title = self.query_one("#detail-title", Static)
        timeline = self.query_one(PresenceTimeline)
        topics = self.query_one("#detail-topics", Static)
        alerts = self.query_one("#detail-alerts", Static)
        notes = self.query_one("#detail-notes", Static)
        if detail is None:
            title.update(Text("Select a session to see who was in the room.", style="dim"))
            timeline.clear()
            for part in (topics, alerts, notes):
                part.update("")
            return
        summary, record = detail.summary, detail.record
        start = summary.started_at or record.started_at
        end = summary.ended_at or record.ended_at
        heading = literal(detail.client.name, style="bold", limit=80)
        heading.append(f"  {describe_span(start, end)}, terms v{record.terms_version}")
        for change in summary.clock_changes:  # why times differ from the wall clock
            heading.append(f"\nClock: {describe_clock_change(change)}.", style="yellow")
        title.update(heading)
        timeline.show(
            [
                TimelineRow(
                    person.name,
                    [(i.start, i.end) for i in person.intervals],
                    _ROLE_STYLE.get(person.role, "yellow"),
                )
                for person in summary.presence
            ],
            start,
            end,
            now=self.host.clock() if end is None else None,
        )
        topics.update(self._topics_text(detail))
        alerts.update(self._alerts_text(detail))
        notes.update(self._notes_text(detail))

    def _topic_name(self, detail: SessionDetail, topic_id: str) -> str:
        for terms in (detail.agreement.terms_version(detail.record.terms_version),
                      detail.agreement.terms, *detail.agreement.history):
            topic = terms.topic(topic_id) if terms is not None else None
            if topic is not None:
                return topic.name
        return "(a topic no longer in the terms)"

    def _topics_text(self, detail: SessionDetail) -> Text:
        detected = [e for e in detail.events if isinstance(e, TopicDetected)]
        if not detected:
            return Text("None detected.", style="dim")
        lines = []
        for event in detected[:DETAIL_LIMIT]:
            line = Text(f"{event.at:%H:%M} ")
            line.append_text(literal(self._topic_name(detail, event.topic_id), style="bold", limit=80))
            line.append(' "')
            line.append_text(literal(event.phrase, limit=80))
            line.append(f'" ({event.source.value})', style="dim")
            if event.line.strip():
                line.append(" ")
                line.append_text(literal(event.line, style="italic", limit=200))
            lines.append(line)
        if len(detected) > DETAIL_LIMIT:
            lines.append(Text(f"… and {len(detected) - DETAIL_LIMIT} more (see the summary file)",
                              style="dim"))
        return Text("\n").join(lines)

    def _alerts_text(self, detail: SessionDetail) -> Text:
        if not detail.summary.alerts:
            return Text("No alerts.", style="dim")
        lines = []
        for outcome in detail.summary.alerts:
            alert = outcome.alert
            line = Text(f"{alert.at:%H:%M} ")
            line.append_text(literal(alert.topic_name, style="bold", limit=80))
            line.append(": ")
            line.append_text(literal(alert.reason, limit=300))
            line.append("\n    → ")
            if outcome.acknowledgement is None:
                line.append("UNHANDLED", style="bold red")
            else:
                line.append(f"handled {outcome.acknowledgement.at:%H:%M}: ", style="green")
                line.append_text(literal(outcome.handled, limit=300))
            lines.append(line)
        return Text("\n").join(lines)

    def _notes_text(self, detail: SessionDetail) -> Text:
        notes = [e for e in detail.events if isinstance(e, NoteAdded)]
        if not notes:
            return Text("No notes.", style="dim")
        lines = []
        for note in notes[:DETAIL_LIMIT]:
            line = Text(f"{note.at:%H:%M} ")
            if note.private:
                line.append("[private] ", style="magenta")
            if note.shareable:
                line.append("[shareable] ", style="cyan")
            line.append_text(literal(note.text, limit=300))
            lines.append(line)
        if len(notes) > DETAIL_LIMIT:
            lines.append(Text(f"… and {len(notes) - DETAIL_LIMIT} more", style="dim"))
        return Text("\n").join(lines)

    # ----------------------------------------------------------------- filters
    def _show_client_filter(self) -> None:
        label = Text("Client: ", style="bold")
        if self.client_id is None:
            label.append("all clients")
        else:
            client = self._clients.get(self.client_id)
            label.append_text(literal(client.name if client else "(deleted client)", limit=40))
        self.query_one("#client-filter", Static).update(label)

    def _set_client(self, client_id: str | None) -> None:
        self.client_id = client_id
        self._show_client_filter()
        self.reload()

    def _read_date(self, field_id: str) -> tuple[bool, date | None]:
        """(valid, date) of one date input; shows the read-back or the error under it."""
        text = self.query_one(f"#{field_id}", Input).value
        note = self.query_one(f"#{field_id}-error", Static)
        if not text.strip():
            note.update("")
            note.remove_class("-bad")
            return True, None
        try:
            when = parse_date_input(text, self.host.today())
        except DateInputError as exc:
            note.update(literal(str(exc), limit=200))
            note.add_class("-bad")
            return False, None
        note.update(Text("→ " + describe_date(when)))
        note.remove_class("-bad")
        return True, when

    @on(Input.Submitted, "#since, #until")
    def _dates_submitted(self) -> None:
        since_ok, since = self._read_date("since")
        until_ok, until = self._read_date("until")
        if not (since_ok and until_ok):
            return
        if since is not None and until is not None and until < since:
            note = self.query_one("#until-error", Static)
            note.update(Text("'To' is before 'From'."))
            note.add_class("-bad")
            return
        if (since, until) != (self.since, self.until):
            self.since, self.until = since, until
            self.reload()
        self.query_one("#sessions", RecordTable).focus()

    @on(Checkbox.Changed, "#unhandled")
    def _unhandled_changed(self, event: Checkbox.Changed) -> None:
        if event.value != self.unhandled_only:
            self.unhandled_only = event.value
            self.reload()

    # ----------------------------------------------------------------- actions
    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#sessions", RecordTable).focus()
            return
        self.app.pop_screen()

    def action_focus_filter(self) -> None:
        self.query_one("#since", Input).focus()

    def action_toggle_unhandled(self) -> None:
        checkbox = self.query_one("#unhandled", Checkbox)
        checkbox.value = not checkbox.value

    def action_choose_client(self) -> None:
        if not self._clients:
            self.notify("No clients yet.", severity="warning")
            return
        from roomguard.screens.dialogs.client_picker import ClientPicker

        def chosen(client_id: str | None) -> None:
            if client_id:
                self._set_client(client_id)

        self.app.push_screen(
            ClientPicker(list(self._clients.values()), "Show the history of which client?"),
            chosen,
        )

    def action_all_clients(self) -> None:
        if self.client_id is not None:
            self._set_client(None)

    def action_more(self) -> None:
        if self._exhausted and not self._loading:
            self.notify("Every matching session is already listed.")
        self.load_more()

    def _need_detail(self) -> SessionDetail | None:
        if self._detail is None:
            self.notify("Select a session first.", severity="warning")
        return self._detail

    def action_coach_summary(self) -> None:
        detail = self._need_detail()
        if detail is not None:
            self._write_coach_summary(detail)

    def action_copy_summary(self) -> None:
        detail = self._need_detail()
        if detail is None:
            return
        text = coach_summary_markdown(detail.client, detail.agreement, detail.record, detail.events)
        self.app.copy_to_clipboard(text)
        self.notify("Coach's summary copied to the clipboard. It holds private material.")

    def action_assistant_summary(self) -> None:
        detail = self._need_detail()
        if detail is None:
            return
        records = [r for r in self._records.values() if r.client_id == detail.client.id]
        self._write_assistant_summary(detail.client, detail.agreement, records, self.host.clock())

    # ----------------------------------------------------------------- report files
    def reports_dir(self) -> Path:
        """The store's own folder, or ~/Documents/Roomguard for an encrypted store (see
        screens/readable.py)."""
        return output_folder(self.host.store, REPORTS_DIR)

    def _save(self, name: str, text: str) -> Path:
        folder = self.reports_dir()
        ensure_dir(folder)
        path = folder / name
        atomic_write(path, text.encode("utf-8"))
        return path

    @work(thread=True, group="history-report")
    def _write_coach_summary(self, detail: SessionDetail) -> None:
        text = coach_summary_markdown(detail.client, detail.agreement, detail.record, detail.events)
        name = f"coach-summary-{detail.record.started_at:%Y%m%d-%H%M}-{detail.record.id}.md"
        try:
            path = self._save(name, text)
        except OSError as exc:
            self.app.call_from_thread(self._report_failed, exc)
            return
        self.app.call_from_thread(
            self.notify, written(self.host.store, "Coach's summary", path), title="Summary",
            markup=False
        )

    @work(thread=True, group="history-report")
    def _write_assistant_summary(
        self, client: Client, agreement: Agreement, records: list[SessionRecord], now: datetime,
        decisions: ShareDecisions | None = None,
    ) -> None:
        """Builds the summary; unless the coach chose Write in the review, shows the review
        (what will be shared, what was held back and why) instead of writing."""
        try:
            store = self.host.store
            pairs = [(record, store.events(record.id)) for record in records]
            others = OtherClients.of(client.id, store.clients(),
                                     (a for _, a in store.agreements()))
            chosen = decisions or ShareDecisions()
            report = assistant_safe_report(client, agreement, pairs, others,
                                           families=word_families(), edits=chosen.edits,
                                           confirmed=chosen.confirmed)
            if report.items and not chosen.write:
                self.app.call_from_thread(self._review_shares, client, agreement, records, now,
                                          report.items, chosen)
                return
            path = self._save(f"assistant-safe-{client.id}-{now:%Y%m%d-%H%M%S}.md", report.text)
        except (OSError, StoreError) as exc:
            self.app.call_from_thread(self._report_failed, exc)
            return
        sessions = "1 session" if report.sessions == 1 else f"{report.sessions} sessions"
        self.app.call_from_thread(
            self.notify,
            written(self.host.store, f"Assistant-safe summary of {sessions}", path),
            title="Assistant-safe summary",
            markup=False,
        )
        if report.withheld:
            self.app.call_from_thread(
                self.notify,
                f"{report.withheld} item(s) were left out: they mention something private or "
                "name someone you did not confirm (the file does not say so).",
                title="Assistant-safe summary",
                severity="warning",
                timeout=10,
            )

    def _review_shares(self, client: Client, agreement: Agreement, records: list[SessionRecord],
                       now: datetime, items: tuple[ShareItem, ...], chosen: ShareDecisions
                       ) -> None:
        def answered(decisions: ShareDecisions | None) -> None:
            if decisions is None:
                self.notify("Assistant-safe summary not written.", title="Assistant-safe summary")
            else:
                self._write_assistant_summary(client, agreement, records, now, decisions)

        self.app.push_screen(ShareReview(items, chosen.confirmed), answered)

    def _report_failed(self, exc: Exception) -> None:
        title = exc.title if isinstance(exc, StoreError) else "Could not write the report"
        self.notify(str(exc), title=title, severity="error", markup=False)
