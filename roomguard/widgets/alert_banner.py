"""The alert banner: every alert nobody has acknowledged yet, oldest first, until it is handled.

The screen hands over :class:`AlertView` rows with two wordings, the full one and the one for
discreet mode (no topic name, no phrase, no reasons), and the banner picks one. It keeps a
fixed height of four lines (one per alert, oldest first) so a new alert never re-lays out the
screen; it turns red while anything is waiting. A click posts :class:`AlertBanner.AcknowledgeRequested` for the
oldest alert, the one the coach handles first.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from roomguard.live.view import AlertView
from roomguard.widgets.literal import literal

SHOWN = 3  # alerts listed, one line each; the rest are counted


class AlertBanner(Widget):
    DEFAULT_CSS = """
    AlertBanner {
        height: 4;
        padding: 0 1;
        color: $text-muted;
        border-left: thick $surface;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    AlertBanner.-active {
        color: $text;
        background: $error 25%;
        border-left: thick $error;
    }
    AlertBanner.-possible {
        color: $text;
        background: $warning 10%;
        border-left: thick $warning;
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
        # A fixed height and no display change: a new alert repaints four lines, never the
        # whole screen's layout (that keeps line-to-alert time low).
        exact = any(not a.possible for a in alerts)
        if self.has_class("-active") != exact:
            self.set_class(exact, "-active")
        # Only possible topics (the semantic layer) waiting: the calmer style.
        calm = bool(alerts) and not exact
        if self.has_class("-possible") != calm:
            self.set_class(calm, "-possible")

    def _lines(self) -> list[Text]:
        count = len(self.alerts)
        head = Text(end="")
        head.append(
            f"⚠ {count} unacknowledged alert{'s' if count != 1 else ''}", style="bold"
        )
        if count > SHOWN:
            head.append(f" (oldest {SHOWN} shown)")
        head.append(" — press a to acknowledge the oldest")
        lines = [head]
        for alert in self.alerts[:SHOWN]:
            line = Text(end="")
            line.append(f"{alert.at:%H:%M:%S}  ", style="bold")
            if alert.possible:
                line.append("? ", style="bold italic")
            if alert.mentions > 1 and alert.latest is not None:
                line.append(f"[{alert.mentions} mentions, latest {alert.latest:%H:%M:%S}] ",
                            style="bold")
            line.append_text(literal(alert.masked if self.discreet else alert.text, limit=600))
            lines.append(line)
        return lines

    def render(self) -> Text:
        if not self.alerts:
            return Text("No unacknowledged alerts.", end="")
        return Text("\n", end="").join(self._lines())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self.alerts:
            return
        # Alerts are handled oldest first, as with "a": a click anywhere asks for that one.
        self.post_message(self.AcknowledgeRequested(self.alerts[0].alert_id))
