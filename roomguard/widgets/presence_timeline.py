"""Who was in the room when: one bar per person over the length of the session.

The widget is given everything it shows (:meth:`PresenceTimeline.show`): rows of a name and
``(start, end)`` intervals, and the session's start and end. It never reads the store.

Robust to what a journal can hold: a session of zero length (every present row is a full bar),
an open session or interval (``end`` None: it runs to the session's end, or for an open session
to *now* or the last moment anything is known, whichever is later), intervals that run past either edge (clipped) or backwards (ignored).

Positions and lengths are real time (:mod:`roomguard.core.instants`): a session across a DST
change is drawn and totalled by the minutes that passed, not by its clock faces; the axis shows
the faces as recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from roomguard.core.instants import elapsed, ending, instant, moved_on
from roomguard.widgets.literal import literal

Interval = tuple[datetime, datetime | None]

NAME_WIDTH = 18
MIN_BAR_WIDTH = 10
PRESENT = "█"
ABSENT = "·"


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One person: *name* (user text, shown literally), when they were in, how to colour it."""

    name: str
    intervals: Sequence[Interval] = ()
    style: str = "green"
    note: str = ""  # short plain suffix, e.g. the role


def _minutes(length: timedelta) -> str:
    minutes = max(0, int(length.total_seconds() // 60))
    return f"{minutes}m" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}"


@dataclass(slots=True)
class TimelineChart:
    """The Rich renderable: draws to whatever width it is given."""

    rows: Sequence[TimelineRow]
    start: datetime
    end: datetime | None
    now: datetime | None = None  # an open session runs to here (if later than anything known)
    name_width: int = NAME_WIDTH
    _end: datetime = field(init=False)

    def __post_init__(self) -> None:
        known = [self.start] + ([self.now] if self.now is not None else [])
        for row in self.rows:
            for begin, finish in row.intervals:
                known.append(begin)
                if finish is not None:
                    known.append(finish)
        self._end = (ending(self.start, self.end) if self.end is not None
                     else max(known, key=instant))
        if instant(self._end) < instant(self.start):
            self._end = self.start

    @property
    def duration(self) -> timedelta:
        return elapsed(self.start, self._end)

    def _offset(self, at: datetime) -> float:
        """Seconds of real time from the start to *at*."""
        return (instant(at) - instant(self.start)).total_seconds()

    def _clipped(self, row: TimelineRow) -> list[tuple[datetime, datetime]]:
        out = []
        for begin, finish in row.intervals:
            finish = self._end if finish is None else ending(begin, finish)
            if instant(finish) < instant(begin):
                continue
            begin = max(begin, self.start, key=instant)
            finish = min(finish, self._end, key=instant)
            if instant(finish) < instant(begin):
                continue
            out.append((begin, finish))
        return out

    def bar(self, row: TimelineRow, width: int) -> str:
        """The row's cells: PRESENT where the person was in the room for any part of the cell."""
        spans = self._clipped(row)
        if width <= 0:
            return ""
        total = self.duration.total_seconds()
        if total <= 0:
            return (PRESENT if spans else ABSENT) * width
        cells = [False] * width
        for begin, finish in spans:
            first = int(self._offset(begin) / total * width)
            last = int(self._offset(finish) / total * width)
            # A cell holds [i, i+1) of the scale; an interval ending exactly on a cell's left
            # edge does not fill it, but every non-empty interval fills at least one cell.
            if last > first and self._offset(finish) / total * width == last:
                last -= 1
            first = min(max(0, first), width - 1)
            for i in range(first, min(width - 1, last) + 1):
                cells[i] = True
        return "".join(PRESENT if c else ABSENT for c in cells)

    def total(self, row: TimelineRow) -> timedelta:
        return sum((elapsed(begin, finish) for begin, finish in self._clipped(row)), timedelta())

    def lines(self, width: int) -> list[Text]:
        longest = max((literal(r.name, limit=200).cell_len for r in self.rows), default=4)
        label_width = min(self.name_width, longest)
        label_width = max(label_width, 4)
        suffix_width = 6
        if width < label_width + 1 + MIN_BAR_WIDTH + suffix_width:  # narrow: bars come first
            suffix_width = 0
            label_width = max(4, min(label_width, width - 1 - MIN_BAR_WIDTH))
        bar_width = max(1, width - label_width - 1 - suffix_width)
        out: list[Text] = []
        for row in self.rows:
            line = literal(row.name, limit=200)
            line.no_wrap = True
            line.truncate(label_width, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append(self.bar(row, bar_width), style=row.style)
            if suffix_width:
                line.append(f" {_minutes(self.total(row)):>5}", style="dim")
            out.append(line)
        out.append(self._axis(label_width, bar_width))
        return out

    def _axis(self, label_width: int, bar_width: int) -> Text:
        left = f"{self.start:%H:%M}"
        right = f"{self._end:%H:%M}" + ("" if self.end is not None else " (open)")
        cells = [" "] * bar_width
        for i, ch in enumerate(left[:bar_width]):
            cells[i] = ch
        middle = moved_on(self.start, self.duration / 2)
        mid = f"{middle:%H:%M}"
        centre = bar_width // 2 - len(mid) // 2
        if bar_width >= len(left) + len(mid) + len(right) + 4 and self.duration > timedelta(0):
            for i, ch in enumerate(mid):
                cells[centre + i] = ch
        if bar_width >= len(left) + len(right) + 1:
            for i, ch in enumerate(right):
                cells[bar_width - len(right) + i] = ch
        axis = Text(" " * (label_width + 1), no_wrap=True)
        axis.append("".join(cells), style="dim")
        return axis

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self.lines(options.max_width)
        for line in lines:
            line.truncate(options.max_width)
        yield Text("\n", no_wrap=True).join(lines)


class PresenceTimeline(Widget):
    """A presence timeline. Call :meth:`show` with the rows, or :meth:`clear`."""

    DEFAULT_CSS = """
    PresenceTimeline {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._chart: TimelineChart | None = None

    @property
    def chart(self) -> TimelineChart | None:
        return self._chart

    def show(
        self,
        rows: Sequence[TimelineRow],
        start: datetime,
        end: datetime | None,
        now: datetime | None = None,
    ) -> None:
        """Draw *rows* over *start*..*end*; an open session (*end* None) runs to *now*."""
        self._chart = TimelineChart(list(rows), start, end, now)
        self.refresh(layout=True)

    def clear(self) -> None:
        self._chart = None
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._chart is None:
            return 1
        return len(self._chart.rows) + 1

    def render(self) -> Text | TimelineChart:
        if self._chart is None:
            return Text("No presence recorded.", style="dim")
        if not self._chart.rows:
            return Text("Nobody was recorded as present.", style="dim")
        return self._chart
