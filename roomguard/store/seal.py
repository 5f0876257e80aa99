"""One checksummed line: the format every store file is written in, so every file can be verified.

``<crc32 of body as 8 hex digits> <body>\\n`` is the journal's line format (see journal.py). A
TinyDB shard (practice, a client's agreement, a month's index) and ``meta.json`` are each *one*
such line holding their whole JSON document, so the same check covers every file: a flipped byte
(``salary`` becoming ``sal;ry``) no longer parses as a quietly different agreement, and a file cut
short has lost its final newline. A checksum per file, rather than a manifest beside the files,
keeps each atomic write self-contained: there is no second file that a crash could leave behind
or ahead of the first.

CRC-32 (as the journal and zip use) is for accidents (bad sectors, a truncating copy, a stray
editor), not for an adversary, who could recompute it.
"""

from __future__ import annotations

import zlib


class SealBroken(ValueError):
    """The bytes are not a whole sealed file; ``str(self)`` says what is wrong, in words."""


def seal(body: bytes) -> bytes:
    """*body* (one line of JSON, no newline inside) with its checksum in front and a newline after."""
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def is_sealed(raw: bytes) -> bool:
    """Whether *raw* starts like a sealed file (a checksum, then a space), whatever follows."""
    if len(raw) < 9 or raw[8:9] != b" ":
        return False
    try:
        int(raw[:8], 16)
    except ValueError:
        return False
    return True


def unseal(raw: bytes) -> bytes:
    """The body of a sealed file, or :class:`SealBroken` saying how it is damaged."""
    if not raw:
        raise SealBroken("the file is empty (zero length)")
    if not raw.strip():
        raise SealBroken("the file holds only blank space")
    if raw.lstrip()[:1] in (b"{", b"["):
        raise SealBroken("it has no checksum: it was not written by this version of Roomguard "
                         "(edited by hand, or put back from an older copy)")
    if not raw.endswith(b"\n"):
        raise SealBroken("it is cut short: its last line is incomplete")
    if not is_sealed(raw):
        raise SealBroken("its checksum is damaged")
    body = raw[9:-1]
    if b"\n" in body or int(raw[:8], 16) != zlib.crc32(body):
        raise SealBroken("its content does not match its checksum: it was changed or damaged "
                         "after Roomguard wrote it")
    return body
