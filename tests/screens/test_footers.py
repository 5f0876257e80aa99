"""The footer fits or folds (issue 18, item 5): home at 80 columns and the agreement screen at
120 once cut their last keys off ("q Quit", "? Help")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.screens.helpers import make_app, screen_text, seeded_store, settle


@pytest.mark.parametrize(("size", "agreement"), [((80, 24), False), ((120, 36), True),
                                                   ((80, 24), True)])
async def test_the_footer_shows_help_and_quit(
    tmp_path: Path, size: tuple[int, int], agreement: bool
) -> None:
    app = make_app(seeded_store(tmp_path / "store"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if agreement:
            app.open_agreements(app.store.find_client("Priya Raman"))
            await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        if not agreement or size[0] >= 120:
            assert "q Quit" in footer and "? Help" in footer, footer
        assert "…" not in footer
