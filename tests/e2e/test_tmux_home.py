"""End to end: the installed console script in a real terminal."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux import Tmux, require_tmux

pytestmark = pytest.mark.e2e


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    require_tmux()
    term = Tmux(tmp_path)
    yield term
    term.kill()


def test_demo_home_then_quit_leaves_private_files(tmux: Tmux, tmp_path: Path) -> None:
    store = tmp_path / "store"
    tmux.start(["--db", str(store), "--demo"])
    tmux.wait_for("Priya Raman")
    tmux.wait_for("50 min")  # a demo session in the recent-sessions table
    tmux.wait_for("overdue")  # the check-ins summary, filled after the first frame
    tmux.send("q")
    assert tmux.wait_for_exit() == 0
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    for path in store.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path} has mode {oct(mode)}"


def test_store_from_environment(tmux: Tmux, tmp_path: Path) -> None:
    store = tmp_path / "env-store"
    tmux.start(["--demo"], env={"ROOMGUARD_DB": str(store)})
    tmux.wait_for("Sofia Alvarez")
    tmux.send("q")
    assert tmux.wait_for_exit() == 0
    assert (store / "practice.json").exists()


_GREYS = set(range(232, 256)) | {0, 7, 8, 15, 16, 59, 102, 145, 188, 231}


def _palette_colours(screen: str) -> set[int]:
    import re

    return {int(m) for m in re.findall(r"\x1b\[(?:[0-9;]*;)?[34]8;5;(\d+)", screen)}


@pytest.mark.parametrize("no_color", [True, False])
def test_no_color_means_greys_only(tmux: Tmux, tmp_path: Path, no_color: bool) -> None:
    env = {"NO_COLOR": "1"} if no_color else {}
    tmux.start(["--db", str(tmp_path / "store"), "--demo"], env=env)
    tmux.wait_for("overdue")
    colours = _palette_colours(tmux.screen(escapes=True))
    tmux.send("q")
    assert tmux.wait_for_exit() == 0
    assert colours, "no colours captured at all"
    if no_color:
        assert colours <= _GREYS, f"colours under NO_COLOR: {sorted(colours - _GREYS)}"
    else:
        assert colours - _GREYS, "the themed app should use some colour"
