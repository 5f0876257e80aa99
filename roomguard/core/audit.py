"""Feed transcript utterances through detection and policy: one path for live and headless use.

The live session (following a file) and ``roomguard check`` (a finished transcript) both call
:func:`observe_utterance`, so a transcript raises the same alerts whether it is watched as it
grows or audited afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from roomguard.core.detection import Detector
from roomguard.core.events import AlertRaised, Event, PresenceSource, TopicSource
from roomguard.core.models import Agreement
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


def observe_utterance(
    guard: Guard, detector: Detector, utterance: Utterance, now: datetime
) -> list[Event]:
    """One transcript line: an unknown speaker joins as a guest, then the line is judged."""
    events: list[Event] = []
    speaker = utterance.speaker.strip()
    if speaker and guard.resolve_speaker(speaker) is None:
        events += guard.add_guest(speaker, now, PresenceSource.SPEECH)
    events += guard.observe_line(
        utterance.text,
        now,
        TopicSource.TRANSCRIPT,
        detector.scan(utterance.text),
        speaker=speaker,
        cue_time=utterance.cue_time,
    )
    return events


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
        for event in observe_utterance(guard, detector, utterance, now):
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
