"""The end-of-session summary: how long it lasted, who was in the room when, and every alert
with how it was handled (from :func:`roomguard.core.session.summarise`).

Alerts still unhandled can be acknowledged from here: the dialog returns ``"acknowledge"`` and
the session screen opens the acknowledgement form, then shows the summary again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Literal

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from roomguard.core.reports import describe_clock_change
from roomguard.core.session import PresenceInterval, SessionSummary
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.literal import literal

SummaryChoice = Literal["close", "acknowledge"]


def _length(delta: timedelta | None) -> str:
    if delta is None:
        return "still open"
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _interval(interval: PresenceInterval) -> str:
    end = f"{interval.end:%H:%M}" if interval.end is not None else "…"
    return f"{interval.start:%H:%M}–{end}"


def _when(at: datetime | None) -> str:
    return f"{at:%a %d %b %Y %H:%M}" if at is not None else "?"


def summary_text(
    summary: SessionSummary,
    client_name: str,
    masked_topics: Mapping[str, str] | None = None,
    masked_phrases: bool = False,
) -> list[Text | Table]:
    """The summary as renderables. *masked_topics* (discreet mode) maps topic id to the name
    shown instead; with it, phrases, notes and reasons that could reveal the topic are left out."""
    parts: list[Text | Table] = []
    head = Text("Session with ", style="bold", end="")
    head.append_text(literal(client_name, style="bold"))
    parts.append(head)
    ended = f"{summary.ended_at:%H:%M}" if summary.ended_at is not None else "not ended"
    parts.append(Text(f"{_when(summary.started_at)} – {ended} · {_length(summary.duration)} · "
                      f"{summary.notes} note{'s' if summary.notes != 1 else ''}"))
    for change in summary.clock_changes:  # why times differ from the wall clock
        parts.append(Text(f"Clock: {describe_clock_change(change)}.", style="yellow"))

    people = Table(title="Who was in the room", title_justify="left", box=None, expand=True,
                   show_header=True, header_style="bold")
    people.add_column("Person")
    people.add_column("Role", style="dim")
    people.add_column("In the room")
    people.add_column("Total", justify="right")
    for person in summary.presence:
        times = ", ".join(_interval(i) for i in person.intervals)
        people.add_row(literal(person.name, limit=60), person.role.label, times,
                       _length(person.total))
    if not summary.presence:
        people.add_row(Text("nobody was marked present", style="dim"), "", "", "")
    parts.append(people)

    count = len(summary.alerts)
    title = f"Alerts: {count}"
    if summary.unhandled:
        title += f", {summary.unhandled} not handled"
    alerts = Table(title=title, title_justify="left", box=None, expand=True,
                   show_header=bool(count), header_style="bold")
    alerts.add_column("When", no_wrap=True)
    alerts.add_column("Topic")
    alerts.add_column("Not cleared")
    alerts.add_column("Handled")
    names = {p.participant_id: p.name for p in summary.presence}
    for outcome in summary.alerts:
        alert = outcome.alert
        topic = alert.topic_name
        handled = outcome.handled
        if masked_topics is not None:
            topic = masked_topics.get(alert.topic_id, "private topic")
            ack = outcome.acknowledgement
            handled = ack.action.value if ack is not None else "unhandled"
        elif alert.phrase:
            topic += f' ("{alert.phrase}")'
        who = ", ".join(names.get(pid, pid) for pid in alert.uncleared)
        style = "" if outcome.is_handled else "bold red"
        alerts.add_row(f"{alert.at:%H:%M}", literal(topic, limit=120), literal(who, limit=200),
                       literal(handled, style=style, limit=300))
    parts.append(alerts)
    return parts


class SessionSummaryScreen(ModalScreen[SummaryChoice]):
    CSS_PATH = ["../modal.tcss", "session.tcss"]
    AUTO_FOCUS = "#close"  # not focus() in on_mount: a key typed ahead keeps its focus
    BINDINGS = [
        Binding("escape,enter,c", "close", "Close"),
        Binding("a", "acknowledge", "Acknowledge unhandled"),
    ]

    def __init__(self, summary: SessionSummary, client_name: str,
                 masked_topics: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.client_name = client_name
        self.masked_topics = masked_topics

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog", id="summary-dialog"):
            yield Static("Session summary", classes="title")
            with VerticalScroll(id="summary-body"):
                for part in summary_text(self.summary, self.client_name, self.masked_topics):
                    yield Static(part, classes="summary-part")
            with Horizontal(classes="buttons"):
                if self.summary.unhandled:
                    yield Button(f"Acknowledge unhandled ({self.summary.unhandled})",
                                 id="acknowledge", variant="warning")
                yield Button("Close", id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss("close")

    @on(Button.Pressed, "#acknowledge")
    def action_acknowledge(self) -> None:
        if self.summary.unhandled:
            self.dismiss("acknowledge")
