"""The consent document: what it says, what it never says, and that user text stays literal."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

from roomguard.core.consent import amend_terms
from roomguard.core.document import md, render_consent_document
from roomguard.core.models import (
    Agreement,
    Cadence,
    CadenceKind,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
)
from tests.builders import build_agreement, build_terms

TODAY = date(2026, 11, 25)


def agreement() -> Agreement:
    client = Participant("Priya Raman", Role.CLIENT, aliases=["Priya"], added_on=TODAY)
    coach = Participant("Alex Morgan", Role.COACH, added_on=TODAY)
    tom = Participant("Tom Becker", Role.ASSISTANT, contact="tom@example.com", added_on=TODAY)
    health = PrivateTopic("Health", ["diagnosis", "medication"], patterns=[r"\bmeds?\b"])
    workload = PrivateTopic("Workload", ["delegation", "calendar overload"])
    return build_agreement(
        tom,
        coach,
        client,
        client_id="c1",
        created_at=datetime(2026, 11, 1, 9, 0),
        topics=[health, workload],
        scopes=[
            ScopeExtension(
                tom.id,
                [workload.id],
                "Tom runs the calendar",
                starts_on=TODAY,
                ends_on=TODAY + timedelta(days=90),
            )
        ],
        cadence=Cadence(CadenceKind.MONTHS, 3),
        next_review=date(2027, 1, 4),
    )


def test_lists_topic_names_but_never_phrases_or_patterns() -> None:
    text = render_consent_document(agreement(), "Priya Raman", TODAY)
    assert "1. Health" in text
    assert "2. Workload" in text
    for secret in ("diagnosis", "medication", "delegation", "calendar overload", "meds"):
        assert secret not in text


def test_parties_shareable_scopes_and_review() -> None:
    text = render_consent_document(agreement(), "Priya Raman", TODAY)
    assert "# Confidentiality agreement for coaching with Priya Raman" in text
    assert "Terms version 1, set on Sun 1 Nov 2026" in text
    assert "- **Tom Becker**, assistant; contact: tom@example.com" in text
    for category in ("scheduling", "logistics", "invoicing/admin"):
        assert f"- {category}" in text
    assert (
        "- **Tom Becker** may be present when these private topics are discussed: Workload. "
        "From Wed 25 Nov 2026, until Tue 23 Feb 2027. Reason: Tom runs the calendar."
    ) in text
    assert "reviewed every 3 months; the next review is on Mon 4 Jan 2027." in text


def test_signature_line_per_active_party_client_first() -> None:
    a = agreement()
    a.participants.append(Participant("Gone Person", Role.OBSERVER, added_on=TODAY, ended_on=TODAY))
    text = render_consent_document(a, "Priya Raman", TODAY)
    signatures = text.split("## Signatures", 1)[1]
    assert signatures.count("Signature: ") == 3
    assert signatures.count("Date: ") == 3
    order = [signatures.index(n) for n in ("Priya Raman", "Alex Morgan", "Tom Becker")]
    assert order == sorted(order)
    assert "Gone Person" not in text


def test_new_version_says_it_replaces_the_old_one() -> None:
    a = agreement()
    new = copy.deepcopy(a.terms)
    new.topics.append(PrivateTopic("Money", ["salary"]))
    assert amend_terms(a, new, datetime(2026, 11, 20, 12, 0))
    text = render_consent_document(a, "Priya Raman", TODAY)
    assert "Terms version 2" in text
    assert "replaces version 1" in text
    assert "3. Money" in text
    assert "salary" not in text


def test_empty_sections_say_so() -> None:
    a = agreement()
    a.terms = build_terms(topics=[], shareable=[], scopes=[])
    a.next_review = None
    text = render_consent_document(a, "Priya Raman", TODAY)
    assert "No topics are listed" in text
    assert "Nothing is shared with other parties by default." in text
    assert "None. No third party is present" in text
    assert "reviewed every 3 months." in text


def test_hostile_text_is_literal_markdown() -> None:
    a = agreement()
    a.participants[0].name = "[bold]Tom[/] *Sam* `x`"
    a.terms.topics[0].name = "# <script>\x1b]52;c;aGk=\x07"
    a.terms.shareable = ["1. numbered", "- dash"]
    text = render_consent_document(a, "[link=http://x]Priya[/link]", TODAY)
    assert "\x1b" not in text and "\x07" not in text
    assert r"\[bold\]Tom\[/\] \*Sam\* \`x\`" in text
    assert r"1. \# \<script\>␛\]52;c;aGk=␇" in text
    assert r"- 1\. numbered" in text
    assert r"- \- dash" in text
    assert r"with \[link=http://x\]Priya\[/link\]" in text


def test_md_leaves_ordinary_text_alone() -> None:
    assert md("tom.becker@example.com") == "tom.becker@example.com"
    assert md("2026 plans (draft)") == "2026 plans (draft)"
    assert md("مرحبا 👋") == "مرحبا 👋"
    assert md("a\u202eb") == r"a\<U+202E\>b"  # shown, not obeyed
