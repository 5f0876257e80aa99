"""What the coach types into a date field, turned into a date or a precise complaint.

Accepted forms (case and surrounding spaces don't matter):

* ISO and other year-first numbers: ``2026-12-03``, ``2026/12/3``, ``20261203``.
* Day, month and year as numbers: ``3/12/2026``, ``03.12.26``. Read day-first when
  ``dayfirst`` is true (the default), month-first otherwise. When only one reading is a real
  date (``12/31/2026``) that reading is taken. Without a year (``3/12``) the year is today's.
* Month names, as far as :func:`dateutil.parser.parse` understands them without guessing:
  ``3 Dec 2026``, ``December 3, 2026``, ``Thu 3 Dec 2026`` (the weekday must be right),
  ``3rd of December 2026``, ``Dec 3`` (this year).
* Relative to today: ``today``, ``tomorrow``, ``yesterday``, ``+10d``, ``+2w``, ``+3m``,
  ``+1y``, ``-1w``, ``in 10 days``, ``in 2 weeks``, ``in 3 months``, ``in a year``,
  ``2 weeks ago``, ``next week``/``next month``/``next year`` and ``last …``. Months and years
  are calendar months and years: 31 Jan + 1 month is 28 (or 29) Feb.

Anything else is refused rather than guessed: a lone number (``12``, ``2026``), a day and month
with no way to tell them apart from a time, text with no month name, a time of day, a month with
no day (``Dec 2026``) and years outside :data:`EARLIEST_YEAR`..:data:`LATEST_YEAR`.

Day-first and month-first readings of ``03/04/2026`` are both real dates. The input is accepted
by the ``dayfirst`` setting, and :func:`describe_parse` spells the result out with the other
reading, so the form can show it before saving.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil import parser as du_parser
from dateutil.relativedelta import relativedelta

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199

EXAMPLES = "e.g. 2026-12-03, 3 Dec 2026, 3/12/2026, +2w or in 3 months"

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_UNITS: dict[str, str] = {
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("m", "mo", "mos", "month", "months"), "months"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "years"),
}
_UNIT_HELP = "use d (days), w (weeks), m (months) or y (years)"
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1}

_SIGNED_OFFSET = re.compile(r"([+-])\s*(\d+)\s*([a-z]*)")
_IN_OFFSET = re.compile(r"in\s+(\d+(?=\s*[a-z])|a(?=\s)|an(?=\s)|one(?=\s))\s*([a-z]+)")
_AGO_OFFSET = re.compile(r"(\d+(?=\s*[a-z])|a(?=\s)|an(?=\s)|one(?=\s))\s*([a-z]+)\s+ago")
_NEXT_LAST = re.compile(r"(next|last)\s+([a-z]+)")
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_COMPACT_ISO = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([-/.])(\d{1,2})(?:\2(\d+))?")
_TIME_OF_DAY = re.compile(r"\d:\d|\d\s*[ap]\.?m\b|\dt\d")

# Two defaults that differ in every field, so comparing two parses shows which fields the text
# gave. Both are leap years and both months have 31 days, so neither default can make a valid
# text fail (or a day like 29 Feb or 31 pass in one and fail in the other).
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2004, 3, 3, 13, 37, 42)
_PARSER_INFO = du_parser.parserinfo()


class DateInputError(ValueError):
    """The text is not a date Roomguard will accept; ``str(error)`` is meant for the user."""


@dataclass(frozen=True, slots=True)
class _Parsed:
    value: date
    other_reading: date | None = None  # set when day-first and month-first both made sense


def format_date(d: date) -> str:
    """The stored and exported form: ISO 8601, ``2026-12-03``."""
    return d.isoformat()


def describe_date(d: date) -> str:
    """A date nobody can misread, whatever their convention: ``Thu 3 Dec 2026``.

    Independent of the process locale, so screens and tests read the same everywhere.
    """
    return f"{WEEKDAY_NAMES[d.weekday()][:3]} {d.day} {MONTH_NAMES[d.month - 1][:3]} {d.year}"


def parse_date_input(text: str, today: date, dayfirst: bool = True) -> date:
    """The date *text* means, relative to *today* where it is relative.

    Raises :class:`DateInputError` with a message fit to show next to the field.
    """
    return _parse(text, today, dayfirst).value


def parse_date_or_none(text: str, today: date, dayfirst: bool = True) -> date | None:
    """Like :func:`parse_date_input`, for optional fields: blank text means no date."""
    if not text.strip():
        return None
    return parse_date_input(text, today, dayfirst)


def describe_parse(text: str, today: date, dayfirst: bool = True) -> str:
    """What *text* will be saved as, spelled out: ``Thu 3 Dec 2026``.

    When the numbers could also be read the other way round, says so:
    ``Fri 3 Apr 2026 (read day-first; month-first would be Wed 4 Mar 2026)``.
    Raises :class:`DateInputError` like :func:`parse_date_input`.
    """
    parsed = _parse(text, today, dayfirst)
    shown = describe_date(parsed.value)
    if parsed.other_reading is None:
        return shown
    order, other_order = ("day-first", "month-first") if dayfirst else ("month-first", "day-first")
    return f"{shown} (read {order}; {other_order} would be {describe_date(parsed.other_reading)})"


def _parse(text: str, today: date, dayfirst: bool) -> _Parsed:
    raw = text.strip()
    if not raw:
        raise DateInputError(f"Enter a date, {EXAMPLES}.")
    norm = " ".join(raw.lower().split())

    relative = _parse_relative(norm, raw, today)
    if relative is not None:
        return _Parsed(_in_range(relative, raw))

    if _TIME_OF_DAY.search(norm):
        raise DateInputError(f"{raw!r} has a time of day in it; enter just the date.")

    if m := _YEAR_FIRST.fullmatch(norm):
        return _Parsed(_make_date(raw, int(m[1]), int(m[3]), int(m[4])))
    if m := _COMPACT_ISO.fullmatch(norm):
        return _Parsed(_make_date(raw, int(m[1]), int(m[2]), int(m[3])))
    if m := _DAY_MONTH_YEAR.fullmatch(norm):
        return _parse_numeric(raw, m, today, dayfirst)

    words = re.findall(r"[a-z]+", norm)
    if any(_PARSER_INFO.month(w) is not None for w in words):
        return _Parsed(_parse_with_month_name(raw, words, today, dayfirst))
    if not re.search(r"\d", norm):
        raise DateInputError(f"{raw!r} isn't a date Roomguard understands; {EXAMPLES}.")
    if re.fullmatch(r"\d+", norm):
        raise DateInputError(
            f"{raw!r} is just a number; give day, month and year, e.g. 3/12/2026 or 3 Dec 2026."
        )
    raise DateInputError(f"{raw!r} isn't a date Roomguard understands; {EXAMPLES}.")


def _parse_relative(norm: str, raw: str, today: date) -> date | None:
    """A date relative to *today*, or None when *norm* is not in a relative form at all."""
    fixed = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if norm in fixed:
        return today + timedelta(days=fixed[norm])

    if m := _SIGNED_OFFSET.fullmatch(norm):
        sign, count, unit_word = m[1], int(m[2]), m[3]
        if not unit_word:
            raise DateInputError(
                f"{raw!r} needs a unit: {sign}{count}d, {sign}{count}w, {sign}{count}m "
                f"or {sign}{count}y."
            )
        return _shift(today, (-1 if sign == "-" else 1) * count, unit_word, raw)
    if m := _IN_OFFSET.fullmatch(norm):
        return _shift(today, _count(m[1]), m[2], raw)
    if m := _AGO_OFFSET.fullmatch(norm):
        return _shift(today, -_count(m[1]), m[2], raw)
    if (m := _NEXT_LAST.fullmatch(norm)) and m[2] in ("week", "month", "year"):
        return _shift(today, 1 if m[1] == "next" else -1, m[2], raw)
    return None


def _count(word: str) -> int:
    return _WORD_NUMBERS[word] if word in _WORD_NUMBERS else int(word)


def _shift(today: date, count: int, unit_word: str, raw: str) -> date:
    unit = _UNITS.get(unit_word)
    if unit is None:
        raise DateInputError(f"{raw!r}: {unit_word!r} is not a unit Roomguard knows; {_UNIT_HELP}.")
    try:
        if unit == "days":
            return today + timedelta(days=count)
        if unit == "weeks":
            return today + timedelta(weeks=count)
        if unit == "months":
            return today + relativedelta(months=count)
        return today + relativedelta(years=count)
    except (OverflowError, ValueError) as exc:
        raise DateInputError(
            f"{raw!r} is too far from today; dates run from {EARLIEST_YEAR} to {LATEST_YEAR}."
        ) from exc


def _in_range(d: date, raw: str) -> date:
    if not EARLIEST_YEAR <= d.year <= LATEST_YEAR:
        raise DateInputError(
            f"{raw!r} falls in the year {d.year}; dates run from {EARLIEST_YEAR} to {LATEST_YEAR}."
        )
    return d


def _make_date(raw: str, year: int, month: int, day: int) -> date:
    """``date(year, month, day)``, or an error naming exactly what is wrong."""
    problem = _date_problem(year, month, day)
    if problem is not None:
        raise DateInputError(f"{raw!r} is not a real date: {problem}.")
    return _in_range(date(year, month, day), raw)


def _date_problem(year: int, month: int, day: int) -> str | None:
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if not 1 <= year <= 9999:
        return f"there is no year {year}"
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        return f"{MONTH_NAMES[month - 1]} {year} has {length} days, so there is no day {day}"
    return None


def _expand_year(digits: str, today: date, raw: str) -> int:
    """A 4-digit year as written; a 2-digit one in the century that puts it nearest *today*."""
    if len(digits) == 4:
        return int(digits)
    if len(digits) != 2:
        raise DateInputError(f"{raw!r}: write the year with 2 or 4 digits.")
    short = int(digits)
    year = today.year - today.year % 100 + short
    if year > today.year + 49:
        year -= 100
    elif year < today.year - 50:
        year += 100
    return year


def _parse_numeric(raw: str, m: re.Match[str], today: date, dayfirst: bool) -> _Parsed:
    """``d/m/y`` or ``m/d/y`` (any of ``/ . -``), taking whichever reading *dayfirst* prefers."""
    first, second = int(m[1]), int(m[3])
    year = today.year if m[4] is None else _expand_year(m[4], today, raw)
    day, month = (first, second) if dayfirst else (second, first)
    preferred_problem = _date_problem(year, month, day)
    other_problem = _date_problem(year, day, month)  # the same numbers the other way round
    if preferred_problem is not None:
        if other_problem is not None:
            raise DateInputError(f"{raw!r} is not a real date: {preferred_problem}.")
        # Only the other reading is a date (e.g. 12/31/2026 with dayfirst): nothing to confuse.
        return _Parsed(_in_range(date(year, day, month), raw))
    value = _in_range(date(year, month, day), raw)
    other = None
    if other_problem is None and day != month:
        other = date(year, day, month)
    return _Parsed(value, other)


def _parse_with_month_name(raw: str, words: list[str], today: date, dayfirst: bool) -> date:
    """Text with a month name, through dateutil, refusing anything it would have to invent."""
    try:
        a = du_parser.parse(raw, default=_DEFAULT_A, dayfirst=dayfirst, fuzzy=False)
        b = du_parser.parse(raw, default=_DEFAULT_B, dayfirst=dayfirst, fuzzy=False)
    except du_parser.ParserError as exc:
        reason = str(exc.args[0]) if exc.args else str(exc)
        if reason.startswith("Unknown string format"):
            raise DateInputError(
                f"{raw!r} isn't a date Roomguard understands; {EXAMPLES}."
            ) from exc
        raise DateInputError(f"{raw!r} is not a real date: {reason.split(':')[0]}.") from exc
    except (ValueError, OverflowError) as exc:
        raise DateInputError(f"{raw!r} is not a real date: {exc}.") from exc

    if a.tzinfo is not None or a.hour == b.hour or a.minute == b.minute or a.second == b.second:
        raise DateInputError(f"{raw!r} has a time of day in it; enter just the date.")
    if a.day != b.day:
        raise DateInputError(f"{raw!r} has no day of the month; e.g. 3 Dec 2026.")
    if a.month != b.month:  # pragma: no cover - a month name was required to get here
        raise DateInputError(f"{raw!r} has no month; e.g. 3 Dec 2026.")
    year = a.year if a.year == b.year else today.year  # no year given: this year
    value = _make_date(raw, year, a.month, a.day)

    for word in words:
        weekday = _PARSER_INFO.weekday(word)
        if weekday is not None and weekday != value.weekday():
            raise DateInputError(
                f"{raw!r}: {describe_date(value)[4:]} is a {WEEKDAY_NAMES[value.weekday()]}, "
                f"not a {WEEKDAY_NAMES[weekday]}."
            )
    return value
