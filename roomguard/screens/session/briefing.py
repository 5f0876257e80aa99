"""The pre-session briefing: what needs attention before the session starts.

Lists parties without valid written consent, an overdue agreement review, scope extensions that
have ended, and open to-dos; then what is coming up soon. The coach begins the session or
cancels (nothing is recorded until they begin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from roomguard.core.cadence import DueState, review_due
from roomguard.core.consent import ConsentState, party_consents
from roomguard.core.models import Agreement
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.literal import literal


@dataclass(frozen=True, slots=True)
class Briefing:
    attention: tuple[str, ...]  # must be looked at first
    coming_up: tuple[str, ...]  # worth knowing: expiring soon, review due soon

    @property
    def clear(self) -> bool:
        return not self.attention


def briefing_for(agreement: Agreement, today: date) -> Briefing:
    attention: list[str] = []
    coming_up: list[str] = []
    for row in party_consents(agreement, today):
        who = f"{row.participant.name} ({row.participant.role.label})"
        if row.state is ConsentState.EXPIRING_SOON:
            coming_up.append(f"{who}: {row.detail}")
        elif not row.state.is_valid:
            attention.append(f"No valid consent — {who}: {row.detail}")

    due = review_due(agreement, today)
    if due.state is DueState.OVERDUE and due.due_on is not None:
        reasons = "; ".join(due.reasons)
        attention.append(f"Review overdue since {due.due_on.isoformat()}: {reasons}")
    elif due.state is DueState.DUE_SOON and due.due_on is not None:
        coming_up.append(f"Review due {due.due_on.isoformat()}")

    for scope in agreement.terms.scopes:
        if scope.ends_on is None or scope.ends_on >= today:
            continue
        person = agreement.participant(scope.participant_id)
        if person is None or not person.is_active(today):
            continue
        topics = ", ".join(
            t.name for tid in scope.topic_ids if (t := agreement.terms.topic(tid)) is not None
        )
        attention.append(
            f"Scope extension ended {scope.ends_on.isoformat()}: {person.name} is no longer "
            f"cleared for {topics or 'its topics'}"
        )

    for todo in agreement.todos:
        if todo.done_at is None:
            attention.append(f"To-do from {todo.created_at:%Y-%m-%d}: {todo.text}")
    return Briefing(tuple(attention), tuple(coming_up))


class SessionBriefing(ModalScreen[bool]):
    """Returns True to begin the session, False to cancel."""

    CSS_PATH = ["../modal.tcss", "session.tcss"]
    AUTO_FOCUS = "#begin"  # not focus() in on_mount: a key typed ahead keeps its focus
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("b", "dismiss(True)", "Begin"),
    ]

    def __init__(self, client_name: str, briefing: Briefing) -> None:
        super().__init__()
        self.client_name = client_name
        self.briefing = briefing

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog", id="briefing"):
            title = Text("Before the session with ", end="")
            title.append_text(literal(self.client_name))
            yield Static(title, classes="title")
            with VerticalScroll(id="briefing-items"):
                if self.briefing.clear:
                    yield Static("Nothing needs attention: every party's consent is in force.",
                                 id="all-clear")
                else:
                    yield Static("Needs attention", classes="field-label")
                    for item in self.briefing.attention:
                        yield Static(literal("• " + item, limit=1000), classes="attention")
                if self.briefing.coming_up:
                    yield Static("Coming up", classes="field-label")
                    for item in self.briefing.coming_up:
                        yield Static(literal("• " + item, limit=1000), classes="coming-up")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Begin session", id="begin", variant="primary")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "begin")
