"""``RoomguardApp`` is a :class:`~roomguard.screens.host.Host`: what screens are promised exists.

Screens see the app only through the ``Host`` protocol, and the app does not inherit from it, so
nothing but a type checker notices when the two drift apart (a renamed method, a changed
argument). This test asks mypy, on a file of a few lines, whether the app is assignable to ``Host``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """\
from pathlib import Path

from roomguard.app import RoomguardApp
from roomguard.screens.host import Host

host: Host = RoomguardApp(Path("store"))
"""


def test_roomguard_app_satisfies_the_host_protocol(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    check = tmp_path / "check_host.py"
    check.write_text(CHECK, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--cache-dir", str(tmp_path / "cache"), str(check)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
