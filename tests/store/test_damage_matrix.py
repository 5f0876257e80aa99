"""The damage matrix, a quick part of it (the whole one is in tests/reliability/): one file of
each kind damaged one way; each is named by the app and by ``verify``, never loaded as if
whole, left as it was, and no backup is taken of it. See tests/store/damage.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.damage import Layout, build, run_case

QUICK = [
    ("practice", "deleted"),  # the issue: opened as an empty practice
    ("client", "deleted"),  # the agreement lost without a word
    ("client", "flipped"),  # salary -> sal;ry accepted
    ("month-index", "deleted"),  # a month hidden
    ("month-index", "emptied"),
    ("journal", "truncated"),  # a session of 0 events
    ("journal", "deleted"),
    ("open-journal", "flipped"),
    ("meta", "truncated"),
    ("backup", "flipped"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Layout]:
    root = tmp_path_factory.mktemp("matrix") / "store"
    return root, build(root)


@pytest.mark.parametrize(("kind", "how"), QUICK, ids=[f"{k}-{h}" for k, h in QUICK])
def test_damage_is_named_never_loaded_left_untouched_and_never_backed_up(
        template: tuple[Path, Layout], tmp_path: Path, kind: str, how: str) -> None:
    root, layout = template
    outcome = run_case(root, tmp_path, layout, kind, how)
    assert outcome.named_by_app, outcome
    assert outcome.named_by_verify, outcome
    assert not outcome.silently_loaded
    assert outcome.untouched
    assert outcome.backups_written == 0
    assert not [n for n in outcome.notes if "another file" in n or "restored" in n], outcome.notes
