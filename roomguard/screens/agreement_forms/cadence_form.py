"""How often the agreement is reviewed, and when the next review is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from roomguard.core.cadence import CadenceError, next_occurrence, validate_cadence
from roomguard.core.dates import DateInputError, describe_date, format_date
from roomguard.core.models import Cadence, CadenceKind
from roomguard.screens.agreement_forms.base import AgreementForm, sentence
from roomguard.widgets.date_field import DateField
from roomguard.widgets.literal import literal

KIND_LABELS = {
    CadenceKind.WEEKS: "every N weeks",
    CadenceKind.MONTHS: "every N months",
    CadenceKind.RRULE: "RRULE (RFC 5545)",
}


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    cadence: Cadence
    next_review: date


class CadenceForm(AgreementForm[ReviewPlan]):
    """Returns the new :class:`ReviewPlan`. A blank next review is worked out from the cadence."""

    FIELDS = ("kind", "interval", "rrule", "next_review")
    DISCARD_QUESTION = "Discard the changes to the review cadence?"

    def __init__(
        self,
        on_save: Callable[[ReviewPlan], bool],
        *,
        cadence: Cadence,
        next_review: date | None,
        today: date,
    ) -> None:
        super().__init__(on_save)
        self.cadence = cadence
        self.next_review = next_review
        self.today = today

    def heading(self) -> str:
        return "Review cadence"

    def body(self) -> ComposeResult:
        cadence = self.cadence
        yield self.label("Review")
        yield Select(
            [(Text(label), kind) for kind, label in KIND_LABELS.items()],
            value=cadence.kind,
            allow_blank=False,
            id="kind",
        )
        yield self.error_label("kind")
        # Only the field the chosen kind uses is shown (edited() hides the other): an RRULE
        # field left visible for "every N weeks" looked as if it counted.
        with Vertical(id="interval-row", classes="field-row"):
            yield self.label("N (weeks or months)")
            yield Input(str(cadence.interval), id="interval", restrict=r"[0-9]*", max_length=4)
            yield self.error_label("interval")
        with Vertical(id="rrule-row", classes="field-row"):
            yield self.label("RRULE, e.g. FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYSETPOS=1")
            yield Input(cadence.rrule, id="rrule",
                        placeholder="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO")
            yield self.error_label("rrule")
        yield self.label("Next review (blank: work it out from the cadence)")
        yield DateField(
            format_date(self.next_review) if self.next_review else "",
            today=self.today,
            optional=True,
            id="next_review",
        )
        yield self.error_label("next_review")
        yield Static("", id="plan", classes="preview", markup=False)

    def _kind(self) -> CadenceKind:
        value = self.query_one("#kind", Select).value
        return value if isinstance(value, CadenceKind) else CadenceKind.MONTHS

    def _cadence(self) -> tuple[Cadence, str | None]:
        kind = self._kind()
        text = self.query_one("#interval", Input).value.strip()
        rrule = self.query_one("#rrule", Input).value.strip()
        if kind is CadenceKind.RRULE:
            return Cadence(kind, interval=self.cadence.interval, rrule=rrule), None
        if not text.isdigit():
            return Cadence(kind, interval=1), f"Enter how many {kind.value}, e.g. 3."
        return Cadence(kind, interval=int(text), rrule=rrule), None

    def _plan(self) -> tuple[dict[str, str], ReviewPlan | None]:
        errors: dict[str, str] = {}
        cadence, interval_error = self._cadence()
        field = "rrule" if cadence.kind is CadenceKind.RRULE else "interval"
        if interval_error:
            errors["interval"] = interval_error
        try:
            typed = self.query_one("#next_review", DateField).parsed()
        except DateInputError as exc:
            errors["next_review"] = sentence(str(exc))
            typed = None
        if typed is not None and typed < self.today:
            errors["next_review"] = sentence(
                f"the next review {format_date(typed)} is in the past; pick today or later"
            )
        if field not in errors:
            problem = validate_cadence(cadence, typed or self.today)
            if problem:
                errors[field] = sentence(problem)
        if errors:
            return errors, None
        if typed is not None:
            return {}, ReviewPlan(cadence, typed)
        try:
            return {}, ReviewPlan(cadence, next_occurrence(cadence, self.today))
        except CadenceError as exc:
            return {field: sentence(str(exc))}, None

    def edited(self) -> None:
        kind = self._kind()
        self.query_one("#interval-row").display = kind is not CadenceKind.RRULE
        self.query_one("#rrule-row").display = kind is CadenceKind.RRULE
        _, plan = self._plan()
        preview = self.query_one("#plan", Static)
        if plan is None:
            preview.update(Text("Fix the cadence to see the next review.", style="dim"))
        else:
            preview.update(
                literal(
                    f"Reviewed {plan.cadence.describe()}; next review {describe_date(plan.next_review)}."
                )
            )

    def errors(self) -> dict[str, str]:
        return self._plan()[0]

    def result(self) -> ReviewPlan:
        plan = self._plan()[1]
        assert plan is not None
        return plan
