"""The shared strategies in tests/strategies.py draw what they promise (others rely on them)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from roomguard.core.models import Role
from tests.strategies import (
    HOSTILE_SAMPLES,
    agreements,
    any_event,
    hostile_text,
    names,
    session_records,
    topic_detected,
)


@settings(max_examples=max(10, settings.default.max_examples // 2))
@given(agreements())
def test_agreements_are_coherent(agreement):
    people = {p.id for p in agreement.participants}
    assert len(people) == len(agreement.participants)
    versions = [t.version for t in agreement.history] + [agreement.terms.version]
    assert versions == list(range(1, agreement.terms.version + 1))
    for terms in [*agreement.history, agreement.terms]:
        topics = {t.id for t in terms.topics}
        for scope in terms.scopes:
            assert set(scope.topic_ids) <= topics
            assert scope.participant_id in people
            assert scope.ends_on is None or scope.starts_on <= scope.ends_on
        for topic in terms.topics:
            for pattern in topic.patterns:
                re.compile(pattern)
    for consent in agreement.consents:
        assert consent.participant_id in people
        assert consent.terms_version in versions
    for review in agreement.reviews:
        assert set(review.participant_ids) <= people
    for person in agreement.participants:
        assert person.ended_on is None or person.added_on <= person.ended_on


@given(names())
def test_names_have_a_visible_character(name):
    assert name.strip()


@given(st.lists(hostile_text(), min_size=30, max_size=30))
def test_hostile_text_is_storable(texts):
    for text in texts:
        text.encode("utf-8")  # no lone surrogates: orjson could not store them


def test_hostile_samples_cover_markup_escapes_controls_emoji_and_rtl():
    joined = "".join(HOSTILE_SAMPLES)
    for needle in ["[bold]x[/]", "[/]", "\x1b[2J", "\x1b]52;c;", "\x1b]8;;", "\x00", "\u202e"]:
        assert needle in joined
    assert any("\u0590" <= ch <= "\u06ff" for ch in joined)  # Hebrew / Arabic
    assert any(ord(ch) > 0x1F000 for ch in joined)  # emoji


@given(session_records())
def test_session_ids_start_with_their_month(record):
    assert record.month == f"{record.started_at:%Y%m}"
    assert record.ended_at is None or record.ended_at >= record.started_at


@given(topic_detected())
def test_detections_point_at_their_phrase(event):
    assert event.line[event.start : event.end] == event.phrase


@given(any_event())
def test_guests_are_guests(event):
    guest = getattr(event, "guest", None)
    assert guest is None or guest.role is Role.GUEST
