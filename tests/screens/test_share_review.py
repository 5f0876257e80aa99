"""Issue 19, item 9, on screen: before the assistant-safe summary is written the coach sees what
will be shared and what was held back and why, edits a held-back item, confirms one that names
a person, and only then writes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Checkbox, Input, Static

from roomguard.core.events import NoteAdded
from roomguard.screens.dialogs.share_review import ShareReview
from roomguard.store import Store
from tests.screens.helpers import make_app, seeded_store, settle
from tests.screens.test_history import SIZE, open_history


async def test_review_edit_confirm_then_write(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        priya = store.find_client("Priya Raman")
        (latest, *_) = store.sessions(client_id=priya.id)
        at = latest.started_at + timedelta(minutes=5)
        for text in ("Swap slots with Marcus Webb", "Sal ary review moved to Friday",
                     "Priya is seeing Dr Patel on Monday"):
            store.append_event(latest.id, NoteAdded(at, text, shareable=True))
    app = make_app(store_path)
    reports = store_path / "reports"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, "Priya")
        await pilot.press("s")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ShareReview)
        reasons = [str(s.render()) for s in review.query(".reason").results(Static)]
        assert any("names another client" in r for r in reasons)
        assert any('mentions the private topic "Compensation"' in r for r in reasons)
        assert any("names Priya Raman, Dr Patel: confirm before sharing" in r for r in reasons)
        inputs = list(review.query(Input).results(Input))
        salary = next(i for i in inputs if i.value.startswith("Sal ary"))
        salary.value = "Review moved to Friday"
        review.query_one(Checkbox).value = True
        await pilot.click("#check")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, ShareReview) and again is not review
        assert not list(reports.glob("assistant-safe-*.md"))
        await pilot.click("#write")
        await settle(pilot)
        (safe,) = reports.glob("assistant-safe-*.md")
        shared = safe.read_text()
        assert "- Review moved to Friday" in shared
        assert "- Priya is seeing Dr Patel on Monday" in shared
        assert "Marcus" not in shared and "Sal ary" not in shared
