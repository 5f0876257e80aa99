"""RRULE cadences in words."""

from __future__ import annotations

import pytest

from roomguard.core.models import Cadence, CadenceKind
from roomguard.core.rrule_text import describe_rrule


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", "the first Monday of every third month"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=MO;BYSETPOS=1", "the first Monday of every third month"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYSETPOS=1", "the first Monday of every third month"),
        ("FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=2", "by the rule FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=2"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "the last Friday of every month"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
         "the last day (Monday, Tuesday, Wednesday, Thursday and Friday) of every other month"),
        ("FREQ=WEEKLY;INTERVAL=6;BYDAY=TU", "on Tuesday, every 6th week"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "on the 15th day of every month"),
        ("FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1", "on the first day of every year in January and July"),
        ("FREQ=MONTHLY;INTERVAL=4", "every fourth month"),
        ("FREQ=HOURLY", "by the rule FREQ=HOURLY"),
        ("FREQ=MONTHLY;COUNT=3", "by the rule FREQ=MONTHLY;COUNT=3"),
        ("garbage", "by the rule garbage"),
        ("FREQ=MONTHLY;BYMONTH=13", "by the rule FREQ=MONTHLY;BYMONTH=13"),
    ],
)
def test_describe_rrule(rule: str, words: str) -> None:
    assert describe_rrule(rule) == words


def test_cadence_describe_uses_the_words() -> None:
    cadence = Cadence(CadenceKind.RRULE, rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=MO;BYSETPOS=1")
    assert cadence.describe() == "the first Monday of every third month"
    assert Cadence(CadenceKind.MONTHS, 1).describe() == "every 1 month"
