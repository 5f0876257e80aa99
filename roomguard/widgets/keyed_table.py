"""A RecordTable whose columns and row height are declared on the class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from roomguard.widgets.record_table import RecordTable


class KeyedTable(RecordTable):
    """Rows keyed by id, columns from :attr:`COLUMNS`, every row :attr:`ROW_HEIGHT` lines high.

    :meth:`~RecordTable.refill` replaces every row and keeps the highlighted one.
    """

    COLUMNS: ClassVar[Sequence[tuple[str, str]]] = ()  # (label, key)
    ROW_HEIGHT: ClassVar[int] = 1

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(row_height=self.ROW_HEIGHT, id=id, classes=classes)
        for label, key in self.COLUMNS:
            self.add_column(label, key=key)

    def select_key(self, key: str) -> None:
        """Highlight the row of *key*, if present."""
        if key in self.rows:
            self.move_cursor(row=self.get_row_index(key))
