"""Drive the installed ``roomguard`` console script in a real terminal (tmux)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("roomguard")


def require_tmux() -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if not SCRIPT.exists():
        pytest.skip(f"console script not installed at {SCRIPT}")


class Tmux:
    """One private tmux server (its own socket) running one command in a fixed-size pane."""

    SERVER_OPTIONS: tuple[tuple[str, str], ...] = ()  # set with the session, before the app runs

    def __init__(self, tmp: Path, width: int = 120, height: int = 36) -> None:
        self.socket = f"rg-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        self.status_file = tmp / f"{self.socket}.status"

    def _tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                             check=False, timeout=10)
        return out.stdout

    def start(self, args: list[str], env: dict[str, str] | None = None) -> None:
        exports = " ".join(f"{k}={_quote(v)}" for k, v in (env or {}).items())
        command = " ".join(_quote(a) for a in [str(SCRIPT), *args])
        shell = (f"env -u COLUMNS -u LINES TERM=xterm-256color {exports} {command}; "
                 f"echo $? > {_quote(str(self.status_file))}")
        options = [arg for name, value in self.SERVER_OPTIONS
                   for arg in (";", "set-option", "-g", name, value)]
        subprocess.run(
            ["tmux", "-L", self.socket, "new-session", "-d", "-s", "rg",
             "-x", str(self.width), "-y", str(self.height), shell, *options],
            check=True, timeout=10, env=_clean_env(),
        )
        # A detached session may otherwise be resized to tmux's default 80x24.
        self._tmux("set-option", "-t", "rg", "window-size", "manual")
        self._tmux("resize-window", "-t", "rg", "-x", str(self.width), "-y", str(self.height))

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "rg", *keys)

    def screen(self, escapes: bool = False) -> str:
        return self._tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "rg")

    # The deadlines below are only reached when something is wrong: each wait returns as soon
    # as the screen shows what it waits for. They are generous because a CI machine running
    # the suite on two workers (and maybe a CPU hog beside it) can take many seconds to start
    # the app or repaint.
    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        return self.wait_until(lambda screen: text in screen, f"{text!r} to appear", timeout)

    def wait_gone(self, text: str, timeout: float = 60.0) -> str:
        """Until *text* is no longer on the screen: how a test knows that a key whose effect
        is to take something away (Esc out of the notes input) has been handled before it
        sends the next one."""
        return self.wait_until(lambda screen: text not in screen, f"{text!r} to go", timeout)

    def wait_until(self, shows: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
        """The first screen for which *shows* is true (an AssertionError with the last screen
        once *timeout* has passed)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if shows(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout}s for {what}; screen:\n{screen}")
            time.sleep(0.05)

    def wait_for_exit(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status_file.exists() and self.status_file.read_text().strip():
                return int(self.status_file.read_text())
            time.sleep(0.1)
        raise AssertionError(f"roomguard did not exit; screen:\n{self.screen()}")

    def kill(self) -> None:
        self._tmux("kill-server")


def _clean_env() -> dict[str, str]:
    """The test's environment minus what would pin the pane's size (xdist workers carry
    COLUMNS/LINES) or attach to an outer tmux."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TMUX"] = ""
    return env


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"
