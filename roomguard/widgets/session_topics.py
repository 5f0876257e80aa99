"""The private topics of a live session: which are marked active, which came up and when.

The screen hands over :class:`TopicEntry` rows; the list keeps its highlight across updates and
posts :class:`SessionTopics.MarkRequested` when the coach selects a topic (enter, or a click).
In discreet mode each topic shows as "Private topic N" instead of its name.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from roomguard.live.view import TopicEntry
from roomguard.widgets.literal import literal


class SessionTopics(OptionList):
    """One option per private topic, highlighted row kept across updates."""

    DEFAULT_CSS = """
    SessionTopics {
        height: auto;
        max-height: 12;
    }
    """

    class MarkRequested(Message):
        """The coach asked to mark (or unmark) this topic as under discussion."""

        def __init__(self, topic_id: str) -> None:
            super().__init__()
            self.topic_id = topic_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._entries: tuple[TopicEntry, ...] = ()
        self._discreet = False

    @staticmethod
    def _prompt(entry: TopicEntry, discreet: bool) -> Text:
        line = Text(end="")
        if entry.marked:
            line.append("● ", style="bold red")
        elif entry.recent:
            line.append("◐ ", style="yellow")
        else:
            line.append("  ")
        name = entry.masked_name if discreet else entry.name
        line.append_text(literal(name, style="bold" if entry.marked else "", limit=80))
        if entry.marked:
            line.append("  marked active", style="red")
        if entry.last_seen is not None:
            line.append(f"  came up {entry.last_seen:%H:%M}", style="yellow" if entry.recent else "dim")
        return line

    def show(self, entries: Sequence[TopicEntry], discreet: bool) -> None:
        entries = tuple(entries)
        if entries == self._entries and discreet == self._discreet:
            return
        same_topics = [e.topic_id for e in entries] == [e.topic_id for e in self._entries]
        self._entries, self._discreet = entries, discreet
        if same_topics:
            for entry in entries:
                self.replace_option_prompt(entry.topic_id, self._prompt(entry, discreet))
            return
        highlighted = self.highlighted_topic_id
        self.set_options(Option(self._prompt(e, discreet), id=e.topic_id) for e in entries)
        if highlighted is not None and any(e.topic_id == highlighted for e in entries):
            self.highlighted = self.get_option_index(highlighted)
        elif entries:
            self.highlighted = 0

    @property
    def highlighted_topic_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.post_message(self.MarkRequested(event.option_id))
