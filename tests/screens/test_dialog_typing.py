"""Keys belong to the focused widget (issue 18, "Done when"): typing a sentence that holds
every letter, both cases, every digit and spaces into any text field of any dialog changes that
field and nothing else. The dialog stays open, no other field, box or choice changes, no other
dialog opens, and nothing is written to the store.

A property test: hypothesis picks the order of the characters (every one appears), so a
shortcut bound to any letter or digit in any dialog is typed at some point, in some company.
The dialogs, and how each is opened, are listed once in :mod:`tests.screens.dialog_openers`.
"""

from __future__ import annotations

import asyncio
import hashlib
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioSet, Select, SelectionList, TextArea

from roomguard.app import RoomguardApp
from tests.screens.dialog_openers import DIALOGS, app_for, open_dialog, settle

CHARACTERS = string.ascii_letters + string.digits + "    "
SENTENCES = st.permutations(list(CHARACTERS)).map("".join)

# The dialogs with somewhere to type; the others have only buttons and keys.
WITH_TEXT = [
    "new_client", "client_picker", "delete_client", "retention", "mark_reviewed", "reschedule",
    "export_ics",
    "add_party", "add_topic", "record_consent", "revoke_consent", "add_scope", "cadence",
    "next_session", "shareable", "document", "acknowledge", "guest", "follow",
    "passphrase", "idle_lock",
]


def text_fields(screen: Widget) -> list[Widget]:
    return [w for w in screen.query("Input, TextArea") if w.focusable]


def value_of(widget: Widget) -> object:
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Checkbox):
        return widget.value
    if isinstance(widget, RadioSet):
        return widget.pressed_index
    if isinstance(widget, Select):
        return widget.value
    if isinstance(widget, SelectionList):
        return tuple(widget.selected)
    raise AssertionError(widget)


def values(screen: Widget) -> dict[int, object]:
    """What the coach could have changed: every field, box and choice, by widget."""
    return {id(w): value_of(w)
            for w in screen.query("Input, TextArea, Checkbox, RadioSet, Select, SelectionList")}


def store_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "roomguard.lock"):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


async def type_everywhere(app: RoomguardApp, name: str, sentence: str) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(pilot, name)
        fields = text_fields(dialog)
        assert fields, f"{name} has no text field"
        before_store = store_digest(app.store_path)
        for field in fields:
            before = values(dialog)
            field.focus()
            await pilot.pause()
            await type_sentence(pilot, sentence)
            await settle(pilot)
            assert app.screen is dialog, f"{name}: typing into #{field.id} left {app.screen!r}"
            after = values(dialog)
            changed = [k for k in before if before[k] != after.get(k) and k != id(field)]
            assert not changed, f"{name}: typing into #{field.id} changed other widgets"
            assert app.focused is field, f"{name}: focus moved to {app.focused!r}"
            typed = value_of(field)
            assert isinstance(typed, str)
            if isinstance(field, TextArea) or not (field.restrict or field.max_length):
                assert sentence in typed, f"{name}: #{field.id} holds {typed!r}"
        assert store_digest(app.store_path) == before_store, f"{name}: typing wrote the store"


async def type_sentence(pilot: Pilot[None], sentence: str) -> None:
    """The sentence as a terminal sends it (through Textual's own parser), every key queued on
    the app at once, as the driver does with a burst it read in one go (type-ahead, a fast
    typist): each key still goes to whatever has focus when the app handles it, and the
    caller settles before it looks. (``pilot.press`` waits for the process to go idle twice
    per key: 66 keys a field, a minute or more a dialog, and no more proof.)"""
    for event in XTermParser().feed(sentence):
        pilot.app.post_message(event)


@pytest.fixture(autouse=True)
def _no_daily_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The daily backup would write the store on its own; here only typing may (and must not)."""
    monkeypatch.setattr(RoomguardApp, "_daily_backup", lambda app: None)


@pytest.mark.parametrize("name", WITH_TEXT)
def test_typing_into_a_dialog_changes_only_that_field(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    @settings(max_examples=2, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(sentence=SENTENCES)
    def check(sentence: str) -> None:
        root = tmp_path_factory.mktemp(name)
        asyncio.run(type_everywhere(app_for(DIALOGS[name], root), name, sentence))

    check()


@pytest.mark.parametrize("name", [name for name in DIALOGS if name not in WITH_TEXT])
async def test_the_other_dialogs_have_nowhere_to_type(tmp_path: Path, name: str) -> None:
    """So the list above is every dialog that has a text field."""
    app = app_for(DIALOGS[name], tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        assert not text_fields(await open_dialog(pilot, name))
