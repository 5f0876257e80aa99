"""The whole damage matrix: every kind of file the store has x {deleted, truncated, one byte
flipped, emptied} (a deleted backup aside: nothing is read from it). See tests/store/damage.py
for what each case does; the quick part runs in tests/store/test_damage_matrix.py.

Figures: cases, named (by the app and by ``verify``), silently loaded, damaged backups written,
files changed; and which cases were a crash's leftovers, recovered and reported rather than
refused (a journal of a session left open, cut short: what kill -9 leaves mid-write).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.conftest import FIGURES
from tests.store.damage import run_matrix


@pytest.mark.slow
def test_every_damaged_file_is_named_none_is_loaded_and_none_is_backed_up(
        tmp_path: Path, record_property) -> None:
    work = tmp_path / "cases"
    work.mkdir()
    outcomes = run_matrix(tmp_path, work)
    named = [o for o in outcomes if o.named]
    silent = [o for o in outcomes if o.silently_loaded]
    changed = [o for o in outcomes if not o.untouched]
    backups_written = sum(o.backups_written for o in outcomes)
    recovered = [o for o in outcomes if o.named_by_verify.startswith("recovered")]
    kinds = sorted({o.kind for o in outcomes})
    record_property(FIGURES, {"line": (
        f"damage matrix: {len(outcomes)} cases ({len(kinds)} kinds of file x deleted, "
        f"truncated, one byte flipped, emptied): {len(named)} named "
        f"({100 * len(named) / len(outcomes):.0f}%; {len(recovered)} of them a crash's "
        f"leftover, recovered and reported), {len(silent)} silently loaded, "
        f"{backups_written} damaged backups written, {len(changed)} damaged files changed")})
    for outcome in outcomes:
        record_property(FIGURES, {"line": (
            f"  {outcome.kind:<13} {outcome.how:<9} "
            f"{'named' if outcome.named else 'NOT NAMED'}: {outcome.named_by_verify[:90]}")})
    assert [(o.kind, o.how) for o in outcomes if not o.named] == []
    assert silent == []
    assert backups_written == 0
    assert changed == []
    assert len(outcomes) == 27
