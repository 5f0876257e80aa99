"""Possible topics in a live session: the semantic layer's second, calmer alert level.

After the exact phrases have judged a line (unchanged: they are the first layer), the line and
the one before it are scored by meaning (:mod:`roomguard.live.semantic.scorer`). A line that
may be about a private topic its phrases did not catch, while someone present is not cleared
for that topic, becomes a :class:`~roomguard.core.events.PossibleTopic`: recorded in the
journal, shown in the banner and log in its own calmer style, no bell by default, and answered
"yes, it was" or "no" (a "no" keeps the line for this client as an example of what the topic
is not). One waits per topic at a time: while it (or an exact alert on the topic) waits, the
topic is not flagged again.

:class:`Meaning` is the session's part of it; ``LiveSession.meaning`` holds one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from roomguard.core.events import Event, PossibleTopic, PossibleTopicAnswered
from roomguard.core.observe import Line, Observation
from roomguard.live.semantic.lane import LaneState, SemanticLane, SemanticRequest
from roomguard.live.semantic.scorer import Possible
from roomguard.live.semantic.scorer import strength_of as strength
from roomguard.live.view import AlertView, LogEntry, LogKind, Notice, Outcome

if TYPE_CHECKING:
    from roomguard.live.session import LiveSession

RING_FOR_POSSIBLE = False  # the calmer level: no bell by default


class Meaning:
    """The semantic layer's share of one :class:`LiveSession`: see the module docstring."""

    def __init__(self, live: LiveSession) -> None:
        self.live = live
        self.lane: SemanticLane | None = None
        self.possibles: dict[str, PossibleTopic] = {}
        self.answers: dict[str, PossibleTopicAnswered] = {}
        self.requests: list[SemanticRequest] = []  # waiting for the screen's worker
        self._previous = ""

    # ------------------------------------------------------------------ state
    def replay(self, events: Iterable[Event]) -> None:
        """Rebuild from a journal (resuming)."""
        for event in events:
            self._apply(event)

    def _apply(self, event: Event) -> None:
        if isinstance(event, PossibleTopic):
            self.possibles[event.id] = event
        elif isinstance(event, PossibleTopicAnswered):
            self.answers.setdefault(event.possible_id, event)

    def waiting(self) -> list[PossibleTopic]:
        return [p for p in self.possibles.values() if p.id not in self.answers]

    @property
    def status(self) -> str:
        return self.lane.status if self.lane is not None else ""

    # ------------------------------------------------------------------ lines
    def after_line(self, line: Line, seen: Observation, now: datetime, out: Outcome) -> None:
        """The exact layer has judged *line*: queue it for scoring by meaning (or score it now
        when the lane is inline)."""
        lane = self.lane
        text = seen.text
        if lane is None or lane.state in (LaneState.OFF, LaneState.UNAVAILABLE):
            return
        if not text.strip():
            return
        exact = frozenset(h.topic_id for h in seen.hits)
        request = SemanticRequest(text, self._previous, now, line.speaker, line.cue_time, exact)
        self._previous = text
        if lane.inline:
            out.merge(self.possible(request, lane.judge(request.text, request.previous)))
        else:
            self.requests.append(request)

    def take_requests(self) -> list[SemanticRequest]:
        waiting, self.requests = self.requests, []
        return waiting

    def possible(self, request: SemanticRequest, judged: Possible | None) -> Outcome:
        """Record what scoring *request* found, if it is still worth a possible topic: a topic
        its phrases did not raise, someone present not cleared for it, nothing waiting on it."""
        live = self.live
        if judged is None or not live.running or judged.topic_id in request.exact_topics:
            return Outcome()
        topic_id = judged.topic_id
        if any(p.topic_id == topic_id for p in self.waiting()):
            return Outcome()
        if any(a.topic_id == topic_id for a in live.state.unacknowledged()):
            return Outcome()
        today = live.state.session_time(request.at).date()
        uncleared = [p.id for p in live.guard.present_people()
                     if topic_id in live.guard.clearance_of(p.id, today).uncleared]
        if not uncleared:
            return Outcome()
        event = PossibleTopic(request.at, topic_id, live.wording.topic_name(topic_id),
                              request.text, round(judged.score, 4), uncleared,
                              request.speaker, request.cue_time)
        out = Outcome()
        live._record(out, [event])  # to the writer, after any clock change still waiting
        self._apply(event)
        out.log.append(self.entry(event))
        out.possibles.append(event)
        out.bell = RING_FOR_POSSIBLE
        return live._finish(out)

    # ------------------------------------------------------------------ answers
    def answer(self, possible_id: str, confirmed: bool) -> Outcome:
        """The coach's answer; "no" keeps the line for this client as not the topic."""
        live = self.live
        possible = self.possibles.get(possible_id)
        if not live.started or possible is None:
            return Outcome.refused("There is no such possible topic.")
        if possible_id in self.answers:
            return Outcome.refused("That possible topic was already answered.")
        event = PossibleTopicAnswered(live._now(), possible_id, confirmed)
        out = Outcome()
        live._record(out, [event])
        self._apply(event)
        name = self.topic_label(possible.topic_id)
        if confirmed:
            out.log.append(LogEntry(event.at, LogKind.ACK, f"Possible topic confirmed: {name}",
                                    private=True, masked="Possible topic confirmed"))
        else:
            out.log.append(LogEntry(event.at, LogKind.ACK,
                                    f"Not {name}: remembered for this client", private=True,
                                    masked="Possible topic dismissed"))
            if possible.line not in live.agreement.not_topic_lines:
                live.agreement.not_topic_lines.append(possible.line)
                live.writer.save_agreement(live.agreement)
            if self.lane is not None:
                self.lane.add_negative(possible.line)
            out.notices.append(Notice("Noted: lines like that one will weigh less for this "
                                      "client."))
        return live._finish(out)

    # ------------------------------------------------------------------ wording
    def topic_label(self, topic_id: str) -> str:
        return self.live.wording.topic_name(topic_id)

    def entry(self, event: PossibleTopic) -> LogEntry:
        mask = self.live.wording.masks.get(event.topic_id, "A private topic")
        return LogEntry(event.at, LogKind.POSSIBLE,
                        f"Possible topic: {event.topic_name} ({strength(event.score)}, "
                        f"{event.score:.2f}): \"{event.line}\"", speaker=event.speaker,
                        cue_time=event.cue_time, private=True,
                        masked=f"Possible topic: {mask}")

    def view(self, event: PossibleTopic) -> AlertView:
        names = ", ".join(self.live.guard.person(pid).name for pid in event.uncleared)
        mask = self.live.wording.masks.get(event.topic_id, "A private topic")
        said = f" by {event.speaker}" if event.speaker else ""
        return AlertView(event.id, event.at,
                         f"Possible topic: {event.topic_name} ({strength(event.score)}, "
                         f"{event.score:.2f}), said{said}: \"{event.line}\"; not cleared: "
                         f"{names}", masked=f"Possible: {mask}", possible=True)

    def banner(self) -> list[AlertView]:
        return [self.view(p) for p in self.waiting()]

