"""RRULE cadences in words: "the first Monday of every 3rd month", not "FREQ=MONTHLY;…".

Covers the shapes a review cadence uses (a frequency, an interval, weekdays with or without an
ordinal or BYSETPOS, days of the month, months). Anything else falls back to the rule text, so
a description is never wrong, only sometimes technical.
"""

from __future__ import annotations

import re

_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
         "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_KNOWN = {"FREQ", "INTERVAL", "BYDAY", "BYSETPOS", "BYMONTHDAY", "BYMONTH", "WKST"}
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def ordinal(n: int) -> str:
    if n == -1:
        return "last"
    if n < 0:
        return f"{ordinal(-n)}-to-last"
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}
    if n in words:
        return words[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _every(unit: str, interval: int) -> str:
    if interval == 1:
        return f"every {unit}"
    if interval == 2:
        return f"every other {unit}"
    return f"every {ordinal(interval)} {unit}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_rrule(rule: str) -> str:
    """A sentence for *rule*; the rule text itself when it has parts this does not word."""
    fallback = f"by the rule {rule}"
    try:
        parts = dict(p.split("=", 1) for p in rule.upper().replace(" ", "").split(";") if p)
    except ValueError:
        return fallback
    if not set(parts) <= _KNOWN or parts.get("FREQ") not in _UNITS:
        return fallback
    try:
        interval = int(parts.get("INTERVAL", "1"))
        setpos = [int(x) for x in parts["BYSETPOS"].split(",")] if "BYSETPOS" in parts else []
        monthdays = [int(x) for x in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
        months = [_MONTHS[int(x) - 1] for x in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else []
    except (ValueError, IndexError):
        return fallback
    days = []
    for item in parts.get("BYDAY", "").split(",") if parts.get("BYDAY") else []:
        match = _BYDAY.fullmatch(item)
        if not match:
            return fallback
        n, day = match.groups()
        days.append((int(n) if n else None, _DAYS[day]))
    if setpos == [1] and len(days) == 1 and days[0][0] is not None:
        setpos = []  # "the 1st of {the first Monday}" is just the first Monday
    unit = _UNITS[parts["FREQ"]]
    period = _every(unit, interval)
    if months:
        period = f"{period} in {_and(months)}"
    if days and len(setpos) == 1 and all(n is None for n, _ in days):
        which = "day" if len(days) > 1 else days[0][1]
        names = f" ({_and([d for _, d in days])})" if len(days) > 1 else ""
        return f"the {ordinal(setpos[0])} {which}{names} of {period}"
    if setpos:
        return fallback
    if days:
        if all(n is not None for n, _ in days):
            return f"the {_and([f'{ordinal(n)} {d}' for n, d in days])} of {period}"  # type: ignore[arg-type]
        if any(n is not None for n, _ in days):
            return fallback
        return f"on {_and([d for _, d in days])}, {period}"
    if monthdays:
        return f"on the {_and([ordinal(d) for d in monthdays])} day of {period}"
    return period
