"""Session reports as Markdown: the coach's full summary, and a summary safe for an assistant.

Pure: text in, text out. Writing a file or the clipboard is the screen's job.

:func:`coach_summary_markdown` is for the coach's own records and holds everything the session
recorded: who was in the room when, the private topics detected, every alert with how it was
handled, and every note.

:func:`assistant_safe_summary` is meant to be sent to a third party (the client's assistant,
say). It is built by **allow-list**: it starts from nothing and adds only these, per session:

* the date, start and end time and length of the session (computed, no user text);
* the names of the agreement's parties who were in the room at some point (parties only:
  a guest's name is typed in the moment and never listed);
* the shareable categories of the agreement's current terms (once, at the top);
* the text of notes recorded as shareable action items (``NoteAdded.shareable``; a note also
  marked private is left out);
* the next session's date and time, when one is booked (``Agreement.next_session``).

Nothing else is ever read into the output: no topic, alert, acknowledgement, private or
ordinary note, transcript line, guest, contact detail or client note. And every piece of user
text that is allowed in is checked first, belt and braces, against every private topic the
client has ever had (current and earlier terms) and every topic name or phrase the sessions'
own events recorded:

The rest of the practice counts too (:class:`OtherClients`): every private topic of every
other client's agreement (current and earlier terms), and every other client's name (whole
words only: that someone is a client is itself confidential), since a note typed in one
client's session may well mention another's business. Words recorded only in another client's
session events (a topic deleted from every version of their terms) are not checked: that
would mean reading the whole practice's journals for every summary.

1. the topic :class:`~roomguard.core.detection.Detector` (whole words, inflections, patterns;
   each topic's name counts as a phrase; muted phrases are *not* honoured here, because a
   false alarm in the room is no reason to take a risk on paper), and
2. a plain casefolded substring test against every topic name and phrase.

A shareable note that trips either check is left out entirely; a party name or shareable
category that trips it is replaced by a neutral placeholder. How many items were left out is
returned to the coach (:class:`AssistantSafeSummary.withheld`), never written into the text,
because "one item withheld" would itself say that something private came up.

Written the way an evader would write it (issue 19, item 9), a share item is still caught: the
text is also read with zero-width and other invisible characters removed, full-width letters,
accents and case folded, and any run of neighbouring words joined ("Sal ary", "re-structuring",
"s\u200balary", "S-A-L-A-R-Y" all read "salary"), and each joined run is compared with every
form of every private phrase (inflections and word families included) and with every name
below. Names count too: the name, first name and aliases of every party of every *other*
agreement, and every other client's name and first name (a name the client's own agreement
also uses is not withheld). A share item that names someone (a party of this agreement, or a
title and a name: "Dr Patel") is not shared until the coach confirms it.

Every share item comes back with its verdict and the reasons (:class:`ShareItem`), so the coach
sees, before anything is written, what will be shared, what was withheld and why; an item can
be edited (``edits``: checked again like any other) or confirmed (``confirmed``: only a
person's name can be confirmed, never a private word).

"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from roomguard.core.dates import describe_date
from roomguard.core.detection import Detector
from roomguard.core.document import md
from roomguard.core.events import (
    AlertRaised,
    ClockWentBack,
    Event,
    NoteAdded,
    TopicDetected,
)
from roomguard.core.instants import elapsed, instant
from roomguard.core.models import Agreement, Client, PrivateTopic, SessionRecord, Terms
from roomguard.core.normalize import (
    NO_FAMILIES,
    WordFamilies,
    fold,
    normalise_phrase,
    phrase_variants,
)
from roomguard.core.session import replay, summarise

__all__ = [
    "AssistantSafeSummary",
    "OtherClients",
    "ShareItem",
    "ShareVerdict",
    "assistant_safe_report",
    "assistant_safe_summary",
    "coach_summary_markdown",
    "describe_clock_change",
    "describe_length",
    "describe_span",
    "evader_words",
]


# -- shared formatting (no user text) ----------------------------------------------------------


def describe_length(length: timedelta | None) -> str:
    """``50 min``, ``1 h 05 min``; ``not ended`` for None."""
    if length is None:
        return "not ended"
    minutes = max(0, int(length.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def describe_span(start: datetime, end: datetime | None) -> str:
    """``Wed 18 Nov 2026, 10:00–10:50 (50 min)``, or ``…, 10:00, not ended``. The times are
    the wall clock as recorded; the length is real time (30 min across a DST change that the
    faces make look like 90)."""
    day = describe_date(start.date())
    if end is None:
        return f"{day}, {start:%H:%M}, not ended"
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{describe_date(end.date())} {end:%H:%M}"
    return f"{day}, {start:%H:%M}–{end_text} ({describe_length(elapsed(start, end))})"


def describe_clock_change(change: ClockWentBack) -> str:
    """Why a record's times differ from the wall clock after the computer's clock went back."""
    return (f"the computer's clock went back at {change.at:%H:%M} (it read "
            f"{change.reading:%H:%M}); later times run on from {change.at:%H:%M}, so the "
            "record stays in order")


def _time(at: datetime | None) -> str:
    return "?" if at is None else f"{at:%H:%M:%S}"


def _terms_for(agreement: Agreement, version: int) -> Terms:
    return agreement.terms_version(version) or agreement.terms


def _topic_name(agreement: Agreement, terms: Terms, topic_id: str, fallback: str = "") -> str:
    topic = terms.topic(topic_id) or next(
        (t for version in (agreement.terms, *agreement.history) for t in version.topics
         if t.id == topic_id),
        None,
    )
    if topic is not None:
        return topic.name
    return fallback or "(a topic no longer in the terms)"


# -- the coach's summary -----------------------------------------------------------------------


def coach_summary_markdown(
    client: Client, agreement: Agreement, record: SessionRecord, events: Sequence[Event]
) -> str:
    """Everything one session recorded, as Markdown for the coach's own files.

    Contains private material (topics, phrases, transcript lines, alert reasons, private notes):
    never send it to a third party. Every piece of user text is printable and Markdown-escaped.
    """
    state = replay(events, record.id)
    summary = summarise(state, agreement)
    terms = _terms_for(agreement, record.terms_version)
    start = summary.started_at or record.started_at
    end = summary.ended_at or record.ended_at
    names = {p.participant_id: p.name for p in summary.presence}

    out: list[str] = []
    add = out.append
    add(f"# Session with {md(client.name)}")
    add("")
    add(f"- **When:** {describe_span(start, end)}")
    add(f"- **Terms version:** {record.terms_version}")
    handled = len(summary.alerts) - summary.unhandled
    add(f"- **Alerts:** {len(summary.alerts)} ({handled} handled, {summary.unhandled} unhandled)")
    for change in summary.clock_changes:
        add(f"- **Clock:** {describe_clock_change(change)}")
    add("")
    add("*Private: this summary is for the coach's records only.*")

    add("")
    add("## Who was in the room")
    add("")
    if summary.presence:
        for person in summary.presence:
            spans = ", ".join(
                f"{i.start:%H:%M}–{i.end:%H:%M}" if i.end else f"{i.start:%H:%M}–(still present)"
                for i in person.intervals
            )
            total = describe_length(person.total) if person.total is not None else "open"
            add(f"- **{md(person.name)}** ({person.role.label}): {spans}; {total}")
    else:
        add("Nobody was recorded as present.")

    add("")
    add("## Private topics detected")
    add("")
    detected = [e for e in events if isinstance(e, TopicDetected)]
    if detected:
        for event in detected:
            name = _topic_name(agreement, terms, event.topic_id)
            line = f'- {_time(event.at)} **{md(name)}**: "{md(event.phrase)}" ({event.source.value}'
            if event.speaker.strip():
                line += f", {md(event.speaker)}"
            if event.cue_time.strip():
                line += f" at {md(event.cue_time)}"
            line += ")"
            if event.line.strip():
                line += f" — {md(event.line)}"
            add(line)
    else:
        add("None detected.")

    add("")
    add("## Alerts")
    add("")
    if summary.alerts:
        for outcome in summary.alerts:
            alert = outcome.alert
            who = ", ".join(md(names.get(pid, pid)) for pid in alert.uncleared)
            add(
                f"- {_time(alert.at)} **{md(alert.topic_name)}**: {md(alert.reason)} "
                f"(uncleared: {who or 'nobody named'})"
            )
            ack = outcome.acknowledgement
            if ack is None:
                add("  - **Unhandled**")
            else:
                add(f"  - Handled at {_time(ack.at)}: {md(outcome.handled)}")
    else:
        add("No alerts.")

    add("")
    add("## Notes")
    add("")
    notes = [e for e in events if isinstance(e, NoteAdded)]
    if notes:
        for note in notes:
            flags = [f for f, on in (("private", note.private), ("shareable", note.shareable)) if on]
            tag = f" ({', '.join(flags)})" if flags else ""
            add(f"- {_time(note.at)}{tag}: {md(note.text)}")
    else:
        add("No notes.")
    add("")
    return "\n".join(out)


# -- the assistant-safe summary ----------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True, slots=True)
class OtherClients:
    """The rest of the practice, as far as one client's assistant-safe summary must know it:
    no other client's name, and nothing private from their agreements, may appear in it."""

    names: tuple[str, ...] = ()
    topics: tuple[PrivateTopic, ...] = ()
    # Every party of every other agreement: names and aliases (issue 19, item 9).
    parties: tuple[str, ...] = ()

    @classmethod
    def of(cls, client_id: str, clients: Iterable[Client],
           agreements: Iterable[Agreement]) -> OtherClients:
        names = tuple(c.name for c in clients if c.id != client_id and c.name.strip())
        agreements = list(agreements)
        topics = tuple(t for a in agreements if a.client_id != client_id for t in _all_topics(a))
        parties = tuple(dict.fromkeys(
            n for a in agreements if a.client_id != client_id for p in a.participants
            for n in (p.name, *p.aliases) if n.strip()))
        return cls(names, topics, parties)


# Characters that show nothing but split a word for a plain comparison: soft hyphen, zero-width
# and joiner characters, bidi marks (all category Cf), and the blank fillers of other scripts.
_FILLERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def evader_words(text: str) -> list[str]:
    """The words of *text* as a reader sees them: invisible characters removed first (so
    "s\u200balary" is one word), then folded like the detector folds (case, accents, full-width
    forms), split on everything else."""
    seen = "".join(
        ch for ch in text if ch not in _FILLERS and unicodedata.category(ch) != "Cf")
    return fold(seen)[0].split()


def _joined_runs(words: list[str], longest: int) -> Iterator[str]:
    """Every run of neighbouring words glued together, up to *longest* characters."""
    for start in range(len(words)):
        joined = ""
        for word in words[start:]:
            joined += word
            if len(joined) > longest:
                break
            yield joined


def _squash(phrase: str) -> str:
    return "".join(evader_words(phrase))


def _first_name(name: str) -> str:
    words = evader_words(name)
    return words[0] if len(words) > 1 else ""


class _Forbidden:
    """Glued forms (``"salary"``, ``"gracekim"``) and why each may not be shared."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    def add(self, form: str, reason: str) -> None:
        if form:
            self.reasons.setdefault(form, reason)

    def add_phrase(self, phrase: str, reason: str, families: WordFamilies) -> None:
        for variant in phrase_variants(normalise_phrase(phrase), families):
            self.add(variant.replace(" ", ""), reason)

    def found(self, text: str) -> list[str]:
        if not self.reasons:
            return []
        longest = max(map(len, self.reasons))
        hits = (self.reasons.get(run) for run in _joined_runs(evader_words(text), longest))
        return list(dict.fromkeys(reason for reason in hits if reason))


_TITLED = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Professor|Doctor)\.?\s+[A-Z][\w'’-]+")


class _LeakCheck:
    """Does a piece of text mention anything private? (See the module docstring.)"""

    def __init__(self, topics: Iterable[PrivateTopic], extra_words: Iterable[str],
                 whole_words: Iterable[str] = ()) -> None:
        topics = list(topics)
        # A topic's name counts as one of its phrases here, so "family-conflict" is caught too.
        # *whole_words* (other clients' names) are matched by the detector only: as substrings,
        # a client called "Al" would withhold every note that says "call".
        names = PrivateTopic("other clients", list(whole_words), id="other-clients")
        self._detector = Detector.from_topics(
            [*(PrivateTopic(t.name, [t.name, *t.phrases], list(t.patterns), t.id) for t in topics),
             names]
        )
        words = [t.name for t in topics] + [p for t in topics for p in t.phrases]
        words += list(extra_words)
        # Compared two ways: casefolded as typed (a name pasted whole, whatever its edges), and
        # also with Unicode forms unified and runs of white space collapsed.
        self._raw = {w for w in (x.casefold().strip() for x in words) if w}
        self._folded = {w for w in (_fold(x) for x in words) if w}

    def leaks(self, text: str) -> bool:
        raw, folded = text.casefold(), _fold(text)
        if any(w in raw for w in self._raw) or any(w in folded for w in self._folded):
            return True
        return bool(self._detector.topics_in(text))

    def reasons(self, text: str, forbidden: _Forbidden) -> list[str]:
        """Why *text* may not be shared (empty: it may): :meth:`leaks`, then the evader's
        spellings of every private word and name."""
        found = forbidden.found(text)
        if not found and self.leaks(text):
            found = ["mentions a private topic or word"]
        return found


def _forbidden(agreement: Agreement, others: OtherClients, recorded: Iterable[str],
               families: WordFamilies) -> _Forbidden:
    forbidden = _Forbidden()
    for topic in _all_topics(agreement):
        for phrase in (topic.name, *topic.phrases):
            forbidden.add_phrase(phrase, f'mentions the private topic "{topic.name}"', families)
    for word in recorded:
        forbidden.add_phrase(word, "mentions a word these sessions recorded as private",
                             families)
    for topic in others.topics:
        for phrase in (topic.name, *topic.phrases):
            forbidden.add_phrase(phrase, "mentions another client's private topic", families)
    own = {_squash(n) for p in agreement.participants for n in (p.name, *p.aliases)}
    own |= {_first_name(p.name) for p in agreement.participants}
    for name in others.names:
        for form in (_squash(name), _first_name(name)):
            if form not in own:
                forbidden.add(form, "names another client")
    for name in others.parties:
        for form in (_squash(name), _first_name(name)):
            if form not in own:
                forbidden.add(form, "names a party of another client's agreement")
    return forbidden


def _people_named(text: str, agreement: Agreement) -> list[str]:
    """The people *text* names: this agreement's parties (name, first name or alias, as whole
    words however written) and anyone given a title ("Dr Patel")."""
    runs = set(_joined_runs(evader_words(text), 80))
    named: list[str] = []
    for party in agreement.participants:
        forms = {_squash(party.name), _first_name(party.name), *map(_squash, party.aliases)}
        if runs & (forms - {""}):
            named.append(party.name)
    named += [m.group() for m in _TITLED.finditer(text)]
    return list(dict.fromkeys(named))


def _all_topics(agreement: Agreement) -> list[PrivateTopic]:
    return [t for terms in (agreement.terms, *agreement.history) for t in terms.topics]


def _recorded_words(events: Iterable[Event]) -> list[str]:
    """Topic names and phrases the events themselves carry (a topic since deleted included)."""
    words: list[str] = []
    for event in events:
        if isinstance(event, TopicDetected):
            words.append(event.phrase)
        elif isinstance(event, AlertRaised):
            words += [event.topic_name, event.phrase]
    return words


class ShareVerdict(StrEnum):
    SHARED = "shared"
    WITHHELD = "withheld"  # mentions something private: no confirmation can share it
    ASK = "needs confirmation"  # names a person: shared only once the coach confirms it


@dataclass(frozen=True, slots=True)
class ShareItem:
    """One ``share:`` item as the coach reviews it before the summary is written."""

    key: str  # "<session id>#<n>": what ``edits`` and ``confirmed`` refer to
    session: str  # when, for the coach
    original: str  # as recorded
    text: str  # as it would be shared (the coach's edit, if any)
    verdict: ShareVerdict
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AssistantSafeSummary:
    """The shareable text, and how many allowed items were left out for mentioning a topic.

    ``withheld`` is for the coach only; the text never says anything was left out. ``items``
    is every share item with its verdict and reasons, for the review before writing.
    """

    text: str
    sessions: int
    withheld: int
    items: tuple[ShareItem, ...] = ()

    @property
    def held_back(self) -> list[ShareItem]:
        return [item for item in self.items if item.verdict is not ShareVerdict.SHARED]


_NAME_WITHHELD = "a party to the agreement"
_CATEGORY_WITHHELD = "(one category not listed)"


def assistant_safe_report(
    client: Client,
    agreement: Agreement,
    records_with_events: Iterable[tuple[SessionRecord, Sequence[Event]]],
    others: OtherClients = OtherClients(),  # noqa: B008 - frozen, so one shared empty value
    *,
    families: WordFamilies = NO_FAMILIES,
    edits: Mapping[str, str] | None = None,
    confirmed: Collection[str] = (),
) -> AssistantSafeSummary:
    """The assistant-safe summary and the count of items withheld. See the module docstring.

    *edits* replaces a share item's text (by :attr:`ShareItem.key`; blank removes it), checked
    again like any other; *confirmed* lists the keys of items naming a person that the coach
    agreed to share.

    Raises ValueError when a record belongs to another client (nothing of theirs may be mixed in).
    """
    sessions = []
    for record, events in records_with_events:
        if record.client_id != client.id or agreement.client_id != client.id:
            raise ValueError("a session or agreement of another client was passed")
        sessions.append((record, list(events)))
    sessions.sort(key=lambda pair: instant(pair[0].started_at))

    recorded = [w for _, events in sessions for w in _recorded_words(events)]
    check = _LeakCheck([*_all_topics(agreement), *others.topics], recorded, others.names)
    forbidden = _forbidden(agreement, others, recorded, families)
    edits = edits or {}
    reviewed: list[ShareItem] = []
    withheld = 0
    parties = {p.id: p for p in agreement.participants}

    out: list[str] = []
    add = out.append
    client_name = client.name
    if check.leaks(client_name):
        client_name, withheld = "the client", withheld + 1
    add(f"# Session summary: {md(client_name)}")
    add("")
    add(
        "Shared under the confidentiality agreement: dates and times, who attended, and the "
        "action items agreed as shareable."
    )
    categories = []
    for category in agreement.terms.shareable:
        if not category.strip():
            continue
        if check.leaks(category):
            withheld += 1
            categories.append(_CATEGORY_WITHHELD)
        else:
            categories.append(md(category))
    if categories:
        add("")
        add("What may be shared: " + ", ".join(dict.fromkeys(categories)) + ".")
    if agreement.next_session is not None:  # a date and time: scheduling, no user text
        add("")
        add(f"Next session: {agreement.next_session:%A %d %B %Y, %H:%M}.")

    if not sessions:
        add("")
        add("No sessions in this period.")
    for record, events in sessions:
        state = replay(events, record.id)
        start = state.started_at or record.started_at
        end = state.ended_at or record.ended_at
        add("")
        add(f"## {describe_span(start, end)}")
        add("")
        in_room = state.intervals()
        present = [person for pid, person in parties.items() if pid in in_room]
        shown = []
        for person in present:
            if check.leaks(person.name):
                withheld += 1
                shown.append(f"{_NAME_WITHHELD} ({person.role.label})")
            else:
                shown.append(f"{md(person.name)} ({person.role.label})")
        add("Attended: " + ("; ".join(shown) if shown else "not recorded") + ".")
        items = []
        shares = [e for e in events if isinstance(e, NoteAdded) and e.shareable and not e.private]
        for number, event in enumerate(shares, 1):
            key = f"{record.id}#{number}"
            text = edits.get(key, event.text)
            if not text.strip():
                if event.text.strip():
                    withheld += 1
                    reviewed.append(ShareItem(key, describe_span(start, end), event.text, text,
                                              ShareVerdict.WITHHELD, ("removed by the coach",)))
                continue
            reasons = check.reasons(text, forbidden)
            if reasons:
                verdict = ShareVerdict.WITHHELD
            else:
                people = _people_named(text, agreement)
                if people and key not in confirmed:
                    verdict = ShareVerdict.ASK
                    reasons = ["names " + ", ".join(people) + ": confirm before sharing"]
                else:
                    verdict = ShareVerdict.SHARED
            reviewed.append(ShareItem(key, describe_span(start, end), event.text, text,
                                      verdict, tuple(reasons)))
            if verdict is not ShareVerdict.SHARED:
                withheld += 1
                continue
            items.append(md(text))
        if items:
            add("")
            add("Action items:")
            add("")
            for item in items:
                add(f"- {item}")
    add("")
    return AssistantSafeSummary("\n".join(out), len(sessions), withheld, tuple(reviewed))


def assistant_safe_summary(
    client: Client,
    agreement: Agreement,
    records_with_events: Iterable[tuple[SessionRecord, Sequence[Event]]],
    others: OtherClients = OtherClients(),  # noqa: B008 - frozen, so one shared empty value
) -> str:
    """Markdown safe to send to a third party. Built by allow-list; see the module docstring."""
    return assistant_safe_report(client, agreement, records_with_events, others).text
