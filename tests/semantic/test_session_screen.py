"""The semantic layer in the real app (Pilot, the real model): a client paraphrases a private
topic while her assistant, not cleared for it, is in the room, and a "possible topic" appears
in the banner, calmly (its own style, no bell), and is answered "no" (remembered for her)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from roomguard.app import RoomguardApp
from roomguard.core.events import PossibleTopic
from roomguard.core.transcript import Utterance
from roomguard.store import Store
from roomguard.widgets.alert_banner import AlertBanner
from tests.screens.helpers import past_briefing
from tests.semantic.helpers import CLIENT_ID, T0, maya_and_her_agreement, needs_model

pytestmark = needs_model


async def wait_for(condition: object, pilot: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


@pytest.fixture
def maya_store(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ROOMGUARD_SEMANTIC")
    client, agreement = maya_and_her_agreement()
    with Store.open(store_path) as store:
        store.save_client(client)
        store.save_agreement(agreement)
    return store_path


async def test_a_paraphrase_with_an_uncleared_assistant_shows_a_possible_topic(
        maya_store: Path) -> None:
    app = RoomguardApp(maya_store, session_client=CLIENT_ID, clock=lambda: T0)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await past_briefing(pilot)
        live = screen.live
        assert live is not None and live.meaning.lane is not None
        await wait_for(lambda: live.meaning.lane.ready, pilot)  # loaded after the first frame
        assert "meaning: on" in str(live.status().meaning)
        screen._input(lambda s: s.toggle("sam"))  # the assistant comes in
        await pilot.pause()
        bells.clear()
        banner = screen.query_one(AlertBanner)
        said = Utterance(line_no=1, cue_time="", speaker="Maya",
                         text="Honestly, my marriage is falling apart.")
        started = time.perf_counter()
        screen._input(lambda s: s.hear(said))
        await wait_for(lambda: any(a.possible for a in banner.alerts), pilot)
        took_ms = (time.perf_counter() - started) * 1000
        (view,) = banner.alerts
        assert "Possible topic: Marriage" in view.text and "Sam Lee" in view.text
        assert banner.has_class("-possible") and not banner.has_class("-active")
        assert bells == []  # calmer: no bell
        assert isinstance(live.meaning.waiting()[0], PossibleTopic)
        assert took_ms < 1000  # the figure (p99 <= 50 ms) is make bench's, not a test's
        print(f"line -> visible possible topic: {took_ms:.1f} ms")
        await pilot.press("a")  # "Was this about Marriage?"
        await pilot.pause()
        await pilot.press("n")
        await wait_for(lambda: not live.meaning.waiting(), pilot)
        assert live.agreement.not_topic_lines == ["Honestly, my marriage is falling apart."]


async def test_with_the_layer_off_for_the_practice_the_status_line_says_so(
        maya_store: Path) -> None:
    with Store.open(maya_store) as store:
        store.set_setting("semantic", False)
    app = RoomguardApp(maya_store, session_client=CLIENT_ID, clock=lambda: T0)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await past_briefing(pilot)
        assert screen.live is not None
        assert screen.live.status().meaning == "meaning: off (off for the practice)"
        screen._input(lambda s: s.toggle("sam"))
        out = screen.live.hear(Utterance(line_no=1, cue_time="", speaker="Maya",
                                         text="We are getting a divorce."))
        assert [a.topic_id for a in out.alerts] == ["marriage"]  # exact phrases unaffected
