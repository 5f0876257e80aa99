"""The presence roster: who is on the agreement, who is in the room, and who may hear what.

Two lines per person, numbered (keys 1–9 toggle the first nine): who and whether they are
in the room, then what they may not hear, and a warning when their written consent is not
valid (missing, outdated, expired or revoked). The screen hands over
:class:`RosterEntry` rows already judged against the agreement; the roster only shows them and
posts :class:`Roster.Toggled` when a person is clicked. In discreet mode the screen may be shared:
the names of the topics someone is not cleared for are replaced by a count, and the name of a
person not cleared is hidden (their number and role stay, so the coach still knows who it is),
as the alert banner's discreet wording names no one either.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from roomguard.live.view import RosterEntry
from roomguard.widgets.literal import literal

NUMBERED = 9  # keys 1-9


class RosterRow(Static):
    """One person: number, in/out, name and role; below, what they may not hear (wrapped)."""

    DEFAULT_CSS = """
    RosterRow {
        height: auto;
    }
    """

    def __init__(self, number: int, entry: RosterEntry, discreet: bool) -> None:
        self.number = number
        self.entry = entry
        self.discreet = discreet
        super().__init__(self._content())

    def set(self, number: int, entry: RosterEntry, discreet: bool) -> None:
        if (number, entry, discreet) != (self.number, self.entry, self.discreet):
            self.number, self.entry, self.discreet = number, entry, discreet
            self.update(self._content())

    def _content(self) -> Text:
        entry = self.entry
        key = f"{self.number}" if self.number <= NUMBERED else " "
        line = Text(end="")
        line.append(f"{key:>2} ", style="bold")
        if entry.present:
            line.append("● in   ", style="bold")
        else:
            line.append("○ out  ", style="dim")
        if self.discreet and not entry.cleared:
            line.append("(name hidden)", style="italic" if entry.present else "dim italic")
        else:
            line.append_text(literal(entry.name, style="bold" if entry.present else "dim",
                                     limit=60))
        line.append(f"  {entry.role}", style="dim")
        if entry.inferred and entry.present:
            line.append("  (heard speaking)", style="italic")
        line.append("\n       ")
        if entry.cleared:
            text = "cleared for every private topic"
            if entry.verbally_cleared:
                text += " (some by verbal consent today)"
            line.append(text, style="green" if entry.present else "dim green")
        else:
            if self.discreet:
                count = len(entry.uncleared_for)
                what = f"{count} private topic{'s' if count != 1 else ''}"
            else:
                what = ", ".join(entry.uncleared_for)
            style = "bold white on red" if entry.present else "red"
            line.append_text(literal(f"NOT cleared for {what}", style=style, limit=300))
        if entry.consent:  # e.g. "consent outdated": why, whatever the topic
            line.append("  ")
            line.append(f"⚠ {entry.consent}",
                        style="bold black on yellow" if entry.present else "yellow")
        return line

    def on_click(self) -> None:
        self.post_message(Roster.Toggled(self.entry.participant_id))


class Roster(Vertical, can_focus=True):
    """Numbered presence list. Clicking a person asks the screen to toggle them."""

    DEFAULT_CSS = """
    Roster {
        height: auto;
        padding: 0 1;
    }
    Roster > .empty {
        color: $text-muted;
    }
    """

    class Toggled(Message):
        """The coach clicked a person: toggle their presence."""

        def __init__(self, participant_id: str) -> None:
            super().__init__()
            self.participant_id = participant_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: tuple[RosterEntry, ...] = ()
        self.discreet = False

    def compose(self) -> ComposeResult:
        yield Static("Nobody on the agreement yet.", classes="empty")

    def show(self, entries: Sequence[RosterEntry], discreet: bool) -> None:
        """Show *entries*, reusing the rows already there (people are only ever added)."""
        self.entries, self.discreet = tuple(entries), discreet
        rows = list(self.query(RosterRow))
        for number, (row, entry) in enumerate(zip(rows, self.entries, strict=False), start=1):
            row.set(number, entry, discreet)
        for row in rows[len(self.entries):]:
            row.remove()
        new = [
            RosterRow(number, entry, discreet)
            for number, entry in enumerate(self.entries, start=1)
            if number > len(rows)
        ]
        if new:
            self.mount_all(new)
        self.query(".empty").set(display=not self.entries)

    def entry(self, number: int) -> RosterEntry | None:
        """The person shown as *number* (1-based), if any."""
        if 1 <= number <= len(self.entries):
            return self.entries[number - 1]
        return None

    @property
    def present_count(self) -> int:
        return sum(1 for e in self.entries if e.present)

    def plain(self) -> str:
        """What the roster shows, as text (tests, copying)."""
        return "\n".join(row._content().plain for row in self.query(RosterRow))
