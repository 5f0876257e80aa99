"""A footer that folds rather than cutting keys off.

At 80 columns home's footer lost "q Quit" and "? Help", and at 120 the agreement screen's lost
most of its keys. This footer is compact (less space around each key) and drops its own
"^p palette" hint when the screen is narrower than *palette_from* columns: the palette is still
on ctrl+p, and help (?) lists it with every key.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer


class FoldingFooter(Footer):
    def __init__(self, *, palette_from: int) -> None:
        super().__init__(compact=True)
        self.palette_from = palette_from

    def on_resize(self, event: events.Resize) -> None:
        self.show_command_palette = event.size.width >= self.palette_from
