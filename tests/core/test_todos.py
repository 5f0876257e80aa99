"""To-dos and consent gaps (issue 18, item 4): open to-dos can be marked done; a new version of
the terms leaves a to-do per party who must consent again, done once they have; check-ins give
every reason an agreement needs attention; a party without valid consent is a consent gap."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

import pytest

from roomguard.core.checkins import build_checkins, checkin_row
from roomguard.core.consent import ConsentState, amend_terms
from roomguard.core.models import (
    Agreement,
    Client,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
    Todo,
)
from roomguard.core.policy import consent_gap
from roomguard.core.todos import (
    TodoError,
    mark_done,
    open_todos,
    reconsent_todos,
    settle_consent_todos,
)
from roomguard.store.demo import demo_practice
from tests.builders import build_agreement, signed

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0)
AGREED = TODAY - timedelta(days=60)


def priya() -> Agreement:
    client = Participant("Priya Raman", Role.CLIENT, id="priya", added_on=AGREED)
    coach = Participant("Alex Morgan", Role.COACH, id="alex", added_on=AGREED)
    tom = Participant("Tom Becker", Role.ASSISTANT, id="tom", added_on=AGREED)
    work = PrivateTopic("Workload", ["delegation"], id="work")
    return build_agreement(
        client, coach, tom,
        topics=[work, PrivateTopic("Health", ["therapy"], id="health")],
        scopes=[ScopeExtension("tom", ["work"], "runs the calendar", starts_on=AGREED)],
        consents=signed(client, coach, tom, on=AGREED),
    )


def test_open_todos_are_listed_oldest_first_and_marked_done_with_the_time() -> None:
    ag = priya()
    later = Todo("Record written consent from Tom", NOW - timedelta(days=1))
    earlier = Todo("Add Sam to the agreement", NOW - timedelta(days=7))
    ag.todos += [later, earlier]
    assert open_todos(ag) == [earlier, later]
    done = mark_done(ag, earlier.id, NOW)
    assert done.done_at == NOW
    assert open_todos(ag) == [later]
    with pytest.raises(TodoError, match="already done on 2026-11-25"):
        mark_done(ag, earlier.id, NOW)
    with pytest.raises(TodoError, match="no longer on this agreement"):
        mark_done(ag, "nope", NOW)


def test_a_new_version_of_the_terms_leaves_a_todo_per_party_who_must_consent_again() -> None:
    ag = priya()
    terms = copy.deepcopy(ag.terms)
    terms.topics.append(PrivateTopic("Money", ["salary"], id="money"))
    assert amend_terms(ag, terms, NOW)
    todos = reconsent_todos(ag, TODAY, NOW)
    assert [(t.participant_id, t.terms_version) for t in todos] == [
        ("priya", 2), ("alex", 2), ("tom", 2)
    ]
    assert todos[2].text == ("Get written consent from Tom Becker to version 2 of the terms "
                             "(the terms changed on 2026-11-25)")
    ag.todos += todos
    assert reconsent_todos(ag, TODAY, NOW) == []  # already owed: not twice


def test_a_reconsent_todo_is_done_once_that_consent_is_on_file() -> None:
    ag = priya()
    terms = copy.deepcopy(ag.terms)
    terms.topics.append(PrivateTopic("Money", ["salary"], id="money"))
    amend_terms(ag, terms, NOW)
    ag.todos += reconsent_todos(ag, TODAY, NOW)
    ag.todos.append(Todo("Record written consent from Tom for Health", NOW))  # verbal: by hand
    ag.consents += signed("tom", on=TODAY, version=2)
    later = NOW + timedelta(minutes=5)
    (settled,) = settle_consent_todos(ag, TODAY, later)
    assert settled.participant_id == "tom" and settled.done_at == later
    assert {t.participant_id for t in open_todos(ag)} == {"priya", "alex", None}


def test_consent_gap_names_third_parties_without_valid_consent_only() -> None:
    ag = priya()
    assert consent_gap(ag, "tom", TODAY) is None
    terms = copy.deepcopy(ag.terms)
    terms.topics.append(PrivateTopic("Money", ["salary"], id="money"))
    amend_terms(ag, terms, NOW)
    gap = consent_gap(ag, "tom", TODAY)
    assert gap is not None and gap.state is ConsentState.OUTDATED
    assert consent_gap(ag, "priya", TODAY) is None  # the client and coach are always cleared
    assert consent_gap(ag, "alex", TODAY) is None
    assert consent_gap(ag, "a-guest", TODAY) is None  # not on the agreement: a guest


def test_checkins_give_every_reason_marcus_needs_attention() -> None:
    rows = {r.client_name: r for r in build_checkins(demo_practice(TODAY), TODAY)}
    marcus = rows["Marcus Webb"]
    assert marcus.reasons == ("scheduled review",)
    (gap,) = marcus.consent_gaps
    assert gap.startswith("Elena Ruiz: consented to v1 on") and gap.endswith("must consent again")
    assert marcus.attention == ("scheduled review", gap)


def test_a_revoked_consent_is_a_gap_without_its_free_text_note() -> None:
    ag = priya()
    (tom,) = [r for r in ag.consents if r.participant_id == "tom"]
    tom.revoked_on, tom.revocation_note = TODAY, "his dad found out about the therapy"
    row = checkin_row(Client("Priya Raman", created_on=AGREED), ag, TODAY)
    assert row.consent_gaps == (f"Tom Becker: consent revoked {TODAY.isoformat()}",)


def test_checkins_list_open_todos_with_their_reason() -> None:
    client = Client("Priya Raman", created_on=AGREED)
    ag = priya()
    verbal = Todo("Record written consent from Tom Becker for Health (given verbally in the "
                  "session of 2026-11-18 10:25)", datetime(2026, 11, 18, 10, 26),
                  participant_id="tom", session_id="202611-abc")
    done = Todo("Something settled", NOW, done_at=NOW)
    ag.todos += [verbal, done]
    row = checkin_row(client, ag, TODAY)
    assert [t.id for t in row.todos] == [verbal.id]
    assert row.todos[0].session_id == "202611-abc"
    assert row.attention[-1] == ("to-do: Record written consent from Tom Becker for Health "
                                 "(given verbally in the session of 2026-11-18 10:25) (since "
                                 "2026-11-18)")
    assert not any("settled" in r for r in row.attention)
    assert not any("Health" in r for r in row.reasons)  # a calendar never names a topic
