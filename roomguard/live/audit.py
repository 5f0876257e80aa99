"""``roomguard check``: a finished transcript run through a live session that records nothing.

The same :class:`~roomguard.live.session.LiveSession` as the screen, over a
:class:`~roomguard.live.session.MemorySink`, with each line at its cue's time: a check and a
live session of the same transcript raise the same alerts. Lines a muted phrase kept from
alerting are listed apart (:attr:`AuditResult.silenced`): a mute narrows what alerts, never
what a review sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from roomguard.core.events import AlertRaised
from roomguard.core.models import Agreement, Client, SessionRecord
from roomguard.core.mutes import SilencedHits
from roomguard.core.observe import cue_offset
from roomguard.core.transcript import Utterance
from roomguard.live.session import LiveSession, MemorySink


@dataclass(frozen=True)
class AuditFinding:
    """An alert found in a transcript, with what a reviewer needs to judge it."""

    alert: AlertRaised
    utterance: Utterance
    present: tuple[str, ...]  # names of everyone in the room at that moment
    uncleared: tuple[str, ...]  # names of those not cleared


@dataclass(frozen=True)
class SilencedLine:
    """A line that would have mentioned a private topic but for a muted phrase."""

    utterance: Utterance
    phrases: tuple[str, ...]  # the configured phrases that did not alert
    topics: tuple[str, ...]  # their topics' names


@dataclass
class AuditResult:
    findings: list[AuditFinding] = field(default_factory=list)
    silenced: list[SilencedLine] = field(default_factory=list)
    lines: int = 0
    guests: list[str] = field(default_factory=list)
    journal: MemorySink = field(default_factory=MemorySink)  # what a live session would record


def audit_transcript(
    agreement: Agreement,
    utterances: Iterable[Utterance],
    present_ids: Iterable[str],
    start: datetime,
    client: Client | None = None,
) -> AuditResult:
    """Replay *utterances* against *agreement*, starting at *start* with *present_ids* in the
    room; nothing is stored."""
    result = AuditResult()
    if client is None:
        client = Client(name=agreement.client_id, id=agreement.client_id, created_on=start.date())
    live = LiveSession(result.journal, client, agreement, lambda: start)
    live.begin_with(SessionRecord(client_id=client.id, started_at=start,
                                  terms_version=agreement.terms.version), list(present_ids))
    guard = live.guard
    mutes = SilencedHits(agreement)
    for utterance in utterances:
        result.lines += 1
        if hits := mutes.scan(utterance.text):
            result.silenced.append(SilencedLine(
                utterance,
                tuple(dict.fromkeys(h.phrase for h in hits)),
                tuple(dict.fromkeys(h.topic_name for h in hits)),
            ))
        outcome = live.hear(utterance, at=start + cue_offset(utterance))
        if outcome.alerts:
            present = tuple(p.name for p in guard.present_people())
            result.findings += [
                AuditFinding(alert, utterance, present,
                             tuple(guard.person(pid).name for pid in alert.uncleared))
                for alert in outcome.alerts
            ]
    result.guests = [g.name for g in live.state.guests.values()]
    return result
