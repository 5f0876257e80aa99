"""The topic form's example sentences (issue 21): suggestions from the name and phrases, the
examples saved on the topic, and a live preview of which sample lines the semantic layer would
flag and how strongly (scored in a thread with the real model)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from roomguard.screens.agreement_forms.topic_form import TopicForm
from roomguard.widgets.topic_list import TopicTable
from tests.screens.helpers import make_app, seeded_store, settle
from tests.screens.test_agreements import SIZE, open_screen, save, stored
from tests.semantic.helpers import needs_model

pytestmark = needs_model


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ROOMGUARD_SEMANTIC")
    return seeded_store(tmp_path / "store")


async def test_examples_are_suggested_previewed_by_meaning_and_saved(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "Priya Raman")
        topics = screen.query_one(TopicTable)
        topics.focus()
        health = stored(app, screen.client_id).terms.topics[0]
        topics.select_key(health.id)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TopicForm)
        assert "Suggestions: I want to talk about" in str(
            form.query_one("#suggestions", Static).render())
        form.query_one("#examples", TextArea).text = (
            "I've been struggling with my mental health.\nI feel low and empty most days.")
        form.query_one("#samples", TextArea).text = (
            "Everything feels grey and pointless lately.\nLet's move Thursday's call.")
        deadline = time.monotonic() + 20
        while "By meaning" not in str(form.query_one("#meaning", Static).render()):
            assert time.monotonic() < deadline, "the meaning preview never came"
            await asyncio.sleep(0.05)
        preview = str(form.query_one("#meaning", Static).render())
        assert "1 of 2 would be a possible topic" in preview
        await save(pilot)
        saved = next(t for t in stored(app, screen.client_id).terms.topics if t.id == health.id)
        assert saved.examples == ["I've been struggling with my mental health.",
                                  "I feel low and empty most days."]
