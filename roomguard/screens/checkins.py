"""Check-ins: every agreement's next review, overdue first, and the actions that settle them.

Rows come from :func:`roomguard.core.checkins.build_checkins`, read off the UI thread and
reloaded whenever the screen comes back into view (after a form, or the agreement editor).
The Why column and the detail give every reason an agreement needs attention (a review due,
a consent missing, outdated or revoked, an open to-do), not only the first; a to-do is
marked done on the agreement (``a``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from roomguard.core.cadence import DEFAULT_SOON_DAYS, DueState
from roomguard.core.checkins import CheckinRow, build_checkins, count_due
from roomguard.core.dates import describe_date
from roomguard.core.models import Agreement, Client, Review, ReviewOutcome
from roomguard.screens.host import UsesHost
from roomguard.screens.readable import refusal, written
from roomguard.store import StoreError
from roomguard.widgets.literal import literal
from roomguard.widgets.record_table import RecordTable

STATE_STYLES: dict[DueState, str] = {
    DueState.OVERDUE: "bold red",
    DueState.DUE_SOON: "bold yellow",
    DueState.LATER: "green",
    DueState.NOT_SCHEDULED: "dim",
}
ICS_SETTING = "checkins_ics_path"
ICS_DEFAULT_NAME = "roomguard-checkins.ics"


def ics_path(setting: object) -> Path:
    """Where ``e`` writes the calendar: the ``checkins_ics_path`` setting, else ``~/…ics``."""
    if isinstance(setting, str) and setting.strip():
        return Path(setting).expanduser()
    return Path.home() / ICS_DEFAULT_NAME


def clipped(text: str, width: int) -> Text:
    """User text for a table cell, cut to *width* with an ellipsis (the detail shows it all)."""
    return literal(text if len(text) <= width else text[: width - 1] + "…", limit=None)


def short_when(row: CheckinRow, today: date) -> str:
    """``9 days late``, ``today``, ``in 5 days``: the When column."""
    days = row.days_until(today)
    if days is None:
        return ""
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} late"
    return row.when(today)


class CheckinsScreen(UsesHost, Screen[None]):
    CSS_PATH = "checkins.tcss"
    AUTO_FOCUS = "#checkins"

    BINDINGS = [
        Binding("m", "mark_reviewed", "Mark reviewed"),
        Binding("s", "reschedule", "Reschedule"),
        Binding("a", "open_agreement", "Agreement"),
        Binding("e", "export_ics", "Export .ics"),
        Binding("escape", "back", "Back"),
    ]
    PALETTE_COMMANDS = [
        (
            "Date order: day-first or month-first",
            "Switch how 03/04/2026 is read in date fields",
            "toggle_dayfirst",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, CheckinRow] = {}
        self._clients: dict[str, Client] = {}
        self._today: date | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Check-ins: loading…", id="checkins-summary")
        table = RecordTable(id="checkins")
        for label, key in (
            ("State", "state"),
            ("Due", "due"),
            ("When", "when"),
            ("Client", "client"),
            ("Third parties", "parties"),
            ("Last review", "last"),
            ("Cadence", "cadence"),
            ("Why", "why"),
        ):
            table.add_column(label, key=key)
        yield table
        yield Static("", id="checkin-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Check-ins"

    def on_screen_resume(self) -> None:
        self.reload()

    # ----------------------------------------------------------------- data
    def reload(self) -> None:
        self.load_rows(self.host.today())

    @work(thread=True, exclusive=True, group="checkins-load")
    def load_rows(self, today: date) -> None:
        try:
            pairs = list(self.host.store.agreements())
        except StoreError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title=exc.title, severity="error", markup=False
            )
            return
        rows = build_checkins(pairs, today)
        clients = {client.id: client for client, _ in pairs}
        self.app.call_from_thread(self._show_rows, today, rows, clients)

    def _show_rows(self, today: date, rows: list[CheckinRow], clients: dict[str, Client]) -> None:
        self._today, self._clients = today, clients
        self._rows = {row.agreement_id: row for row in rows}
        # The cursor stays on the highlighted agreement wherever it now sorts.
        self.query_one("#checkins", RecordTable).refill(
            (row.agreement_id, self._cells(row, today)) for row in rows
        )
        self._show_summary(rows)
        self._show_detail()

    def _cells(self, row: CheckinRow, today: date) -> list[Text]:
        style = STATE_STYLES[row.state]
        why = "; ".join(row.attention)
        return [
            Text(row.state.value, style=style),
            Text(describe_date(row.due_on) if row.due_on else "—", style=style),
            Text(short_when(row, today), style=style),
            clipped(row.client_name, 30),
            clipped(", ".join(p.name for p in row.parties), 30)
            if row.parties
            else Text("—", style="dim"),
            Text(row.last_review.isoformat() if row.last_review else "never"),
            clipped(row.cadence, 24),
            clipped(why, 60),
        ]

    def _show_summary(self, rows: list[CheckinRow]) -> None:
        overdue, due_soon = count_due(rows)
        summary = self.query_one("#checkins-summary", Static)
        if not rows:
            summary.update(Text("No agreements yet: add a client from the home screen."))
        else:
            later = len(rows) - overdue - due_soon
            summary.update(
                Text(
                    f"{overdue} overdue · {due_soon} due within {DEFAULT_SOON_DAYS} days · "
                    f"{later} later or not scheduled"
                )
            )
        summary.set_class(bool(overdue), "-overdue")

    @on(RecordTable.RowHighlighted, "#checkins")
    def _show_detail(self) -> None:
        detail = self.query_one("#checkin-detail", Static)
        row = self.highlighted_row()
        if row is None or self._today is None:
            detail.update("")
            return
        text = Text()
        text.append_text(literal(row.client_name, style="bold"))
        if row.due_on is not None:
            text.append(f": review due {describe_date(row.due_on)}, {row.when(self._today)}")
        else:
            text.append(": no review scheduled")
        text.append("\nWhy: ", style="bold")
        if not row.attention:
            text.append("nothing calls for a review")
        for reason in row.attention:
            text.append("\n  • ")
            text.append_text(literal(reason, limit=500))
        if row.todos:
            text.append("\n  (mark a to-do done on the agreement: a)", style="dim")
        text.append("\nThird parties: ", style="bold")
        parties = ", ".join(f"{p.name} ({p.role.label})" for p in row.parties)
        text.append_text(literal(parties or "none"))
        text.append("\nLast review: ", style="bold")
        if row.last_review is None:
            text.append("never")
        else:
            text.append(describe_date(row.last_review))
            if row.last_outcome is not None:
                text.append(f" ({row.last_outcome.value})")
        text.append("\nCadence: ", style="bold")
        text.append_text(literal(row.cadence))
        detail.update(text)

    def highlighted_row(self) -> CheckinRow | None:
        key = self.query_one("#checkins", RecordTable).highlighted_key()
        return self._rows.get(key or "")

    def _target(self, *, writes: bool) -> tuple[Client, CheckinRow] | None:
        """The highlighted row and its client, or None after telling the coach why not."""
        row = self.highlighted_row()
        if row is None:
            self.notify("No agreement to act on.", severity="warning")
            return None
        if writes and self.host.store.readonly:
            self.notify("The store is read-only: reviews can't be saved.", severity="warning")
            return None
        client = self._clients.get(row.client_id)
        if client is None:
            self.notify("That client no longer exists.", severity="warning")
            return None
        return client, row

    def _fresh_agreement(self, client: Client) -> Agreement | None:
        try:
            agreement = self.host.store.agreement(client.id)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return None
        if agreement is None:
            self.notify("That agreement no longer exists.", severity="warning")
        return agreement

    def _dayfirst(self) -> bool:
        try:
            return bool(self.host.store.setting("dayfirst", True))
        except StoreError:
            return True

    # ----------------------------------------------------------------- actions
    def action_mark_reviewed(self) -> None:
        target = self._target(writes=True)
        if target is None:
            return
        client, _ = target
        agreement = self._fresh_agreement(client)
        if agreement is None:
            return
        from roomguard.screens.dialogs.review_form import ReviewForm

        def reviewed(review: Review | None) -> None:
            if review is None:
                return
            message = (
                f"Review logged for {client.name}; next review "
                f"{describe_date(review.next_review)}."
            )
            self.notify(message, title="Reviewed", markup=False)
            if review.outcome is ReviewOutcome.AMEND:
                self._open_agreement(client)

        form = ReviewForm(client, agreement, self.host.today(), dayfirst=self._dayfirst())
        self.app.push_screen(form, reviewed)

    def action_reschedule(self) -> None:
        target = self._target(writes=True)
        if target is None:
            return
        client, _ = target
        agreement = self._fresh_agreement(client)
        if agreement is None:
            return
        from roomguard.screens.dialogs.reschedule_form import RescheduleForm

        def moved(new_date: date | None) -> None:
            if new_date is not None:
                self.notify(
                    f"{client.name}'s review moved to {describe_date(new_date)}.",
                    title="Rescheduled",
                    markup=False,
                )

        form = RescheduleForm(client, agreement, self.host.today(), dayfirst=self._dayfirst())
        self.app.push_screen(form, moved)

    def action_open_agreement(self) -> None:
        target = self._target(writes=False)
        if target is not None:
            self._open_agreement(target[0])

    @on(RecordTable.RowSelected, "#checkins")
    def _row_chosen(self) -> None:
        self.action_open_agreement()

    def _open_agreement(self, client: Client) -> None:
        try:
            self.host.open_agreements(client)
        except ModuleNotFoundError as exc:  # the editor ships separately; don't crash without it
            if exc.name != "roomguard.screens.agreements":
                raise
            self.notify("The agreement editor isn't available.", severity="error")

    def action_export_ics(self) -> None:
        if self._today is None:
            self.notify("Still loading; try again in a moment.", severity="warning")
            return
        try:
            path = ics_path(self.host.store.setting(ICS_SETTING))
        except StoreError:
            path = ics_path(None)
        from roomguard.screens.dialogs.ics_form import IcsPathForm

        rows = list(self._rows.values())

        def chosen(where: Path | None) -> None:
            """Remember where (the next export offers it), then write and say where."""
            if where is None:
                return
            if where != path and not self.host.store.readonly:
                try:
                    self.host.store.set_setting(ICS_SETTING, str(where))
                except StoreError as exc:  # the file is still written; only the default is lost
                    self.notify(str(exc), title=exc.title, severity="warning", markup=False)
            self.export_ics(rows, where)

        self.app.push_screen(IcsPathForm(path), chosen)

    @work(thread=True, exclusive=True, group="checkins-export")
    def export_ics(self, rows: list[CheckinRow], path: Path) -> None:
        from roomguard.core.ics import checkins_ics
        from roomguard.store.atomic import atomic_write

        data = checkins_ics(rows, self.host.clock().astimezone())
        refused = refusal(self.host.store, path)
        if refused:
            self.app.call_from_thread(self.notify, refused, title="Export failed",
                                      severity="error", markup=False)
            return
        try:
            atomic_write(path, data)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify,
                f"Could not write {path}: {exc.strerror or exc}",
                title="Export failed",
                severity="error",
                markup=False,
            )
            return
        count = sum(1 for row in rows if row.due_on is not None)
        self.app.call_from_thread(
            self.notify,
            written(self.host.store, f"{count} review{'s' if count != 1 else ''}", path)
            + ". Import it into your calendar; exporting again updates the same events.",
            title="Exported",
            markup=False,
            timeout=10,
        )

    def action_toggle_dayfirst(self) -> None:
        dayfirst = not self._dayfirst()
        try:
            self.host.store.set_setting("dayfirst", dayfirst)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return
        order = "day-first (03/04 is 3 April)" if dayfirst else "month-first (03/04 is 4 March)"
        self.notify(f"Dates are now read {order}.")

    def action_back(self) -> None:
        self.app.pop_screen()
