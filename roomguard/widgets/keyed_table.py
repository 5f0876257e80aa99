"""A DataTable whose rows are keyed by record id, refilled without losing the cursor."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable


class KeyedTable(DataTable[Text]):
    """Rows keyed by id. :meth:`refill` replaces every row and keeps the highlighted one."""

    COLUMNS: Sequence[tuple[str, str]] = ()  # (label, key)
    ROW_HEIGHT: int | None = 1  # None: as tall as the tallest cell

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for label, key in self.COLUMNS:
            self.add_column(label, key=key)

    def highlighted_key(self) -> str | None:
        """Id of the highlighted row, or None when the table is empty."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def refill(self, rows: Iterable[tuple[str, Sequence[Text]]]) -> None:
        """Replace the rows with ``(key, cells)``; the cursor stays on the same key if it is kept."""
        keep = self.highlighted_key()
        row = self.cursor_row
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key, height=self.ROW_HEIGHT)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False)
        elif self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), animate=False)

    def select_key(self, key: str) -> None:
        """Highlight the row of *key*, if present."""
        if key in self.rows:
            self.move_cursor(row=self.get_row_index(key), animate=False)
