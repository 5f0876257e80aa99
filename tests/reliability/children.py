"""Start :mod:`crash_child` (or another child script) as a real process, read its report
lines, and kill it."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

CHILD = Path(__file__).with_name("crash_child.py")


class Child:
    """One ``crash_child.py`` process (or *script*); stdout is read line by line, stderr kept in
    a file."""

    def __init__(self, *args: str | Path, stderr_path: Path, script: Path = CHILD) -> None:
        self.stderr_path = stderr_path
        self._stderr = stderr_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            bufsize=0,
        )
        self.pid = self.proc.pid
        self._buffer = b""
        self._eof = False

    def _fill(self, timeout: float) -> bool:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            self._eof = True
        self._buffer += chunk
        return True

    def read_line(self, timeout: float = 30.0) -> str:
        """The next complete line; fails the test with the child's stderr if none comes."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if self._eof or left <= 0 or not self._fill(left):
                self.kill()
                raise AssertionError(
                    f"crash_child gave no line within {timeout}s "
                    f"(exit {self.proc.returncode}); stderr:\n{self.stderr()}"
                )
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def kill(self) -> None:
        """SIGKILL, then reap. Lines already written stay readable with :meth:`rest`."""
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._stderr.close()

    def rest(self) -> list[str]:
        """Every complete line left once the child is dead (a torn last line is dropped)."""
        assert self.proc.returncode is not None, "kill() first"
        while not self._eof:
            self._fill(5.0)
        lines = self._buffer.split(b"\n")
        self._buffer = b""
        return [line.decode() for line in lines[:-1]]

    def stderr(self) -> str:
        if not self._stderr.closed:  # kill() closes it
            self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def exited_by_itself(self) -> bool:
        return self.proc.returncode is not None and self.proc.returncode != -signal.SIGKILL


def run_probe(root: Path, stderr_path: Path) -> dict:
    import json

    child = Child("probe", root, stderr_path=stderr_path)
    line = child.read_line()
    child.proc.wait(timeout=30)
    child._stderr.close()
    return json.loads(line)
