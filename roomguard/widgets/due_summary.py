"""A one-line summary of agreement reviews that are overdue or due soon, and open to-dos."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


class DueSummary(Static):
    """Shows counts; the screen sets them once it has computed them (off the UI thread)."""

    overdue: reactive[int | None] = reactive(None)
    due_soon: reactive[int | None] = reactive(None)
    todos: reactive[int] = reactive(0)  # open to-dos on active clients' agreements

    def render(self) -> str:
        if self.overdue is None or self.due_soon is None:
            return "Check-ins: counting…"
        todos = ""
        if self.todos:
            todos = f" · {self.todos} open to-do{'s' if self.todos != 1 else ''}"
        if not self.overdue and not self.due_soon:
            return "Check-ins: nothing due in the next 14 days" + (
                f"{todos}  (press c)" if todos else "")
        parts = []
        if self.overdue:
            parts.append(f"{self.overdue} overdue")
        if self.due_soon:
            parts.append(f"{self.due_soon} due within 14 days")
        return "Check-ins: " + ", ".join(parts) + todos + "  (press c)"

    def watch_overdue(self, overdue: int | None) -> None:
        self.set_class(bool(overdue), "-overdue")
