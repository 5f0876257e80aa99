"""The session's one-line status: who, since when, how many in the room, and what is unsaved.

Drawn from a :class:`~roomguard.live.view.StatusView`; redrawn only when the line changes, and
without a re-layout (it is always one line), because it is refreshed after every input.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from roomguard.live.view import StatusView
from roomguard.widgets.literal import literal


def status_line(status: StatusView) -> Text:
    line = Text(end="")
    line.append_text(literal(status.client_name, style="bold", limit=80))
    if status.started_at is not None:
        line.append(f"  · started {status.started_at:%H:%M}")
        line.append(f"  · {status.present} in the room")
        if status.ended_at is not None:
            line.append(f"  · ended {status.ended_at:%H:%M}", style="bold")
    else:
        line.append("  · not started", style="dim")
    if status.discreet:
        line.append("  · DISCREET MODE", style="bold reverse")
    if status.auto_discreet:
        line.append("  · auto-discreet", style="dim")
    if status.meaning:  # the semantic layer: on, loading, or off and why
        line.append(f"  · {status.meaning}",
                    style="dim" if status.meaning == "meaning: on" else "italic")
    if status.unsaved:
        plural = "s" if status.unsaved != 1 else ""
        line.append(f"  · ⚠ {status.unsaved} event{plural} not yet saved", style="bold red")
    elif status.agreement_unsaved:
        line.append("  · ⚠ agreement changes not yet saved", style="bold red")
    return line


class SessionStatus(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: Text | None = None

    def show(self, status: StatusView) -> None:
        line = status_line(status)
        if line != self._shown:
            self._shown = line
            self.update(line, layout=False)
