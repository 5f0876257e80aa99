"""Where a command's output goes, and JSON that is safe to print.

``-o`` / ``--output`` of every command goes through :func:`write_output`. Before it, each command
wrote with temp file + rename over whatever path it was given, so ``-o /dev/null`` (as root)
replaced the system's ``/dev/null`` with a regular file, and ``-o`` on a FIFO replaced the FIFO.
Now what the path *is* decides how it is written:

* ``-`` (or no ``-o``): standard output;
* a regular file, or a path that does not exist yet: atomically (temp file + fsync + rename), so
  a calendar or a script reading the file never sees half of it; a symlink is followed and the
  file it points to replaced, the link kept;
* a character device, a FIFO or a socket (``/dev/null``, ``/dev/stdout``, a named pipe): written
  through, in place; they are never replaced;
* a directory, a block device (a disk), a path whose folder does not exist: refused with a
  message (:class:`~roomguard.cli.common.CommandError`, exit status 2).

:func:`json_text` is ``json.dumps`` with the characters a terminal or a viewer would act on
escaped: C1 controls (U+0080-U+009F; ``json`` already escapes C0), DEL, and the bidirectional
marks, embeddings, overrides and isolates that can make a line read as something else.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

from roomguard.cli.common import CommandError

__all__ = ["json_text", "write_output"]

# Only ever inside JSON strings (JSON's own syntax is ASCII), so escaping them in the encoded
# text is the same as escaping them in each string.
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """*value* as JSON text (UTF-8 kept readable) with control and bidi characters escaped."""
    return _UNSAFE_IN_JSON.sub(_escape, json.dumps(value, ensure_ascii=False, indent=indent))


def _is_standard_output(target: str | os.PathLike[str] | None) -> bool:
    return target is None or str(target) == "-"


def write_output(target: str | os.PathLike[str] | None, data: bytes) -> str:
    """Write *data* where *target* says (see the module docstring); returns how to name it.

    Raises :class:`CommandError` for a target it will not or cannot write to.
    """
    if _is_standard_output(target):
        _write_stream(sys.stdout, data)
        return "standard output"
    assert target is not None
    path = Path(target).expanduser()
    try:
        own = _own_descriptor(path)
        if own is not None:  # /dev/stdout, /dev/fd/3: the descriptor as the shell set it up
            if own in (1, 2):
                _write_stream(sys.stdout if own == 1 else sys.stderr, data)
            else:
                _write_fd(own, data)
            return str(path)
        try:
            mode: int | None = path.stat().st_mode  # follows a symlink to what it names
        except FileNotFoundError:
            mode = None
        if mode is None:
            if path.is_symlink():
                raise CommandError(f"{path} is a symlink to a file that does not exist")
            if not path.parent.is_dir():
                raise CommandError(f"cannot write {path}: the folder {path.parent} does not exist")
            _replace(path, data)
        elif stat.S_ISREG(mode):
            if _is_system_path(path):
                _write_through(path, data)
            else:
                _replace(path.resolve(), data)  # a symlink stays; the file it names is replaced
        elif stat.S_ISDIR(mode):
            raise CommandError(f"{path} is a directory; give a file name")
        elif stat.S_ISBLK(mode):
            raise CommandError(f"{path} is a disk device; refusing to write to it")
        else:
            _write_through(path, data)  # character device, FIFO, socket: never replaced
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return str(path)


_STANDARD_STREAMS = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _own_descriptor(path: Path) -> int | None:
    """The descriptor of this process that *path* names (``/dev/stdout``, ``/dev/fd/N``,
    ``/proc/self/fd/N``), or None. Writing to it directly keeps how the shell opened it
    (``>>`` appends); opening the path again would start at the top of the file."""
    text = os.path.abspath(path)
    if text in _STANDARD_STREAMS:
        return _STANDARD_STREAMS[text]
    match = re.fullmatch(rf"/(?:dev/fd|proc/self/fd|proc/{os.getpid()}/fd)/([0-9]+)", text)
    return int(match.group(1)) if match else None


def _is_system_path(path: Path) -> bool:
    """``/dev`` and ``/proc`` hold the system's files: write into them, never rename over them."""
    return Path(os.path.abspath(path)).parts[1:2] in (("dev",), ("proc",))


def _replace(path: Path, data: bytes) -> None:
    from roomguard.store.atomic import atomic_write

    atomic_write(path, data)  # a reader (a calendar, a script) never sees half of it


def _write_stream(stream: Any, data: bytes) -> None:
    stream.flush()  # what the command printed to it before comes first
    stream.buffer.write(data)
    stream.buffer.flush()


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_through(path: Path, data: bytes) -> None:
    """Write into *path* as it is: no temp file, no rename, nothing created."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.ftruncate(fd, 0)
        _write_fd(fd, data)
    finally:
        os.close(fd)
