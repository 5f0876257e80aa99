"""The README's key table is current (issue 18, "Done when"): every key a screen or the
acknowledge dialog binds to a letter or digit is in that screen's row, so a new key cannot be
added without saying so where coaches look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding

from roomguard.screens.agreements import AgreementsScreen
from roomguard.screens.backups import BackupsScreen
from roomguard.screens.checkins import CheckinsScreen
from roomguard.screens.history import HistoryScreen
from roomguard.screens.home import HomeScreen
from roomguard.screens.session.acknowledge_form import AcknowledgeForm
from roomguard.screens.session.screen import SessionScreen

README = Path(__file__).resolve().parents[1] / "README.md"
ROWS = {
    "home": HomeScreen,
    "agreement": AgreementsScreen,
    "session": SessionScreen,
    "acknowledge": AcknowledgeForm,
    "check-ins": CheckinsScreen,
    "history": HistoryScreen,
    "backups": BackupsScreen,
}


def readme_row(name: str) -> str:
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| {name} |"):
            return line
    raise AssertionError(f"README has no key row for {name}")


def letter_keys(screen: type) -> set[str]:
    keys: set[str] = set()
    for binding in screen.BINDINGS:
        assert isinstance(binding, Binding)
        for key in binding.key.split(","):
            key = key.strip()
            if re.fullmatch(r"[a-z0-9]", key):
                keys.add(key)
    return keys


@pytest.mark.parametrize("name", list(ROWS))
def test_every_letter_key_is_in_the_readme(name: str) -> None:
    row = readme_row(name)
    written = set(re.findall(r"`([a-z0-9])`", row + readme_row("everywhere")))
    if "`1`–`9`" in row:
        written |= set("123456789")
    missing = letter_keys(ROWS[name]) - written
    assert not missing, f"README's {name} row lacks {sorted(missing)}"
