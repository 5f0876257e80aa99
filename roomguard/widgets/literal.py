"""``literal()``: the one way user text becomes something a widget shows.

Returns a Rich ``Text`` (never parsed as markup) of :func:`roomguard.core.text.printable`
(no control sequences), so ``[bold]`` shows as typed and escape codes cannot reach the terminal.
"""

from __future__ import annotations

from rich.text import Text

from roomguard.core.text import printable


def literal(text: str, style: str = "", limit: int | None = 500) -> Text:
    return Text(printable(text, limit), style=style, no_wrap=False, end="")
