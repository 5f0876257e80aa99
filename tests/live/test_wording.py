"""SessionWording: each alert and event worded in full and for discreet mode."""

from __future__ import annotations

from datetime import datetime

from roomguard.core.detection import Detector
from roomguard.core.events import AlertRaised, TopicSource
from roomguard.core.models import Agreement, PrivateTopic, Role
from roomguard.core.session import Guard
from roomguard.live.wording import SessionWording, topic_masks
from tests.builders import build_party, build_terms

AT = datetime(2026, 11, 25, 10, 0)


def agreement() -> Agreement:
    return Agreement(
        client_id="c1",
        participants=[
            build_party(name="Noah", role=Role.CLIENT, id="noah"),
            build_party(name="Coach", role=Role.COACH, id="coach"),
            build_party(name="Grace [b]Kim[/b]", role=Role.SUPPORTER, id="grace"),
        ],
        terms=build_terms(topics=[
            PrivateTopic("Family conflict", ["argument at home"], id="t-family"),
            PrivateTopic("Health", ["diagnosis"], id="t-health"),
        ]),
    )


def alert_with_grace_present() -> tuple[SessionWording, AlertRaised]:
    deal = agreement()
    guard = Guard(deal)
    guard.start(AT, ["noah", "coach"])
    guard.set_presence("grace", True, AT)

    detector = Detector.from_topics(deal.terms.topics, [])
    line = "there was an argument at home"
    events = guard.observe_line(line, AT, TopicSource.NOTE, detector.scan(line))
    (alert,) = [e for e in events if isinstance(e, AlertRaised)]
    return SessionWording(deal, guard), alert


def test_private_topics_are_numbered_in_the_agreements_order() -> None:
    assert topic_masks(agreement()) == {"t-family": "Private topic 1", "t-health": "Private topic 2"}


def test_an_alert_reads_in_full_and_discreetly() -> None:
    wording, alert = alert_with_grace_present()
    view = wording.alert_view(alert)
    assert "Family conflict" in view.text and "Grace [b]Kim[/b]" in view.text
    assert view.masked == "Alert on Private topic 1 — 1 person present not cleared"
    assert "Family conflict" not in view.masked and "argument" not in view.masked


def test_log_entries_keep_private_wording_out_of_the_masked_line() -> None:
    wording, alert = alert_with_grace_present()
    entry = wording.entry_for(alert)
    assert entry is not None and entry.private
    assert "Family conflict" in entry.text
    assert entry.masked is not None and "Family conflict" not in entry.masked


def test_presence_events_name_the_people() -> None:
    deal = agreement()
    guard = Guard(deal)
    wording = SessionWording(deal, guard)
    (started,) = guard.start(AT, ["noah", "coach"])
    joined = guard.set_presence("grace", True, AT)[0]
    assert wording.entry_for(started).text == "Session started; in the room: Noah, Coach"  # type: ignore[union-attr]
    assert wording.entry_for(joined).text == "Grace [b]Kim[/b] came in"  # type: ignore[union-attr]
