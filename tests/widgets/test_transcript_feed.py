"""TranscriptFeed: follows a file in a worker, shows what it does, and drops a stopped follower's
lines before they reach the screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App, ComposeResult

from roomguard.core.transcript import Utterance
from roomguard.widgets.transcript_feed import TranscriptFeed


class FeedApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.heard: list[str] = []

    def compose(self) -> ComposeResult:
        yield TranscriptFeed(poll_seconds=0.01)

    def on_transcript_feed_heard(self, message: TranscriptFeed.Heard) -> None:
        self.heard.extend(f"{u.speaker}: {u.text}" for u in message.utterances)


async def wait_until(pilot, condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await pilot.pause(0.02)


async def test_lines_appended_to_the_followed_file_reach_the_screen(tmp_path: Path) -> None:
    path = tmp_path / "live.txt"
    app = FeedApp()
    async with app.run_test() as pilot:
        feed = app.query_one(TranscriptFeed)
        assert "off" in feed.render().plain
        feed.follow(path)  # not there yet: it waits
        assert feed.path == path and feed.following
        path.write_text("Dana: hello\nSam: [bold]hi[/]\n")
        await wait_until(pilot, lambda: len(app.heard) == 2)
        assert app.heard == ["Dana: hello", "Sam: [bold]hi[/]"]
        assert feed.lines == 2 and "2 lines heard" in feed.render().plain


async def test_a_stopped_followers_lines_never_reach_the_screen(tmp_path: Path) -> None:
    app = FeedApp()
    async with app.run_test() as pilot:
        feed = app.query_one(TranscriptFeed)
        feed.follow(tmp_path / "first.txt")
        stale = feed._generation
        feed.follow(tmp_path / "second.txt")
        # What the first follower's thread may still post after it was told to stop:
        feed.post_message(TranscriptFeed.Heard(stale, [Utterance("Old", "late line", "", 1)]))
        (tmp_path / "second.txt").write_text("New: current line\n")
        await wait_until(pilot, lambda: bool(app.heard))
        await pilot.pause(0.1)
        assert app.heard == ["New: current line"]
        assert feed.lines == 1


async def test_stop_says_off_and_forgets_the_file(tmp_path: Path) -> None:
    app = FeedApp()
    async with app.run_test() as pilot:
        feed = app.query_one(TranscriptFeed)
        feed.follow(tmp_path / "live.txt")
        feed.stop()
        await pilot.pause()
        (tmp_path / "live.txt").write_text("Dana: after the stop\n")
        await pilot.pause(0.2)
        assert feed.path is None and not feed.following and app.heard == []
        assert "off" in feed.render().plain
