"""End to end: the installed console script on an encrypted store (issue 20): the passphrase
typed in a real terminal (a wrong one first) reaches home; ctrl+l hides it; the passphrase
brings it back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from roomguard.store import Store
from roomguard.store.demo import load_demo
from roomguard.store.encrypt import create_encrypted
from roomguard.store.vault import forget_all
from tests.e2e.tmux import Tmux, require_tmux
from tests.screens.helpers import TODAY

pytestmark = pytest.mark.e2e

PASS = "correct horse battery staple"


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    require_tmux()
    term = Tmux(tmp_path)
    yield term
    term.kill()


def test_typing_the_passphrase_reaches_home_and_ctrl_l_locks_it_again(
    tmux: Tmux, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    create_encrypted(store, PASS)  # (ROOMGUARD_TEST_FAST_KDF: the child derives cheaply too)
    with Store.open(store) as opened:
        load_demo(opened, TODAY)
    forget_all()
    tmux.start(["--db", str(store)])
    tmux.wait_for("This Roomguard store is encrypted")
    tmux.send("-l", "not the passphrase")
    tmux.send("Enter")
    tmux.wait_for("does not unlock this store")
    tmux.send("-l", PASS)
    tmux.send("Enter")
    screen = tmux.wait_for("Priya Raman")
    assert "not encrypted" not in screen
    tmux.send("C-l")
    screen = tmux.wait_for("Roomguard is locked")
    assert "Priya" not in screen and "Raman" not in screen
    tmux.send("-l", PASS)
    tmux.send("Enter")
    tmux.wait_for("Priya Raman")
    tmux.send("q")
    assert tmux.wait_for_exit() == 0
