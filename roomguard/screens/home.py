"""Home: clients, recent sessions, and how many agreement reviews are due.

The client list paints from the small practice index straight away; each client's agreement
state (in force, consent missing, review due) is filled in by a thread worker, so ten years of
records never delay the first screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from roomguard.core.instants import elapsed
from roomguard.core.models import Agreement, Client, ClientStatus
from roomguard.core.retention import (
    RETENTION_SETTING,
    describe_retention,
    disposal_due_on,
    due_for_disposal,
    retention_years,
)
from roomguard.core.text import printable
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError
from roomguard.widgets.due_summary import DueSummary
from roomguard.widgets.folding_footer import FoldingFooter
from roomguard.widgets.literal import literal
from roomguard.widgets.record_table import RecordTable

RECENT_SESSIONS = 20
DISPOSAL_STYLE = "bold red"
DAY_CHECK_SECONDS = 60.0  # how often home checks that the day has not changed under it
CELL_CHARS = 30  # user text wider than this is cut short in a table cell


def _describe_date(day: date) -> str:
    from roomguard.core.dates import describe_date  # dateutil's parser: only when needed

    return describe_date(day)


def _cell(text: str) -> Text:
    """A name for a table cell, at most CELL_CHARS cells: one very long name must not push the
    other columns off screen (a table column is as wide as its widest cell)."""
    cell = literal(text[: CELL_CHARS * 2], limit=None)
    if len(text) > CELL_CHARS * 2:
        cell.append("…")
    cell.truncate(CELL_CHARS, overflow="ellipsis")
    return cell


class HomeScreen(UsesHost, Screen[None]):
    CSS_PATH = "home.tcss"
    AUTO_FOCUS = "#clients"
    # Side by side, the two lists need about 130 columns; below 110 they stack (home.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        Binding("s", "start_session", "Start session"),
        Binding("a", "agreements", "Agreements"),
        Binding("c", "app.checkins", "Check-ins"),
        Binding("h", "history", "History"),
        Binding("n", "new_client", "New client"),
    ]
    PALETTE_COMMANDS = [
        ("Load demo data", "Fill an empty store with a demonstration practice", "load_demo"),
        ("Backups", "List backups and restore one", "backups"),
        ("Delete client", "Delete the highlighted client and all their records", "delete_client"),
        ("Close client", "Close the highlighted client, or reopen a closed one", "close_client"),
        ("Retention period", "Years to keep closed clients' records before disposal", "retention"),
        ("Show or hide closed clients", "Closed clients, and which are due for disposal",
         "toggle_closed"),
        ("Encrypt store…", "Protect the store with a passphrase (a backup is made first)",
         "encrypt_store"),
    ]

    show_closed: reactive[bool] = reactive(False, init=False)

    def compose(self) -> ComposeResult:
        # Textual sets the breakpoint class on the screen's first Resize, which can arrive after
        # the first frame: set it now, so the first frame is already laid out for this width.
        width = self.app.size.width
        breakpoints = sorted(self.HORIZONTAL_BREAKPOINTS, reverse=True)
        applies = next((name for min_width, name in breakpoints if width >= min_width), None)
        for _, name in breakpoints:
            self.set_class(name == applies, name)
        yield Header()
        if self.host.store.readonly:
            yield Static(
                literal("Read-only: " + (self.host.store.readonly_reason or "changes cannot be saved"),
                        limit=None),
                id="readonly-banner",
            )
        with Horizontal(id="panes"):
            with Vertical(classes="pane", id="clients-pane"):
                yield RecordTable(id="clients")
            with Vertical(classes="pane", id="sessions-pane"):
                yield RecordTable(id="sessions")
        with Horizontal(id="status-line"):
            yield DueSummary()
            yield Static("not encrypted", id="not-encrypted")
        yield FoldingFooter(palette_from=100)  # every key fits at 80 columns

    def on_mount(self) -> None:
        self.query_one("#clients-pane").border_title = "Clients"
        self.query_one("#sessions-pane").border_title = "Recent sessions"
        clients = self.query_one("#clients", RecordTable)
        clients.add_column("Client", key="name")
        clients.add_column("Third parties", key="parties")
        clients.add_column("Agreement", key="state")
        clients.add_column("Next review", key="review")
        clients.add_column("Next session", key="session")
        sessions = self.query_one("#sessions", RecordTable)
        for label in ("When", "Client", "Length", "Alerts"):
            sessions.add_column(label, key=label.lower())
        self.reload()
        self.show_encryption()
        self.call_after_refresh(self.warn_disposal_due)  # a toast: after the first frame
        self._shown_day = self.host.today()
        self._wait_for_midnight()
        # A suspended machine stops the timer's clock: check the day each minute as well.
        self.set_interval(DAY_CHECK_SECONDS, self.check_day)
        if self.host.store.is_empty() and not self.host.want_demo and not self.host.store.readonly:
            self.call_after_refresh(self.offer_onboarding)

    # ----------------------------------------------------------------- a new day
    # Home left open keeps showing states that depend on the date (overdue, expired, in force):
    # they are worked out again at local midnight, and after the machine wakes on a later day.
    def seconds_to_midnight(self) -> float:
        """From the app's clock (injectable), how long until the next local midnight."""
        now = self.host.clock()
        midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
        return max(1.0, (midnight - now).total_seconds())

    def _wait_for_midnight(self) -> None:
        self._midnight = self.set_timer(self.seconds_to_midnight(), self.at_midnight)

    def at_midnight(self) -> None:
        self.check_day()
        self._wait_for_midnight()

    def check_day(self) -> None:
        """Reload when the app's clock has moved on to another day since the last reload (not
        while the screen is locked: the store's key is dropped; the next check after it)."""
        if self.host.store_locked:
            return
        if self.host.today() != self._shown_day:
            self.reload()

    # ----------------------------------------------------------------- data
    def show_encryption(self) -> None:
        """ "not encrypted" in the status line, for as long as the store is plaintext."""
        self.query_one("#not-encrypted").display = not self.host.store.encrypted

    def reload(self) -> None:
        store = self.host.store
        self._clients = {c.id: c for c in store.clients()}
        years, today = self._retention_years(), self.host.today()
        self._shown_day = today
        rows: list[tuple[str, tuple[Text, str, Text, str, str]]] = []
        for client in self._clients.values():
            is_closed = client.status is ClientStatus.CLOSED
            if is_closed and not self.show_closed:
                continue  # counted in the border; the disposal toast names those due
            name = _cell(client.name)
            state = Text("…", style="dim")
            if is_closed:
                state = closed_state(client, today, years)
                name.append(" (closed)", style="dim")
            rows.append((client.id, (name, "", state, "", "")))
        self.query_one("#clients", RecordTable).refill(rows)
        self.show_encryption()
        closed = sum(c.status is ClientStatus.CLOSED for c in self._clients.values())
        self.query_one("#clients-pane").border_subtitle = (
            "" if self.show_closed or not closed else f"{closed} closed hidden (palette: show)"
        )
        self._fill_sessions()
        self.query_one(DueSummary).overdue = None
        self.query_one(DueSummary).due_soon = None
        # After the first frame: the agreement states never hold up the screen appearing.
        self.call_after_refresh(self.compute_states, today)

    def watch_show_closed(self) -> None:
        self.reload()

    def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed

    def _fill_sessions(self) -> None:
        rows: list[tuple[str, tuple[str, Text, str, Text]]] = []
        for count, record in enumerate(self.host.store.sessions()):
            if count >= RECENT_SESSIONS:
                break
            client = self._clients.get(record.client_id)
            length = (
                f"{int(elapsed(record.started_at, record.ended_at).total_seconds() // 60)} min"
                if record.ended_at
                else "open"
            )
            alerts = Text(str(record.alerts), style="bold" if record.unhandled else "")
            rows.append((record.id, (
                f"{record.started_at:%a %d %b %H:%M}",
                _cell(client.name if client else "(deleted client)"),
                length,
                alerts,
            )))
        self.query_one("#sessions", RecordTable).refill(rows)

    @work(thread=True, exclusive=True, group="home-states")
    def compute_states(self, today: date) -> None:
        from roomguard.core.cadence import DueState, review_due
        from roomguard.core.todos import open_todos

        overdue = due_soon = todos = 0
        try:
            years = self._retention_years()
            for client, agreement in self.host.store.agreements():
                third = [p.name for p in agreement.active_participants(today) if p.role.is_third_party]
                booked = ""
                if client.status is ClientStatus.CLOSED:
                    state = closed_state(client, today, years)
                    review = ""
                else:
                    state = consent_cell(agreement, today)
                    booked = booked_cell(agreement.next_session, today)
                    due = review_due(agreement, today)
                    todos += len(open_todos(agreement))
                    review = due.due_on.isoformat() if due.due_on else "not scheduled"
                    if due.state is DueState.OVERDUE:
                        overdue += 1
                        review += " overdue"
                    elif due.state is DueState.DUE_SOON:
                        due_soon += 1
                self.app.call_from_thread(
                    self._set_state, client.id, _cell(", ".join(third) or "—"), state, review,
                    booked,
                )
        except StoreError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title=exc.title, severity="error", markup=False
            )
        self.app.call_from_thread(self._set_due, overdue, due_soon, todos)

    def _set_state(self, client_id: str, parties: Text, state: Text, review: str,
                   booked: str = "") -> None:
        table = self.query_one("#clients", RecordTable)
        if client_id not in table.rows:
            return
        table.update_cell(client_id, "parties", parties, update_width=True)
        table.update_cell(client_id, "state", state, update_width=True)
        table.update_cell(client_id, "review", review, update_width=True)
        table.update_cell(client_id, "session", booked, update_width=True)

    def _set_due(self, overdue: int, due_soon: int, todos: int = 0) -> None:
        summary = self.query_one(DueSummary)
        summary.overdue, summary.due_soon, summary.todos = overdue, due_soon, todos

    # ----------------------------------------------------------------- selection
    def highlighted_client(self) -> Client | None:
        table = self.query_one("#clients", RecordTable)
        return self._clients.get(table.highlighted_key() or "")

    def _with_client(self, then: Callable[[Client], None]) -> None:
        """Run *then* on the highlighted client, or ask which client first."""
        client = self.highlighted_client()
        if client is not None:
            then(client)
            return
        if not self._clients:
            self.notify("Create a client first (press n).", severity="warning")
            return
        from roomguard.screens.dialogs.client_picker import ClientPicker

        def chosen(client_id: str | None) -> None:
            if client_id:
                then(self._clients[client_id])

        self.app.push_screen(ClientPicker(list(self._clients.values())), chosen)

    @on(RecordTable.RowSelected, "#clients")
    def _client_chosen(self) -> None:
        self.action_agreements()

    @on(RecordTable.RowSelected, "#sessions")
    def _session_chosen(self, event: RecordTable.RowSelected) -> None:
        record = self.host.store.session(event.key)
        if record is not None:
            client = self._clients.get(record.client_id)
            if client is not None:
                self.host.open_history(client)

    # ----------------------------------------------------------------- actions
    def action_start_session(self) -> None:
        self._with_client(self.host.open_session)

    def action_agreements(self) -> None:
        self._with_client(self.host.open_agreements)

    def action_history(self) -> None:
        self.host.open_history(self.highlighted_client())

    def action_new_client(self) -> None:
        if self.host.store.readonly:
            self.notify("The store is read-only.", severity="warning")
            return
        from roomguard.screens.dialogs.client_form import ClientForm

        def created(client: Client | None) -> None:
            if client is not None:
                self.reload()
                self.notify(Text(f"Added {client.name}. Next: set the agreement's boundaries.").plain,
                            markup=False)
                self.host.open_agreements(client)

        self.app.push_screen(ClientForm(), created)

    def action_load_demo(self) -> None:
        self.host.load_demo()

    def action_backups(self) -> None:
        from roomguard.screens.backups import BackupsScreen

        self.app.push_screen(BackupsScreen())

    def action_delete_client(self) -> None:
        client = self.highlighted_client()
        if client is None:
            self.notify("Highlight a client first.", severity="warning")
            return
        from roomguard.screens.dialogs.delete_client import DeleteClientScreen

        self.app.push_screen(DeleteClientScreen(client), lambda _: self.reload())

    # ----------------------------------------------------------------- retention
    def _retention_years(self) -> int:
        return retention_years(self.host.store.setting(RETENTION_SETTING))

    def warn_disposal_due(self) -> None:
        """A toast naming how many closed clients are past the retention period (not while
        the screen is locked: it names clients, and the key is dropped)."""
        if self.host.store_locked:
            return
        years = self._retention_years()
        due = due_for_disposal(self._clients.values(), self.host.today(), years)
        if not due:
            return
        names = ", ".join(printable(c.name, 60) for c in due[:3])
        if len(due) > 3:
            names += f" and {len(due) - 3} more"
        self.notify(
            f"{len(due)} closed client{'s are' if len(due) != 1 else ' is'} past the retention "
            f"period ({describe_retention(years)}): {names}. Their records are due for disposal "
            "(palette: Show closed clients, then Delete client).",
            title="Records due for disposal",
            severity="warning",
            timeout=15,
            markup=False,
        )

    def action_close_client(self) -> None:
        client = self.highlighted_client()
        if client is None:
            self.notify("Highlight a client first.", severity="warning")
            return
        if self.host.store.readonly:
            self.notify("The store is read-only.", severity="warning")
            return
        from dataclasses import replace

        from roomguard.screens.dialogs.confirm import Confirm

        today = self.host.today()
        if client.status is ClientStatus.CLOSED:
            changed = replace(client, status=ClientStatus.ACTIVE, closed_on=None)
            question, yes_label = f"Reopen {client.name}?", "Reopen"
            detail = "They become an active client again and are no longer flagged for disposal."
            done = "Reopened"
        else:
            changed = replace(client, status=ClientStatus.CLOSED, closed_on=today)
            years = self._retention_years()
            due = disposal_due_on(changed, years)
            question, yes_label = f"Close {client.name}?", "Close client"
            detail = "Their records are kept. " + (
                f"With a retention period of {describe_retention(years)} they become due for "
                f"disposal on {_describe_date(due)}." if due else "The retention check is off."
            ) + " You can reopen the client later."
            done = "Closed"

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.host.store.save_client(changed)
            except StoreError as exc:
                self.notify(str(exc), title=exc.title, severity="error", markup=False)
                return
            self.reload()
            self.notify(f"{done} {printable(client.name)}.", markup=False)

        self.app.push_screen(Confirm(question, yes=yes_label, no="Cancel", detail=detail), answer)

    def action_retention(self) -> None:
        if self.host.store.readonly:
            self.notify("The store is read-only.", severity="warning")
            return
        from roomguard.screens.dialogs.retention_form import RetentionForm

        def saved(years: int | None) -> None:
            if years is None:
                return
            self.reload()
            self.notify(f"Retention period: {describe_retention(years)}.")
            self.warn_disposal_due()

        self.app.push_screen(RetentionForm(), saved)

    def offer_onboarding(self) -> None:
        """A new store: a passphrase first (or an explicit "No encryption"), then the welcome.
        (Locked at once? Offered again at the next start.)"""
        if self.host.store_locked:
            return
        from roomguard.screens.dialogs.onboarding import Onboarding
        from roomguard.screens.lock.encrypting import StoreEncryption

        def chosen(choice: str | None) -> None:
            if choice == "demo":
                self.host.load_demo()
            elif choice == "client":
                self.action_new_client()

        def welcome() -> None:
            self.app.push_screen(Onboarding(), chosen)

        StoreEncryption(self, self.host).ask(onboarding=True, then=welcome)

    def action_encrypt_store(self) -> None:
        from roomguard.screens.lock.encrypting import StoreEncryption

        StoreEncryption(self, self.host).ask(onboarding=False)


def consent_cell(agreement: Agreement, today: date) -> Text:
    """The Agreement cell: "in force", or what stops it, counted by kind ("consent: 1 expired,
    1 outdated"). It once said "consent needed (0)" for a consent that had only expired: the
    count was of parties who must consent to new terms, not of every consent that is not valid.
    """
    from roomguard.core.consent import in_force, party_consents

    if in_force(agreement, today):
        return Text("in force", style="green")
    kinds: dict[str, int] = {}
    for row in party_consents(agreement, today):
        if not row.state.is_valid:
            kinds[row.state.value] = kinds.get(row.state.value, 0) + 1
    if not kinds:
        return Text("not in force (no client party)", style="bold yellow")
    return Text("consent: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()),
                style="bold yellow")


def booked_cell(booked: datetime | None, today: date) -> str:
    """The next booked session (agreement screen, n), once shown only in the assistant-safe
    summary; a booking in the past is not shown."""
    if booked is None or booked.date() < today:
        return ""
    return f"{booked:%a %d %b %H:%M}"


def closed_state(client: Client, today: date, years: int) -> Text:
    """The Agreement cell of a closed client: flagged in bold red once due for disposal."""
    due = disposal_due_on(client, years)
    if due is not None and due <= today:
        return Text(f"closed — dispose since {due.isoformat()}", style=DISPOSAL_STYLE)
    return Text("closed", style="dim")
