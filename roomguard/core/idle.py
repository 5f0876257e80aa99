"""When the screen locks by itself: after so many minutes without a key or a click.

Outside a live session the lock is on by default (10 minutes): a laptop left open in a café
shows nothing of any client. During a live session it is off unless the coach turns it on: a
coach listening for twenty minutes without touching the keyboard must not find the session
hidden. The caller measures the idle time (a monotonic clock, injectable); this only decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MINUTES_SETTING = "idle_lock_minutes"
IN_SESSION_SETTING = "idle_lock_in_session"
DEFAULT_MINUTES = 10
MAX_MINUTES = 24 * 60


def minutes_error(text: str) -> str:
    """Why *text* is not a number of minutes (0 turns the idle lock off), or ""."""
    text = text.strip()
    if not text.isdigit():
        return "Enter a whole number of minutes (0 turns the idle lock off)."
    if int(text) > MAX_MINUTES:
        return f"At most {MAX_MINUTES} minutes (a day)."
    return ""


@dataclass(frozen=True)
class IdleLock:
    """*minutes* without input before the screen locks (0: never); *in_session*: also while a
    live session runs."""

    minutes: int = DEFAULT_MINUTES
    in_session: bool = False

    @classmethod
    def from_settings(cls, minutes: Any, in_session: Any) -> IdleLock:
        """From the stored settings; anything unreadable falls back to the default."""
        try:
            value = int(minutes) if minutes is not None else DEFAULT_MINUTES
        except (TypeError, ValueError):
            value = DEFAULT_MINUTES
        return cls(max(0, min(MAX_MINUTES, value)), in_session is True)

    def limit_seconds(self, live_session: bool) -> float | None:
        """Idle seconds after which to lock, or None when the idle lock is off now."""
        if self.minutes <= 0 or (live_session and not self.in_session):
            return None
        return self.minutes * 60.0

    def due(self, idle_seconds: float, live_session: bool) -> bool:
        limit = self.limit_seconds(live_session)
        return limit is not None and idle_seconds >= limit

    def describe(self) -> str:
        if self.minutes <= 0:
            return "off"
        during = "also during" if self.in_session else "not during"
        return f"after {self.minutes} min without input ({during} a live session)"
