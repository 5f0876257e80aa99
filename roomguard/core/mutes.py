"""Muted phrases: false alarms the coach chose to stop flagging for one client, and undoing that.

A mute is a decision with consequences (the phrase no longer alerts in any session or check of
this client), so it is recorded as one: the phrase goes in ``Agreement.muted_phrases`` (what
detection reads) and a :class:`~roomguard.core.models.MutedPhrase` beside it says when and
why. :func:`mutes_of` pairs the two for display; a phrase muted before the records were kept
has no record and says so. :func:`unmute_phrase` undoes a mute.

Phrases are compared folded ("Therapy" and "therapy" are one phrase). Which configured phrases
a mute silences follows the detector's own rule (:func:`silenced_phrases`): a phrase whose
normal form is one of the muted phrases' forms, inflections included, is never watched.
:class:`SilencedHits` finds, in a line, what the mutes kept from alerting (``roomguard check``
lists it, so a mute never hides a line from a review).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from roomguard.core.detection import Detector, Hit
from roomguard.core.models import Agreement, MutedPhrase, PrivateTopic
from roomguard.core.normalize import NO_FAMILIES, WordFamilies, normalise_phrase, phrase_variants
from roomguard.core.text import fold


@dataclass(frozen=True, slots=True)
class Mute:
    """One muted phrase and the record of its muting (None: muted before records were kept)."""

    phrase: str
    record: MutedPhrase | None

    def describe(self) -> str:
        """``muted 2026-11-25 10:05: false alarm on the Health alert``: when and why."""
        record = self.record
        if record is None:
            return "muted before Roomguard recorded when or why"
        text = f"muted {record.muted_at:%Y-%m-%d %H:%M}"
        return f"{text}: {record.reason}" if record.reason else text


def _is(phrase: str, other: str) -> bool:
    return fold(phrase.strip()) == fold(other.strip())


def is_muted(agreement: Agreement, phrase: str) -> bool:
    return any(_is(phrase, muted) for muted in agreement.muted_phrases)


def mute_phrase(agreement: Agreement, mute: MutedPhrase) -> bool:
    """Stop *mute.phrase* warning for this client and record when and why.

    Returns whether the agreement changed (False when the phrase is blank or already muted:
    the first decision and its record stand).
    """
    if not mute.phrase.strip() or is_muted(agreement, mute.phrase):
        return False
    agreement.muted_phrases.append(mute.phrase)
    agreement.mutes.append(mute)
    return True


def unmute_phrase(agreement: Agreement, phrase: str) -> bool:
    """Flag *phrase* again for this client: the phrase and its record go. Returns whether the
    agreement changed (False when it was not muted)."""
    if not is_muted(agreement, phrase):
        return False
    agreement.muted_phrases = [p for p in agreement.muted_phrases if not _is(p, phrase)]
    agreement.mutes = [m for m in agreement.mutes if not _is(m.phrase, phrase)]
    return True


def mutes_of(agreement: Agreement) -> list[Mute]:
    """Every muted phrase, in the order it was muted, with its record when there is one."""
    return [
        Mute(phrase, next((m for m in agreement.mutes if _is(m.phrase, phrase)), None))
        for phrase in agreement.muted_phrases
    ]


def _muted_forms(muted: Iterable[str]) -> set[str]:
    forms: set[str] = set()
    for phrase in muted:
        forms |= phrase_variants(normalise_phrase(phrase))
    return forms


def silenced_phrases(topic: PrivateTopic, muted: Iterable[str]) -> list[str]:
    """*topic*'s configured phrases that no longer alert because of *muted* (the detector's
    rule: the phrase's normal form is a form of a muted phrase)."""
    forms = _muted_forms(muted)
    return [p for p in topic.phrases if (n := normalise_phrase(p)) and n in forms]


class SilencedHits:
    """What an agreement's mutes silence in a line: the hits detection finds without them and
    not with them (a phrase muted outright, or a phrase inside a muted one)."""

    def __init__(self, agreement: Agreement, families: WordFamilies = NO_FAMILIES) -> None:
        """*families*: the word families the live detector uses, so a derived form a mute
        silences ("diagnosed" under a muted "diagnosis") is listed too."""
        topics = agreement.terms.topics
        self._muted = bool(agreement.muted_phrases)
        self._unmuted = Detector.from_topics(topics, (), families) if self._muted else None
        self._detector = Detector.from_topics(topics, agreement.muted_phrases, families)

    def scan(self, text: str) -> list[Hit]:
        if self._unmuted is None:
            return []
        kept = {(h.topic_id, h.start, h.end) for h in self._detector.scan(text)}
        return [h for h in self._unmuted.scan(text) if (h.topic_id, h.start, h.end) not in kept]
