"""When the next session is booked: scheduling, so the assistant-safe summary may show it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from roomguard.core.dates import DateInputError, describe_date, format_date
from roomguard.screens.agreement_forms.base import AgreementForm, sentence
from roomguard.widgets.date_field import DateField
from roomguard.widgets.literal import literal


def parse_time(text: str) -> time:
    """``14:30``, ``9:05`` or ``0930``; raises ValueError with a message for anything else."""
    cleaned = text.strip().replace(".", ":")
    if cleaned.isdigit() and len(cleaned) in (3, 4):
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    try:
        hours, minutes = (int(part) for part in cleaned.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day; use 24-hour HH:MM, e.g. 14:30") from None


class NextSessionForm(AgreementForm[datetime | None]):
    """Returns the booked date-time, or None to clear it (blank date)."""

    FIELDS = ("day", "at")
    DISCARD_QUESTION = "Discard the next-session change?"

    def __init__(self, on_save: Callable[[datetime | None], bool], *,
                 current: datetime | None, today: date) -> None:
        super().__init__(on_save)
        self.current = current
        self.today = today

    def heading(self) -> str:
        return "Next session"

    def body(self) -> ComposeResult:
        current = self.current
        yield self.label("Date (blank: not booked)")
        yield DateField(format_date(current.date()) if current else "", today=self.today,
                        optional=True, id="day")
        yield self.error_label("day")
        yield self.label("Time (24-hour)")
        yield Input(f"{current:%H:%M}" if current else "10:00", id="at", max_length=5)
        yield self.error_label("at")
        yield Static("", id="booked", classes="preview", markup=False)

    def _value(self) -> tuple[dict[str, str], datetime | None]:
        errors: dict[str, str] = {}
        try:
            day = self.query_one("#day", DateField).parsed()
        except DateInputError as exc:
            return {"day": sentence(str(exc))}, None
        if day is None:
            return {}, None
        if day < self.today:
            errors["day"] = sentence(f"{format_date(day)} is in the past")
        try:
            at = parse_time(self.query_one("#at", Input).value)
        except ValueError as exc:
            errors["at"] = sentence(str(exc))
            return errors, None
        return errors, datetime.combine(day, at)

    def edited(self) -> None:
        """The preview says what would be saved, or, as it is typed, why it cannot be: a time
        like 25:99 once only blanked the preview, leaving the coach to guess."""
        errors, value = self._value()
        preview = self.query_one("#booked", Static)
        if errors:
            preview.update(Text("\n").join(
                literal(message, style="red") for message in errors.values()))
        else:
            preview.update(literal(f"Booked for {describe_date(value.date())}, {value:%H:%M}."
                                   if value else "No next session booked."))

    def errors(self) -> dict[str, str]:
        return self._value()[0]

    def result(self) -> datetime | None:
        return self._value()[1]
