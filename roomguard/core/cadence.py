"""When an agreement is next reviewed, and how urgent that is.

A cadence is a series of dates that starts at an *anchor* (normally a review date):

* every N weeks: ``anchor + k * 7N days``;
* every N months: ``anchor + k * N months`` with :class:`~dateutil.relativedelta.relativedelta`
  semantics, always counted from the anchor rather than from the previous occurrence, so an
  anchor of 31 Jan gives 28/29 Feb, 31 Mar, 30 Apr, 31 May …;
* an RFC 5545 RRULE (``FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO``: the first Monday of every third
  month), expanded by :func:`dateutil.rrule.rrulestr` with the anchor as DTSTART. As in
  dateutil, the anchor itself only counts when it matches the rule.

A review cadence never ends, so RRULEs may not carry COUNT, UNTIL or their own DTSTART, and
must produce a date within :data:`HORIZON_YEARS` of wherever they are asked for one.

A rule that takes its day from the anchor is refused when the anchor's day is one some periods
lack: ``FREQ=YEARLY`` from 29 February would only ever fall in leap years (the next review four
years away), ``FREQ=MONTHLY`` from the 31st only in 31-day months. The error says how to ask
for what is meant (``BYMONTHDAY=-1``: the last day of the month).

After a review held on its scheduled day, a week or month cadence carries on the series that
scheduled it: reviews on 31 Jan, 28 Feb (the end of February), then 31 Mar, not 28 Mar. Only a
review held on another day starts a new series from that day (:func:`schedule_after_review`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr
from dateutil.tz import tzlocal

from roomguard.core.dates import MONTH_NAMES
from roomguard.core.models import Agreement, Cadence, CadenceKind, ConsentRecord

MIN_INTERVAL = 1
MAX_INTERVAL = 520  # 10 years of weeks, 43 years of months
HORIZON_YEARS = 50  # a rule with no date this far ahead is treated as never occurring
DEFAULT_SOON_DAYS = 14

_RRULE_PARTS = frozenset(
    {
        "FREQ",
        "INTERVAL",
        "WKST",
        "BYSETPOS",
        "BYMONTH",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYDAY",
        "BYHOUR",
        "BYMINUTE",
        "BYSECOND",
        "BYEASTER",
    }
)
_ENDLESS = {
    "COUNT": "a review cadence can't end; remove COUNT",
    "UNTIL": "a review cadence can't end; remove UNTIL",
    "DTSTART": "leave out DTSTART; the series starts at the agreement's first review",
}
_FREQUENCIES = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY"})
_TOO_FREQUENT = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_BYDAY_ITEM = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_LONGEST_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Anchor for checking a rule when the caller has none: a leap year starting on a Saturday.
_REFERENCE_ANCHOR = date(2000, 1, 1)


class CadenceError(ValueError):
    """The cadence can't produce the date asked for; ``str(error)`` is meant for the user."""


class DueState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    LATER = "later"
    NOT_SCHEDULED = "not scheduled"


@dataclass(frozen=True)
class ReviewDue:
    """When the agreement must next be reviewed and why.

    ``due_on`` is None (and ``state`` NOT_SCHEDULED) when nothing calls for a review.
    ``reasons`` are sentences for the coach, earliest first.
    """

    due_on: date | None
    reasons: list[str]
    state: DueState


# --- validation -------------------------------------------------------------------------------


def validate_cadence(cadence: Cadence, anchor: date | None = None) -> str | None:
    """Why *cadence* is unusable, as a sentence for the coach, or None when it is fine.

    For an RRULE, *anchor* is the date the series would start from: a rule can depend on it
    (``FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29`` only works from a leap year). Without
    one, 1 Jan 2000 is used.
    """
    try:
        _check(cadence, anchor)
    except CadenceError as exc:
        return str(exc)
    return None


def _check(cadence: Cadence, anchor: date | None) -> None:
    if cadence.kind == CadenceKind.RRULE:
        start = _REFERENCE_ANCHOR if anchor is None else anchor
        rule = _compile_rrule(cadence.rrule, start)
        if _first_on_or_after(rule, start) is None:
            raise CadenceError(
                f"RRULE {cadence.rrule.strip()!r} never occurs: no date within "
                f"{HORIZON_YEARS} years of {start.isoformat()}."
            )
        return
    if cadence.kind not in (CadenceKind.WEEKS, CadenceKind.MONTHS):
        raise CadenceError(f"Unknown cadence kind {cadence.kind!r}; use weeks, months or rrule.")
    _check_interval(cadence.interval, str(cadence.kind))


def _check_interval(interval: object, unit: str) -> None:
    if isinstance(interval, bool) or not isinstance(interval, int):
        raise CadenceError(f"The interval must be a whole number of {unit}, not {interval!r}.")
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise CadenceError(
            f"The interval must be between {MIN_INTERVAL} and {MAX_INTERVAL} {unit}, "
            f"not {interval}."
        )


def _compile_rrule(text: str, anchor: date) -> rrule:
    """The rule in *text* starting at *anchor*, or a CadenceError saying what is wrong."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :].strip()
    if not body:
        raise CadenceError("Enter an RRULE, e.g. FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO.")
    if re.search(r"[\r\n]", body):
        raise CadenceError("Enter a single RRULE line, without DTSTART or other properties.")

    parts: dict[str, str] = {}
    for chunk in filter(None, (c.strip() for c in body.split(";"))):
        key, sep, value = chunk.partition("=")
        key = key.strip().upper()
        if not sep or not key or not value.strip():
            raise CadenceError(f"RRULE part {chunk!r} should look like NAME=VALUE.")
        if key in _ENDLESS:
            raise CadenceError(f"RRULE {body!r}: {_ENDLESS[key]}.")
        if key not in _RRULE_PARTS:
            raise CadenceError(f"RRULE {body!r}: unknown part {key!r}.")
        if key in parts:
            raise CadenceError(f"RRULE {body!r}: {key} is given twice.")
        parts[key] = value.strip().upper()

    freq = parts.get("FREQ")
    if freq is None:
        raise CadenceError(f"RRULE {body!r} needs a FREQ, e.g. FREQ=MONTHLY.")
    if freq in _TOO_FREQUENT:
        raise CadenceError(f"RRULE {body!r}: reviews can't repeat more often than daily.")
    if freq not in _FREQUENCIES:
        raise CadenceError(
            f"RRULE {body!r}: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, not {freq!r}."
        )
    if "INTERVAL" in parts:
        if not parts["INTERVAL"].isdigit():
            raise CadenceError(f"RRULE {body!r}: INTERVAL must be a whole number.")
        interval = int(parts["INTERVAL"])
        if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
            raise CadenceError(
                f"RRULE {body!r}: INTERVAL must be between {MIN_INTERVAL} and {MAX_INTERVAL}."
            )
    months = _numbers(body, parts, "BYMONTH", 12, signed=False) or list(range(1, 13))
    month_days = _numbers(body, parts, "BYMONTHDAY", 31, signed=True)
    _numbers(body, parts, "BYYEARDAY", 366, signed=True)
    _numbers(body, parts, "BYWEEKNO", 53, signed=True)
    _numbers(body, parts, "BYSETPOS", 366, signed=True)
    _check_byday(body, freq, parts.get("BYDAY"))
    # dateutil searches to the year 9999 for a rule that never matches (seconds for a DAILY
    # rule), so catch the usual impossible one, a day the chosen months never have, up front.
    if month_days and not any(
        abs(day) <= _LONGEST_MONTH[month - 1] for month in months for day in month_days
    ):
        names = " or ".join(MONTH_NAMES[m - 1] for m in months)
        days = " or ".join(str(d) for d in month_days)
        raise CadenceError(f"RRULE {body!r} never occurs: there is no day {days} in {names}.")

    _check_anchor_day(body, freq, parts, anchor)

    normalised = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        rule = rrulestr(normalised, dtstart=_midnight(anchor))
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
        raise CadenceError(f"RRULE {body!r} is not valid: {exc}.") from exc
    if not isinstance(rule, rrule):  # pragma: no cover - only one rule line gets this far
        raise CadenceError(f"RRULE {body!r} must be a single rule.")
    return rule


def _numbers(
    body: str, parts: dict[str, str], key: str, largest: int, *, signed: bool
) -> list[int]:
    """The comma-separated numbers of one BY part, each within ±1..largest (or 1..largest)."""
    if key not in parts:
        return []
    values: list[int] = []
    for item in parts[key].split(","):
        text = item.strip()
        digits = text[1:] if signed and text[:1] in "+-" else text
        if not digits.isdigit():
            raise CadenceError(f"RRULE {body!r}: {key} takes whole numbers, not {text!r}.")
        value = int(text)
        if not 1 <= abs(value) <= largest:
            allowed = f"1 to {largest} or -{largest} to -1" if signed else f"1 to {largest}"
            raise CadenceError(f"RRULE {body!r}: {key} {value} is out of range ({allowed}).")
        values.append(value)
    return values


def _check_byday(body: str, freq: str, byday: str | None) -> None:
    """Weekdays like MO or, for MONTHLY/YEARLY rules, numbered ones like 1MO or -1FR."""
    if byday is None:
        return
    for item in byday.split(","):
        m = _BYDAY_ITEM.fullmatch(item.strip())
        if m is None:
            raise CadenceError(
                f"RRULE {body!r}: BYDAY {item.strip()!r} should be MO, TU, WE, TH, FR, SA or SU, "
                "optionally numbered like 1MO or -1FR."
            )
        if m[1] is None:
            continue
        nth = int(m[1])
        largest = {"MONTHLY": 5, "YEARLY": 53}.get(freq)
        if largest is None:
            raise CadenceError(
                f"RRULE {body!r}: a numbered weekday like {item.strip()} needs FREQ=MONTHLY "
                "or FREQ=YEARLY."
            )
        if not 1 <= abs(nth) <= largest:
            raise CadenceError(
                f"RRULE {body!r}: {item.strip()} asks for weekday number {nth}, but a "
                f"{'month' if freq == 'MONTHLY' else 'year'} has at most {largest}."
            )


def _check_anchor_day(body: str, freq: str, parts: dict[str, str], anchor: date) -> None:
    """Refuse a rule that takes its day from an anchor some periods do not have.

    Without BYMONTHDAY, BYDAY, BYYEARDAY or BYWEEKNO, dateutil repeats the anchor's day of the
    month (and, yearly, its month) and skips every period without it: silently, so a yearly
    review from 29 February came four years later. Refused here, with what to write instead.
    """
    if any(key in parts for key in ("BYMONTHDAY", "BYDAY", "BYYEARDAY", "BYWEEKNO")):
        return
    if freq == "YEARLY" and "BYMONTH" not in parts and (anchor.month, anchor.day) == (2, 29):
        raise CadenceError(
            f"RRULE {body!r} from 29 February would repeat only in leap years (the next review "
            "four years away). Add BYMONTH=2;BYMONTHDAY=-1 for the last day of February every "
            "year, or start from another day."
        )
    if freq == "MONTHLY" and anchor.day > 28:
        raise CadenceError(
            f"RRULE {body!r} from day {anchor.day} of the month would skip every month "
            f"without a day {anchor.day}. Add BYMONTHDAY=-1 for the last day of each month, or "
            "BYMONTHDAY=28 or earlier."
        )


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time())


def _first_on_or_after(rule: rrule, start: date) -> date | None:
    """The rule's first date on or after *start*, looking no further than the horizon."""
    try:
        limit = start + relativedelta(years=HORIZON_YEARS)
    except (ValueError, OverflowError):
        limit = date.max
    bounded = rule.replace(until=datetime.combine(limit, time.max))
    try:
        found = bounded.after(_midnight(start), inc=True)
    except (ValueError, IndexError, KeyError, OverflowError) as exc:
        raise CadenceError(f"This RRULE can't be expanded: {exc}.") from exc
    return None if found is None else found.date()


# --- arithmetic -------------------------------------------------------------------------------


def _step(cadence: Cadence, anchor: date, k: int) -> date:
    """The k-th date of a week or month cadence, counted from the anchor."""
    if cadence.kind == CadenceKind.WEEKS:
        return anchor + timedelta(weeks=k * cadence.interval)
    result: date = anchor + relativedelta(months=k * cadence.interval)
    return result


def next_occurrence(cadence: Cadence, after: date, anchor: date | None = None) -> date:
    """The first date of the cadence strictly after *after*.

    The series starts at *anchor* (default: *after*). Raises :class:`CadenceError` when the
    cadence is invalid or has no such date (past the horizon or the end of the calendar).
    """
    start = after if anchor is None else anchor
    if cadence.kind != CadenceKind.RRULE:
        _check(cadence, start)
    try:
        if cadence.kind == CadenceKind.RRULE:
            rule = _compile_rrule(cadence.rrule, start)
            found = _first_on_or_after(rule, after + timedelta(days=1))
            if found is None:
                raise CadenceError(
                    f"RRULE {cadence.rrule.strip()!r} has no date within {HORIZON_YEARS} "
                    f"years after {after.isoformat()}."
                )
            return found
        if after < start:
            return start
        if cadence.kind == CadenceKind.WEEKS:
            period = 7 * cadence.interval
            return start + timedelta(days=((after - start).days // period + 1) * period)
        # Months: no occurrence before month index k0 * N can be after `after`, so start there.
        months_apart = (after.year - start.year) * 12 + after.month - start.month
        k = months_apart // cadence.interval
        while (candidate := _step(cadence, start, k)) <= after:
            k += 1
        return candidate
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, CadenceError):
            raise
        raise CadenceError(f"No review date after {after.isoformat()} fits the calendar.") from exc


def occurrences(cadence: Cadence, anchor: date, until: date) -> Iterator[date]:
    """Every date of the cadence from *anchor* up to and including *until*, in order.

    For weeks and months the anchor is the first date. Raises :class:`CadenceError` at once
    when the cadence is invalid.
    """
    _check(cadence, anchor)
    if cadence.kind == CadenceKind.RRULE:
        rule = _compile_rrule(cadence.rrule, anchor)
        return _rule_dates(rule.replace(until=datetime.combine(until, time.max)))
    return _stepped_dates(cadence, anchor, until)


def _rule_dates(rule: rrule) -> Iterator[date]:
    previous: date | None = None
    for moment in rule:
        day = moment.date()
        if day != previous:  # BYHOUR can put two moments on one date
            yield day
            previous = day


def _stepped_dates(cadence: Cadence, anchor: date, until: date) -> Iterator[date]:
    k = 0
    while True:
        try:
            day = _step(cadence, anchor, k)
        except (OverflowError, ValueError):  # past the end of the calendar
            return
        if day > until:
            return
        yield day
        k += 1


# --- urgency ----------------------------------------------------------------------------------


def due_state(due: date | None, today: date, soon_days: int = DEFAULT_SOON_DAYS) -> DueState:
    """OVERDUE before *today*, DUE_SOON from today through ``today + soon_days``, else LATER."""
    if soon_days < 0:
        raise ValueError(f"soon_days must be 0 or more, not {soon_days}")
    if due is None:
        return DueState.NOT_SCHEDULED
    if due < today:
        return DueState.OVERDUE
    if (due - today).days <= soon_days:
        return DueState.DUE_SOON
    return DueState.LATER


def local_today(now: datetime, tz: tzinfo | None = None) -> date:
    """Today's date where the coach is.

    *now* must be timezone-aware (the caller reads the clock: core never does); it is converted
    to *tz* (default: the machine's zone, :func:`dateutil.tz.tzlocal`) before the date is
    taken, so the day turns over at local midnight whatever zone *now* was expressed in, DST
    included.
    """
    zone = tzlocal() if tz is None else tz
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"local_today needs a timezone-aware datetime, not naive {now!r}")
    return now.astimezone(zone).date()


# --- the agreement ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Trigger:
    on: date
    rank: int  # tie-break for reasons on the same date: scheduled, consent, scope, newcomer
    reason: str


def _consent_in_force(records: list[ConsentRecord]) -> ConsentRecord | None:
    """Of one person's unrevoked consents, the one to the newest terms, signed last."""
    live = [c for c in records if c.revoked_on is None]
    return max(live, key=lambda c: (c.terms_version, c.signed_on), default=None)


def _triggers(agreement: Agreement, today: date) -> list[_Trigger]:
    triggers: list[_Trigger] = []
    if agreement.next_review is not None:
        triggers.append(_Trigger(agreement.next_review, 0, "scheduled review"))

    current = {p.id: p for p in agreement.participants if p.ended_on is None}

    # Consent: only the record in force for each current party. A lapsed consent keeps the
    # review due until a new one is recorded, even across reviews.
    for participant in current.values():
        consent = _consent_in_force(
            [c for c in agreement.consents if c.participant_id == participant.id]
        )
        if consent is not None and consent.expires_on is not None:
            verb = "expired" if consent.expires_on < today else "expires"
            triggers.append(
                _Trigger(
                    consent.expires_on,
                    1,
                    f"{participant.name}'s consent {verb} {consent.expires_on.isoformat()}",
                )
            )

    last = agreement.last_review()
    # Scopes: an end the last review already saw (on or before that review) has been dealt
    # with; otherwise the ended scope would hold the agreement overdue forever.
    for scope in agreement.terms.scopes:
        scoped = current.get(scope.participant_id)
        if scoped is None or scope.ends_on is None:
            continue
        if last is not None and scope.ends_on <= last.reviewed_on:
            continue
        verb = "ended" if scope.ends_on < today else "ends"
        triggers.append(
            _Trigger(
                scope.ends_on, 2, f"scope for {scoped.name} {verb} {scope.ends_on.isoformat()}"
            )
        )

    # Newcomers: anyone added after the last review (and not at it), or after the agreement
    # was set up (its first terms) when it has never been reviewed.
    if last is not None:
        since = last.reviewed_on
        seen = set(last.participant_ids)
    else:
        since = (agreement.history[0] if agreement.history else agreement.terms).created_at.date()
        seen = set()
    for participant in current.values():
        if participant.added_on > since and participant.id not in seen:
            triggers.append(
                _Trigger(
                    participant.added_on,
                    3,
                    f"new participant {participant.name} added {participant.added_on.isoformat()}",
                )
            )
    return triggers


def review_due(agreement: Agreement, today: date, soon_days: int = DEFAULT_SOON_DAYS) -> ReviewDue:
    """The earliest date anything calls for a review, and every reason to review by then.

    Triggers: the scheduled ``next_review``; the expiry of each current party's consent in force
    (unrevoked, newest terms, last signed); the end of each current-terms scope extension not
    yet seen by a review; each party added since the last review. Parties whose involvement
    ended don't count, nor do records for people not on the agreement.

    ``reasons`` cover every trigger up to the due date or the end of the due-soon window,
    whichever is later, so an overdue review lists everything to settle at it.
    """
    triggers = sorted(_triggers(agreement, today), key=lambda t: (t.on, t.rank))
    if not triggers:
        return ReviewDue(None, [], due_state(None, today, soon_days))
    due_on = triggers[0].on
    horizon = max(due_on, today + timedelta(days=soon_days))
    reasons = [t.reason for t in triggers if t.on <= horizon]
    return ReviewDue(due_on, reasons, due_state(due_on, today, soon_days))


def schedule_after_review(agreement: Agreement, reviewed_on: date) -> date:
    """The next review date after a review held on *reviewed_on*.

    Weeks and months count on from *reviewed_on*. An RRULE keeps its own rhythm: it is anchored
    on the agreement's first review (or *reviewed_on* if that is earlier or there is none), so
    "first Monday of each quarter" stays on the same quarters whenever the review actually
    happened. Raises :class:`CadenceError` for an unusable cadence.
    """
    cadence = agreement.cadence
    if cadence.kind == CadenceKind.RRULE:
        anchor = min([r.reviewed_on for r in agreement.reviews] + [reviewed_on])
        return next_occurrence(cadence, reviewed_on, anchor)
    return next_occurrence(cadence, reviewed_on, series_anchor(agreement, reviewed_on))


def series_anchor(agreement: Agreement, reviewed_on: date) -> date:
    """Where the week or month series that a review on *reviewed_on* continues began.

    A review held on the day the agreement scheduled continues that series: walking back, each
    earlier review that scheduled the next one's day, on the series' own dates, extends it. So
    monthly reviews from 31 January fall on 28 February, then 31 March, never drifting to the
    28th. A review on any other day starts a new series there.
    """
    cadence = agreement.cadence
    if agreement.next_review != reviewed_on:
        return reviewed_on
    anchor = reviewed_on
    held = [reviewed_on]
    for review in sorted(agreement.reviews, key=lambda r: r.reviewed_on, reverse=True):
        if review.reviewed_on >= anchor:
            continue
        if review.next_review != anchor:
            break
        candidate = review.reviewed_on
        if not all(_on_series(cadence, candidate, day) for day in held):
            break
        anchor = candidate
        held.append(candidate)
    return anchor


def _on_series(cadence: Cadence, anchor: date, day: date) -> bool:
    """Is *day* one of the dates of the week or month series that starts at *anchor*?"""
    if day < anchor:
        return False
    if cadence.kind == CadenceKind.WEEKS:
        return (day - anchor).days % (7 * cadence.interval) == 0
    months = (day.year - anchor.year) * 12 + day.month - anchor.month
    if months % cadence.interval:
        return False
    try:
        return _step(cadence, anchor, months // cadence.interval) == day
    except (OverflowError, ValueError):
        return False
