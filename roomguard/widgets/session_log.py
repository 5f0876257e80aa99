"""The session log: recent notes, transcript lines and what happened, newest at the bottom.

Detected phrases are highlighted. Private lines (a note or transcript line that mentions a
private topic, or an alert naming one) are replaced by a placeholder in discreet mode; turning
discreet mode on or off redraws the whole log, so nothing private stays on a shared screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import RichLog

from roomguard.live.view import LogEntry, LogKind
from roomguard.widgets.literal import literal

KEEP = 500  # entries kept for redrawing
SHOWN_CHARS = 2000  # of one line's text; a longer line (a pasted megabyte) is cut short


_KIND_STYLE = {
    LogKind.NOTE: "bold",
    LogKind.TRANSCRIPT: "bold cyan",
    LogKind.EVENT: "dim",
    LogKind.ALERT: "bold red",
    LogKind.POSSIBLE: "italic yellow",  # the semantic layer's calmer level
    LogKind.ACK: "green",
}


def _highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> Text:
    """*text* as a literal, the detected spans shown reversed.

    Only the first SHOWN_CHARS characters are shown: wrapping a megabyte into the log would
    stall the app for seconds and push every other entry (and the line's own time and
    speaker) out of the log's rows.
    """
    shown = text[:SHOWN_CHARS]
    out = literal(shown, limit=None)
    if len(out.plain) == len(shown):  # printable() kept offsets (no control characters)
        for start, end in spans:
            if start < len(shown):
                out.stylize("bold reverse", start, min(end, len(shown)))
    if len(text) > len(shown):
        out.append(f"… (+{len(text) - len(shown):,} chars)", style="dim")
    return out


def render_entry(entry: LogEntry, discreet: bool) -> Text:
    line = Text(end="")
    line.append(f"{entry.at:%H:%M:%S} ", style="dim")
    line.append(f"{entry.kind.value:<5} ", style=_KIND_STYLE[entry.kind])
    if discreet and entry.private:
        line.append_text(
            literal(entry.masked or "(hidden in discreet mode — r shows one line)",
                    style="italic")
        )
        return line
    if entry.cue_time:
        line.append(f"[{entry.cue_time}] ", style="dim")
    if entry.speaker:
        line.append_text(literal(entry.speaker, style="bold", limit=60))
        line.append(": ")
    body = _highlighted(entry.text, entry.spans)
    if entry.kind is LogKind.EVENT:
        body.stylize("dim")
    line.append_text(body)
    return line


class SessionLog(RichLog):
    DEFAULT_CSS = """
    SessionLog {
        height: 1fr;
    }
    """

    discreet: reactive[bool] = reactive(False, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, wrap=True, markup=False, min_width=20, max_lines=KEEP)
        self.entries: list[LogEntry] = []  # the last KEEP entries
        self.added = 0  # entries ever added (counts on when the oldest are dropped)

    def add(self, entry: LogEntry) -> None:
        self.added += 1
        self.entries.append(entry)
        if len(self.entries) > KEEP:
            del self.entries[: len(self.entries) - KEEP]
        self.write(render_entry(entry, self.discreet))

    def watch_discreet(self) -> None:
        self.clear()
        for entry in self.entries:
            self.write(render_entry(entry, self.discreet))

    def hidden(self) -> list[LogEntry]:
        """The entries discreet mode hides now, oldest first (what "reveal" steps through)."""
        return [e for e in self.entries if e.private] if self.discreet else []

    def plain_lines(self) -> list[str]:
        """What the log shows now, one string per entry (for tests and copying)."""
        return [render_entry(e, self.discreet).plain for e in self.entries]
