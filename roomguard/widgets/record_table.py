"""A keyed, read-only table of fixed-height rows (one line by default), drawn with the Line API.

Why not ``DataTable``: the home screen is the first thing Roomguard paints, and its two lists
were most of the gap between Roomguard's start-up and a bare Textual app's. ``DataTable``
renders every visible cell through a Rich console (padding, wrapping, per-cell caches) and
brings a 2,800-line module with it. Home needs far less: fixed columns, one line per row, a row
cursor, Enter or a click to open the row. So each row here is laid out once as a single
:class:`~rich.text.Text`, turned into segments when it first scrolls into view, and every
frame after that only applies the row's style (stripe, cursor) and crops to the window — the
same approach as Toolong's log view.

The method names (``add_column``, ``add_row``, ``update_cell``, ``clear``, ``rows``,
``row_count``, ``cursor_row``, ``move_cursor``, ``get_row``) follow ``DataTable``'s so the two
read alike; the messages carry the row's key as a plain string. The check-ins, backups and
history lists use it too: every list of one-line rows in the app is a ``RecordTable``.

A table made with ``row_height=N`` draws each row over N lines: every cell's text is split on
``"\n"`` into at most N lines (shorter cells are padded with blank lines), and the cursor, the
stripes, clicks, paging and scrolling all treat the N lines as one row. The agreements screen's
tables (its parties' rows are two lines) are record tables too, through ``KeyedTable``. With the
default height of 1 nothing is split and no line costs more to draw.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from roomguard.core.text import has_control, printable

CELL_PADDING = 1  # blank cells either side of every column


@dataclass
class _Column:
    key: str
    label: Text
    width: int


@dataclass(frozen=True, slots=True)
class _Frame:
    """The styles and scroll position every line of one frame is drawn with."""

    width: int
    scroll_x: int
    scroll_y: int
    base: Style
    header: Style
    even: Style
    cursor: Style


def _cell(value: str | Text) -> Text:
    """A cell as shown: strings literally, and no control character from either kind reaches
    the terminal (a ``Text`` holding one is redrawn from its plain text, losing its spans)."""
    if isinstance(value, str):
        return Text(printable(value, None), end="")
    if has_control(value.plain):
        return Text(printable(value.plain, None), style=value.style, justify=value.justify,
                    end="")
    return value


def _tall_cell(value: str | Text, height: int) -> Text:
    """A cell of a table whose rows are *height* lines: its first *height* lines, each shown as
    :func:`_cell` shows a one-line cell, joined by the only control character kept, ``"\n"``."""
    if isinstance(value, str):  # split before Rich sees it: ``Text`` drops some controls
        if "\n" not in value:
            return _cell(value)
        return Text("\n", end="").join(_cell(line) for line in value.split("\n")[:height])
    if "\n" not in value.plain:
        return _cell(value)
    lines = [_cell(line) for line in value.split("\n", allow_blank=True)[:height]]
    return Text("\n", end="", justify=value.justify).join(lines)


def _row(cells: Sequence[str | Text], width: int, height: int = 1) -> list[Text]:
    if height == 1:
        row = [_cell(cell) for cell in cells]
    else:
        row = [_tall_cell(cell, height) for cell in cells]
    return row + [Text() for _ in range(width - len(row))]


def _lines(cell: Text, height: int) -> list[Text]:
    """The *height* lines of a cell of a table whose rows are *height* lines high."""
    lines = list(cell.split("\n", allow_blank=True)) if "\n" in cell.plain else [cell]
    return lines + [Text() for _ in range(height - len(lines))]


def _width(cell: Text, height: int) -> int:
    """Columns *cell* needs: its widest line."""
    if height == 1 or "\n" not in cell.plain:
        return cell.cell_len
    return max(line.cell_len for line in _lines(cell, height))


class _RowIndex(Mapping[str, int]):
    """The table's ``rows``: key -> position, read-only."""

    def __init__(self, positions: dict[str, int]) -> None:
        self._positions = positions

    def __getitem__(self, key: str) -> int:
        return self._positions[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class _RowMessage(Message):
    """A message about one row of a :class:`RecordTable`."""

    def __init__(self, table: RecordTable, key: str, index: int) -> None:
        super().__init__()
        self.table, self.key, self.index = table, key, index

    @property
    def control(self) -> RecordTable:
        return self.table


class RecordTable(ScrollView, can_focus=True):
    """Rows of cells keyed by record id, a fixed header line, and a row cursor.

    Every row is *row_height* lines high (the header is always one line)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
        Binding("ctrl+home", "first_row", "First row", show=False),  # DataTable's keys for these
        Binding("ctrl+end", "last_row", "Last row", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--cursor",
        "record-table--even-row",
    }

    DEFAULT_CSS = """
    RecordTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .record-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:dark > .record-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .record-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .record-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .record-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .record-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowHighlighted(_RowMessage):
        """The cursor moved to the row *key* (at *index*)."""

    class RowSelected(_RowMessage):
        """Enter was pressed on, or a click landed on, the row *key* (at *index*)."""

    # repaint=False: a cursor move repaints only the two rows it changes (watch_cursor_row).
    cursor_row: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)

    def __init__(self, *, zebra_stripes: bool = True, row_height: int = 1, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        if row_height < 1:
            raise ValueError(f"row_height must be at least 1, not {row_height}")
        self.zebra_stripes = zebra_stripes
        self._row_height = row_height
        self._columns: list[_Column] = []
        self._keys: list[str] = []
        self._cells: list[list[Text]] = []
        self._positions: dict[str, int] = {}
        # body line (row index * row_height + line of the row) -> laid-out segments, unstyled
        self._strips: dict[int, list[Segment]] = {}
        self._header: list[Segment] | None = None
        self._frame: _Frame | None = None

    # ----------------------------------------------------------------- contents
    @property
    def rows(self) -> Mapping[str, int]:
        """Key -> row position; ``key in table.rows`` asks whether a row is shown."""
        return _RowIndex(self._positions)

    @property
    def row_height(self) -> int:
        """Lines per row, fixed when the table is made."""
        return self._row_height

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def column_keys(self) -> list[str]:
        return [column.key for column in self._columns]

    def add_column(self, label: str | Text, *, key: str) -> None:
        """A column titled *label* (shown literally, never as markup)."""
        text = _cell(label)
        self._columns.append(_Column(key, text, text.cell_len))
        for cells in self._cells:
            cells.append(Text())
        self._relayout()

    def add_row(self, *cells: str | Text, key: str) -> None:
        """Append a row of *cells* (one per column; strings are literal) under *key*."""
        self.add_rows([(key, cells)])

    def add_rows(self, rows: Iterable[tuple[str, Sequence[str | Text]]]) -> None:
        """Append ``(key, cells)`` rows; the table is resized and repainted once.

        All or nothing: a key already in the table (or twice in *rows*) raises ``ValueError``
        and leaves the table as it was."""
        was_empty = not self._keys
        self._append(rows)
        if was_empty and self._keys:
            self._post_highlighted()

    def _prepare(self, rows: Iterable[tuple[str, Sequence[str | Text]]],
                 taken: Iterable[str]) -> list[tuple[str, list[Text]]]:
        """*rows* as they will be stored; ``ValueError`` (and nothing changed) if a key is in
        *taken* or twice in *rows*."""
        height = self._row_height
        new = [(key, _row(cells, len(self._columns), height)) for key, cells in rows]
        seen = set(taken)
        for key, _cells in new:
            if key in seen:
                raise ValueError(f"duplicate row key {key!r}")
            seen.add(key)
        return new

    def _append(self, rows: Iterable[tuple[str, Sequence[str | Text]]]) -> None:
        self._insert(self._prepare(rows, self._positions))

    def _insert(self, new: list[tuple[str, list[Text]]]) -> None:
        height = self._row_height
        for key, row in new:
            self._positions[key] = len(self._keys)
            self._keys.append(key)
            self._cells.append(row)
            for column, cell in zip(self._columns, row, strict=False):
                column.width = max(column.width, _width(cell, height))
        self._relayout()

    def update_cell(self, key: str, column_key: str, value: str | Text, *,
                    update_width: bool = True) -> None:
        """Replace one cell; with *update_width* its column widens to fit."""
        index = self._positions[key]
        column_index = self.column_keys.index(column_key)
        height = self._row_height
        cell = _cell(value) if height == 1 else _tall_cell(value, height)
        self._cells[index][column_index] = cell
        column = self._columns[column_index]
        width = _width(cell, height)
        if update_width and width > column.width:
            column.width = width
            self._relayout()
            return
        for line in range(index * height, (index + 1) * height):
            self._strips.pop(line, None)
        self._refresh_row(index)

    def get_row(self, key: str) -> list[Text]:
        return list(self._cells[self._positions[key]])

    def get_row_at(self, index: int) -> list[Text]:
        return list(self._cells[index])

    def get_row_index(self, key: str) -> int:
        return self._positions[key]

    def clear(self) -> None:
        """Remove every row (the columns stay; their widths shrink back to the titles)."""
        self._empty()
        self.set_reactive(RecordTable.cursor_row, 0)
        self.scroll_to(y=0, animate=False, immediate=True)

    def _empty(self) -> None:
        self._keys.clear()
        self._cells.clear()
        self._positions.clear()
        for column in self._columns:
            column.width = column.label.cell_len
        self._relayout()

    def refill(self, rows: Iterable[tuple[str, Sequence[str | Text]]]) -> None:
        """Replace every row. The cursor stays on the same key if that row is kept (else on the
        same line), the view does not move unless the cursor would leave it, and
        ``RowHighlighted`` is posted only if the highlighted key or its line changed."""
        keep, line, top = self.highlighted_key(), self.cursor_row, int(self.scroll_y)
        before = (keep, line)
        new = self._prepare(rows, taken=())  # raises before anything changes
        self._empty()
        self._insert(new)
        if keep is not None and keep in self._positions:
            line = self._positions[keep]
        self.set_reactive(RecordTable.cursor_row, self.validate_cursor_row(line))
        self.scroll_to(y=top, animate=False, immediate=True)
        self._scroll_cursor_into_view()
        if (self.highlighted_key(), self.cursor_row) != before:
            self._post_highlighted()

    def highlighted_key(self) -> str | None:
        """Key of the row under the cursor, or None when the table is empty."""
        if not self._keys:
            return None
        return self._keys[min(self.cursor_row, len(self._keys) - 1)]

    # ----------------------------------------------------------------- cursor
    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._keys) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        if old != new:
            self._refresh_row(old)
            self._refresh_row(new)
            self._post_highlighted()

    def move_cursor(self, *, row: int, animate: bool = False) -> None:  # noqa: ARG002 - as DataTable
        self.cursor_row = row

    def _post_highlighted(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.post_message(self.RowHighlighted(self, key, self.cursor_row))

    def _scroll_cursor_into_view(self) -> None:
        """Scroll so the cursor row is in view: now, and again after the next layout (rows
        just added may not be scrollable to until the layout has caught up with them)."""
        self._scroll_to_cursor()
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        # Row i is drawn on content lines i * h + 1 .. i * h + h (line 0 is the header; h is
        # the row height), so scroll_y = s shows body lines s .. s + height - 2. A row taller
        # than the view is shown from its first line.
        visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        first = self.cursor_row * self._row_height
        last = first + self._row_height - 1
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + visible:
            self.scroll_to(y=min(first, last - visible + 1), animate=False, immediate=True)

    def _page(self) -> int:
        """Rows a page up or down moves: as many whole rows as the view shows, at least one."""
        return max(1, (self.scrollable_content_region.height - 1) // self._row_height)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page()

    def action_page_down(self) -> None:
        self.cursor_row += self._page()

    def action_first_row(self) -> None:
        self.cursor_row = 0

    def action_last_row(self) -> None:
        self.cursor_row = len(self._keys) - 1

    def action_select_cursor(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.post_message(self.RowSelected(self, key, self.cursor_row))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return  # the header, or the scrollbar
        row = (int(self.scroll_y) + offset.y - 1) // self._row_height
        if 0 <= row < len(self._keys):
            self.cursor_row = row
            self.action_select_cursor()

    # ----------------------------------------------------------------- drawing
    def _relayout(self) -> None:
        self._strips.clear()
        self._header = None
        self._resize()
        self.refresh()

    def _resize(self) -> None:
        width = sum(column.width + 2 * CELL_PADDING for column in self._columns)
        self.virtual_size = Size(width, len(self._keys) * self._row_height + 1)

    def _lay_out(self, cells: Sequence[Text]) -> list[Segment]:
        """One line of *cells*, each cut or padded to its column's width."""
        console = self.app.console
        pad = Segment(" " * CELL_PADDING)
        segments: list[Segment] = []
        for column, cell in zip(self._columns, cells, strict=False):
            segments.append(pad)
            length = cell.cell_len
            if length > column.width:
                cell = cell.copy()
                cell.truncate(column.width, overflow="ellipsis")
                length = cell.cell_len
            gap = column.width - length
            if gap and cell.justify in ("right", "center"):  # as DataTable: the cell's own justify
                before = gap if cell.justify == "right" else gap // 2
                segments.append(Segment(" " * before))
                gap -= before
            if cell.spans:
                segments.extend(cell.render(console, end=""))
            elif cell.plain:  # most cells: one style, no spans; skip Rich's span machinery
                style = console.get_style(cell.style) if isinstance(cell.style, str) else cell.style
                segments.append(Segment(cell.plain, style or None))
            if gap:
                segments.append(Segment(" " * gap))
            segments.append(pad)
        return segments

    def _row_segments(self, line: int) -> list[Segment]:
        """Body line *line*, laid out: the row itself when rows are one line high."""
        segments = self._strips.get(line)
        if segments is None:
            height = self._row_height
            if height == 1:
                segments = self._strips[line] = self._lay_out(self._cells[line])
            else:  # lay out every line of the row at once: each cell is split only once
                index = line // height
                cells = [_lines(cell, height) for cell in self._cells[index]]
                for sub in range(height):
                    self._strips[index * height + sub] = self._lay_out([c[sub] for c in cells])
                segments = self._strips[line]
        return segments

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of this frame shares, looked up once: ``rich_style`` walks the
        # ancestors on each access, which cost more than laying out the row itself.
        self._frame = self._make_frame()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _make_frame(self) -> _Frame:
        return _Frame(
            width=self.scrollable_content_region.width,
            scroll_x=self.scroll_offset.x,
            scroll_y=self.scroll_offset.y,
            base=self.rich_style,
            header=self.get_component_rich_style("record-table--header"),
            even=self.get_component_rich_style("record-table--even-row"),
            cursor=self.get_component_rich_style("record-table--cursor"),
        )

    def render_line(self, y: int) -> Strip:
        frame = self._frame or self._make_frame()
        if y == 0:
            if self._header is None:
                self._header = self._lay_out([column.label for column in self._columns])
            segments, style = self._header, frame.header
        else:
            line = frame.scroll_y + y - 1
            index = line // self._row_height
            if index >= len(self._keys):
                return Strip.blank(frame.width, frame.base)
            segments, style = self._row_segments(line), frame.base
            if self.zebra_stripes and index % 2:
                style += frame.even
            if index == self.cursor_row:
                style += frame.cursor
        strip = Strip(Segment.apply_style(segments, style))
        return strip.crop_extend(frame.scroll_x, frame.scroll_x + frame.width, style)

    def refresh_line(self, y: int) -> None:
        """Repaint content line *y* (0 is the header) if it is in view."""
        visible_y = y - int(self.scroll_y) if y else 0
        if 0 <= visible_y < self.scrollable_content_region.height:
            self.refresh(Region(0, visible_y, self.scrollable_content_region.width, 1))

    def _refresh_row(self, index: int) -> None:
        """Repaint every line of row *index* that is in view."""
        height = self._row_height
        for line in range(index * height + 1, (index + 1) * height + 1):
            self.refresh_line(line)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()
