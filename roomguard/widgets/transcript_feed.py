"""Follows a transcript file and says, on one line, what the follower is doing.

Toolong's shape: a small widget owns its watcher. :class:`~roomguard.live.follow.TranscriptFollower`
polls the file in a ``@work(thread=True)`` worker; what it hears comes back as
:class:`TranscriptFeed.Heard` messages, which bubble to the screen, and the screen decides what
they mean. The widget reads the transcript file only, never the store.

Each :meth:`TranscriptFeed.follow` starts a new *generation*: anything a stopped follower's
thread still posts carries an older number and is dropped here, so lines from a file the coach
stopped following never reach the session.

``Transcript: waiting for file …`` / ``following …`` / ``off (press f to follow a file)``.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from roomguard.core.transcript import Utterance
from roomguard.live.follow import TranscriptFollower
from roomguard.widgets.literal import literal

POLL_SECONDS = 0.01  # a transcribed line reaches the screen within this, plus parsing


class TranscriptFeed(Widget):
    DEFAULT_CSS = """
    TranscriptFeed {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    TranscriptFeed.-following {
        color: $text;
    }
    TranscriptFeed.-problem {
        color: $warning;
    }
    """

    class Heard(Message):
        """Complete utterances read from the followed file, oldest first."""

        def __init__(self, generation: int, utterances: list[Utterance]) -> None:
            super().__init__()
            self.generation = generation
            self.utterances = utterances

    class _Status(Message, bubble=False):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation = generation
            self.text = text

    status: reactive[str] = reactive("")
    following: reactive[bool] = reactive(False)
    lines: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__(id=id)
        self.poll_seconds = poll_seconds
        self.path: Path | None = None  # the file being followed
        self._follower: TranscriptFollower | None = None
        self._worker: Worker[None] | None = None
        self._generation = 0

    # ----------------------------------------------------------------- following
    def follow(self, path: Path) -> None:
        """Stop following any other file and follow *path* (it may not exist yet)."""
        self.stop()
        generation = self._generation

        def heard(batch: list[Utterance]) -> None:  # on the follower's thread
            self.post_message(self.Heard(generation, list(batch)))

        def status(text: str) -> None:  # on the follower's thread
            self.post_message(self._Status(generation, text))

        self._follower = TranscriptFollower(path, heard, status, poll_interval=self.poll_seconds)
        self.path = path
        self.set_status(f"starting on {path}", following=True)
        self._worker = self._run(self._follower)

    def stop(self) -> None:
        """Stop following; anything the old follower still sends is dropped."""
        if self._follower is not None:
            self._follower.stop()
        self._follower = None
        self.path = None
        self._generation += 1
        if self.is_mounted:
            self.set_status("", following=False)

    @work(thread=True, group="follow", exit_on_error=False)
    def _run(self, follower: TranscriptFollower) -> None:
        follower.run()

    def on_unmount(self) -> None:
        self.stop()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker is not self._worker or event.state is not WorkerState.ERROR:
            return
        if worker.error is None:
            return
        self._follower = None
        self.path = None
        problem = f"stopped following: {worker.error}"
        self.set_status(problem, following=True)
        self.notify(problem, title="Transcript", severity="error", markup=False)

    @on(Heard)
    def _count(self, message: Heard) -> None:
        if message.generation != self._generation:
            message.stop()  # from a follower already stopped: the screen never sees it
            return
        self.lines += len(message.utterances)

    @on(_Status)
    def _show(self, message: _Status) -> None:
        if message.generation == self._generation:
            self.set_status(message.text, following=True)

    # ----------------------------------------------------------------- showing
    def set_status(self, status: str, *, following: bool) -> None:
        self.following = following
        self.status = status
        problem = following and status.startswith(("cannot", "file removed", "waiting"))
        self.set_class(following and not problem, "-following")
        self.set_class(problem, "-problem")

    def render(self) -> Text:
        line = Text("Transcript: ", style="bold", no_wrap=True, overflow="ellipsis", end="")
        if not self.following:
            line.append("off (press f to follow a transcript file)")
            return line
        line.append_text(literal(self.status or "starting…", limit=300))
        if self.lines:
            line.append(f"  · {self.lines} line{'s' if self.lines != 1 else ''} heard", style="dim")
        return line
