"""Issue 19, item 7, in the topic form: each phrase's word family is listed, and the coach can
exclude a form, which is kept on the topic and struck through."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from roomguard.core.models import PrivateTopic
from roomguard.screens.agreement_forms.topic_form import TopicForm, family_forms
from roomguard.store.word_families import word_families
from roomguard.widgets.topic_list import TopicTable
from tests.screens.helpers import make_app, seeded_store, settle
from tests.screens.test_agreements import SIZE, error, fill, open_screen, save, stored


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_store(tmp_path_factory.mktemp("demo") / "store")


@pytest.fixture
def demo(_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(_template, path)
    return path


def test_family_forms_lists_derived_words_and_which_are_excluded() -> None:
    topic = PrivateTopic("Health", ["diagnosis", "burnout", "separation"],
                         excluded_forms=["Diagnostic"])
    assert family_forms(topic, word_families()) == [
        ("diagnosis", ["diagnose"], ["diagnostic"]),
        ("separation", ["separate"], []),
    ]


async def test_the_form_shows_the_forms_and_saves_an_exclusion(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "Priya Raman")
        topics = screen.query_one(TopicTable)
        topics.focus()
        health = stored(app, screen.client_id).terms.topics[0]
        topics.select_key(health.id)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, TopicForm)
        listed = str(app.screen.query_one("#families", Static).render())
        assert "diagnosis → diagnose, diagnostic" in listed
        fill(app, excluded="diagnostc")
        await save(pilot)
        assert error(app, "excluded") == (
            "Not a form any phrase matches: diagnostc (see the list below).")
        fill(app, excluded="diagnostic")
        await settle(pilot)
        assert "diagnosis → diagnose  diagnostic" in str(
            app.screen.query_one("#families", Static).render())
        await save(pilot)
        assert not isinstance(app.screen, TopicForm)
        assert stored(app, screen.client_id).terms.topics[0].excluded_forms == ["diagnostic"]
        topics.select_key(health.id)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#excluded", TextArea).text == "diagnostic"
