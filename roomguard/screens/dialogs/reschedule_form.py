"""Move an agreement's scheduled review to another day, without logging a review.

Shows what else calls for a review (an expiring consent, a newcomer), since moving the
scheduled date doesn't move those. Dismisses with the new date once saved, or None.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from roomguard.core.cadence import review_due
from roomguard.core.checkins import ReviewError, reschedule
from roomguard.core.dates import EXAMPLES, describe_date
from roomguard.core.models import Agreement, Client
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.screens.dialogs.review_form import DateReading, read_date
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError
from roomguard.widgets.literal import literal

SCHEDULED = "scheduled review"


def not_in_past(today: date) -> Callable[[date], str | None]:
    def check(d: date) -> str | None:
        if d < today:
            return f"Pick today or a later date; {describe_date(d)} has passed."
        return None

    return check


class RescheduleForm(UsesHost, DiscardGuard[date]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#next"
    DEFAULT_CSS = """
    RescheduleForm .preview { color: $text-muted; height: auto; }
    RescheduleForm .hint { color: $text-muted; height: auto; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save")]
    DISCARD_QUESTION = "Discard the new date?"

    def __init__(self, client: Client, agreement: Agreement, today: date, *, dayfirst: bool = True):
        super().__init__()
        self.client = client
        self.agreement = agreement
        self.today = today
        self.dayfirst = dayfirst
        current = agreement.next_review
        # An overdue date is no starting point: the field starts empty for a fresh date.
        self.initial = current.isoformat() if current and current >= today else ""
        self.other_reasons = [
            r for r in review_due(agreement, today).reasons if r != SCHEDULED
        ]

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            title = Text("Reschedule review: ")
            title.append_text(literal(self.client.name, limit=80))
            yield Static(title, classes="title")
            current = self.agreement.next_review
            yield Static(
                f"Scheduled for {describe_date(current)}" if current else "No review scheduled",
                id="current",
            )
            if self.other_reasons:
                note = Text("Rescheduling doesn't move these: ")
                note.append_text(literal("; ".join(self.other_reasons), limit=1000))
                yield Static(note, id="other-reasons", classes="hint")
            yield Label("New date", classes="field-label")
            yield Input(self.initial, placeholder=EXAMPLES.removeprefix("e.g. "), id="next")
            yield Static("", id="next-preview", classes="preview")
            yield Label("", id="next-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        self._show(self.query_one("#next", Input).value)

    _tried = False

    def reading(self) -> DateReading:
        return read_date(
            self.query_one("#next", Input).value,
            self.today,
            self.dayfirst,
            not_in_past(self.today),
        )

    def _show(self, text: str) -> None:
        reading = self.reading()
        self.query_one("#next-preview", Static).update(literal(reading.preview))
        self.query_one("#next-error", Label).update(
            reading.error if text.strip() or self._tried else ""
        )

    @on(Input.Changed, "#next")
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#next")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._tried = True
        reading = self.reading()
        self._show(self.query_one("#next", Input).value)
        if reading.value is None:
                return
        updated = copy.deepcopy(self.agreement)
        try:
            reschedule(updated, reading.value, self.today)
            self.host.store.save_agreement(updated)
        except ReviewError as exc:
            self.query_one("#next-error", Label).update(str(exc))
            return
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return
        self.dismiss(reading.value)

    def is_dirty(self) -> bool:
        return self.query_one("#next", Input).value != self.initial
