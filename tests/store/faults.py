"""Simulated disk faults for one store directory: everything else in the process is untouched."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

_real_write = os.write
_real_fsync = os.fsync
_real_replace = os.replace


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def enospc() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@contextmanager
def fault(
    root: Path,
    *,
    write: Callable[[int, Any], int] | None = None,
    fsync: bool = False,
    replace: bool = False,
    error: Callable[[], OSError] = enospc,
) -> Iterator[list[str]]:
    """While active, I/O on files under *root* fails; yields the paths that were failed.

    ``write`` replaces ``os.write`` for those files (see :func:`refuse`, :func:`half_then_refuse`);
    ``fsync``/``replace`` make those calls raise *error*.
    """
    inside = str(Path(root).resolve())
    failed: list[str] = []

    def ours(path: str) -> bool:
        return path == inside or path.startswith(inside + os.sep)

    def fake_write(fd: int, data: Any) -> int:
        path = _fd_path(fd)
        if write is not None and ours(path):
            failed.append(path)
            return write(fd, data)
        return _real_write(fd, data)

    def fake_fsync(fd: int) -> None:
        path = _fd_path(fd)
        if ours(path):
            failed.append(path)
            raise error()
        _real_fsync(fd)

    def fake_replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if ours(str(Path(dst).resolve())):
            failed.append(str(dst))
            raise error()
        _real_replace(src, dst, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        if write is not None:
            mp.setattr(os, "write", fake_write)
        if fsync:
            mp.setattr(os, "fsync", fake_fsync)
        if replace:
            mp.setattr(os, "replace", fake_replace)
        yield failed


def refuse(fd: int, data: Any) -> int:
    """Disk full before a single byte."""
    raise enospc()


def half_then_refuse() -> Callable[[int, Any], int]:
    """The first write lands half its bytes (a short write); every later one hits a full disk."""
    calls = {"n": 0}

    def write(fd: int, data: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            view = memoryview(data)
            return _real_write(fd, view[: max(1, len(view) // 2)])
        raise enospc()

    return write


def temp_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.name.endswith(".tmp")]
