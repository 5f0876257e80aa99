"""One writer per store: an advisory ``flock`` on ``roomguard.lock``.

The kernel releases a ``flock`` when its process dies, even by ``kill -9``, so a crashed
instance can never wedge the store. The file also records who holds it (pid, host, start time)
so a second instance can say who has the store, and a new holder can tell that the previous
one crashed (the file still names a process that no longer holds the lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from roomguard.store.atomic import FILE_MODE
from roomguard.store.errors import StoreLocked, StoreReadOnly


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.since}"


def _read_holder(fd: int) -> LockHolder | None:
    try:
        raw = os.pread(fd, 4096, 0)
        data = json.loads(raw or b"null")
        return LockHolder(int(data["pid"]), str(data["host"]), str(data["since"]))
    except (ValueError, KeyError, TypeError, OSError):
        return None


class StoreLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.recovered_from: LockHolder | None = None  # a crashed holder whose lock we took over

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as exc:  # read-only file system or directory: nobody can write here
            raise StoreReadOnly(
                self.path.parent,
                f"its lock file cannot be opened for writing ({exc.strerror or exc})",
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise StoreLocked(
                self.path.parent, holder.describe() if holder else "another process"
            ) from None
        previous = _read_holder(fd)
        if previous is not None and previous.pid != os.getpid():
            self.recovered_from = previous  # it held the lock once and did not release cleanly
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now().isoformat(timespec="seconds"),
        }
        # The flock is what keeps others out; who holds it is only for messages, so a disk
        # too full to record it must not stop this instance from writing (and retrying).
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(me).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)  # a clean exit leaves no holder behind
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
