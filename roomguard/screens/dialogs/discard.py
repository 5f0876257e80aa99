"""Cancelling a form: at once when nothing was typed, after asking when something would be lost.

Every form that can hold typed edits cancels the same way (escape, or its Cancel button): an
untouched form closes on the first press, so getting out is never a chore; a form with edits asks
first (:class:`~roomguard.screens.dialogs.confirm.Confirm`), so a stray escape never throws typing away.
That rule lived in five copies of ``action_cancel``; :class:`DiscardGuard` is the one place now.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button

from roomguard.screens.dialogs.confirm import Confirm

ResultT = TypeVar("ResultT")


class DiscardGuard(ModalScreen[ResultT | None], Generic[ResultT]):
    """A modal form that dismisses with None when cancelled.

    Subclasses implement :meth:`is_dirty`, and word the question with ``DISCARD_QUESTION`` (or
    :meth:`discard_question` when it depends on the form), ``DISCARD_YES`` and ``DISCARD_NO``.
    A button with id ``cancel`` cancels like escape. :meth:`can_cancel` may refuse outright,
    e.g. while the form's own work is still running.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DISCARD_QUESTION: ClassVar[str] = "Discard your changes?"
    DISCARD_YES: ClassVar[str] = "Discard"
    DISCARD_NO: ClassVar[str] = "Keep editing"

    def is_dirty(self) -> bool:
        """Would cancelling now lose something the coach typed?"""
        raise NotImplementedError

    def discard_question(self) -> str:
        return self.DISCARD_QUESTION

    def can_cancel(self) -> bool:
        """False keeps the form open whatever was typed (say why before answering False)."""
        return True

    # The handler calls the action rather than being it, so a subclass may override the action
    # (Textual dispatches @on handlers to the function that was decorated).
    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.can_cancel():
            return
        if not self.is_dirty():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            Confirm(self.discard_question(), yes=self.DISCARD_YES, no=self.DISCARD_NO), answer
        )
