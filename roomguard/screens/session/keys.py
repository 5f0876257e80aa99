"""Esc then a digit, typed quickly, is "leave the notes input and toggle that person".

A terminal sends the Escape key as the single byte ESC, so Textual waits a moment (its escape
delay, 100 ms) to see whether more of a sequence follows. A digit typed within that moment
arrives as ``"\\x1b3"``, which is also how most terminals send alt+3. Textual's parser table
(``textual._ansi_sequences.ANSI_SEQUENCES_KEYS``) maps ``"\\x1b0"``..``"\\x1b9"`` to the
characters macOS WezTerm's Option+digit would type (``"\\x1b3"`` -> ``"£"``, ``"\\x1b1"`` ->
``"¡"``): in the session, Esc-then-3 typed "£" into the note instead of leaving the input and
toggling person 3 (issue 17, item 4).

:func:`read_esc_digit_as_alt` changes exactly those ten entries so the parser yields alt+0 ..
alt+9, at once and in order with the keys around them, as it reads ESC followed by a letter
as alt+letter. The session screen binds alt+1..alt+9 (priority bindings, hidden from the footer
and palette) to "leave the notes input and toggle person N". A "£" typed as a character (the
UTF-8 byte pair, no ESC) is untouched and still types "£" into a note; what is given up is
WezTerm-on-macOS's Option+digit characters, which now act as alt+digit like everywhere else.

The table is Textual's, shared by every parser in the process; the change is made once and
stays (Textual reads the table for each sequence, so it holds for a parser already running).
"""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from textual._ansi_sequences import ANSI_SEQUENCES_KEYS


class AltDigit(StrEnum):
    """alt+0 .. alt+9 as the parser's table names keys: a tuple of enum members whose
    ``.value`` is the key's name (the table's own entries use ``textual.keys.Keys``, which has
    no alt+digit)."""

    ALT_0 = "alt+0"
    ALT_1 = "alt+1"
    ALT_2 = "alt+2"
    ALT_3 = "alt+3"
    ALT_4 = "alt+4"
    ALT_5 = "alt+5"
    ALT_6 = "alt+6"
    ALT_7 = "alt+7"
    ALT_8 = "alt+8"
    ALT_9 = "alt+9"


ESC_DIGITS = {f"\x1b{n}": (AltDigit(f"alt+{n}"),) for n in range(10)}


def read_esc_digit_as_alt() -> None:
    """ESC followed by a digit is read as alt+digit from now on (see the module docstring)."""
    table = cast("dict[str, object]", ANSI_SEQUENCES_KEYS)
    table.update(ESC_DIGITS)
