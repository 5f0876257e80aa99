"""Issue 19, item 9: the assistant-safe summary cannot leak what the detector would catch.

Found with canaries planted in share items: ``s<zero-width space>alary``, ``Sal ary`` and
``re-structuring`` went out (private phrases ``salary``, ``restructuring``), so did a party of
another client's agreement (``Grace Kim``) and another client's first name; an item hitting a
private phrase was dropped without a word to the coach, and one naming a person ("Dana is
seeing Dr Patel on Monday") went out unquestioned.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roomguard.core.events import Event, NoteAdded, SessionEnded, SessionStarted
from roomguard.core.models import Client, Participant, PrivateTopic, Role, SessionRecord
from roomguard.core.reports import (
    AssistantSafeSummary,
    OtherClients,
    ShareVerdict,
    assistant_safe_report,
    evader_words,
)
from roomguard.store.word_families import word_families
from tests.builders import AGREED_AT, build_agreement

START = datetime(2026, 11, 18, 10, 0)


def build_client(name: str, id: str) -> Client:
    return Client(name, id=id, created_on=AGREED_AT.date())


def build_party(name: str, role: Role, id: str) -> Participant:
    return Participant(name, role, id=id, added_on=AGREED_AT.date())

CLIENT = build_client("Dana Reyes", id="c-dana")
DANA = build_party("Dana Reyes", Role.CLIENT, id="p-dana")
COACH = build_party("Alex Morgan", Role.COACH, id="p-coach")
AGREEMENT = build_agreement(
    DANA, COACH, client_id=CLIENT.id,
    topics=[PrivateTopic("Money", ["salary"], id="t-money"),
            PrivateTopic("Company", ["restructuring"], id="t-company"),
            PrivateTopic("Health", ["diagnosis"], id="t-health")],
)
MARCUS = build_client("Marcus Webb", id="c-marcus")
THEIRS = build_agreement(
    build_party("Marcus Webb", Role.CLIENT, id="p-marcus"),
    build_party("Grace Kim", Role.SUPPORTER, id="p-grace"),
    build_party("Alex Morgan", Role.COACH, id="p-coach2"),
    client_id=MARCUS.id, topics=[PrivateTopic("Board", ["takeover"])],
)
OTHERS = OtherClients.of(CLIENT.id, [CLIENT, MARCUS], [AGREEMENT, THEIRS])
RECORD = SessionRecord(CLIENT.id, START, id="s1", ended_at=START + timedelta(minutes=50))


def report(*shares: str, **options: object) -> AssistantSafeSummary:
    events: list[Event] = [SessionStarted(START, CLIENT.id, 1, [DANA.id, COACH.id])]
    events += [NoteAdded(START + timedelta(minutes=i), text, shareable=True)
               for i, text in enumerate(shares, 1)]
    events.append(SessionEnded(START + timedelta(minutes=50)))
    return assistant_safe_report(CLIENT, AGREEMENT, [(RECORD, events)], OTHERS,
                                 families=word_families(), **options)  # type: ignore[arg-type]


def action_items(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize(
    ("item", "topic"),
    [
        ("s\u200balary review on Friday", "Money"),
        ("Sal ary review on Friday", "Money"),
        ("S-A-L-A-R-Y review", "Money"),
        ("sal\u00adary review", "Money"),
        ("ｓａｌａｒｙ review", "Money"),
        ("Salaries review", "Money"),
        ("re-structuring timeline", "Company"),
        ("re structur ing timeline", "Company"),
        ("the r\u200de\u2060structuring timeline", "Company"),
        ("she was diagnosed", "Health"),  # a word family
    ],
)
def test_an_evaders_spelling_of_a_private_phrase_is_withheld_with_its_reason(
    item: str, topic: str
) -> None:
    out = report(item, "Book room 4")
    assert action_items(out.text) == ["Book room 4"]
    (held,) = out.held_back
    assert held.original == item and held.verdict is ShareVerdict.WITHHELD
    assert held.reasons == (f'mentions the private topic "{topic}"',)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("Lunch with Grace Kim", "names a party of another client's agreement"),
        ("Ask Grace about the room", "names a party of another client's agreement"),
        ("ask G race about it", "names a party of another client's agreement"),
        ("Copy Marcus on the invoice", "names another client"),
        ("Copy M-a-r-c-u-s on the invoice", "names another client"),
        ("the takeover memo", "mentions another client's private topic"),
    ],
)
def test_names_from_other_agreements_are_withheld(item: str, reason: str) -> None:
    out = report(item)
    assert action_items(out.text) == []
    (held,) = out.held_back
    assert held.reasons == (reason,)


def test_the_coach_of_every_agreement_is_not_withheld_as_another_clients_party() -> None:
    out = report("Alex to send the invoice")
    assert out.held_back[0].verdict is ShareVerdict.ASK  # names a party of this agreement


def test_an_item_naming_a_person_waits_for_the_coach() -> None:
    item = "Dana is seeing Dr Patel on Monday"
    out = report(item)
    assert action_items(out.text) == []
    (held,) = out.held_back
    assert held.verdict is ShareVerdict.ASK
    assert held.reasons == ("names Dana Reyes, Dr Patel: confirm before sharing",)
    confirmed = report(item, confirmed={held.key})
    assert action_items(confirmed.text) == [item]
    assert confirmed.withheld == 0 and confirmed.held_back == []


def test_confirming_never_shares_a_private_word() -> None:
    out = report("Dana: salary talk")
    (held,) = out.held_back
    assert report("Dana: salary talk", confirmed={held.key}).held_back[0].verdict is (
        ShareVerdict.WITHHELD)


def test_a_withheld_item_can_be_edited_and_is_checked_again() -> None:
    out = report("Sal ary review on Friday")
    key = out.held_back[0].key
    still = report("Sal ary review on Friday", edits={key: "s a l a r y chat"})
    assert still.held_back[0].text == "s a l a r y chat"
    assert still.held_back[0].verdict is ShareVerdict.WITHHELD
    fixed = report("Sal ary review on Friday", edits={key: "Review on Friday"})
    assert action_items(fixed.text) == ["Review on Friday"]
    removed = report("Sal ary review on Friday", edits={key: " "})
    assert removed.held_back[0].reasons == ("removed by the coach",)


def test_safe_items_are_shared_and_reported_as_shared() -> None:
    out = report("Book room 4", "Send the invoice")
    assert action_items(out.text) == ["Book room 4", "Send the invoice"]
    assert [i.verdict for i in out.items] == [ShareVerdict.SHARED] * 2


# -- the canary property: plant an evader's spelling, nothing of it reaches the text --------

CANARIES = ["salary", "restructuring", "diagnosed", "Grace Kim", "Grace", "Marcus", "takeover"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f"]
SPLITTERS = [" ", "-", " - ", ".", "_", "  "]


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@st.composite
def evasions(draw: st.DrawFn) -> tuple[str, str]:
    """(canary, an evader's spelling of it)."""
    canary = draw(st.sampled_from(CANARIES))
    out: list[str] = []
    for index, ch in enumerate(canary):
        ch = draw(st.sampled_from([ch, ch.upper(), ch.lower(), _fullwidth(ch)]))
        if ch.isalpha() and draw(st.booleans()):
            ch = ch + "\u0301" if draw(st.booleans()) else unicodedata.normalize("NFC", ch + "\u0308")
        out.append(ch)
        if 0 < index + 1 < len(canary):
            if draw(st.integers(0, 3)) == 0:
                out.append(draw(st.sampled_from(INVISIBLE)))
            elif draw(st.integers(0, 4)) == 0:
                out.append(draw(st.sampled_from(SPLITTERS)))
    return canary, "".join(out)


SAFE = st.lists(st.sampled_from(["book", "room", "four", "invoice", "send", "Friday", "the"]),
                max_size=3).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(planted=st.lists(st.tuples(SAFE, evasions(), SAFE), min_size=1, max_size=4))
def test_canary_no_evaders_spelling_reaches_the_summary(
    planted: list[tuple[str, tuple[str, str], str]],
) -> None:
    items = [f"{before} {spelling} {after}".strip() for before, (_, spelling), after in planted]
    out = report(*items, "Book room 4")
    shared = ["".join(evader_words(line)) for line in action_items(out.text)]
    assert shared == ["bookroom4"]
    for _, (canary, _), _ in planted:
        squashed = "".join(evader_words(canary))
        assert not any(squashed in line for line in shared)
    assert len(out.held_back) == len(items)
    assert all(item.reasons for item in out.held_back)
