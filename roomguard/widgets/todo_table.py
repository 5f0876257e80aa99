"""An agreement's open to-dos: what the coach still owes, oldest first, with its age."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from roomguard.core.models import Todo
from roomguard.widgets.keyed_table import KeyedTable
from roomguard.widgets.literal import literal


class TodoTable(KeyedTable):
    """One row per open to-do, keyed by to-do id."""

    COLUMNS = (
        ("Since", "since"),
        ("To-do", "text"),
    )

    def show(self, todos: Sequence[Todo]) -> None:
        self.refill(
            (
                todo.id,
                [
                    Text(f"{todo.created_at:%Y-%m-%d}", style="yellow"),
                    literal(todo.text, limit=300),
                ],
            )
            for todo in todos
        )
