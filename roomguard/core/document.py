"""The consent document: the agreement written out for everyone to read and sign.

Pure: :func:`render_consent_document` turns an agreement into Markdown text (which also reads
well as plain text); writing it to a file is the screen's job.

What goes in: the parties, the private topics **by name only**, the shareable categories, the
scope extensions, the review cadence and a signature line per party. What never goes in: the
detection phrases and patterns. They are the coach's working tool, and listing "salary, bonus,
stock options" under "Compensation" would spell out what the client wants kept quiet. For the
same reason muted phrases (false alarms the coach stopped flagging) are counted, with the
topics they belong to, but never named: the parties learn that detection was narrowed, not
what it no longer catches.

Every piece of user text is made printable (no control or bidi-override characters reach the
file) and has its Markdown punctuation escaped, so a name like ``[bold]Dana[/]`` or ``*Sam*``
appears exactly as typed and cannot add links, emphasis or headings to the document.
"""

from __future__ import annotations

import re
from datetime import date

from roomguard.core.dates import describe_date
from roomguard.core.models import Agreement, Participant, Role, ScopeExtension, Terms
from roomguard.core.mutes import silenced_phrases
from roomguard.core.text import printable

# Inline: emphasis, code, links/images, HTML, tables, strikethrough. At the start: headings,
# list markers, quotes and numbered lists ("1." / "1)").
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LEADING_SPECIAL = re.compile(r"^(\d*)([#+=.)-])")


def md(text: str) -> str:
    """*text* as literal Markdown inline text: printable, one line, punctuation escaped.

    Only what Markdown would act on is escaped, so an email address or a date stays readable
    as plain text.
    """
    escaped = _INLINE_SPECIAL.sub(r"\\\1", printable(text.strip(), None))
    return _LEADING_SPECIAL.sub(_escape_leading, escaped, count=1)


def _escape_leading(match: re.Match[str]) -> str:
    digits, mark = match.groups()
    if digits and mark not in ".)":
        return match.group()
    return f"{digits}\\{mark}"


def _role(participant: Participant) -> str:
    return participant.role.label


def _signing_order(parties: list[Participant]) -> list[Participant]:
    """Client first, then the coach, then third parties in the order they were added."""
    rank = {Role.CLIENT: 0, Role.COACH: 1}
    return sorted(parties, key=lambda p: rank.get(p.role, 2))


def _scope_line(scope: ScopeExtension, agreement: Agreement, terms: Terms) -> str:
    person = agreement.participant(scope.participant_id)
    who = md(person.name) if person else "(a party no longer on this agreement)"
    names = [terms.topic(tid) for tid in scope.topic_ids]
    topics = ", ".join(md(t.name) for t in names if t is not None) or "(no current topic)"
    until = f"until {describe_date(scope.ends_on)}" if scope.ends_on else "until changed or revoked"
    line = (
        f"- **{who}** may be present when these private topics are discussed: {topics}. "
        f"From {describe_date(scope.starts_on)}, {until}."
    )
    if scope.reason.strip():
        line += f" Reason: {md(scope.reason)}."
    return line


def _muted_line(agreement: Agreement, terms: Terms) -> str:
    """How many phrases the coach muted, and under which topics; never the phrases."""
    muted = agreement.muted_phrases
    if not muted:
        return ""
    count = len(muted)
    what = "one word or phrase" if count == 1 else f"{count} words or phrases"
    line = (
        "The coach's software flags these topics when they come up. It no longer flags "
        f"{what} the coach judged a false alarm"
    )
    touched = [md(t.name) for t in terms.topics if silenced_phrases(t, muted)]
    if touched:
        line += f" (under {', '.join(touched)})"
    return line + "; they are not listed here, as the list would say what is private."


def render_consent_document(
    agreement: Agreement,
    client_name: str,
    today: date,
    *,
    coach_note: str = "",
) -> str:
    """The agreement's current terms as a Markdown document ready to sign.

    Parties are those active on *today*. The text never contains a topic's phrases or patterns.
    """
    terms = agreement.terms
    parties = _signing_order(agreement.active_participants(today))
    client = md(client_name)
    out: list[str] = []
    add = out.append

    add(f"# Confidentiality agreement for coaching with {client}")
    add("")
    add(
        f"Terms version {terms.version}, set on {describe_date(terms.created_at.date())}. "
        f"Document prepared {describe_date(today)}."
    )
    if agreement.history:
        add(
            f"This version replaces version {terms.version - 1}. Consent given to an earlier "
            "version does not cover these terms: every party signs again."
        )
    add("")
    add(
        "Coaching conversations are confidential between the client and the coach. Before "
        "anyone else joins a session, everyone taking part agrees in writing what stays "
        "private and what may be shared. This document records that agreement."
    )

    add("")
    add("## Parties")
    add("")
    for person in parties:
        line = f"- **{md(person.name)}**, {_role(person)}"
        if person.contact.strip():
            line += f"; contact: {md(person.contact)}"
        add(line)

    add("")
    add("## Private topics")
    add("")
    if terms.topics:
        add(
            f"These topics stay between {client} and the coach. When anyone else is present, "
            "the conversation pauses before they come up, unless a scope extension below "
            "covers that person and topic."
        )
        add("")
        for number, topic in enumerate(terms.topics, 1):
            add(f"{number}. {md(topic.name)}")
        muted = _muted_line(agreement, terms)
        if muted:
            add("")
            add(muted)
    else:
        add("No topics are listed. Nothing discussed is shared without the client's agreement.")

    add("")
    add("## What may be shared")
    add("")
    if terms.shareable:
        add("The coach may discuss these with the other parties:")
        add("")
        for category in terms.shareable:
            add(f"- {md(category)}")
    else:
        add("Nothing is shared with other parties by default.")

    add("")
    add("## Scope extensions")
    add("")
    if terms.scopes:
        for scope in terms.scopes:
            add(_scope_line(scope, agreement, terms))
    else:
        add("None. No third party is present for any private topic.")

    add("")
    add("## Review")
    add("")
    review = f"This agreement is reviewed {md(agreement.cadence.describe())}"
    if agreement.next_review is not None:
        review += f"; the next review is on {describe_date(agreement.next_review)}"
    add(review + ".")
    add(
        "Changing the private topics, the shareable categories or a scope extension creates a "
        "new version of these terms, which every party signs again."
    )

    add("")
    add("## Consent and withdrawal")
    add("")
    add(
        "Each party consents in writing: a wet signature, an e-signature, an email "
        "confirmation, or a verbal agreement confirmed in writing. Any party may withdraw "
        "consent at any time by telling the coach in writing; sessions with third parties "
        "then stop until the agreement is renewed."
    )
    if coach_note.strip():
        add("")
        add(md(coach_note))

    add("")
    add("## Signatures")
    for person in parties:
        add("")
        add(f"**{md(person.name)}** ({_role(person)})")
        add("")
        add("Signature: ______________________________    Date: ______________")
    add("")
    return "\n".join(out)
