"""Issue 19, items 1-4, where a check is decided: what :func:`audit_transcript` gives a review.

Every mention under its alert (who was present, who not cleared), an arrival's alert as its
own kind with the mention that made the topic active, unknown speakers with their first line,
presence over time (join/leave lines, an attendance report), diarised labels mapped to parties.
Noah's agreement (tests/live/builders.py): Grace is cleared for School worries only.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from roomguard.core.attendance import PresenceChange
from roomguard.core.observe import cue_offset
from roomguard.core.transcript import Utterance, parse_text
from roomguard.live.audit import audit_transcript
from roomguard.live.session import open_live
from roomguard.store import Store
from tests.live.builders import CLIENT_ID, T0, heard, noah_and_his_agreement, seed

START = ["noah", "alex"]


def audit(transcript: list[Utterance], **kwargs):  # type: ignore[no-untyped-def]
    _, agreement = noah_and_his_agreement()
    return audit_transcript(agreement, transcript, START, T0, **kwargs)


def test_every_mention_is_listed_under_its_alert() -> None:
    """A check never acknowledges, so before mentions were told apart the second and third
    mentions were never reported at all."""
    result = audit([
        heard("Mum", "hello", "00:00:10.000", 1),
        heard("Noah", "the divorce is hard", "00:01:00.000", 2),
        heard("Noah", "and the custody hearing", "00:02:00.000", 3),
        heard("Noah", "the divorce again", "00:30:00.000", 4),
    ])
    (alert,) = result.alerts
    assert alert.kind == "mention" and alert.uncleared == ("Grace Kim",)
    assert [(m.utterance.line_no, m.phrase, m.present, m.uncleared) for m in alert.mentions] == [
        (2, "divorce", ("Noah Kim", "Alex Morgan", "Grace Kim"), ("Grace Kim",)),
        (3, "custody", ("Noah Kim", "Alex Morgan", "Grace Kim"), ("Grace Kim",)),
        (4, "divorce", ("Noah Kim", "Alex Morgan", "Grace Kim"), ("Grace Kim",)),
    ]
    assert result.mentions == 3


def test_an_arrival_is_its_own_kind_and_names_the_mention_behind_it() -> None:
    result = audit([
        heard("Noah", "the divorce is hard", "00:01:00.000", 1),
        heard("Mum", "sorry I'm late", "00:02:00.000", 2),
        heard("Noah", "the custody thing", "00:03:00.000", 3),
    ])
    arrival, mention = result.alerts
    assert (arrival.kind, arrival.joined, arrival.mentions) == ("arrival", "Grace Kim", [])
    assert arrival.active_since is not None and arrival.active_since.utterance.line_no == 1
    assert arrival.phrase == "divorce"  # never "": the phrase that made the topic active
    assert (mention.kind, mention.phrase, [m.utterance.line_no for m in mention.mentions]) == (
        "mention", "custody", [3])


def test_unknown_speakers_are_reported_with_their_first_line() -> None:
    result = audit([
        heard("Noah", "hi", "00:00:01.000", 1),
        heard("Visitor", "hello all", "00:00:05.000", 2),
        heard("Visitor", "again", "00:00:09.000", 3),
        heard("SPEAKER_01", "hm", "00:00:12.000", 4),
    ])
    assert [(u.name, u.utterance.line_no, u.offset, u.source) for u in result.unknown] == [
        ("Visitor", 2, timedelta(seconds=5), "transcript"),
        ("SPEAKER_01", 4, timedelta(seconds=12), "transcript"),
    ]


def test_a_speaker_map_says_who_a_diarised_label_is() -> None:
    result = audit([heard("SPEAKER_01", "the divorce", "00:00:12.000", 1)],
                   speaker_map={"speaker_01": "Grace Kim"})
    assert result.unknown == []
    assert [a.uncleared for a in result.alerts] == [("Grace Kim",)]


def test_someone_who_left_before_the_topic_is_no_breach() -> None:
    """Before: nobody ever left in a check, so Grace stepping out changed nothing."""
    transcript = parse_text(
        "[00:00:05] Mum: I'll leave you two to it.\n"
        "[00:00:06] [Mum left]\n"
        "[00:01:00] Noah: the divorce is hard\n"
        "[00:02:00] Grace Kim joined the meeting\n"
    )
    result = audit(transcript)
    assert [(a.kind, a.utterance.line_no) for a in result.alerts] == [("arrival", 4)]


def test_attendance_moves_people_between_the_lines() -> None:
    _, agreement = noah_and_his_agreement()
    grace = agreement.participant("grace")
    attendance = [
        PresenceChange(timedelta(seconds=0), "Grace Kim", grace, True),
        PresenceChange(timedelta(seconds=50), "Grace Kim", grace, False),
        PresenceChange(timedelta(minutes=3), "Grace Kim", grace, True),
        PresenceChange(timedelta(minutes=3, seconds=30), "Call-in User_1", None, True),
    ]
    result = audit([
        heard("Noah", "the divorce is hard", "00:01:00.000", 1),  # Grace has left
        heard("Noah", "my exam", "00:02:00.000", 2),
        heard("Noah", "thanks", "00:05:00.000", 3),
    ], attendance=attendance)
    assert [(a.kind, a.joined, a.from_attendance, a.utterance.cue_time) for a in result.alerts] == [
        ("arrival", "Grace Kim", True, "00:03:00.000"),  # the divorce is still recent
        ("arrival", "Call-in User_1", True, "00:03:30.000"),
        ("arrival", "Call-in User_1", True, "00:03:30.000"),
    ]
    assert [(u.name, u.source) for u in result.unknown] == [("Call-in User_1", "attendance")]


def test_a_join_or_leave_line_does_the_same_live() -> None:
    """The same LiveSession runs both: a followed transcript's "[Mum left]" moves Grace out."""
    transcript = parse_text("[00:00:05] Mum: bye for now\n[00:00:06] [Mum left]\n"
                            "[00:01:00] Noah: the divorce is hard\n")
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "store") as store:
        seed(store)
        live = open_live(store, CLIENT_ID, lambda: T0)
        live.begin()
        for utterance in transcript:
            live.hear(utterance, at=T0 + cue_offset(utterance))
        assert "grace" not in live.state.present
        assert live.state.alerts == {}
