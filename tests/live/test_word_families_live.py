"""Issue 19, item 7, where the coach sees it: a private phrase "diagnosis" and a line that says
"diagnosed". Before word families the line raised no alert, was not recorded as a mention, and
stayed visible in discreet mode; now it is caught exactly as "diagnosis" would be, live and in
``roomguard check``."""

from __future__ import annotations

import pytest

from roomguard.core.events import TopicDetected
from roomguard.core.models import PrivateTopic
from roomguard.live.audit import audit_transcript
from roomguard.live.session import LiveSession, open_live
from roomguard.store import Store
from tests.live.builders import T0, Clock, heard, seed


@pytest.fixture
def seeded(store: Store) -> Store:
    """Noah's agreement with a Health topic (phrase "diagnosis") Grace is not cleared for."""
    seed(store)
    agreement = store.agreement("c-noah")
    assert agreement is not None
    agreement.terms.topics.append(PrivateTopic("Health", ["diagnosis"], id="health"))
    store.save_agreement(agreement)
    return store


def running(store: Store) -> LiveSession:
    live = open_live(store, "c-noah", Clock())
    live.begin()
    live.toggle("grace")
    return live


def test_a_derived_form_raises_the_alert_and_is_recorded(seeded: Store) -> None:
    live = running(seeded)
    out = live.note("Noah was diagnosed last month")
    (alert,) = out.alerts
    assert alert.topic_id == "health"
    (mention,) = [e for e in out.events if isinstance(e, TopicDetected)]
    assert (mention.topic_id, mention.phrase) == ("health", "diagnosis")


def test_a_derived_form_is_marked_in_the_log_so_discreet_mode_masks_it(seeded: Store) -> None:
    live = running(seeded)
    text = "they diagnosed it on Monday"
    entry = live.note(text).log[0]
    assert [text[s:e] for s, e in entry.spans] == ["diagnosed"]
    assert entry.private and "diagnosed" not in entry.masked


def test_a_check_reports_the_derived_form(seeded: Store) -> None:
    agreement = seeded.agreement("c-noah")
    assert agreement is not None
    result = audit_transcript(agreement, [heard("Noah", "I got diagnosed", line_no=1)],
                              ["grace"], T0)
    assert [f.alert.topic_name for f in result.findings] == ["Health"]


def test_a_form_the_coach_excluded_raises_nothing(seeded: Store) -> None:
    agreement = seeded.agreement("c-noah")
    assert agreement is not None
    agreement.terms.topics[-1].excluded_forms = ["diagnose"]
    seeded.save_agreement(agreement)
    reopened = seeded.agreement("c-noah")
    assert reopened is not None and reopened.terms.topics[-1].excluded_forms == ["diagnose"]
    live = running(seeded)
    assert live.note("Noah was diagnosed last month").alerts == []
    assert len(live.note("the diagnosis came back").alerts) == 1
