"""Make user text safe to show: no control sequences reach the terminal, nothing is markup.

Names, phrases and transcript lines come from people and files we do not control. A name like
``[bold]Dana[/]`` must show those brackets; ``\\x1b]52;c;...`` (an OSC 52 clipboard write) must
show as harmless symbols, never reach the terminal. Widgets wrap the result in a Rich ``Text``
(never markup); this module only decides which characters are shown and how.
"""

from __future__ import annotations

import re

# C0 controls (except none: even tab/newline are shown as symbols inside a one-line cell),
# DEL, C1 controls, and bidi overrides/isolates that can reorder what the coach reads.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PICTURE = {i: chr(0x2400 + i) for i in range(0x20)}
_PICTURE[0x7F] = "\u2421"


def _replace(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code in _PICTURE:
        return _PICTURE[code]
    return f"<U+{code:04X}>"


def has_control(text: str) -> bool:
    """Whether *text* holds a character :func:`printable` would replace."""
    return _CONTROL.search(text) is not None


def printable(text: str, limit: int | None = 500) -> str:
    """*text* with control characters made visible and, past *limit* chars, shortened."""
    if limit is not None and len(text) > limit:
        extra = len(text) - limit
        text = f"{text[:limit]}… (+{extra:,} chars)"
    return _CONTROL.sub(_replace, text)


def printable_block(text: str, limit: int | None = 5000) -> str:
    """Like :func:`printable` but keeps newlines, for multi-line notes and documents."""
    return "\n".join(printable(line, None) for line in text.split("\n"))[: limit or None]


_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """How names, aliases and phrases compare: trimmed, casefolded, inner whitespace collapsed.

    One definition for the store's name lookup, validation and speaker matching, so a name that
    validation calls a duplicate is the name a lookup or a transcript label finds.
    """
    return _SPACE.sub(" ", text.strip()).casefold()


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """*text* with every lone surrogate replaced by U+FFFD, so it can be written as UTF-8.

    A terminal with a broken encoding, or a paste of mangled text, can hand Python a lone
    surrogate; the journal cannot encode it and would refuse the event again on every retry,
    holding back everything after it. Replacing it where text comes in keeps every other
    character the coach typed, and the replacement character shows where something was lost.
    """
    if text.isascii():  # the usual case, and no surrogate is ASCII
        return text
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
