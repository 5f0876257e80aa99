"""Muted phrases (issue 18, item 2): a mute records when and why, can be undone, and the
consent document says that detection was narrowed without naming what it no longer catches."""

from __future__ import annotations

from datetime import date, datetime

from roomguard.core.detection import Detector
from roomguard.core.document import render_consent_document
from roomguard.core.models import Agreement, MutedPhrase, Participant, PrivateTopic, Role
from roomguard.core.mutes import (
    SilencedHits,
    is_muted,
    mute_phrase,
    mutes_of,
    silenced_phrases,
    unmute_phrase,
)
from tests.builders import build_agreement

AT = datetime(2026, 11, 18, 10, 25)
TODAY = date(2026, 11, 25)
HEALTH = PrivateTopic("Health", ["therapy", "diagnosis"], id="health")
WORK = PrivateTopic("Workload", ["delegation"], id="work")


def agreement(**fields: object) -> Agreement:
    return build_agreement(
        Participant("Priya Raman", Role.CLIENT, added_on=TODAY),
        Participant("Alex Morgan", Role.COACH, added_on=TODAY),
        topics=[HEALTH, WORK], **fields,  # type: ignore[arg-type]
    )


def therapy_muted(agreement: Agreement) -> MutedPhrase:
    record = MutedPhrase("therapy", AT, "false alarm on the Health alert", "202611-abc")
    assert mute_phrase(agreement, record)
    return record


def test_muting_records_the_phrase_when_and_why() -> None:
    ag = agreement()
    record = therapy_muted(ag)
    assert ag.muted_phrases == ["therapy"]
    assert ag.mutes == [record]
    (mute,) = mutes_of(ag)
    assert mute.phrase == "therapy" and mute.record == record
    assert mute.describe() == "muted 2026-11-18 10:25: false alarm on the Health alert"


def test_muting_again_keeps_the_first_decision() -> None:
    ag = agreement()
    first = therapy_muted(ag)
    assert not mute_phrase(ag, MutedPhrase(" Therapy ", AT.replace(hour=11), "again"))
    assert not mute_phrase(ag, MutedPhrase("  ", AT, "blank"))
    assert ag.muted_phrases == ["therapy"] and ag.mutes == [first]


def test_a_phrase_muted_before_records_were_kept_is_listed_without_one() -> None:
    ag = agreement(muted_phrases=["diagnosis"])
    (mute,) = mutes_of(ag)
    assert mute.record is None
    assert mute.describe() == "muted before Roomguard recorded when or why"


def test_unmuting_removes_the_phrase_and_its_record_and_it_alerts_again() -> None:
    ag = agreement()
    therapy_muted(ag)
    assert Detector.from_topics(ag.terms.topics, ag.muted_phrases).scan("my therapy") == []
    assert unmute_phrase(ag, "THERAPY")
    assert ag.muted_phrases == [] and ag.mutes == [] and not is_muted(ag, "therapy")
    (hit,) = Detector.from_topics(ag.terms.topics, ag.muted_phrases).scan("my therapy")
    assert hit.phrase == "therapy"
    assert not unmute_phrase(ag, "therapy")  # nothing left to undo


def test_silenced_phrases_follow_the_detectors_rule() -> None:
    assert silenced_phrases(HEALTH, ["Therapy"]) == ["therapy"]
    assert silenced_phrases(HEALTH, ["therapies"]) == []  # another form: "therapy" still hits
    assert silenced_phrases(WORK, ["therapy"]) == []


def test_silenced_hits_are_what_the_mutes_kept_from_alerting() -> None:
    ag = agreement()
    assert SilencedHits(ag).scan("therapy and delegation") == []  # nothing muted
    therapy_muted(ag)
    (hit,) = SilencedHits(ag).scan("therapy and delegation")
    assert (hit.topic_name, hit.phrase) == ("Health", "therapy")


def test_consent_document_counts_muted_phrases_and_their_topics_but_never_names_them() -> None:
    ag = agreement()
    plain = render_consent_document(ag, "Priya Raman", TODAY)
    assert "false alarm" not in plain
    therapy_muted(ag)
    text = render_consent_document(ag, "Priya Raman", TODAY)
    assert (
        "It no longer flags one word or phrase the coach judged a false alarm (under Health)"
        in text
    )
    assert "therapy" not in text and "diagnosis" not in text


def test_silenced_hits_follow_the_word_families_the_detector_uses() -> None:
    """A muted "diagnosis" also keeps "diagnosed" from alerting (the live detector expands
    phrases to their families), so a check must list that line as silenced too."""
    from roomguard.core.mutes import SilencedHits

    agreement = build_agreement(topics=[HEALTH], muted_phrases=["diagnosis"])
    families = {"diagnosis": ["diagnosed", "diagnose"], "diagnosed": ["diagnosis", "diagnose"]}
    line = "she was diagnosed in May"
    assert Detector.from_topics([HEALTH], (), families).scan(line)  # the family is detected
    assert not Detector.from_topics([HEALTH], ["diagnosis"], families).scan(line)  # ...muted
    assert [h.phrase for h in SilencedHits(agreement, families).scan(line)] == ["diagnosis"]
