"""The semantic layer of one session: loaded lazily, asked in order, never in the way.

A :class:`SemanticLane` holds the scorer once the model is loaded (:meth:`load`, run in a
worker after the first frame: loading takes ~0.3-1 s and never sits on the path to first
paint) and says where it stands for the status line (:attr:`status`). Until it is ready, or
when it cannot be (the model not built, onnxruntime missing, turned off for the practice or
for this client), lines are judged by the exact phrases alone, exactly as before.

The session screen hands each line to one worker thread that scores them in order
(:class:`~roomguard.live.semantic.lane.SemanticRequest`, :meth:`judge`); ``roomguard check``
scores inline (:attr:`inline`), so a check and a session see the same possible topics.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from roomguard.core.models import PrivateTopic
from roomguard.live.semantic.scorer import Possible, SemanticScorer

PRACTICE_SETTING = "semantic"  # store setting: the layer on (default) or off for the practice
CLIENTS_OFF_SETTING = "semantic_off_clients"  # store setting: client ids it is off for


class LaneState(StrEnum):
    OFF = "off"
    LOADING = "loading"
    READY = "on"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class SemanticRequest:
    """A line to score: its text, the line before it, and where it came from."""

    text: str
    previous: str
    at: datetime
    speaker: str = ""
    cue_time: str = ""
    exact_topics: frozenset[str] = frozenset()  # topics its phrases already raised


class SemanticLane:
    """See the module docstring. *inline*: score within the line's own call (a check)."""

    def __init__(self, topics: Sequence[PrivateTopic], negatives: Sequence[str] = (), *,
                 enabled: bool = True, why_off: str = "", inline: bool = False) -> None:
        self.topics = list(topics)
        self.negatives = list(negatives)
        self.inline = inline
        self.state = LaneState.OFF if not enabled else LaneState.LOADING
        self.reason = why_off if not enabled else ""
        self.scorer: SemanticScorer | None = None
        self.load_seconds: float | None = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self.state is LaneState.READY

    @property
    def status(self) -> str:
        """What the status line says of the layer."""
        if self.state is LaneState.READY:
            return "meaning: on"
        if self.state is LaneState.LOADING:
            return "meaning: loading"
        return f"meaning: off ({self.reason})" if self.reason else "meaning: off"

    def load(self) -> None:
        """Load the model and embed the topics' examples (blocking: call it in a worker)."""
        if self.state is not LaneState.LOADING:
            return
        import time

        from roomguard.live.semantic.encoder import Encoder, EncoderUnavailable

        started = time.perf_counter()
        try:
            encoder = Encoder.load()
            scorer = SemanticScorer(encoder, self.topics, list(self.negatives))
        except EncoderUnavailable as exc:
            self.state, self.reason = LaneState.UNAVAILABLE, str(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a broken model must never stop a session
            self.state, self.reason = LaneState.UNAVAILABLE, f"could not load: {exc}"
            return
        with self._lock:
            self.scorer = scorer
            self.load_seconds = time.perf_counter() - started
            self.state = LaneState.READY

    def judge(self, text: str, previous: str = "") -> Possible | None:
        """A possible topic for *text* (blocking), or None; None until the layer is ready."""
        with self._lock:
            if self.scorer is None:
                return None
            return self.scorer.judge(text, previous)

    def add_negative(self, text: str) -> None:
        """A line the coach said was not the topic."""
        with self._lock:
            self.negatives.append(text)
            if self.scorer is not None:
                self.scorer.add_negative(text)

    def set_topics(self, topics: Sequence[PrivateTopic]) -> None:
        with self._lock:
            self.topics = list(topics)
            if self.scorer is not None:
                self.scorer.set_topics(self.topics)


def lane_for(setting: Callable[[str, Any], Any], client_id: str,
             topics: Sequence[PrivateTopic], negatives: Sequence[str], *,
             inline: bool = False) -> SemanticLane:
    """The lane for *client_id* (*setting*: the store's ``setting(key, default)``), off when
    the practice or this client turned it off."""
    if setting(PRACTICE_SETTING, True) is False:
        return SemanticLane(topics, negatives, enabled=False, why_off="off for the practice")
    off = setting(CLIENTS_OFF_SETTING, [])
    if isinstance(off, list) and client_id in off:
        return SemanticLane(topics, negatives, enabled=False, why_off="off for this client")
    return SemanticLane(topics, negatives, inline=inline)


class ScoringThread:
    """One thread that loads the lane, then scores requests in the order they came.

    *deliver(request, possible)* is called on this thread for each request once scored (the
    screen hands it to the UI thread with ``call_from_thread``); *loaded()* once the load is
    done, whatever its result. Requests made before the model is ready wait for it.
    """

    def __init__(self, lane: SemanticLane,
                 deliver: Callable[[SemanticRequest, Possible | None], None],
                 loaded: Callable[[], None]) -> None:
        import queue

        self.lane = lane
        self.deliver = deliver
        self.loaded = loaded
        self._queue: queue.Queue[SemanticRequest | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="roomguard-meaning",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, request: SemanticRequest) -> None:
        self._queue.put(request)

    def stop(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        self.lane.load()
        self.loaded()
        while (request := self._queue.get()) is not None:
            if not self.lane.ready:
                continue
            try:
                judged = self.lane.judge(request.text, request.previous)
            except Exception:  # noqa: BLE001 - one bad line must not stop the layer
                judged = None
            self.deliver(request, judged)


_SHARED: list[Any] = []


def shared_encoder() -> tuple[Any, str]:
    """One encoder for the whole process (the topic form's preview), loaded on first use:
    (encoder, "") or (None, why not). Call it in a worker thread."""
    from roomguard.live.semantic.encoder import Encoder, EncoderUnavailable

    if not _SHARED:
        try:
            _SHARED.append((Encoder.load(), ""))
        except EncoderUnavailable as exc:
            return None, str(exc)
    encoder, why = _SHARED[0]
    return encoder, why
