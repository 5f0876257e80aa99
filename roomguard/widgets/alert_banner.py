"""The alert banner: every alert nobody has acknowledged yet, oldest first, until it is handled.

The screen hands over :class:`AlertView` rows with two wordings, the full one and the one for
discreet mode (no topic name, no phrase, no reasons), and the banner picks one. It is hidden
while there is nothing to show. A click posts :class:`AlertBanner.AcknowledgeRequested` for the
oldest alert, the one the coach handles first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from roomguard.widgets.literal import literal

SHOWN = 4  # alerts listed in full; the rest are counted


@dataclass(frozen=True, slots=True)
class AlertView:
    alert_id: str
    at: datetime
    text: str  # full wording: topic, phrase, who is not cleared and why
    masked: str  # discreet wording: no topic name, phrase or reason


class AlertBanner(Widget):
    DEFAULT_CSS = """
    AlertBanner {
        height: auto;
        display: none;
        background: $error 25%;
        border-left: thick $error;
        padding: 0 1;
    }
    AlertBanner.-active {
        display: block;
    }
    """

    alerts: reactive[tuple[AlertView, ...]] = reactive((), always_update=True)
    discreet: reactive[bool] = reactive(False)

    class AcknowledgeRequested(Message):
        def __init__(self, alert_id: str) -> None:
            super().__init__()
            self.alert_id = alert_id

    def show(self, alerts: Sequence[AlertView], discreet: bool) -> None:
        self.set_reactive(AlertBanner.discreet, discreet)
        self.alerts = tuple(alerts)

    def watch_alerts(self, alerts: tuple[AlertView, ...]) -> None:
        self.set_class(bool(alerts), "-active")

    def watch_discreet(self) -> None:
        self.refresh(layout=True)

    def _lines(self) -> list[Text]:
        count = len(self.alerts)
        head = Text(end="")
        head.append(
            f"⚠ {count} unacknowledged alert{'s' if count != 1 else ''}", style="bold"
        )
        head.append("  — press a to acknowledge the oldest", style="")
        lines = [head]
        for alert in self.alerts[:SHOWN]:
            line = Text(end="")
            line.append(f"{alert.at:%H:%M:%S}  ", style="bold")
            line.append_text(literal(alert.masked if self.discreet else alert.text, limit=600))
            lines.append(line)
        if count > SHOWN:
            lines.append(Text(f"… and {count - SHOWN} more", style="italic", end=""))
        return lines

    def render(self) -> Text:
        if not self.alerts:
            return Text("", end="")
        return Text("\n", end="").join(self._lines())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self.alerts:
            return
        # Alerts are handled oldest first, as with "a": a click anywhere asks for that one.
        self.post_message(self.AcknowledgeRequested(self.alerts[0].alert_id))
