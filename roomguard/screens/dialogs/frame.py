"""The frame of every dialog: its content scrolls, its row of buttons stays in view.

A dialog is at most 90% of the screen (``modal.tcss``). At 80x24 many are taller than that, and
a plain container cut off what did not fit: the acknowledge dialog lost Record, Cancel and "Stop
flagging", the session summary its Close. :class:`DialogFrame` is used like the ``Vertical`` it
replaces (``with DialogFrame(classes="dialog"):``) but puts everything except the row of buttons
(``classes="buttons"``) into a scrolling body, and the buttons after it, docked at the bottom.

The body is a separate container rather than the frame scrolling itself: Textual orders Tab by
each container's children on screen, and a button row docked inside a scrolled container sorts
before the fields scrolled below it, so Tab went from the first field to Cancel. With the body
first and the buttons second, Tab follows the dialog from top to bottom.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical, VerticalScroll
from textual.geometry import Offset, Region
from textual.widget import Widget


class DialogBody(VerticalScroll):
    """The scrolling part of a dialog. It takes focus only when it scrolls and holds nothing
    else that can (a long text: the arrows then scroll it); otherwise Tab passes it by."""

    DEFAULT_CSS = """
    DialogBody {
        height: auto;
        max-height: 100%;
    }
    """

    def scroll_to_region(self, region: Region, **kwargs: Any) -> Offset:
        """Scroll only as far as needed, never to centre: Textual centres a newly focused
        widget it cannot show whole, which at 80x24 scrolled the acknowledge dialog's title and
        alert out of sight before the coach had read them."""
        kwargs["center"] = False
        return super().scroll_to_region(region, **kwargs)

    def allow_focus(self) -> bool:
        if self.max_scroll_y <= 0:
            return False
        return not any(widget.can_focus for widget in self.query("*"))


class DialogFrame(Vertical):
    """A dialog: a scrolling :class:`DialogBody`, then the row of buttons."""

    def __init__(self, *children: Widget, id: str | None = None, classes: str | None = None,
                 name: str | None = None) -> None:
        super().__init__(id=id, classes=classes, name=name)
        self.body = DialogBody(classes="dialog-body")
        super().compose_add_child(self.body)
        for child in children:
            self.compose_add_child(child)

    def compose_add_child(self, widget: Widget) -> None:
        if widget.has_class("buttons"):
            super().compose_add_child(widget)
        else:
            self.body.compose_add_child(widget)
