"""Feed transcript utterances through detection and policy: one path for live and headless use.

The live session (following a file) and ``roomguard check`` (a finished transcript) both call
:func:`observe_utterance`, so a transcript raises the same alerts whether it is watched as it
grows or audited afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from roomguard.core.detection import Detector, Hit
from roomguard.core.events import AlertRaised, Event, GuestJoined, PresenceSource, TopicSource
from roomguard.core.models import Agreement, Participant
from roomguard.core.session import Guard
from roomguard.core.transcript import Utterance

# A plain transcript has no times; assume this pace so "recently active" (a few minutes) means
# roughly the same number of lines as it would in a timed transcript.
PLAIN_SECONDS_PER_LINE = 5


def cue_offset(utterance: Utterance) -> timedelta:
    """The utterance's time from the start of the transcript."""
    if not utterance.cue_time:
        return timedelta(seconds=PLAIN_SECONDS_PER_LINE * max(0, utterance.line_no - 1))
    hours, minutes, rest = ("0:" * (2 - utterance.cue_time.count(":")) + utterance.cue_time).split(":")
    return timedelta(hours=int(hours), minutes=int(minutes), seconds=float(rest.replace(",", ".")))


@dataclass(frozen=True)
class Observation:
    """What one transcript line did: the events to record, the topic hits (for highlighting),
    the guest an unknown speaker became, and whether the label named several parties."""

    events: list[Event]
    hits: list[Hit]
    new_guest: Participant | None = None
    ambiguous_speaker: bool = False


def observe_utterance(
    guard: Guard, detector: Detector, utterance: Utterance, now: datetime
) -> Observation:
    """One transcript line: an unknown speaker joins as a guest, then the line is judged.

    A label that names more than one party (two people share an alias) is not guessed at and
    does not become a guest: the line is judged with whoever is already in the room.
    """
    events: list[Event] = []
    speaker = " ".join(utterance.speaker.split())
    new_guest: Participant | None = None
    ambiguous = False
    if speaker and guard.resolve_speaker(speaker) is None:
        if len(guard.speakers_matching(speaker)) > 1:
            ambiguous = True
        else:
            joined = guard.add_guest(speaker, now, PresenceSource.SPEECH)
            events += joined
            new_guest = next(e.guest for e in joined if isinstance(e, GuestJoined))
    hits = detector.scan(utterance.text)
    events += guard.observe_line(
        utterance.text,
        now,
        TopicSource.TRANSCRIPT,
        hits,
        speaker=speaker,
        cue_time=utterance.cue_time,
    )
    return Observation(events, hits, new_guest, ambiguous)


@dataclass(frozen=True)
class AuditFinding:
    """An alert found in a transcript, with what a reviewer needs to judge it."""

    alert: AlertRaised
    utterance: Utterance
    present: tuple[str, ...]  # names of everyone in the room at that moment
    uncleared: tuple[str, ...]  # names of those not cleared


@dataclass
class AuditResult:
    findings: list[AuditFinding] = field(default_factory=list)
    lines: int = 0
    guests: list[str] = field(default_factory=list)


def audit_transcript(
    agreement: Agreement,
    utterances: Iterable[Utterance],
    present_ids: Iterable[str],
    start: datetime,
) -> AuditResult:
    """Replay *utterances* against *agreement*; nothing is stored."""
    guard = Guard(agreement)
    guard.start(start, present=list(present_ids))
    detector = Detector.from_topics(agreement.terms.topics, agreement.muted_phrases)
    result = AuditResult()
    for utterance in utterances:
        result.lines += 1
        now = start + cue_offset(utterance)
        for event in observe_utterance(guard, detector, utterance, now).events:
            if isinstance(event, AlertRaised):
                people = guard.present_people()
                result.findings.append(
                    AuditFinding(
                        alert=event,
                        utterance=utterance,
                        present=tuple(p.name for p in people),
                        uncleared=tuple(guard.person(pid).name for pid in event.uncleared),
                    )
                )
    result.guests = [g.name for g in guard.state.guests.values()]
    return result
